"""Reads of the calendars app: what a person's feed lists, the session or series one may export.

The feed is read in one query per kind (sessions with their mentorship and series, action items,
duties when the duties checklist exists), whatever the number of mentorships.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tandem.calendars.models import CalendarFeed
from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.mentorships import log_selectors, selectors
from tandem.mentorships.log_models import ActionItem, ActionItemStatus, Session, SessionSeries
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.people.models import Person

log = logging.getLogger(__name__)

_PAIR = ("mentorship__mentor", "mentorship__mentee", "series")


def feed_of(*, person: Person) -> CalendarFeed | None:
    """The person's live feed (its token is not stored: only when it was made and last read)."""
    return CalendarFeed.objects.filter(person=person, revoked_at=None).first()


def feed_sessions(*, person: Person) -> QuerySet[Session]:
    """Every session of the mentorships ``person`` is a side of (active or ended), oldest first."""
    return (Session.objects.filter(authz.calendar_mentorships_q(person, "mentorship"))
            .select_related(*_PAIR).order_by("starts_at", "id"))


def feed_action_items(*, person: Person) -> QuerySet[ActionItem]:
    """The person's own open action items in their active mentorships."""
    return (ActionItem.objects.filter(owner=person, status=ActionItemStatus.OPEN,
                                      mentorship__status=MentorshipStatus.ACTIVE)
            .filter(authz.calendar_mentorships_q(person, "mentorship"))
            .select_related("mentorship").order_by("due_on", "id"))


@dataclass
class DutyDue:
    mentorship: Mentorship
    duty: str
    label: str
    period_start: Any
    period_end: Any
    state: str


#: the checklist's states that are still to do (not done, not a suggestion, tracked)
DUTY_OPEN_STATES = ("upcoming", "due", "overdue")


def feed_duties(*, person: Person) -> list[DutyDue]:
    """Due dates of the required duties of the person's active mentorships, if the duties checklist
    (``tandem.mentorships.duties``, another part of the log) is there: each period not done yet,
    due on its last day. One query for the pairs plus the checklist's own (batched) queries."""
    if importlib.util.find_spec("tandem.mentorships.duties") is None:
        return []
    from tandem.mentorships import duties

    checklists = getattr(duties, "checklists", None)
    if checklists is None:
        return []
    pairs = list(Mentorship.objects.filter(authz.calendar_mentorships_q(person), status=MentorshipStatus.ACTIVE)
                 .select_related("program", "mentor", "mentee"))
    if not pairs:
        return []
    by_pair = checklists(pairs)
    out: list[DutyDue] = []
    for m in pairs:
        for p in by_pair.get(m.pk, []):
            if p.state not in DUTY_OPEN_STATES or not getattr(p, "required", True):
                continue
            out.append(DutyDue(mentorship=m, duty=str(p.duty_code), label=str(p.duty_name),
                               period_start=p.period_start, period_end=p.period_end, state=p.state))
    return out


def session_for_ics(actor: authz.Actor, session_id: int) -> Session:
    """A session the actor may export (the pair's); someone else's does not exist (404)."""
    s = log_selectors.session_for(actor, session_id, rule=authz.can_download_session_ics)
    return Session.objects.select_related(*_PAIR).get(pk=s.pk)


def series_sessions(*, series: SessionSeries) -> QuerySet[Session]:
    return Session.objects.filter(series=series).select_related(*_PAIR).order_by("original_starts_at", "id")


def series_for(actor: authz.Actor, series_id: int) -> SessionSeries:
    """The series if the actor may read its mentorship's log; someone else's does not exist (404)."""
    row = SessionSeries.objects.filter(pk=series_id).values_list("mentorship_id", flat=True).first()
    if row is None:
        raise NotFound()
    m = selectors.mentorship_for(actor, row, rule=authz.can_read_log)
    series = SessionSeries.objects.get(pk=series_id)
    series.mentorship = m
    return series
