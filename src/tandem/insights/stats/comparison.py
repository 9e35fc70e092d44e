"""Two groups compared on one metric: values, intervals, difference, lift, p-value, warnings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tandem.insights.stats.errors import StatsError
from tandem.insights.stats.means import MeanSummary, welch_t_test
from tandem.insights.stats.proportions import (
    Interval,
    ProportionSummary,
    newcombe_interval,
    two_proportion_z_test,
    wilson_interval,
)
from tandem.insights.stats._checks import check_confidence, check_count, t_quantile

SMALL_GROUP = 30  # below this, a group's n is flagged as too small to support a claim


class Note(StrEnum):
    """Why a comparison should be read with care (codes; the Django side words them)."""

    CI_CROSSES_ZERO = "ci_crosses_zero"  # the difference's interval holds 0
    SMALL_GROUP = "small_group"  # a group has fewer than ``small_group`` people
    OBSERVATIONAL = "observational"  # groups were not randomised: association, not effect
    LIFT_UNDEFINED = "lift_undefined"  # B's value is 0: (A − B) / B has no value
    NO_SPREAD = "no_spread"  # means: neither group varies, the t-test is degenerate


class Test(StrEnum):
    Z_POOLED = "two_proportion_z_pooled"
    WELCH = "welch_t"


@dataclass(frozen=True)
class GroupResult:
    n: int
    value: float
    interval: Interval


@dataclass(frozen=True)
class Comparison:
    """Everything shown for one metric. ``lift`` is None when B's value is 0."""

    kind: str  # "proportion" | "mean"
    a: GroupResult
    b: GroupResult
    difference: float
    difference_interval: Interval
    lift: float | None
    p_value: float
    test: Test
    notes: tuple[Note, ...]


def relative_lift(a: float, b: float) -> float | None:
    """``(a − b) / b``; None when ``b`` is 0 (no baseline to be relative to).

    Examples
    --------
    >>> round(relative_lift(0.78, 0.52), 4)
    0.5
    >>> relative_lift(1.0, 0.0) is None
    True
    """
    if b == 0.0:
        return None
    return (a - b) / b


def _notes(a_n: int, b_n: int, interval: Interval, lift: float | None, small_group: int,
           extra: tuple[Note, ...] = ()) -> tuple[Note, ...]:
    notes: list[Note] = []
    if interval.crosses_zero():
        notes.append(Note.CI_CROSSES_ZERO)
    if min(a_n, b_n) < small_group:
        notes.append(Note.SMALL_GROUP)
    if lift is None:
        notes.append(Note.LIFT_UNDEFINED)
    notes.extend(extra)
    notes.append(Note.OBSERVATIONAL)
    return tuple(notes)


def compare_proportions(
    a: ProportionSummary, b: ProportionSummary, *, confidence: float = 0.95, small_group: int = SMALL_GROUP
) -> Comparison:
    """Wilson intervals per group, Newcombe's interval of the difference, the pooled z-test.

    Examples
    --------
    >>> c = compare_proportions(ProportionSummary(100, 78), ProportionSummary(100, 52))
    >>> round(c.difference, 2), round(c.lift, 2), [str(n) for n in c.notes]
    (0.26, 0.5, ['observational'])
    """
    check_confidence(confidence)
    check_count("small_group", small_group)
    for name, group in (("a", a), ("b", b)):
        if group.n < 1:
            raise StatsError(f"group {name} is empty (n = 0)")
    pa, pb = a.proportion, b.proportion
    interval = newcombe_interval(a.successes, a.n, b.successes, b.n, confidence=confidence)
    test = two_proportion_z_test(a.successes, a.n, b.successes, b.n)
    lift = relative_lift(pa, pb)
    return Comparison(
        kind="proportion",
        a=GroupResult(a.n, pa, wilson_interval(a.successes, a.n, confidence=confidence)),
        b=GroupResult(b.n, pb, wilson_interval(b.successes, b.n, confidence=confidence)),
        difference=pa - pb,
        difference_interval=interval,
        lift=lift,
        p_value=test.p_value,
        test=Test.Z_POOLED,
        notes=_notes(a.n, b.n, interval, lift, small_group),
    )


def mean_interval(group: MeanSummary, *, confidence: float = 0.95) -> Interval:
    """The t interval of one group's mean, ``x̄ ± t_{n−1} s / √n`` (a point when s = 0).

    Examples
    --------
    >>> ci = mean_interval(MeanSummary(4, 2.5, 5 / 3))
    >>> round(ci.low, 4), round(ci.high, 4)
    (0.4457, 4.5543)
    """
    check_count("n", group.n, minimum=2)
    level = check_confidence(confidence)
    if group.variance == 0.0:
        return Interval(group.mean, group.mean)
    half = t_quantile(level, group.n - 1) * (group.variance / group.n) ** 0.5
    return Interval(group.mean - half, group.mean + half)


def compare_means(
    a: MeanSummary, b: MeanSummary, *, confidence: float = 0.95, small_group: int = SMALL_GROUP
) -> Comparison:
    """t intervals per group, Welch's test and the Welch–Satterthwaite interval of the difference.

    Examples
    --------
    >>> c = compare_means(MeanSummary(40, 4.3, 0.25), MeanSummary(40, 3.6, 0.36))
    >>> round(c.difference, 2), c.p_value < 0.001, c.test.value
    (0.7, True, 'welch_t')
    """
    check_count("small_group", small_group)
    result = welch_t_test(a, b, confidence=confidence)
    lift = relative_lift(a.mean, b.mean)
    extra = (Note.NO_SPREAD,) if result.statistic is None else ()
    return Comparison(
        kind="mean",
        a=GroupResult(a.n, a.mean, mean_interval(a, confidence=confidence)),
        b=GroupResult(b.n, b.mean, mean_interval(b, confidence=confidence)),
        difference=result.difference,
        difference_interval=result.interval,
        lift=lift,
        p_value=result.p_value,
        test=Test.WELCH,
        notes=_notes(a.n, b.n, result.interval, lift, small_group, extra),
    )
