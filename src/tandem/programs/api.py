"""Programs and enrolment endpoints."""

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from tandem.core import authz
from tandem.core.errors import NotFound, ValidationFailed
from tandem.core.schemas import SaneDate, SingleLine, StrictDbInt
from tandem.people.selectors import people_by_employee_ids
from tandem.programs import selectors, services
from tandem.programs.models import Program

router = Router(tags=["programs"])


class ProgramIn(Schema):
    name: SingleLine
    description: str = ""
    program_type: str = Field(..., description="classic, reverse, mutual or cohort")
    matching_mode: str = Field(..., description="choose, bulk or mutual_selection")
    starts_on: SaneDate
    ends_on: SaneDate
    default_mentor_capacity: StrictDbInt = 2


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


class EnrolIn(Schema):
    role: str = Field(..., description="mentor or mentee")
    employee_ids: list[str]
    capacity: StrictDbInt | None = None


class EnrolOut(Schema):
    added: int
    already_enrolled: int


def program_or_404(request: HttpRequest, program_id: int) -> tuple[authz.Actor, Program]:
    actor = authz.actor_for(request.user)
    program = Program.objects.select_related("owner").filter(pk=program_id).first()
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound()
    return actor, program


@router.get("/programs", response=list[ProgramOut], summary="Programs I can see")
def program_list(request: HttpRequest):
    return selectors.programs_visible(actor=authz.actor_for(request.user))


@router.post("/programs", response={201: ProgramOut}, summary="Create a program (HR, program managers)")
def program_create(request: HttpRequest, payload: ProgramIn):
    actor = authz.actor_for(request.user)
    authz.require(authz.can_create_program(actor) and actor.person is not None)
    return Status(201, services.program_create(owner=actor.person, **payload.dict()))


@router.get("/programs/{program_id}", response=ProgramOut)
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
