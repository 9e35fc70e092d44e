"""Template tags of the coaching log's library (``{% load library_tags %}``): what the log page's and
the session page's slots show — the resource library, the search box, a session's files and
transcript. Each tag checks the library's rules itself, so the including page's view stays as it is
and someone who sees only the log's summary (HR, the program team) gets nothing from them."""

from __future__ import annotations

from typing import Any

from django import template

from tandem.core import authz
from tandem.mentorships import library_selectors, library_services
from tandem.mentorships.library_views import ShareForm, TranscriptForm

register = template.Library()

#: resources shown on the log page (the rest are on the library's own page)
LOG_PAGE_RESOURCES = 10


def _actor(context: Any) -> authz.Actor | None:
    request = context.get("request")
    return authz.actor_for(request.user) if request is not None else None


def _limits() -> dict[str, Any]:
    return {"max_mb": f"{library_services.max_file_bytes() / 2**20:g}",
            "extensions": ", ".join(library_services.allowed_extensions())}


@register.inclusion_tag("mentorships/library/_log_library.html", takes_context=True)
def log_library(context: Any, mentorship: Any) -> dict[str, Any]:
    actor = _actor(context)
    if mentorship is None or actor is None or not authz.can_read_library(actor, mentorship):
        return {"show": False}
    qs = library_selectors.resources_of(mentorship=mentorship)
    rows = list(qs[:LOG_PAGE_RESOURCES + 1])
    return {"show": True, "m": mentorship, "resources": rows[:LOG_PAGE_RESOURCES],
            "more": len(rows) > LOG_PAGE_RESOURCES, "me": actor.person,
            "can_write": authz.can_share_in_library(actor, mentorship), "form": ShareForm(),
            "csrf_token": context.get("csrf_token"), **_limits()}


@register.inclusion_tag("mentorships/library/_search_box.html", takes_context=True)
def log_search_box(context: Any, mentorship: Any) -> dict[str, Any]:
    actor = _actor(context)
    if mentorship is None or actor is None or not authz.can_read_library(actor, mentorship):
        return {"show": False}
    return {"show": True, "m": mentorship, "q": ""}


@register.inclusion_tag("mentorships/library/_session_files.html", takes_context=True)
def session_files(context: Any, session: Any) -> dict[str, Any]:
    actor = _actor(context)
    m = getattr(session, "mentorship", None) if session is not None else None
    if m is None or actor is None or not authz.can_read_library(actor, m):
        return {"show": False}
    return {"show": True, "m": m, "s": session, "me": actor.person,
            "resources": list(library_selectors.resources_of(mentorship=m, session=session)),
            "transcript": library_selectors.transcript_of(session=session),
            "can_write": authz.can_share_in_library(actor, m) and session.status != "cancelled",
            "form": ShareForm(initial={"session": session.pk}), "transcript_form": TranscriptForm(),
            "csrf_token": context.get("csrf_token"), **_limits()}
