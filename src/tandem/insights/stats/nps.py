"""Net Promoter Score: the estimator, its normal-approximation interval, and the difference of two.

Answers to a 0–10 recommendation question fall in three classes: promoters (9–10), passives (7–8)
and detractors (0–6). With ``P`` promoters and ``D`` detractors among ``n`` answers,

.. math::

    \\mathrm{NPS} = 100\\,(\\hat p - \\hat d), \\qquad \\hat p = P/n, \\; \\hat d = D/n .

The counts are one trinomial draw, so the variance of the difference of the two shares is

.. math::

    \\operatorname{Var}(\\hat p - \\hat d) = \\frac{p(1-p) + d(1-d) + 2pd}{n}
                                           = \\frac{p + d - (p - d)^2}{n},

estimated by plugging in ``p̂`` and ``d̂`` (the variance of the per-answer scores +100 / 0 / −100
with denominator ``n``, divided by ``n``). The interval is the normal approximation
``NPS ± z · 100 · √Var``, clipped to [−100, 100]. When every answer is in one class the estimated
variance is zero and the interval is the point itself (as with any Wald interval: read it with its n).
"""

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
from tandem.insights.stats.proportions import Interval

__all__ = ["NpsDifference", "NpsEstimate", "NpsSummary", "nps_difference", "nps_estimate"]


@dataclass(frozen=True)
class NpsSummary:
    """A group's recommendation answers: ``n`` of them, ``promoters`` 9–10 and ``detractors`` 0–6."""

    n: int
    promoters: int
    detractors: int

    def __post_init__(self) -> None:
        check_count("n", self.n, minimum=1)
        check_count("promoters", self.promoters)
        check_count("detractors", self.detractors)
        if self.promoters + self.detractors > self.n:
            raise StatsError(f"promoters ({self.promoters}) and detractors ({self.detractors}) "
                             f"cannot exceed n ({self.n})")

    @classmethod
    def from_scores(cls, n: int, total: float, total_of_squares: float) -> NpsSummary:
        """From COUNT, SUM and SUM of squares of per-answer scores +100 / 0 / −100 (what SQL adds up):
        ``P − D = Σ/100`` and ``P + D = Σ²/100²``.

        Examples
        --------
        >>> NpsSummary.from_scores(4, 100.0, 30000.0)
        NpsSummary(n=4, promoters=2, detractors=1)
        """
        check_count("n", n, minimum=1)
        if not (math.isfinite(total) and math.isfinite(total_of_squares)):
            raise StatsError("the sums of the scores must be finite")
        diff, both = total / 100.0, total_of_squares / 10_000.0
        promoters, detractors = round((both + diff) / 2), round((both - diff) / 2)
        if abs(promoters - (both + diff) / 2) > 1e-6 or abs(detractors - (both - diff) / 2) > 1e-6:
            raise StatsError("the sums are not those of scores of +100, 0 and −100")
        return cls(n, promoters, detractors)

    @property
    def passives(self) -> int:
        return self.n - self.promoters - self.detractors

    @property
    def score(self) -> float:
        return 100.0 * (self.promoters - self.detractors) / self.n

    @property
    def variance(self) -> float:
        """The estimated variance of ``p̂ − d̂`` (not of the score: multiply by 100² for that)."""
        p, d = self.promoters / self.n, self.detractors / self.n
        return max(p + d - (p - d) ** 2, 0.0) / self.n


@dataclass(frozen=True)
class NpsEstimate:
    n: int
    value: float
    interval: Interval
    standard_error: float  # of the score, in NPS points


def nps_estimate(summary: NpsSummary, *, confidence: float = 0.95) -> NpsEstimate:
    """The NPS with its normal-approximation interval (trinomial variance), clipped to [−100, 100].

    Examples
    --------
    >>> e = nps_estimate(NpsSummary(n=20, promoters=10, detractors=4))
    >>> round(e.value, 1), round(e.interval.low, 2), round(e.interval.high, 2)
    (30.0, -4.23, 64.23)
    >>> nps_estimate(NpsSummary(n=5, promoters=5, detractors=0)).interval
    Interval(low=100.0, high=100.0)
    """
    level = check_confidence(confidence)
    se = 100.0 * math.sqrt(summary.variance)
    half = z_quantile(level) * se
    value = summary.score
    return NpsEstimate(summary.n, value, Interval(max(-100.0, value - half), min(100.0, value + half)), se)


@dataclass(frozen=True)
class NpsDifference:
    difference: float
    interval: Interval
    statistic: float
    p_value: float


def nps_difference(a: NpsSummary, b: NpsSummary, *, confidence: float = 0.95) -> NpsDifference:
    """NPS(a) − NPS(b) of two independent groups: ``± z · 100 · √(Var_a + Var_b)``, clipped to
    [−200, 200], with the two-sided p-value of the z statistic (1 when neither group varies and the
    scores are equal, 0 when they differ).

    Examples
    --------
    >>> r = nps_difference(NpsSummary(40, 10, 20), NpsSummary(60, 40, 5))
    >>> round(r.difference, 2), round(r.interval.low, 2), round(r.interval.high, 2), r.p_value < 0.001
    (-83.33, -113.71, -52.96, True)
    """
    level = check_confidence(confidence)
    diff = a.score - b.score
    se = 100.0 * math.sqrt(a.variance + b.variance)
    if se == 0.0:
        return NpsDifference(diff, Interval(diff, diff), 0.0 if diff == 0 else math.copysign(math.inf, diff),
                             1.0 if diff == 0 else 0.0)
    half = z_quantile(level) * se
    z = diff / se
    return NpsDifference(diff, Interval(max(-200.0, diff - half), min(200.0, diff + half)), z, normal_two_sided_p(z))
