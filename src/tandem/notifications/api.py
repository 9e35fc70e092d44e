"""The notification centre in the API: a person reads and marks only their own."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, Strict

from tandem.core import authz
from tandem.core.schemas import PageNumberPagination, QueryBool
from tandem.core.validators import DB_BIGINT_MAX
from tandem.notifications import selectors, services
from tandem.notifications.models import NotificationKind
from tandem.notifications.texts import notification_text

router = Router(tags=["notifications"])

NotificationId = Annotated[int, Strict(), Field(ge=1, le=DB_BIGINT_MAX)]


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    text: str = Field(..., description="In the reader's language, times in their time zone")
    url: str
    mentorship_id: int | None
    object_id: int | None
    params: dict
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_text(obj) -> str:
        return notification_text(obj.kind, obj.params)


class NotificationFilter(Schema):
    unread: QueryBool | None = Field(None, description="true: only unread; false: only read")


class MarkReadIn(Schema):
    # The rule the service enforces, in the document: the IDs (1 to 500), or ``"all": true``.
    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": ["ids"], "properties": {"ids": {"type": "array"}}}, {"required": ["all"], "properties": {"all": {"const": True}}}]})

    ids: list[NotificationId] | None = Field(None, min_length=1, max_length=500,
                                             description="Notifications to mark read (1 to 500)")
    all: Annotated[bool, Strict()] = Field(False, description="Mark every unread notification read")


class MarkReadOut(Schema):
    marked: int
    unread: int


@router.get("/notifications", response=list[NotificationOut], summary="My notifications, newest first")
@paginate(PageNumberPagination, page_size=50)
def notification_list(request: HttpRequest, filters: Query[NotificationFilter]):
    person = authz.actor_for(request.user).person
    return selectors.notifications_of(person=person, unread=filters.unread)


@router.post("/notifications/read", response=MarkReadOut, summary="Mark my notifications read")
def notification_mark_read(request: HttpRequest, payload: MarkReadIn):
    person = authz.actor_for(request.user).person
    marked = services.notifications_mark_read(person=person, ids=payload.ids, everything=payload.all)
    return MarkReadOut(marked=marked, unread=selectors.unread_count(person=person))
