"""Demo data of calendars (called from ``web/demo.py``'s ``APP_DEMOS``), through the services.

- The demo pair (``mentor`` / ``mentee`` logins) gets a weekly series from next week, scheduled by
  the mentor: the second occurrence is moved a day later, the third cancelled. In the feed that is
  one ``RRULE`` with two ``RECURRENCE-ID`` overrides.
- The demo mentee has a calendar feed (its address is not printed: only a hash of the token is
  stored; make a new address on /account/calendar/ to subscribe to it).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from tandem.calendars import services as calendar_services
from tandem.mentorships import log_services, series_services
from tandem.mentorships.demo import _actor
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.mentorships.plan_services import plan_term
from tandem.people.models import Person

WEEKS = 8


def seed(rng: random.Random, users: dict[str, Person]) -> None:
    mentor, mentee = users.get("mentor"), users.get("mentee")
    if mentor is None or mentee is None:
        return
    m = Mentorship.objects.filter(mentor=mentor, mentee=mentee, status=MentorshipStatus.ACTIVE).first()
    if m is not None:
        _series(m, mentor, mentee)
    if mentee.user_id:
        calendar_services.calendar_feed_create(actor=_actor(mentee))


def _series(m: Mentorship, mentor: Person, mentee: Person) -> None:
    zone = series_services.zone_of(mentor.time_zone)
    today = timezone.localdate()
    # next week's Wednesday, 15:30 in the mentor's zone (the log's own sessions are in the mornings)
    first_day = today + datetime.timedelta(days=7 + (2 - today.weekday()) % 7)
    _start, term_end = plan_term(m)
    count = min(WEEKS, (term_end - first_day).days // 7 + 1)
    if count < 3:
        return
    series = series_services.session_series_schedule(
        mentorship=m, actor=_actor(mentor), starts_at=datetime.datetime.combine(first_day, datetime.time(15, 30), zone),
        count=count, frequency="weekly", duration_minutes=45, format="video",
        meeting_link=f"https://meet.example.com/tandem-weekly-{m.pk}")
    rows = list(series.sessions.order_by("starts_at"))
    log_services.session_update(session=rows[1], actor=_actor(mentee),
                                starts_at=rows[1].starts_at + datetime.timedelta(days=1))
    log_services.session_update(session=rows[2], actor=_actor(mentor), status="cancelled",
                                reason="Team offsite that week.")
