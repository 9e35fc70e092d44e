"""Every read of mentorships, and the one access helper pages and API handlers call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.mentorships.models import (
    OPEN_STATUSES,
    Agreement,
    Mentorship,
    MentorshipStatus,
    Transition,
)
from tandem.people.models import Person

_RELATED = ("program__owner", "mentor__department", "mentor__job_profile", "mentee__department__head",
            "mentee__job_profile", "mentee__manager")


def mentorship_for(actor: authz.Actor, mentorship_id: int, *, rule: Any = authz.can_view_mentorship) -> Mentorship:
    """The mentorship if ``rule(actor, m)`` allows it; otherwise not found (someone else's pair
    does not even exist for you)."""
    m = Mentorship.objects.select_related(*_RELATED).filter(pk=mentorship_id).first()
    if m is None or not authz.can_view_mentorship(actor, m):
        raise NotFound()
    authz.require(rule(actor, m))
    return m


def mentorship_by_id(mentorship_id: int) -> Mentorship | None:
    """For background work that has only an ID (no actor): notifications, reminders."""
    return Mentorship.objects.select_related(*_RELATED).filter(pk=mentorship_id).first()


def mentorships_of(*, person: Person, statuses: tuple[str, ...] = OPEN_STATUSES) -> QuerySet[Mentorship]:
    return (Mentorship.objects.filter(Q(mentor=person) | Q(mentee=person), status__in=statuses)
            .select_related(*_RELATED).order_by("-created_at", "-id"))


def mentorships_as_mentor(*, person: Person) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(mentor=person, status__in=OPEN_STATUSES).select_related(
        "mentee__department", "mentee__job_profile", "program"
    )


def mentorships_as_mentee(*, person: Person) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(mentee=person, status__in=OPEN_STATUSES).select_related(
        "mentor__department", "mentor__job_profile", "program"
    )


def open_mentorship_of(*, program: Any, mentee: Person) -> Mentorship | None:
    return (
        Mentorship.objects.filter(program=program, mentee=mentee, status__in=OPEN_STATUSES)
        .select_related("mentor__department", "mentor__job_profile")
        .first()
    )


def requests_for_mentor(*, program: Any, mentor: Person) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(program=program, mentor=mentor, status__in=OPEN_STATUSES).select_related(
        "mentee__department", "mentee__job_profile"
    ).order_by("status", "-created_at")


def program_mentorships(*, program: Any, person: Person | None = None, status: str = "") -> QuerySet[Mentorship]:
    qs = Mentorship.objects.filter(program=program).select_related(
        "mentor__department", "mentee__department", "mentor__job_profile", "mentee__job_profile"
    )
    if person is not None:
        qs = qs.filter(Q(mentor=person) | Q(mentee=person))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def declined_mentor_ids(*, program: Any, mentee: Person) -> set[int]:
    return set(Mentorship.objects.filter(program=program, mentee=mentee, status=MentorshipStatus.DECLINED)
               .values_list("mentor_id", flat=True))


def has_declined(*, program: Any, mentee: Person, mentor: Person) -> bool:
    return Mentorship.objects.filter(program=program, mentee=mentee, mentor=mentor,
                                     status=MentorshipStatus.DECLINED).exists()


def history(*, mentorship: Mentorship) -> QuerySet[Transition]:
    return mentorship.transitions.select_related("actor").order_by("at", "id")


@dataclass(frozen=True)
class Step:
    """One line of a pairing's history: a status change, an agreement version or signature, the
    needs form, a confirmed plan version, a milestone done."""

    at: Any
    text: str
    actor: Person | None = None
    reason: str = ""
    kind: str = "status"


def timeline(*, mentorship: Mentorship) -> list[Step]:
    """Every step of the pairing, oldest first, in a fixed number of queries."""
    from django.utils.translation import gettext as _

    from tandem.mentorships.plan_models import GoalMilestone, NeedsForm, PlanVersion
    from tandem.programs.models import AgreementParty

    steps: list[Step] = []
    for t in history(mentorship=mentorship):
        text = (_("%(from)s → %(to)s") % {"from": t.get_from_status_display(), "to": t.get_to_status_display()}
                if t.from_status else t.get_to_status_display())
        steps.append(Step(at=t.at, text=text, actor=t.actor, reason=t.reason))
    for a in mentorship.agreements.select_related("created_by").prefetch_related("signatures__person"):
        steps.append(Step(at=a.created_at, actor=a.created_by, kind="agreement",
                          text=_("Agreement version %(n)s drafted") % {"n": a.version}))
        for sig in a.signatures.all():
            party = str(AgreementParty(sig.party).label) if sig.party in AgreementParty.values else sig.party
            steps.append(Step(at=sig.signed_at, actor=sig.person, kind="agreement",
                              text=_("Signed agreement version %(n)s as %(party)s") % {"n": a.version, "party": party}))
        if a.fully_signed_at:
            steps.append(Step(at=a.fully_signed_at, kind="agreement",
                              text=_("Agreement version %(n)s signed by every party") % {"n": a.version}))
    needs = NeedsForm.objects.filter(plan__mentorship=mentorship, submitted_at__isnull=False).first()
    if needs is not None:
        steps.append(Step(at=needs.submitted_at, actor=mentorship.mentee, kind="plan",
                          text=_("Needs form sent to the mentor")))
    for v in PlanVersion.objects.filter(plan__mentorship=mentorship):
        steps.append(Step(at=v.confirmed_at, kind="plan", text=_("Plan version %(n)s confirmed by both") % {"n": v.number}))
    for ms in GoalMilestone.objects.filter(goal__plan__mentorship=mentorship, done_at__isnull=False):
        steps.append(Step(at=ms.done_at, actor=mentorship.mentee, kind="plan",
                          text=_("Milestone done: %(title)s") % {"title": ms.title}))
    steps.sort(key=lambda s: s.at)
    return steps


def agreement_versions(*, mentorship: Mentorship) -> QuerySet[Agreement]:
    return mentorship.agreements.prefetch_related("signatures__person", "competencies").order_by("-version")


def agreement_version(*, mentorship: Mentorship, version: int) -> Agreement:
    a = agreement_versions(mentorship=mentorship).filter(version=version).first()
    if a is None:
        raise NotFound()
    return a


def agreement_in_force(*, mentorship: Mentorship) -> Agreement | None:
    return agreement_versions(mentorship=mentorship).filter(fully_signed_at__isnull=False).first()


# -- capacity: one rule for matching, the home page, the directory and the HR figures --------------


def open_load(person_ids: list[int] | None = None) -> dict[int, int]:
    """Open mentorships each person holds as a mentor, across every program."""
    qs = Mentorship.objects.filter(status__in=OPEN_STATUSES)
    if person_ids is not None:
        qs = qs.filter(mentor_id__in=person_ids)
    return dict(qs.values_list("mentor_id").annotate(n=Count("id")).values_list("mentor_id", "n"))


def with_free_mentor_slots(qs: QuerySet[Person]) -> QuerySet[Person]:
    """People who can take one more mentee anywhere: capacity above their open mentorships. Written
    as "capacity above 0, and not among the mentors already full" -- one grouped pass over the open
    mentorships that the database hashes -- rather than a count per person (at 50,000 people the
    correlated count took 0.26 s of every HR home); it composes with any other filter."""
    full = (Mentorship.objects.filter(status__in=OPEN_STATUSES).values("mentor")
            .annotate(n=Count("id")).filter(n__gte=F("mentor__mentor_capacity")).values("mentor"))
    return qs.filter(mentor_capacity__gt=0).exclude(pk__in=full)


def program_slots(program: Any, enrolments: list[Any]) -> dict[int, tuple[int, int]]:
    """For each mentor enrolment: (open mentorships in this program, capacity in this program).

    A person's ``mentor_capacity`` is their limit across all programs; the enrolment (or the
    program's default) may lower it in one program, never raise it. The capacity returned is cut
    so that capacity − load is the slots really free: the program's limit and the person's limit
    across programs, whichever is tighter.
    """
    person_ids = [e.person_id for e in enrolments]
    in_program = dict(
        Mentorship.objects.filter(program=program, status__in=OPEN_STATUSES, mentor_id__in=person_ids)
        .values_list("mentor_id").annotate(n=Count("id")).values_list("mentor_id", "n")
    )
    overall = open_load(person_ids)
    limits = dict(Person.objects.filter(pk__in=person_ids).values_list("id", "mentor_capacity"))
    out = {}
    for e in enrolments:
        personal = limits.get(e.person_id, 0)
        local = e.capacity if e.capacity is not None else program.default_mentor_capacity
        load = in_program.get(e.person_id, 0)
        free = min(min(local, personal) - load, personal - overall.get(e.person_id, 0))
        out[e.person_id] = (load, load + max(0, free))
    return out


# -- a mentor's load across programs (issue 14 §2) ---------------------------------------------


@dataclass
class ProgramLoad:
    """One program a mentor is enrolled in: their open pairs there (of which active) and the
    capacity there (the enrolment's, else the program's default, never above the person's own)."""

    program: Any
    open_pairs: int
    active_pairs: int
    capacity: int


@dataclass
class MentorLoad:
    person: Person
    programs: list[ProgramLoad]
    open_pairs: int  # across every program, enrolled or not
    capacity: int  # the person's limit across programs

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.open_pairs)


def mentor_load(*, person: Person) -> MentorLoad:
    """The mentor's open and active pairs per program they are enrolled in as a mentor, with each
    program's capacity, and the totals across programs (three queries)."""
    from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus

    enrolments = list(Enrolment.objects.filter(person=person, role=EnrolmentRole.MENTOR, status=EnrolmentStatus.ACTIVE)
                      .select_related("program").order_by("-program__starts_on", "program_id"))
    counts = {(row["program_id"], row["status"]): row["n"] for row in
              Mentorship.objects.filter(mentor=person, status__in=OPEN_STATUSES)
              .values("program_id", "status").annotate(n=Count("id")).order_by()}
    rows = []
    for e in enrolments:
        open_n = sum(n for (pid, _s), n in counts.items() if pid == e.program_id)
        local = e.capacity if e.capacity is not None else e.program.default_mentor_capacity
        rows.append(ProgramLoad(program=e.program, open_pairs=open_n,
                                active_pairs=counts.get((e.program_id, MentorshipStatus.ACTIVE), 0),
                                capacity=min(local, person.mentor_capacity)))
    return MentorLoad(person=person, programs=rows, open_pairs=sum(counts.values()), capacity=person.mentor_capacity)


def mentor_rows_load(*, program: Any, enrolments: list[Any]) -> dict[int, dict[str, int]]:
    """For the mentor rows of a program's enrolment list: open pairs and capacity in this program,
    open pairs and the personal limit across programs (three queries for the page)."""
    mentors = [e for e in enrolments if e.role == "mentor"]
    if not mentors:
        return {}
    slots = program_slots(program, mentors)
    overall = open_load([e.person_id for e in mentors])
    return {e.person_id: {"load": slots[e.person_id][0], "capacity": slots[e.person_id][1],
                          "all_open": overall.get(e.person_id, 0), "all_capacity": e.person.mentor_capacity}
            for e in mentors}


def rematch_candidates(*, mentorship: Mentorship) -> list[tuple[Person, int, int]]:
    """Mentors of the pair's program who could take the mentee now: (person, load, capacity) with a
    free slot, the current mentor left out, by name."""
    from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus

    enrolments = list(Enrolment.objects.filter(program_id=mentorship.program_id, role=EnrolmentRole.MENTOR,
                                               status=EnrolmentStatus.ACTIVE, person__is_active=True)
                      .exclude(person_id__in=[mentorship.mentor_id, mentorship.mentee_id])
                      .select_related("person__department").order_by("person__full_name", "id"))
    slots = program_slots(mentorship.program, enrolments)
    return [(e.person, *slots[e.person_id]) for e in enrolments if slots[e.person_id][0] < slots[e.person_id][1]]
