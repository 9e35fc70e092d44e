"""Inputs versus outputs (issue 12 §1): the computations on aggregates, no queries.

The unit is a *pair* (a mentorship that had started and overlaps the period). For every pair the
selectors compute, in SQL, a value per metric; for every group they return COUNT, SUM and SUM of
squares of those values. Here the sums become figures (a mean with its 95 % t interval and its n):

========================  ===============================================
figure                    value per pair
========================  ===============================================
hours_per_month           hours of held sessions in the period / months on
sessions_per_month        held sessions in the period / months on
cadence_kept              months on with a held session / months on
resources                 resources shared in the period
milestones_done           plan milestones ticked done in the period
competency_gain           mean over competencies of (latest − first)
                          rated level in the period (mentor, manager,
                          assessment; self-ratings excluded); pairs
                          with no competency rated twice have none
satisfaction              mean of the mentee's session feedback (1–5)
                          on sessions in the period; none if no feedback
========================  ===============================================

Two more outputs come from surveys (``inputs_selectors``: the survey's coarse keys, not pairs):

========================  ===============================================
figure                    value
========================  ===============================================
survey_satisfaction       per response, the mean of its scale answers
                          (1–5) to surveys whose template's purpose is
                          satisfaction or mentor effectiveness; the
                          figure is the mean over responses (n =
                          responses) with its 95 % t interval
nps                       answers to recommendation questions (0–10):
                          % promoters (9–10) − % detractors (0–6),
                          n = answers, 95 % normal interval with the
                          trinomial variance (``stats.nps``)
========================  ===============================================

``months on`` counts the calendar months of the period in which the pair ran (from the later of its
start and the period's start to the earlier of its end and the period's end): a pair that started
half-way is not counted as meeting less often.

Anonymity: a group is shown only with at least ``threshold`` pairs and ``threshold`` distinct
mentees; a figure only with at least ``threshold`` values. Because the page also shows the whole
scope, the hidden groups' total could be recovered by subtraction; :func:`protect` therefore also
hides the smallest shown figures until what is hidden adds up to zero or at least the threshold
(secondary suppression).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from tandem.insights import stats

CONFIDENCE = 0.95
METRICS = ("hours_per_month", "sessions_per_month", "cadence_kept", "resources",
           "competency_gain", "milestones_done", "satisfaction")
INPUT_METRICS = ("hours_per_month", "sessions_per_month", "cadence_kept", "resources")
SURVEY_METRICS = ("survey_satisfaction", "nps")
ALL_METRICS = METRICS + SURVEY_METRICS
OUTPUT_METRICS = ("competency_gain", "milestones_done", "satisfaction", *SURVEY_METRICS)
PROPORTION_METRICS = ("cadence_kept",)
MONTH_DAYS = 365.25 / 12
MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def months(self) -> float:
        return self.days / MONTH_DAYS

    @property
    def calendar_months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def month_starts(self) -> list[datetime.date]:
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(day)
            day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return out


def scale(metric: str, period: Period) -> float:
    """The factor from the selectors' per-pair values to the figure (1: they are computed per month on)."""
    return 1.0


@dataclass(frozen=True)
class Sums:
    n: int
    total: float
    total_sq: float

    def scaled(self, factor: float) -> Sums:
        return Sums(self.n, self.total * factor, self.total_sq * factor * factor)

    def minus(self, other: Sums) -> Sums:
        return Sums(self.n - other.n, self.total - other.total, self.total_sq - other.total_sq)


FEWER = "fewer_answers"  # a survey figure's group has fewer answers (or people) than its threshold
PROTECTS = "protects_another"  # hidden so that a smaller hidden group cannot be worked out
NOT_READABLE = "not_readable"  # the actor may read no survey's results (HR and the programs' managers do)


@dataclass
class Figure:
    n: int | None
    value: float | None
    ci: tuple[float, float] | None
    suppressed: bool = False
    reason: str = ""  # survey figures: FEWER or PROTECTS when suppressed
    threshold: int | None = None  # survey figures: the group's threshold (see ``protect_survey``)

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.value is not None


HIDDEN = Figure(None, None, None, True)


def figure(sums: Sums, threshold: int) -> Figure:
    """The mean of a group's values with its 95 % t interval; hidden below the threshold."""
    if sums.n < max(threshold, 1):
        return Figure(None, None, None, True)
    summary = stats.MeanSummary.from_sums(sums.n, sums.total, sums.total_sq)
    if sums.n < 2:
        return Figure(sums.n, summary.mean, (summary.mean, summary.mean))
    interval = stats.comparison.mean_interval(summary, confidence=CONFIDENCE)
    return Figure(sums.n, summary.mean, (interval.low, interval.high))


@dataclass
class Difference:
    """The group's mean minus the rest's (the scope without the group): Welch's interval."""

    value: float
    ci: tuple[float, float]
    n_group: int
    n_rest: int
    rest_value: float


def difference(group: Sums, whole: Sums, threshold: int) -> Difference | None:
    """None when either side is below the threshold or has fewer than 2 values."""
    rest = whole.minus(group)
    if group.n < max(threshold, 2) or rest.n < max(threshold, 2):
        return None
    a = stats.MeanSummary.from_sums(group.n, group.total, group.total_sq)
    b = stats.MeanSummary.from_sums(rest.n, rest.total, max(rest.total_sq, 0.0))
    result = stats.welch_t_test(a, b, confidence=CONFIDENCE)
    if not all(math.isfinite(x) for x in (result.interval.low, result.interval.high)):
        return None
    return Difference(result.difference, (result.interval.low, result.interval.high), group.n, rest.n, b.mean)


@dataclass
class GroupSums:
    key: int | None
    pairs: int
    people: int
    sums: dict[str, Sums] = field(default_factory=dict)


def protect(groups: list[GroupSums], whole: dict[str, Sums], threshold: int) -> dict[int | None, set[str]]:
    """Which (group, metric) figures to hide: primary (fewer than ``threshold`` pairs or mentees in
    the group, or values of the metric) and secondary (the smallest shown ones, until the hidden
    values of each metric add up to 0 or at least ``threshold``, so that the whole minus the shown
    groups never reveals a small hidden remainder)."""
    hidden: dict[int | None, set[str]] = {g.key: set() for g in groups}
    for g in groups:
        small = g.pairs < threshold or g.people < threshold
        for m in METRICS:
            if small or g.sums.get(m, Sums(0, 0.0, 0.0)).n < threshold:
                hidden[g.key].add(m)
    for m in METRICS:
        total = whole.get(m, Sums(0, 0.0, 0.0)).n
        shown = sorted((g for g in groups if m not in hidden[g.key]), key=lambda g: (g.sums[m].n, str(g.key)))
        remainder = total - sum(g.sums[m].n for g in shown)
        while shown and 0 < remainder < threshold:
            g = shown.pop(0)
            hidden[g.key].add(m)
            remainder += g.sums[m].n
    return hidden


# -- the survey outputs ---------------------------------------------------------------------------


@dataclass
class SurveyGroup:
    """One group's answers to one survey output: ``sums`` of the per-response means (satisfaction)
    or of the per-answer scores +100 / 0 / −100 (NPS); ``responses`` and ``people`` (distinct
    respondents, from the completions) are what the threshold counts; ``threshold`` is the group's
    own (the largest of its surveys', never below the company's)."""

    key: object
    sums: Sums
    responses: int
    people: int
    threshold: int

    @property
    def small(self) -> bool:
        return self.responses < self.threshold or self.people < self.threshold


def survey_figure(metric: str, group: SurveyGroup) -> Figure:
    """A survey output of a group that reaches its threshold (the caller checks)."""
    if metric == "nps":
        e = stats.nps_estimate(stats.NpsSummary.from_scores(group.sums.n, group.sums.total, group.sums.total_sq),
                               confidence=CONFIDENCE)
        return Figure(e.n, e.value, (e.interval.low, e.interval.high), threshold=group.threshold)
    f = figure(group.sums, group.threshold)
    f.threshold = group.threshold
    return f


def survey_hidden(reason: str, threshold: int) -> Figure:
    return Figure(None, None, None, True, reason, threshold)


def protect_survey(groups: list[SurveyGroup], *, whole_shown: bool, threshold: int,
                   never_shown: frozenset = frozenset()) -> dict[object, str]:
    """Which groups of one survey output to hide, and why.

    Primary: a group with fewer responses or people than its threshold (``FEWER``); the groups in
    ``never_shown`` (answers that name no group of the grouping, e.g. no mentor rated) are hidden
    too. Secondary (``PROTECTS``): while the whole is shown, a hidden group could be worked out from
    it by subtraction; so as long as a single group is hidden and it is a small one, or the hidden
    ones hold between 1 and ``threshold`` − 1 responses together, the smallest shown group is hidden
    as well (the smallest first, ties by key).
    """
    hidden: dict[object, str] = {}
    for g in groups:
        if g.key in never_shown or g.small:
            hidden[g.key] = FEWER
    if not whole_shown:
        return hidden
    shown = sorted((g for g in groups if g.key not in hidden), key=lambda g: (g.responses, str(g.key)))
    while shown:
        out = [g for g in groups if g.key in hidden and g.responses > 0]
        remainder = sum(g.responses for g in out)
        if not ((len(out) == 1 and out[0].small) or 0 < remainder < threshold):
            break
        hidden[shown.pop(0).key] = PROTECTS
    return hidden


def nps_difference(group: Sums, whole: Sums, threshold: int) -> Difference | None:
    """The group's NPS minus the rest's (the scope without the group): ``stats.nps_difference``.
    None when either side has fewer answers than the threshold."""
    rest = whole.minus(group)
    if group.n < max(threshold, 2) or rest.n < max(threshold, 2):
        return None
    a = stats.NpsSummary.from_scores(group.n, group.total, group.total_sq)
    b = stats.NpsSummary.from_scores(rest.n, rest.total, rest.total_sq)
    result = stats.nps_difference(a, b, confidence=CONFIDENCE)
    if not all(math.isfinite(x) for x in (result.interval.low, result.interval.high)):
        return None
    return Difference(result.difference, (result.interval.low, result.interval.high), group.n, rest.n, b.score)


def difference_of(metric: str, group: Sums, whole: Sums, threshold: int) -> Difference | None:
    return nps_difference(group, whole, threshold) if metric == "nps" else difference(group, whole, threshold)
