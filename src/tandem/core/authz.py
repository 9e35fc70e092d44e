"""Every authorisation rule in Tandem, in one place. Web views and API handlers both call these.

Roles
-----
- HR admin: the ``hr_admin`` group (or a superuser). Sees and edits everything.
- Program manager: the ``program_manager`` group; manages the programs they own, and sees the
  competencies of the people enrolled in them (nobody else's; nothing without a linked person).
- Department head: ``Department.head``; sees the people of their department and its sub-departments.
- Mentor / mentee: per program, through enrolment and mentorships. Rights on the other side start
  only when the mentorship is ACTIVE and end when it ends; a request, an introductory meeting or
  an agreement still being signed carry none.
- Line manager: ``Person.manager``.

Source 002's boundaries: a mentor may view the mentee's competency model and assess growth
(a ``mentor`` rating); a mentor may not edit the mentee's own entries (topics, self-assessment,
profile) nor record a rating in the mentee's name (a ``self`` rating).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When

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
        looked_up = getattr(self.user, "_tandem_person", None)  # by the sign-in check of this request
        if looked_up is not None:
            return looked_up[0]
        return Person.objects.select_related("department").filter(user=self.user).first()

    @cached_property
    def groups(self) -> frozenset[str]:
        if not self.user or not self.user.is_authenticated:
            return frozenset()
        facts = getattr(self.user, "_tandem_facts", None)  # read with the user (signed_in_user)
        if facts is not None:
            return facts["groups"]
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
        facts = getattr(self.user, "_tandem_facts", None)
        if facts is not None:
            return facts["headed_paths"]
        return tuple(self.person.headed_departments.values_list("path", flat=True))

    @property
    def is_department_head(self) -> bool:
        return bool(self.headed_paths)

    @cached_property
    def _active_pairings(self) -> tuple[frozenset[int], frozenset[int]]:
        """The other side of this actor's ACTIVE mentorships, (their mentees, their mentors), in one
        query. Only an active mentorship (the mentee accepted or confirmed, or a recorded HR decision
        started it) carries rights: a request, an introductory meeting, an agreement still being
        signed or an ended pairing carry none."""
        from tandem.mentorships.models import Mentorship, MentorshipStatus

        if self.person is None:
            return frozenset(), frozenset()
        pid = self.person.pk
        rows = list(Mentorship.objects.filter(Q(mentor_id=pid) | Q(mentee_id=pid), status=MentorshipStatus.ACTIVE)
                    .values_list("mentor_id", "mentee_id"))
        return (frozenset(mentee for mentor, mentee in rows if mentor == pid),
                frozenset(mentor for mentor, mentee in rows if mentee == pid))

    @property
    def mentee_ids(self) -> frozenset[int]:
        """People this actor mentors in an ACTIVE mentorship (the ones whose competencies they see)."""
        return self._active_pairings[0]

    @property
    def mentor_ids(self) -> frozenset[int]:
        """This actor's mentors in an ACTIVE mentorship."""
        return self._active_pairings[1]

    @cached_property
    def _open_sides(self) -> frozenset[str]:
        """Which sides ("mentor", "mentee") the actor takes in any mentorship that is not over
        (requested, introduction, agreement, active ...): role detection only, never rights."""
        from tandem.mentorships.models import OPEN_STATUSES, Mentorship

        if self.person is None:
            return frozenset()
        pid = self.person.pk
        sides = (
            Mentorship.objects.filter(Q(mentor_id=pid) | Q(mentee_id=pid), status__in=OPEN_STATUSES)
            .annotate(side=Case(When(mentor_id=pid, then=Value("mentor")), default=Value("mentee")))
            .values_list("side", flat=True)
            .distinct()
        )
        return frozenset(sides.order_by())

    @property
    def is_mentor(self) -> bool:
        """Role detection (navigation, ``/api/me``): mentors someone now or soon, or offers to."""
        return bool(self.person and self.person.mentor_capacity) or "mentor" in self._open_sides

    @property
    def is_mentee(self) -> bool:
        return "mentee" in self._open_sides

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
        """Mentors ``person`` in an ACTIVE mentorship."""
        return person.pk in self.mentee_ids

    def is_mentored_by(self, person: Person) -> bool:
        """``person`` is this actor's mentor in an ACTIVE mentorship."""
        return person.pk in self.mentor_ids

    def manages_program_of(self, person: Person) -> bool:
        """A program manager's reach: ``person`` is actively enrolled in a program this actor owns.
        One EXISTS query per person, remembered for the request."""
        if not self.is_program_manager or self.person is None:
            return False
        key = ("manages_program_of", person.pk)
        if key not in self._cache:
            self._cache[key] = _managed_enrolments(self).filter(person_id=person.pk).exists()
        return self._cache[key]


def _managed_enrolments(actor: Actor):
    from tandem.programs.models import Enrolment, EnrolmentStatus

    return Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE, program__owner_id=actor.person.pk)


def managed_people_q(actor: Actor, field: str = "pk") -> Q:
    """For lists: a filter on Person (through ``field``) keeping the people a program manager
    reaches (enrolled in a program they own), as one correlated EXISTS. Matches nobody for an
    actor who is not a program manager or has no linked person."""
    if not actor.is_program_manager or actor.person is None:
        return Q(pk__in=[])
    return Q(Exists(_managed_enrolments(actor).filter(person_id=OuterRef(field))))


def signed_in_user(user_id: Any):
    """The user of a signed-in session, with what every request asks about them read in the same
    query: their person (with its department), their groups and the paths of the departments they
    head. The Actor built on this user object reads them from there (None: no such user)."""
    from django.contrib.auth import get_user_model

    from tandem.core.sql import TextList, split_text_list
    from tandem.people.models import Department

    user_model = get_user_model()
    groups = (user_model.groups.through.objects.filter(user_id=OuterRef("pk")).order_by()
              .values("user_id").annotate(v=TextList("group__name")).values("v"))
    headed = (Department.objects.filter(head_id=OuterRef("person__id")).order_by()
              .values("head_id").annotate(v=TextList("path")).values("v"))
    user = (user_model._default_manager.select_related("person__department")
            .annotate(role_groups=Subquery(groups), role_headed_paths=Subquery(headed))
            .filter(pk=user_id).first())
    if user is None:
        return None
    person = user.person if user_model.person.is_cached(user) and _has_person(user) else None
    user._tandem_person = (person,)
    user._tandem_facts = {
        "groups": frozenset(split_text_list(user.role_groups)),
        "headed_paths": tuple(sorted(split_text_list(user.role_headed_paths))) if person is not None else (),
    }
    return user


def _has_person(user: Any) -> bool:
    try:
        return user.person is not None
    except ObjectDoesNotExist:
        return False


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
    """Ratings, gaps and self-assessments: the person, HR, their line manager, the head of their
    department, their mentor in an ACTIVE mentorship (source 002: a mentor views the mentee's
    model), and a program manager for the people enrolled in a program they own."""
    return actor.is_authenticated and (
        actor.is_hr
        or actor.is_self(person)
        or actor.is_line_manager_of(person)
        or actor.heads_department_of(person)
        or actor.mentors(person)
        or actor.manages_program_of(person)
    )


def can_view_contact_details(actor: Actor, person: Person) -> bool:
    """Contact details and HR fields (email, hire date, manager, team): HR, the person, their line
    manager, and their mentor or mentee in an ACTIVE mentorship. The directory promises everyone
    else names, department, job, topics and mentoring availability only. No query beyond the
    actor's own (cached) facts, so it is cheap per row of a list."""
    return actor.is_authenticated and (
        actor.is_hr
        or actor.is_self(person)
        or actor.is_line_manager_of(person)
        or actor.mentors(person)
        or actor.is_mentored_by(person)
    )


def can_view_all_contact_details(actor: Actor) -> bool:
    """Lists that show or sort by HR fields (hire date) for everyone in them: HR only."""
    return actor.is_hr


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


def can_view_framework(actor: Actor) -> bool:
    """The competency framework (groups, competencies, level descriptors, job profiles' targets) is
    open to every signed-in user, read-only, like the directory."""
    return actor.is_authenticated


def can_edit_framework(actor: Actor) -> bool:
    """Create, edit and delete competencies, groups, descriptors and job-profile targets, and load
    the O*NET example framework: HR, who model the organisation (issue 14 §6)."""
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
    if program.status == "draft":  # a draft is invisible to participants (issue 14 §2)
        return False
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


def can_administer_enrolments(actor: Actor, program: Program) -> bool:
    """Withdraw or remove an enrolment, close the program, export its enrolments: the program's
    manager and HR (a program manager who owns nothing else gets 403)."""
    return can_manage_program(actor, program)


def can_rematch(actor: Actor, mentorship: Any) -> bool:
    """End a pair and pair the mentee with another mentor: the program's manager and HR."""
    return actor.is_authenticated and can_manage_program(actor, mentorship.program)


def can_view_mentor_load(actor: Actor, person: Person) -> bool:
    """A mentor's load across programs: HR, the mentor, and the manager of a program the mentor is
    enrolled in."""
    return actor.is_authenticated and (actor.is_hr or actor.is_self(person) or actor.manages_program_of(person))


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


# -- mentorships: the pairing's life, agreements, plans (source 002's boundaries) ----------------
# Roles an actor holds on one mentorship: "mentor", "mentee" (either side of the pair),
# "program_team" (the program's manager or HR), "hr", "line_manager" / "department_head" (of the
# mentee: status and progress only, never private comments).


def mentorship_roles(actor: Actor, mentorship: Any) -> list[str]:
    if not actor.is_authenticated:
        return []
    roles = []
    pk = actor.person.pk if actor.person is not None else None
    if pk is not None and pk == mentorship.mentor_id:
        roles.append("mentor")
    if pk is not None and pk == mentorship.mentee_id:
        roles.append("mentee")
    if actor.is_hr or can_manage_program(actor, mentorship.program):
        roles.append("program_team")
    if actor.is_hr:
        roles.append("hr")
    if pk is not None and actor.is_line_manager_of(mentorship.mentee):
        roles.append("line_manager")
    if pk is not None and actor.heads_department_of(mentorship.mentee):
        roles.append("department_head")
    return roles


def can_view_mentorship(actor: Actor, mentorship: Any) -> bool:
    """The pair, the program team, HR, and the mentee's line manager and department head (summary)."""
    return bool(mentorship_roles(actor, mentorship))


def can_view_mentorship_private(actor: Actor, mentorship: Any) -> bool:
    """Plan comments and the needs form's free text: the pair only."""
    return bool({"mentor", "mentee"} & set(mentorship_roles(actor, mentorship)))


def can_edit_agreement(actor: Actor, mentorship: Any) -> bool:
    """Either side drafts the agreement; the program team may correct it. Every edit needs every
    signature again."""
    return bool({"mentor", "mentee", "program_team"} & set(mentorship_roles(actor, mentorship)))


def agreement_parties_of(actor: Actor, mentorship: Any) -> set[str]:
    """The parties of a mentorship's agreement this actor signs for. Nobody signs for another:
    the mentor never signs for the mentee (source 002)."""
    roles = set(mentorship_roles(actor, mentorship))
    out = roles & {"mentor", "mentee", "line_manager", "department_head"}
    if "program_team" in roles:
        out.add("program_team")
    return out


def plan_writable(mentorship: Any) -> bool:
    """The plan is written once both sides have said yes: while the agreement is being signed or
    while the mentorship is active; not at the request or introduction, not after it ended."""
    return mentorship.status in ("agreement", "active")


def can_submit_needs(actor: Actor, mentorship: Any) -> bool:
    """Only the mentee fills their needs form."""
    return "mentee" in mentorship_roles(actor, mentorship) and plan_writable(mentorship)


def can_draft_plan(actor: Actor, mentorship: Any) -> bool:
    """The mentor drafts and revises the plan (the mentee comments and confirms)."""
    return "mentor" in mentorship_roles(actor, mentorship) and plan_writable(mentorship)


def can_comment_plan(actor: Actor, mentorship: Any) -> bool:
    return can_view_mentorship_private(actor, mentorship) and plan_writable(mentorship)


def can_confirm_plan(actor: Actor, mentorship: Any) -> bool:
    """Each side of the pair confirms for themselves; nobody confirms for the other."""
    return can_comment_plan(actor, mentorship)


def can_tick_milestone(actor: Actor, mentorship: Any) -> bool:
    """The mentee's milestones are the mentee's: the mentor may not edit or tick them (source 002).
    Progress is made while the mentorship is active."""
    return "mentee" in mentorship_roles(actor, mentorship) and mentorship.status == "active"


# -- audit trail and data protection (tandem.audit) ----------------------------------------


def can_view_audit(actor: Actor) -> bool:
    """The audit trail (browse, filter, export) is for HR only; nobody can edit it."""
    return actor.is_hr


def can_handle_personal_data(actor: Actor, person: Person | None = None) -> bool:
    """Data-protection requests: export everything held on a person, anonymise a leaver (HR)."""
    return actor.is_hr


# -- the coaching log (tandem.mentorships.log_*): sessions, messages, action items ---------------
# The pair reads and writes the log while the mentorship is active and reads it after it ended; HR
# and the program team see session dates, statuses and counts, never the texts; the line manager
# and the department head see nothing of it.

LOG_READABLE_STATUSES = ("active", "completed", "ended_early")


def log_side(actor: Actor, mentorship: Any) -> str | None:
    """"mentor" or "mentee": the actor's side of the pair, or None."""
    roles = mentorship_roles(actor, mentorship)
    return "mentor" if "mentor" in roles else "mentee" if "mentee" in roles else None


def can_read_log(actor: Actor, mentorship: Any) -> bool:
    """The whole log, texts included: the pair, from the start of the mentorship on."""
    return log_side(actor, mentorship) is not None and mentorship.status in LOG_READABLE_STATUSES


def can_write_log(actor: Actor, mentorship: Any) -> bool:
    """Schedule sessions, post messages, add action items, leave feedback: the pair, while active."""
    return log_side(actor, mentorship) is not None and mentorship.status == "active"


def can_view_log_summary(actor: Actor, mentorship: Any) -> bool:
    """Session dates, statuses and counts: the pair, HR and the program team (not the line manager)."""
    return can_read_log(actor, mentorship) or "program_team" in mentorship_roles(actor, mentorship)


def can_edit_action_item(actor: Actor, item: Any, mentorship: Any) -> bool:
    """Only the owner edits or ticks their own item; the mentor never ticks the mentee's (source 002)."""
    return (can_write_log(actor, mentorship) and actor.person is not None
            and item.owner_id == actor.person.pk)


# -- coaching prompts (tandem.coaching): the mentor's scenario suggestions ----------------------
# The mentor coaches, so only the mentor sees the prompts ("the mentee is dependent" is not for the
# mentee, nor for HR, the program team or the line manager), and only while the pairing is active.


def can_see_coaching_prompts(actor: Actor, mentorship: Any) -> bool:
    return "mentor" in mentorship_roles(actor, mentorship) and mentorship.status == "active"


# -- the coaching log's library (tandem.mentorships.library_*): resources, transcripts, private
# notes, search. Files and texts follow the log's rule: whoever reads the log's texts reads them
# (the pair, from the start of the mentorship on); HR and the program team, who see the summary
# only, get nothing of them — not through downloads, not through search. Private notes are their
# author's alone.


def can_read_library(actor: Actor, mentorship: Any) -> bool:
    """Resources (and their files), transcripts, search: whoever reads the log's texts."""
    return can_read_log(actor, mentorship)


def can_share_in_library(actor: Actor, mentorship: Any) -> bool:
    """Share a file or link, upload a transcript: the pair, while the mentorship is active."""
    return can_write_log(actor, mentorship)


def can_remove_resource(actor: Actor, resource: Any, mentorship: Any) -> bool:
    """Only the one who shared a resource takes it back, while the mentorship is active."""
    return (can_write_log(actor, mentorship) and actor.person is not None
            and resource.shared_by_id == actor.person.pk)


def can_keep_private_notes(actor: Actor, mentorship: Any) -> bool:
    """Each side reads their own private notes on the pairing (nobody reads another's)."""
    return can_read_log(actor, mentorship)


def can_edit_private_note(actor: Actor, note: Any, mentorship: Any) -> bool:
    """A private note is written, changed and deleted by its author, while the mentorship is active."""
    return (can_write_log(actor, mentorship) and actor.person is not None
            and note.author_id == actor.person.pk)


# -- the duties checklist (tandem.mentorships.duties): computed from the log ---------------------


def can_view_duties(actor: Actor, mentorship: Any) -> bool:
    """A pair's checklist (periods, states, which sessions or ratings met them — no texts): who sees
    the log's summary — the pair, HR and the program's manager; not the line manager or the head."""
    return can_view_log_summary(actor, mentorship)


def can_view_compliance(actor: Actor, program: Program) -> bool:
    """The program-wide compliance view (pairs × duties) and its export: HR and the program's manager."""
    return can_manage_program(actor, program)


# -- calendars (tandem.calendars): .ics per session, the per-person feed ------------------------
# A session's .ics is the pair's (it carries the meeting link and place). A person's feed lists the
# sessions of the mentorships they are a side of, from the start on (an ended pair's past sessions
# stay, its sessions after the end show as cancelled), and their own open action items of active
# mentorships.


def can_download_session_ics(actor: Actor, mentorship: Any) -> bool:
    return can_read_log(actor, mentorship)


def can_have_calendar_feed(actor: Actor) -> bool:
    return actor.is_authenticated and actor.person is not None


def calendar_mentorships_q(person: Any, field: str = "") -> Q:
    """The mentorships whose sessions are in ``person``'s feed (``field``: the path to the mentorship)."""
    p = f"{field}__" if field else ""
    return (Q(**{f"{p}mentor": person}) | Q(**{f"{p}mentee": person})) & Q(**{f"{p}status__in": LOG_READABLE_STATUSES})


# -- assessments (tandem.assessments): teach-back practicum, surveys -------------------------------
# The organiser of a program's teach-backs and surveys is its manager (or HR). A teach-back result
# is the trainee's, the organiser's and the trainee's mentor's (ACTIVE mentorship) to see; the
# audience only scores. Survey results (thresholded aggregates, never single answers) are for HR
# and the program's manager; a mentor sees their own aggregate rating.


def can_organise_teach_backs(actor: Actor, program: Program) -> bool:
    return can_manage_program(actor, program)


def can_view_teach_backs(actor: Actor, program: Program) -> bool:
    """The slot list (trainee, topic, time, audience, attempt): the organiser and the people
    actively enrolled in the program (its trainees and audience)."""
    from tandem.programs.models import EnrolmentStatus

    if not actor.is_authenticated:
        return False
    if can_organise_teach_backs(actor, program):
        return True
    return actor.person is not None and program.enrolments.filter(
        person=actor.person, status=EnrolmentStatus.ACTIVE).exists()


def can_view_teach_back_result(actor: Actor, teach_back: Any) -> bool:
    return actor.is_authenticated and (
        can_organise_teach_backs(actor, teach_back.program)
        or actor.is_self(teach_back.trainee)
        or actor.mentors(teach_back.trainee)
    )


def can_send_survey(actor: Actor, program: Program) -> bool:
    return can_manage_program(actor, program)


def can_edit_survey_templates(actor: Actor) -> bool:
    """Survey templates (new ones, new versions) are shared by every program: HR and program managers."""
    return actor.is_authenticated and (actor.is_hr or actor.is_program_manager)


def can_revise_survey_template(actor: Actor, template: Any) -> bool:
    """A template's next version changes what every program that uses it asks from then on: HR, and the
    program manager who created it; the templates Tandem ships (no creator) only HR. Anyone who may edit
    templates may start a new one from another's questions."""
    if not can_edit_survey_templates(actor):
        return False
    if actor.is_hr:
        return True
    return actor.person is not None and template.created_by_id == actor.person.pk


def can_view_survey_results(actor: Actor, survey: Any) -> bool:
    if not actor.is_authenticated:
        return False
    if actor.is_hr:
        return True
    program = survey.program if survey.program_id else (survey.mentorship.program if survey.mentorship_id else None)
    return program is not None and can_manage_program(actor, program)


def survey_results_q(actor: Actor, prefix: str = "") -> Q:
    """:func:`can_view_survey_results` as a filter on surveys (``prefix`` reaches the survey from
    another model, e.g. ``"response__survey__"``): HR every survey; anyone else the surveys of the
    programs they manage, directly or through a pair of the program. Kept equal to the rule above
    by tests/insights/test_inputs_surveys.py."""
    if actor.is_hr:
        return Q()
    if not actor.is_authenticated or actor.person is None:
        return Q(pk__in=[])
    pk = actor.person.pk
    return (Q(**{f"{prefix}program__owner_id": pk})
            | Q(**{f"{prefix}program__isnull": True, f"{prefix}mentorship__program__owner_id": pk}))


def can_view_mentor_rating(actor: Actor, mentor: Person) -> bool:
    """A mentor's aggregate rating by mentees (thresholded): HR, program managers, the mentor."""
    return actor.is_authenticated and (actor.is_hr or actor.is_program_manager or actor.is_self(mentor))


# -- competency reviews (tandem.assessments.review_*) -------------------------------------------
# A review's answers are competency ratings, so whoever sees a person's ratings sees their reviews
# and their before/after change (the person, HR, the line manager, the department head, the mentor
# while the mentorship is ACTIVE, the manager of a program they are enrolled in). The program team
# opens campaigns, adds peers and reads the program's aggregate. A rater submits only their own
# assignment; self, mentor and manager answers need the relation that allows that rating source
# at the moment of submitting (a mentor never submits the mentee's self-rating, source 002).


def can_view_review(actor: Actor, subject: Person) -> bool:
    return can_view_competencies(actor, subject)


def can_open_reviews(actor: Actor, program: Program) -> bool:
    return actor.is_authenticated and can_manage_program(actor, program)


def can_submit_review(actor: Actor, assignment: Any, subject: Person) -> bool:
    if actor.person is None or assignment.rater_id != actor.person.pk:
        return False
    source = {"self": "self", "mentor": "mentor", "manager": "manager"}.get(assignment.role)
    return source is None or can_rate(actor, subject, source)


# -- insights (tandem.insights): cohort comparison, ROI ------------------------------------------
# Aggregates only, never a person's value, and never a group below the anonymity threshold
# (settings.INSIGHTS_MIN_GROUP). HR compares anything; a program manager compares the participants
# and non-participants of the programs they own; imported cohort labels are organisation-wide, HR
# only. Department heads get no comparison: their own department split into a program's
# participants and the rest is often a handful of people, and two such figures a head can set
# side by side would come close to naming individuals; the department report is their view.


def can_use_insights(actor: Actor) -> bool:
    """The comparison page and API at all (what one may compare is :func:`can_compare_group`)."""
    return actor.is_hr or (actor.is_program_manager and actor.person is not None)


def can_compare_group(actor: Actor, kind: str, program: Program | None) -> bool:
    """A group of a comparison: ``kind`` is "program", "nonparticipants" (with their program) or
    "cohort" (an imported label)."""
    if actor.is_hr:
        return True
    if kind in ("program", "nonparticipants") and program is not None:
        return actor.is_program_manager and can_manage_program(actor, program)
    return False


def can_view_roi(actor: Actor, program: Program) -> bool:
    """The ROI calculator of a program: HR and the program's manager."""
    return actor.is_authenticated and can_manage_program(actor, program)


def can_view_retention(actor: Actor, program: Program) -> bool:
    """A program's retention curve and checkpoints (thresholded aggregates): HR and the program's
    manager. What it is compared with is :func:`can_compare_group`."""
    return actor.is_authenticated and can_manage_program(actor, program)


def can_view_at_risk(actor: Actor, program: Program) -> bool:
    """The named at-risk list before a retention checkpoint (missed sessions, low feedback ratings,
    no GRAI review, overdue items): HR and the program's manager; never the mentors or mentees."""
    return actor.is_authenticated and can_manage_program(actor, program)


# -- inputs versus outputs (tandem.insights.inputs_*, issue 12 §1) -------------------------------
# Thresholded aggregates of pairs. HR sees every pair; a program manager the pairs of the programs
# they own; a department head the pairs whose mentee is in a department they head (or below it).
# Per-mentor rows are about one person (the mentor): HR and the manager of the mentor's program
# only (for a manager, over that program's pairs) — never a department head, never another mentor.


def can_view_inputs_outputs(actor: Actor) -> bool:
    return actor.is_hr or (actor.person is not None and (actor.is_program_manager or actor.is_department_head))


def can_view_inputs_by_mentor(actor: Actor) -> bool:
    return actor.is_hr or (actor.is_program_manager and actor.person is not None)


def inputs_outputs_pairs_q(actor: Actor, *, by_mentor: bool = False) -> Q:
    """A filter on Mentorship keeping the pairs whose figures the actor may read (``by_mentor``:
    for per-mentor rows, where a department head's reach does not count)."""
    if actor.is_hr:
        return Q()
    q = Q(pk__in=[])
    if actor.person is None:
        return q
    if actor.is_program_manager:
        q |= Q(program__owner_id=actor.person.pk)
    if not by_mentor:
        for path in actor.headed_paths:
            q |= Q(mentee__department__path__startswith=path)
    return q


def can_edit_suggestion_rules(actor: Actor) -> bool:
    """The suggestion rules of inputs versus outputs: HR."""
    return actor.is_hr


def can_filter_inputs_by_program(actor: Actor, program: Program) -> bool:
    """The ``program`` filter: HR, the program's manager, or a head (their department's pairs in it)."""
    return can_manage_program(actor, program) or (actor.person is not None and actor.is_department_head)


def can_view_department_support(actor: Actor, program: Program) -> bool:
    """A program's department support report (every department ranked, the passive ones named):
    HR and the program's manager (issue 12 §4)."""
    return actor.is_authenticated and can_manage_program(actor, program)


def can_view_own_department_support(actor: Actor, department: Any) -> bool:
    """One department's support figures against the median (no other department by name): HR, and
    the head of that department (or of a department above it)."""
    if not actor.is_authenticated:
        return False
    return actor.is_hr or any(department.path.startswith(p) for p in actor.headed_paths)


# -- invitations (issue 14 §1) ---------------------------------------------------------------


def can_invite(actor: Actor, person: Person) -> bool:
    """HR invites anyone; a program manager, the people enrolled in a program they own."""
    return actor.is_hr or actor.manages_program_of(person)


def can_manage_invitations(actor: Actor) -> bool:
    return actor.is_hr or (actor.is_program_manager and actor.person is not None)


# -- GRAI reviews (tandem.assessments.grai_*, issue 11 §4) ----------------------------------------
# A review is part of the pair's log: its texts and comments are the pair's (from the start of the
# mentorship on); HR and the program team see only its dates and counts, and the program's "who is
# behind" list. The line manager and the head see nothing of it.


def can_read_grai(actor: Actor, mentorship: Any) -> bool:
    """The reviews' texts and comments: the pair."""
    return can_read_log(actor, mentorship)


def can_write_grai(actor: Actor, mentorship: Any) -> bool:
    """Write a review (either side: their own) or comment on one: the pair, while active."""
    return can_write_log(actor, mentorship)


def can_view_grai_summary(actor: Actor, mentorship: Any) -> bool:
    """Which periods have a review, and when (no texts): the pair, HR and the program team."""
    return can_view_log_summary(actor, mentorship)


def can_edit_grai_review(actor: Actor, review: Any, mentorship: Any) -> bool:
    """Only its author changes a review, while the mentorship is active."""
    return (can_write_grai(actor, mentorship) and actor.person is not None
            and review.author_id == actor.person.pk)


def can_view_program_grai(actor: Actor, program: Program) -> bool:
    """A program's GRAI overview (who is behind): HR and the program's manager."""
    return actor.is_authenticated and can_manage_program(actor, program)
