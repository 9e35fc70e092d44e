"""Template helpers of insights: how figures read (percent, points, p-values) and the slots on the
navigation bar and the program page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tandem.core import authz

register = template.Library()


@register.filter
def figure(value: float | None, kind: str) -> str:
    """A group's value: a percentage for a proportion, two decimals for a mean."""
    if value is None:
        return "—"
    if kind == "proportion":
        return _("%(v)s %%") % {"v": number_format(value * 100, 1)}
    return number_format(value, 2)


@register.filter
def difference(value: float | None, kind: str) -> str:
    """A difference: percentage points for proportions, with its sign."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    if kind == "proportion":
        return _("%(sign)s%(v)s points") % {"sign": sign, "v": number_format(abs(value) * 100, 1)}
    return f"{sign}{number_format(abs(value), 2)}"


@register.filter
def lift(value: float | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return _("%(sign)s%(v)s %%") % {"sign": sign, "v": number_format(abs(value) * 100, 1)}


@register.filter
def p_value(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.001:
        return "< 0.001"
    return number_format(value, 3)


@register.filter
def interval(ci: Any, kind: str) -> str:
    """``[low, high]`` of a group's value."""
    if not ci:
        return "—"
    return f"{figure(ci[0], kind)} – {figure(ci[1], kind)}"


@register.filter
def difference_interval(ci: Any, kind: str) -> str:
    if not ci:
        return "—"
    return f"{difference(ci[0], kind)} … {difference(ci[1], kind)}"


@register.filter
def money(value: float | None) -> str:
    if value is None:
        return "—"
    return "$" + number_format(round(value), 0, force_grouping=True)


@register.filter
def times(value: float | None) -> str:
    if value is None:
        return "—"
    return _("%(v)s×") % {"v": number_format(value, 1)}


@register.filter
def get(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.inclusion_tag("insights/slots/nav.html", takes_context=True)
def insights_nav(context: dict) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = bool(user and user.is_authenticated and authz.can_use_insights(authz.actor_for(user)))
    # a department head without the comparison still has inputs and outputs (their departments)
    inputs_only = bool(not shown and user and user.is_authenticated
                       and authz.can_view_inputs_outputs(authz.actor_for(user)))
    current = bool(request and getattr(request, "resolver_match", None)
                   and (request.resolver_match.url_name or "").startswith("insights_"))
    return {"shown": shown or inputs_only, "inputs_only": inputs_only, "current": current}


@register.inclusion_tag("insights/slots/program.html", takes_context=True)
def insights_program(context: dict) -> dict:
    request = context.get("request")
    program = context.get("program")
    user = getattr(request, "user", None)
    if program is None or user is None or not user.is_authenticated:
        return {"shown": False}
    actor = authz.actor_for(user)
    return {"shown": authz.can_view_roi(actor, program) and authz.can_use_insights(actor), "program": program}
