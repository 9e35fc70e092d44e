"""Template tags of the duties checklist: the summaries the pair's pages and the program page show
in their slots (``{% load duty_tags %}``). Each computes what it shows, so the including page's
view stays as it is."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from tandem.core import authz
from tandem.mentorships import duties

register = template.Library()


def _actor(context: Any) -> authz.Actor | None:
    request = context.get("request")
    return authz.actor_for(request.user) if request is not None else None


@register.inclusion_tag("mentorships/duties/_summary.html", takes_context=True)
def duty_summary(context: Any, mentorship: Any) -> dict[str, Any]:
    """Per duty, the period that speaks for it now, with a link to the checklist; nothing for
    someone who may not see the checklist (the line manager, the department head)."""
    actor = _actor(context)
    if mentorship is None or actor is None or not authz.can_view_duties(actor, mentorship):
        return {"show": False}
    from tandem.mentorships.duty_views import period_label

    heads = duties.headline(duties.checklist(mentorship, today=timezone.localdate()))
    order = {s: k for k, s in enumerate(duties.STATES)}
    heads.sort(key=lambda s: order[s.state])
    return {"show": True, "m": mentorship, "items": [(s, period_label(s)) for s in heads],
            "attention": sum(1 for s in heads if s.needs_attention), "started": mentorship.started_on is not None}


@register.inclusion_tag("mentorships/duties/_program_link.html", takes_context=True)
def duty_program_link(context: Any, program: Any) -> dict[str, Any]:
    """The link to the program's compliance view, for those who may open it."""
    actor = _actor(context)
    show = program is not None and actor is not None and authz.can_view_compliance(actor, program)
    return {"show": show, "program": program, "duty_count": program.cadence_duties.count() if show else 0}
