"""The competency-review API (mounted in ``config/api.py``): a program's campaigns and its
before/after aggregate, opening a campaign, one review with its raters and answers, a rater's
submission, adding a peer, a person's before/after change.

Refusals carry their own codes (``assessments/review_errors.py``): ``review_not_your_assignment`` /
``review_rater_not_related`` (403), ``review_already_submitted``, ``review_not_open_yet``,
``review_closed``, ``review_no_subjects``, ``review_baseline_exists``, ``review_already_rater`` (409);
bad values ``validation_failed`` (422) with the fields named.
"""


from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.assessments import review_selectors as sel
from tandem.assessments import review_services as services
from tandem.assessments.review_models import ReviewKind
from tandem.core import authz
from tandem.core.errors import NotFound, ValidationFailed
from tandem.core.schemas import (
    DbId,
    MultiLine,
    PageNumberPagination,
    QueryBool,
    SaneDate,
    StrictInt,
)
from tandem.mentorships.selectors import mentorship_for
from tandem.people.models import Person
from tandem.people.selectors import person_get
from tandem.programs.selectors import program_get

router = Router(tags=["assessments"])


def _actor(request: HttpRequest) -> authz.Actor:
    return authz.actor_for(request.user)


def _program(actor: authz.Actor, program_id: int):
    program = program_get(program_id=program_id)
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound()
    return program


class ReviewPersonRef(Schema):
    id: int
    employee_id: str
    full_name: str


def _ref(p: Person) -> dict:
    return {"id": p.pk, "employee_id": p.employee_id, "full_name": p.full_name}


class CampaignOut(Schema):
    id: int
    program_id: int
    kind: str
    milestone_id: int | None
    opens_on: date
    closes_on: date
    reviews: int = Field(..., description="People reviewed")
    asked: int = Field(..., description="Rater assignments")
    answered: int = Field(..., description="Assignments submitted")


def _campaign(c) -> dict:
    return {"id": c.pk, "program_id": c.program_id, "kind": c.kind, "milestone_id": c.milestone_id,
            "opens_on": c.opens_on, "closes_on": c.closes_on, "reviews": getattr(c, "n_reviews", 0),
            "asked": getattr(c, "n_asked", 0), "answered": getattr(c, "n_answered", 0)}


@router.get("/programs/{program_id}/reviews", response=list[CampaignOut],
            summary="A program's review campaigns (program team)")
@paginate(PageNumberPagination, page_size=50)
def campaign_list(request: HttpRequest, program_id: DbId):
    actor = _actor(request)
    program = _program(actor, program_id)
    authz.require(authz.can_open_reviews(actor, program))
    return [_campaign(c) for c in sel.campaigns_of(program=program)]


class CampaignIn(Schema):
    # the kinds in the document (issue 13); campaign_open stays the judge, with its message
    kind: str = Field(..., description="baseline, follow_up or final", json_schema_extra={"enum": list(ReviewKind.values)})
    opens_on: SaneDate
    closes_on: SaneDate


@router.post("/programs/{program_id}/reviews", response={201: CampaignOut},
             summary="Open a review campaign for the program's mentees (program team)")
def campaign_open(request: HttpRequest, program_id: DbId, payload: CampaignIn):
    actor = _actor(request)
    program = _program(actor, program_id)
    if payload.kind not in ReviewKind.values:
        raise ValidationFailed({"kind": [_("Choose baseline, follow-up or final.")]})
    c = services.review_campaign_open(program=program, actor=actor, kind=payload.kind, opens_on=payload.opens_on,
                                      closes_on=payload.closes_on)
    return Status(201, _campaign(sel.campaigns_of(program=program).get(pk=c.pk)))


class RaterStatusOut(Schema):
    id: int
    role: str
    rater: ReviewPersonRef
    submitted_at: datetime | None


class ReviewRowOut(Schema):
    id: int
    subject: ReviewPersonRef
    raters: list[RaterStatusOut]


@router.get("/review-campaigns/{campaign_id}/reviews", response=list[ReviewRowOut],
            summary="A campaign's people reviewed and who has answered (program team)")
@paginate(PageNumberPagination, page_size=50)
def campaign_reviews(request: HttpRequest, campaign_id: DbId):
    actor = _actor(request)
    campaign = sel.campaign_for(actor, campaign_id)
    return [{"id": r.pk, "subject": _ref(r.subject),
             "raters": [{"id": a.pk, "role": a.role, "rater": _ref(a.rater), "submitted_at": a.submitted_at}
                        for a in r.assignments.all()]}
            for r in sel.reviews_of(campaign=campaign)]


class AnswerOut(Schema):
    competency: str
    level: int
    note: str


class AssignmentOut(Schema):
    id: int
    role: str
    rater: ReviewPersonRef
    submitted_at: datetime | None
    answers: list[AnswerOut] | None = Field(None, description="Shown to the subject's ratings audience and "
                                                               "to the rater for their own")


class ReviewOut(Schema):
    id: int
    campaign: CampaignOut
    subject: ReviewPersonRef
    competencies: list[str]
    assignments: list[AssignmentOut]


@router.get("/reviews/{review_id}", response=ReviewOut, summary="One person's review: raters, status, answers")
def review_get(request: HttpRequest, review_id: DbId):
    actor = _actor(request)
    review = sel.review_detail(review=sel.review_for(actor, review_id))
    all_answers = sel.can_read_answers(actor, review)
    me = actor.person.pk if actor.person is not None else None
    out = []
    for a in review.assignments.all():
        shown = all_answers or a.rater_id == me
        out.append({"id": a.pk, "role": a.role, "rater": _ref(a.rater), "submitted_at": a.submitted_at,
                    "answers": [{"competency": x.competency.code, "level": x.level, "note": x.note}
                                for x in a.answers.all()] if shown else None})
    return {"id": review.pk, "campaign": _campaign(review.campaign), "subject": _ref(review.subject),
            "competencies": [c.code for c in review.competencies.all()], "assignments": out}


class AnswerIn(Schema):
    competency_id: DbId
    level: StrictInt = Field(..., ge=1, le=5)
    note: MultiLine = Field("", max_length=services.NOTE_LIMIT)


class AnswersIn(Schema):
    answers: list[AnswerIn] = Field(..., min_length=1, max_length=200)


class SubmittedOut(Schema):
    assignment_id: int
    submitted_at: datetime
    ratings_written: int


@router.post("/review-assignments/{assignment_id}/answers", response={201: SubmittedOut},
             summary="Submit my ratings for a review (once, while it is open)")
def assignment_submit(request: HttpRequest, assignment_id: DbId, payload: AnswersIn):
    actor = _actor(request)
    a = sel.assignment_for(actor, assignment_id)
    a = services.review_submit(assignment=a, actor=actor, answers=[x.dict() for x in payload.answers])
    written = sum(1 for x in a.answers.all() if x.rating_id)
    return Status(201, {"assignment_id": a.pk, "submitted_at": a.submitted_at, "ratings_written": written})


class MyAssignmentOut(Schema):
    id: int
    review_id: int
    role: str
    subject: ReviewPersonRef
    program_id: int
    opens_on: date
    closes_on: date
    submitted_at: datetime | None


@router.get("/me/review-assignments", response=list[MyAssignmentOut], summary="Reviews I am asked to rate")
@paginate(PageNumberPagination, page_size=50)
def my_assignments(request: HttpRequest, pending: QueryBool = False):
    actor = _actor(request)
    authz.require(actor.is_authenticated)
    return [{"id": a.pk, "review_id": a.review_id, "role": a.role, "subject": _ref(a.review.subject),
             "program_id": a.review.campaign.program_id, "opens_on": a.review.campaign.opens_on,
             "closes_on": a.review.campaign.closes_on, "submitted_at": a.submitted_at}
            for a in sel.assignments_of(person=actor.person, pending=pending or None)]


class PeerIn(Schema):
    employee_id: str = Field(..., min_length=1, max_length=40)


@router.post("/reviews/{review_id}/peers", response={201: AssignmentOut},
             summary="Ask a peer to rate this review's subject (program team)")
def peer_add(request: HttpRequest, review_id: DbId, payload: PeerIn):
    actor = _actor(request)
    review = sel.review_for(actor, review_id)
    peer = person_get(employee_id=payload.employee_id)
    if peer is None:
        raise ValidationFailed({"employee_id": [_("No person with this employee ID.")]})
    a = services.review_peer_add(review=review, actor=actor, peer=peer)
    return Status(201, {"id": a.pk, "role": a.role, "rater": _ref(peer), "submitted_at": None, "answers": None})


# -- before / after --------------------------------------------------------------------------


class PointOut(Schema):
    level: int
    on: date
    source: str
    rated_by_id: int | None


class SideOut(Schema):
    before: PointOut | None
    after: PointOut | None
    change: int | None
    n: int = Field(..., description="Ratings of this side in the window")


class ChangeRowOut(Schema):
    competency: str
    name: str
    target: int | None
    self_assessed: SideOut
    rated: SideOut = Field(..., description="Mentor, manager or assessment ratings")


class ChangeOut(Schema):
    employee_id: str
    start: date
    end: date
    program_id: int | None
    competencies: list[ChangeRowOut]


class ChangeQuery(Schema):
    program_id: DbId | None = None
    start: SaneDate | None = None
    end: SaneDate | None = None


def _side(s) -> dict:
    pt = (lambda p: None if p is None else {"level": p.level, "on": p.on, "source": p.source,
                                            "rated_by_id": p.rated_by_id})
    return {"before": pt(s.before), "after": pt(s.after) if s.n >= 2 else None, "change": s.change, "n": s.n}


@router.get("/people/{employee_id}/competency-change", response=ChangeOut,
            summary="Before / after per competency: first and latest self and rated level, with dates and sources")
def competency_change(request: HttpRequest, employee_id: str, q: Query[ChangeQuery]):
    actor = _actor(request)
    person = person_get(employee_id=employee_id[:40])
    if person is None:
        raise NotFound()
    authz.require(authz.can_view_review(actor, person))
    program = None
    if q.program_id is not None:
        program = program_get(program_id=q.program_id)  # only its dates are used: the person's audience decides
        if program is None:
            raise NotFound()
    if q.start and q.end and q.end < q.start:
        raise ValidationFailed({"end": [_("The end must be on or after the start.")]})
    start, end, rows = sel.competency_change(person=person, start=q.start, end=q.end, program=program)
    return {"employee_id": person.employee_id, "start": start, "end": end,
            "program_id": program.pk if program else None,
            "competencies": [_row(r) for r in rows]}


def _row(r) -> dict:
    return {"competency": r.competency.code, "name": str(r.competency), "target": r.target,
            "self_assessed": _side(r.self_), "rated": _side(r.rated)}


class PairChangeOut(Schema):
    mentorship_id: int
    mentee: ReviewPersonRef
    start: date
    end: date
    competencies: list[ChangeRowOut]


@router.get("/mentorships/{mentorship_id}/competency-change", response=PairChangeOut,
            summary="A pair's before / after: the mentee's change over the mentorship")
def pair_change(request: HttpRequest, mentorship_id: DbId):
    actor = _actor(request)
    m = mentorship_for(actor, mentorship_id)
    authz.require(authz.can_view_review(actor, m.mentee))
    start, end, rows = sel.competency_change(person=m.mentee, mentorship=m)
    return {"mentorship_id": m.pk, "mentee": _ref(m.mentee), "start": start, "end": end,
            "competencies": [_row(r) for r in rows]}


class AggregateRowOut(Schema):
    competency: str
    name: str
    self_n: int
    self_before: float | None
    self_after: float | None
    self_change: float | None
    rated_n: int
    rated_before: float | None
    rated_after: float | None
    rated_change: float | None


class AggregateOut(Schema):
    program_id: int
    start: date
    end: date
    people: int = Field(..., description="Mentees of the program")
    competencies: list[AggregateRowOut]


@router.get("/programs/{program_id}/competency-change", response=AggregateOut,
            summary="The program's before / after per competency, with n (program team)")
def program_change(request: HttpRequest, program_id: DbId):
    actor = _actor(request)
    program = _program(actor, program_id)
    authz.require(authz.can_open_reviews(actor, program))
    res = sel.program_change(program=program)
    return {"program_id": program.pk, "start": res["start"], "end": res["end"], "people": res["people"],
            "competencies": [{"competency": r.competency.code, "name": str(r.competency), "self_n": r.self_n,
                              "self_before": r.self_before, "self_after": r.self_after,
                              "self_change": r.self_change, "rated_n": r.rated_n, "rated_before": r.rated_before,
                              "rated_after": r.rated_after, "rated_change": r.rated_change}
                             for r in res["rows"]]}
