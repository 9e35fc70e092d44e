"""Every read of a mentorship's coaching log, and the access helpers for its rows.

The pair reads everything (``authz.can_read_log``); HR and the program team see the sessions'
dates, statuses and counts only (``authz.can_view_log_summary``); the line manager sees nothing.
A session's feedback: each side sees their own, and the other's only once both have answered
(:func:`feedback_view`). The timeline (:func:`timeline`) merges sessions, messages and action items
newest first and is read in a fixed number of queries whatever the log's size.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, F, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.mentorships import selectors
from tandem.mentorships.log_models import (
    ActionItem,
    ActionItemComment,
    ActionItemStatus,
    Message,
    Session,
    SessionFeedback,
    SessionStatus,
)
from tandem.mentorships.models import Mentorship

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def session_for(actor: authz.Actor, session_id: int, *, rule: Any = authz.can_read_log) -> Session:
    """The session if ``rule(actor, its mentorship)`` allows it; someone else's does not exist (404)."""
    s = Session.objects.filter(pk=session_id).only("pk", "mentorship_id").first()
    if s is None:
        raise NotFound()
    m = selectors.mentorship_for(actor, s.mentorship_id, rule=rule)
    s = sessions_of(mentorship=m).get(pk=session_id)
    s.mentorship = m
    return s


def action_item_for(actor: authz.Actor, item_id: int, *, rule: Any = authz.can_read_log) -> ActionItem:
    it = ActionItem.objects.filter(pk=item_id).only("pk", "mentorship_id").first()
    if it is None:
        raise NotFound()
    m = selectors.mentorship_for(actor, it.mentorship_id, rule=rule)
    it = action_items_of(mentorship=m).get(pk=item_id)
    it.mentorship = m
    return it


def session_of(*, mentorship: Mentorship, session_id: int) -> Session:
    s = sessions_of(mentorship=mentorship).filter(pk=session_id).first()
    if s is None:
        raise NotFound()
    s.mentorship = mentorship
    return s


def action_item_of(*, mentorship: Mentorship, item_id: int) -> ActionItem:
    it = action_items_of(mentorship=mentorship).filter(pk=item_id).first()
    if it is None:
        raise NotFound()
    it.mentorship = mentorship
    return it


def sessions_of(*, mentorship: Mentorship) -> QuerySet[Session]:
    return (Session.objects.filter(mentorship=mentorship).select_related("created_by")
            .prefetch_related("topics", "feedback__author").order_by("-starts_at", "-id"))


def messages_of(*, mentorship: Mentorship) -> QuerySet[Message]:
    return Message.objects.filter(mentorship=mentorship).select_related("author").order_by("-created_at", "-id")


def action_items_of(*, mentorship: Mentorship, status: str = "") -> QuerySet[ActionItem]:
    qs = (ActionItem.objects.filter(mentorship=mentorship)
          .select_related("owner", "created_by", "goal", "session", "message")
          .prefetch_related(Prefetch("comments", queryset=ActionItemComment.objects.select_related("author")))
          .order_by("-created_at", "-id"))
    return qs.filter(status=status) if status else qs


def session_action_items(*, session: Session) -> QuerySet[ActionItem]:
    return action_items_of(mentorship=session.mentorship).filter(session=session)


@dataclass
class FeedbackView:
    mine: SessionFeedback | None
    #: the other side's, only once both have answered
    other: SessionFeedback | None
    other_answered: bool

    @property
    def both(self) -> bool:
        return self.mine is not None and self.other is not None


def feedback_view(*, session: Session, side: str | None) -> FeedbackView:
    """What ``side`` may see of a session's feedback (uses the prefetched ``feedback``)."""
    rows = {fb.side: fb for fb in session.feedback.all()}
    if side not in ("mentor", "mentee"):
        return FeedbackView(mine=None, other=None, other_answered=False)
    other_side = "mentee" if side == "mentor" else "mentor"
    mine, other = rows.get(side), rows.get(other_side)
    return FeedbackView(mine=mine, other=other if mine is not None and other is not None else None,
                        other_answered=other is not None)


@dataclass
class Entry:
    kind: str  # "session", "message", "action_item"
    at: datetime.datetime
    obj: Any


@dataclass
class TimelinePage:
    entries: list[Entry]
    count: int
    page: int
    pages: int
    page_size: int

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def timeline(*, mentorship: Mentorship, page: int = 1, page_size: int = PAGE_SIZE,
             private: bool = True) -> TimelinePage:
    """Sessions (at their start), messages and action items (when written), newest first. Without
    ``private``, sessions only (their dates and statuses are the summary)."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    kind = lambda k: Value(k, output_field=CharField())
    parts = [Session.objects.filter(mentorship=mentorship).annotate(kind=kind("session"), at=F("starts_at"))
             .order_by().values_list("kind", "pk", "at")]
    if private:
        parts.append(Message.objects.filter(mentorship=mentorship).annotate(kind=kind("message"), at=F("created_at"))
                     .order_by().values_list("kind", "pk", "at"))
        parts.append(ActionItem.objects.filter(mentorship=mentorship)
                     .annotate(kind=kind("action_item"), at=F("created_at")).order_by().values_list("kind", "pk", "at"))
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    count = union.count()
    pages = max(1, math.ceil(count / page_size))
    page = max(1, min(page, pages))
    start = (page - 1) * page_size
    rows = list(union.order_by("-at", "-pk")[start:start + page_size])
    ids: dict[str, list[int]] = {"session": [], "message": [], "action_item": []}
    for k, pk, _at in rows:
        ids[k].append(pk)
    objs: dict[tuple[str, int], Any] = {}
    if ids["session"]:
        objs.update({("session", s.pk): s for s in sessions_of(mentorship=mentorship).filter(pk__in=ids["session"])})
    if ids["message"]:
        objs.update({("message", x.pk): x for x in messages_of(mentorship=mentorship).filter(pk__in=ids["message"])})
    if ids["action_item"]:
        objs.update({("action_item", x.pk): x
                     for x in action_items_of(mentorship=mentorship).filter(pk__in=ids["action_item"])})
    entries = []
    for k, pk, at in rows:
        obj = objs.get((k, pk))
        if obj is not None:
            obj.mentorship = mentorship
            entries.append(Entry(kind=k, at=at, obj=obj))
    return TimelinePage(entries=entries, count=count, page=page, pages=pages, page_size=page_size)


@dataclass
class LogCounts:
    sessions: dict[str, int]
    messages: int | None
    action_items: dict[str, int] | None
    last_held_at: datetime.datetime | None
    next_scheduled_at: datetime.datetime | None


def log_counts(*, mentorship: Mentorship, private: bool = True) -> LogCounts:
    """Counts for the summary (HR and the program team see these and the session dates only)."""
    now = timezone.now()
    agg = Session.objects.filter(mentorship=mentorship).aggregate(
        **{s: Count("id", filter=Q(status=s)) for s in SessionStatus.values},
    )
    last = (Session.objects.filter(mentorship=mentorship, status=SessionStatus.HELD)
            .order_by("-starts_at").values_list("starts_at", flat=True).first())
    nxt = (Session.objects.filter(mentorship=mentorship, status=SessionStatus.SCHEDULED, starts_at__gte=now)
           .order_by("starts_at").values_list("starts_at", flat=True).first())
    messages = items = None
    if private:
        messages = Message.objects.filter(mentorship=mentorship).count()
        items = ActionItem.objects.filter(mentorship=mentorship).aggregate(
            **{s: Count("id", filter=Q(status=s)) for s in ActionItemStatus.values},
            overdue=Count("id", filter=Q(status=ActionItemStatus.OPEN, due_on__lt=timezone.localdate())))
    return LogCounts(sessions=agg, messages=messages, action_items=items, last_held_at=last, next_scheduled_at=nxt)
