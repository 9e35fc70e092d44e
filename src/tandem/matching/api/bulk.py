"""Flow 2 endpoints: the program manager's bulk match (preview, commit, pins and exclusions)."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from tandem.core import authz
from tandem.core.errors import NotFound, ValidationFailed
from tandem.core.schemas import not_blank_pattern
from tandem.matching.api._paging import PAGE_DEFAULT, PageQuery
from tandem.matching.flows import bulk
from tandem.matching.models import MatchRun
from tandem.people import selectors as people_selectors
from tandem.people.models import Person
from tandem.programs import selectors as program_selectors
from tandem.programs.models import Program

router = Router(tags=["matching: bulk"])


class PairOut(Schema):
    mentee: str = Field(..., description="mentee's employee ID")
    mentee_name: str
    mentor: str = Field(..., description="mentor's employee ID")
    mentor_name: str
    score: float
    pinned: bool
    reasons: list[str] = Field(..., description="plain-language reasons, strongest first")


class UnmatchedOut(Schema):
    mentee: str
    mentee_name: str
    reason: str = Field(..., description="no_allowed_mentor, capacity_exhausted or pin_conflict")
    explanation: str


class RunOut(Schema):
    id: int
    status: str = Field(..., description="queued or running (being computed: poll this run), failed (see error), "
                                         "preview, committed or discarded")
    progress: int = Field(..., ge=0, le=100, description="percent computed (100 once computed)")
    stage: str = Field(..., description="what the worker is doing: loading, scoring, solving, explaining, saving; "
                                        "empty when not running")
    error: str = Field(..., description="why the run failed (status failed), else empty")
    total_score: float
    created_at: datetime
    committed_at: datetime | None
    pairs: list[PairOut] = Field(..., description="one page of the pairs, by mentee name (limit/offset)")
    unmatched: list[UnmatchedOut] = Field(..., description="one page of the unmatched mentees (limit/offset)")
    pair_count: int = Field(..., description="all pairs of the run")
    unmatched_count: int = Field(..., description="all unmatched mentees of the run")


class CommitOut(Schema):
    created: int
    run: RunOut


# A blank employee ID is nobody's (issue 13: ``""`` was valid by the document and a 400 "Unknown
# employee ID"); the service stays the judge of IDs nobody has.
_EMPLOYEE_ID = {"pattern": not_blank_pattern()}


class ConstraintIn(Schema):
    mentee: str = Field(..., description="mentee's employee ID", json_schema_extra=_EMPLOYEE_ID)
    mentor: str = Field(..., description="mentor's employee ID", json_schema_extra=_EMPLOYEE_ID)
    kind: str = Field("pin", description="pin (always pair) or exclude (never pair)")


class PairIn(Schema):
    mentee: str = Field(..., description="mentee's employee ID", json_schema_extra=_EMPLOYEE_ID)
    mentor: str = Field(..., description="mentor's employee ID", json_schema_extra=_EMPLOYEE_ID)


class ConstraintOut(Schema):
    id: int
    mentee: str = Field(..., alias="mentee.employee_id")
    mentor: str = Field(..., alias="mentor.employee_id")
    kind: str


def _program(request: HttpRequest, program_id: int) -> Program:
    program = program_selectors.program_get(program_id=program_id)
    if program is None:
        raise NotFound()
    authz.require(authz.can_run_bulk_match(authz.actor_for(request.user), program))
    return program


def _run_out(run: MatchRun, page: PageQuery | None = None) -> RunOut:
    window = (page.offset, page.limit) if page is not None else (0, PAGE_DEFAULT)
    view = bulk.run_view(run=run, reasons_limit=6, pairs_page=window, unmatched_page=window)
    return RunOut(
        id=run.pk, status=run.status, progress=run.progress, stage=run.stage, error=run.error,
        total_score=run.total_score, created_at=run.created_at,
        committed_at=run.committed_at, pair_count=view.pair_count, unmatched_count=view.unmatched_count,
        pairs=[PairOut(mentee=p.mentee.employee_id, mentee_name=p.mentee.full_name, mentor=p.mentor.employee_id,
                       mentor_name=p.mentor.full_name, score=p.score, pinned=p.pinned, reasons=p.reasons)
               for p in view.pairs],
        unmatched=[UnmatchedOut(mentee=u.mentee.employee_id, mentee_name=u.mentee.full_name, reason=u.reason,
                                explanation=u.explanation) for u in view.unmatched],
    )


def _people(mentee_id: str, mentor_id: str) -> tuple[Person, Person]:
    found = {e: p for e in dict.fromkeys([mentee_id, mentor_id])
             if (p := people_selectors.person_get(employee_id=e)) is not None}
    errors = {f: [f"Unknown employee ID: {e}"] for f, e in (("mentee", mentee_id), ("mentor", mentor_id))
              if e not in found}
    if errors:
        raise ValidationFailed(errors)
    return found[mentee_id], found[mentor_id]


@router.post(
    "/programs/{program_id}/bulk-match/preview", response={202: RunOut, 200: RunOut},
    summary="Request a bulk-match preview, computed in the background",
    description="202: a new run is queued (its computation discards the previous preview once it is done). "
                "200: a preview of this program is already queued or running; that run is returned (one at a "
                "time per program). Either way the `Location` header is the run's URL: poll it until `status` "
                "is `preview` (the pairs) or `failed` (`error` says why). 409 if the program is closed.",
)
def bulk_preview(request: HttpRequest, response: HttpResponse, program_id: int):
    program = _program(request, program_id)
    run, created = bulk.bulk_preview_request(program=program, user=request.user)
    run.refresh_from_db()  # an immediate task backend has already computed it
    response["Location"] = f"/api/programs/{program.pk}/bulk-match/runs/{run.pk}"
    return Status(202 if created else 200, _run_out(run))


@router.get("/programs/{program_id}/bulk-match/runs/{run_id}", response=RunOut,
            summary="A bulk-match run: its state and progress; once computed, its pairs and unmatched mentees "
                    "paginated (limit/offset)")
def bulk_run(request: HttpRequest, program_id: int, run_id: int, q: Query[PageQuery]):
    program = _program(request, program_id)
    bulk.active_run(program=program)  # a run whose worker died reads as failed, not running forever
    return _run_out(bulk.run_get(program=program, run_id=run_id), q)


@router.post("/programs/{program_id}/bulk-match/runs/{run_id}/commit", response=CommitOut,
             summary="Create the preview's pairs as mentorships (409 if anything changed since the preview)")
def bulk_commit(request: HttpRequest, program_id: int, run_id: int):
    program = _program(request, program_id)
    run = bulk.run_get(program=program, run_id=run_id)
    created = bulk.bulk_commit(run=run, user=request.user)
    run.refresh_from_db()
    return CommitOut(created=created, run=_run_out(run))


@router.get("/programs/{program_id}/match-constraints", response=list[ConstraintOut],
            summary="Pins and exclusions of the program, paginated (limit/offset)")
def constraint_list(request: HttpRequest, program_id: int, q: Query[PageQuery]):
    return list(bulk.constraints_of(program=_program(request, program_id))[q.offset:q.offset + q.limit])


@router.post("/programs/{program_id}/match-constraints", response={201: ConstraintOut},
             summary="Pin (always pair) or exclude (never pair) a mentee and a mentor")
def constraint_add(request: HttpRequest, program_id: int, payload: ConstraintIn):
    program = _program(request, program_id)
    mentee, mentor = _people(payload.mentee, payload.mentor)
    return Status(201, bulk.constraint_add(program=program, mentee=mentee, mentor=mentor, kind=payload.kind,
                                           user=request.user))


@router.delete("/programs/{program_id}/match-constraints", response={204: None},
               summary="Remove the pin or exclusion of a pair")
def constraint_remove(request: HttpRequest, program_id: int, payload: PairIn):
    program = _program(request, program_id)
    mentee, mentor = _people(payload.mentee, payload.mentor)
    bulk.constraint_remove(program=program, mentee=mentee, mentor=mentor, user=request.user)
    return Status(204, None)
