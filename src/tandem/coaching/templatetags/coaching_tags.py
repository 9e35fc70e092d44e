"""``{% coaching_prompts "detail" %}``: the mentor's scenario prompts in a page's slot.

Reads ``m`` (the mentorship) and ``request`` from the page's context; shows nothing to anyone but
the mentor of an active mentorship (``authz.can_see_coaching_prompts``).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from tandem.coaching import detect
from tandem.core import authz

register = template.Library()

PLACES = ("detail", "log", "session")


@register.inclusion_tag("coaching/_prompts.html", takes_context=True)
def coaching_prompts(context: template.Context, place: str = "detail") -> dict[str, Any]:
    request = context.get("request")
    m = context.get("m")
    shown = {"show": False, "place": place if place in PLACES else "detail"}
    if request is None or m is None or not hasattr(m, "mentor_id"):
        return shown
    actor = authz.actor_for(request.user)
    if not authz.can_see_coaching_prompts(actor, m):
        return shown
    return {**shown, "show": True, "suggestions": detect.prompts_for(m, today=timezone.localdate())}
