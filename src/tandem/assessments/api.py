"""The assessments API (mounted in ``config/api.py``): teach-back slots, scores, questions, results;
survey responses and results.

Refusals are 4xx with their own codes (``assessments/errors.py``): ``not_in_audience`` /
``self_scoring`` (403), ``already_scored``, ``scoring_not_open``, ``scoring_closed`` (409), bad
values ``validation_failed`` (422). A survey's results below its threshold carry no aggregate key
at all: ``{"shown": false, "reason": "below_threshold", ...}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from tandem.assessments import (
    survey_selectors,
    survey_services,
    teachback_selectors,
    teachback_services,
)
from tandem.assessments.models import LENGTH_MAX, LENGTH_MIN
from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.core.schemas import DbId, MultiLine, SaneDateTime, SingleLine, StrictBool, StrictInt
from tandem.programs.selectors import program_get

router = Router(tags=["assessments"])


def _actor(request: HttpRequest) -> authz.Actor:
    return authz.actor_for(request.user)


def _program(actor: authz.Actor, program_id: int):
    program = program_get(program_id=program_id)
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound()
    return program


# -- teach-backs -------------------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    employee_id: str
    full_name: str


class SlotOut(Schema):
    id: int
    program_id: int
    trainee: PersonRef
    topic: str
    competency: str
    room: str
    video_link: str
    starts_at: datetime
    length_minutes: int
    attempt: int
    status: str
    audience: list[PersonRef]


def _ref(p) -> dict[str, Any]:
    return {"id": p.pk, "employee_id": p.employee_id, "full_name": p.full_name}


def _slot(tb) -> dict[str, Any]:
    return {"id": tb.pk, "program_id": tb.program_id, "trainee": _ref(tb.trainee), "topic": tb.topic,
            "competency": tb.competency.code, "room": tb.room, "video_link": tb.video_link,
            "starts_at": tb.starts_at, "length_minutes": tb.length_minutes, "attempt": tb.attempt,
            "status": tb.status, "audience": [_ref(a.person) for a in tb.audience_rows.all()]}


@router.get("/programs/{program_id}/teach-backs", response=list[SlotOut])
def teach_back_list(request: HttpRequest, program_id: DbId):
    """The program's teach-back slots, with trainee, audience and attempt number (organiser and enrolled people)."""
    actor = _actor(request)
    program = _program(actor, program_id)
    authz.require(authz.can_view_teach_backs(actor, program))
    return [_slot(tb) for tb in teachback_selectors.slots_of(program=program)]


class SlotIn(Schema):
    trainee_id: DbId
    topic: SingleLine = Field(..., min_length=1, max_length=teachback_services.TOPIC_LIMIT)
    competency_id: DbId
    starts_at: SaneDateTime
    length_minutes: StrictInt = Field(180, ge=LENGTH_MIN, le=LENGTH_MAX)
    room: SingleLine = Field("", max_length=teachback_services.ROOM_LIMIT)
    video_link: SingleLine = Field("", max_length=teachback_services.LINK_LIMIT)
    audience_ids: list[DbId] = Field(..., min_length=1, max_length=teachback_services.AUDIENCE_MAX)


@router.post("/programs/{program_id}/teach-backs", response={201: SlotOut})
def teach_back_schedule(request: HttpRequest, program_id: DbId, payload: SlotIn):
    actor = _actor(request)
    program = _program(actor, program_id)
    tb = teachback_services.teachback_schedule(program=program, actor=actor, **payload.dict())
    tb = teachback_selectors.slots_of(program=program).get(pk=tb.pk)
    return Status(201, _slot(tb))


class ScoresIn(Schema):
    scores: dict[str, StrictInt] = Field(..., description="Criterion code → 1..5, every criterion of the rubric")


class ScoreOut(Schema):
    teach_back_id: int
    scored: bool


@router.post("/teach-backs/{teach_back_id}/scores", response={201: ScoreOut})
def teach_back_score(request: HttpRequest, teach_back_id: DbId, payload: ScoresIn):
    """An audience member's one scoring (all criteria at once)."""
    actor = _actor(request)
    tb = teachback_selectors.teach_back_for(actor, teach_back_id)
    teachback_services.teachback_score(teach_back=tb, actor=actor, values=payload.scores)
    return Status(201, {"teach_back_id": tb.pk, "scored": True})


class QuestionIn(Schema):
    text: SingleLine = Field(..., min_length=1, max_length=teachback_services.QUESTION_LIMIT)
    unanswered: StrictBool = Field(False, description="The trainee could not answer it: it becomes a knowledge gap")


class QuestionOut(Schema):
    id: int
    text: str
    unanswered: bool
    gap_id: int | None


@router.post("/teach-backs/{teach_back_id}/questions", response={201: QuestionOut})
def teach_back_question(request: HttpRequest, teach_back_id: DbId, payload: QuestionIn):
    actor = _actor(request)
    tb = teachback_selectors.teach_back_for(actor, teach_back_id)
    q = teachback_services.teachback_question_log(teach_back=tb, actor=actor, text=payload.text,
                                                  unanswered=payload.unanswered)
    gap = getattr(q, "gap", None) if q.unanswered else None
    return Status(201, {"id": q.pk, "text": q.text, "unanswered": q.unanswered, "gap_id": gap.pk if gap else None})


class CriterionOut(Schema):
    code: str
    name: str
    mean: float | None
    n: int
    distribution: dict[str, int] = Field(..., description="Score 1..5 → how many audience members gave it")


class GapOut(Schema):
    id: int
    text: str
    competency: str
    status: str


class ResultOut(Schema):
    teach_back_id: int
    trainee: PersonRef
    attempt: int
    max_attempts: int
    status: str
    final: bool
    mean: float | None
    pass_mark: float
    passed: bool | None
    last_attempt: bool
    scorers: int
    audience: int
    scoring_closes_at: datetime
    criteria: list[CriterionOut]
    gaps: list[GapOut]


@router.get("/teach-backs/{teach_back_id}/result", response=ResultOut)
def teach_back_result(request: HttpRequest, teach_back_id: DbId):
    """The trainee's, the organiser's and the trainee's mentor's: mean, pass/fail, distribution, gaps."""
    actor = _actor(request)
    tb = teachback_selectors.teach_back_for(actor, teach_back_id, rule=authz.can_view_teach_back_result)
    r = teachback_selectors.result_of(teach_back=tb)
    tb = r.teach_back
    return {
        "teach_back_id": tb.pk, "trainee": _ref(tb.trainee), "attempt": tb.attempt, "max_attempts": r.max_attempts,
        "status": tb.status, "final": r.final, "mean": float(r.mean) if r.mean is not None else None,
        "pass_mark": float(r.pass_mark), "passed": r.passed, "last_attempt": tb.last_attempt,
        "scorers": r.scorers, "audience": r.audience, "scoring_closes_at": r.closes_at,
        "criteria": [{"code": c.criterion.code, "name": c.criterion.tr("name"),
                      "mean": float(c.mean) if c.mean is not None else None, "n": c.n,
                      "distribution": {str(i + 1): v for i, v in enumerate(c.counts)}} for c in r.criteria],
        "gaps": [{"id": g.pk, "text": g.text, "competency": g.competency.code, "status": g.status} for g in r.gaps],
    }


# -- surveys -----------------------------------------------------------------------------------


class ResponseIn(Schema):
    answers: dict[str, StrictInt | MultiLine | list[SingleLine]] = Field(
        ..., description="Question code → a number (scale 1–5, NPS 0–10), a choice code, a list of choice codes "
                         "or text")


class ResponseOut(Schema):
    survey_id: int
    answered: bool


@router.post("/surveys/{survey_id}/responses", response={201: ResponseOut})
def survey_respond(request: HttpRequest, survey_id: DbId, payload: ResponseIn):
    """One answer per person per survey. Anonymous surveys keep no link from the answer to you."""
    actor = _actor(request)
    survey = survey_selectors.survey_for(actor, survey_id)
    survey_services.survey_respond(survey=survey, actor=actor, answers=payload.answers)
    return Status(201, {"survey_id": survey.pk, "answered": True})


class ResultsQuery(Schema):
    breakdown: Literal["department", "job_profile", "mentor"] | None = None


@router.get("/surveys/{survey_id}/results")
def survey_results(request: HttpRequest, survey_id: DbId, q: Query[ResultsQuery]) -> dict[str, Any]:
    """Aggregates for HR and the program's manager, under the anonymity rules: below the threshold
    (or while an anonymous survey is open) no aggregate keys at all, ``shown: false`` and a reason;
    a breakdown only when no group could be subtracted below the threshold."""
    actor = _actor(request)
    survey = survey_selectors.survey_for(actor, survey_id, rule=authz.can_view_survey_results)
    return survey_selectors.survey_results(survey=survey, breakdown=q.breakdown)
