"""Template tags of competency reviews: the before/after chart's coordinates (server-side SVG, no
script) and the profile's review slot (``{% load review_tags %}``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tandem.assessments import review_selectors as sel
from tandem.core import authz
from tandem.programs.models import EnrolmentRole, Program

register = template.Library()

LEFT, RIGHT = 6.0, 94.0  # the scale 1..5 spans the SVG's 0..100 viewBox between these


def level_x(level: float | None) -> float | None:
    if level is None:
        return None
    return round(LEFT + (float(level) - 1) / 4 * (RIGHT - LEFT), 2)


def _off(x: float | None, d: float) -> float | None:
    return None if x is None else round(x - d, 2)


def _side(before: float | None, after: float | None, n: int, change: float | None) -> dict[str, Any]:
    x0, x1 = level_x(before), level_x(after if change is not None else None)
    return {"before": before, "after": after, "n": n, "change": change, "x0": x0, "x1": x1,
            "r0": _off(x0, 2.4), "r1": _off(x1, 2.4)}


def person_rows(changes: list[sel.Change]) -> list[dict[str, Any]]:
    """Chart rows of one person's change (levels of the first and the latest rating)."""
    out = []
    for ch in changes:
        s, r = ch.self_, ch.rated
        out.append({"name": str(ch.competency), "target": ch.target, "xt": _off(level_x(ch.target), 0.8),
                    "self": _side(s.before.level if s.before else None, s.after.level if s.after else None, s.n,
                                  s.change),
                    "rated": _side(r.before.level if r.before else None, r.after.level if r.after else None, r.n,
                                   r.change)})
    return out


@register.filter(name="aggregate_chart_rows")
def aggregate_rows(rows: list[sel.Aggregate]) -> list[dict[str, Any]]:
    """Chart rows of a program's means (n: the people with both a before and an after)."""
    return [{"name": str(r.competency), "target": None, "xt": None,
             "self": _side(r.self_before, r.self_after, r.self_n, r.self_change),
             "rated": _side(r.rated_before, r.rated_after, r.rated_n, r.rated_change)} for r in rows]


@register.inclusion_tag("assessments/reviews/_chart.html")
def change_chart(rows: list[dict[str, Any]], aggregate: bool = False) -> dict[str, Any]:
    return {"rows": rows, "aggregate": aggregate, "ticks": [(lv, level_x(lv)) for lv in range(1, 6)]}


def _side_text(s: dict[str, Any]) -> SafeString:
    """Before → after (change), and n: the figures localised for the reader (a mean is 2,5 in Russian)."""
    if s["before"] is None:
        text = mark_safe('<span class="muted">—</span>')  # noqa: S308
    elif s["change"] is None:
        text = format_html('{} <span class="small muted">({})</span>', localize(s["before"]), _("no later rating yet"))
    else:
        text = format_html("{} → {} <strong>({}{})</strong>", localize(s["before"]), localize(s["after"]),
                           "+" if s["change"] > 0 else "", localize(s["change"]))
    return format_html('{} <span class="small muted">n = {}</span>', text, s["n"])


_TICKS = mark_safe("".join(  # noqa: S308 (numbers only)
    f'<line x1="{level_x(lv)}" y1="1" x2="{level_x(lv)}" y2="19" stroke="#d4d4d8" stroke-width="0.4"/>'
    for lv in range(1, 6)))


def _marks(s: dict[str, Any], y: int, color: str, square: bool) -> SafeString:
    """One side's before (hollow) and after (filled) marks, joined by a line; coordinates as plain numbers
    (never localised: x="52,0" is no length to a browser)."""
    if s["x0"] is None:
        return mark_safe("")
    kind = "rated" if square else "self"
    def mark(which: str, fill: str, stroke: str) -> SafeString:
        if square:
            return format_html('<rect class="{}-{}" x="{}" y="{}" width="4.8" height="4.8" fill="{}"{}/>', kind, which,
                               str(s["r1" if which == "after" else "r0"]), y - 2.4, fill, stroke)
        return format_html('<circle class="{}-{}" cx="{}" cy="{}" r="2.6" fill="{}"{}/>', kind, which,
                           str(s["x1" if which == "after" else "x0"]), y, fill, stroke)
    after = ""
    if s["x1"] is not None:
        after = format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.2"/>{}',
                            str(s["x0"]), y, str(s["x1"]), y, color, mark("after", color, ""))
    return format_html("{}{}", after, mark("before", "#fff", format_html(' stroke="{}" stroke-width="1"', color)))


@register.simple_tag
def change_chart_rows(rows: list[dict[str, Any]]) -> SafeString:
    """The chart's rows, written in Python: per competency five grid lines, the target, two pairs of marks
    and two texts were the largest part of a profile's rendering as template nodes and includes."""
    def row(r: dict[str, Any]) -> tuple[Any, ...]:
        target = format_html(' <span class="small muted">({})</span>', _("target %(t)s") % {"t": localize(r["target"])}
                             ) if r["target"] else ""
        xt = format_html('<rect x="{}" y="1" width="1.6" height="18" fill="#71717a"/>', str(r["xt"])) if r["xt"] else ""
        return (r["name"], target, _("%(c)s: levels before and after") % {"c": r["name"]}, _TICKS, xt,
                _marks(r["self"], 6, "#2563eb", False), _marks(r["rated"], 14, "#c2410c", True),
                _side_text(r["self"]), _side_text(r["rated"]))
    return format_html_join("", (
        '<tr><td>{}{}</td><td><svg viewBox="0 0 100 20" width="220" height="44" role="img" class="review-change-svg" '
        'aria-label="{}">{}{}{}{}</svg></td><td>{}</td><td>{}</td></tr>'), (row(r) for r in rows))


def _latest_program(person: Any) -> Program | None:
    return (Program.objects.filter(enrolments__person=person, enrolments__role=EnrolmentRole.MENTEE)
            .order_by("-starts_on", "-id").first())


@register.inclusion_tag("assessments/reviews/_profile_slot.html", takes_context=True)
def profile_reviews(context: Any, person: Any) -> dict[str, Any]:
    """On a profile: the person's before/after in their latest program as a mentee (else all their
    ratings), for whoever sees their ratings."""
    request = context.get("request")
    actor = authz.actor_for(request.user) if request is not None else None
    if person is None or actor is None or not authz.can_view_review(actor, person):
        return {"show": False}
    program = _latest_program(person)
    start, end, changes = sel.competency_change(person=person, program=program)
    rows = person_rows(changes)
    return {"show": True, "person": person, "program": program, "start": start, "end": end, "rows": rows,
            "any_change": any(r["self"]["change"] is not None or r["rated"]["change"] is not None for r in rows),
            "waiting": sel.to_answer(person=person) if actor.is_self(person) else []}


@register.inclusion_tag("assessments/reviews/_program_slot.html", takes_context=True)
def program_reviews(context: Any, program: Any) -> dict[str, Any]:
    """On a program's page: its reviews for the program team; a participant's own ratings to give."""
    request = context.get("request")
    actor = authz.actor_for(request.user) if request is not None else None
    if program is None or actor is None or not actor.is_authenticated:
        return {"show": False}
    team = authz.can_open_reviews(actor, program)
    waiting = [a for a in sel.to_answer(person=actor.person) if a.review.campaign.program_id == program.pk]
    if not team and not waiting:
        return {"show": False}
    return {"show": True, "program": program, "team": team, "waiting": waiting,
            "campaigns": list(sel.campaigns_of(program=program)[:3]) if team else []}
