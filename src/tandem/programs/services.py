"""Writes for programs, their timeline and cadence policy, eligibility and enrolment.

Domain events (``tandem.core.events``, delivered on commit): ``program.created`` and
``program.closed`` (``program_id``, ``actor_user_id``) and ``enrolment.changed`` (``program_id``,
``person_ids``). The mentorships app completes a closed program's active pairs on
``program.closed``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core import events, validators
from tandem.core.errors import ApplicationError, Conflict, ValidationFailed
from tandem.mentorships.services import mentorships_close_for_withdrawal
from tandem.people.models import Department, JobProfile, Language, Person
from tandem.programs.blueprints import get_blueprint, text_in, translations_of
from tandem.programs.errors import ProgramErrorCode
from tandem.programs.models import (
    DUTY_PARAMS,
    MAX_DAY,
    OPTIONAL_SIGNERS,
    CadenceDuty,
    Concerns,
    DutyPeriod,
    DutyRequirement,
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    MatchingMode,
    MilestoneKind,
    Phase,
    Program,
    ProgramMilestone,
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
              ends_on: datetime.date | None, default_mentor_capacity: int, description: str = "",
              agreement_signers: Iterable[str] | None = None) -> None:
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
    for field_name, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        problem = validators.date_problem(value)
        if problem:
            errors[field_name] = [problem]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The program cannot end before it starts.")]
    if not 1 <= int(default_mentor_capacity) <= 20:
        errors["default_mentor_capacity"] = [_("Between 1 and 20 mentees per mentor.")]
    text_check(errors, "name", name or "", max_length=10**6)  # control characters
    text_check(errors, "description", description, max_length=4000, multiline=True)
    if agreement_signers is not None:
        unknown = [s for s in agreement_signers if s not in OPTIONAL_SIGNERS]
        if unknown:
            errors["agreement_signers"] = [_("Who else signs: choose from %(parties)s.") % {
                "parties": ", ".join(OPTIONAL_SIGNERS)}]
    if errors:
        raise ValidationFailed(errors)


# -- shared checks ---------------------------------------------------------------------------

def text_check(errors: dict[str, list[str]], field: str, value: str, *, max_length: int,
               required: bool = False, multiline: bool = False) -> str:
    """Add an error for ``field`` when ``value`` is missing (if required), too long or holds control
    characters (``core.validators``: NUL and the rest; descriptions may hold line breaks and tabs).
    Returns it stripped."""
    value = value or ""
    problem = (validators.multi_line_problem if multiline else validators.single_line_problem)(value)
    if problem:
        errors.setdefault(field, []).append(problem)
    elif required and not value.strip():
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(value) > max_length:
        errors.setdefault(field, []).append(_("At most %(n)s characters.") % {"n": max_length})
    return value.strip()


def _user_id(actor: Any) -> int | None:
    """The user ID of an ``authz.Actor``, a user, or None."""
    if actor is None:
        return None
    user = getattr(actor, "user", actor)
    return getattr(user, "pk", None)


def _signers(values: Iterable[str] | None) -> list[str]:
    return [p for p in OPTIONAL_SIGNERS if p in set(values or [])]


@transaction.atomic
def program_create(
    *, name: str, program_type: str, matching_mode: str, starts_on: datetime.date | None,
    ends_on: datetime.date | None, owner: Person, description: str = "", default_mentor_capacity: int = 2,
    agreement_required: bool = True, agreement_signers: Iterable[str] | None = None, actor: Any = None,
) -> Program:
    agreement_signers = list(agreement_signers or [])
    _validate(name=name, program_type=program_type, matching_mode=matching_mode, starts_on=starts_on,
              ends_on=ends_on, default_mentor_capacity=default_mentor_capacity, description=description,
              agreement_signers=agreement_signers)
    program = Program.objects.create(
        name=name.strip(), program_type=program_type, matching_mode=matching_mode, starts_on=starts_on,
        ends_on=ends_on, owner=owner, description=description, default_mentor_capacity=default_mentor_capacity,
        agreement_required=bool(agreement_required), agreement_signers=_signers(agreement_signers),
    )
    events.emit("program.created", program_id=program.pk, actor_user_id=_user_id(actor))
    return program


@transaction.atomic
def program_update(
    *, program: Program, name: str, program_type: str, matching_mode: str, starts_on: datetime.date | None,
    ends_on: datetime.date | None, description: str = "", default_mentor_capacity: int = 2,
    agreement_required: bool | None = None, agreement_signers: Iterable[str] | None = None,
) -> Program:
    """Change a program's details. Its type and matching mode are fixed once people are paired; its
    dates cannot cut off a phase (move or shorten the phase first). The agreement settings change
    only when given."""
    if agreement_signers is not None:
        agreement_signers = list(agreement_signers)
    _validate(name=name, program_type=program_type, matching_mode=matching_mode, starts_on=starts_on,
              ends_on=ends_on, default_mentor_capacity=default_mentor_capacity, description=description,
              agreement_signers=agreement_signers)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if (program_type, matching_mode) != (program.program_type, program.matching_mode) and program.mentorships.exists():
        raise ValidationFailed({"matching_mode": [_("People are already paired in this program: its type and "
                                                    "matching mode can no longer change.")]})
    last_day = (ends_on - starts_on).days + 1
    latest = max(program.phases.values_list("end_day", flat=True), default=0)
    if latest > last_day:
        raise ValidationFailed({"ends_on": [_("A phase runs until day %(day)s: the program must last at least "
                                              "%(day)s days (until %(date)s), or shorten the phase first.") % {
            "day": latest, "date": starts_on + datetime.timedelta(days=latest - 1)}]})
    program.name, program.description = name.strip(), description
    program.program_type, program.matching_mode = program_type, matching_mode
    program.starts_on, program.ends_on = starts_on, ends_on
    program.default_mentor_capacity = default_mentor_capacity
    fields = ["name", "description", "program_type", "matching_mode", "starts_on", "ends_on",
              "default_mentor_capacity", "updated_at"]
    if agreement_required is not None:
        program.agreement_required = bool(agreement_required)
        fields.append("agreement_required")
    if agreement_signers is not None:
        program.agreement_signers = _signers(agreement_signers)
        fields.append("agreement_signers")
    program.save(update_fields=fields)
    return program


@transaction.atomic
def program_set_status(*, program: Program, status: str, actor: Any = None) -> Program:
    """Move a program along ``TRANSITIONS``. Closing emits ``program.closed``, on which the
    mentorships app completes the program's active pairs."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if status not in TRANSITIONS.get(program.status, set()):
        raise ValidationFailed(
            {"status": [_("A program cannot go from “%(old)s” to “%(new)s”.") % {
                "old": program.get_status_display(), "new": status}]}
        )
    program.status = status
    program.save(update_fields=["status", "updated_at"])
    if status == ProgramStatus.CLOSED:
        events.emit("program.closed", program_id=program.pk, actor_user_id=_user_id(actor))
    return program


def program_close(*, program: Program, actor: Any = None) -> Program:
    """Close the program (its active pairs are completed by the mentorships app, on the event)."""
    return program_set_status(program=program, status=ProgramStatus.CLOSED, actor=actor)


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
    changed = [e.person_id for e in added] + [e.person_id for e in revived]
    if changed:
        events.emit("enrolment.changed", program_id=program.pk, person_ids=changed)
    return len(added) + len(revived), kept


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, actor: Any = None, reason: str = "") -> dict[str, int]:
    """Withdraw a person from the program in one role. Their open pairs there close with them:
    pairs that never started are cancelled, active ones end early, each with the reason in its
    history and the other side told (the mentorship events). The enrolment is kept, withdrawn, so
    the program's figures stay honest; enrolling the person again brings it back. Returns the
    counts of pairs cancelled and ended early."""
    errors: dict[str, list[str]] = {}
    reason = text_check(errors, "reason", reason, max_length=300)
    if errors:
        raise ValidationFailed(errors)
    enrolment = Enrolment.objects.select_for_update().select_related("program", "person").get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise Conflict(_("%(name)s has already withdrawn from the program.") % {"name": enrolment.person.full_name},
                       code=ProgramErrorCode.ALREADY_WITHDRAWN)
    if enrolment.program.status == ProgramStatus.CLOSED:
        raise Conflict(_("The program is closed: its enrolments are kept as they were."),
                       code=ProgramErrorCode.PROGRAM_CLOSED)
    note = _("%(name)s withdrew from the program.") % {"name": enrolment.person.full_name}
    counts = mentorships_close_for_withdrawal(program=enrolment.program, person=enrolment.person,
                                              role=enrolment.role, actor=actor,
                                              reason=f"{note} {reason}".strip())
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status", "updated_at"])
    events.emit("enrolment.changed", program_id=enrolment.program_id, person_ids=[enrolment.person_id])
    return counts


@transaction.atomic
def enrolment_remove(*, enrolment: Enrolment) -> None:
    """Remove an enrolment made by mistake: only when the person never had a pair (nor a request)
    in this program in that role; otherwise withdraw them, which keeps the history."""
    from tandem.mentorships.models import Mentorship

    enrolment = Enrolment.objects.select_for_update().select_related("person").get(pk=enrolment.pk)
    side = "mentor" if enrolment.role == EnrolmentRole.MENTOR else "mentee"
    if Mentorship.objects.filter(program_id=enrolment.program_id, **{side: enrolment.person_id}).exists():
        raise Conflict(_("%(name)s has pairs in this program: withdraw them instead, so their history is kept.")
                       % {"name": enrolment.person.full_name}, code=ProgramErrorCode.HAS_PAIRS)
    program_id, person_id = enrolment.program_id, enrolment.person_id
    enrolment.delete()
    events.emit("enrolment.changed", program_id=program_id, person_ids=[person_id])


# -- templates -------------------------------------------------------------------------------


@transaction.atomic
def program_create_from_template(
    *, template_code: str, name: str, starts_on: datetime.date | None, owner: Person, actor: Any = None,
    ends_on: datetime.date | None = None, description: str | None = None, matching_mode: str | None = None,
    default_mentor_capacity: int | None = None,
) -> Program:
    """A new draft program with the template's settings, phases, milestones and cadence duties
    (translations included), all editable afterwards. It ends when the template's timeline ends
    unless ``ends_on`` is given; it must leave room for every phase."""
    blueprint = get_blueprint(template_code)
    if blueprint is None:
        raise ValidationFailed({"template_code": [_("There is no template “%(code)s”.") % {"code": template_code[:40]}]})
    problem = validators.date_problem(starts_on)
    if problem:
        raise ValidationFailed({"starts_on": [problem]})
    if starts_on is not None and ends_on is None:
        ends_on = starts_on + datetime.timedelta(days=blueprint.length_days - 1)
    needed = max(p.end_day for p in blueprint.phases)
    if starts_on is not None and ends_on is not None and (ends_on - starts_on).days + 1 < needed:
        raise ValidationFailed({"ends_on": [_("This template's timeline takes %(n)s days: end on %(date)s or later.") % {
            "n": needed, "date": starts_on + datetime.timedelta(days=needed - 1)}]})
    program = program_create(
        name=name, program_type=blueprint.program_type, matching_mode=matching_mode or blueprint.matching_mode,
        starts_on=starts_on, ends_on=ends_on, owner=owner,
        description=text_in(blueprint.description) if description is None else description,
        default_mentor_capacity=default_mentor_capacity or blueprint.default_mentor_capacity,
        agreement_required=blueprint.agreement_required, agreement_signers=blueprint.agreement_signers,
        actor=actor,
    )
    program.template_code = blueprint.code
    program.save(update_fields=["template_code"])
    for order, bp in enumerate(blueprint.phases):
        phase = Phase.objects.create(
            program=program, order=order, name=bp.name["en"], description=bp.description.get("en", ""),
            start_day=bp.start_day, end_day=bp.end_day,
            translations=translations_of(name=bp.name, description=bp.description),
        )
        ProgramMilestone.objects.bulk_create([
            ProgramMilestone(phase=phase, name=m.name["en"], kind=m.kind, due_day=m.due_day, concerns=m.concerns,
                             description=m.description.get("en", ""),
                             translations=translations_of(name=m.name, description=m.description))
            for m in bp.milestones
        ])
    CadenceDuty.objects.bulk_create([
        CadenceDuty(program=program, code=d.code, order=i, name=d.name["en"], description=d.description.get("en", ""),
                    required=d.required, period=d.period, requirement=d.requirement, params=dict(d.params),
                    concerns=d.concerns, translations=translations_of(name=d.name, description=d.description))
        for i, d in enumerate(blueprint.duties)
    ])
    return program


# -- the timeline ----------------------------------------------------------------------------


def _editable(program: Program) -> None:
    if program.status == ProgramStatus.CLOSED:
        raise ApplicationError(_("The program is closed: its timeline can no longer change."), code="program_closed",
                               status=409)


def _day(errors: dict[str, list[str]], field: str, value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.setdefault(field, []).append(_("Enter a whole number of days."))
        return None
    if not 1 <= value <= MAX_DAY:
        errors.setdefault(field, []).append(_("Enter a day from 1 to %(max)s.") % {"max": MAX_DAY})
        return None
    return value


def _phase_check(*, program: Program, name: str, description: str, start_day: Any, end_day: Any,
                 phase: Phase | None = None) -> tuple[str, str, int, int]:
    errors: dict[str, list[str]] = {}
    name = text_check(errors, "name", name, max_length=120, required=True)
    description = text_check(errors, "description", description, max_length=2000, multiline=True)
    start, end = _day(errors, "start_day", start_day), _day(errors, "end_day", end_day)
    last = program.length_days
    if start is not None and end is not None:
        if end < start:
            errors.setdefault("end_day", []).append(_("A phase must end on or after the day it starts."))
        elif end > last:
            errors.setdefault("end_day", []).append(
                _("The program ends on %(date)s (day %(day)s): the phase must end by then.") % {
                    "date": program.ends_on, "day": last})
        if phase is not None and not errors:
            outside = phase.milestones.exclude(due_day__gte=start, due_day__lte=end).order_by("due_day").first()
            if outside is not None:
                errors.setdefault("start_day" if outside.due_day < start else "end_day", []).append(
                    _("The milestone “%(name)s” is due on day %(day)s: keep it inside the phase or move it first.")
                    % {"name": outside.name, "day": outside.due_day})
    if errors:
        raise ValidationFailed(errors)
    return name, description, start, end


@transaction.atomic
def phase_create(*, program: Program, name: str, start_day: int, end_day: int, description: str = "",
                 order: int | None = None) -> Phase:
    """A phase from day ``start_day`` to ``end_day`` (day 1 is the program's start), inside the program."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    _editable(program)
    name, description, start, end = _phase_check(program=program, name=name, description=description,
                                                 start_day=start_day, end_day=end_day)
    if order is None:
        order = max(program.phases.values_list("order", flat=True), default=-1) + 1
    return Phase.objects.create(program=program, order=min(max(int(order), 0), 1000), name=name,
                                description=description, start_day=start, end_day=end)


@transaction.atomic
def phase_update(*, phase: Phase, name: str, start_day: int, end_day: int, description: str = "",
                 order: int | None = None) -> Phase:
    program = Program.objects.select_for_update().get(pk=phase.program_id)
    _editable(program)
    name, description, start, end = _phase_check(program=program, name=name, description=description,
                                                 start_day=start_day, end_day=end_day, phase=phase)
    if name != phase.name or description != phase.description:
        phase.translations = {}  # the translations described the old text
    phase.name, phase.description, phase.start_day, phase.end_day = name, description, start, end
    if order is not None:
        phase.order = min(max(int(order), 0), 1000)
    phase.save(update_fields=["name", "description", "start_day", "end_day", "order", "translations", "updated_at"])
    return phase


@transaction.atomic
def phase_delete(*, phase: Phase) -> None:
    """Remove a phase and its milestones."""
    _editable(phase.program)
    phase.delete()


def _milestone_check(*, phase: Phase, name: str, kind: str, due_day: Any, concerns: str,
                     description: str) -> tuple[str, str, int]:
    errors: dict[str, list[str]] = {}
    name = text_check(errors, "name", name, max_length=160, required=True)
    description = text_check(errors, "description", description, max_length=2000, multiline=True)
    if kind not in MilestoneKind.values:
        errors["kind"] = [_("Choose a kind: %(kinds)s.") % {"kinds": ", ".join(MilestoneKind.values)}]
    if concerns not in Concerns.values:
        errors["concerns"] = [_("Choose whom it concerns: %(who)s.") % {"who": ", ".join(Concerns.values)}]
    day = _day(errors, "due_day", due_day)
    if day is not None and not phase.start_day <= day <= phase.end_day:
        errors.setdefault("due_day", []).append(
            _("The phase “%(phase)s” runs from day %(start)s to day %(end)s: the milestone must fall inside it.")
            % {"phase": phase.name, "start": phase.start_day, "end": phase.end_day})
    if errors:
        raise ValidationFailed(errors)
    return name, description, day


@transaction.atomic
def milestone_create(*, phase: Phase, name: str, kind: str, due_day: int, concerns: str = Concerns.PAIR,
                     description: str = "") -> ProgramMilestone:
    Program.objects.select_for_update().get(pk=phase.program_id)
    _editable(phase.program)
    name, description, day = _milestone_check(phase=phase, name=name, kind=kind, due_day=due_day,
                                              concerns=concerns, description=description)
    return ProgramMilestone.objects.create(phase=phase, name=name, kind=kind, due_day=day, concerns=concerns,
                                           description=description)


@transaction.atomic
def milestone_update(*, milestone: ProgramMilestone, name: str, kind: str, due_day: int, concerns: str,
                     description: str = "", phase: Phase | None = None) -> ProgramMilestone:
    """Change a milestone; ``phase`` moves it to another phase of the same program."""
    phase = phase or milestone.phase
    if phase.program_id != milestone.phase.program_id:
        raise ValidationFailed({"phase": [_("Choose a phase of the same program.")]})
    Program.objects.select_for_update().get(pk=phase.program_id)
    _editable(phase.program)
    name, description, day = _milestone_check(phase=phase, name=name, kind=kind, due_day=due_day,
                                              concerns=concerns, description=description)
    if name != milestone.name or description != milestone.description:
        milestone.translations = {}
    milestone.phase, milestone.name, milestone.kind, milestone.due_day = phase, name, kind, day
    milestone.concerns, milestone.description = concerns, description
    milestone.save(update_fields=["phase", "name", "kind", "due_day", "concerns", "description", "translations",
                                  "updated_at"])
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: ProgramMilestone) -> None:
    _editable(milestone.phase.program)
    milestone.delete()


@transaction.atomic
def milestone_set_done(*, milestone: ProgramMilestone, done: bool, by: Person | None) -> ProgramMilestone:
    """The program team ticks (or unticks) a milestone for the program as a whole."""
    milestone = ProgramMilestone.objects.select_for_update().get(pk=milestone.pk)
    if done and milestone.done_at is None:
        milestone.done_at, milestone.done_by = timezone.now(), by
    elif not done:
        milestone.done_at, milestone.done_by = None, None
    milestone.save(update_fields=["done_at", "done_by", "updated_at"])
    return milestone


# -- the cadence policy ----------------------------------------------------------------------

_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_SESSION_REQUIREMENTS = {DutyRequirement.SESSION, DutyRequirement.SESSION_IN_DEPTH}


#: How often a GRAI review is asked for (``params.cadence`` of a ``grai_review`` duty: source 003's
#: daily, weekly and monthly shares; see ``assessments.grai_services.cadence_of``).
GRAI_CADENCES = ("daily", "weekly", "monthly")


def duty_params_check(errors: dict[str, list[str]], requirement: str, params: Any) -> dict[str, Any]:
    """``params`` as stored: known keys only, whole numbers in bounds; minutes only for sessions;
    a GRAI review's ``cadence`` one of :data:`GRAI_CADENCES`."""
    if params in (None, ""):
        return {}
    if not isinstance(params, dict):
        errors["params"] = [_("Give the parameters as an object, e.g. {\"min_count\": 1}.")]
        return {}
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key == "cadence" and requirement == "grai_review":
            if value not in GRAI_CADENCES:
                errors.setdefault("params", []).append(
                    _("cadence: one of %(values)s.") % {"values": ", ".join(GRAI_CADENCES)})
            else:
                out[key] = value
            continue
        if key not in DUTY_PARAMS:
            errors.setdefault("params", []).append(_("Unknown parameter “%(key)s”; allowed: %(keys)s.") % {
                "key": str(key)[:40], "keys": ", ".join(DUTY_PARAMS)})
            continue
        low, high = DUTY_PARAMS[key]
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors.setdefault("params", []).append(_("%(key)s: a whole number from %(low)s to %(high)s.") % {
                "key": key, "low": low, "high": high})
            continue
        if key == "min_minutes" and requirement not in _SESSION_REQUIREMENTS:
            errors.setdefault("params", []).append(_("A minimum length applies to sessions only."))
            continue
        out[key] = value
    return out


def _duty_check(*, program: Program, code: str, name: str, description: str, required: Any, period: str,
                requirement: str, params: Any, concerns: str, duty: CadenceDuty | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    code = (code or "").strip()
    if not _CODE.fullmatch(code):
        errors["code"] = [_("A code of 1 to 40 lower-case letters, digits, “-” or “_”.")]
    elif program.cadence_duties.filter(code=code).exclude(pk=duty.pk if duty else None).exists():
        errors["code"] = [_("Another duty of this program has this code.")]
    name = text_check(errors, "name", name, max_length=160, required=True)
    description = text_check(errors, "description", description, max_length=2000, multiline=True)
    if period not in DutyPeriod.values:
        errors["period"] = [_("Choose how often: %(periods)s.") % {"periods": ", ".join(DutyPeriod.values)}]
    if requirement not in DutyRequirement.values:
        errors["requirement"] = [_("Choose what counts: %(codes)s.") % {"codes": ", ".join(DutyRequirement.values)}]
    if concerns not in Concerns.values:
        errors["concerns"] = [_("Choose whose duty it is: %(who)s.") % {"who": ", ".join(Concerns.values)}]
    clean = duty_params_check(errors, requirement, params)
    if errors:
        raise ValidationFailed(errors)
    return {"code": code, "name": name, "description": description, "required": bool(required), "period": period,
            "requirement": requirement, "params": clean, "concerns": concerns}


@transaction.atomic
def duty_create(*, program: Program, code: str, name: str, period: str, requirement: str, required: bool = True,
                params: dict[str, int] | None = None, concerns: str = Concerns.MENTOR,
                description: str = "") -> CadenceDuty:
    program = Program.objects.select_for_update().get(pk=program.pk)
    _editable(program)
    values = _duty_check(program=program, code=code, name=name, description=description, required=required,
                         period=period, requirement=requirement, params=params, concerns=concerns)
    order = max(program.cadence_duties.values_list("order", flat=True), default=-1) + 1
    return CadenceDuty.objects.create(program=program, order=order, **values)


@transaction.atomic
def duty_update(*, duty: CadenceDuty, code: str, name: str, period: str, requirement: str, required: bool,
                params: dict[str, int] | None = None, concerns: str = Concerns.MENTOR,
                description: str = "") -> CadenceDuty:
    program = Program.objects.select_for_update().get(pk=duty.program_id)
    _editable(program)
    values = _duty_check(program=program, code=code, name=name, description=description, required=required,
                         period=period, requirement=requirement, params=params, concerns=concerns, duty=duty)
    if values["name"] != duty.name or values["description"] != duty.description:
        duty.translations = {}
    for key, value in values.items():
        setattr(duty, key, value)
    duty.save(update_fields=[*values, "translations", "updated_at"])
    return duty


@transaction.atomic
def duty_delete(*, duty: CadenceDuty) -> None:
    _editable(duty.program)
    duty.delete()


# -- eligibility -----------------------------------------------------------------------------


@transaction.atomic
def program_set_eligibility(
    *, program: Program, departments: Iterable[Department] = (), job_profiles: Iterable[JobProfile] = (),
    languages: Iterable[Language] = (), hired_from: datetime.date | None = None,
    hired_to: datetime.date | None = None,
) -> Program:
    """Who the program is for. Rules left empty do not filter; the others must all hold."""
    if hired_from and hired_to and hired_to < hired_from:
        raise ValidationFailed({"hired_to": [_("The hire-date window ends before it starts.")]})
    Program.objects.select_for_update().filter(pk=program.pk).first()
    program.eligible_hired_from, program.eligible_hired_to = hired_from, hired_to
    program.save(update_fields=["eligible_hired_from", "eligible_hired_to", "updated_at"])
    program.eligible_departments.set(list(departments))
    program.eligible_job_profiles.set(list(job_profiles))
    program.eligible_languages.set(list(languages))
    return program


@transaction.atomic
def enrolment_add_eligible(*, program: Program, role: str, capacity: int | None = None) -> tuple[int, int]:
    """Enrol everyone the eligibility rules select (see ``selectors.eligible_people``)."""
    from tandem.programs.selectors import eligible_people

    if not program_has_rules(program):
        raise ValidationFailed({"eligibility": [_("Set at least one eligibility rule first: without rules "
                                                  "everyone in the company would be enrolled.")]})
    return enrolment_add(program=program, people=eligible_people(program=program), role=role, capacity=capacity)


def program_has_rules(program: Program) -> bool:
    return bool(program.eligible_hired_from or program.eligible_hired_to or program.eligible_departments.exists()
                or program.eligible_job_profiles.exists() or program.eligible_languages.exists())


# -- enrolment import ------------------------------------------------------------------------


@transaction.atomic
def enrolment_import(*, program: Program, data: bytes, file_name: str) -> dict[str, int]:
    """Enrol the people in a CSV or XLSX file (employee_id, role, optional capacity). Every row is
    checked first; any error raises ``ValidationFailed`` with the errors by row and column (the
    people import's format) and nothing is enrolled."""
    from tandem.programs.importing import EnrolmentFile

    if program.status == ProgramStatus.CLOSED:
        raise ValidationFailed({"program": [_("The program is closed.")]})
    rows = EnrolmentFile.read(data, file_name).validated()
    added = kept = 0
    for (role, capacity), people in rows.items():
        a, k = enrolment_add(program=program, people=people, role=role, capacity=capacity)
        added, kept = added + a, kept + k
    return {"added": added, "already_enrolled": kept}

