"""Template tags of competency reviews: the before/after chart's coordinates (server-side SVG, no
script) and the profile's review slot (``{% load review_tags %}``)."""

from __future__ import annotations

from typing import Any

from django import template

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
