"""Demo data of notifications (called last from ``web/demo.py``'s ``APP_DEMOS``).

The notifications the demo's own events cause (a request for the demo mentor, the plan's
confirmation…) are created when the seed commits, by the same subscribers as in real use. This
step registers the periodic jobs and runs the reminders job once over the demo's real log — the
session tomorrow, overdue action items, duties, agreements waiting, the open selection round — so
every demo login finds unread reminders that point at real things."""

from __future__ import annotations

import datetime
import logging
import random
from typing import Any

from django.utils import timezone

from tandem.notifications import reminder_selectors
from tandem.notifications.reminders import reminders_send
from tandem.notifications.scheduler import jobs_sync

log = logging.getLogger(__name__)


def _session_tomorrow(users: dict[str, Any]) -> None:
    """The demo pair meets within 24 hours (through the log's service, as the mentor would)."""
    from tandem.core import authz
    from tandem.mentorships import log_services

    mentor, mentee = users.get("mentor"), users.get("mentee")
    if mentor is None or mentee is None:
        return
    m = reminder_selectors.active_mentorship_between(mentor=mentor, mentee=mentee)
    if m is None:
        return
    now = timezone.now()
    if reminder_selectors.scheduled_sessions_of(mentorship_id=m.pk, after=now, until=now + datetime.timedelta(hours=24)):
        return
    starts = _working_hour_tomorrow(mentor, now)
    try:
        log_services.session_schedule(mentorship=m, actor=authz.actor_for(mentor.user), starts_at=starts,
                                      duration_minutes=60, format="video", meeting_link="https://meet.example.com/demo",
                                      notes="Review of the design-review checklist")
    except Exception:  # the log's own rules (the agreement's term…): then the demo has no session tomorrow
        log.exception("demo: could not schedule the demo pair's session of tomorrow")


#: what a demo login finds unread of the news about their log (the reminders stay unread)
KEEP_UNREAD = 6
PAST_SESSION_KINDS = {"session_scheduled", "session_rescheduled", "session_cancelled", "feedback_shared"}


def _read_the_old_news(people: list[Any]) -> None:
    """After the seed commits (when the events' notifications exist): the demo's months of history
    arrived all at once, so each login has read what a person would have read by now — news about
    sessions already past, and all but the newest few — through the reader's own service."""
    from tandem.notifications import selectors, services

    now = timezone.now()
    for person in people:
        news = [n for n in selectors.notifications_of(person=person, unread=True)
                if not n.kind.endswith(REMINDER_SUFFIXES)]
        old = [n.pk for n in news if n.kind in PAST_SESSION_KINDS and _before(n.params.get("when"), now)]
        rest = [n.pk for n in news if n.pk not in old]
        ids = old + rest[KEEP_UNREAD:]
        for k in range(0, len(ids), 500):
            services.notifications_mark_read(person=person, ids=ids[k:k + 500])


REMINDER_SUFFIXES = ("_soon", "_waiting", "_due", "_overdue", "_closing")


def _before(value: Any, now: datetime.datetime) -> bool:
    try:
        return datetime.datetime.fromisoformat(str(value)) < now
    except ValueError:
        return False


def _working_hour_tomorrow(person: Any, now: datetime.datetime) -> datetime.datetime:
    """The first 10:00 or 15:00 in the person's zone between 2 and 24 hours from now."""
    import zoneinfo

    try:
        tz = zoneinfo.ZoneInfo(person.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    local = now.astimezone(tz)
    for days in (0, 1):
        for hour in (10, 15):
            at = datetime.datetime.combine(local.date() + datetime.timedelta(days=days), datetime.time(hour), tzinfo=tz)
            if datetime.timedelta(hours=2) <= at - now <= datetime.timedelta(hours=24):
                return at
    return (now + datetime.timedelta(hours=20)).replace(minute=0, second=0, microsecond=0)


def seed(rng: random.Random, users: dict[str, Any]) -> None:
    from django.db import transaction

    jobs_sync()
    _session_tomorrow(users)
    sent = reminders_send()
    log.info("demo reminders: %s", sent)
    # registered last, so it runs after the subscribers that turn the seed's events into notifications
    logins = list({p.pk: p for p in users.values() if p is not None}.values())
    transaction.on_commit(lambda: _read_the_old_news(logins))
