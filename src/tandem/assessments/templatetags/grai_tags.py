"""Template tags of GRAI reviews: the link (with its dates and counts) that the mentorship and program
pages show in assessments' slots (``{% load grai_tags %}``)."""

from __future__ import annotations

from typing import Any

from django import template

from tandem.assessments.grai_models import GraiReview
from tandem.core import authz

register = template.Library()


def _actor(context: Any) -> authz.Actor | None:
    request = context.get("request")
    return authz.actor_for(request.user) if request is not None else None


@register.inclusion_tag("assessments/grai/_slot_mentorship.html", takes_context=True)
def mentorship_grai(context: Any, mentorship: Any) -> dict[str, Any]:
    """For the pair, HR and the program team, once the mentorship has started: how many reviews and
    the last one's period."""
    actor = _actor(context)
    if mentorship is None or actor is None or not authz.can_view_grai_summary(actor, mentorship):
        return {"show": False}
    qs = GraiReview.objects.filter(mentorship=mentorship)
    last = qs.order_by("-period_start").values_list("period_start", flat=True).first()
    return {"show": True, "m": mentorship, "n": qs.count(), "last": last}


@register.inclusion_tag("assessments/grai/_slot_program.html", takes_context=True)
def program_grai(context: Any, program: Any) -> dict[str, Any]:
    actor = _actor(context)
    if program is None or actor is None or not authz.can_view_program_grai(actor, program):
        return {"show": False}
    return {"show": True, "program": program}
