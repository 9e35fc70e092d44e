"""Reads of department support (Tandem issue 12 §4): for one stage of a program, each department's
support for its graduates, ranked, with the passive ones named (source 003: 定向跟踪 during the
rotations and placement, 倒逼追责 at the end); a department head's view of their own department
against the median.

A stage is a phase of the program (``programs.Phase``); its report covers the phase's dates, up to
today while it runs. The report is computed live for those dates, not frozen: it is read a few times
per stage by a handful of people, and every figure can be recomputed from the log. What live
computation cannot recover is a graduate's department *history*: Tandem keeps one department per
person, so a graduate is counted in

- the department they were placed in, once a selection round of the program placing them was
  published by the stage's last day; otherwise
- the department on their record (``Person.department``) today.

Who is a graduate: everyone enrolled in the program as a mentee (withdrawn ones included: dropping
out cannot flatter a department), hired by the stage's last day and not gone before its first.

The measures (see ``departments`` for the score and the passive rule):

- *mentor assigned*: a mentorship of the program that was started (active, completed or ended
  early), started by the stage's last day and not ended before its first;
- *sessions held*: a session of such a mentorship marked held, dated in the stage;
- *reviews done*: a competency rating of the graduate by a mentor or a manager (a submitted
  competency review records these too), or a GRAI review written by the graduate's mentor, in the stage;
- *rating*: the ``overall`` question of the program's last ``department_support`` survey that
  closed in the stage, read ONLY through ``survey_selectors.survey_results(breakdown="department")``
  — its threshold, its rule that anonymous results show only once the survey is closed, and its
  differencing rule (the breakdown is refused whole when any department, or the rest beside it, is
  below the threshold). A survey response carries the respondent's department when they answered.
- *placements kept*: of the graduates placed with the department by a published round, those still
  in it (their department is it or below it) and still employed on the stage's last day.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tandem.assessments import survey_selectors
from tandem.assessments.grai_models import GraiReview
from tandem.assessments.models import Survey, SurveyStatus
from tandem.core import authz
from tandem.core.errors import NotFound, ValidationFailed
from tandem.insights import departments as calc
from tandem.matching.models import Placement, RoundStatus
from tandem.mentorships.log_models import Session, SessionStatus
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.people.models import CompetencyRating, Department, RatingSource
from tandem.programs.models import Enrolment, EnrolmentRole, Phase, Program

SURVEY_TEMPLATE = "department_support"
RATING_QUESTION = "overall"
STARTED_STATUSES = (MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)
CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")

MEASURE_LABELS = {
    "mentor": gettext_lazy("Mentor assigned"),
    "sessions": gettext_lazy("Sessions held"),
    "reviews": gettext_lazy("Reviews done"),
    "rating": gettext_lazy("Graduates' rating"),
    "kept": gettext_lazy("Placements kept"),
}
FORMULA_TEXT = gettext_lazy(
    "Support score (0–100) = the mean of the department's available measures: the share of its graduates "
    "with a mentor assigned, the share with at least one session held in the stage, the share reviewed in "
    "the stage (a competency rating by their mentor or manager, or a GRAI review by their mentor), the share "
    "of its placed graduates still in the department and employed at the report date, and the graduates' "
    "rating rescaled from 1–5 to 0–1. A measure without a figure is left out, not counted as zero.")
PASSIVE_TEXT = gettext_lazy(
    "Passive: a department with graduates none of whom had a session held in the stage while other "
    "departments' graduates did, or one strictly below the median of the departments on more than half of "
    "the measures it has (at least two).")
ATTRIBUTION_TEXT = gettext_lazy(
    "A graduate counts in the department they were placed in once a selection round placing them was "
    "published by the stage's last day, otherwise in the department on their record today. The report is "
    "computed for the stage's dates, up to today while the stage runs.")


def measure_label(code: str) -> str:
    return str(MEASURE_LABELS[code])


# -- parameters and access ------------------------------------------------------------------------


def _parse_id(value: Any, fieldname: str) -> int | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) > 2_147_483_647:
        raise ValidationFailed({fieldname: [_("Give the number of one of the listed items.")]})
    return int(text)


def program_for_support(*, actor: authz.Actor, program_id: int) -> Program:
    """The program, or 404 for one the actor cannot see; 403 for one they see but may not read the
    department report of."""
    program = Program.objects.select_related("owner").filter(pk=program_id).first()
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound(_("No such program."))
    authz.require(authz.can_view_department_support(actor, program))
    return program


def department_for_support(*, actor: authz.Actor, code: Any) -> Department:
    """The department by its code, for HR and its head; 400 for a code that cannot be one, 404 for
    an unknown one, 403 for someone who may not read it."""
    text = str(code or "")
    if not CODE_RE.match(text):
        raise ValidationFailed({"code": [_("A department code has letters, digits, dots, dashes or underscores.")]})
    if not actor.is_authenticated:
        authz.require(False)
    department = Department.objects.filter(code=text).first()
    if department is None:
        raise NotFound(_("No such department."))
    authz.require(authz.can_view_own_department_support(actor, department))
    return department


def stages_of(program: Program) -> list[Phase]:
    return list(Phase.objects.filter(program=program).select_related("program").order_by("order", "start_day", "id"))


def stage_pick(*, program: Program, stage: Any, today: datetime.date | None = None) -> Phase:
    """The stage asked for (a phase id of this program), or by default the last one that has started
    (the first if none has); 400 for anything else."""
    today = today or timezone.localdate()
    stages = stages_of(program)
    if not stages:
        raise ValidationFailed({"stage": [_("This program has no stages (phases) yet.")]})
    stage_id = _parse_id(stage, "stage")
    if stage_id is None:
        started = [s for s in stages if s.start_date <= today]
        return started[-1] if started else stages[0]
    for s in stages:
        if s.pk == stage_id:
            return s
    raise ValidationFailed({"stage": [_("Choose one of the program's stages.")]})


def programs_of_department(*, department: Department) -> list[Program]:
    """The programs with graduates in or placed with the department (for a head's picker), newest first."""
    enrolled = Enrolment.objects.filter(role=EnrolmentRole.MENTEE, person__department=department).values("program_id")
    placed = Placement.objects.filter(department=department, round__status=RoundStatus.PUBLISHED).values(
        "round__program_id")
    return list(Program.objects.filter(Q(pk__in=enrolled) | Q(pk__in=placed)).distinct().order_by("-starts_on", "name"))


def program_for_department(*, department: Department, program_id: Any) -> Program:
    programs = programs_of_department(department=department)
    pid = _parse_id(program_id, "program")
    if pid is None:
        if not programs:
            raise NotFound(_("No program has graduates in this department yet."))
        return programs[0]
    for p in programs:
        if p.pk == pid:
            return p
    raise ValidationFailed({"program": [_("Choose one of the programs with graduates in this department.")]})


# -- the report -----------------------------------------------------------------------------------


@dataclass
class Rating:
    """The department rating of a stage: which survey, whether its breakdown is shown, and why not."""

    survey: Survey | None
    shown: bool
    message: str
    threshold: int | None = None
    cells: dict[int | None, tuple[float | None, int]] = field(default_factory=dict)  # department → (mean, n)


@dataclass
class StageReport:
    program: Program
    stage: Phase
    start: datetime.date
    end: datetime.date  # the report date: the stage's last day, or today while it runs
    started: bool
    finished: bool
    ranking: calc.Ranking
    departments: dict[int, Department]
    rating: Rating
    placements_published: bool

    @property
    def rows(self) -> list[calc.Row]:
        return self.ranking.rows

    @property
    def passive(self) -> list[calc.Row]:
        return [r for r in self.rows if r.passive]


def _window(stage: Phase, today: datetime.date) -> tuple[datetime.date, datetime.date, bool, bool]:
    start, last = stage.start_date, stage.end_date
    return start, min(last, today), start <= today, last < today


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _rating(program: Program, start: datetime.date, end: datetime.date) -> Rating:
    surveys = (Survey.objects.filter(program=program, version__template__code=SURVEY_TEMPLATE,
                                     closes_at__gte=_aware(start), closes_at__lt=_aware(end + datetime.timedelta(days=1)))
               | Survey.objects.filter(program=program, version__template__code=SURVEY_TEMPLATE,
                                       status=SurveyStatus.CLOSED, closes_at__gt=_aware(end + datetime.timedelta(days=1)),
                                       updated_at__gte=_aware(start),
                                       updated_at__lt=_aware(end + datetime.timedelta(days=1))))
    survey = surveys.select_related("version__template").order_by("-closes_at", "-id").first()
    if survey is None:
        return Rating(None, False, _("No department rating survey closed in this stage yet."))
    result = survey_selectors.survey_results(survey=survey, breakdown="department")
    if not result.get("shown"):
        return Rating(survey, False, str(result.get("message", "")), result.get("threshold"))
    breakdown = result.get("breakdown") or {}
    if not breakdown.get("shown"):
        return Rating(survey, False, str(breakdown.get("message", "")), result.get("threshold"))
    cells: dict[int | None, tuple[float | None, int]] = {}
    for cell in breakdown["cells"]:
        q = next((q for q in cell["questions"] if q["code"] == RATING_QUESTION), None)
        if q is not None:
            cells[cell["key"]] = (q.get("mean"), q.get("n", 0))
    return Rating(survey, True, "", result.get("threshold"), cells)


def stage_report(*, program: Program, stage: Phase, today: datetime.date | None = None) -> StageReport:
    """Every department's figures for the stage, scored, ranked, with the passive rule applied."""
    today = today or timezone.localdate()
    start, end, started, finished = _window(stage, today)
    rating = _rating(program, start, end) if started else Rating(None, False, _("This stage has not started yet."))
    if not started:
        return StageReport(program, stage, start, end, False, False, calc.rank([]), {}, rating, False)

    # the graduates and their department
    graduates: dict[int, int] = {}  # person → department
    enrolled = (Enrolment.objects.filter(program=program, role=EnrolmentRole.MENTEE)
                .filter(Q(person__hire_date__isnull=True) | Q(person__hire_date__lte=end))
                .filter(Q(person__left_on__isnull=True) | Q(person__left_on__gte=start)))
    rows = enrolled.values_list("person_id", "person__department_id")
    for pid, dep in rows:
        graduates[pid] = dep
    placements = list(Placement.objects.filter(round__program=program, round__status=RoundStatus.PUBLISHED,
                                               round__published_at__lt=_aware(end + datetime.timedelta(days=1)),
                                               department__isnull=False)
                      .order_by("round__published_at", "id")
                      .values_list("applicant_id", "department_id", "department__path",
                                   "applicant__department__path", "applicant__left_on"))
    placed: dict[int, tuple[int, bool]] = {}  # person → (department, kept)
    for pid, dep, dep_path, own_path, left_on in placements:
        kept = (own_path or "").startswith(dep_path or "\x00") and (left_on is None or left_on > end)
        placed[pid] = (dep, kept)  # a later round's placement replaces an earlier one
        if pid in graduates:
            graduates[pid] = dep
    # the graduates as a subquery, not a list of thousands of ids; each measure is one query returning
    # one row per graduate (order_by() drops the models' default ordering, which DISTINCT would
    # otherwise keep: a row per session, not per graduate)
    ids = enrolled.order_by().values("person_id")

    mentored = set(Mentorship.objects.filter(program=program, mentee_id__in=ids, status__in=STARTED_STATUSES,
                                             started_on__lte=end)
                   .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start)).order_by()
                   .values_list("mentee_id", flat=True).distinct())
    with_session = set(Session.objects.filter(mentorship__program=program, mentorship__mentee_id__in=ids,
                                              status=SessionStatus.HELD, starts_at__gte=_aware(start),
                                              starts_at__lt=_aware(end + datetime.timedelta(days=1)))
                       .order_by().values_list("mentorship__mentee_id", flat=True).distinct())
    reviewed = set(CompetencyRating.objects.filter(person_id__in=ids, rated_on__gte=start, rated_on__lte=end,
                                                   source__in=(RatingSource.MENTOR, RatingSource.MANAGER))
                   .order_by().values_list("person_id", flat=True).distinct())
    reviewed |= set(GraiReview.objects.filter(mentorship__program=program, mentorship__mentee_id__in=ids,
                                              side="mentor", period_start__gte=start, period_start__lte=end)
                    .order_by().values_list("mentorship__mentee_id", flat=True).distinct())

    by_dep: dict[int, list[int]] = defaultdict(list)
    for pid, dep in graduates.items():
        by_dep[dep].append(pid)
    kept_by_dep: dict[int, list[bool]] = defaultdict(list)
    for dep, kept in placed.values():
        kept_by_dep[dep].append(kept)
    dep_ids = set(by_dep) | set(kept_by_dep)
    departments = {d.pk: d for d in Department.objects.filter(pk__in=dep_ids)}
    out = []
    for dep_id in dep_ids:
        people = by_dep.get(dep_id, [])
        n = len(people)
        figures = {
            "mentor": calc.Figure(sum(1 for p in people if p in mentored), n),
            "sessions": calc.Figure(sum(1 for p in people if p in with_session), n),
            "reviews": calc.Figure(sum(1 for p in people if p in reviewed), n),
        }
        if rating.shown and dep_id in rating.cells:
            mean, n_answers = rating.cells[dep_id]
            if mean is not None:
                figures["rating"] = calc.Figure(None, n_answers, mean)
        kept = kept_by_dep.get(dep_id)
        if kept:
            figures["kept"] = calc.Figure(sum(kept), len(kept))
        out.append(calc.Row(dep_id, departments[dep_id].name, figures, graduates=n))
    return StageReport(program, stage, start, end, True, finished, calc.rank(out), departments, rating, bool(placed))


def program_support(*, actor: authz.Actor, program_id: int, stage: Any = None,
                    today: datetime.date | None = None) -> StageReport:
    program = program_for_support(actor=actor, program_id=program_id)
    return stage_report(program=program, stage=stage_pick(program=program, stage=stage, today=today), today=today)


@dataclass
class DepartmentView:
    """One department against the median: its own row, the medians (where enough departments have
    a figure), its rank among how many, and the stage's notes. No other department by name."""

    department: Department
    report: StageReport
    row: calc.Row | None
    medians: dict[str, float | None]
    counts: dict[str, int]
    ranked: int

    @property
    def program(self) -> Program:
        return self.report.program

    @property
    def stage(self) -> Phase:
        return self.report.stage


def department_support(*, actor: authz.Actor, code: Any, program_id: Any = None, stage: Any = None,
                       today: datetime.date | None = None) -> DepartmentView:
    department = department_for_support(actor=actor, code=code)
    program = program_for_department(department=department, program_id=program_id)
    report = stage_report(program=program, stage=stage_pick(program=program, stage=stage, today=today), today=today)
    row = next((r for r in report.rows if r.department_id == department.pk), None)
    counts = report.ranking.counts
    mids = {m: (v if counts[m] >= calc.MIN_DEPARTMENTS_FOR_MEDIAN else None)
            for m, v in report.ranking.medians.items()}
    ranked = sum(1 for r in report.rows if r.rank is not None)
    return DepartmentView(department, report, row, mids, counts, ranked)


# -- how a figure reads -----------------------------------------------------------------------------


def figure_text(row: calc.Row, measure: str) -> str:
    """"3 of 5 (60 %)", "4.2 of 5 (n = 7)", or why there is none."""
    f = row.figures.get(measure)
    if f is None:
        return ""
    if f.mean is not None:
        return _("%(mean)s of 5 (n = %(n)s answers)") % {"mean": f"{f.mean:.2f}", "n": f.n}
    if f.n == 0:
        return _("no graduates")
    return _("%(k)s of %(n)s (%(pct)s %%)") % {"k": f.k, "n": f.n, "pct": round(100 * (f.k or 0) / f.n)}


def evidence(row: calc.Row) -> list[str]:
    """Why a department is named passive, in words."""
    out = []
    if row.no_sessions:
        out.append(ngettext("No session held for its %(n)s graduate in this stage.",
                            "No session held for any of its %(n)s graduates in this stage.", row.graduates)
                   % {"n": row.graduates})
    if row.below_median and len(row.below_median) * 2 > row.compared and row.compared >= 2:
        out.append(_("Below the median on %(k)s of %(m)s measures: %(list)s.") % {
            "k": len(row.below_median), "m": row.compared,
            "list": ", ".join(measure_label(m) for m in row.below_median)})
    return out
