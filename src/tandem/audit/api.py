"""Audit trail and data-protection endpoints (HR only). Thin: the page's form validates filters."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from tandem.audit import selectors, services
from tandem.audit.capture import object_types
from tandem.audit.forms import AuditFilterForm
from tandem.audit.views import person_export_response
from tandem.core import authz
from tandem.core.errors import NotFound, ValidationFailed
from tandem.core.schemas import IsoDate

router = Router(tags=["audit"])

#: The audited object types (the registry is filled in AuditConfig.ready, before URLs load).
ObjectType = Literal[("", *object_types())]  # type: ignore[valid-type]

MAX_PAGE = 1_000_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AuditFilters(Schema):
    actor: str = Field("", max_length=150, description="User name (part of it)")
    object_type: ObjectType = Field("", description="app_label.model, e.g. mentorships.mentorship")
    object_id: str = Field("", max_length=64)
    person: str = Field("", max_length=40, description="Employee ID of a person the entries concern")
    action: str = Field("", max_length=40, pattern=r"^[a-z0-9_]*$",
                        description="create, update, delete, m2m_add, m2m_remove, m2m_clear, anonymise, …")
    via: Literal["", "page", "api", "admin", "command", "task"] = ""
    date_from: IsoDate | None = Field(None, description="First day (inclusive), in the caller's time zone")
    date_to: IsoDate | None = Field(None, description="Last day (inclusive); before date_from → no entries")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=200)


class AuditEntryOut(Schema):
    id: int
    at: str
    actor: str
    via: str
    method: str
    path: str
    action: str
    object_type: str
    object_id: str
    label: str
    changes: dict[str, Any]
    person_ids: list[int]
    employee_ids: list[str]


class AuditPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[AuditEntryOut]


class AnonymiseIn(Schema):
    confirm: str = Field(..., max_length=40, description="The person's employee ID, repeated (the one in the path); "
                                                         "anything else is a 400")


class AnonymisedOut(Schema):
    employee_id: str
    full_name: str


def _require_hr(request: HttpRequest) -> authz.Actor:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_view_audit(actor))
    return actor


def _form_errors(form: AuditFilterForm) -> ValidationFailed:
    return ValidationFailed({k: [str(m) for m in v] for k, v in form.errors.items()})


@router.get("/audit", response=AuditPageOut, summary="The audit trail, newest first (HR)")
def audit_list(request: HttpRequest, filters: Query[AuditFilters]):
    _require_hr(request)
    raw = filters.dict()
    form = AuditFilterForm({k: ("" if v is None else v) for k, v in raw.items() if k not in ("page", "page_size")})
    if not form.is_valid():
        raise _form_errors(form)
    qs = selectors.entry_list(**form.filters())
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    entries = list(qs[start:start + filters.page_size]) if start < count else []
    return AuditPageOut(count=count, page=filters.page, page_size=filters.page_size,
                        results=list(selectors.entry_rows(entries)))


def _person(request: HttpRequest, employee_id: str):
    actor = authz.actor_for(request.user)
    authz.require(authz.can_handle_personal_data(actor))
    from tandem.people.selectors import person_get

    if not employee_id or "\x00" in employee_id or len(employee_id) > 40:
        raise NotFound()
    person = person_get(employee_id=employee_id)
    if person is None:
        raise NotFound()
    return person


@router.get("/people/{employee_id}/data-export", summary="Everything Tandem holds on one person (HR)",
            response={200: dict[str, Any]},
            description="JSON by default (sections named `app.model.field`, each a list of rows); "
                        "`format=xlsx` answers a spreadsheet with one sheet per section.",
            openapi_extra={"responses": {200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def person_data_export(request: HttpRequest, employee_id: str, format: Literal["json", "xlsx"] = "json"):
    person = _person(request, employee_id)
    if format == "xlsx":
        return person_export_response(person=person, fmt="xlsx")
    response: HttpResponse = person_export_response(person=person, fmt="json")
    return response


_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


@router.post("/people/{employee_id}/anonymise", response=AnonymisedOut,
             summary="Anonymise a person who has left (HR); aggregates keep counting them",
             # ``confirm`` must repeat the path's employee ID: a rule between two inputs, which a
             # JSON Schema cannot state (issue 13), so the answers say it
             openapi_extra={"responses": {
                 "400": {"description": "`confirm` is not the person's employee ID (code validation_failed, "
                                        "errors.confirm), or characters the server refuses", "content": _ERROR},
                 "409": {"description": "The person has not left yet (code person_active) or is anonymised already "
                                        "(code already_anonymised)", "content": _ERROR}}})
def person_anonymise(request: HttpRequest, employee_id: str, payload: AnonymiseIn):
    person = _person(request, employee_id)
    person = services.person_anonymise(person=person, by=request.user, confirm=payload.confirm)
    return AnonymisedOut(employee_id=person.employee_id, full_name=person.full_name)

