"""Means: Welch's t-test and the Welch–Satterthwaite interval of a difference of means."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tandem.insights.stats._checks import (
    check_confidence,
    check_count,
    check_finite,
    t_quantile,
    t_two_sided_p,
)
from tandem.insights.stats.errors import StatsError
from tandem.insights.stats.proportions import Interval


@dataclass(frozen=True)
class MeanSummary:
    """A group's numeric outcome: ``n`` values with their mean and sample variance (ddof = 1)."""

    n: int
    mean: float
    variance: float

    def __post_init__(self) -> None:
        check_count("n", self.n)
        check_finite("mean", self.mean)
        check_finite("variance", self.variance)
        if self.variance < 0.0:
            raise StatsError(f"variance cannot be negative, got {self.variance!r}")

    @classmethod
    def from_sums(cls, n: int, total: float, total_of_squares: float) -> MeanSummary:
        """From the SQL aggregates COUNT(x), SUM(x) and SUM(x * x).

        The variance ``(Σx² − (Σx)²/n) / (n − 1)`` can come out a hair below zero by rounding
        when every value is the same; it is then zero. ``n = 1`` has variance 0 (no spread seen).

        Examples
        --------
        >>> MeanSummary.from_sums(3, 6.0, 14.0)
        MeanSummary(n=3, mean=2.0, variance=1.0)
        """
        check_count("n", n, minimum=1)
        total = check_finite("total", total)
        total_of_squares = check_finite("total_of_squares", total_of_squares)
        mean = total / n
        if n == 1:
            return cls(n, mean, 0.0)
        variance = (total_of_squares - total * total / n) / (n - 1)
        # rounding of the two sums: a variance this small against the values' magnitude is zero
        if variance <= 1e-12 * (total_of_squares / n):
            variance = 0.0
        return cls(n, mean, variance)


@dataclass(frozen=True)
class WelchResult:
    """Welch's t-test of ``mean_a − mean_b``.

    ``statistic`` and ``df`` are None when neither group has any spread (both variances zero):
    the test is then degenerate. The p-value is 1 if the means are equal, else 0, and the interval
    is the single point of the observed difference.
    """

    difference: float
    interval: Interval
    statistic: float | None
    df: float | None
    p_value: float


def welch_t_test(a: MeanSummary, b: MeanSummary, *, confidence: float = 0.95) -> WelchResult:
    r"""Welch's unequal-variance t-test with the Welch–Satterthwaite degrees of freedom.

    .. math::

        t = \frac{\bar x_a - \bar x_b}{\sqrt{s_a^2/n_a + s_b^2/n_b}}, \quad
        \nu = \frac{(s_a^2/n_a + s_b^2/n_b)^2}{\frac{(s_a^2/n_a)^2}{n_a - 1} + \frac{(s_b^2/n_b)^2}{n_b - 1}}

    and the interval :math:`(\bar x_a - \bar x_b) \pm t_{\nu, 1-\alpha/2}\sqrt{s_a^2/n_a + s_b^2/n_b}`.
    Each group needs at least two values.

    Examples
    --------
    >>> r = welch_t_test(MeanSummary(4, 2.5, 5 / 3), MeanSummary(4, 5.125, 16.1875 / 3))
    >>> round(r.statistic, 4), round(r.df, 4), round(r.p_value, 4)
    (-1.9755, 4.6919, 0.1089)
    """
    for name, group in (("a", a), ("b", b)):
        if group.n < 2:
            raise StatsError(f"group {name} needs at least 2 values for a t-test, got n = {group.n}")
    level = check_confidence(confidence)
    difference = a.mean - b.mean
    share_a, share_b = a.variance / a.n, b.variance / b.n
    variance = share_a + share_b
    if variance <= 0.0:
        return WelchResult(difference, Interval(difference, difference), None, None,
                           1.0 if difference == 0.0 else 0.0)
    se = math.sqrt(variance)
    df = variance * variance / (share_a * share_a / (a.n - 1) + share_b * share_b / (b.n - 1))
    t = difference / se
    half = t_quantile(level, df) * se
    return WelchResult(difference, Interval(difference - half, difference + half), t, df,
                       t_two_sided_p(t, df))
