"""The reads reminders need, across every active mentorship at once.

The mentorships app's selectors read one mentorship at a time (``log_selectors.sessions_of``…);
reminders look over all of them, so these company-wide reads live here, read-only, each one query
with what the reminder shows already joined. (Candidates to move into ``mentorships`` selectors.)
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max, Prefetch, QuerySet

from tandem.mentorships.log_models import (
    ActionItem,
    ActionItemStatus,
    Session,
    SessionFeedback,
    SessionStatus,
)
from tandem.mentorships.models import Agreement, Mentorship, MentorshipStatus
from tandem.mentorships.plan_models import Plan, PlanStatus

_PAIR = ("mentorship__mentor", "mentorship__mentee", "mentorship__program")


def sessions_starting(*, after: datetime.datetime, until: datetime.datetime) -> QuerySet[Session]:
    """Scheduled sessions of active mentorships starting in ``(after, until]``."""
    return (Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gt=after, starts_at__lte=until,
                                   mentorship__status=MentorshipStatus.ACTIVE)
            .select_related(*_PAIR).order_by("starts_at", "id"))


def sessions_held_between(*, since: datetime.datetime, until: datetime.datetime) -> QuerySet[Session]:
    """Held sessions of active mentorships marked held in ``[since, until]``, with their feedback."""
    return (Session.objects.filter(status=SessionStatus.HELD, status_changed_at__gte=since,
                                   status_changed_at__lte=until, mentorship__status=MentorshipStatus.ACTIVE)
            .select_related(*_PAIR)
            .prefetch_related(Prefetch("feedback", queryset=SessionFeedback.objects.only("pk", "session_id", "side")))
            .order_by("status_changed_at", "id"))


def action_items_open_due(*, first: datetime.date, last: datetime.date) -> QuerySet[ActionItem]:
    """Open action items of active mentorships due between ``first`` and ``last`` (inclusive)."""
    return (ActionItem.objects.filter(status=ActionItemStatus.OPEN, due_on__gte=first, due_on__lte=last,
                                      mentorship__status=MentorshipStatus.ACTIVE)
            .select_related("owner", *_PAIR).order_by("due_on", "id"))


def agreements_waiting(*, created_before: datetime.datetime) -> list[Agreement]:
    """Each open mentorship's latest agreement version if it is not fully signed and was written
    before ``created_before``, with its signatures and the pair's people."""
    rows = (Agreement.objects.filter(fully_signed_at__isnull=True, created_at__lte=created_before,
                                     mentorship__status__in=[MentorshipStatus.AGREEMENT, MentorshipStatus.ACTIVE])
            .select_related(*_PAIR, "mentorship__mentee__manager", "mentorship__mentee__department__head",
                            "mentorship__program__owner")
            .prefetch_related("signatures").order_by("mentorship_id", "-version"))
    latest: dict[int, Agreement] = {}
    for a in rows:
        latest.setdefault(a.mentorship_id, a)
    newest = dict(Agreement.objects.filter(mentorship_id__in=list(latest)).values("mentorship_id")
                  .annotate(v=Max("version")).values_list("mentorship_id", "v"))
    # a newer version written since (too recent to remind about) replaces the old one: skip those pairs
    return [a for a in latest.values() if newest.get(a.mentorship_id) == a.version]


def plans_in_review(*, updated_before: datetime.datetime) -> QuerySet[Plan]:
    """Plans of active mentorships under comment since before ``updated_before``."""
    return (Plan.objects.filter(status=PlanStatus.REVIEW, updated_at__lte=updated_before,
                                mentorship__status=MentorshipStatus.ACTIVE)
            .select_related(*_PAIR).order_by("pk"))


def mentorships_by_id(ids: list[int]) -> dict[int, Any]:
    """Active mentorships with the people a duty may concern, in one query."""
    rows = (Mentorship.objects.filter(pk__in=ids, status=MentorshipStatus.ACTIVE)
            .select_related("mentor", "mentee", "program", "program__owner", "mentee__manager",
                            "mentee__department__head"))
    return {m.pk: m for m in rows}


def message_mentions_someone(*, message_id: int) -> bool:
    """Whether a message @-mentions its reader (who then hears of the mention, not twice)."""
    from tandem.mentorships.log_models import Mention

    return Mention.objects.filter(message_id=message_id).exists()


def series_summary(*, series_id: int, mentorship_id: int) -> tuple[int, str, int] | None:
    """A recurring session's scheduled occurrences: how many, the first's start and ID."""
    sessions = list(Session.objects.filter(series_id=series_id, mentorship_id=mentorship_id,
                                           status=SessionStatus.SCHEDULED)
                    .order_by("starts_at", "id").values_list("pk", "starts_at"))
    if not sessions:
        return None
    return len(sessions), sessions[0][1].isoformat(), sessions[0][0]


def resource_title(*, resource_id: int, mentorship_id: int) -> str | None:
    """The title of a resource shared in the log (None while the library has no such model)."""
    try:
        from tandem.mentorships.library_models import (
            Resource,  # the library's model (another app part)
        )
    except ImportError:
        return None
    row = Resource.objects.filter(pk=resource_id, mentorship_id=mentorship_id).values("title").first()
    return row["title"] if row else None


def rounds_closing(*, after: datetime.datetime, until: datetime.datetime) -> list[Any]:
    """Open selection rounds whose deadline falls in ``(after, until]``, with their graduates and
    the heads of the departments taking part (through the rounds flow's selectors)."""
    from tandem.matching.flows import rounds as round_flow
    from tandem.matching.models import RoundStatus, SelectionRound

    out = []
    for r in (SelectionRound.objects.filter(status=RoundStatus.OPEN, deadline__gt=after, deadline__lte=until)
              .select_related("program").order_by("deadline", "pk")):
        heads = [(seat.department, seat.department.head) for seat in round_flow.round_seats(round=r)
                 if seat.department.head_id]
        out.append((r, list(round_flow.round_graduates(round=r)), heads))
    return out


def hr_people() -> list[Any]:
    """People whose login is in the HR group (they oversee every program)."""
    from tandem.core.authz import HR_ADMIN
    from tandem.people.models import Person

    return list(Person.objects.filter(user__groups__name=HR_ADMIN, user__is_active=True).distinct().order_by("pk"))


def scheduled_sessions_of(*, mentorship_id: int, after: datetime.datetime, until: datetime.datetime) -> bool:
    """Whether the pair has a scheduled session starting in ``(after, until]`` (the demo)."""
    return Session.objects.filter(mentorship_id=mentorship_id, status=SessionStatus.SCHEDULED, starts_at__gt=after,
                                  starts_at__lte=until).exists()


def active_mentorship_between(*, mentor: Any, mentee: Any) -> Mentorship | None:
    return (Mentorship.objects.filter(mentor=mentor, mentee=mentee, status=MentorshipStatus.ACTIVE)
            .select_related("mentor", "mentee", "program").order_by("-started_on", "-pk").first())
