"""The coaching log over the API: sessions, feedback, messages, action items, the merged timeline.

The pair reads everything and writes while the mentorship is active. HR and the program team read
``GET /mentorships/{id}/sessions`` and ``/log`` as a summary: dates, statuses and counts, with every
private text (questions, advice, notes, link, location, feedback) null and no messages or action
items; ``/messages`` and ``/action-items`` are 403 for them. The line manager gets 403 everywhere.
A session's ``feedback.other`` stays null until both sides have answered.
"""


from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator

from tandem.core import authz
from tandem.core.schemas import (
    DbId,
    MultiLine,
    PageNumberPagination,
    SaneDate,
    SaneDateTime,
    SingleLine,
    StrictInt,
    single_line_matching,
)
from tandem.core.validators import DB_INT_MAX
from tandem.mentorships import library_api, log_selectors, log_services, selectors, series_services
from tandem.mentorships.log_models import (
    DURATION_MAX,
    DURATION_MIN,
    ActionItemStatus,
    SessionStatus,
)
from tandem.mentorships.models import MeetingFormat

router = Router(tags=["coaching log"])

FormatName = Literal[tuple(MeetingFormat.values)]  # type: ignore[valid-type]
SessionStatusName = Literal[tuple(SessionStatus.values)]  # type: ignore[valid-type]
ItemStatusName = Literal[tuple(ActionItemStatus.values)]  # type: ignore[valid-type]
TopicCode = Annotated[SingleLine, Field(min_length=1, max_length=40)]
HTTPS_LINK = r"^(https://[^\s\x00-\x1f\x7f-\x9f\u2028\u2029]+)?$"
MeetingLink = single_line_matching(HTTPS_LINK)


def _message_problem(value: str) -> str:
    if any((ord(c) < 32 and c not in "\n\r") or 127 <= ord(c) < 160 or c in "\u2028\u2029" for c in value):
        raise ValueError("Remove the control characters from this text (line breaks are fine).")
    return value


MessageText = Annotated[str, AfterValidator(_message_problem),
                        Field(json_schema_extra={"pattern": r"^[^\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"})]


# -- sessions ----------------------------------------------------------------------------------


class FeedbackOut(Schema):
    side: str
    author: str
    rating: int = Field(..., ge=1, le=5)
    text: str
    created_at: datetime


class FeedbackViewOut(Schema):
    mine: FeedbackOut | None
    other: FeedbackOut | None = Field(None, description="The other side's: null until both have answered")
    other_answered: bool


class SessionOut(Schema):
    id: int
    mentorship_id: int
    starts_at: datetime = Field(..., description="ISO 8601 with the offset of the reader's time zone")
    ends_at: datetime
    duration_minutes: int
    format: str = Field(..., description="One of: " + ", ".join(MeetingFormat.values))
    status: str = Field(..., description="One of: " + ", ".join(SessionStatus.values))
    private: bool = Field(..., description="False: a summary for HR / the program team (texts are null)")
    meeting_link: str | None
    location: str | None
    topics: list[str] | None
    questions: str | None = Field(None, description="The mentee's, prepared beforehand")
    advice: str | None = Field(None, description="The mentor's")
    notes: str | None
    cancel_reason: str | None
    feedback: FeedbackViewOut | None
    action_item_ids: list[int] | None
    series_id: int | None = Field(None, description="Its recurring series, if any (GET /session-series/{id})")


class RepeatIn(Schema):
    """A recurring session (series_services): ``count`` sessions in all, within the agreement's term."""
    frequency: Literal["weekly", "biweekly", "monthly"] | None = Field(
        None, description="Default: the agreement's meeting frequency")
    count: StrictInt = Field(..., ge=2, le=60)


class SessionIn(Schema):
    starts_at: SaneDateTime = Field(..., description="With an offset; without one, the reader's time zone")
    duration_minutes: StrictInt = Field(60, ge=DURATION_MIN, le=DURATION_MAX)
    format: FormatName = MeetingFormat.VIDEO  # type: ignore[valid-type]
    meeting_link: MeetingLink = Field("", max_length=log_services.LINK_LIMIT)
    location: SingleLine = Field("", max_length=log_services.LOCATION_LIMIT)
    topics: list[TopicCode] = Field(default_factory=list, max_length=log_services.MAX_TOPICS)  # type: ignore[valid-type]
    questions: MultiLine = Field("", max_length=log_services.TEXT_LIMIT, description="The mentee only")
    notes: MultiLine = Field("", max_length=log_services.TEXT_LIMIT)
    repeat: RepeatIn | None = Field(None, description="Repeat it: the answer is the first session (series_id set)")


class SessionPatch(Schema):
    starts_at: SaneDateTime | None = Field(None, description="Reschedule (while scheduled)")
    duration_minutes: StrictInt | None = Field(None, ge=DURATION_MIN, le=DURATION_MAX)
    format: FormatName | None = None  # type: ignore[valid-type]
    meeting_link: MeetingLink | None = Field(None, max_length=log_services.LINK_LIMIT)
    location: SingleLine | None = Field(None, max_length=log_services.LOCATION_LIMIT)
    topics: list[TopicCode] | None = Field(None, max_length=log_services.MAX_TOPICS)  # type: ignore[valid-type]
    questions: MultiLine | None = Field(None, max_length=log_services.TEXT_LIMIT, description="The mentee only")
    advice: MultiLine | None = Field(None, max_length=log_services.TEXT_LIMIT, description="The mentor only")
    notes: MultiLine | None = Field(None, max_length=log_services.TEXT_LIMIT)
    status: SessionStatusName | None = Field(  # type: ignore[valid-type]
        None, description="scheduled → held / missed (after its start) / cancelled (with a reason)")
    reason: SingleLine | None = Field(None, max_length=log_services.REASON_LIMIT)


class FeedbackIn(Schema):
    rating: StrictInt = Field(..., ge=1, le=5)
    text: SingleLine = Field("", max_length=log_services.FEEDBACK_LIMIT)


def _feedback(fb: Any) -> dict[str, Any] | None:
    if fb is None:
        return None
    return {"side": fb.side, "author": fb.author.employee_id, "rating": fb.rating, "text": fb.text,
            "created_at": fb.created_at}


def _session(s: Any, *, side: str | None, private: bool, item_ids: list[int] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": s.pk, "mentorship_id": s.mentorship_id, "starts_at": timezone.localtime(s.starts_at), "ends_at": timezone.localtime(s.ends_at),
        "duration_minutes": s.duration_minutes, "format": s.format, "status": s.status, "private": private,
        "meeting_link": None, "location": None, "topics": None, "questions": None, "advice": None, "notes": None,
        "cancel_reason": None, "feedback": None, "action_item_ids": None, "series_id": s.series_id,
    }
    if private:
        fv = log_selectors.feedback_view(session=s, side=side)
        out.update({
            "meeting_link": s.meeting_link, "location": s.location, "topics": [t.code for t in s.topics.all()],
            "questions": s.questions, "advice": s.advice, "notes": s.notes, "cancel_reason": s.cancel_reason,
            "feedback": {"mine": _feedback(fv.mine), "other": _feedback(fv.other),
                         "other_answered": fv.other_answered},
            "action_item_ids": item_ids,
        })
    return out


# -- messages and action items ------------------------------------------------------------------


class MessageOut(Schema):
    id: int
    mentorship_id: int
    author: str = Field(..., alias="author.employee_id")
    author_name: str = Field(..., alias="author.full_name")
    text: str
    created_at: datetime


class MessageIn(Schema):
    text: MessageText = Field(..., min_length=1, max_length=log_services.MESSAGE_LIMIT)  # type: ignore[valid-type]


class LogCommentOut(Schema):
    id: int
    author: str = Field(..., alias="author.employee_id")
    text: str
    created_at: datetime


class ActionItemOut(Schema):
    id: int
    mentorship_id: int
    title: str
    owner: str = Field(..., description="mentor or mentee")
    owner_id: str = Field(..., description="The owner's employee id")
    due_on: date
    status: str = Field(..., description="One of: " + ", ".join(ActionItemStatus.values))
    done_at: datetime | None
    overdue: bool
    goal_id: int | None
    session_id: int | None
    message_id: int | None
    created_at: datetime
    comments: list[LogCommentOut]


class ActionItemIn(Schema):
    title: SingleLine = Field("", max_length=log_services.TITLE_LIMIT,
                              description="Required unless message_id is given (its first line)")
    owner: Literal["mentor", "mentee"]
    due_on: SaneDate = Field(..., description="Within the agreement's term")
    goal_id: DbId | None = Field(None, description="A goal of the pair's plan")
    session_id: DbId | None = None
    message_id: DbId | None = Field(None, description="Turn this message of the log into the item")


class ActionItemPatch(Schema):
    title: SingleLine | None = Field(None, min_length=1, max_length=log_services.TITLE_LIMIT)
    due_on: SaneDate | None = None
    status: ItemStatusName | None = None  # type: ignore[valid-type]
    goal_id: DbId | None = Field(None, description="Null unlinks the goal")
    comment: MultiLine | None = Field(None, min_length=1, max_length=log_services.COMMENT_LIMIT,
                                      description="Either side may comment; only the owner edits or ticks")


def _item(it: Any) -> dict[str, Any]:
    m = it.mentorship
    return {
        "id": it.pk, "mentorship_id": it.mentorship_id, "title": it.title,
        "owner": "mentor" if it.owner_id == m.mentor_id else "mentee", "owner_id": it.owner.employee_id,
        "due_on": it.due_on, "status": it.status, "done_at": it.done_at,
        "overdue": it.status == ActionItemStatus.OPEN and it.due_on < timezone.localdate(),
        "goal_id": it.goal_id, "session_id": it.session_id, "message_id": it.message_id,
        "created_at": it.created_at, "comments": list(it.comments.all()),
    }


# -- the timeline --------------------------------------------------------------------------------


class LogEntryOut(Schema):
    kind: Literal["session", "message", "action_item"]
    at: datetime = Field(..., description="A session's start; when a message or item was written")
    session: SessionOut | None = None
    message: MessageOut | None = None
    action_item: ActionItemOut | None = None


class CountsOut(Schema):
    sessions: dict[str, int] = Field(..., description="Per status")
    messages: int | None = Field(None, description="The pair only")
    action_items: dict[str, int] | None = Field(None, description="Per status and overdue; the pair only")
    last_held_at: datetime | None
    next_scheduled_at: datetime | None


class LogOut(Schema):
    mentorship_id: int
    private: bool
    count: int
    page: int
    pages: int
    counts: CountsOut
    items: list[LogEntryOut]


class LogQuery(Schema):
    page: int = Field(1, ge=1, le=DB_INT_MAX)
    page_size: int = Field(log_selectors.PAGE_SIZE, ge=1, le=log_selectors.MAX_PAGE_SIZE)
    # the library's search (library_api.log_search): ranked hits instead of the timeline
    # as the search reads it (library_api.SearchQuery): an empty q is a 422 there, so it is here
    q: SingleLine | None = Field(None, min_length=1, max_length=200,
                                 description="Search the log instead: see GET /mentorships/{id}/log/search")


# -- handlers ---------------------------------------------------------------------------------


@router.get("/mentorships/{mentorship_id}/sessions", response=list[SessionOut],
            summary="The pair's sessions, newest first (a summary without texts for HR and the program team)")
@paginate(PageNumberPagination, page_size=50)
def sessions_get(request: HttpRequest, mentorship_id: DbId):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_view_log_summary)
    private, side = authz.can_read_log(actor, m), authz.log_side(actor, m)
    rows = list(log_selectors.sessions_of(mentorship=m))
    return [_session(s, side=side, private=private) for s in rows]


@router.post("/mentorships/{mentorship_id}/sessions", response={201: SessionOut},
             summary="Schedule a session (either side; the questions are the mentee's)")
def sessions_post(request: HttpRequest, mentorship_id: DbId, payload: SessionIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    data = payload.model_dump()
    repeat = data.pop("repeat")
    if repeat:
        series = series_services.session_series_schedule(mentorship=m, actor=actor, **repeat, **data)
        s = series.sessions.order_by("original_starts_at", "id").first()
    else:
        s = log_services.session_schedule(mentorship=m, actor=actor, **data)
    s = log_selectors.session_of(mentorship=m, session_id=s.pk)
    return Status(201, _session(s, side=authz.log_side(actor, m), private=True, item_ids=[]))


@router.get("/sessions/{session_id}", response=SessionOut, summary="One session (the pair; a summary for the team)")
def session_get(request: HttpRequest, session_id: DbId):
    actor = authz.actor_for(request.user)
    s = log_selectors.session_for(actor, session_id, rule=authz.can_view_log_summary)
    private = authz.can_read_log(actor, s.mentorship)
    ids = [it.pk for it in log_selectors.session_action_items(session=s)] if private else None
    return _session(s, side=authz.log_side(actor, s.mentorship), private=private, item_ids=ids)


@router.patch("/sessions/{session_id}", response=SessionOut,
              summary="Reschedule, mark held / missed / cancelled, or write the mentee's questions, the "
                      "mentor's advice, notes")
def session_patch(request: HttpRequest, session_id: DbId, payload: SessionPatch):
    actor = authz.actor_for(request.user)
    s = log_selectors.session_for(actor, session_id, rule=authz.can_view_mentorship)
    changes = payload.model_dump(exclude_unset=True)
    changes = {k: ("" if v is None and k in ("meeting_link", "location", "questions", "advice", "notes") else v)
               for k, v in changes.items() if v is not None or k in ("meeting_link", "location")}
    log_services.session_update(session=s, actor=actor, **changes)
    s = log_selectors.session_of(mentorship=s.mentorship, session_id=s.pk)
    ids = [it.pk for it in log_selectors.session_action_items(session=s)]
    return _session(s, side=authz.log_side(actor, s.mentorship), private=True, item_ids=ids)


@router.post("/sessions/{session_id}/feedback", response={201: FeedbackViewOut},
             summary="Leave your rating (1–5) and a line of feedback on a held session, once")
def session_feedback(request: HttpRequest, session_id: DbId, payload: FeedbackIn):
    actor = authz.actor_for(request.user)
    s = log_selectors.session_for(actor, session_id, rule=authz.can_view_mentorship)
    log_services.feedback_leave(session=s, actor=actor, rating=payload.rating, text=payload.text)
    s = log_selectors.session_of(mentorship=s.mentorship, session_id=s.pk)
    fv = log_selectors.feedback_view(session=s, side=authz.log_side(actor, s.mentorship))
    return Status(201, {"mine": _feedback(fv.mine), "other": _feedback(fv.other),
                        "other_answered": fv.other_answered})


@router.get("/mentorships/{mentorship_id}/messages", response=list[MessageOut],
            summary="The pair's messages, newest first (the pair only)")
@paginate(PageNumberPagination, page_size=50)
def messages_get(request: HttpRequest, mentorship_id: DbId):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_log)
    return log_selectors.messages_of(mentorship=m)


@router.post("/mentorships/{mentorship_id}/messages", response={201: MessageOut},
             summary="Post a message to the other side (@name tells them)")
def messages_post(request: HttpRequest, mentorship_id: DbId, payload: MessageIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    return Status(201, log_services.message_post(mentorship=m, actor=actor, text=payload.text))


@router.get("/mentorships/{mentorship_id}/action-items", response=list[ActionItemOut],
            summary="The pair's action items, newest first (the pair only)")
@paginate(PageNumberPagination, page_size=50)
def items_get(request: HttpRequest, mentorship_id: DbId, status: ItemStatusName | None = None):  # type: ignore[valid-type]
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_log)
    rows = list(log_selectors.action_items_of(mentorship=m, status=status or ""))
    for it in rows:
        it.mentorship = m
    return [_item(it) for it in rows]


@router.post("/mentorships/{mentorship_id}/action-items", response={201: ActionItemOut},
             summary="Add an action item for the mentor or the mentee (or turn a message into one)")
def items_post(request: HttpRequest, mentorship_id: DbId, payload: ActionItemIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    it = log_services.action_item_create(mentorship=m, actor=actor, **payload.model_dump())
    return Status(201, _item(log_selectors.action_item_of(mentorship=m, item_id=it.pk)))


@router.patch("/action-items/{item_id}", response=ActionItemOut,
              summary="The owner edits or ticks their item; either side comments (the mentor never ticks the "
                      "mentee's)")
def item_patch(request: HttpRequest, item_id: DbId, payload: ActionItemPatch):
    actor = authz.actor_for(request.user)
    it = log_selectors.action_item_for(actor, item_id, rule=authz.can_view_mentorship)
    changes = payload.model_dump(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k == "goal_id"}
    log_services.action_item_update(item=it, actor=actor, **changes)
    return _item(log_selectors.action_item_of(mentorship=it.mentorship, item_id=it.pk))


@router.get("/mentorships/{mentorship_id}/log", response=LogOut | library_api.LogSearchOut,  # ?q=… is a search
            summary="The timeline: sessions, messages and action items, newest first, paginated "
                    "(sessions only, without texts, for HR and the program team)")
def log_get(request: HttpRequest, mentorship_id: DbId, query: Query[LogQuery]):
    if query.q is not None:  # a search: answered by the library (library_api.log_search)
        return library_api.log_search_response(request, mentorship_id, q=query.q, page=query.page,
                                               page_size=query.page_size)
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_view_log_summary)
    private, side = authz.can_read_log(actor, m), authz.log_side(actor, m)
    page = log_selectors.timeline(mentorship=m, page=query.page, page_size=query.page_size, private=private)
    counts = log_selectors.log_counts(mentorship=m, private=private)
    items = []
    for e in page.entries:
        entry: dict[str, Any] = {"kind": e.kind, "at": e.at}
        if e.kind == "session":
            entry["session"] = _session(e.obj, side=side, private=private)
        elif e.kind == "message":
            entry["message"] = e.obj
        else:
            entry["action_item"] = _item(e.obj)
        items.append(entry)
    return {"mentorship_id": m.pk, "private": private, "count": page.count, "page": page.page, "pages": page.pages,
            "counts": counts.__dict__, "items": items}
