"""The API of survey templates (new templates, new versions; old versions read-only) and a
program's survey schedules (mounted in ``config/api.py``). Results and answers: ``api.py``.

Refusals: 403 for anyone but HR and program managers (templates) or the program's team
(schedules; 404 if they cannot see the program), field errors ``validation_failed`` (422) keyed
like ``questions.2.text.en``, ``survey_schedule_exists`` (409).
"""


from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict

from tandem.assessments import survey_selectors, survey_services
from tandem.assessments.models import QuestionKind, SurveyPurpose, SurveySchedule, SurveyTemplate
from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.core.schemas import DB_INT_MAX, DbId, PageNumberPagination, StrictBool, StrictInt
from tandem.programs.selectors import program_get

router = Router(tags=["surveys"])

Texts = dict[str, str] | str


def _templates_actor(request: HttpRequest) -> authz.Actor:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_edit_survey_templates(actor))
    return actor


# What ``survey_services`` checks, stated in the document (issue 13: schemathesis's valid-by-the-
# document templates were all 400s). The services stay the judge: a code used twice, choices for a
# question that has none, and the anonymity of a mentor-effectiveness survey are theirs alone.
_LINE = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
_CODE = {"pattern": r"^[a-z0-9_-]*[a-z0-9][a-z0-9_-]*$", "maxLength": 40}


def _texts(limit: int, *, required: bool = True, multi_line: bool = False) -> dict[str, Any]:
    """A text by language (or a string: English), each a single line (or lines) of at most ``limit``."""
    refused = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029" if multi_line else _LINE
    line = {"type": "string", "maxLength": limit,
            "pattern": f"^[^{refused}]*[^\\s{refused}][^{refused}]*$" if required else f"^[^{refused}]*$"}
    by_language = {"type": "object", "additionalProperties": {"type": "string"},
                   "properties": {lang: {"type": "string", "maxLength": limit, "pattern": f"^[^{refused}]*$"}
                                  for lang in survey_services.LANGUAGES}}
    if required:
        by_language = {**by_language, "required": ["en"], "properties": {**by_language["properties"], "en": line}}
    return {"anyOf": [line, by_language]}


class ChoiceIn(Schema):
    code: str = Field(..., json_schema_extra=_CODE)
    label: Texts = Field(..., json_schema_extra=_texts(120))


_CHOICE_KINDS = [QuestionKind.SINGLE.value, QuestionKind.MULTIPLE.value]


class SurveyQuestionIn(Schema):
    # One-choice and several-choice questions have 2 or more choices, the others none
    # (survey_services; issue 13: an nps question with choices was valid by the document)
    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"required": ["kind", "choices"], "properties": {"kind": {"enum": _CHOICE_KINDS}, "choices": {"minItems": 2}}},
        {"properties": {"kind": {"enum": [k for k in QuestionKind.values if k not in _CHOICE_KINDS]},
                        "choices": {"maxItems": 0}}},
    ]})

    code: str = Field(..., json_schema_extra=_CODE)
    kind: str = Field(..., json_schema_extra={"enum": list(QuestionKind.values)})
    text: Texts = Field(..., json_schema_extra=_texts(300))
    required: StrictBool = True
    choices: list[ChoiceIn] = Field([], json_schema_extra={"maxItems": survey_services.CHOICES_MAX})


_QUESTIONS = {"minItems": 1, "maxItems": survey_services.QUESTIONS_MAX}


class TemplateIn(Schema):
    code: str = Field(..., json_schema_extra=_CODE)
    name: Texts = Field(..., json_schema_extra=_texts(160))
    description: Texts = Field("", json_schema_extra=_texts(2000, required=False, multi_line=True))
    purpose: str = Field("other", json_schema_extra={"enum": list(SurveyPurpose.values)})
    anonymous: StrictBool = True
    threshold: StrictInt = Field(5, json_schema_extra={"minimum": survey_services.THRESHOLD_MIN, "maximum": 100})
    questions: list[SurveyQuestionIn] = Field(..., json_schema_extra=_QUESTIONS)


class VersionIn(Schema):
    questions: list[SurveyQuestionIn] = Field(..., json_schema_extra=_QUESTIONS)


class TemplateOut(Schema):
    id: int
    code: str
    name: str
    purpose: str
    anonymous: bool
    threshold: int
    latest_version: int | None


class SurveyQuestionOut(Schema):
    code: str
    kind: str
    required: bool
    text: str
    translations: dict[str, Any]
    choices: list[dict[str, Any]]


class VersionOut(Schema):
    number: int
    created_at: datetime
    surveys_sent: int
    questions: list[SurveyQuestionOut]


class TemplateDetailOut(TemplateOut):
    versions: list[VersionOut]


def _template(t: SurveyTemplate, latest: int | None) -> dict[str, Any]:
    return {"id": t.pk, "code": t.code, "name": t.tr("name"), "purpose": t.purpose, "anonymous": t.anonymous,
            "threshold": t.threshold, "latest_version": latest}


def _detail(t: SurveyTemplate) -> dict[str, Any]:
    versions = survey_selectors.template_versions(template=t)
    return _template(t, versions[0].number if versions else None) | {"versions": [
        {"number": v.number, "created_at": v.created_at, "surveys_sent": v.n_surveys, "questions": [
            {"code": q.code, "kind": q.kind, "required": q.required, "text": q.text, "translations": q.translations,
             "choices": q.choices} for q in v.questions.all()]} for v in versions]}


@router.get("/survey-templates", response=list[TemplateOut], summary="Survey templates (HR, program managers)")
@paginate(PageNumberPagination, page_size=50)
def templates_get(request: HttpRequest):
    _templates_actor(request)
    return [_template(t, t.latest) for t in survey_selectors.templates_with_versions()]


@router.post("/survey-templates", response={201: TemplateDetailOut}, summary="A new survey template (version 1)")
def template_post(request: HttpRequest, payload: TemplateIn):
    actor = _templates_actor(request)
    data = payload.dict()
    t = survey_services.survey_template_create(actor=actor, **data)
    return Status(201, _detail(t))


@router.get("/survey-templates/{template_id}", response=TemplateDetailOut,
            summary="A survey template with every version (old versions read-only)")
def template_get(request: HttpRequest, template_id: DbId):
    _templates_actor(request)
    return _detail(survey_selectors.template_get(template_id=template_id))


@router.post("/survey-templates/{template_id}/versions", response={201: TemplateDetailOut},
             summary="A new version of a template's questions (HR, or the program manager who created it); "
                     "surveys sent keep theirs")
def version_post(request: HttpRequest, template_id: DbId, payload: VersionIn):
    actor = _templates_actor(request)
    t = survey_selectors.template_get(template_id=template_id)
    survey_services.survey_template_revise(template=t, actor=actor, questions=payload.dict()["questions"])
    return Status(201, _detail(t))


# -- schedules --------------------------------------------------------------------------------------


class ScheduleIn(Schema):
    # The rule survey_services.survey_schedule_add enforces, in the document: a milestone or a
    # number of held sessions, not both and not neither (issue 13: schemathesis's "valid data
    # rejected"). Whether the milestone is one of the program's survey milestones is the service's.
    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"required": ["milestone_id"], "properties": {"milestone_id": {"type": "integer"},
                                                      "after_sessions": {"type": "null"}}},
        {"required": ["after_sessions"], "properties": {"after_sessions": {"type": "integer"},
                                                        "milestone_id": {"type": "null"}}},
    ]})

    template: str = Field(..., max_length=_CODE["maxLength"], pattern=_CODE["pattern"], description="A template's code")
    milestone_id: StrictInt | None = Field(None, ge=1, le=DB_INT_MAX, description="A survey milestone of the program")
    after_sessions: StrictInt | None = Field(None, ge=1, le=100, description="Or: after each pair's N-th held session")
    open_days: StrictInt = Field(survey_services.OPEN_DAYS_DEFAULT, ge=1, le=survey_services.OPEN_DAYS_SCHEDULE_MAX)


class ScheduleOut(Schema):
    id: int
    template: str
    milestone_id: int | None
    after_sessions: int | None
    open_days: int
    surveys_sent: int


def _schedule(s: SurveySchedule) -> dict[str, Any]:
    return {"id": s.pk, "template": s.template.code, "milestone_id": s.milestone_id,
            "after_sessions": s.after_sessions, "open_days": s.open_days, "surveys_sent": getattr(s, "n_sent", 0)}


def _program(actor: authz.Actor, program_id: int) -> Any:
    program = program_get(program_id=program_id)
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound()
    authz.require(authz.can_send_survey(actor, program))
    return program


@router.get("/programs/{program_id}/survey-schedules", response=list[ScheduleOut],
            summary="When the program's surveys go out by themselves")
@paginate(PageNumberPagination, page_size=50)
def schedules_get(request: HttpRequest, program_id: DbId):
    program = _program(authz.actor_for(request.user), program_id)
    return [_schedule(s) for s in survey_selectors.schedules_of_program(program=program)]


@router.post("/programs/{program_id}/survey-schedules", response={201: ScheduleOut},
             summary="Send a survey at a survey milestone, or to each mentee after their N-th held session")
def schedule_post(request: HttpRequest, program_id: DbId, payload: ScheduleIn):
    actor = authz.actor_for(request.user)
    program = _program(actor, program_id)
    s = survey_services.survey_schedule_add(
        program=program, actor=actor, template=survey_selectors.template_by_code(payload.template[:40]),
        milestone_id=payload.milestone_id, after_sessions=payload.after_sessions, open_days=payload.open_days)
    return Status(201, _schedule(s))


@router.delete("/survey-schedules/{schedule_id}", response={204: None},
               summary="Stop a schedule (surveys already sent stay)")
def schedule_delete(request: HttpRequest, schedule_id: DbId):
    actor = authz.actor_for(request.user)
    survey_services.survey_schedule_remove(schedule=survey_selectors.schedule_for(actor, schedule_id), actor=actor)
    return Status(204, None)


class ScheduleResultsQuery(Schema):
    by: Literal["mentor"] | None = None


@router.get("/survey-schedules/{schedule_id}/results",
            summary="Every survey a schedule sent, together (and by mentor), under the anonymity rules")
def schedule_results(request: HttpRequest, schedule_id: DbId, q: Query[ScheduleResultsQuery]) -> dict[str, Any]:
    """Counted in distinct people over the surveys closed before this month; below the threshold no
    aggregate keys at all (``shown: false``); by mentor only when no group could be subtracted."""
    actor = authz.actor_for(request.user)
    schedule = survey_selectors.schedule_for(actor, schedule_id)
    return survey_selectors.schedule_results(schedule=schedule, by_mentor=q.by == "mentor")
