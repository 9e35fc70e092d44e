"""Reads of retention (Tandem issue 12 §3): a program's Kaplan–Meier curve against a comparison
group, the figures at day 7 and months 1, 3 and 6, and the at-risk list before each checkpoint.

The time origin
---------------
A person's day 0 is the later of the program's first day (``Program.starts_on``) and their hire
date (``Person.hire_date``; none given: the program's first day). For a cohort of new hires that is
the day they joined the company and the program together; for the comparison group it is the same
date rule applied to the same program, so both curves measure "days since the program began (or
since they joined, if later)". A mentorship's start is not used: a graduate who leaves in the first
week has no mentorship yet, and non-participants have none at all.

Who counts
----------
- ``program:<id>`` — everyone ever enrolled in that program as a mentee, withdrawn ones included
  (dropping out of the program cannot flatter it), as in the cohort comparison;
- ``nonparticipants:<id>`` — people with no enrolment in that program, restricted to the program's
  eligibility rules on departments, job profiles and hire dates when it sets them (the same kind of
  people), employed on their day 0 and with a day 0 no later than the program's last day.

A person leaves on ``Person.left_on`` (an *event* on that day); a person still employed is
*censored* at today's date: counted at risk up to today, never as retained beyond it. People whose
day 0 is still to come, or who left before it, are not in the curve. A group below the anonymity
threshold (``settings.INSIGHTS_MIN_GROUP``) shows nothing, not even its n; a checkpoint with fewer
people still at risk shows no figure, and the curve stops there.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tandem.core import authz
from tandem.core.errors import ApplicationError, NotFound
from tandem.insights import retention, selectors
from tandem.insights.errors import InsightsErrorCode
from tandem.people.models import Department, Person
from tandem.programs.models import (
    CadenceDuty,
    DutyRequirement,
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    MilestoneKind,
    Program,
    ProgramMilestone,
    ProgramStatus,
)

CHECKPOINTS = retention.CHECKPOINTS
HORIZON = 200  # the curve's last day: a little past month 6
AT_RISK_WINDOW = 14  # days before a checkpoint in which a participant is listed
MISSED_WINDOW = 30  # days back for missed sessions
LOW_RATING = 2.5  # a mean of one's own session feedback at or below this
GRAI_GAP = 7  # days without a GRAI review

CHECKPOINT_LABELS = {
    7: gettext_lazy("day 7"),
    30: gettext_lazy("month 1"),
    91: gettext_lazy("month 3"),
    182: gettext_lazy("month 6"),
}
METHOD_TEXT = gettext_lazy(
    # xgettext:no-python-format
    "Kaplan–Meier estimate (lifelines) of the share still employed after each day, with the 95 % "
    "exponential Greenwood band. Day 0 is the later of the program's first day and the person's hire "
    "date. People still employed are censored at today's date: they count as at risk until today, not "
    "as retained beyond it. At risk: people followed at least that many days and not gone before."
)
SUPPRESSED_TEXT = selectors.SUPPRESSED_TEXT
FEW_AT_RISK_TEXT = gettext_lazy("Fewer than %(n)s people still followed at this checkpoint: not shown.")
NOT_REACHED_TEXT = gettext_lazy("Nobody has been followed this long yet.")


def checkpoint_label(day: int) -> str:
    return str(CHECKPOINT_LABELS.get(day) or _("day %(day)s") % {"day": day})


def program_for_retention(*, actor: authz.Actor, program_id: int, at_risk: bool = False) -> Program:
    """The program, or 404 for one the actor cannot see; 403 for one they see but may not read the
    retention of (or its at-risk list)."""
    program = Program.objects.select_related("owner").filter(pk=program_id).first()
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound(_("No such program."))
    allowed = authz.can_view_at_risk(actor, program) if at_risk else authz.can_view_retention(actor, program)
    authz.require(allowed)
    return program


def comparison_group(*, actor: authz.Actor, program: Program, text: str | None) -> selectors.Group:
    """The comparison group (default: the program's non-participants), checked like the cohort
    comparison's groups; an imported cohort label has no dates, so it is refused here."""
    text = (text or "").strip() or f"nonparticipants:{program.pk}"
    if text.partition(":")[0].strip().lower() == "cohort":
        raise ApplicationError(
            _("An imported cohort has no start or leaving dates: compare with non-participants or another program."),
            code=InsightsErrorCode.BAD_GROUP, data={"field": "compare"})
    group = selectors.group_parse(actor=actor, text=text, field="compare")
    if group.kind == "program" and group.program.pk == program.pk:
        raise ApplicationError(_("Choose two different groups."), code=InsightsErrorCode.SAME_GROUPS)
    return group


def comparison_choices(*, actor: authz.Actor, program: Program) -> list[tuple[str, str]]:
    """What the page offers to compare with: the non-participants, then the other programs' participants."""
    own = f"program:{program.pk}"
    return [(code, label) for code, label in selectors.group_choices(actor=actor)
            if not code.startswith("cohort:") and code != own
            and (code == f"nonparticipants:{program.pk}" or code.startswith("program:"))]


# -- who is in a group, with their day 0 --------------------------------------------------------


def _eligibility_q(program: Program) -> Q:
    q = Q()
    paths = list(Department.objects.filter(pk__in=program.eligible_departments.values("pk"))
                 .values_list("path", flat=True))
    if paths:
        dep = Q()
        for path in paths:
            dep |= Q(department__path__startswith=path)
        q &= dep
    job_ids = list(program.eligible_job_profiles.values_list("pk", flat=True))
    if job_ids:
        q &= Q(job_profile_id__in=job_ids)
    if program.eligible_hired_from:
        q &= Q(hire_date__gte=program.eligible_hired_from)
    if program.eligible_hired_to:
        q &= Q(hire_date__lte=program.eligible_hired_to)
    return q


def group_people(group: selectors.Group) -> QuerySet[Person]:
    program = group.program
    enrolled = Enrolment.objects.filter(program_id=program.pk, person_id=OuterRef("pk"))
    if group.kind == "program":
        return Person.objects.filter(Exists(enrolled.filter(role=EnrolmentRole.MENTEE)))
    return (Person.objects.filter(~Exists(enrolled)).filter(_eligibility_q(program))
            .filter(Q(hire_date__isnull=True) | Q(hire_date__lte=program.ends_on))
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=program.starts_on)))


def day_zero(program: Program, hire_date: datetime.date | None) -> datetime.date:
    return max(program.starts_on, hire_date) if hire_date else program.starts_on


@dataclass(frozen=True)
class Durations:
    durations: list[int]
    observed: list[bool]
    not_started: int  # day 0 still to come
    left_before: int  # left before their day 0


def group_durations(group: selectors.Group, today: datetime.date) -> Durations:
    """Each member's days from day 0 to leaving (an event) or to today (censored); one query, which
    counts the members per (hire date, leaving date) in SQL: a company's people share a few thousand
    such pairs, so a group of 40,000 comes back as a few thousand rows."""
    durations: list[int] = []
    observed: list[bool] = []
    not_started = left_before = 0
    rows = (group_people(group).order_by().values("hire_date", "left_on").annotate(n=Count("pk"))
            .values_list("hire_date", "left_on", "n"))
    for hire_date, left_on, n in rows:
        start = day_zero(group.program, hire_date)
        if start > today:
            not_started += n
            continue
        if left_on is not None and left_on < start:
            left_before += n
            continue
        if left_on is not None and left_on <= today:
            durations.extend([(left_on - start).days] * n)
            observed.extend([True] * n)
        else:
            durations.extend([(today - start).days] * n)
            observed.extend([False] * n)
    return Durations(durations, observed, not_started, left_before)


# -- the report ---------------------------------------------------------------------------------


@dataclass
class GroupRetention:
    group: selectors.Group
    suppressed: bool
    result: retention.SurvivalResult | None
    notes: list[dict[str, str]] = field(default_factory=list)

    @property
    def n(self) -> int | None:
        return None if self.result is None else self.result.n


@dataclass(frozen=True)
class AlumniTalk:
    name: str
    day: int  # days since the program's start (program day 1 = day 0)
    date: datetime.date


@dataclass
class RetentionReport:
    program: Program
    groups: list[GroupRetention]
    threshold: int
    today: datetime.date
    alumni_talks: list[AlumniTalk]
    checkpoints: tuple[int, ...] = CHECKPOINTS

    @property
    def method(self) -> str:
        return str(METHOD_TEXT)

    @property
    def observational_note(self) -> str:
        return str(selectors.NOTE_TEXT[selectors.stats.Note.OBSERVATIONAL])

    def checkpoint_rows(self) -> list[dict[str, Any]]:
        """One row per checkpoint and group (the table and the exports)."""
        rows = []
        for day in self.checkpoints:
            for g in self.groups:
                figure = None
                if g.result is not None:
                    figure = next(c for c in g.result.checkpoints if c.day == day)
                note = ""
                if g.suppressed:
                    note = str(SUPPRESSED_TEXT % {"n": self.threshold})
                elif figure is not None and figure.retention is None:
                    note = str(NOT_REACHED_TEXT if not figure.reached else FEW_AT_RISK_TEXT % {"n": self.threshold})
                rows.append({"day": day, "label": checkpoint_label(day), "group": g.group, "figure": figure,
                             "suppressed": g.suppressed, "note": note})
        return rows


def _group_retention(group: selectors.Group, today: datetime.date, threshold: int) -> GroupRetention:
    data = group_durations(group, today)
    if len(data.durations) < threshold or not data.durations:
        return GroupRetention(group, True, None,
                              [{"code": "below_threshold", "message": str(SUPPRESSED_TEXT % {"n": threshold})}])
    result = retention.kaplan_meier(data.durations, data.observed, min_at_risk=threshold, horizon=HORIZON)
    return GroupRetention(group, False, result)


def _alumni_talks(program: Program) -> list[AlumniTalk]:
    talks = (ProgramMilestone.objects.filter(phase__program=program, kind=MilestoneKind.ALUMNI_TALK)
             .select_related("phase__program").order_by("due_day", "id"))
    return [AlumniTalk(str(m), m.due_day - 1, m.due_date) for m in talks]


def program_retention(*, actor: authz.Actor, program_id: int, compare: str | None = None,
                      today: datetime.date | None = None) -> RetentionReport:
    """The program's participants and the comparison group, each as a thresholded KM estimate."""
    program = program_for_retention(actor=actor, program_id=program_id)
    other = comparison_group(actor=actor, program=program, text=compare)
    today = today or timezone.localdate()
    threshold = selectors.min_group()
    own = selectors.Group("program", str(program.pk), program)
    groups = [_group_retention(own, today, threshold), _group_retention(other, today, threshold)]
    return RetentionReport(program, groups, threshold, today, _alumni_talks(program))


# -- at risk before a checkpoint ------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass
class AtRisk:
    person: Person
    start: datetime.date
    checkpoint: int
    checkpoint_date: datetime.date
    reasons: list[Reason]

    @property
    def checkpoint_label(self) -> str:
        return checkpoint_label(self.checkpoint)

    @property
    def days_left(self) -> int:
        return (self.checkpoint_date - timezone.localdate()).days


def next_checkpoint(start: datetime.date, today: datetime.date) -> tuple[int, datetime.date] | None:
    """The checkpoint at most ``AT_RISK_WINDOW`` days ahead of ``today`` (its day and date), if any."""
    for day in CHECKPOINTS:
        when = start + datetime.timedelta(days=day)
        if 0 <= (when - today).days <= AT_RISK_WINDOW:
            return day, when
    return None


def _latest_grai(person_ids: list[int]) -> dict[int, datetime.date] | None:
    try:
        from tandem.assessments.grai_selectors import latest_review_on
    except ImportError:  # GRAI reviews not there: no data, no reason
        return None
    return latest_review_on(person_ids=person_ids)


def _reasons(program: Program, people: dict[int, tuple[Person, datetime.date]],
             today: datetime.date) -> dict[int, list[Reason]]:
    """Every reason that fires for each of ``people`` (id → (person, day 0)); a few GROUP BY queries."""
    from tandem.mentorships.log_models import (
        ActionItem,
        ActionItemStatus,
        Session,
        SessionFeedback,
        SessionStatus,
    )

    ids = list(people)
    out: dict[int, list[Reason]] = defaultdict(list)
    if not ids:
        return out
    now = timezone.now()
    missed = (Session.objects.filter(mentorship__program=program, mentorship__mentee_id__in=ids,
                                     status=SessionStatus.MISSED, starts_at__gte=now - datetime.timedelta(days=MISSED_WINDOW),
                                     starts_at__lte=now)
              .order_by().values("mentorship__mentee_id").annotate(n=Count("id")))
    for row in missed:
        n = row["n"]
        out[row["mentorship__mentee_id"]].append(Reason("missed_sessions", ngettext(
            "%(count)s missed session in the last 30 days", "%(count)s missed sessions in the last 30 days", n)
            % {"count": n}))
    ratings = (SessionFeedback.objects.filter(session__mentorship__program=program, author_id__in=ids)
               .order_by().values("author_id").annotate(mean=Avg("rating"), n=Count("id")))
    for row in ratings:
        if row["mean"] is not None and row["mean"] <= LOW_RATING:
            out[row["author_id"]].append(Reason("low_satisfaction", ngettext(
                "Their session feedback rates %(mean)s of 5 on average (%(count)s rating)",
                "Their session feedback rates %(mean)s of 5 on average (%(count)s ratings)", row["n"])
                % {"mean": f"{row['mean']:.1f}", "count": row["n"]}))
    uses_grai = CadenceDuty.objects.filter(program=program, requirement=DutyRequirement.GRAI_REVIEW).exists()
    latest = _latest_grai(ids) if uses_grai else None
    if latest is not None:
        gap = datetime.timedelta(days=GRAI_GAP)
        for pid, (_person, start) in people.items():
            last = latest.get(pid)
            if last is None and today - start > gap:
                out[pid].append(Reason("no_grai", _("No GRAI review written yet")))
            elif last is not None and today - last > gap:
                out[pid].append(Reason("no_grai", _("No GRAI review since %(date)s") % {"date": last.isoformat()}))
    overdue = (ActionItem.objects.filter(mentorship__program=program, owner_id__in=ids, status=ActionItemStatus.OPEN,
                                         due_on__lt=today)
               .order_by().values("owner_id").annotate(n=Count("id")))
    for row in overdue:
        n = row["n"]
        out[row["owner_id"]].append(Reason("overdue_items", ngettext(
            "%(count)s overdue action item", "%(count)s overdue action items", n) % {"count": n}))
    return out


def _active_participants(programs: Iterable[Program]) -> QuerySet[Enrolment]:
    return (Enrolment.objects.filter(program__in=list(programs), role=EnrolmentRole.MENTEE,
                                     status=EnrolmentStatus.ACTIVE, person__left_on__isnull=True,
                                     person__is_active=True)
            .select_related("person", "person__department", "program").order_by("person__full_name", "person_id"))


def _at_risk_of(program: Program, enrolments: Iterable[Enrolment], today: datetime.date) -> list[AtRisk]:
    near: dict[int, tuple[Person, datetime.date]] = {}
    when: dict[int, tuple[int, datetime.date]] = {}
    for e in enrolments:
        start = day_zero(program, e.person.hire_date)
        if start > today:
            continue
        checkpoint = next_checkpoint(start, today)
        if checkpoint is not None:
            near[e.person_id] = (e.person, start)
            when[e.person_id] = checkpoint
    reasons = _reasons(program, near, today)
    return [AtRisk(person, start, when[pid][0], when[pid][1], reasons[pid])
            for pid, (person, start) in near.items() if reasons.get(pid)]


def _near_a_checkpoint_q(program: Program, today: datetime.date) -> Q:
    """Enrolments whose day 0 puts a checkpoint within ``AT_RISK_WINDOW`` days from today (day 0 in
    [today − c, today − c + window] for a checkpoint c), so that only they are loaded: at 5,000
    participants loading everyone took a second (bench/bench_insights.py). :func:`next_checkpoint`
    still decides."""
    q = Q(pk__in=[])
    for day in CHECKPOINTS:
        low = today - datetime.timedelta(days=day)
        high = low + datetime.timedelta(days=AT_RISK_WINDOW)
        q |= Q(person__hire_date__gt=program.starts_on, person__hire_date__gte=low, person__hire_date__lte=high)
        if low <= program.starts_on <= high:  # day 0 is the program's first day
            q |= Q(person__hire_date__isnull=True) | Q(person__hire_date__lte=program.starts_on)
    return q


def at_risk_list(*, actor: authz.Actor, program_id: int, today: datetime.date | None = None) -> tuple[Program, list[AtRisk]]:
    """The program's active participants within ``AT_RISK_WINDOW`` days before a checkpoint with at
    least one reason, ordered by the checkpoint's date, then name."""
    program = program_for_retention(actor=actor, program_id=program_id, at_risk=True)
    today = today or timezone.localdate()
    rows = _at_risk_of(program, _active_participants([program]).filter(_near_a_checkpoint_q(program, today)), today)
    rows.sort(key=lambda r: (r.checkpoint_date, r.person.full_name, r.person.pk))
    return program, rows


@dataclass(frozen=True)
class AtRiskSummary:
    program: Program
    checkpoint: int
    count: int


def at_risk_summaries(*, today: datetime.date) -> list[AtRiskSummary]:
    """For the weekly reminder: per open or running program and checkpoint, how many of its
    participants are at risk now."""
    programs = list(Program.objects.filter(status__in=[ProgramStatus.OPEN, ProgramStatus.RUNNING])
                    .select_related("owner").order_by("pk"))
    by_program: dict[int, list[Enrolment]] = defaultdict(list)
    for e in _active_participants(programs):
        by_program[e.program_id].append(e)
    out = []
    for program in programs:
        counts: dict[int, int] = defaultdict(int)
        for row in _at_risk_of(program, by_program.get(program.pk, []), today):
            counts[row.checkpoint] += 1
        out.extend(AtRiskSummary(program, day, n) for day, n in sorted(counts.items()))
    return out
