"""Flow 1 over the API: recommendations, requests and the answers to them."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.matching.flows import choose
from tandem.mentorships.models import Mentorship
from tandem.people.models import Person
from tandem.programs.api import program_or_404

router = Router(tags=["matching: recommend and choose"])


class RecommendationOut(Schema):
    mentor: str
    name: str
    score: float
    free_slots: int
    reasons: list[str]


class RequestIn(Schema):
    mentor: str = Field(..., description="The mentor's employee ID")
    message: str = ""


class AcceptIn(Schema):
    intro_at: datetime | None = None


class DeclineIn(Schema):
    reason: str = ""


class MentorshipOut(Schema):
    id: int
    program_id: int
    mentor: str = Field(..., alias="mentor.employee_id")
    mentee: str = Field(..., alias="mentee.employee_id")
    status: str
    origin: str
    score: float | None
    intro_at: datetime | None
    started_on: date | None


class KQuery(Schema):
    k: int = Field(3, ge=1, le=choose.MAX_RECOMMENDATIONS)


@router.get("/programs/{program_id}/recommendations", response=list[RecommendationOut],
            summary="My recommended mentors, with reasons (mentees only)")
def recommendations(request: HttpRequest, program_id: int, q: Query[KQuery]):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_get_recommendations(actor, program))
    return [
        RecommendationOut(mentor=r.mentor.employee_id, name=r.mentor.full_name, score=r.score,
                          free_slots=r.free_slots, reasons=r.reasons)
        for r in choose.recommendations_for(program=program, mentee=actor.person, k=q.k)
    ]


@router.post("/programs/{program_id}/mentorship-requests", response={201: MentorshipOut},
             summary="Request a mentor")
def request_mentor(request: HttpRequest, program_id: int, payload: RequestIn):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_get_recommendations(actor, program))
    mentor = Person.objects.filter(employee_id=payload.mentor).first()
    if mentor is None:
        raise NotFound(f"No person with employee ID {payload.mentor!r}.")
    m = choose.mentorship_request(program=program, mentee=actor.person, mentor=mentor, message=payload.message)
    return Status(201, m)


@router.get("/programs/{program_id}/mentorships", response=list[MentorshipOut],
            summary="Pairs of a program (managers: all; participants: their own)")
def program_mentorships(request: HttpRequest, program_id: int, status: str = ""):
    actor, program = program_or_404(request, program_id)
    sees_all = authz.can_manage_program(actor, program)
    return choose.program_mentorships(program=program, person=None if sees_all else actor.person, status=status)


def _mine(request: HttpRequest, mentorship_id: int) -> tuple[authz.Actor, Mentorship]:
    actor = authz.actor_for(request.user)
    m = Mentorship.objects.select_related("mentor", "mentee").filter(pk=mentorship_id).first()
    if m is None or not authz.can_act_on_mentorship(actor, m):
        raise NotFound()
    return actor, m


@router.post("/mentorships/{mentorship_id}/accept", response=MentorshipOut, summary="Mentor accepts a request")
def accept(request: HttpRequest, mentorship_id: int, payload: AcceptIn):
    actor, m = _mine(request, mentorship_id)
    authz.require(authz.can_answer_request(actor, m))
    return choose.mentorship_accept(mentorship=m, mentor=actor.person, intro_at=payload.intro_at)


@router.post("/mentorships/{mentorship_id}/decline", response=MentorshipOut, summary="Mentor declines a request")
def decline(request: HttpRequest, mentorship_id: int, payload: DeclineIn):
    actor, m = _mine(request, mentorship_id)
    authz.require(authz.can_answer_request(actor, m))
    return choose.mentorship_decline(mentorship=m, mentor=actor.person, reason=payload.reason)


@router.post("/mentorships/{mentorship_id}/confirm", response=MentorshipOut,
             summary="Confirm after the introductory meeting (both sides)")
def confirm(request: HttpRequest, mentorship_id: int):
    actor, m = _mine(request, mentorship_id)
    return choose.mentorship_confirm(mentorship=m, person=actor.person)


@router.post("/mentorships/{mentorship_id}/withdraw", response=MentorshipOut,
             summary="Withdraw a request or an introductory stage")
def withdraw(request: HttpRequest, mentorship_id: int):
    actor, m = _mine(request, mentorship_id)
    return choose.mentorship_withdraw(mentorship=m, person=actor.person)
