"""Reads of inputs versus outputs (issue 12 §1): per mentor, program, department or job profile, over
a period, the inputs and outputs of the pairs (see ``inputs`` for every figure's definition), the
monthly trends of the scope, and the flags with their suggestions (``inputs_rules``).

Everything is aggregated in SQL: each pair's raw values are correlated subqueries on the mentorship,
and a group's COUNT / SUM / SUM of squares are one GROUP BY over them (the whole scope: one more
aggregate). Department and job profile are the mentee's (the outputs are the mentee's). What the
actor may read is ``authz.inputs_outputs_pairs_q``; the anonymity threshold is
``settings.INSIGHTS_MIN_GROUP`` (``selectors.min_group``).

Survey satisfaction and NPS (``survey_outputs``) are grouped by the survey response's own coarse keys
(the survey's program, the respondent's department and job profile, the mentor rated), not by pairs:
three more queries, whatever the number of groups. What the actor may read of them is
``authz.can_view_survey_results`` (``authz.survey_results_q``); their threshold and suppression are
``inputs.protect_survey``'s.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractMonth,
    ExtractYear,
    Greatest,
    Least,
    TruncMonth,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.assessments.models import (
    QuestionKind,
    SurveyAnswer,
    SurveyCompletion,
    SurveyPurpose,
    SurveyQuestion,
    SurveyStatus,
)
from tandem.core import authz
from tandem.core.errors import ApplicationError, Forbidden, NotFound
from tandem.core.validators import DB_INT_MAX
from tandem.insights import inputs, selectors
from tandem.insights.errors import InsightsErrorCode
from tandem.insights.inputs import Figure, GroupSums, Period, Sums, SurveyGroup
from tandem.mentorships.library_models import Resource
from tandem.mentorships.log_models import LogSide, Session, SessionFeedback, SessionStatus
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.mentorships.plan_models import GoalMilestone
from tandem.people.models import CompetencyRating, Department, JobProfile, Person, RatingSource
from tandem.programs.models import Program

BY = ("mentor", "program", "department", "job_profile")
BY_FIELD = {"mentor": "mentor_id", "program": "program_id", "department": "mentee__department_id",
            "job_profile": "mentee__job_profile_id"}
BY_LABEL = {"mentor": gettext_lazy("Mentor"), "program": gettext_lazy("Program"),
            "department": gettext_lazy("Department"), "job_profile": gettext_lazy("Job profile")}
PAIR_STATUSES = (MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)
METRIC_LABELS = {
    "hours_per_month": gettext_lazy("Mentoring hours per pair per month"),
    "sessions_per_month": gettext_lazy("Sessions held per pair per month"),
    "cadence_kept": gettext_lazy("Cadence kept (months with a session held)"),
    "resources": gettext_lazy("Resources shared per pair"),
    "competency_gain": gettext_lazy("Change in rated competency level"),
    "milestones_done": gettext_lazy("Plan milestones completed per pair"),
    "satisfaction": gettext_lazy("Satisfaction (session feedback, 1–5)"),
    "survey_satisfaction": gettext_lazy("Satisfaction (surveys, 1–5)"),
    "nps": gettext_lazy("NPS (surveys, −100 to 100)"),
}
METRIC_SHORT = {
    "hours_per_month": gettext_lazy("mentoring hours per month"),
    "sessions_per_month": gettext_lazy("sessions per month"),
    "cadence_kept": gettext_lazy("cadence kept"),
    "resources": gettext_lazy("resources shared"),
    "competency_gain": gettext_lazy("competency gain"),
    "milestones_done": gettext_lazy("milestones completed"),
    "satisfaction": gettext_lazy("satisfaction"),
    "survey_satisfaction": gettext_lazy("survey satisfaction"),
    "nps": gettext_lazy("NPS"),
}
DEFAULT_MONTHS = 6
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def _bad(field: str, message: Any) -> ApplicationError:
    return ApplicationError(message, code=InsightsErrorCode.BAD_INPUTS_QUERY, data={"field": field})


# -- the query: what is asked, checked ------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    by: str
    period: Period
    program: Program | None = None

    def params(self) -> dict[str, str]:
        out = {"by": self.by, "from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        if self.program is not None:
            out["program"] = str(self.program.pk)
        return out


def _date(text: str | None, field: str) -> datetime.date | None:
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > 10 or "\x00" in text:
        raise _bad(field, _("Write a date as YYYY-MM-DD."))
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise _bad(field, _("Write a date as YYYY-MM-DD.")) from None
    if not EARLIEST <= day <= LATEST:
        raise _bad(field, _("A date lies between 2000 and 2100."))
    return day


def default_period(today: datetime.date | None = None) -> Period:
    """The last six calendar months, this one included."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _i in range(DEFAULT_MONTHS - 1):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return Period(start, today)


def query_parse(*, actor: authz.Actor, by: str | None, start: str | None, end: str | None,
                program: str | int | None, today: datetime.date | None = None) -> Query:
    """The page's and the API's parameters as a :class:`Query` the actor may ask; 400 naming the field
    for a malformed one, 403 for what the actor may not see, 404 for an unknown program."""
    authz.require(authz.can_view_inputs_outputs(actor))
    by = (by or "department").strip().lower()
    if by not in BY:
        raise _bad("by", _("Group by mentor, program, department or job_profile."))
    if by == "mentor" and not authz.can_view_inputs_by_mentor(actor):
        raise Forbidden(_("Figures per mentor are for HR and the mentors' program managers."), data={"field": "by"})
    default = default_period(today)
    day_from, day_to = _date(start, "from"), _date(end, "to")
    if day_from is None and day_to is None:
        period = default
    else:
        day_to = day_to or (today or timezone.localdate())
        day_from = day_from or default_period(day_to).start
        if day_from > day_to:
            raise _bad("from", _("The period starts after it ends."))
        period = Period(day_from, day_to)
    if period.days > inputs.MAX_PERIOD_DAYS:
        raise _bad("from", _("Choose a period of at most three years."))
    chosen = None
    text = str(program).strip() if program not in (None, "") else ""
    if text:
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= DB_INT_MAX:
            raise _bad("program", _("A program is given by its number."))
        chosen = Program.objects.select_related("owner").filter(pk=int(text)).first()
        if chosen is None:
            raise NotFound(_("No such program."), data={"field": "program"})
        if not authz.can_filter_inputs_by_program(actor, chosen):
            raise Forbidden(data={"field": "program"})
    return Query(by, period, chosen)


def program_choices(*, actor: authz.Actor) -> QuerySet[Program]:
    """The programs the filter offers: all for HR and heads (their pairs in it), owned ones for managers."""
    if actor.is_hr or (actor.person is not None and actor.is_department_head):
        return Program.objects.order_by("name").only("pk", "name")
    if actor.person is None:
        return Program.objects.none()
    return Program.objects.filter(owner_id=actor.person.pk).order_by("name").only("pk", "name")


# -- the pairs and their raw values -----------------------------------------------------------------


def _window(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def pairs_of(*, actor: authz.Actor, query: Query) -> QuerySet[Mentorship]:
    """The pairs in the scope: started, not only requested, overlapping the period."""
    period = query.period
    qs = Mentorship.objects.filter(authz.inputs_outputs_pairs_q(actor, by_mentor=query.by == "mentor")).filter(
        status__in=PAIR_STATUSES, started_on__isnull=False, started_on__lte=period.end,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
    if query.program is not None:
        qs = qs.filter(program_id=query.program.pk)
    return qs


def _one(qs: QuerySet, expression: Any, output: Any) -> Subquery:
    """A correlated scalar: ``expression`` over ``qs`` (already filtered on the outer pair)."""
    return Subquery(qs.order_by().annotate(_k=Value(1)).values("_k").annotate(v=expression).values("v")[:1],
                    output_field=output)


def _gain(period: Period) -> Subquery:
    """The mentee's mean over competencies of (latest − first rated level in the period)."""
    rated = CompetencyRating.objects.exclude(source=RatingSource.SELF).filter(
        rated_on__gte=period.start, rated_on__lte=period.end)
    same = rated.filter(person_id=OuterRef("person_id"), competency_id=OuterRef("competency_id"))
    newer = same.filter(Q(rated_on__gt=OuterRef("rated_on")) | Q(rated_on=OuterRef("rated_on"), pk__gt=OuterRef("pk")))
    older = same.filter(Q(rated_on__lt=OuterRef("rated_on")) | Q(rated_on=OuterRef("rated_on"), pk__lt=OuterRef("pk")))
    first = same.order_by("rated_on", "pk").values("level")[:1]
    latest = (rated.filter(person_id=OuterRef("mentee_id")).filter(~Exists(newer), Exists(older))
              .annotate(first=Subquery(first, output_field=IntegerField())))
    change = ExpressionWrapper(Cast(F("level"), FloatField()) - Cast(F("first"), FloatField()),
                               output_field=FloatField())
    return _one(latest, Avg(change), FloatField())


def annotated_pairs(pairs: QuerySet[Mentorship], period: Period) -> QuerySet[Mentorship]:
    """Each pair with its raw value per metric (``inputs`` names them; counts are 0, means may be null)."""
    start, end = _window(period)
    held = Session.objects.filter(mentorship_id=OuterRef("pk"), status=SessionStatus.HELD,
                                  starts_at__gte=start, starts_at__lt=end)
    months = Session.objects.filter(mentorship_id=OuterRef("pk"), status=SessionStatus.HELD,
                                    starts_at__gte=start, starts_at__lt=end).annotate(month=TruncMonth("starts_at"))
    resources = Resource.objects.filter(mentorship_id=OuterRef("pk"), created_at__gte=start, created_at__lt=end)
    milestones = GoalMilestone.objects.filter(goal__plan__mentorship_id=OuterRef("pk"),
                                              done_at__gte=start, done_at__lt=end)
    feedback = SessionFeedback.objects.filter(session__mentorship_id=OuterRef("pk"), side=LogSide.MENTEE,
                                              session__starts_at__gte=start, session__starts_at__lt=end)
    zero = Value(0.0)
    # the calendar months the pair was on in the period (at least 1: pairs_of keeps overlapping pairs)
    first = Greatest(F("started_on"), Value(period.start, output_field=DateField()), output_field=DateField())
    last = Least(Coalesce(F("ended_on"), Value(period.end, output_field=DateField()), output_field=DateField()),
                 Value(period.end, output_field=DateField()), output_field=DateField())
    months_on = Cast((ExtractYear(last) - ExtractYear(first)) * 12 + ExtractMonth(last) - ExtractMonth(first) + 1,
                     FloatField())
    minutes = Coalesce(_one(held, Sum(Cast("duration_minutes", FloatField())), FloatField()), zero)
    sessions = Coalesce(_one(held, Cast(Count("id"), FloatField()), FloatField()), zero)
    with_session = Coalesce(_one(months, Cast(Count("month", distinct=True), FloatField()), FloatField()), zero)
    return pairs.annotate(v_months_on=months_on).annotate(
        v_hours_per_month=ExpressionWrapper(minutes / (Value(60.0) * F("v_months_on")), output_field=FloatField()),
        v_sessions_per_month=ExpressionWrapper(sessions / F("v_months_on"), output_field=FloatField()),
        v_cadence_kept=Least(ExpressionWrapper(with_session / F("v_months_on"), output_field=FloatField()),
                             Value(1.0), output_field=FloatField()),
        v_resources=Coalesce(_one(resources, Cast(Count("id"), FloatField()), FloatField()), zero),
        v_milestones_done=Coalesce(_one(milestones, Cast(Count("id"), FloatField()), FloatField()), zero),
        v_satisfaction=_one(feedback, Avg(Cast("rating", FloatField())), FloatField()),
        v_competency_gain=_gain(period),
    )


def _per_pair_sql(pairs: QuerySet[Mentorship], period: Period, key: str) -> tuple[str, list[Any]]:
    """The same raw values as :func:`annotated_pairs`, one row per pair (``g`` its group, ``who`` its
    mentee), written for speed: the log's tables are each read once, filtered by the period and
    pre-aggregated per pair in one GROUP BY, then LEFT JOINed to the pairs (a correlated subquery per
    pair and value made PostgreSQL plan, and JIT-compile, dozens of subplans). Every piece is the
    ORM's SQL; only the joins and the last arithmetic are written here (portable SQL)."""
    start, end = _window(period)
    ids = pairs.order_by().values("pk")
    first = Greatest(F("started_on"), Value(period.start, output_field=DateField()), output_field=DateField())
    last = Least(Coalesce(F("ended_on"), Value(period.end, output_field=DateField()), output_field=DateField()),
                 Value(period.end, output_field=DateField()), output_field=DateField())
    months_on = Cast((ExtractYear(last) - ExtractYear(first)) * 12 + ExtractMonth(last) - ExtractMonth(first) + 1,
                     FloatField())
    base = pairs.order_by().annotate(pid=F("pk"), g=F(key), who=F("mentee_id"), months_on=months_on,
                                     gain=_gain(period)).values("pid", "g", "who", "months_on", "gain")
    held = (Session.objects.filter(mentorship_id__in=ids, status=SessionStatus.HELD, starts_at__gte=start,
                                   starts_at__lt=end)
            .order_by().annotate(mid=F("mentorship_id")).values("mid")
            .annotate(minutes=Sum(Cast("duration_minutes", FloatField())), n=Cast(Count("id"), FloatField()),
                      months=Cast(Count(TruncMonth("starts_at"), distinct=True), FloatField())))
    shared = (Resource.objects.filter(mentorship_id__in=ids, created_at__gte=start, created_at__lt=end)
              .order_by().annotate(mid=F("mentorship_id")).values("mid").annotate(n=Cast(Count("id"), FloatField())))
    done = (GoalMilestone.objects.filter(goal__plan__mentorship_id__in=ids, done_at__gte=start, done_at__lt=end)
            .order_by().annotate(mid=F("goal__plan__mentorship_id")).values("mid")
            .annotate(n=Cast(Count("id"), FloatField())))
    rated = (SessionFeedback.objects.filter(session__mentorship_id__in=ids, side=LogSide.MENTEE,
                                            session__starts_at__gte=start, session__starts_at__lt=end)
             .order_by().annotate(mid=F("session__mentorship_id")).values("mid")
             .annotate(mean=Avg(Cast("rating", FloatField()))))
    parts = [q.query.sql_with_params() for q in (base, held, shared, done, rated)]
    cadence = "COALESCE(s.months, 0.0) / p.months_on"
    sql = (
        "SELECT p.g AS g, p.who AS who, "
        "COALESCE(s.minutes, 0.0) / (60.0 * p.months_on) AS v_hours_per_month, "
        "COALESCE(s.n, 0.0) / p.months_on AS v_sessions_per_month, "
        f"CASE WHEN {cadence} > 1.0 THEN 1.0 ELSE {cadence} END AS v_cadence_kept, "
        "COALESCE(r.n, 0.0) AS v_resources, "
        "p.gain AS v_competency_gain, "
        "COALESCE(m.n, 0.0) AS v_milestones_done, "
        "f.mean AS v_satisfaction "
        "FROM ({}) p LEFT JOIN ({}) s ON s.mid = p.pid LEFT JOIN ({}) r ON r.mid = p.pid "
        "LEFT JOIN ({}) m ON m.mid = p.pid LEFT JOIN ({}) f ON f.mid = p.pid"
    ).format(*(sql for sql, _params in parts))
    return sql, [x for _sql, params in parts for x in params]


def _grouped(pairs: QuerySet[Mentorship], period: Period, key: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The groups' and the whole scope's COUNT / SUM / SUM of squares in ONE query: the per-pair
    values (:func:`_per_pair_sql`) in a common table expression that both aggregates read."""
    names = [f"v_{m}" for m in inputs.METRICS]
    fields = ["pairs", "people"] + [f"{m}__{x}" for m in inputs.METRICS for x in ("n", "s", "q")]
    try:
        inner_sql, params = _per_pair_sql(pairs, period, key)
    except EmptyResultSet:  # a filter that can match nothing (e.g. ``pk__in=[]``): no pairs
        return [], {**dict.fromkeys(fields), "pairs": 0, "people": 0}
    aggs = ["COUNT(*)", "COUNT(DISTINCT who)"]
    for v in names:
        aggs += [f"COUNT({v})", f"SUM({v})", f"SUM({v} * {v})"]
    select = ", ".join(aggs)
    sql = (f"WITH per_pair AS ({inner_sql}) "
           f"SELECT 0, g, {select} FROM per_pair GROUP BY g "
           f"UNION ALL SELECT 1, NULL, {select} FROM per_pair")
    groups: list[dict[str, Any]] = []
    whole: dict[str, Any] = dict.fromkeys(fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for is_whole, g, *values in cursor.fetchall():
            row = dict(zip(fields, values, strict=True))
            if is_whole:
                whole = row
            else:
                groups.append({key: g, **row})
    return groups, whole


def _sums(row: dict[str, Any], period: Period) -> dict[str, Sums]:
    return {m: Sums(int(row[f"{m}__n"] or 0), float(row[f"{m}__s"] or 0.0), float(row[f"{m}__q"] or 0.0))
            .scaled(inputs.scale(m, period)) for m in inputs.METRICS}


# -- the survey outputs -----------------------------------------------------------------------------
# A survey response carries only coarse keys (program through its survey, the respondent's department
# and job profile, the mentor rated) and, when anonymous, no author and no time: a survey's answers are
# dated by when the survey closed, and count only once it has (while answers still arrive, two readings
# would differ by one person's answer, as ``assessments.survey_selectors`` explains). Distinct people
# come from the completions of the same surveys (a mentee answering five surveys is one person).

SATISFACTION_PURPOSES = (SurveyPurpose.SATISFACTION, SurveyPurpose.MENTOR_EFFECTIVENESS)
RESPONSE_KEY = {"mentor": "response__subject_id", "department": "response__department_id",
                "job_profile": "response__job_profile_id"}
COMPLETION_KEY = {"mentor": "subject_id", "department": "person__department_id",
                  "job_profile": "person__job_profile_id"}
#: groupings where answers without a key (a program survey rates no mentor) are never a row of their own
KEYLESS_HIDDEN = ("mentor", "program")


def surveys_readable(actor: authz.Actor) -> bool:
    """Whether ``authz.survey_results_q`` can let any survey through (HR, or a manager of some program)."""
    return actor.is_hr or (actor.person is not None and Program.objects.filter(owner_id=actor.person.pk).exists())


def _survey_program(prefix: str) -> Coalesce:
    return Coalesce(F(f"{prefix}program_id"), F(f"{prefix}mentorship__program_id"))


def _closed_at(prefix: str) -> Case:
    """When a survey's answers are in: ``closes_at``, or, closed early, when it was closed (its last update)."""
    return Case(When(**{f"{prefix}status": SurveyStatus.CLOSED},
                     then=Least(F(f"{prefix}closes_at"), F(f"{prefix}updated_at"), output_field=DateTimeField())),
                default=F(f"{prefix}closes_at"), output_field=DateTimeField())


def _in_scope(qs: QuerySet, *, actor: authz.Actor, query: Query, prefix: str) -> QuerySet:
    start, end = _window(query.period)
    qs = qs.filter(authz.survey_results_q(actor, prefix)).annotate(closed=_closed_at(prefix)).filter(
        closed__gte=start, closed__lt=end, closed__lte=timezone.now())
    if query.program is not None:
        qs = qs.annotate(survey_program=_survey_program(prefix)).filter(survey_program=query.program.pk)
    return qs


def _month_key() -> Any:
    return ExpressionWrapper(ExtractYear("closed") * 12 + ExtractMonth("closed"), output_field=IntegerField())


def _answer_rows(*, actor: authz.Actor, query: Query) -> tuple[QuerySet, QuerySet]:
    """Per response its mean scale answer (satisfaction), and per recommendation answer its score
    +100 / 0 / −100 (NPS); each row with ``g`` (its group), ``ym`` (the month it closed), ``t`` (its
    survey's threshold) and ``rid`` (the response)."""
    prefix = "response__survey__"
    key = _survey_program(prefix) if query.by == "program" else F(RESPONSE_KEY[query.by])
    answers = _in_scope(SurveyAnswer.objects.filter(number__isnull=False), actor=actor, query=query, prefix=prefix)
    cols = {"rid": F("response_id"), "g": key, "ym": _month_key(), "t": F(f"{prefix}threshold")}
    satisfaction = (answers.filter(question__kind=QuestionKind.SCALE,
                                   response__survey__version__template__purpose__in=SATISFACTION_PURPOSES)
                    .order_by().values(**cols).annotate(v=Avg(Cast("number", FloatField()))))
    score = Case(When(number__gte=9, then=Value(100.0)), When(number__lte=6, then=Value(-100.0)),
                 default=Value(0.0), output_field=FloatField())
    nps = answers.filter(question__kind=QuestionKind.NPS).order_by().values(**cols, v=score)
    return satisfaction, nps


def _people_rows(*, actor: authz.Actor, query: Query) -> QuerySet:
    """Per completion of a survey in scope: ``who`` answered, ``g``, ``ym``, and whether the survey
    counts for satisfaction (``s``) and for NPS (``p``)."""
    prefix = "survey__"
    key = _survey_program(prefix) if query.by == "program" else F(COMPLETION_KEY[query.by])
    has = {kind: Exists(SurveyQuestion.objects.filter(version_id=OuterRef("survey__version_id"), kind=kind))
           for kind in (QuestionKind.SCALE, QuestionKind.NPS)}
    return (_in_scope(SurveyCompletion.objects.all(), actor=actor, query=query, prefix=prefix).order_by()
            .values(who=F("person_id"), g=key, ym=_month_key(),
                    s=Case(When(Q(survey__version__template__purpose__in=SATISFACTION_PURPOSES)
                                & Q(has[QuestionKind.SCALE]), then=Value(1)), default=Value(0),
                           output_field=IntegerField()),
                    p=Case(When(has[QuestionKind.NPS], then=Value(1)), default=Value(0), output_field=IntegerField())))


def _three_ways(qs: QuerySet, select: str) -> list[tuple]:
    """``select`` over the rows of ``qs`` per group (0, g), for the whole (1, NULL) and per month
    (2, ym), in one query; no rows when the filter can match nothing."""
    try:
        inner, params = qs.query.sql_with_params()
    except EmptyResultSet:
        return []
    sql = (f"WITH r AS ({inner}) SELECT 0, g, {select} FROM r GROUP BY g "
           f"UNION ALL SELECT 1, NULL, {select} FROM r "
           f"UNION ALL SELECT 2, ym, {select} FROM r GROUP BY ym")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class SurveyOutputs:
    """Per survey output: its groups, the whole scope and the months (``ym`` = year × 12 + month)."""

    groups: dict[str, list[SurveyGroup]]
    whole: dict[str, SurveyGroup]
    months: dict[str, dict[int, SurveyGroup]]


def survey_outputs(*, actor: authz.Actor, query: Query, threshold: int) -> SurveyOutputs:
    """Survey satisfaction and NPS of the scope, grouped in SQL (three queries: the two outputs'
    answers and the respondents)."""
    satisfaction, nps = _answer_rows(actor=actor, query=query)
    people: dict[tuple[int, Any], tuple[int, int]] = {
        (kind, key): (int(s or 0), int(p or 0)) for kind, key, s, p in _three_ways(
            _people_rows(actor=actor, query=query),
            "COUNT(DISTINCT CASE WHEN s = 1 THEN who END), COUNT(DISTINCT CASE WHEN p = 1 THEN who END)")}
    select = "COUNT(v), SUM(v), SUM(v * v), COUNT(DISTINCT rid), MAX(t)"
    out = SurveyOutputs({}, {}, {})
    for index, (metric, qs) in enumerate((("survey_satisfaction", satisfaction), ("nps", nps))):
        groups: list[SurveyGroup] = []
        whole = SurveyGroup(None, Sums(0, 0.0, 0.0), 0, 0, threshold)
        months: dict[int, SurveyGroup] = {}
        for kind, key, n, total, total_sq, responses, top in _three_ways(qs, select):
            g = SurveyGroup(key, Sums(int(n or 0), float(total or 0.0), float(total_sq or 0.0)), int(responses or 0),
                            people.get((kind, key), (0, 0))[index], max(threshold, int(top or 0)))
            if kind == 0:
                groups.append(g)
            elif kind == 1:
                whole = g
            elif key is not None:
                months[int(key)] = g
        out.groups[metric], out.whole[metric], out.months[metric] = groups, whole, months
    return out


def _survey_figures(metric: str, outputs: SurveyOutputs, by: str | None, threshold: int
                    ) -> tuple[dict[Any, Figure], Figure, dict[Any, SurveyGroup]]:
    """Every group's figure of one survey output (hidden ones with their reason), and the whole's."""
    whole = outputs.whole[metric]
    groups = outputs.groups[metric] if by is not None else [
        SurveyGroup(ym, g.sums, g.responses, g.people, g.threshold) for ym, g in outputs.months[metric].items()]
    never = frozenset({None}) if by in KEYLESS_HIDDEN else frozenset()
    hidden = inputs.protect_survey(groups, whole_shown=not whole.small, threshold=whole.threshold, never_shown=never)
    figures = {g.key: inputs.survey_hidden(hidden[g.key], g.threshold) if g.key in hidden
               else inputs.survey_figure(metric, g) for g in groups}
    whole_figure = (inputs.survey_hidden(inputs.FEWER, whole.threshold) if whole.small
                    else inputs.survey_figure(metric, whole))
    return figures, whole_figure, {g.key: g for g in groups}


def hidden_note(f: Figure) -> str | None:
    """What a hidden survey output says instead of its value (page, API and exports)."""
    if f.shown or not f.reason:
        return None
    if f.reason == inputs.PROTECTS:
        return _("not shown, so that a smaller group cannot be worked out")
    if f.reason == inputs.NOT_READABLE:
        return _("survey results are for HR and the program's manager")
    return _("fewer than %(n)s answers") % {"n": f.threshold}



# -- the report ------------------------------------------------------------------------------------


@dataclass
class GroupRow:
    key: int | None
    label: str
    pairs: int | None  # None when the group is hidden
    people: int | None
    suppressed: bool
    figures: dict[str, Figure]
    flags: list[Any] = field(default_factory=list)
    thresholds: dict[str, int] = field(default_factory=dict)  # the survey outputs' own thresholds

    def figure_list(self) -> list[tuple[str, Figure]]:
        """The pairs' figures."""
        return [(m, self.figures[m]) for m in inputs.METRICS]

    def all_figures(self) -> list[tuple[str, Figure]]:
        """The pairs' figures, then the survey outputs (the table's cells)."""
        return [(m, self.figures[m]) for m in inputs.ALL_METRICS]

    @property
    def pairs_hidden(self) -> bool:
        """A row listed for its survey outputs only: its pairs are too few to show."""
        return self.pairs is None


@dataclass
class TrendPoint:
    month: datetime.date
    hours: float | None
    hours_n: int | None  # pairs with a held session that month
    satisfaction: float | None
    satisfaction_n: int | None  # ratings that month
    suppressed: bool
    survey_satisfaction: float | None = None  # surveys closed that month (hidden below their threshold)
    survey_satisfaction_n: int | None = None  # responses
    nps: float | None = None
    nps_n: int | None = None  # answers


@dataclass
class Report:
    query: Query
    threshold: int
    scope_label: str
    whole: GroupRow
    groups: list[GroupRow]
    hidden_groups: int
    trend: list[TrendPoint]
    whole_sums: dict[str, Sums] = field(default_factory=dict)
    survey_hidden_groups: dict[str, int] = field(default_factory=dict)  # groups without a row, per output

    @property
    def survey_shown(self) -> bool:
        """Whether any survey output is shown (the scope's or a group's)."""
        return any(row.figures[m].shown for row in [self.whole, *self.groups] for m in inputs.SURVEY_METRICS)

    @property
    def by_label(self) -> str:
        return str(BY_LABEL[self.query.by])

    @property
    def flags(self) -> list[Any]:
        return [f for g in self.groups for f in g.flags]

    @property
    def method(self) -> str:
        return f"{METHOD_TEXT} {SURVEY_METHOD_TEXT}"

    @property
    def observational_note(self) -> str:
        return str(OBSERVATIONAL_TEXT)


METHOD_TEXT = gettext_lazy(
    "A pair counts when it had started and overlaps the period. Hours and sessions are held sessions in "
    "the period, divided by the calendar months the pair was on within the period; cadence kept is the "
    "share of those months with a session held; resources and milestones are those shared or completed in the period. "
    "Competency gain is the mean change between a mentee's first and latest rated level of each "
    "competency in the period (mentor, manager and assessment ratings; self-ratings excluded). "
    "Satisfaction is the mean of the mentee's session feedback. Each figure is the mean over the pairs "
    "that have a value, with its n and a 95 % t interval; flags compare a group with the rest of the "
    "scope (Welch's interval). Department and job profile are the mentee's."
)
SURVEY_METHOD_TEXT = gettext_lazy(
    "Survey satisfaction and NPS come from surveys that have closed in the period (a survey counts on the "
    "day it closed) and whose results you may read; they are grouped by the survey's program and the "
    "respondent's department, job profile and rated mentor (answers carry nothing finer). Survey "
    "satisfaction is, per response, the mean of its 1–5 scale answers to satisfaction and mentor "
    "effectiveness surveys, then the mean over responses (n = responses) with a 95 % t interval. NPS is "
    "the share of promoters (9–10) minus the share of detractors (0–6) among the answers to "
    "recommendation questions, from −100 to 100 (n = answers); its 95 % interval is the normal "
    "approximation with the variance of the difference of the two shares of one trinomial count, "
    "(p + d − (p − d)²) / n, clipped to −100 and 100; flags compare it with the rest by the difference of "
    "two such scores. A group with fewer responses or respondents than its threshold (the largest of its "
    "surveys' thresholds, never below the company's) shows “fewer than N answers”; when a single group "
    "would be hidden, the next smallest is hidden too, so that it cannot be worked out from the total."
)
OBSERVATIONAL_TEXT = selectors.NOTE_TEXT[selectors.stats.Note.OBSERVATIONAL]


def _labels(by: str, keys: list[int | None]) -> dict[int | None, str]:
    ids = [k for k in keys if k is not None]
    if by == "mentor":
        out: dict[int | None, str] = dict(Person.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    elif by == "program":
        out = dict(Program.objects.filter(pk__in=ids).values_list("pk", "name"))
    elif by == "department":
        out = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    else:
        out = {j.pk: str(j) for j in JobProfile.objects.filter(pk__in=ids).only("pk", "title", "translations")}
    none = {"department": _("No department"), "job_profile": _("No job profile")}.get(by, "—")
    out[None] = none
    return out


def _scope_label(actor: authz.Actor, query: Query) -> str:
    if query.program is not None:
        return _("All pairs of “%(program)s” you may see") % {"program": query.program.name}
    if actor.is_hr:
        return _("The whole company")
    return _("All pairs you may see")


def _trend(pairs: QuerySet[Mentorship], period: Period, threshold: int,
           surveys: SurveyOutputs | None = None) -> list[TrendPoint]:
    """Per calendar month of the period: hours held (n = pairs with a held session) and the mean
    feedback rating (n = ratings; hidden below the threshold of distinct raters). Two GROUP BY queries."""
    start, end = _window(period)
    held = (Session.objects.filter(mentorship_id__in=pairs.values("pk"), status=SessionStatus.HELD,
                                   starts_at__gte=start, starts_at__lt=end)
            .annotate(month=TruncMonth("starts_at")).order_by().values("month")
            .annotate(minutes=Sum("duration_minutes"), n=Count("mentorship_id", distinct=True)))
    rated = (SessionFeedback.objects.filter(session__mentorship_id__in=pairs.values("pk"), side=LogSide.MENTEE,
                                            session__starts_at__gte=start, session__starts_at__lt=end)
             .annotate(month=TruncMonth("session__starts_at")).order_by().values("month")
             .annotate(mean=Avg(Cast("rating", FloatField())), n=Count("id"), people=Count("author_id", distinct=True)))

    def as_day(value: Any) -> datetime.date:
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        return value

    hours = {as_day(r["month"]): r for r in held}
    sats = {as_day(r["month"]): r for r in rated}
    survey_months = {m: _survey_figures(m, surveys, None, threshold)[0] if surveys is not None else {}
                     for m in inputs.SURVEY_METRICS}
    out = []
    for month in period.month_starts():
        h, s = hours.get(month), sats.get(month)
        h_ok = h is not None and h["n"] >= threshold
        s_ok = s is not None and s["people"] >= threshold and s["n"] >= threshold
        ym = month.year * 12 + month.month
        sv = {m: survey_months[m].get(ym) for m in inputs.SURVEY_METRICS}
        sv = {m: f if f is not None and f.shown else None for m, f in sv.items()}
        out.append(TrendPoint(
            month,
            h["minutes"] / 60.0 if h_ok else None, h["n"] if h_ok else None,
            float(s["mean"]) if s_ok else None, s["n"] if s_ok else None,
            suppressed=not (h_ok and s_ok),
            survey_satisfaction=sv["survey_satisfaction"].value if sv["survey_satisfaction"] else None,
            survey_satisfaction_n=sv["survey_satisfaction"].n if sv["survey_satisfaction"] else None,
            nps=sv["nps"].value if sv["nps"] else None, nps_n=sv["nps"].n if sv["nps"] else None))
    return out


def inputs_outputs(*, actor: authz.Actor, by: str | None = None, start: str | None = None, end: str | None = None,
                   program: str | int | None = None, today: datetime.date | None = None) -> Report:
    """The report the page, the API and the exports show."""
    from tandem.insights import inputs_rules

    query = query_parse(actor=actor, by=by, start=start, end=end, program=program, today=today)
    threshold = selectors.min_group()
    period = query.period
    pairs = pairs_of(actor=actor, query=query)
    rows, whole_row = _grouped(pairs, period, BY_FIELD[query.by])
    whole_sums = _sums(whole_row, period)
    groups = [GroupSums(r[BY_FIELD[query.by]], r["pairs"], r["people"], _sums(r, period)) for r in rows]
    hidden = inputs.protect(groups, whole_sums, threshold)
    surveys = survey_outputs(actor=actor, query=query, threshold=threshold)
    survey = {m: _survey_figures(m, surveys, query.by, threshold) for m in inputs.SURVEY_METRICS}
    survey_keys = {k for m in inputs.SURVEY_METRICS for k, f in survey[m][0].items() if f.shown}
    pair_keys = {g.key for g in groups if not (g.pairs < threshold or g.people < threshold)}
    labels = _labels(query.by, list({g.key for g in groups} | survey_keys))

    def survey_cells(key: Any) -> tuple[dict[str, Figure], dict[str, Sums], set[str], dict[str, int]]:
        figures, sums, hidden_m, limits = {}, {}, set(), {}
        for m in inputs.SURVEY_METRICS:
            by_key, _whole, found = survey[m]
            f = by_key.get(key) or inputs.survey_hidden(inputs.FEWER, threshold)
            figures[m] = f
            sums[m] = found[key].sums if key in found else Sums(0, 0.0, 0.0)
            limits[m] = found[key].threshold if key in found else threshold
            if not f.shown:
                hidden_m.add(m)
        return figures, sums, hidden_m, limits

    shown_rows: list[GroupRow] = []
    row_sums: dict[Any, dict[str, Sums]] = {}
    row_hidden: dict[Any, set[str]] = {}
    hidden_groups = 0
    for g in groups:
        if g.key not in pair_keys:
            if g.key not in survey_keys:
                hidden_groups += 1
            continue
        figures = {m: inputs.HIDDEN if m in hidden[g.key] else inputs.figure(g.sums[m], threshold)
                   for m in inputs.METRICS}
        s_figures, s_sums, s_hidden, limits = survey_cells(g.key)
        shown_rows.append(GroupRow(g.key, labels.get(g.key, "—"), g.pairs, g.people, False,
                                   {**figures, **s_figures}, thresholds=limits))
        row_sums[g.key] = {**g.sums, **s_sums}
        row_hidden[g.key] = hidden[g.key] | s_hidden
    for key in sorted(survey_keys - pair_keys, key=str):  # groups shown for their survey answers only
        s_figures, s_sums, s_hidden, limits = survey_cells(key)
        shown_rows.append(GroupRow(key, labels.get(key, "—"), None, None, False,
                                   {**{m: inputs.HIDDEN for m in inputs.METRICS}, **s_figures}, thresholds=limits))
        row_sums[key] = {**{m: Sums(0, 0.0, 0.0) for m in inputs.METRICS}, **s_sums}
        row_hidden[key] = set(inputs.METRICS) | s_hidden
    whole_ok = (whole_row["pairs"] or 0) >= threshold and (whole_row["people"] or 0) >= threshold
    whole = GroupRow(None, _scope_label(actor, query), whole_row["pairs"] if whole_ok else None,
                     whole_row["people"] if whole_ok else None, not whole_ok,
                     {**{m: inputs.figure(whole_sums[m], threshold) if whole_ok else inputs.HIDDEN
                         for m in inputs.METRICS}, **{m: survey[m][1] for m in inputs.SURVEY_METRICS}},
                     thresholds={m: surveys.whole[m].threshold for m in inputs.SURVEY_METRICS})
    whole_sums = {**whole_sums, **{m: surveys.whole[m].sums for m in inputs.SURVEY_METRICS}}
    if not surveys_readable(actor):  # not "fewer than N answers": there may be many, this reader sees none
        for row in [whole, *shown_rows]:
            row.figures.update({m: inputs.survey_hidden(inputs.NOT_READABLE, None) for m in inputs.SURVEY_METRICS})
    rules = inputs_rules.enabled_rules()
    for row in shown_rows:
        row.flags = inputs_rules.evaluate(rules=rules, group=row, sums=row_sums[row.key],
                                          whole=whole_sums, hidden=row_hidden[row.key], threshold=threshold,
                                          by=query.by)
    shown_rows.sort(key=lambda r: (-len(r.flags), r.label))
    listed = {r.key for r in shown_rows}
    survey_hidden_groups = {m: sum(1 for k in survey[m][2] if k not in listed) for m in inputs.SURVEY_METRICS}
    return Report(query, threshold, whole.label, whole, shown_rows, hidden_groups,
                  _trend(pairs, period, threshold, surveys), whole_sums, survey_hidden_groups)
