"""Flags and suggestions of inputs versus outputs: the editable rules (``SuggestionRule``) evaluated on
a shown group's figures.

A rule fires on a group when every one of its conditions holds, and only on figures that are shown:
a group or a figure below the anonymity threshold never fires anything. An absolute condition
compares the group's mean; a relative one ("below the others by at least 0.5") compares the group with
the rest of the scope (the scope without the group, which must also reach the threshold) and needs the
95 % interval of the difference to lie entirely on that side of zero. Each flag carries its evidence:
the figures, their n and their intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tandem.core import authz
from tandem.core.errors import NotFound, ValidationFailed
from tandem.insights import inputs
from tandem.insights.inputs import Sums
from tandem.insights.inputs_models import RELATIVE_OPS, RuleOp, SuggestionRule

RULE_FIELDS = ("enabled", "order", "metric_a", "op_a", "value_a", "metric_b", "op_b", "value_b",
               "text_en", "text_zh_hans", "text_ru")


@dataclass
class Flag:
    rule: str
    group: str
    evidence: list[str]
    suggestion: str


def _fmt(metric: str, value: float) -> str:
    if metric in inputs.PROPORTION_METRICS:
        return _("%(v)s %%") % {"v": number_format(round(value * 100), 0)}
    if metric == "nps":
        return number_format(round(value), 0)
    return number_format(round(value, 2), 2)


def _fmt_diff(metric: str, value: float) -> str:
    if metric in inputs.PROPORTION_METRICS:
        return _("%(v)s points") % {"v": number_format(round(abs(value) * 100), 0)}
    if metric == "nps":
        return _("%(v)s points") % {"v": number_format(round(abs(value)), 0)}
    return number_format(round(abs(value), 2), 2)


def _fmt_ci(metric: str, value: float) -> str:
    return number_format(round(value), 0) if metric == "nps" else number_format(round(value, 2), 2)


def enabled_rules() -> list[SuggestionRule]:
    return list(SuggestionRule.objects.filter(enabled=True).order_by("order", "code"))


def _condition(metric: str, op: str, value: float, *, group: Any, sums: dict[str, Sums], whole: dict[str, Sums],
               hidden: set[str], threshold: int) -> str | None:
    """The evidence sentence when the condition holds, else None."""
    from tandem.insights.inputs_selectors import METRIC_SHORT

    if metric not in inputs.ALL_METRICS or metric in hidden:
        return None
    fig = group.figures.get(metric)
    if fig is None or not fig.shown:
        return None
    name = str(METRIC_SHORT[metric])
    if op in RELATIVE_OPS:
        limit = max(threshold, getattr(group, "thresholds", {}).get(metric, 0))
        diff = inputs.difference_of(metric, sums[metric], whole[metric], limit)
        if diff is None:
            return None
        low, high = diff.ci
        if op == RuleOp.BELOW_OTHERS and not (diff.value <= -value and high < 0):
            return None
        if op == RuleOp.ABOVE_OTHERS and not (diff.value >= value and low > 0):
            return None
        side = _("below") if op == RuleOp.BELOW_OTHERS else _("above")
        return _("%(metric)s in %(group)s is %(diff)s %(side)s the rest (%(value)s against %(rest)s; "
                 "n = %(n)s against %(n_rest)s; 95 %% CI of the difference %(low)s to %(high)s)") % {
            "metric": name[:1].upper() + name[1:], "group": group.label, "diff": _fmt_diff(metric, diff.value), "side": side,
            "value": _fmt(metric, fig.value), "rest": _fmt(metric, diff.rest_value), "n": diff.n_group,
            "n_rest": diff.n_rest, "low": _fmt_ci(metric, low), "high": _fmt_ci(metric, high)}
    if op == RuleOp.BELOW and not fig.value < value:
        return None
    if op == RuleOp.AT_LEAST and not fig.value >= value:
        return None
    word = _("below %(v)s") if op == RuleOp.BELOW else _("at least %(v)s")
    return _("%(metric)s in %(group)s is %(value)s (n = %(n)s, 95 %% CI %(low)s to %(high)s): %(cond)s") % {
        "metric": name[:1].upper() + name[1:], "group": group.label, "value": _fmt(metric, fig.value), "n": fig.n,
        "low": _fmt(metric, fig.ci[0]), "high": _fmt(metric, fig.ci[1]), "cond": word % {"v": _fmt(metric, value)}}


def evaluate(*, rules: list[SuggestionRule], group: Any, sums: dict[str, Sums], whole: dict[str, Sums],
             hidden: set[str], threshold: int, by: str) -> list[Flag]:
    """The flags of one shown group (``group`` has ``label`` and ``figures``; hidden groups are never passed).
    A condition on the pairs' figures needs the group's pairs shown; one on a survey output needs that
    output shown (its own threshold reached, see ``inputs.protect_survey``)."""
    if group.suppressed:
        return []
    pairs_small = group.pairs is None or group.pairs < threshold or (group.people or 0) < threshold
    if pairs_small:
        hidden = hidden | set(inputs.METRICS)
    out = []
    for rule in rules:
        evidence = []
        for metric, op, value in rule.conditions():
            sentence = _condition(metric, op, value, group=group, sums=sums, whole=whole, hidden=hidden,
                                  threshold=threshold)
            if sentence is None:
                break
            evidence.append(sentence)
        else:
            out.append(Flag(rule.code, group.label, evidence, rule.text()))
    return out


# -- editing a rule (HR) ----------------------------------------------------------------------------


@transaction.atomic
def suggestion_rule_update(*, actor: authz.Actor, rule_id: int, **changes: Any) -> SuggestionRule:
    """Change a rule's conditions, texts or switch it on or off (HR only); validated like the admin form."""
    authz.require(authz.can_edit_suggestion_rules(actor))
    rule = SuggestionRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("No such rule."))
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed({name: [_("Not a field of a rule.")] for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(rule, name, value)
    try:
        rule.full_clean()
    except ValidationError as exc:
        raise ValidationFailed({k: [str(m) for m in ms] for k, ms in exc.message_dict.items()}) from None
    rule.save(update_fields=[*changes, "updated_at"])
    return rule
