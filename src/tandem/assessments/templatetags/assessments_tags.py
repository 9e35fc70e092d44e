"""Template tags of assessments: what the program, pair, profile pages and the navigation show in
their slots (``{% load assessments_tags %}``). Each computes what it shows, so the including page's
view stays as it is."""

from __future__ import annotations

from typing import Any

from django import template

from tandem.assessments import survey_selectors, teachback_selectors
from tandem.assessments.models import TeachBack
from tandem.core import authz

register = template.Library()


def _actor(context: Any) -> authz.Actor | None:
    request = context.get("request")
    return authz.actor_for(request.user) if request is not None else None


@register.filter
def bars(question: dict[str, Any]) -> list[tuple[str, int, float]]:
    """(label, count, % of the largest count) of an aggregate's distribution, for bar rows."""
    dist = question.get("distribution") or {}
    labels = question.get("labels") or {}
    top = max(dist.values(), default=0) or 1
    return [(labels.get(k, k), v, round(100 * v / top, 1)) for k, v in dist.items()]


@register.inclusion_tag("assessments/slots/_program.html", takes_context=True)
def program_assessments(context: Any, program: Any) -> dict[str, Any]:
    actor = _actor(context)
    if program is None or actor is None or not authz.can_view_teach_backs(actor, program):
        return {"show": False}
    organiser = authz.can_organise_teach_backs(actor, program)
    slots = TeachBack.objects.filter(program=program).exclude(status="cancelled")
    return {"show": True, "program": program, "organiser": organiser, "n_slots": slots.count(),
            "flagged": list(teachback_selectors.flagged_trainees(program=program)) if organiser else [],
            "days": teachback_selectors.offered_days(program=program, phases=_phases_of(context, program))}


def _phases_of(context: Any, program: Any) -> list | None:
    """The program page's phases with their milestones (``program_phases``), if it read them."""
    phases = context.get("program_phases")
    return phases if phases is not None and all(p.program_id == program.pk for p in phases) else None


@register.inclusion_tag("assessments/slots/_mentorship.html", takes_context=True)
def mentorship_assessments(context: Any, mentorship: Any) -> dict[str, Any]:
    """The mentee's study list (knowledge gaps from teach-backs) for the pair and the program
    team; the program team may ask the mentee to rate the mentor."""
    actor = _actor(context)
    if mentorship is None or actor is None:
        return {"show": False}
    roles = set(authz.mentorship_roles(actor, mentorship))
    if not roles & {"mentor", "mentee", "program_team"}:
        return {"show": False}
    return {"show": True, "m": mentorship,
            "gaps": list(teachback_selectors.gaps_of(person=mentorship.mentee, status="open")[:20]),
            "can_send": authz.can_send_survey(actor, mentorship.program)
            and mentorship.status in ("active", "completed"),
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("assessments/slots/_profile.html", takes_context=True)
def profile_assessments(context: Any, person: Any) -> dict[str, Any]:
    actor = _actor(context)
    if person is None or actor is None:
        return {"show": False}
    see = authz.can_view_competencies(actor, person)
    rating = None
    if authz.can_view_mentor_rating(actor, person) and person.mentor_capacity:
        rating = survey_selectors.mentor_ratings([person.pk]).get(person.pk)
    if not see and rating is None:
        return {"show": False}
    return {"show": True, "person": person, "see": see, "rating": rating,
            "slots": list(teachback_selectors.trainee_slots(person=person)) if see else [],
            "gaps": list(teachback_selectors.gaps_of(person=person, status="open")[:20]) if see else []}


@register.inclusion_tag("assessments/slots/_nav.html", takes_context=True)
def nav_assessments(context: Any) -> dict[str, Any]:
    actor = _actor(context)
    if actor is None or actor.person is None:
        return {"show": False}
    request = context.get("request")
    current = bool(request and getattr(request, "resolver_match", None)
                   and request.resolver_match.url_name == "assessments_mine")
    return {"show": True, "current": current}
