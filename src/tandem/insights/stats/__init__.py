"""The statistics of insights: pure, typed functions, no Django (like ``matching/engine``).

- :func:`wilson_interval` — a proportion's score interval (Wilson, 1927).
- :func:`newcombe_interval` — the difference of two independent proportions, Newcombe's hybrid
  score interval (method 10 of Newcombe, 1998).
- :func:`two_proportion_z_test` — pooled two-proportion z-test, no continuity correction.
- :func:`welch_t_test` — Welch's t-test with the Welch–Satterthwaite interval of the difference.
- :func:`relative_lift` — (A − B) / B.
- :func:`compare_proportions`, :func:`compare_means` — all of it for two groups, with warnings.
- :func:`nps_estimate`, :func:`nps_difference` — a Net Promoter Score with its normal-approximation
  interval (trinomial variance, clipped to [−100, 100]), and the difference of two.

Every function validates its input and raises :class:`StatsError` (a ``ValueError``) with a
message naming the problem; none returns NaN. Degenerate but meaningful cases (p = 0 or 1, no
spread in either group) have defined answers, stated in each docstring.
"""

from tandem.insights.stats.comparison import (
    Comparison,
    Note,
    compare_means,
    compare_proportions,
    relative_lift,
)
from tandem.insights.stats.errors import StatsError
from tandem.insights.stats.means import MeanSummary, WelchResult, welch_t_test
from tandem.insights.stats.nps import NpsDifference, NpsEstimate, NpsSummary, nps_difference, nps_estimate
from tandem.insights.stats.proportions import (
    Interval,
    ProportionSummary,
    TestResult,
    newcombe_interval,
    two_proportion_z_test,
    wilson_interval,
)

__all__ = [
    "Comparison",
    "Interval",
    "MeanSummary",
    "Note",
    "NpsDifference",
    "NpsEstimate",
    "NpsSummary",
    "ProportionSummary",
    "StatsError",
    "TestResult",
    "WelchResult",
    "compare_means",
    "compare_proportions",
    "newcombe_interval",
    "nps_difference",
    "nps_estimate",
    "relative_lift",
    "two_proportion_z_test",
    "welch_t_test",
    "wilson_interval",
]
