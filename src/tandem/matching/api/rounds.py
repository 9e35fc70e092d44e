"""Blind mutual-selection rounds: create, rank, publish, results (each caller sees only their own)."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Strict

from tandem.core import authz
from tandem.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tandem.core.schemas import (
    DB_SMALLINT_MAX,
    SINGLE_LINE_REFUSED,
    SaneDateTime,
    SingleLine,
    StrictBool,
    StrictInt,
    not_blank_pattern,
    single_line_matching,
)
from tandem.matching import selectors
from tandem.matching.api._paging import PageQuery
from tandem.matching.flows import rounds as flow
from tandem.matching.models import RoundPublication, SelectionRound
from tandem.people import selectors as people_selectors
from tandem.people.models import Person
from tandem.programs.api import program_or_404

router = Router(tags=["matching: rounds"])


class SeatIn(Schema):
    department: str = Field(..., description="department code")
    seats: StrictInt = Field(..., ge=1, le=DB_SMALLINT_MAX)


class RoundIn(Schema):
    # flow.round_create strips and requires it ("Give the round a name."): the pattern is the rule,
    # in the document and in validation (issue 13)
    name: single_line_matching(not_blank_pattern(SINGLE_LINE_REFUSED))  # type: ignore[valid-type]
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
    follows: int | None = Field(None, alias="follows_id",
                                description="a second round: the round whose unplaced graduates take part")
    publication: PublicationOut | None = Field(
        None, description="the close-and-publish being computed, or the last one if it failed (program manager)")


def _list_or_ranks(ordered: str) -> ConfigDict:
    """The rule ``_ordered_codes`` enforces, in the document: the ordered list or the ranks, one of
    them (issue 13: both, or neither, was valid by it and a 400)."""
    return ConfigDict(json_schema_extra={"oneOf": [
        {"required": [ordered], "properties": {ordered: {"type": "array"}, "ranks": {"type": "null"}}},
        {"required": ["ranks"], "properties": {"ranks": {"type": "object", **_RANK_KEYS}, ordered: {"type": "null"}}},
    ]})


# A blank code or employee ID is nobody's (issue 13: ``{"ranks": {"": 2}}`` was valid by the document)
# (the service stays the judge: unknown ones are its 400)
RankedId = Annotated[str, Field(json_schema_extra={"pattern": not_blank_pattern()})]
_RANK_KEYS = {"propertyNames": {"pattern": not_blank_pattern()}}


# A rank is 1 or more, in the document (its upper bound is the round's number of departments or
# graduates); flow.ranking_from_ranks stays the judge, with its message. A list names each once
# (flow._no_duplicates).
Rank = Annotated[int, Strict(), Field(json_schema_extra={"minimum": 1})]


class ApplicantRankingIn(Schema):
    model_config = _list_or_ranks("departments")

    departments: list[RankedId] | None = Field(None, description="department codes, first choice first",
                                               json_schema_extra={"uniqueItems": True})
    ranks: dict[str, Rank] | None = Field(
        None, description="instead of `departments`: department code → rank (1 = first choice, at most the number "
                          "of departments taking part); a rank out of range is refused (400), never renumbered")


class DepartmentRankingIn(Schema):
    model_config = _list_or_ranks("applicants")

    applicants: list[RankedId] | None = Field(None, description="employee IDs, most wanted first",
                                              json_schema_extra={"uniqueItems": True})
    ranks: dict[str, Rank] | None = Field(
        None, description="instead of `applicants`: employee ID → rank (1 = most wanted, at most the number of "
                          "graduates in the round); a rank out of range is refused (400), never renumbered")


class RankingOut(Schema):
    ranked: list[str]


class PublishIn(Schema):
    force: StrictBool = Field(False, description="close before the deadline")


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


def _ordered_codes(ordered: list[str] | None, ranks: dict[str, int] | None, *, limit: int, field: str) -> list[str]:
    """The ranking as a list, from either the ordered list or the ``{code: rank}`` form (one of them)."""
    if (ordered is None) == (ranks is None):
        raise ValidationFailed({field: [_("Send either the ordered list or the ranks, not both.")
                                        if ordered is not None else _("Send the ranking.")]})
    if ranks is not None:
        return flow.ranking_from_ranks(ranks, limit=limit, field=field)
    return list(ordered or [])


def _round_out(selection_round: SelectionRound, publication: RoundPublication | None = None) -> dict:
    return {
        "publication": publication,
        "id": selection_round.pk,
        "program_id": selection_round.program_id,
        "name": selection_round.name,
        "deadline": selection_round.deadline,
        "status": selection_round.status,
        "published_at": selection_round.published_at,
        "follows_id": selection_round.follows_id,
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
    departments = people_selectors.departments_by_code(codes=codes)
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
    codes = _ordered_codes(payload.departments, payload.ranks, limit=len(seats), field="departments")
    unknown = [c for c in codes if c not in seats]
    if unknown:
        raise ValidationFailed({"departments": [
            _("Not taking part in this round: %(names)s.") % {"names": ", ".join(unknown[:20])}]})
    flow.applicant_ranking_save(round=selection_round, applicant=actor.person, departments=[seats[c] for c in codes])
    return {"ranked": codes}


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
    department = people_selectors.department_by_code(code=code)
    if department is None:
        raise NotFound()
    authz.require(authz.can_rank_for_department(actor, department))
    total = flow.round_graduates(round=selection_round).count()
    ids = _ordered_codes(payload.applicants, payload.ranks, limit=max(total, 1), field="applicants")
    people = selectors.people_by_employee_id(ids)
    unknown = [e for e in ids if e not in people]
    if unknown:
        raise ValidationFailed({"applicants": [
            _("Unknown employee ID: %(ids)s.") % {"ids": ", ".join(unknown[:20])}]})
    flow.department_ranking_save(round=selection_round, department=department, applicants=[people[e] for e in ids])
    return {"ranked": ids}


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
            summary="Why one graduate was placed as they were (program manager)",
            openapi_extra={"responses": {"409": {  # a read that can conflict: the results are not out yet
                "description": "The results are not published yet (code not_published)",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}})
def round_explanation(request: HttpRequest, round_id: int, employee_id: str):
    actor, selection_round = _round_or_404(request, round_id)
    if not authz.can_manage_round(actor, selection_round):
        raise Forbidden()
    person = selectors.person_by_employee_id(employee_id)
    if person is None:
        raise NotFound()
    return {
        "applicant": employee_id,
        "sentences": flow.placement_explanation(round=selection_round, applicant=person),
        "stable": not flow.round_blocking_pairs(round=selection_round),
    }


# -- before publishing: who has not ranked, nudges, what publishing would do ------------------------


class PersonRefOut(Schema):
    employee_id: str
    full_name: str
    department: str | None = Field(None, description="the person's own department code (tells namesakes apart)")
    department_name: str | None = None


class SeatRefOut(Schema):
    department: str
    department_name: str
    head: PersonRefOut | None = None


class NotRankedOut(Schema):
    graduates_count: int = Field(..., description="graduates with no ranking (all pages)")
    graduates: list[PersonRefOut] = Field(..., description="this page of them (limit/offset)")
    departments: list[SeatRefOut] = Field(..., description="departments taking part with no ranking")


class NudgeOut(Schema):
    sent: int = Field(..., description="reminded now")
    already: int = Field(..., description="already nudged today (a nudge reaches each person once a day)")
    not_wanted: int = Field(..., description="turned these reminders off")
    recipients: int = Field(..., description="everyone who has not ranked (graduates and department heads)")


class ForecastDepartmentOut(Schema):
    department: str
    department_name: str
    places: int
    filled: int


class ForecastOut(Schema):
    graduates: int
    placed: int
    unplaced_graduates: int
    places: int
    unfilled_places: int
    departments: list[ForecastDepartmentOut]


class ManualPlacementIn(Schema):
    department: str = Field(..., max_length=40, description="department code, with a free place in the round")


class SecondRoundIn(Schema):
    name: SingleLine
    deadline: SaneDateTime = Field(..., description="ISO 8601 with a time zone")


def _person_ref(p: Person) -> dict:
    return {"employee_id": p.employee_id, "full_name": p.full_name,
            "department": p.department.code if p.department_id else None,
            "department_name": p.department.name if p.department_id else None}


def _managed_round(request: HttpRequest, round_id: int) -> SelectionRound:
    actor, selection_round = _round_or_404(request, round_id)
    authz.require(authz.can_manage_round(actor, selection_round))
    return selection_round


@router.get("/rounds/{round_id}/not-ranked", response=NotRankedOut,
            summary="Who has not ranked yet: graduates (paginated, limit/offset) and departments (program manager)")
def round_not_ranked(request: HttpRequest, round_id: int, q: Query[PageQuery]):
    selection_round = _managed_round(request, round_id)
    graduates = flow.graduates_not_ranked(round=selection_round)
    return {
        "graduates_count": graduates.count(),
        "graduates": [_person_ref(p) for p in graduates[q.offset:q.offset + q.limit]],
        "departments": [{"department": s.department.code, "department_name": s.department.name,
                         "head": _person_ref(s.department.head) if s.department.head_id else None}
                        for s in flow.seats_not_ranked(round=selection_round)],
    }


@router.post("/rounds/{round_id}/nudge", response=NudgeOut,
             summary="Remind everyone who has not ranked yet, once a day per person (program manager)",
             description="409 once the round is closing or published, or past its deadline.")
def round_nudge(request: HttpRequest, round_id: int):
    selection_round = _managed_round(request, round_id)
    result = flow.round_nudge(round=selection_round, user=request.user)
    return {"sent": result.sent, "already": result.already, "not_wanted": result.not_wanted,
            "recipients": result.recipients}


@router.get("/rounds/{round_id}/forecast", response=ForecastOut,
            summary="What publishing now would do, on today's rankings: placed and unplaced graduates, empty places "
                    "(program manager)")
def round_forecast(request: HttpRequest, round_id: int):
    selection_round = _managed_round(request, round_id)
    if selection_round.status != "open":
        raise Conflict(_("This round is published; its results are final."), code="round_published")
    f = flow.round_forecast(round=selection_round)
    return {"graduates": f.graduates, "placed": f.placed, "unplaced_graduates": f.unplaced_graduates,
            "places": f.places, "unfilled_places": f.unfilled_places,
            "departments": [{"department": d["department"].code, "department_name": d["department"].name,
                             "places": d["places"], "filled": d["filled"]} for d in f.departments]}


@router.put("/rounds/{round_id}/results/{employee_id}/placement", response=PlacementOut,
            summary="Place a graduate the published round left unplaced in a department with a free place "
                    "(program manager)",
            description="409 before publication, for a graduate already placed, or a department with no free place.")
def round_place(request: HttpRequest, round_id: int, employee_id: str, payload: ManualPlacementIn):
    selection_round = _managed_round(request, round_id)
    person = flow.round_graduate_placement_person(round=selection_round, employee_id=employee_id)
    seat = flow.round_seat_get(round=selection_round, department_code=payload.department)
    placement = flow.placement_set_manually(round=selection_round, applicant=person, department=seat.department,
                                            user=request.user)
    return _placement_out(placement)


@router.post("/rounds/{round_id}/second-round", response={201: RoundOut},
             summary="Open a second round for the graduates the published round left unplaced, with the places "
                     "still free (program manager)",
             description="409 before publication, when everyone is placed, when no place is free, or when a second "
                         "round already exists.")
def round_second(request: HttpRequest, round_id: int, payload: SecondRoundIn):
    selection_round = _managed_round(request, round_id)
    second = flow.round_create_second(round=selection_round, name=payload.name, deadline=payload.deadline,
                                      user=request.user)
    return Status(201, _round_out(second))
