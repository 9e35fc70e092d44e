"""Flow 1 over the API: recommendations, requests and the answers to them."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.matching.flows import choose
from tandem.mentorships.api import MentorshipOut
from tandem.people import selectors as people_selectors
from tandem.programs.api import program_or_404

router = Router(tags=["matching: recommend and choose"])


class RecommendationOut(Schema):
    mentor: str
    name: str
    score: float
    score_out_of: float = Field(description="The best possible score with this program's weights")
    free_slots: int
    reasons: list[str] = Field(description="What fits, strongest first")
    concerns: list[str] = Field(description="What to be aware of (a large time difference, a low rating)")


class RequestIn(Schema):
    mentor: str = Field(..., description="The mentor's employee ID")
    message: str = ""


class KQuery(Schema):
    k: int = Field(3, ge=1, le=choose.MAX_RECOMMENDATIONS)


@router.get("/programs/{program_id}/recommendations", response=list[RecommendationOut],
            summary="My recommended mentors, with reasons (mentees only)")
def recommendations(request: HttpRequest, program_id: int, q: Query[KQuery]):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_get_recommendations(actor, program))
    return [
        RecommendationOut(mentor=r.mentor.employee_id, name=r.mentor.full_name, score=r.score,
                          score_out_of=r.out_of, free_slots=r.free_slots, reasons=r.reasons, concerns=r.concerns)
        for r in choose.recommendations_for(program=program, mentee=actor.person, k=q.k)
    ]


@router.post("/programs/{program_id}/mentorship-requests", response={201: MentorshipOut},
             summary="Request a mentor")
def request_mentor(request: HttpRequest, program_id: int, payload: RequestIn):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_get_recommendations(actor, program))
    mentor = people_selectors.person_get(employee_id=payload.mentor)
    if mentor is None:
        raise NotFound(_("No person with employee ID “%(id)s”.") % {"id": payload.mentor[:40]})
    m = choose.mentorship_request(program=program, mentee=actor.person, mentor=mentor, message=payload.message)
    return Status(201, m)
