"""Blind mutual-selection rounds: create, rank, publish, results (each caller sees only their own)."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from tandem.core import authz
from tandem.core.errors import Forbidden, NotFound, ValidationFailed
from tandem.core.schemas import DB_SMALLINT_MAX, SaneDateTime, SingleLine, StrictInt
from tandem.matching.api._paging import PageQuery
from tandem.matching.flows import rounds as flow
from tandem.matching.models import RoundPublication, SelectionRound
from tandem.people.models import Department, Person
from tandem.programs.api import program_or_404

router = Router(tags=["matching: rounds"])


class SeatIn(Schema):
    department: str = Field(..., description="department code")
    seats: StrictInt = Field(..., ge=1, le=DB_SMALLINT_MAX)


class RoundIn(Schema):
    name: SingleLine
    deadline: SaneDateTime = Field(..., description="ISO 8601 with a time zone")
    seats: list[SeatIn]


class SeatOut(Schema):
    department: str = Field(..., alias="department.code")
    department_name: str = Field(..., alias="department.name")
    seats: int
    pitch: str


class PublicationOut(Schema):
    id: int
    round: int = Field(..., alias="round_id")
    status: str = Field(..., description="queued or running (poll it), done (the round is published) or failed")
    progress: int = Field(..., ge=0, le=100, description="percent computed")
    stage: str = Field(..., description="loading, solving, checking, saving; empty when not running")
    error: str = Field(..., description="why it failed (the round stays open), else empty")
    force: bool
    created_at: datetime
    finished_at: datetime | None = None


class RoundOut(Schema):
    id: int
    program: int = Field(..., alias="program_id")
    name: str
    deadline: datetime
    status: str
    published_at: datetime | None = None
    seats: list[SeatOut]
    publication: PublicationOut | None = Field(
        None, description="the close-and-publish being computed, or the last one if it failed (program manager)")


class ApplicantRankingIn(Schema):
    departments: list[str] = Field(..., description="department codes, first choice first")


class DepartmentRankingIn(Schema):
    applicants: list[str] = Field(..., description="employee IDs, most wanted first")


class RankingOut(Schema):
    ranked: list[str]


class PublishIn(Schema):
    force: bool = Field(False, description="close before the deadline")


class PlacementOut(Schema):
    applicant: str
    applicant_name: str
    department: str | None = None
    department_name: str | None = None
    applicant_rank: int | None = Field(None, description="which choice it was for the graduate")
    department_rank: int | None = Field(None, description="the department's rank of the graduate")


class ExplanationOut(Schema):
    applicant: str
    sentences: list[str]
    stable: bool


def _round_or_404(request: HttpRequest, round_id: int) -> tuple[authz.Actor, SelectionRound]:
    actor = authz.actor_for(request.user)
    selection_round = flow.round_get(round_id=round_id)
    if not authz.can_view_round(actor, selection_round):
        raise NotFound()
    return actor, selection_round


def _round_out(selection_round: SelectionRound, publication: RoundPublication | None = None) -> dict:
    return {
        "publication": publication,
        "id": selection_round.pk,
        "program_id": selection_round.program_id,
        "name": selection_round.name,
        "deadline": selection_round.deadline,
        "status": selection_round.status,
        "published_at": selection_round.published_at,
        "seats": list(flow.round_seats(round=selection_round)),
    }


def _placement_out(p, *, with_department_rank: bool = True, with_applicant_rank: bool = True) -> dict:
    return {
        "applicant": p.applicant.employee_id,
        "applicant_name": p.applicant.full_name,
        "department": p.department.code if p.department else None,
        "department_name": p.department.name if p.department else None,
        "applicant_rank": p.applicant_rank if with_applicant_rank else None,
        "department_rank": p.department_rank if with_department_rank else None,
    }


@router.post("/programs/{program_id}/rounds", response={201: RoundOut}, summary="Open a selection round (program manager)")
def round_create(request: HttpRequest, program_id: int, payload: RoundIn):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    codes = [s.department for s in payload.seats]
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in departments]
    if unknown:
        raise ValidationFailed({"seats": [f"Unknown department: {', '.join(unknown)}."]})
    if len(set(codes)) != len(codes):
        raise ValidationFailed({"seats": ["Each department may appear only once."]})
    selection_round = flow.round_create(
        program=program, name=payload.name, deadline=payload.deadline, user=request.user,
        seats=[(departments[s.department], s.seats) for s in payload.seats],
    )
    return Status(201, _round_out(selection_round))


@router.get("/rounds/{round_id}", response=RoundOut, summary="A selection round with its departments and places")
def round_detail(request: HttpRequest, round_id: int):
    actor, selection_round = _round_or_404(request, round_id)
    publication = (flow.active_publication(round=selection_round)
                   if authz.can_manage_round(actor, selection_round) else None)
    return _round_out(selection_round, publication)


@router.put("/rounds/{round_id}/my-ranking", response=RankingOut, summary="Replace my ranking of departments (graduate)")
def applicant_ranking_put(request: HttpRequest, round_id: int, payload: ApplicantRankingIn):
    actor, selection_round = _round_or_404(request, round_id)
    authz.require(authz.can_rank_as_applicant(actor, selection_round))
    seats = {s.department.code: s.department for s in flow.round_seats(round=selection_round)}
    unknown = [c for c in payload.departments if c not in seats]
    if unknown:
        raise ValidationFailed({"departments": [f"Not taking part in this round: {', '.join(unknown)}."]})
    flow.applicant_ranking_save(round=selection_round, applicant=actor.person,
                                departments=[seats[c] for c in payload.departments])
    return {"ranked": payload.departments}


@router.get("/rounds/{round_id}/my-ranking", response=RankingOut, summary="My ranking of departments (graduate)")
def applicant_ranking_get(request: HttpRequest, round_id: int):
    actor, selection_round = _round_or_404(request, round_id)
    authz.require(authz.can_rank_as_applicant(actor, selection_round))
    choices = flow.applicant_ranking(round=selection_round, applicant=actor.person)
    return {"ranked": [c.department.code for c in choices]}


@router.put("/rounds/{round_id}/departments/{code}/ranking", response=RankingOut,
            summary="Replace the department's ranking of graduates (its head)")
def department_ranking_put(request: HttpRequest, round_id: int, code: str, payload: DepartmentRankingIn):
    actor, selection_round = _round_or_404(request, round_id)
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound()
    authz.require(authz.can_rank_for_department(actor, department))
    people = {p.employee_id: p for p in Person.objects.filter(employee_id__in=payload.applicants)}
    unknown = [e for e in payload.applicants if e not in people]
    if unknown:
        raise ValidationFailed({"applicants": [f"Unknown employee ID: {', '.join(unknown)}."]})
    flow.department_ranking_save(round=selection_round, department=department,
                                 applicants=[people[e] for e in payload.applicants])
    return {"ranked": payload.applicants}


@router.get("/rounds/{round_id}/departments/{code}/ranking", response=RankingOut,
            summary="The department's ranking of graduates (its head)")
def department_ranking_get(request: HttpRequest, round_id: int, code: str):
    actor, selection_round = _round_or_404(request, round_id)
    seat = flow.round_seat_get(round=selection_round, department_code=code)
    authz.require(authz.can_rank_for_department(actor, seat.department))
    choices = flow.department_ranking(round=selection_round, department=seat.department)
    return {"ranked": [c.applicant.employee_id for c in choices]}


@router.post(
    "/rounds/{round_id}/close-and-publish", response={202: RoundOut, 200: RoundOut},
    summary="Close the round and publish its placements, computed in the background (program manager)",
    description="202: the publication is queued; rankings are frozen from now on. 200: one is already queued or "
                "running and is returned. The `Location` header is the publication's URL: poll it until `status` "
                "is `done` (the round is published) or `failed` (`error` says why; the round stays open). "
                "409 before the deadline without `force`, or once published.",
)
def round_publish(request: HttpRequest, response: HttpResponse, round_id: int, payload: PublishIn | None = None):
    actor, selection_round = _round_or_404(request, round_id)
    authz.require(authz.can_manage_round(actor, selection_round))
    publication, created = flow.round_publish_request(round=selection_round, user=request.user,
                                                      force=bool(payload and payload.force))
    publication.refresh_from_db()  # an immediate task backend has already computed it
    selection_round.refresh_from_db()
    response["Location"] = f"/api/rounds/{selection_round.pk}/publications/{publication.pk}"
    return Status(202 if created else 200, _round_out(selection_round, publication))


@router.get("/rounds/{round_id}/publications/{publication_id}", response=PublicationOut,
            summary="A close-and-publish of the round: its state and progress (program manager)")
def round_publication(request: HttpRequest, round_id: int, publication_id: int):
    actor, selection_round = _round_or_404(request, round_id)
    authz.require(authz.can_manage_round(actor, selection_round))
    return flow.publication_get(round=selection_round, publication_id=publication_id)


@router.get("/rounds/{round_id}/results", response=list[PlacementOut],
            summary="Published placements: all for the manager, own for a graduate, own department's for a head; "
                    "paginated (limit/offset)")
def round_results(request: HttpRequest, round_id: int, q: Query[PageQuery]):
    actor, selection_round = _round_or_404(request, round_id)
    if authz.can_manage_round(actor, selection_round):
        if selection_round.status != "published":
            return []
        return [_placement_out(p) for p in flow.round_results(round=selection_round)[q.offset:q.offset + q.limit]]
    out = []
    if authz.can_rank_as_applicant(actor, selection_round):
        mine = flow.applicant_result(round=selection_round, applicant=actor.person)
        if mine is not None:
            out.append(_placement_out(mine, with_department_rank=False))
    for seat in flow.round_seats(round=selection_round):
        if authz.can_rank_for_department(actor, seat.department):
            out += [_placement_out(p, with_applicant_rank=False)
                    for p in flow.department_result(round=selection_round, department=seat.department)]
    return out[q.offset:q.offset + q.limit]


@router.get("/rounds/{round_id}/results/{employee_id}/explanation", response=ExplanationOut,
            summary="Why one graduate was placed as they were (program manager)")
def round_explanation(request: HttpRequest, round_id: int, employee_id: str):
    actor, selection_round = _round_or_404(request, round_id)
    if not authz.can_manage_round(actor, selection_round):
        raise Forbidden()
    person = Person.objects.filter(employee_id=employee_id).first()
    if person is None:
        raise NotFound()
    return {
        "applicant": employee_id,
        "sentences": flow.placement_explanation(round=selection_round, applicant=person),
        "stable": not flow.round_blocking_pairs(round=selection_round),
    }
