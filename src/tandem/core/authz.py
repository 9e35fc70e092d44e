"""Every authorisation rule in Tandem, in one place. Web views and API handlers both call these.

Roles
-----
- HR admin: the ``hr_admin`` group (or a superuser). Sees and edits everything.
- Program manager: the ``program_manager`` group; manages the programs they own.
- Department head: ``Department.head``; sees the people of their department and its sub-departments.
- Mentor / mentee: per program, through enrolment and open mentorships.
- Line manager: ``Person.manager``.

Source 002's boundaries: a mentor may view the mentee's competency model and assess growth
(a ``mentor`` rating); a mentor may not edit the mentee's own entries (topics, self-assessment,
profile) nor record a rating in the mentee's name (a ``self`` rating).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from tandem.core.errors import Forbidden

if TYPE_CHECKING:
    from tandem.people.models import Person
    from tandem.programs.models import Program

HR_ADMIN = "hr_admin"
PROGRAM_MANAGER = "program_manager"


@dataclass
class Actor:
    """Who is asking, with their role facts loaded once per request."""

    user: Any
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def person(self) -> Person | None:
        from tandem.people.models import Person

        if not self.user or not self.user.is_authenticated:
            return None
        return Person.objects.select_related("department").filter(user=self.user).first()

    @cached_property
    def groups(self) -> frozenset[str]:
        if not self.user or not self.user.is_authenticated:
            return frozenset()
        return frozenset(self.user.groups.values_list("name", flat=True))

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user and self.user.is_authenticated and self.user.is_active)

    @property
    def is_hr(self) -> bool:
        return self.is_authenticated and (self.user.is_superuser or HR_ADMIN in self.groups)

    @property
    def is_program_manager(self) -> bool:
        return self.is_authenticated and PROGRAM_MANAGER in self.groups

    @cached_property
    def headed_paths(self) -> tuple[str, ...]:
        if self.person is None:
            return ()
        return tuple(self.person.headed_departments.values_list("path", flat=True))

    @property
    def is_department_head(self) -> bool:
        return bool(self.headed_paths)

    @cached_property
    def mentee_ids(self) -> frozenset[int]:
        """People this actor currently mentors."""
        from tandem.mentorships.models import OPEN_STATUSES, Mentorship

        if self.person is None:
            return frozenset()
        return frozenset(
            Mentorship.objects.filter(mentor=self.person, status__in=OPEN_STATUSES).values_list(
                "mentee_id", flat=True
            )
        )

    @cached_property
    def mentor_ids(self) -> frozenset[int]:
        from tandem.mentorships.models import OPEN_STATUSES, Mentorship

        if self.person is None:
            return frozenset()
        return frozenset(
            Mentorship.objects.filter(mentee=self.person, status__in=OPEN_STATUSES).values_list(
                "mentor_id", flat=True
            )
        )

    @property
    def is_mentor(self) -> bool:
        return bool(self.mentee_ids) or bool(self.person and self.person.mentor_capacity)

    @property
    def is_mentee(self) -> bool:
        return bool(self.mentor_ids)

    @property
    def roles(self) -> list[str]:
        out = []
        if self.is_hr:
            out.append(HR_ADMIN)
        if self.is_program_manager:
            out.append(PROGRAM_MANAGER)
        if self.is_department_head:
            out.append("department_head")
        if self.is_mentor:
            out.append("mentor")
        if self.is_mentee:
            out.append("mentee")
        return out

    # -- relations to another person -------------------------------------------------------

    def is_self(self, person: Person) -> bool:
        return self.person is not None and self.person.pk == person.pk

    def heads_department_of(self, person: Person) -> bool:
        if not self.headed_paths:
            return False
        path = person.department.path
        return any(path.startswith(p) for p in self.headed_paths)

    def is_line_manager_of(self, person: Person) -> bool:
        return self.person is not None and person.manager_id == self.person.pk

    def mentors(self, person: Person) -> bool:
        return person.pk in self.mentee_ids


def actor_for(user: Any) -> Actor:
    """One Actor per user object (cached on it, so a request builds it once)."""
    actor = getattr(user, "_tandem_actor", None)
    if actor is None:
        actor = Actor(user)
        if user is not None:
            try:
                user._tandem_actor = actor
            except AttributeError:  # pragma: no cover - AnonymousUser is a plain object, fine
                pass
    return actor


# -- rules ---------------------------------------------------------------------------------


def can_use_app(actor: Actor) -> bool:
    return actor.is_authenticated


def can_view_directory(actor: Actor) -> bool:
    """The people directory (names, departments, roles, topics) is open to every signed-in user."""
    return actor.is_authenticated


def can_view_profile(actor: Actor, person: Person) -> bool:
    return actor.is_authenticated


def can_view_competencies(actor: Actor, person: Person) -> bool:
    """Ratings, gaps and self-assessments: the person, HR, program managers, their line manager,
    the head of their department, and their mentors (source 002: a mentor views the mentee's model)."""
    return actor.is_authenticated and (
        actor.is_hr
        or actor.is_program_manager
        or actor.is_self(person)
        or actor.is_line_manager_of(person)
        or actor.heads_department_of(person)
        or actor.mentors(person)
    )


def rating_sources_allowed(actor: Actor, person: Person) -> list[str]:
    """Which kinds of rating this actor may record for this person."""
    from tandem.people.models import RatingSource

    sources = []
    if actor.is_self(person):
        sources.append(RatingSource.SELF)
    elif actor.is_line_manager_of(person) or actor.heads_department_of(person):
        sources.append(RatingSource.MANAGER)
    if actor.mentors(person) and not actor.is_self(person):
        sources.append(RatingSource.MENTOR)
    if actor.is_hr:
        sources.append(RatingSource.ASSESSMENT)
    return sources


def can_rate(actor: Actor, person: Person, source: str) -> bool:
    return source in rating_sources_allowed(actor, person)


def can_edit_own_entries(actor: Actor, person: Person) -> bool:
    """Topics, self-assessment, bio and availability belong to the person (and HR may fix them).
    A mentor may not edit them (source 002)."""
    return actor.is_self(person) or actor.is_hr


def can_add_self_assessment(actor: Actor, person: Person) -> bool:
    """Only the person writes their self-assessment; nobody completes it on their behalf."""
    return actor.is_self(person)


def can_edit_person_record(actor: Actor, person: Person | None = None) -> bool:
    """HR-owned fields: employee ID, department, manager, job profile."""
    return actor.is_hr


def can_import(actor: Actor) -> bool:
    return actor.is_hr


def can_view_org_insights(actor: Actor) -> bool:
    return actor.is_hr


def can_create_program(actor: Actor) -> bool:
    return actor.is_hr or actor.is_program_manager


def can_manage_program(actor: Actor, program: Program) -> bool:
    return actor.is_hr or (actor.person is not None and program.owner_id == actor.person.pk)


def can_use_admin(actor: Actor) -> bool:
    return actor.is_authenticated and actor.user.is_staff


def require(allowed: bool) -> None:
    """Raise 403 unless ``allowed``; call as ``require(can_x(actor, obj))``."""
    if not allowed:
        raise Forbidden()


# -- programs and matching -----------------------------------------------------------------


def can_view_program(actor: Actor, program: Program) -> bool:
    """Programs are visible to HR, program managers, and the people enrolled in them."""
    if not actor.is_authenticated:
        return False
    if actor.is_hr or actor.is_program_manager or can_manage_program(actor, program):
        return True
    return actor.person is not None and program.enrolments.filter(person=actor.person).exists()


def enrolled_as(actor: Actor, program: Program, role: str) -> bool:
    from tandem.programs.models import EnrolmentStatus

    return actor.person is not None and program.enrolments.filter(
        person=actor.person, role=role, status=EnrolmentStatus.ACTIVE
    ).exists()


def can_get_recommendations(actor: Actor, program: Program) -> bool:
    """Only an enrolled mentee sees recommendations, and only their own."""
    return enrolled_as(actor, program, "mentee")


def can_answer_request(actor: Actor, mentorship: Any) -> bool:
    """The requested mentor accepts or declines."""
    return actor.person is not None and mentorship.mentor_id == actor.person.pk


def can_act_on_mentorship(actor: Actor, mentorship: Any) -> bool:
    """Either side of the pair (confirm after the introductory meeting, withdraw)."""
    return actor.person is not None and actor.person.pk in (mentorship.mentor_id, mentorship.mentee_id)


def can_run_bulk_match(actor: Actor, program: Program) -> bool:
    return can_manage_program(actor, program)


def can_manage_round(actor: Actor, selection_round: Any) -> bool:
    return can_manage_program(actor, selection_round.program)


def can_rank_as_applicant(actor: Actor, selection_round: Any) -> bool:
    """Graduates enrolled (as mentees) in the round's program rank departments."""
    return enrolled_as(actor, selection_round.program, "mentee")


def can_rank_for_department(actor: Actor, department: Any) -> bool:
    """A department head ranks graduates for the department they head, and nobody else does."""
    return actor.person is not None and department.head_id == actor.person.pk


def can_view_round(actor: Actor, selection_round: Any) -> bool:
    """A selection round is visible to whoever sees its program, and to the heads of the departments
    taking part (they rank graduates without being enrolled)."""
    if can_view_program(actor, selection_round.program):
        return True
    return actor.person is not None and selection_round.seats.filter(department__head=actor.person).exists()
