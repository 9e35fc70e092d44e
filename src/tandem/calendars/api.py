"""The calendars API (mounted in ``config/api.py``): a session's ``.ics``, a series (read, cancel
the rest), the person's private feed (made, regenerated, revoked).

- ``GET /sessions/{id}/ics``: the pair only; someone else's session is a 404 (HR and the program
  team, who see the session's date, get 403: the file carries the meeting link and place).
- ``GET /session-series/{id}``, ``POST /session-series/{id}/cancel``: the pair (cancel: while the
  mentorship is active).
- ``GET|POST|DELETE /calendar/feed``: one's own feed; ``POST`` returns the URL once (the token is
  stored hashed) and revokes the previous one.
"""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from tandem.calendars import selectors, services, views
from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.core.schemas import DbId, SingleLine
from tandem.mentorships import log_services, series_services
from tandem.mentorships.log_models import Session

router = Router(tags=["calendars"])


class OccurrenceOut(Schema):
    id: int
    starts_at: datetime
    original_starts_at: datetime | None = Field(None, description="Its start in the series (RECURRENCE-ID)")
    status: str
    sequence: int


class SeriesOut(Schema):
    id: int
    mentorship_id: int
    frequency: str = Field(..., description="weekly, biweekly or monthly")
    count: int
    time_zone: str = Field(..., description="The organiser's zone: occurrences keep their wall-clock time in it")
    sessions: list[OccurrenceOut]


class CancelRestIn(Schema):
    reason: SingleLine = Field(..., min_length=1, max_length=log_services.REASON_LIMIT)
    from_session_id: DbId | None = Field(None, description="Cancel from this occurrence on (default: the ones "
                                                           "still to come)")


class CancelRestOut(Schema):
    cancelled: list[int]


class FeedOut(Schema):
    active: bool
    prefix: str | None = Field(None, description="The first characters of the token, to recognise it")
    created_at: datetime | None
    last_used_at: datetime | None


class FeedCreatedOut(Schema):
    url: str = Field(..., description="Shown once: only a hash of its token is kept")
    created_at: datetime


def _series(series) -> dict:
    rows = list(selectors.series_sessions(series=series))
    return {"id": series.pk, "mentorship_id": series.mentorship_id, "frequency": series.frequency,
            "count": series.count, "time_zone": series.time_zone,
            "sessions": [{"id": s.pk, "starts_at": s.starts_at, "original_starts_at": s.original_starts_at,
                          "status": s.status, "sequence": s.sequence} for s in rows]}


@router.get("/sessions/{session_id}/ics", summary="The session as an iCalendar file (a series' occurrence: "
                                                  "the whole series)",
            response={200: None})
def session_ics(request: HttpRequest, session_id: DbId):
    actor = authz.actor_for(request.user)
    s = selectors.session_for_ics(actor, session_id)
    body, name = views.session_ics_body(actor, s)
    return views._calendar_response(request, body, filename=name, attachment=True)


@router.get("/session-series/{series_id}", response=SeriesOut, summary="A recurring session and its occurrences")
def series_get(request: HttpRequest, series_id: DbId):
    actor = authz.actor_for(request.user)
    return _series(selectors.series_for(actor, series_id))


@router.post("/session-series/{series_id}/cancel", response=CancelRestOut,
             summary="Cancel the rest of a series: its scheduled occurrences from one on, or still to come")
def series_cancel(request: HttpRequest, series_id: DbId, payload: CancelRestIn):
    actor = authz.actor_for(request.user)
    series = selectors.series_for(actor, series_id)
    start = None
    if payload.from_session_id is not None:
        start = Session.objects.filter(pk=payload.from_session_id, series=series).first()
        if start is None:
            raise NotFound()
    rows = series_services.session_series_cancel_rest(series=series, actor=actor, reason=payload.reason,
                                                      from_session=start)
    return {"cancelled": [s.pk for s in rows]}


@router.get("/calendar/feed", response=FeedOut, summary="Whether you have a calendar feed (not its URL)")
def feed_get(request: HttpRequest):
    actor = authz.actor_for(request.user)
    authz.require(authz.can_have_calendar_feed(actor))
    row = selectors.feed_of(person=actor.person)
    if row is None:
        return {"active": False, "prefix": None, "created_at": None, "last_used_at": None}
    return {"active": True, "prefix": row.prefix, "created_at": row.created_at, "last_used_at": row.last_used_at}


@router.post("/calendar/feed", response={201: FeedCreatedOut},
             summary="Make your private feed URL (the previous one stops working)")
def feed_post(request: HttpRequest):
    actor = authz.actor_for(request.user)
    row, raw = services.calendar_feed_create(actor=actor)
    return Status(201, {"url": views.feed_url(request, raw), "created_at": row.created_at})


@router.delete("/calendar/feed", response={204: None}, summary="Revoke your feed: its URL answers 404")
def feed_delete(request: HttpRequest):
    actor = authz.actor_for(request.user)
    services.calendar_feed_revoke(actor=actor)
    return HttpResponse(status=204)
