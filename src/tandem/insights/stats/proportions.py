"""Proportions: Wilson's interval, Newcombe's interval of a difference, the pooled z-test."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tandem.insights.stats._checks import (
    check_confidence,
    check_count,
    normal_two_sided_p,
    z_quantile,
)
from tandem.insights.stats.errors import StatsError


@dataclass(frozen=True)
class Interval:
    """A closed interval ``[low, high]``."""

    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def crosses_zero(self) -> bool:
        """True when the interval holds zero (no difference is among the plausible values)."""
        return self.low <= 0.0 <= self.high


@dataclass(frozen=True)
class TestResult:
    """A test statistic and its two-sided p-value."""

    statistic: float
    p_value: float


@dataclass(frozen=True)
class ProportionSummary:
    """A group's 0/1 outcome: ``successes`` ones among ``n`` people."""

    n: int
    successes: int

    def __post_init__(self) -> None:
        check_count("n", self.n)
        check_count("successes", self.successes)
        if self.successes > self.n:
            raise StatsError(f"successes ({self.successes}) cannot exceed n ({self.n})")

    @property
    def proportion(self) -> float:
        if self.n == 0:
            raise StatsError("the proportion of an empty group (n = 0) is undefined")
        return self.successes / self.n


def _check_pair(successes: int, n: int) -> None:
    check_count("n", n, minimum=1)
    check_count("successes", successes)
    if successes > n:
        raise StatsError(f"successes ({successes}) cannot exceed n ({n})")


def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> Interval:
    r"""Wilson's score interval of a proportion.

    .. math::

        \frac{\hat p + \frac{z^2}{2n} \pm z\sqrt{\frac{\hat p(1-\hat p)}{n} + \frac{z^2}{4n^2}}}
             {1 + \frac{z^2}{n}}

    Defined for p̂ = 0 and p̂ = 1 (the interval then touches 0 or 1); ``n`` must be at least 1.

    Examples
    --------
    >>> ci = wilson_interval(78, 100)
    >>> round(ci.low, 4), round(ci.high, 4)
    (0.6893, 0.85)
    """
    _check_pair(successes, n)
    level = check_confidence(confidence)
    z = z_quantile(level)
    p = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator
    # exactly 0 (1) when nobody (everybody) succeeded: the formula's rounding would leave 1e-18
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(low, high)


def newcombe_interval(
    successes_a: int, n_a: int, successes_b: int, n_b: int, *, confidence: float = 0.95
) -> Interval:
    r"""Newcombe's hybrid score interval of ``p_a − p_b`` (1998, method 10).

    With Wilson intervals :math:`[l_a, u_a]` and :math:`[l_b, u_b]` and :math:`d = \hat p_a - \hat p_b`:

    .. math::

        \left[d - \sqrt{(\hat p_a - l_a)^2 + (u_b - \hat p_b)^2},\;
              d + \sqrt{(u_a - \hat p_a)^2 + (\hat p_b - l_b)^2}\right]

    Examples
    --------
    >>> ci = newcombe_interval(78, 100, 52, 100)
    >>> round(ci.low, 4), round(ci.high, 4)
    (0.1284, 0.3795)
    """
    _check_pair(successes_a, n_a)
    _check_pair(successes_b, n_b)
    a = wilson_interval(successes_a, n_a, confidence=confidence)
    b = wilson_interval(successes_b, n_b, confidence=confidence)
    p_a, p_b = successes_a / n_a, successes_b / n_b
    d = p_a - p_b
    low = d - math.sqrt((p_a - a.low) ** 2 + (b.high - p_b) ** 2)
    high = d + math.sqrt((a.high - p_a) ** 2 + (p_b - b.low) ** 2)
    return Interval(low, high)


def two_proportion_z_test(successes_a: int, n_a: int, successes_b: int, n_b: int) -> TestResult:
    r"""The pooled two-proportion z-test of ``p_a = p_b``, without continuity correction.

    .. math::

        z = \frac{\hat p_a - \hat p_b}{\sqrt{\bar p (1 - \bar p)(1/n_a + 1/n_b)}},
        \quad \bar p = \frac{x_a + x_b}{n_a + n_b}

    When :math:`\bar p` is 0 or 1 (every person in both groups has the same outcome) the
    difference is exactly zero and there is no spread to test against: the answer is then
    z = 0, p = 1 (no evidence of a difference), not the 0/0 of the formula.

    Examples
    --------
    >>> r = two_proportion_z_test(78, 100, 52, 100)
    >>> round(r.statistic, 4), round(r.p_value, 6)
    (3.8545, 0.000116)
    """
    _check_pair(successes_a, n_a)
    _check_pair(successes_b, n_b)
    pooled = (successes_a + successes_b) / (n_a + n_b)
    variance = pooled * (1.0 - pooled) * (1.0 / n_a + 1.0 / n_b)
    if variance <= 0.0:
        return TestResult(0.0, 1.0)
    z = (successes_a / n_a - successes_b / n_b) / math.sqrt(variance)
    return TestResult(z, normal_two_sided_p(z))
