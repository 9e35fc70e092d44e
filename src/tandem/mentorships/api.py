"""The mentorship over the API: its status, parties and history, the transitions, the agreement."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from tandem.core import authz
from tandem.core.errors import NotFound, ValidationFailed
from tandem.core.schemas import (
    MULTI_LINE_REFUSED,
    MultiLine,
    SaneDate,
    SaneDateTime,
    not_blank_pattern,
)
from tandem.mentorships import lifecycle, selectors, services
from tandem.mentorships.models import (
    Agreement,
    MeetingFormat,
    MeetingFrequency,
    Mentorship,
    MentorshipStatus,
)
from tandem.people.selectors import person_get
from tandem.programs.api import program_or_404

router = Router(tags=["mentorships"])

StatusName = Literal[tuple(MentorshipStatus.values)]  # type: ignore[valid-type]


class MentorshipOut(Schema):
    id: int
    program_id: int
    mentor: str = Field(..., alias="mentor.employee_id")
    mentee: str = Field(..., alias="mentee.employee_id")
    status: str
    origin: str
    score: float | None
    intro_at: datetime | None
    started_on: date | None = Field(None, description="The day the agreement took effect (or both confirmed, "
                                                      "when the program needs no agreement).")
    ended_on: date | None


class TransitionOut(Schema):
    from_status: str
    to_status: str
    actor: str | None = Field(None, alias="actor.employee_id")
    actor_role: str
    reason: str
    at: datetime


class MentorshipDetailOut(MentorshipOut):
    mentor_name: str = Field(..., alias="mentor.full_name")
    mentee_name: str = Field(..., alias="mentee.full_name")
    next_statuses: list[str]
    history: list[TransitionOut]

    @staticmethod
    def resolve_next_statuses(obj: Mentorship) -> list[str]:
        return lifecycle.next_statuses(obj.status)

    @staticmethod
    def resolve_history(obj: Mentorship) -> list:
        return list(selectors.history(mentorship=obj))


# No edge leads back to "requested": asking for it is always refused, so it is not a value to send.
_TRANSITION_TARGETS = tuple(s for s in MentorshipStatus.values if s != MentorshipStatus.REQUESTED)
# Every edge into these needs a reason (lifecycle.TRANSITIONS: ``reason=True``); the others take one.
_REASON_REQUIRED = tuple(s for s in _TRANSITION_TARGETS
                         if any(e.reason_required for (_frm, to), e in lifecycle.TRANSITIONS.items() if to == s))


class TransitionIn(Schema):
    # The rule the service enforces (services._move), in the document: a reason that is not blank
    # for the moves that require one (issue 13: schemathesis's "valid data rejected").
    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"properties": {"to": {"enum": list(_REASON_REQUIRED)},
                        "reason": {"pattern": not_blank_pattern(MULTI_LINE_REFUSED)}},
         "required": ["to", "reason"]},
        {"properties": {"to": {"enum": [s for s in _TRANSITION_TARGETS if s not in _REASON_REQUIRED]}}},
    ]})

    to: Literal[_TRANSITION_TARGETS]  # type: ignore[valid-type]
    reason: MultiLine = Field("", max_length=500,
                              description="Required (not blank) to move to: " + ", ".join(_REASON_REQUIRED))


class AcceptIn(Schema):
    intro_at: SaneDateTime | None = None


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


class SignatureOut(Schema):
    party: str
    person: str = Field(..., alias="person.employee_id")
    signed_at: datetime


class AgreementOut(Schema):
    version: int
    starts_on: date
    ends_on: date
    meeting_frequency: str
    meeting_minutes: int
    meeting_format: str
    goals: str
    competencies: list[str]
    confidentiality: str
    clauses: str
    parties: list[str] = Field(..., description="Parties who must sign this version")
    signatures: list[SignatureOut]
    fully_signed_at: datetime | None

    @staticmethod
    def resolve_competencies(obj: Agreement) -> list[str]:
        return sorted(c.code for c in obj.competencies.all())

    @staticmethod
    def resolve_signatures(obj: Agreement) -> list:
        return list(obj.signatures.all())


class AgreementIn(Schema):
    starts_on: SaneDate | None = None
    ends_on: SaneDate | None = None
    meeting_frequency: Literal[tuple(MeetingFrequency.values)] | None = None  # type: ignore[valid-type]
    meeting_minutes: int | None = Field(None, ge=15, le=480)
    meeting_format: Literal[tuple(MeetingFormat.values)] | None = None  # type: ignore[valid-type]
    goals: str | None = Field(None, max_length=4000)
    competencies: list[str] | None = Field(None, max_length=50, description="Competency codes")
    confidentiality: str | None = Field(None, max_length=2000)
    clauses: str | None = Field(None, max_length=4000)


class MentorshipPageQuery(Schema):
    status: StatusName | None = None  # type: ignore[valid-type]
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


def _fresh(actor: authz.Actor, m: Mentorship) -> Mentorship:
    return selectors.mentorship_for(actor, m.pk)


@router.get("/mentorships", response=list[MentorshipOut], summary="My mentorships (as mentor or mentee)")
def my_mentorships(request: HttpRequest, q: Query[MentorshipPageQuery]):
    actor = authz.actor_for(request.user)
    if actor.person is None:
        return []
    statuses = (q.status,) if q.status else tuple(MentorshipStatus.values)
    return selectors.mentorships_of(person=actor.person, statuses=statuses)[q.offset:q.offset + q.limit]


@router.get("/programs/{program_id}/mentorships", response=list[MentorshipOut],
            summary="Pairs of a program (the program team: all; participants: their own), paginated")
def program_mentorships(request: HttpRequest, program_id: int, q: Query[MentorshipPageQuery]):
    actor, program = program_or_404(request, program_id)
    sees_all = authz.can_manage_program(actor, program)
    if not sees_all and actor.person is None:
        return []
    qs = selectors.program_mentorships(program=program, person=None if sees_all else actor.person,
                                       status=q.status or "")
    return qs[q.offset:q.offset + q.limit]


@router.get("/mentorships/{mentorship_id}", response=MentorshipDetailOut,
            summary="A mentorship: status, parties, history")
def mentorship_detail(request: HttpRequest, mentorship_id: int):
    actor = authz.actor_for(request.user)
    return selectors.mentorship_for(actor, mentorship_id)


@router.post("/mentorships/{mentorship_id}/transitions", response=MentorshipDetailOut,
             summary="Move a mentorship: accept (intro), decline, cancel, complete, end early (reason required), "
                     "or HR's recorded decision (agreement / active)")
def transition(request: HttpRequest, mentorship_id: int, payload: TransitionIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    services.mentorship_transition(mentorship=m, actor=actor, to=payload.to, reason=payload.reason)
    return _fresh(actor, m)


@router.post("/mentorships/{mentorship_id}/accept", response=MentorshipOut, summary="Mentor accepts a request")
def accept(request: HttpRequest, mentorship_id: int, payload: AcceptIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    return services.mentorship_accept(mentorship=m, actor=actor, intro_at=payload.intro_at)


@router.post("/mentorships/{mentorship_id}/decline", response=MentorshipOut, summary="Mentor declines a request")
def decline(request: HttpRequest, mentorship_id: int, payload: ReasonIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    return services.mentorship_decline(mentorship=m, actor=actor, reason=payload.reason)


@router.post("/mentorships/{mentorship_id}/confirm", response=MentorshipOut,
             summary="Confirm after the introductory meeting (both sides)")
def confirm(request: HttpRequest, mentorship_id: int):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    return services.mentorship_confirm(mentorship=m, actor=actor)


@router.post("/mentorships/{mentorship_id}/withdraw", response=MentorshipOut,
             summary="Withdraw a request, an introductory stage or an unsigned agreement")
def withdraw(request: HttpRequest, mentorship_id: int):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    return services.mentorship_cancel(mentorship=m, actor=actor)


@router.get("/mentorships/{mentorship_id}/agreement", response={200: AgreementOut, 404: dict},
            summary="The agreement's latest version")
def agreement_get(request: HttpRequest, mentorship_id: int):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    a = services.agreement_latest(m)
    if a is None:
        raise NotFound(code="no_agreement")
    return a


@router.put("/mentorships/{mentorship_id}/agreement", response=AgreementOut,
            summary="Edit the agreement (a signed version is never changed: the edit becomes the next version)")
def agreement_put(request: HttpRequest, mentorship_id: int, payload: AgreementIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_edit_agreement)
    return services.agreement_save(mentorship=m, actor=actor, data=payload.model_dump(exclude_none=True))


@router.post("/mentorships/{mentorship_id}/agreement/sign", response=AgreementOut,
             summary="Sign the latest version for every party you hold")
def agreement_sign(request: HttpRequest, mentorship_id: int):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    return services.agreement_sign(mentorship=m, actor=actor)


@router.get("/mentorships/{mentorship_id}/agreement/versions", response=list[AgreementOut],
            summary="Every version of the agreement, newest first")
def agreement_versions(request: HttpRequest, mentorship_id: int):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    return list(selectors.agreement_versions(mentorship=m))


class RematchIn(Schema):
    mentor: str = Field(..., min_length=1, max_length=40, description="The new mentor's employee ID.")
    reason: str = Field("", max_length=400, description="Kept in the history of both pairs.")


@router.post("/mentorships/{mentorship_id}/rematch", response={201: MentorshipDetailOut},
             summary="The program team pairs the mentee with another mentor: the current pair, if open, is "
                     "cancelled (not started) or ends early (active); the new pair starts at the introductory meeting")
def rematch(request: HttpRequest, mentorship_id: int, payload: RematchIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_rematch)
    mentor = person_get(employee_id=payload.mentor)
    if mentor is None:
        raise ValidationFailed({"mentor": [_("No one has the employee ID “%(id)s”.") % {"id": payload.mentor}]})
    new = services.mentorship_rematch(mentorship=m, mentor=mentor, actor=actor, reason=payload.reason)
    return Status(201, _fresh(actor, new))
