"""Writes for programs and enrolment."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tandem.core.errors import ValidationFailed
from tandem.people.models import Person
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    MatchingMode,
    Program,
    ProgramStatus,
    ProgramType,
)

# Allowed status moves (Saleor style: transitions live in the service that moves them).
TRANSITIONS = {
    ProgramStatus.DRAFT: {ProgramStatus.OPEN, ProgramStatus.CLOSED},
    ProgramStatus.OPEN: {ProgramStatus.RUNNING, ProgramStatus.CLOSED},
    ProgramStatus.RUNNING: {ProgramStatus.CLOSED},
    ProgramStatus.CLOSED: set(),
}


def _validate(*, name: str, program_type: str, matching_mode: str, starts_on: datetime.date | None,
              ends_on: datetime.date | None, default_mentor_capacity: int) -> None:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("Give the program a name.")]
    elif len(name) > 160:
        errors["name"] = [_("Keep the name under 160 characters.")]
    if program_type not in ProgramType.values:
        errors["program_type"] = [_("Choose a program type.")]
    if matching_mode not in MatchingMode.values:
        errors["matching_mode"] = [_("Choose how people get matched.")]
    if starts_on is None:
        errors["starts_on"] = [_("Enter a start date.")]
    if ends_on is None:
        errors["ends_on"] = [_("Enter an end date.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The program cannot end before it starts.")]
    if not 1 <= int(default_mentor_capacity) <= 20:
        errors["default_mentor_capacity"] = [_("Between 1 and 20 mentees per mentor.")]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def program_create(
    *, name: str, program_type: str, matching_mode: str, starts_on: datetime.date | None,
    ends_on: datetime.date | None, owner: Person, description: str = "", default_mentor_capacity: int = 2,
) -> Program:
    _validate(name=name, program_type=program_type, matching_mode=matching_mode, starts_on=starts_on,
              ends_on=ends_on, default_mentor_capacity=default_mentor_capacity)
    return Program.objects.create(
        name=name.strip(), program_type=program_type, matching_mode=matching_mode, starts_on=starts_on,
        ends_on=ends_on, owner=owner, description=description, default_mentor_capacity=default_mentor_capacity,
    )


@transaction.atomic
def program_update(
    *, program: Program, name: str, program_type: str, matching_mode: str, starts_on: datetime.date | None,
    ends_on: datetime.date | None, description: str = "", default_mentor_capacity: int = 2,
) -> Program:
    """Change a program's details. Its type and matching mode are fixed once people are paired."""
    _validate(name=name, program_type=program_type, matching_mode=matching_mode, starts_on=starts_on,
              ends_on=ends_on, default_mentor_capacity=default_mentor_capacity)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if (program_type, matching_mode) != (program.program_type, program.matching_mode) and program.mentorships.exists():
        raise ValidationFailed({"matching_mode": [_("People are already paired in this program: its type and "
                                                    "matching mode can no longer change.")]})
    program.name, program.description = name.strip(), description
    program.program_type, program.matching_mode = program_type, matching_mode
    program.starts_on, program.ends_on = starts_on, ends_on
    program.default_mentor_capacity = default_mentor_capacity
    program.save(update_fields=["name", "description", "program_type", "matching_mode", "starts_on", "ends_on",
                                "default_mentor_capacity", "updated_at"])
    return program


@transaction.atomic
def program_set_status(*, program: Program, status: str) -> Program:
    program = Program.objects.select_for_update().get(pk=program.pk)
    if status not in TRANSITIONS.get(program.status, set()):
        raise ValidationFailed(
            {"status": [_("A program cannot go from “%(old)s” to “%(new)s”.") % {
                "old": program.get_status_display(), "new": status}]}
        )
    program.status = status
    program.save(update_fields=["status", "updated_at"])
    return program


@transaction.atomic
def enrolment_add(
    *, program: Program, people: Iterable[Person], role: str, capacity: int | None = None
) -> tuple[int, int]:
    """Enrol people in one role. Returns (added, already enrolled). Withdrawn people come back."""
    if role not in EnrolmentRole.values:
        raise ValidationFailed({"role": [_("Choose mentor or mentee.")]})
    if capacity is not None and not 1 <= capacity <= 20:
        raise ValidationFailed({"capacity": [_("Between 1 and 20 mentees per mentor.")]})
    if program.status == ProgramStatus.CLOSED:
        raise ValidationFailed({"program": [_("The program is closed.")]})
    people = list(people)
    existing = {
        e.person_id: e for e in Enrolment.objects.select_for_update().filter(program=program, role=role,
                                                                             person__in=people)
    }
    added, kept, revived = [], 0, []
    for p in people:
        e = existing.get(p.pk)
        if e is None:
            added.append(Enrolment(program=program, person=p, role=role, capacity=capacity))
        elif e.status == EnrolmentStatus.WITHDRAWN:
            e.status = EnrolmentStatus.ACTIVE
            revived.append(e)
        else:
            kept += 1
    try:
        Enrolment.objects.bulk_create(added)
    except IntegrityError as exc:  # a concurrent enrolment of the same person
        raise ValidationFailed({"people": [_("Someone was enrolled at the same moment; try again.")]}) from exc
    Enrolment.objects.bulk_update(revived, ["status"])
    return len(added) + len(revived), kept


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment) -> Enrolment:
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status", "updated_at"])
    return enrolment
