"""Template tags of the calendars slots (the session page, the log page)."""

from __future__ import annotations

from typing import Any

from django import template

from tandem.mentorships.log_models import SessionSeries, SessionStatus

register = template.Library()


@register.inclusion_tag("calendars/_session_calendar.html", takes_context=True)
def session_calendar(context: dict[str, Any]) -> dict[str, Any]:
    """The session's ``.ics``; for an occurrence of a series, where it stands and "cancel the rest"."""
    s, m = context["s"], context["m"]
    out: dict[str, Any] = {"s": s, "m": m, "series": None, "csrf_token": context.get("csrf_token")}
    if s.series_id:
        rows = list(s.series.sessions.order_by("original_starts_at", "id").values_list("pk", "status"))
        ids = [pk for pk, _status in rows]
        position = ids.index(s.pk) + 1 if s.pk in ids else 0
        after = rows[position:] if position else []
        rest = sum(1 for _pk, st in after if st == SessionStatus.SCHEDULED)
        out.update({
            "series": s.series, "position": position,
            "remaining": rest,
            "rest": rest,
            "can_cancel_rest": bool(context.get("can_write")) and s.status == SessionStatus.SCHEDULED,
        })
    return out


@register.inclusion_tag("calendars/_log_calendar.html", takes_context=True)
def log_calendar(context: dict[str, Any]) -> dict[str, Any]:
    m = context["m"]
    show = bool(context.get("private"))
    count = SessionSeries.objects.filter(mentorship=m).count() if show else 0
    return {"show": show, "series_count": count}
