"""Reads of a program's report (Tandem issue 12 §6): the key figures of one program, each with its
n, gathered from the other insights reads so that the report says exactly what the pages say.

- participants (mentees ever enrolled, withdrawn ones included, and how many are still active),
  mentors, pairs by state — GROUP BY queries;
- sessions held, missed and cancelled, hours held, pairs that held one — one GROUP BY query;
- cadence kept: of the required duties' periods gone by in the active pairs, the share done
  (the duties checklist's own evaluator, :func:`tandem.mentorships.duties.program_compliance`);
- retention at day 7 and months 1, 3 and 6 against the non-participants (``retention_selectors``);
- the cohort comparison of participants against non-participants (``selectors.cohort_comparison``);
- the ROI summary with the program's default inputs (``roi_selectors``).

Below the anonymity threshold (``settings.INSIGHTS_MIN_GROUP``) nothing is shown: the comparison
and retention suppress their own figures, and the cadence share needs that many pairs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core import authz
from tandem.core.errors import ApplicationError, NotFound
from tandem.insights import retention_selectors as rs
from tandem.insights import roi_selectors, selectors
from tandem.insights.charts import IntervalChart, interval_bars
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program


def program_for_report(*, actor: authz.Actor, program_id: int) -> Program:
    """The program, or 404 for one the actor cannot see; 403 for one they see but whose insights
    they may not read (the same rules as the ROI and retention pages: HR and the program's manager)."""
    program = Program.objects.select_related("owner").filter(pk=program_id).first()
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound(_("No such program."))
    authz.require(authz.can_view_roi(actor, program) and authz.can_view_retention(actor, program))
    return program


@dataclass(frozen=True)
class People:
    participants: int  # mentees ever enrolled
    active_participants: int
    mentors: int


@dataclass(frozen=True)
class Pairs:
    total: int  # every mentorship of the program, whatever its state
    by_status: dict[str, int]

    @property
    def running(self) -> int:
        return self.by_status.get("active", 0)

    @property
    def completed(self) -> int:
        return self.by_status.get("completed", 0)

    @property
    def ended_early(self) -> int:
        return self.by_status.get("ended_early", 0)


@dataclass(frozen=True)
class Sessions:
    held: int
    missed: int
    cancelled: int
    scheduled: int
    hours_held: float
    pairs_with_held: int  # n: the pairs that held at least one


@dataclass(frozen=True)
class Cadence:
    """Of the required duties' periods gone by in the active pairs, how many were done."""

    done: int
    periods: int  # done + overdue
    pairs: int  # active pairs evaluated (n)
    suppressed: bool
    too_many: bool = False  # more active pairs than CADENCE_MAX_PAIRS: not evaluated here

    @property
    def share(self) -> float | None:
        return None if self.suppressed or self.too_many or not self.periods else self.done / self.periods


@dataclass
class ProgramReport:
    program: Program
    today: datetime.date
    threshold: int
    people: People
    pairs: Pairs
    sessions: Sessions
    cadence: Cadence | None  # None: the program sets no required duty
    retention: rs.RetentionReport | None
    retention_error: str
    comparison: selectors.ComparisonResult | None
    comparison_charts: dict[int, IntervalChart | None] = field(default_factory=dict)
    comparison_error: str = ""
    roi: dict[str, Any] = field(default_factory=dict)
    roi_measured: dict[str, Any] | None = None


def _people(program: Program) -> People:
    rows = (Enrolment.objects.filter(program=program).order_by().values("role")
            .annotate(n=Count("id"), active=Count("id", filter=Q(status=EnrolmentStatus.ACTIVE))))
    by_role = {r["role"]: r for r in rows}
    mentees = by_role.get(EnrolmentRole.MENTEE, {"n": 0, "active": 0})
    mentors = by_role.get(EnrolmentRole.MENTOR, {"n": 0, "active": 0})
    return People(mentees["n"], mentees["active"], mentors["n"])


def _pairs(program: Program) -> Pairs:
    from tandem.mentorships.models import Mentorship

    rows = Mentorship.objects.filter(program=program).order_by().values("status").annotate(n=Count("id"))
    by_status = {r["status"]: r["n"] for r in rows}
    return Pairs(sum(by_status.values()), by_status)


def _sessions(program: Program) -> Sessions:
    from tandem.mentorships.log_models import Session, SessionStatus

    held = Q(status=SessionStatus.HELD)
    row = Session.objects.filter(mentorship__program=program).order_by().aggregate(
        held=Count("id", filter=held),
        missed=Count("id", filter=Q(status=SessionStatus.MISSED)),
        cancelled=Count("id", filter=Q(status=SessionStatus.CANCELLED)),
        scheduled=Count("id", filter=Q(status=SessionStatus.SCHEDULED)),
        minutes=Sum("duration_minutes", filter=held),
        pairs=Count("mentorship_id", filter=held, distinct=True),
    )
    return Sessions(row["held"], row["missed"], row["cancelled"], row["scheduled"],
                    round((row["minutes"] or 0) / 60.0, 1), row["pairs"])


#: The duties checklist evaluates each pair's periods from its log entries in Python
#: (``mentorships/duties.py``): about 1 s per 1,000 active pairs with a monthly duty
#: (bench/bench_insights.py). Above this many, the report points to the compliance page instead.
CADENCE_MAX_PAIRS = 1000


def _cadence(program: Program, today: datetime.date, threshold: int) -> Cadence | None:
    from tandem.mentorships import duties
    from tandem.mentorships.models import Mentorship, MentorshipStatus
    from tandem.programs.models import CadenceDuty

    if not CadenceDuty.objects.filter(program=program, required=True).exists():
        return None
    active = Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE).count()
    if active > CADENCE_MAX_PAIRS:
        return Cadence(0, 0, active, suppressed=False, too_many=True)
    rows = duties.program_compliance(program, today=today)
    done = sum(r.done_count for r in rows if r.state.required)
    overdue = sum(r.overdue_count for r in rows if r.state.required)
    pairs = len({r.mentorship.pk for r in rows})
    return Cadence(done, done + overdue, pairs, suppressed=pairs < threshold)


def program_report(*, actor: authz.Actor, program_id: int, today: datetime.date | None = None) -> ProgramReport:
    """Every figure of the program's report, access checked once."""
    program = program_for_report(actor=actor, program_id=program_id)
    today = today or timezone.localdate()
    threshold = selectors.min_group()
    retention, retention_error = None, ""
    try:
        retention = rs.program_retention(actor=actor, program_id=program.pk, today=today)
    except ApplicationError as exc:
        retention_error = str(exc.message)
    comparison, charts, comparison_error = None, {}, ""
    try:
        comparison = selectors.cohort_comparison(actor=actor, a=f"program:{program.pk}",
                                                 b=f"nonparticipants:{program.pk}")
        charts = {row.metric.pk: interval_bars(row) for row in comparison.rows}
    except ApplicationError as exc:
        comparison_error = str(exc.message)
    defaults = roi_selectors.roi_defaults(actor=actor, program=program, comparison=comparison)
    return ProgramReport(
        program=program, today=today, threshold=threshold,
        people=_people(program), pairs=_pairs(program), sessions=_sessions(program),
        cadence=_cadence(program, today, threshold),
        retention=retention, retention_error=retention_error,
        comparison=comparison, comparison_charts=charts, comparison_error=comparison_error,
        roi=roi_selectors.roi_report(defaults.inputs), roi_measured=defaults.measured,
    )
