from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tandem.mentorships.models import OPEN_STATUSES
from tandem.people.models import Person
from tandem.programs.models import EnrolmentRole, EnrolmentStatus, Program, ProgramStatus


def program_overview(*, owner: Person | None) -> QuerySet[Program]:
    """Programs not yet closed, with their enrolment and pairing figures (one query)."""
    qs = Program.objects.exclude(status=ProgramStatus.CLOSED).select_related("owner")
    if owner is not None:
        qs = qs.filter(owner=owner)
    active = Q(enrolments__status=EnrolmentStatus.ACTIVE)
    return qs.annotate(
        mentors=Count("enrolments", filter=active & Q(enrolments__role=EnrolmentRole.MENTOR), distinct=True),
        mentees=Count("enrolments", filter=active & Q(enrolments__role=EnrolmentRole.MENTEE), distinct=True),
        pairs=Count("mentorships", filter=Q(mentorships__status__in=OPEN_STATUSES), distinct=True),
    )


def programs_visible(*, actor) -> QuerySet[Program]:
    """HR and program managers see every program; others see the ones they are enrolled in."""
    qs = Program.objects.select_related("owner").annotate(
        mentors=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACTIVE,
                                             enrolments__role=EnrolmentRole.MENTOR), distinct=True),
        mentees=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACTIVE,
                                             enrolments__role=EnrolmentRole.MENTEE), distinct=True),
    )
    qs = qs.order_by("-starts_on", "name", "id")
    if actor.is_hr or actor.is_program_manager:
        return qs
    if actor.person is None:
        return qs.none()
    return qs.filter(enrolments__person=actor.person).distinct()


def my_enrolments(*, program: Program, person: Person | None) -> dict[str, bool]:
    if person is None:
        return {}
    roles = program.enrolments.filter(person=person, status=EnrolmentStatus.ACTIVE).values_list("role", flat=True)
    return {r: True for r in roles}


def enrolments_of(*, program: Program, role: str | None = None) -> QuerySet:
    from tandem.programs.models import Enrolment

    qs = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).select_related(
        "person__department", "person__job_profile"
    )
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("role", "person__full_name")


def my_programs(*, person: Person) -> list[tuple[Program, list[str]]]:
    """Programs the person takes part in, with their roles, newest first."""
    from tandem.programs.models import Enrolment

    rows = (
        Enrolment.objects.filter(person=person, status=EnrolmentStatus.ACTIVE)
        .exclude(program__status=ProgramStatus.CLOSED)
        .select_related("program")
        .order_by("-program__starts_on", "program_id")
    )
    out: dict[int, tuple[Program, list[str]]] = {}
    for e in rows:
        out.setdefault(e.program_id, (e.program, []))[1].append(e.role)
    return list(out.values())
