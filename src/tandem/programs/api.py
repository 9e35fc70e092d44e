"""Programs, enrolment, templates, the timeline and the cadence policy."""

from datetime import date
from typing import Annotated, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Strict

from tandem.core import authz
from tandem.core.errors import NotFound, ValidationFailed
from tandem.core.schemas import (
    DbId,
    KeptOrder,
    MultiLine,
    ObjectSchema,
    PageNumberPagination,
    SaneDate,
    SingleLine,
    StrictBool,
    not_blank_pattern,
)
from tandem.mentorships import selectors as mentorship_selectors
from tandem.people.models import Department, JobProfile, Language
from tandem.people.selectors import people_by_employee_ids, person_get
from tandem.programs import exports, selectors, services
from tandem.programs.blueprints import all_blueprints, text_in, translations_of
from tandem.programs.models import (
    DUTY_PARAMS,
    MAX_DAY,
    OPTIONAL_SIGNERS,
    Concerns,
    DutyPeriod,
    DutyRequirement,
    EnrolmentRole,
    MatchingMode,
    MilestoneKind,
    Program,
    ProgramType,
)

router = Router(tags=["programs"])

#: A day of a program (day 1 is its start), as a strict JSON integer.
ProgramDay = Annotated[int, Strict(), Field(ge=1, le=MAX_DAY)]
Capacity = Annotated[int, Strict(), Field(ge=1, le=20)]


class ProgramIn(Schema):
    name: SingleLine = Field(..., min_length=1, max_length=160, description="1–160 characters, one line.")
    description: MultiLine = Field("", max_length=4000)
    program_type: ProgramType = Field(..., description="classic, reverse, mutual or cohort")
    matching_mode: MatchingMode = Field(..., description="choose, bulk or mutual_selection")
    starts_on: SaneDate
    ends_on: SaneDate = Field(..., description="On or after starts_on.")
    default_mentor_capacity: Capacity = 2
    agreement_required: StrictBool = True
    # The parties besides mentor and mentee (``OPTIONAL_SIGNERS``), as the service checks them.
    agreement_signers: list[Literal[tuple(p.value for p in OPTIONAL_SIGNERS)]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=3,
        description="Who signs besides mentor and mentee: line_manager, department_head, program_team.")


class ProgramOut(Schema):
    id: int
    name: str
    description: str
    program_type: str
    matching_mode: str
    status: str
    starts_on: date
    ends_on: date
    owner: str = Field(..., alias="owner.employee_id")
    default_mentor_capacity: int
    template_code: str
    agreement_required: bool
    agreement_signers: list[str]


class EnrolIn(Schema):
    role: EnrolmentRole = Field(..., description="mentor or mentee")
    employee_ids: list[Annotated[SingleLine, Field(min_length=1, max_length=40)]] = Field(..., max_length=10000)
    capacity: Capacity | None = Field(None, description="Mentors only: mentees they take in this program.")


class EnrolOut(Schema):
    added: int
    already_enrolled: int


def program_or_404(request: HttpRequest, program_id: int) -> tuple[authz.Actor, Program]:
    actor = authz.actor_for(request.user)
    program = selectors.program_get(program_id=program_id)
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound()
    return actor, program


@router.get("/programs", response=list[ProgramOut], summary="Programs I can see")
@paginate(PageNumberPagination, page_size=50)
def program_list(request: HttpRequest):
    return selectors.programs_visible(actor=authz.actor_for(request.user))


@router.post("/programs", response={201: ProgramOut}, summary="Create a program (HR, program managers)")
def program_create(request: HttpRequest, payload: ProgramIn):
    actor = authz.actor_for(request.user)
    authz.require(authz.can_create_program(actor) and actor.person is not None)
    return Status(201, services.program_create(owner=actor.person, actor=actor, **payload.dict()))


@router.get("/programs/{int:program_id}", response=ProgramOut)  # int: leaves /programs/from-template free
def program_detail(request: HttpRequest, program_id: int):
    return program_or_404(request, program_id)[1]


@router.post("/programs/{program_id}/enrolments", response=EnrolOut, summary="Enrol people by employee ID")
def program_enrol(request: HttpRequest, program_id: int, payload: EnrolIn):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    people, unknown = people_by_employee_ids(employee_ids=payload.employee_ids)
    if unknown:
        raise ValidationFailed({"employee_ids": [
            _("Unknown employee IDs: %(ids)s. Nobody was enrolled.") % {"ids": ", ".join(unknown[:50])}]})
    added, kept = services.enrolment_add(program=program, people=people, role=payload.role,
                                         capacity=payload.capacity)
    return EnrolOut(added=added, already_enrolled=kept)


# -- templates, timeline, cadence ------------------------------------------------------------

class TemplatePhaseOut(Schema):
    name: str
    description: str
    start_day: int
    end_day: int
    milestones: list[dict]


class ProgramTemplateOut(Schema):
    code: str
    source: str = Field(..., description="The source document the template follows (000–003).")
    name: str
    description: str
    translations: dict[str, dict[str, str]] = Field(..., description="Name and description per language.")
    program_type: str
    matching_mode: str
    default_mentor_capacity: int
    length_days: int
    agreement_required: bool
    agreement_signers: list[str]
    phases: list[TemplatePhaseOut]
    duties: list[dict]


class FromTemplateIn(Schema):
    template_code: str = Field(..., max_length=40, description="One of the codes from GET /api/program-templates.",
                               json_schema_extra={"pattern": not_blank_pattern()})  # a blank code is no template's
    name: SingleLine = Field(..., min_length=1, max_length=160, description="1–160 characters, one line.")
    starts_on: SaneDate
    ends_on: SaneDate | None = Field(None, description="Default: when the template's timeline ends. Must leave "
                                                        "room for every phase.")
    description: MultiLine | None = Field(None, max_length=4000,
                                          description="Default: the template's description in the request's language.")
    matching_mode: MatchingMode | None = Field(None, description="Override the template's matching mode.")
    default_mentor_capacity: Capacity | None = None


class ProgramMilestoneIn(Schema):
    name: SingleLine = Field(..., min_length=1, max_length=160)
    kind: MilestoneKind
    due_day: ProgramDay = Field(..., description="Day of the program (day 1 = its start), inside the phase.")
    concerns: Concerns = Concerns.PAIR
    description: MultiLine = Field("", max_length=2000)


class PhaseIn(Schema):
    name: SingleLine = Field(..., min_length=1, max_length=120)
    description: MultiLine = Field("", max_length=2000)
    start_day: ProgramDay = Field(..., description="Day 1 is the program's start.")
    end_day: ProgramDay = Field(..., description="On or after start_day, and by the program's last day.")
    order: Annotated[int, Strict(), Field(ge=0, le=1000)] | None = None
    milestones: list[ProgramMilestoneIn] = Field(default_factory=list, max_length=100,
                                          description="Each due inside the phase.")


class ProgramMilestoneOut(Schema):
    id: int
    name: str
    kind: str
    due_day: int
    due_date: date
    concerns: str
    description: str
    status: str = Field(..., description="done, overdue, due (within 14 days) or upcoming.")
    translations: dict


class PhaseOut(Schema):
    id: int
    order: int
    name: str
    description: str
    start_day: int
    end_day: int
    start_date: date
    end_date: date
    translations: dict
    milestones: list[ProgramMilestoneOut]


class ProgramDutyOut(Schema):
    id: int
    code: str
    name: str
    description: str
    required: bool
    period: str = Field(..., description="weekly, monthly, quarterly, yearly or once")
    requirement: str = Field(..., description="What satisfies it: " + ", ".join(DutyRequirement.values))
    params: dict = Field(..., description="min_count (per period, default 1), min_minutes (sessions)")
    concerns: str
    translations: dict


def _template_out(bp) -> dict:
    def ms(m):
        return {"name": m.name["en"], "kind": m.kind, "due_day": m.due_day, "concerns": m.concerns,
                "translations": translations_of(name=m.name, description=m.description)}

    return {
        "code": bp.code, "source": bp.source, "name": text_in(bp.name), "description": text_in(bp.description),
        "translations": translations_of(name=bp.name, description=bp.description),
        "program_type": bp.program_type, "matching_mode": bp.matching_mode,
        "default_mentor_capacity": bp.default_mentor_capacity, "length_days": bp.length_days,
        "agreement_required": bp.agreement_required, "agreement_signers": list(bp.agreement_signers),
        "phases": [{"name": text_in(p.name), "description": text_in(p.description), "start_day": p.start_day,
                    "end_day": p.end_day, "milestones": [ms(m) for m in p.milestones]} for p in bp.phases],
        "duties": [{"code": d.code, "name": text_in(d.name), "required": d.required, "period": d.period,
                    "requirement": d.requirement, "params": dict(d.params), "concerns": d.concerns}
                   for d in bp.duties],
    }


def _phase_out(program: Program, phase, today) -> dict:
    return {
        "id": phase.pk, "order": phase.order, "name": phase.name, "description": phase.description,
        "start_day": phase.start_day, "end_day": phase.end_day, "start_date": program.day_date(phase.start_day),
        "end_date": program.day_date(phase.end_day), "translations": phase.translations,
        "milestones": [{
            "id": m.pk, "name": m.name, "kind": m.kind, "due_day": m.due_day, "due_date": program.day_date(m.due_day),
            "concerns": m.concerns, "description": m.description, "translations": m.translations,
            "status": selectors.milestone_status(milestone=m, program=program, today=today),
        } for m in phase.milestones.all()],
    }


@router.get("/program-templates", response=list[ProgramTemplateOut], summary="Ready-made program templates")
def template_list(request: HttpRequest):
    actor = authz.actor_for(request.user)
    authz.require(authz.can_create_program(actor))
    return [_template_out(bp) for bp in all_blueprints()]


@router.post("/programs/from-template", response={201: ProgramOut},
             summary="Create a program from a template (HR, program managers)")
def program_from_template(request: HttpRequest, payload: FromTemplateIn):
    actor = authz.actor_for(request.user)
    authz.require(authz.can_create_program(actor) and actor.person is not None)
    program = services.program_create_from_template(owner=actor.person, actor=actor, **payload.dict())
    return Status(201, program)


@router.get("/programs/{program_id}/phases", response=list[PhaseOut], summary="The timeline: phases and milestones")
def phase_list(request: HttpRequest, program_id: int):
    _actor, program = program_or_404(request, program_id)
    today = timezone.localdate()
    return [_phase_out(program, p, today) for p in selectors.phases_of(program=program)]


@router.post("/programs/{program_id}/phases", response={201: PhaseOut},
             summary="Add a phase with its milestones (the program's manager or HR)")
@transaction.atomic
def phase_create(request: HttpRequest, program_id: int, payload: PhaseIn):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    data = payload.dict()
    milestones = data.pop("milestones")
    phase = services.phase_create(program=program, **data)
    errors: dict[str, list[str]] = {}
    for i, m in enumerate(milestones):
        try:
            services.milestone_create(phase=phase, **m)
        except ValidationFailed as exc:
            for field_name, msgs in exc.errors.items():
                errors[f"milestones.{i}.{field_name}"] = msgs
    if errors:
        raise ValidationFailed(errors)  # rolls back the phase and every milestone
    phase = next(p for p in selectors.phases_of(program=program) if p.pk == phase.pk)
    return Status(201, _phase_out(program, phase, timezone.localdate()))


@router.get("/programs/{program_id}/cadence", response=list[ProgramDutyOut],
            summary="The cadence policy: the duties each pair owes, how often, and what satisfies them")
def duty_list(request: HttpRequest, program_id: int):
    return selectors.duties_of(program=program_or_404(request, program_id)[1])


class DutyParams(ObjectSchema):
    min_count: Annotated[int, Strict(), Field(ge=DUTY_PARAMS["min_count"][0], le=DUTY_PARAMS["min_count"][1])] | None = (
        Field(None, description="How many in each period (default 1)."))
    min_minutes: Annotated[int, Strict(), Field(ge=DUTY_PARAMS["min_minutes"][0],
                                                le=DUTY_PARAMS["min_minutes"][1])] | None = (
        Field(None, description="Sessions only: how long each must last."))


class DutyIn(Schema):
    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")] = Field(
        ..., description="1–40 lower-case letters, digits, - or _; unique in the program.")
    name: SingleLine = Field(..., min_length=1, max_length=160)
    description: MultiLine = Field("", max_length=2000)
    required: StrictBool = True
    period: DutyPeriod
    requirement: DutyRequirement
    concerns: Concerns = Concerns.MENTOR
    params: DutyParams = Field(default_factory=lambda: DutyParams())


@router.post("/programs/{program_id}/cadence", response={201: ProgramDutyOut},
             summary="Add a duty to the cadence policy (the program's manager or HR)")
def duty_create(request: HttpRequest, program_id: int, payload: DutyIn):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    data = payload.dict()
    data["params"] = {k: v for k, v in data["params"].items() if v is not None}
    return Status(201, services.duty_create(program=program, **data))


class MilestoneDoneIn(Schema):
    done: StrictBool = Field(..., description="True: the program team marks it done for the program; false: not done.")


@router.patch("/programs/{program_id}/milestones/{milestone_id}", response=ProgramMilestoneOut,
              summary="Mark a program milestone done or not done (the program's manager or HR)")
def milestone_done(request: HttpRequest, program_id: int, milestone_id: DbId, payload: MilestoneDoneIn):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    milestone = selectors.milestone_in(program=program, milestone_id=milestone_id)
    if milestone is None:
        raise NotFound()
    m = services.milestone_set_done(milestone=milestone, done=payload.done, by=actor.person)
    return {"id": m.pk, "name": m.name, "kind": m.kind, "due_day": m.due_day, "due_date": program.day_date(m.due_day),
            "concerns": m.concerns, "description": m.description, "translations": m.translations,
            "status": selectors.milestone_status(milestone=m, program=program, today=timezone.localdate())}


# -- eligibility and enrolment ---------------------------------------------------------------


class EligibilityIn(Schema):
    department_codes: list[Annotated[SingleLine, Field(max_length=40)]] = Field(
        default_factory=list, max_length=500, description="Departments, each with its sub-departments.")
    job_profile_codes: list[Annotated[SingleLine, Field(max_length=40)]] = Field(default_factory=list, max_length=500)
    language_codes: list[Annotated[SingleLine, Field(max_length=12)]] = Field(
        default_factory=list, max_length=100, description="The person speaks at least one of them.")
    hired_from: SaneDate | None = None
    hired_to: SaneDate | None = Field(None, description="On or after hired_from.")


class EligibilityOut(Schema):
    department_codes: list[str]
    job_profile_codes: list[str]
    language_codes: list[str]
    hired_from: date | None
    hired_to: date | None
    eligible_not_enrolled: dict[str, int] = Field(
        ..., description="Per role: how many people meet the rules and are not enrolled in it (0 without rules).")


def _eligibility_out(program: Program) -> dict:
    has_rules = services.program_has_rules(program)
    return {
        "department_codes": list(program.eligible_departments.values_list("code", flat=True)),
        "job_profile_codes": list(program.eligible_job_profiles.values_list("code", flat=True)),
        "language_codes": list(program.eligible_languages.values_list("code", flat=True)),
        "hired_from": program.eligible_hired_from, "hired_to": program.eligible_hired_to,
        "eligible_not_enrolled": {
            role: selectors.eligible_people(program=program, exclude_enrolled_as=role).count() if has_rules else 0
            for role in EnrolmentRole.values},
    }


@router.get("/programs/{program_id}/eligibility", response=EligibilityOut,
            summary="The eligibility rules and how many people they select (the program's manager or HR)")
def eligibility_get(request: HttpRequest, program_id: int):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    return _eligibility_out(program)


@router.put("/programs/{program_id}/eligibility", response=EligibilityOut, summary="Replace the eligibility rules")
def eligibility_put(request: HttpRequest, program_id: int, payload: EligibilityIn):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    departments, unknown_d = selectors.by_codes(Department, payload.department_codes)
    job_profiles, unknown_j = selectors.by_codes(JobProfile, payload.job_profile_codes)
    languages, unknown_l = selectors.by_codes(Language, payload.language_codes)
    errors = {f: [_("Unknown codes: %(codes)s.") % {"codes": ", ".join(u[:20])}]
              for f, u in (("department_codes", unknown_d), ("job_profile_codes", unknown_j),
                           ("language_codes", unknown_l)) if u}
    if errors:
        raise ValidationFailed(errors)
    services.program_set_eligibility(program=program, departments=departments, job_profiles=job_profiles,
                                     languages=languages, hired_from=payload.hired_from, hired_to=payload.hired_to)
    return _eligibility_out(program)


class EnrolEligibleIn(Schema):
    role: EnrolmentRole
    capacity: Capacity | None = Field(None, description="Mentors only.")


@router.post("/programs/{program_id}/enrolments/eligible", response=EnrolOut,
             summary="Enrol everyone the eligibility rules select")
def enrol_eligible(request: HttpRequest, program_id: int, payload: EnrolEligibleIn):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    added, kept = services.enrolment_add_eligible(program=program, role=payload.role, capacity=payload.capacity)
    return EnrolOut(added=added, already_enrolled=kept)


@router.post("/programs/{program_id}/enrolments/import", response=EnrolOut,
             summary="Enrol from a CSV or XLSX file (employee_id, role, capacity); all rows or none",
             description="Errors come as a 400 with `errors`: `[{row, column, value, message}]`, rows numbered as "
                         "in the spreadsheet (the header is row 1). Nobody is enrolled unless every row is valid.")
def enrol_import(request: HttpRequest, program_id: int, file: File[UploadedFile]):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    result = services.enrolment_import(program=program, data=file.read(), file_name=file.name or "")
    return EnrolOut(**result)


# -- program administration: enrolments, withdrawal, closing, a mentor's load (issue 14 §2) ---


class EnrolmentOut(Schema):
    id: int
    employee_id: str = Field(..., alias="person.employee_id")
    name: str = Field(..., alias="person.full_name")
    role: str
    status: str
    capacity: int | None
    open_pairs: int = Field(..., description="The person's open pairs in this program, on this enrolment's side.")


class EnrolmentQuery(Schema):
    role: EnrolmentRole | None = None
    status: Literal["active", "withdrawn"] | None = None


@router.get("/programs/{program_id}/enrolments", response=list[EnrolmentOut],
            summary="Everyone enrolled, withdrawn people too (the program's manager or HR), paginated")
@paginate(PageNumberPagination, page_size=100)
def enrolment_list(request: HttpRequest, program_id: int, q: Query[EnrolmentQuery]):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_administer_enrolments(actor, program))
    qs = selectors.enrolments_for_export(program=program)
    if q.role:
        qs = qs.filter(role=q.role)
    if q.status:
        qs = qs.filter(status=q.status)
    # the list's columns only (the export's department and job profile are not in it)
    qs = qs.select_related(None).select_related("person").only(
        "id", "role", "status", "capacity", "person_id", "person__employee_id", "person__full_name")
    return KeptOrder(qs, lambda: selectors.enrolment_keys(program=program, role=q.role, status=q.status))


def _enrolment_or_404(program: Program, enrolment_id: int):
    enrolment = selectors.enrolment_in(program=program, enrolment_id=enrolment_id)
    if enrolment is None:
        raise NotFound()
    return enrolment


class ProgramPairOut(Schema):
    mentorship_id: int = Field(..., alias="pk")
    mentor: str = Field(..., alias="mentor.employee_id")
    mentee: str = Field(..., alias="mentee.employee_id")
    status: str


class ConsequencesOut(Schema):
    cancelled: list[ProgramPairOut] = Field(..., description="Open pairs that never started: cancelled.")
    ended: list[ProgramPairOut] = Field(..., description="Active pairs: ended early (withdrawal) or completed (closing).")


@router.get("/programs/{program_id}/enrolments/{int:enrolment_id}/withdrawal", response=ConsequencesOut,
            summary="What withdrawing this enrolment would do to open pairs (nothing changes)")
def withdrawal_preview(request: HttpRequest, program_id: int, enrolment_id: DbId):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_administer_enrolments(actor, program))
    c = selectors.withdrawal_consequences(enrolment=_enrolment_or_404(program, enrolment_id))
    return {"cancelled": c.cancelled, "ended": c.ended}


class WithdrawIn(Schema):
    reason: SingleLine = Field("", max_length=300, description="Kept in each closed pair's history.")


class WithdrawOut(Schema):
    cancelled: int
    ended_early: int


@router.post("/programs/{program_id}/enrolments/{int:enrolment_id}/withdraw", response=WithdrawOut,
             summary="Withdraw a person: their open pairs here are cancelled (not started) or end early (active); "
                     "the other side is told")
def enrolment_withdraw(request: HttpRequest, program_id: int, enrolment_id: DbId, payload: WithdrawIn):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_administer_enrolments(actor, program))
    enrolment = _enrolment_or_404(program, enrolment_id)
    return services.enrolment_withdraw(enrolment=enrolment, actor=actor, reason=payload.reason)


@router.delete("/programs/{program_id}/enrolments/{int:enrolment_id}", response={204: None},
               summary="Remove an enrolment made by mistake (only if the person never had a pair here)")
def enrolment_remove(request: HttpRequest, program_id: int, enrolment_id: DbId):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_administer_enrolments(actor, program))
    services.enrolment_remove(enrolment=_enrolment_or_404(program, enrolment_id))
    return Status(204, None)


class ExportQuery(Schema):
    format: Literal["csv", "xlsx"] = "csv"


@router.get("/programs/{program_id}/enrolments/export", summary="Every enrolment as CSV or XLSX",
            response={200: None})
def enrolment_export(request: HttpRequest, program_id: int, q: Query[ExportQuery]):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_administer_enrolments(actor, program))
    return exports.enrolment_table(program=program, fmt=q.format)


@router.get("/programs/{program_id}/closing", response=ConsequencesOut,
            summary="What closing the program would do to its open pairs (nothing changes)")
def closing_preview(request: HttpRequest, program_id: int):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_administer_enrolments(actor, program))
    c = selectors.close_consequences(program=program)
    return {"cancelled": c.cancelled, "ended": c.ended}


class StatusIn(Schema):
    status: Literal["open", "running", "closed"]


@router.post("/programs/{program_id}/status", response=ProgramOut,
             summary="Move the program on: open, running, closed (closing completes active pairs and cancels the "
                     "others; see GET …/closing first)")
def program_status(request: HttpRequest, program_id: int, payload: StatusIn):
    actor, program = program_or_404(request, program_id)
    authz.require(authz.can_administer_enrolments(actor, program))
    return services.program_set_status(program=program, status=payload.status, actor=actor)


class ProgramLoadOut(Schema):
    program_id: int = Field(..., alias="program.pk")
    program: str = Field(..., alias="program.name")
    program_status: str = Field(..., alias="program.status")
    active_pairs: int
    open_pairs: int
    capacity: int


class MentorLoadOut(Schema):
    employee_id: str = Field(..., alias="person.employee_id")
    open_pairs: int = Field(..., description="Across every program.")
    capacity: int = Field(..., description="The person's limit across programs.")
    free: int
    programs: list[ProgramLoadOut]


@router.get("/mentors/{employee_id}/load", response=MentorLoadOut,
            summary="A mentor's load: active and open pairs and capacity per program, and across programs")
def mentor_load(request: HttpRequest, employee_id: str):
    actor = authz.actor_for(request.user)
    person = person_get(employee_id=employee_id[:40])
    if person is None:
        raise NotFound()
    authz.require(authz.can_view_mentor_load(actor, person))
    return mentorship_selectors.mentor_load(person=person)
