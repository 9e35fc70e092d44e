from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tandem.mentorships.models import OPEN_STATUSES
from tandem.people.models import Department, Person
from tandem.programs.models import (
    CadenceDuty,
    EnrolmentRole,
    EnrolmentStatus,
    Phase,
    Program,
    ProgramMilestone,
    ProgramStatus,
)


def _count_per_program(model, **filters) -> Coalesce:
    """The program's rows of ``model`` matching ``filters``, as a correlated subquery grouped on the
    program (no join on the outer query: its COUNT for a paginator stays a count of programs)."""
    sub = (model.objects.filter(program=OuterRef("pk"), **filters)
           .order_by().values("program").annotate(n=Count("id")).values("n"))
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


def _enrolled(role: str) -> Coalesce:
    from tandem.programs.models import Enrolment

    return _count_per_program(Enrolment, role=role, status=EnrolmentStatus.ACTIVE)


def program_overview(*, owner: Person | None) -> QuerySet[Program]:
    """Programs not yet closed, with their enrolment and pairing figures (one query).

    Each figure is its own correlated subquery grouped on the program: counting distinct over
    the enrolments and mentorships joins together multiplied the rows (enrolments x mentorships
    per program: millions of intermediate rows for a handful of programs at company scale)."""
    from tandem.mentorships.models import Mentorship

    qs = Program.objects.exclude(status=ProgramStatus.CLOSED).select_related("owner")
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.annotate(
        mentors=_enrolled(EnrolmentRole.MENTOR),
        mentees=_enrolled(EnrolmentRole.MENTEE),
        pairs=_count_per_program(Mentorship, status__in=OPEN_STATUSES),
    )


def program_overview_rows(*, owner: Person | None) -> list[Program]:
    """``program_overview`` as a list for the home pages, read once per change of programs,
    enrolments or pairs (``people.figures.kept``, the pool's generation, which watches every column
    of a program). The rows are shared: read them, do not change them."""
    from tandem.people import figures

    return figures.kept("pool", ("overview", owner.pk if owner is not None else None),
                        lambda: list(program_overview(owner=owner)))


def program_get(*, program_id: int) -> Program | None:
    """One program with its owner, or None (the caller decides between 404 and 403)."""
    return Program.objects.select_related("owner").filter(pk=program_id).first()


def programs_visible(*, actor) -> QuerySet[Program]:
    """HR and program managers see every program; others see the ones they are enrolled in.
    The figures are subqueries and the enrolment an EXISTS: no join of every enrolment, for the
    page nor for its paginator's count."""
    from tandem.programs.models import Enrolment

    qs = Program.objects.select_related("owner").annotate(
        mentors=_enrolled(EnrolmentRole.MENTOR), mentees=_enrolled(EnrolmentRole.MENTEE),
    ).order_by("-starts_on", "name", "id")
    if actor.is_hr or actor.is_program_manager:
        return qs
    if actor.person is None:
        return qs.none()
    return qs.filter(Exists(Enrolment.objects.filter(program=OuterRef("pk"), person=actor.person))).exclude(
        status=ProgramStatus.DRAFT)


def my_enrolments(*, program: Program, person: Person | None) -> dict[str, bool]:
    if person is None:
        return {}
    roles = program.enrolments.filter(person=person, status=EnrolmentStatus.ACTIVE).values_list("role", flat=True)
    return {r: True for r in roles}


def enrolments_of(*, program: Program, role: str | None = None) -> QuerySet:
    """The program page's rows of enrolled people: only the columns its rows show (programs.templatetags.
    enrolment_rows; a mentor's capacity for the load), not every column of four tables."""
    from tandem.programs.models import Enrolment

    qs = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).select_related(
        "person__department", "person__job_profile"
    ).only("id", "program_id", "role", "status", "capacity", "person__id", "person__employee_id", "person__full_name",
           "person__mentor_capacity", "person__department__id", "person__department__name",
           "person__job_profile__id", "person__job_profile__title", "person__job_profile__translations")
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("role", "person__full_name")


def my_programs(*, person: Person) -> list[tuple[Program, list[str]]]:
    """Programs the person takes part in, with their roles, newest first."""
    from tandem.programs.models import Enrolment

    rows = (
        Enrolment.objects.filter(person=person, status=EnrolmentStatus.ACTIVE)
        .exclude(program__status__in=(ProgramStatus.CLOSED, ProgramStatus.DRAFT))
        .select_related("program")
        .order_by("-program__starts_on", "program_id")
    )
    out: dict[int, tuple[Program, list[str]]] = {}
    for e in rows:
        out.setdefault(e.program_id, (e.program, []))[1].append(e.role)
    return list(out.values())


# -- the timeline ----------------------------------------------------------------------------


#: A milestone is "due" from this many days before its date; before that it is "upcoming".
DUE_SOON_DAYS = 14


class MilestoneState:
    DONE = "done"
    OVERDUE = "overdue"
    DUE = "due"
    UPCOMING = "upcoming"


def milestone_status(*, milestone: ProgramMilestone, program: Program, today: datetime.date,
                     done: bool | None = None) -> str:
    """Where a milestone stands for the program as a whole, honestly from what Tandem knows today:

    - ``done`` when the program team ticked it (``done_at``), or when ``done`` is passed as True;
    - otherwise by date: ``overdue`` after its due date, ``due`` within ``DUE_SOON_DAYS`` of it,
      ``upcoming`` before that.

    Hook: milestones whose kind the pairs complete (session, agreement, plan, competency review,
    survey, teach-back) get their per-pair facts from the mentorships app later; it passes
    ``done`` (e.g. every active pair has a signed agreement) rather than this module reading
    mentorship tables."""
    if done or (done is None and milestone.done_at is not None):
        return MilestoneState.DONE
    due = program.day_date(milestone.due_day)
    if due < today:
        return MilestoneState.OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return MilestoneState.DUE
    return MilestoneState.UPCOMING


def phases_of(*, program: Program) -> list[Phase]:
    """The program's phases in order, each with its milestones (two queries)."""
    phases = list(
        Phase.objects.filter(program=program)
        .prefetch_related(Prefetch("milestones", queryset=ProgramMilestone.objects.order_by("due_day", "id")))
        .order_by("order", "start_day", "id")
    )
    for phase in phases:
        phase.program = program  # dates are computed from it: no query per phase or milestone
    return phases


def duties_of(*, program: Program) -> list[CadenceDuty]:
    return list(CadenceDuty.objects.filter(program=program).order_by("-required", "order", "id"))


@dataclass
class Mark:
    """A milestone on the bar: its state and its position in % of the program."""

    item: object
    label: str
    day: int
    state: str
    left: float
    date: datetime.date | None = None


@dataclass
class Bar:
    """One phase on the horizontal bar: position and width in % of the program, and its lane."""

    item: object
    start_day: int
    end_day: int
    label: str = ""
    left: float = 0.0
    width: float = 0.0
    lane: int = 0
    current: bool = False
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    milestones: list[Mark] = field(default_factory=list)


@dataclass
class Timeline:
    length_days: int
    bars: list[Bar]
    lanes: int
    today_left: float | None  # % of the bar where today is; None when today is outside the program
    today: datetime.date | None = None
    today_day: int | None = None


def _percent(day: float, length: int) -> float:
    return round(100.0 * (day - 1) / max(length, 1), 3)


def bar_layout(spans: list[tuple[object, int, int]], length_days: int) -> tuple[list[Bar], int]:
    """Place (item, start_day, end_day) spans on lanes so overlapping phases never cover each other."""
    bars, lane_ends = [], []
    for item, start, end in spans:
        lane = next((i for i, last in enumerate(lane_ends) if last < start), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(end)
        else:
            lane_ends[lane] = end
        bars.append(Bar(item=item, start_day=start, end_day=end, left=_percent(start, length_days),
                        width=round(100.0 * (end - start + 1) / max(length_days, 1), 3), lane=lane))
    return bars, max(len(lane_ends), 1)


def program_timeline(*, program: Program, today: datetime.date | None = None,
                     phases: list[Phase] | None = None) -> Timeline:
    """The program page's timeline: phases as bars, today marked, each milestone with its state."""
    today = today or timezone.localdate()
    phases = phases if phases is not None else phases_of(program=program)
    length = program.length_days
    bars, lanes = bar_layout([(p, p.start_day, p.end_day) for p in phases], length)
    today_day = program.day_of(today)
    for bar in bars:
        bar.label, bar.current = str(bar.item), bar.start_day <= today_day <= bar.end_day
        bar.start_date, bar.end_date = program.day_date(bar.start_day), program.day_date(bar.end_day)
        bar.milestones = [
            Mark(item=m, label=str(m), day=m.due_day, state=milestone_status(milestone=m, program=program, today=today),
                 left=_percent(m.due_day, length), date=program.day_date(m.due_day))
            for m in bar.item.milestones.all()
        ]
    inside = 1 <= today_day <= length
    return Timeline(length_days=length, bars=bars, lanes=lanes,
                    today_left=_percent(today_day, length) if inside else None, today=today,
                    today_day=today_day if inside else None)


def blueprint_timeline(blueprint) -> Timeline:
    """A template's timeline for its preview card (no dates: days only)."""
    bars, lanes = bar_layout([(p, p.start_day, p.end_day) for p in blueprint.phases], blueprint.length_days)
    from tandem.programs.blueprints import text_in

    for bar in bars:
        bar.label = text_in(bar.item.name)
        bar.milestones = [Mark(item=m, label=text_in(m.name), day=m.due_day, state=MilestoneState.UPCOMING,
                               left=_percent(m.due_day, blueprint.length_days)) for m in bar.item.milestones]
    return Timeline(length_days=blueprint.length_days, bars=bars, lanes=lanes, today_left=None)


# -- eligibility -----------------------------------------------------------------------------


def eligible_people(*, program: Program, exclude_enrolled_as: str | None = None) -> QuerySet[Person]:
    """Active people who meet every eligibility rule the program sets (departments count with their
    sub-departments; a person matches a language rule by speaking any of the languages)."""
    qs = Person.objects.filter(is_active=True).select_related("department", "job_profile")
    paths = list(Department.objects.filter(pk__in=program.eligible_departments.values("pk"))
                 .values_list("path", flat=True))
    if paths:
        cond = Q()
        for path in paths:
            cond |= Q(department__path__startswith=path)
        qs = qs.filter(cond)
    job_ids = list(program.eligible_job_profiles.values_list("pk", flat=True))
    if job_ids:
        qs = qs.filter(job_profile_id__in=job_ids)
    if program.eligible_hired_from:
        qs = qs.filter(hire_date__gte=program.eligible_hired_from)
    if program.eligible_hired_to:
        qs = qs.filter(hire_date__lte=program.eligible_hired_to)
    lang_ids = list(program.eligible_languages.values_list("pk", flat=True))
    if lang_ids:
        speaks = Person.languages.through.objects.filter(person_id=OuterRef("pk"), language_id__in=lang_ids)
        qs = qs.filter(Exists(speaks))
    if exclude_enrolled_as:
        from tandem.programs.models import Enrolment

        enrolled = Enrolment.objects.filter(program=program, person_id=OuterRef("pk"), role=exclude_enrolled_as,
                                            status=EnrolmentStatus.ACTIVE)
        qs = qs.filter(~Exists(enrolled))
    return qs.order_by("full_name", "id")


# -- one object of a program (None when it is not this program's) ----------------------------


def phase_in(*, program: Program, phase_id: int) -> Phase | None:
    return Phase.objects.select_related("program").filter(program=program, pk=phase_id).first()


def milestone_in(*, program: Program, milestone_id: int) -> ProgramMilestone | None:
    return (ProgramMilestone.objects.select_related("phase__program")
            .filter(phase__program=program, pk=milestone_id).first())


def duty_in(*, program: Program, duty_id: int) -> CadenceDuty | None:
    return CadenceDuty.objects.select_related("program").filter(program=program, pk=duty_id).first()


def by_codes(model, codes: list[str]) -> tuple[list, list[str]]:
    """Rows of ``model`` with these ``code`` values, and the codes that match nothing (sorted)."""
    wanted = list(dict.fromkeys(codes))
    found = list(model.objects.filter(code__in=wanted))
    return found, sorted(set(wanted) - {row.code for row in found})


def eligibility_summary(*, program: Program) -> dict[str, object]:
    """The eligibility rules for display (empty values: the rule is not set)."""
    return {
        "departments": [str(d) for d in program.eligible_departments.order_by("path")],
        "job_profiles": [str(j) for j in program.eligible_job_profiles.order_by("title")],
        "languages": [str(lang) for lang in program.eligible_languages.order_by("name")],
        "hired_from": program.eligible_hired_from, "hired_to": program.eligible_hired_to,
    }


# -- program administration (issue 14 §2) ----------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """A program's figures, whatever its status: enrolled (active and withdrawn) and its pairs by
    status. A closed program keeps its history: its pairs are completed or ended, not gone."""

    mentors: int
    mentees: int
    withdrawn: int
    pairs: int  # open now
    by_status: dict[str, int]

    @property
    def pairs_ever(self) -> int:
        """Pairs that got past the request (declined requests left out)."""
        return sum(n for s, n in self.by_status.items() if s != "declined")


def program_figures(*, program: Program) -> Figures:
    """The program page's counts: one query (a correlated count per figure, as ``program_overview``),
    run once per change of enrolments or pairs (``people.figures.kept``, the dashboards' generation):
    at 6,250 mentees and 5,625 pairs it counted ~13,000 rows on each view."""
    from tandem.people import figures

    return figures.kept("figures", ("program", program.pk), lambda: _program_figures(program))


def _program_figures(program: Program) -> Figures:
    from tandem.mentorships.models import Mentorship, MentorshipStatus
    from tandem.programs.models import Enrolment

    def _count(model, **filters):
        sub = (model.objects.filter(program=OuterRef("pk"), **filters)
               .order_by().values("program").annotate(n=Count("id")).values("n"))
        return Coalesce(Subquery(sub, output_field=IntegerField()), 0)

    figures = {
        "mentors": _count(Enrolment, role=EnrolmentRole.MENTOR, status=EnrolmentStatus.ACTIVE),
        "mentees": _count(Enrolment, role=EnrolmentRole.MENTEE, status=EnrolmentStatus.ACTIVE),
        "withdrawn": _count(Enrolment, status=EnrolmentStatus.WITHDRAWN),
        **{f"s_{st}": _count(Mentorship, status=st) for st in MentorshipStatus.values},
    }
    row = Program.objects.filter(pk=program.pk).annotate(**figures).values(*figures).get()
    by_status = {st: row[f"s_{st}"] for st in MentorshipStatus.values if row[f"s_{st}"]}
    return Figures(mentors=row["mentors"], mentees=row["mentees"], withdrawn=row["withdrawn"],
                   pairs=sum(n for st, n in by_status.items() if st in OPEN_STATUSES), by_status=by_status)


def enrolment_in(*, program: Program, enrolment_id: int):
    """One enrolment of this program with its person, or None (someone else's ID: not found)."""
    from tandem.programs.models import Enrolment

    return (Enrolment.objects.select_related("person__department", "program")
            .filter(program=program, pk=enrolment_id).first())


@dataclass
class Consequences:
    """What an irreversible step will do to open pairs: those that will be cancelled (never
    started) and those that will end early or be completed (active), each with the other side."""

    cancelled: list = field(default_factory=list)
    ended: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.cancelled) + len(self.ended)


def withdrawal_consequences(*, enrolment) -> Consequences:
    """The open pairs a withdrawal closes: the person's pairs in the program, on the enrolment's side."""
    from tandem.mentorships.models import Mentorship, MentorshipStatus

    side = "mentor" if enrolment.role == EnrolmentRole.MENTOR else "mentee"
    pairs = list(Mentorship.objects.filter(program_id=enrolment.program_id, status__in=OPEN_STATUSES,
                                           **{side: enrolment.person_id})
                 .select_related("mentor", "mentee").order_by("id"))
    return Consequences(cancelled=[m for m in pairs if m.status != MentorshipStatus.ACTIVE],
                        ended=[m for m in pairs if m.status == MentorshipStatus.ACTIVE])


def close_consequences(*, program: Program) -> Consequences:
    """Closing a program completes its active pairs and cancels the ones that never started."""
    from tandem.mentorships.models import Mentorship, MentorshipStatus

    pairs = list(Mentorship.objects.filter(program=program, status__in=OPEN_STATUSES)
                 .select_related("mentor", "mentee").order_by("id"))
    return Consequences(cancelled=[m for m in pairs if m.status != MentorshipStatus.ACTIVE],
                        ended=[m for m in pairs if m.status == MentorshipStatus.ACTIVE])


def enrolment_keys(*, program: Program, role: str | None = None, status: str | None = None) -> list[int]:
    """The ids of the program's enrolments (of one role or status, if given) in the order of
    :func:`enrolments_for_export` (role, name), kept per change of enrolments or people's names
    (``people.figures.kept``): a page of the API's list does not sort every enrolment of a program
    of thousands."""
    from tandem.people import figures
    from tandem.programs.models import Enrolment

    def read() -> list[int]:
        qs = Enrolment.objects.filter(program=program)
        if role:
            qs = qs.filter(role=role)
        if status:
            qs = qs.filter(status=status)
        return list(qs.order_by("role", "person__full_name", "id").values_list("pk", flat=True))

    return figures.kept("figures", ("enrolment_keys", program.pk, role or "", status or ""), read)


def enrolments_for_export(*, program: Program) -> QuerySet:
    """Every enrolment of the program, withdrawn ones included, with each person's open pairs in
    the program (one query)."""
    from tandem.mentorships.models import Mentorship
    from tandem.programs.models import Enrolment

    def _open(side: str):
        sub = (Mentorship.objects.filter(program=program, status__in=OPEN_STATUSES, **{side: OuterRef("person_id")})
               .order_by().values(side).annotate(n=Count("id")).values("n"))
        return Coalesce(Subquery(sub, output_field=IntegerField()), 0)

    return (Enrolment.objects.filter(program=program)
            .select_related("person__department", "person__job_profile")
            .annotate(open_as_mentor=_open("mentor"), open_as_mentee=_open("mentee"))
            .annotate(open_pairs=Case(When(role=EnrolmentRole.MENTOR, then=F("open_as_mentor")),
                                      default=F("open_as_mentee"), output_field=IntegerField()))
            .order_by("role", "person__full_name", "id"))
