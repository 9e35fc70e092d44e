"""Reads of insights: groups of people, their outcome aggregates (in SQL), the comparison.

A group is written ``<kind>:<key>`` (in the page's form and ``?a=`` / ``?b=`` of the API):

- ``program:<id>`` — the program's participants: everyone ever enrolled in it as a mentee,
  withdrawn ones included (as enrolled, so that dropping out cannot flatter a program);
- ``nonparticipants:<id>`` — everyone with outcome records who has no enrolment in that program
  (neither side);
- ``cohort:<label>`` — the records imported with that ``cohort`` label.

For program groups a person counts once per metric, with their latest record (any cohort label).
Aggregates are one GROUP BY metric per group: COUNT(value), SUM(value), SUM(value * value); the
statistics (``insights.stats``) take those sums. A group with fewer people than
``settings.INSIGHTS_MIN_GROUP`` (default 5) on a metric shows nothing for it, not even its n.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core import authz
from tandem.core.errors import ApplicationError, Forbidden, NotFound
from tandem.core.validators import DB_INT_MAX, single_line_problem
from tandem.insights import stats
from tandem.insights.errors import InsightsErrorCode
from tandem.insights.models import MetricKind, OutcomeMetric, OutcomeRecord
from tandem.programs.models import Enrolment, EnrolmentRole, Program

GROUP_KINDS = ("program", "nonparticipants", "cohort")
CONFIDENCE = 0.95
MAX_GROUP_TEXT = 200


def min_group() -> int:
    """The anonymity threshold: no figure for a group with fewer people than this."""
    return max(1, int(getattr(settings, "INSIGHTS_MIN_GROUP", 5)))


@dataclass(frozen=True)
class Group:
    kind: str
    key: str
    program: Program | None = None

    @property
    def code(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def label(self) -> str:
        if self.kind == "program":
            return _("Participants of “%(program)s”") % {"program": self.program.name}
        if self.kind == "nonparticipants":
            return _("Non-participants of “%(program)s”") % {"program": self.program.name}
        return _("Cohort “%(label)s”") % {"label": self.key}


def _bad_group(field: str, message: Any) -> ApplicationError:
    return ApplicationError(message, code=InsightsErrorCode.BAD_GROUP, data={"field": field})


def group_parse(*, actor: authz.Actor, text: str, field: str) -> Group:
    """``text`` as a :class:`Group` the actor may compare; an unknown program is 404, a program the
    actor does not manage 403, a malformed text 400 naming ``field``."""
    text = (text or "").strip()
    if not text:
        raise _bad_group(field, _("Choose a group to compare."))
    if len(text) > MAX_GROUP_TEXT or single_line_problem(text) or "\x00" in text:
        raise _bad_group(field, _("This is not a group: write program:<id>, nonparticipants:<id> or cohort:<label>."))
    kind, sep, key = text.partition(":")
    kind, key = kind.strip().lower(), key.strip()
    if not sep or kind not in GROUP_KINDS or not key:
        raise _bad_group(field, _("This is not a group: write program:<id>, nonparticipants:<id> or cohort:<label>."))
    program = None
    if kind in ("program", "nonparticipants"):
        if not key.isascii() or not key.isdigit() or int(key) > DB_INT_MAX or int(key) < 1:
            raise _bad_group(field, _("A program is given by its number, e.g. program:12."))
        program = Program.objects.select_related("owner").filter(pk=int(key)).first()
        if program is None:
            raise NotFound(_("No such program."), data={"field": field})
        key = str(program.pk)
    elif len(key) > 80:
        raise _bad_group(field, _("A cohort label has at most 80 characters."))
    if not authz.can_compare_group(actor, kind, program):
        raise Forbidden(data={"field": field})
    return Group(kind, key, program)


def _latest_only(records: QuerySet[OutcomeRecord]) -> QuerySet[OutcomeRecord]:
    """One record per person and metric: the latest (then the highest id on the same day)."""
    newer = OutcomeRecord.objects.filter(person_id=OuterRef("person_id"), metric_id=OuterRef("metric_id")).filter(
        Q(recorded_on__gt=OuterRef("recorded_on")) | Q(recorded_on=OuterRef("recorded_on"), pk__gt=OuterRef("pk"))
    )
    return records.filter(~Exists(newer))


def group_records(group: Group) -> QuerySet[OutcomeRecord]:
    if group.kind == "cohort":
        return OutcomeRecord.objects.filter(cohort=group.key)
    enrolled = Enrolment.objects.filter(program_id=group.program.pk, person_id=OuterRef("person_id"))
    if group.kind == "program":
        records = OutcomeRecord.objects.filter(Exists(enrolled.filter(role=EnrolmentRole.MENTEE)))
    else:
        records = OutcomeRecord.objects.filter(~Exists(enrolled))
    return _latest_only(records)


@dataclass(frozen=True)
class Sums:
    n: int
    total: float
    total_of_squares: float


def group_sums(group: Group) -> dict[int, Sums]:
    """Per metric id: COUNT, SUM(x), SUM(x*x) of the group, one GROUP BY query."""
    value = Cast("value", FloatField())
    rows = (
        group_records(group).order_by().values("metric_id")
        .annotate(n=Count("id"), total=Sum(value), total_sq=Sum(F("value") * F("value"), output_field=FloatField()))
    )
    return {r["metric_id"]: Sums(r["n"], float(r["total"] or 0.0), float(r["total_sq"] or 0.0)) for r in rows}


# -- the comparison ----------------------------------------------------------------------------

NOTE_TEXT = {
    stats.Note.CI_CROSSES_ZERO: gettext_lazy(
        # xgettext:no-python-format
        "The 95 % interval of the difference includes zero: no difference is among the plausible values."),
    stats.Note.SMALL_GROUP: gettext_lazy("A group has fewer than 30 people: too few to support a claim."),
    stats.Note.LIFT_UNDEFINED: gettext_lazy("Group B's value is zero: a relative lift has no meaning."),
    stats.Note.NO_SPREAD: gettext_lazy("Nobody's value differs within either group: the test is degenerate."),
    stats.Note.OBSERVATIONAL: gettext_lazy(
        "Observational comparison: the groups were not assigned at random, so a difference is an "
        "association, not proof that the program caused it."),
}
METHOD_TEXT = gettext_lazy(
    "Proportions: Wilson score intervals for each group, Newcombe's hybrid score interval for the "
    "difference, and the pooled two-proportion z-test without continuity correction. Means: t "
    "intervals for each group, Welch's t-test with the Welch–Satterthwaite interval for the "
    "difference. Lift is (A − B) / B. All intervals are 95 %."
)
SUPPRESSED_TEXT = gettext_lazy("Fewer than %(n)s people: not shown, to keep individuals anonymous.")


@dataclass
class GroupFigure:
    n: int | None
    value: float | None
    ci: tuple[float, float] | None


@dataclass
class MetricRow:
    metric: OutcomeMetric
    kind: str
    a: GroupFigure
    b: GroupFigure
    difference: float | None = None
    difference_ci: tuple[float, float] | None = None
    lift: float | None = None
    p_value: float | None = None
    test: str | None = None
    notes: list[dict[str, str]] = field(default_factory=list)
    suppressed: bool = False


@dataclass
class ComparisonResult:
    a: Group
    b: Group
    threshold: int
    rows: list[MetricRow]

    @property
    def method(self) -> str:
        return str(METHOD_TEXT)

    @property
    def observational_note(self) -> str:
        return str(NOTE_TEXT[stats.Note.OBSERVATIONAL])


def cohort_comparison(*, actor: authz.Actor, a: str, b: str) -> ComparisonResult:
    """Both groups parsed and checked, then compared metric by metric (metrics either group has)."""
    authz.require(authz.can_use_insights(actor))
    group_a = group_parse(actor=actor, text=a, field="a")
    group_b = group_parse(actor=actor, text=b, field="b")
    if group_a == group_b:
        raise ApplicationError(_("Choose two different groups."), code=InsightsErrorCode.SAME_GROUPS)
    sums_a, sums_b = group_sums(group_a), group_sums(group_b)
    threshold = min_group()
    metrics = OutcomeMetric.objects.filter(pk__in=set(sums_a) | set(sums_b)).order_by("name")
    rows = []
    empty = Sums(0, 0.0, 0.0)
    for metric in metrics:
        sa, sb = sums_a.get(metric.pk, empty), sums_b.get(metric.pk, empty)
        rows.append(_metric_row(metric, sa, sb, threshold))
    return ComparisonResult(group_a, group_b, threshold, rows)


def _metric_row(metric: OutcomeMetric, sa: Sums, sb: Sums, threshold: int) -> MetricRow:
    hidden = GroupFigure(None, None, None)
    if sa.n < threshold or sb.n < threshold:
        return MetricRow(metric, metric.kind, hidden, hidden, suppressed=True,
                         notes=[{"code": "below_threshold", "message": str(SUPPRESSED_TEXT % {"n": threshold})}])
    try:
        if metric.kind == MetricKind.PROPORTION:
            result = stats.compare_proportions(
                stats.ProportionSummary(sa.n, round(sa.total)), stats.ProportionSummary(sb.n, round(sb.total)),
                confidence=CONFIDENCE)
        else:
            result = stats.compare_means(
                stats.MeanSummary.from_sums(sa.n, sa.total, sa.total_of_squares),
                stats.MeanSummary.from_sums(sb.n, sb.total, sb.total_of_squares), confidence=CONFIDENCE)
    except stats.StatsError:  # e.g. a threshold of 1 and a single value: nothing honest to show
        return MetricRow(metric, metric.kind, hidden, hidden, suppressed=True,
                         notes=[{"code": "not_computable", "message": _("Too few values to compute this comparison.")}])
    return MetricRow(
        metric, metric.kind,
        GroupFigure(result.a.n, result.a.value, (result.a.interval.low, result.a.interval.high)),
        GroupFigure(result.b.n, result.b.value, (result.b.interval.low, result.b.interval.high)),
        difference=result.difference,
        difference_ci=(result.difference_interval.low, result.difference_interval.high),
        lift=result.lift,
        p_value=result.p_value,
        test=str(result.test),
        notes=[{"code": str(n), "message": str(NOTE_TEXT[n])} for n in result.notes],
    )


def group_choices(*, actor: authz.Actor) -> list[tuple[str, str]]:
    """The groups the actor may compare, as (code, label), for the page's two pickers."""
    if actor.is_hr:
        programs = Program.objects.order_by("name")
    elif authz.can_use_insights(actor):
        programs = Program.objects.filter(owner_id=actor.person.pk).order_by("name")
    else:
        return []
    out: list[tuple[str, str]] = []
    for program in programs.only("pk", "name"):
        out.append((f"program:{program.pk}", Group("program", str(program.pk), program).label))
        out.append((f"nonparticipants:{program.pk}", Group("nonparticipants", str(program.pk), program).label))
    if actor.is_hr:
        labels = OutcomeRecord.objects.exclude(cohort="").order_by("cohort").values_list("cohort", flat=True).distinct()
        out.extend((f"cohort:{label}", Group("cohort", label).label) for label in labels[:500])
    return out
