"""Every write on a mentorship's coaching log: sessions, feedback, messages, action items.

Who writes: the pair, while the mentorship is active (``authz.can_write_log``). Within the pair,
the mentee writes a session's questions and the mentor its advice; neither edits the other's
text. An action item is edited and ticked by its owner only; either side may comment on it.

A session moves ``scheduled`` → ``held`` (only once it has started) / ``missed`` (likewise) /
``cancelled`` (with a reason); a reschedule is a change of start while it is scheduled. Every
service locks the mentorship row first (so two writers are serialised), validates everything
before it writes anything, and announces what happened as a domain event after commit.
"""

from __future__ import annotations

import datetime
import re
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core import authz, events
from tandem.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tandem.core.validators import date_problem
from tandem.mentorships.log_models import (
    DURATION_MAX,
    DURATION_MIN,
    ActionItem,
    ActionItemComment,
    ActionItemStatus,
    Mention,
    Message,
    Session,
    SessionFeedback,
    SessionStatus,
)
from tandem.mentorships import search  # the log's search index, kept in step by each write below
from tandem.mentorships.models import MeetingFormat, Mentorship, MentorshipStatus
from tandem.mentorships.plan_models import Goal
from tandem.mentorships.plan_services import plan_term
from tandem.mentorships.services import _locked
from tandem.people.models import Person, Topic

MESSAGE_LIMIT = 4000
TEXT_LIMIT = 4000
COMMENT_LIMIT = 2000
FEEDBACK_LIMIT = 500
TITLE_LIMIT = 200
LINK_LIMIT = 500
LOCATION_LIMIT = 200
REASON_LIMIT = 500
MAX_TOPICS = 10

#: Sentinel for "not given" in partial updates (None may be a value: unlink a goal).
UNSET: Any = object()


class LogErrorCode(StrEnum):
    LOG_NOT_WRITABLE = "log_not_writable"
    NOT_YOUR_TEXT = "not_your_text"
    NOT_YOUR_ITEM = "not_your_action_item"
    ILLEGAL_SESSION_TRANSITION = "illegal_session_transition"
    SESSION_NOT_STARTED = "session_not_started"
    SESSION_NOT_SCHEDULED = "session_not_scheduled"
    SESSION_NOT_HELD = "session_not_held"
    SESSION_CANCELLED = "session_cancelled"
    FEEDBACK_ALREADY_GIVEN = "feedback_already_given"
    OUTSIDE_TERM = "outside_agreement_term"


Code = LogErrorCode

#: The allowed moves of a session's status.
SESSION_TRANSITIONS: dict[str, set[str]] = {
    "scheduled": {"held", "cancelled", "missed"},
    "held": set(),
    "cancelled": set(),
    "missed": set(),
}


_OUTSIDE = "__outside_term__"


class OutsideTerm(ValidationFailed):
    status = 422
    code = Code.OUTSIDE_TERM


# -- shared checks -----------------------------------------------------------------------------


def _writable(actor: authz.Actor, m: Mentorship) -> str:
    """The actor's side of the pair, if the log may be written now; else 403 (not the pair) or 409."""
    side = authz.log_side(actor, m)
    if side is None:
        raise Forbidden(_("Only the mentor and the mentee write in their coaching log."))
    if not authz.can_write_log(actor, m):
        if m.status in (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY):
            message = _("This mentorship has ended: its log can be read, not changed.")
        else:
            message = _("The coaching log opens when the mentorship is active.")
        raise Conflict(message, code=Code.LOG_NOT_WRITABLE, data={"mentorship_status": m.status})
    return side


def _me(actor: authz.Actor) -> Person:
    """The writer's person (``_writable`` has checked they are one side of the pair)."""
    person = actor.person
    if person is None:
        raise Forbidden()
    return person


def _text(value: Any, *, field: str, limit: int, errors: dict[str, list[str]], single_line: bool = False,
          allow_tabs: bool = True) -> str:
    value = str(value or "").strip()
    if len(value) > limit:
        errors.setdefault(field, []).append(_("Keep it under %(limit)s characters.") % {"limit": f"{limit:,}"})
    allowed = "" if single_line else ("\n\r\t" if allow_tabs else "\n\r")
    if any((ord(c) < 32 and c not in allowed) or 127 <= ord(c) < 160 or c in "\u2028\u2029" for c in value):
        errors.setdefault(field, []).append(_("Remove the control characters from this text."))
    return value


_https = URLValidator(schemes=["https"])


def _link(value: Any, errors: dict[str, list[str]]) -> str:
    link = _text(value, field="meeting_link", limit=LINK_LIMIT, errors=errors, single_line=True)
    if link and "meeting_link" not in errors:
        try:
            _https(link)
        except DjangoValidationError:
            errors["meeting_link"] = [_("Enter a meeting link starting with https://.")]
    return link


def _in_term(m: Mentorship, day: datetime.date, *, field: str, errors: dict[str, list[str]]) -> None:
    start, end = plan_term(m)
    if not start <= day <= end:
        errors[_OUTSIDE] = []
        errors.setdefault(field, []).append(
            _("Choose a date within the agreement's term (%(start)s – %(end)s).") % {
                "start": start.isoformat(), "end": end.isoformat()})


def _aware(value: Any, *, field: str, errors: dict[str, list[str]]) -> datetime.datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.datetime):
        errors.setdefault(field, []).append(_("Enter a date and time."))
        return None
    problem = date_problem(value)
    if problem:
        errors.setdefault(field, []).append(problem)
        return None
    if timezone.is_naive(value):
        # a time typed without a zone is in the writer's own zone (the one the site shows them)
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


def _topics(codes: Any, errors: dict[str, list[str]]) -> list[Topic]:
    codes = list(dict.fromkeys(str(c).strip() for c in (codes or []) if str(c).strip()))
    if len(codes) > MAX_TOPICS:
        errors["topics"] = [_("Choose at most %(n)s topics.") % {"n": MAX_TOPICS}]
        return []
    rows = list(Topic.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {t.code for t in rows})
    if unknown:
        errors.setdefault("topics", []).append(_("Unknown topic: %(codes)s.") % {"codes": ", ".join(unknown)})
    return rows


def _duration(value: Any, errors: dict[str, list[str]]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not DURATION_MIN <= value <= DURATION_MAX:
        errors["duration_minutes"] = [_("Enter a length between %(low)s and %(high)s minutes.") % {
            "low": DURATION_MIN, "high": DURATION_MAX}]
        return 0
    return value


def _format(value: Any, errors: dict[str, list[str]]) -> str:
    if value not in MeetingFormat.values:
        errors["format"] = [_("Choose one of the formats offered.")]
    return str(value)


def _other(m: Mentorship, side: str) -> Person:
    return m.mentee if side == "mentor" else m.mentor


def _locked_session(session: Session) -> tuple[Mentorship, Session]:
    m = _locked(session.mentorship)
    return m, Session.objects.select_for_update().get(pk=session.pk)


# -- sessions --------------------------------------------------------------------------------


@transaction.atomic
def session_schedule(*, mentorship: Mentorship, actor: authz.Actor, starts_at: Any, duration_minutes: Any = 60,
                     format: str = "video", meeting_link: str = "", location: str = "",
                     topics: list[str] | None = None, questions: str = "", notes: str = "",
                     series: Any = None) -> Session:
    """Either side schedules a session inside the agreement's term. The questions, if any, are the
    mentee's: the mentor cannot write them. ``series``: an occurrence of a recurring session
    (``series_services``, which announces the whole series once instead of each occurrence)."""
    m = _locked(mentorship)
    side = _writable(actor, m)
    if questions and side != "mentee":
        raise Forbidden(_("The questions are the mentee's to prepare."), code=Code.NOT_YOUR_TEXT)
    errors: dict[str, list[str]] = {}
    when = _aware(starts_at, field="starts_at", errors=errors)
    if when is not None:
        _in_term(m, timezone.localtime(when).date(), field="starts_at", errors=errors)
    duration = _duration(duration_minutes, errors)
    fmt = _format(format, errors)
    link = _link(meeting_link, errors)
    location = _text(location, field="location", limit=LOCATION_LIMIT, errors=errors, single_line=True)
    topic_rows = _topics(topics, errors)
    questions = _text(questions, field="questions", limit=TEXT_LIMIT, errors=errors)
    notes = _text(notes, field="notes", limit=TEXT_LIMIT, errors=errors)
    _raise_for(errors)
    s = Session.objects.create(mentorship=m, starts_at=when, duration_minutes=duration, format=fmt,
                               meeting_link=link, location=location, questions=questions, notes=notes,
                               created_by=_me(actor), time_zone=_me(actor).time_zone or "UTC",
                               series=series, original_starts_at=when if series is not None else None)
    s.topics.set(topic_rows)
    search.index_session(s)
    if series is None:  # a series is announced once, by series_services
        events.emit("session.scheduled", mentorship_id=m.pk, session_id=s.pk, actor_id=_me(actor).pk,
                    other_id=_other(m, side).pk)
    return s


@transaction.atomic
def session_update(*, session: Session, actor: authz.Actor, starts_at: Any = UNSET, duration_minutes: Any = UNSET,
                   format: Any = UNSET, meeting_link: Any = UNSET, location: Any = UNSET, topics: Any = UNSET,
                   questions: Any = UNSET, advice: Any = UNSET, notes: Any = UNSET, status: Any = UNSET,
                   reason: Any = UNSET) -> Session:
    """Change what is given, all or nothing. ``starts_at`` reschedules (while scheduled, the other
    side is told); ``status`` moves the session (held / missed once it has started, cancelled with
    a ``reason``); ``questions`` are the mentee's, ``advice`` the mentor's."""
    m, s = _locked_session(session)
    side = _writable(actor, m)
    if questions is not UNSET and side != "mentee" and (questions or "").strip() != s.questions:
        raise Forbidden(_("The questions are the mentee's: the mentor cannot change them."), code=Code.NOT_YOUR_TEXT)
    if advice is not UNSET and side != "mentor" and (advice or "").strip() != s.advice:
        raise Forbidden(_("The advice is the mentor's: the mentee cannot change it."), code=Code.NOT_YOUR_TEXT)
    if s.status == SessionStatus.CANCELLED:
        raise Conflict(_("This session was cancelled: it cannot be changed."), code=Code.SESSION_CANCELLED)
    errors: dict[str, list[str]] = {}
    fields: set[str] = set()
    emits: list[tuple[str, dict[str, Any]]] = []
    now = timezone.now()
    old_start = s.starts_at

    if starts_at is not UNSET:
        when = _aware(starts_at, field="starts_at", errors=errors)
        if when is not None and when != s.starts_at:
            if s.status != SessionStatus.SCHEDULED:
                raise Conflict(_("Only a scheduled session can be moved to another time."),
                               code=Code.SESSION_NOT_SCHEDULED, data={"session_status": s.status})
            _in_term(m, timezone.localtime(when).date(), field="starts_at", errors=errors)
            s.starts_at = when
            fields.add("starts_at")
            emits.append(("session.rescheduled", {"previous_starts_at": old_start.isoformat()}))
    if duration_minutes is not UNSET:
        s.duration_minutes = _duration(duration_minutes, errors)
        fields.add("duration_minutes")
    if format is not UNSET:
        s.format = _format(format, errors)
        fields.add("format")
    if meeting_link is not UNSET:
        s.meeting_link = _link(meeting_link, errors)
        fields.add("meeting_link")
    if location is not UNSET:
        s.location = _text(location, field="location", limit=LOCATION_LIMIT, errors=errors, single_line=True)
        fields.add("location")
    topic_rows = None
    if topics is not UNSET:
        topic_rows = _topics(topics, errors)
    for name, value in (("questions", questions), ("advice", advice), ("notes", notes)):
        if value is not UNSET:
            setattr(s, name, _text(value, field=name, limit=TEXT_LIMIT, errors=errors))
            fields.add(name)
    if status is not UNSET and status != s.status:
        if status not in SessionStatus.values:
            errors["status"] = [_("Choose one of the statuses offered.")]
        elif status not in SESSION_TRANSITIONS[s.status]:
            raise Conflict(
                _("A session that is “%(from)s” cannot become “%(to)s”.") % {
                    "from": SessionStatus(s.status).label, "to": SessionStatus(status).label},
                code=Code.ILLEGAL_SESSION_TRANSITION,
                data={"from": s.status, "to": status, "allowed": sorted(SESSION_TRANSITIONS[s.status])})
        elif status in (SessionStatus.HELD, SessionStatus.MISSED) and s.starts_at > now:
            raise Conflict(_("The session has not started yet: it can be marked held or missed once it has."),
                           code=Code.SESSION_NOT_STARTED, data={"starts_at": s.starts_at.isoformat()})
        else:
            why = _text(reason if reason is not UNSET else "", field="reason", limit=REASON_LIMIT, errors=errors,
                        single_line=True)
            if status == SessionStatus.CANCELLED:
                if not why and "reason" not in errors:
                    errors["reason"] = [_("Say why the session is cancelled.")]
                s.cancel_reason = why
                fields.add("cancel_reason")
            s.status = status
            s.status_changed_at = now
            fields |= {"status", "status_changed_at"}
            if status == SessionStatus.HELD:
                emits.append(("session.held", {}))
            elif status == SessionStatus.CANCELLED:
                emits.append(("session.cancelled", {}))
    _raise_for(errors)
    if topic_rows is not None and {t.pk for t in topic_rows} != set(s.topics.values_list("pk", flat=True)):
        fields.add("topics")
    if fields:
        s.sequence += 1  # every change a calendar could show (RFC 5545 SEQUENCE)
        s.save(update_fields=sorted((fields - {"topics"}) | {"updated_at", "sequence"}))
    if topic_rows is not None:
        s.topics.set(topic_rows)
    if fields & {"questions", "advice", "notes", "topics", "starts_at"}:
        search.index_session(s)
    for name, extra in emits:
        events.emit(name, mentorship_id=m.pk, session_id=s.pk, actor_id=_me(actor).pk,
                    other_id=_other(m, side).pk, **extra)
    return s


@transaction.atomic
def feedback_leave(*, session: Session, actor: authz.Actor, rating: Any, text: str = "") -> SessionFeedback:
    """Each side rates a held session (1–5) with a line of feedback, once."""
    m, s = _locked_session(session)
    side = _writable(actor, m)
    if s.status != SessionStatus.HELD:
        raise Conflict(_("Feedback is left on a session that was held."), code=Code.SESSION_NOT_HELD,
                       data={"session_status": s.status})
    errors: dict[str, list[str]] = {}
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = [_("Choose a rating from 1 to 5.")]
    text = _text(text, field="text", limit=FEEDBACK_LIMIT, errors=errors, single_line=True)
    if errors:
        raise ValidationFailed(errors)
    if SessionFeedback.objects.filter(session=s, side=side).exists():
        raise Conflict(_("You have already left your feedback on this session."), code=Code.FEEDBACK_ALREADY_GIVEN)
    try:
        with transaction.atomic():
            fb = SessionFeedback.objects.create(session=s, side=side, author=_me(actor), rating=rating, text=text,
                                                created_at=timezone.now())
    except IntegrityError as exc:
        raise Conflict(_("You have already left your feedback on this session."),
                       code=Code.FEEDBACK_ALREADY_GIVEN) from exc
    both = SessionFeedback.objects.filter(session=s).count() == 2
    events.emit("session.feedback", mentorship_id=m.pk, session_id=s.pk, side=side, both_answered=both,
                actor_id=_me(actor).pk, other_id=_other(m, side).pk)
    return fb


# -- messages and mentions -------------------------------------------------------------------

_MENTION = re.compile(r"(?<![\w@])@([^\W\d_][\w.\-]*)", re.UNICODE)


def _handles(person: Person) -> set[str]:
    """What ``@…`` may say to mean this person: the first name, or the full name run together.
    Titles ("Dr.", "Mrs.") are not names."""
    words = [w for w in person.full_name.split() if not w.endswith(".")] or person.full_name.split()
    if not words:
        return set()
    return {words[0].casefold(), "".join(words).casefold(), ".".join(words).casefold(), "_".join(words).casefold()}


def mentioned(text: str, *, other: Person) -> bool:
    """Whether ``text`` @-mentions ``other`` (the other side of the pair) by their name or first name."""
    folded = text.casefold()
    if f"@{other.full_name.casefold()}" in folded:
        return True
    handles = _handles(other)
    return any(m.group(1).rstrip(".-").casefold() in handles for m in _MENTION.finditer(text))


def _mention(m: Mentorship, *, side: str, actor: authz.Actor, text: str, message: Message | None = None,
             comment: ActionItemComment | None = None) -> Mention | None:
    other = _other(m, side)
    if not mentioned(text, other=other):
        return None
    row = Mention.objects.create(mentorship=m, person=other, author=_me(actor), message=message, comment=comment,
                                 created_at=timezone.now())
    events.emit("mention.created", mentorship_id=m.pk, mention_id=row.pk, person_id=other.pk,
                message_id=message.pk if message else None, comment_id=comment.pk if comment else None,
                actor_id=_me(actor).pk)
    return row


@transaction.atomic
def message_post(*, mentorship: Mentorship, actor: authz.Actor, text: str) -> Message:
    """A message to the other side, in the log's timeline. ``@name`` tells the other side."""
    m = _locked(mentorship)
    side = _writable(actor, m)
    errors: dict[str, list[str]] = {}
    text = _text(text, field="text", limit=MESSAGE_LIMIT, errors=errors, allow_tabs=False)
    if not text and "text" not in errors:
        errors["text"] = [_("Write your message.")]
    if errors:
        raise ValidationFailed(errors)
    msg = Message.objects.create(mentorship=m, author=_me(actor), text=text, created_at=timezone.now())
    search.index_message(msg)
    events.emit("message.posted", mentorship_id=m.pk, message_id=msg.pk, actor_id=_me(actor).pk,
                other_id=_other(m, side).pk)
    _mention(m, side=side, actor=actor, text=text, message=msg)
    return msg


# -- action items ----------------------------------------------------------------------------


def _owner(m: Mentorship, owner: Any, errors: dict[str, list[str]]) -> Person | None:
    if owner == "mentor":
        return m.mentor
    if owner == "mentee":
        return m.mentee
    errors["owner"] = [_("Choose who owns the item: the mentor or the mentee.")]
    return None


def _due(m: Mentorship, due_on: Any, errors: dict[str, list[str]]) -> datetime.date | None:
    if isinstance(due_on, str):
        try:
            due_on = datetime.date.fromisoformat(due_on.strip())
        except ValueError:
            due_on = None
    if isinstance(due_on, datetime.datetime) or not isinstance(due_on, datetime.date):
        errors["due_on"] = [_("Enter a due date.")]
        return None
    problem = date_problem(due_on)
    if problem:
        errors["due_on"] = [problem]
        return None
    _in_term(m, due_on, field="due_on", errors=errors)
    return due_on


def _goal(m: Mentorship, goal_id: Any, errors: dict[str, list[str]]) -> Goal | None:
    if goal_id in (None, ""):
        return None
    goal = Goal.objects.filter(pk=goal_id, plan__mentorship=m).first() if isinstance(goal_id, int) else None
    if goal is None:
        errors["goal_id"] = [_("Choose a goal of your plan.")]
    return goal


def _raise_for(errors: dict[str, list[str]]) -> None:
    """A date outside the term is its own code (422 ``outside_agreement_term``); anything else 422."""
    if not errors:
        return
    if _OUTSIDE in errors:
        del errors[_OUTSIDE]
        raise OutsideTerm(errors)
    raise ValidationFailed(errors)


@transaction.atomic
def action_item_create(*, mentorship: Mentorship, actor: authz.Actor, title: str, owner: str, due_on: Any,
                       goal_id: int | None = None, session_id: int | None = None,
                       message_id: int | None = None) -> ActionItem:
    """Either side adds an item for themselves or for the other, due inside the agreement's term.
    ``message_id`` turns a message of the log into an item (its first line is the default title)."""
    m = _locked(mentorship)
    _writable(actor, m)
    errors: dict[str, list[str]] = {}
    message = None
    if message_id is not None:
        message = Message.objects.filter(pk=message_id, mentorship=m).first() if isinstance(message_id, int) else None
        if message is None:
            raise NotFound(_("That message is not in this log."))
        if not (title or "").strip():
            title = message.text.strip().splitlines()[0][:TITLE_LIMIT]
    session = None
    if session_id is not None:
        session = Session.objects.filter(pk=session_id, mentorship=m).first() if isinstance(session_id, int) else None
        if session is None:
            raise NotFound(_("That session is not in this log."))
    title = _text(title, field="title", limit=TITLE_LIMIT, errors=errors, single_line=True)
    if not title and "title" not in errors:
        errors["title"] = [_("Say what is to be done.")]
    person = _owner(m, owner, errors)
    due = _due(m, due_on, errors)
    goal = _goal(m, goal_id, errors)
    _raise_for(errors)
    item = ActionItem.objects.create(mentorship=m, title=title, owner=person, created_by=_me(actor), due_on=due,
                                     goal=goal, session=session, message=message)
    search.index_action_item(item)
    events.emit("action_item.assigned", mentorship_id=m.pk, action_item_id=item.pk, owner_id=item.owner_id,
                actor_id=_me(actor).pk)
    return item


@transaction.atomic
def action_item_update(*, item: ActionItem, actor: authz.Actor, title: Any = UNSET, due_on: Any = UNSET,
                       status: Any = UNSET, goal_id: Any = UNSET, comment: Any = UNSET) -> ActionItem:
    """The owner edits or ticks their item; either side of the pair may add a ``comment``. The
    mentor never edits or ticks the mentee's item (source 002): a 403 and nothing changed."""
    m = _locked(item.mentorship)
    side = _writable(actor, m)
    it = ActionItem.objects.select_for_update().get(pk=item.pk)
    changes = [v is not UNSET for v in (title, due_on, status, goal_id)]
    if any(changes) and not authz.can_edit_action_item(actor, it, m):
        raise Forbidden(_("Only the owner of an action item edits or completes it. You may comment on it."),
                        code=Code.NOT_YOUR_ITEM)
    errors: dict[str, list[str]] = {}
    fields: set[str] = set()
    if title is not UNSET:
        it.title = _text(title, field="title", limit=TITLE_LIMIT, errors=errors, single_line=True)
        if not it.title and "title" not in errors:
            errors["title"] = [_("Say what is to be done.")]
        fields.add("title")
    if due_on is not UNSET:
        it.due_on = _due(m, due_on, errors)
        fields.add("due_on")
    if goal_id is not UNSET:
        it.goal = _goal(m, goal_id, errors)
        fields.add("goal")
    if status is not UNSET and status != it.status:
        if status not in ActionItemStatus.values:
            errors["status"] = [_("Choose one of the statuses offered.")]
        else:
            it.status = status
            it.done_at = timezone.now() if status == ActionItemStatus.DONE else None
            fields |= {"status", "done_at"}
    text = ""
    if comment is not UNSET:
        text = _text(comment, field="comment", limit=COMMENT_LIMIT, errors=errors)
        if not text and "comment" not in errors:
            errors["comment"] = [_("Write your comment.")]
    _raise_for(errors)
    if fields:
        it.save(update_fields=sorted(fields | {"updated_at"}))
        events.emit("action_item.updated", mentorship_id=m.pk, action_item_id=it.pk, owner_id=it.owner_id,
                    status=it.status, changed=sorted(fields), actor_id=_me(actor).pk)
    if text:
        c = ActionItemComment.objects.create(item=it, author=_me(actor), text=text, created_at=timezone.now())
        events.emit("action_item.updated", mentorship_id=m.pk, action_item_id=it.pk, owner_id=it.owner_id,
                    status=it.status, changed=["comment"], comment_id=c.pk, actor_id=_me(actor).pk)
        _mention(m, side=side, actor=actor, text=text, comment=c)
    if text or "title" in fields:
        search.index_action_item(it)
    return it
