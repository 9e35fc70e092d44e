"""Retention as survival: the Kaplan–Meier estimate of "still employed after t days", with its
confidence band, and the figures at the checkpoints where people tend to quit (source 003: day 7,
months 1, 3 and 6). Pure and typed, no Django; the estimator is lifelines' ``KaplanMeierFitter``
(imported on first use, so a web worker that never draws a curve never loads pandas / SciPy).

Each person contributes a duration in days from their time origin and whether it ended in leaving
(an *event*) or is still running (*censored*: still employed on the day of the data). A censored
person counts as at risk up to their duration and then drops out of the estimate: they are not
counted as retained forever, nor as a leaver.

- retention at day t is S(t) = P(T > t): the share still employed after t days, the product over
  event times u <= t of (1 - d_u / n_u) (d_u leavers on day u, n_u people at risk just before u);
- at risk at day t: people whose duration is at least t (followed that long and not gone before);
- the band is lifelines' default: the exponential Greenwood interval (log(-log) transform), 95 %.

>>> r = kaplan_meier([3, 5, 5, 10, 20], [True, True, False, True, False], checkpoints=(4, 6))
>>> [(c.day, c.at_risk, c.events, round(c.retention, 4)) for c in r.checkpoints]
[(4, 4, 1, 0.8), (6, 2, 2, 0.6)]
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from tandem.insights.stats.errors import StatsError

#: Day 7 and months 1, 3 and 6 (30, 91 and 182 days: a twelfth, a quarter and half of a year).
CHECKPOINTS: tuple[int, ...] = (7, 30, 91, 182)
CONFIDENCE = 0.95


@dataclass(frozen=True)
class CheckpointFigure:
    """The estimate at one checkpoint. ``retention`` and ``ci`` are None when nobody's status at
    ``day`` is known (everyone censored earlier) or fewer than ``min_at_risk`` were at risk."""

    day: int
    at_risk: int  # duration >= day
    events: int  # leavers on or before ``day``
    censored: int  # still employed, followed for less than ``day`` days
    retention: float | None
    ci: tuple[float, float] | None
    reached: bool  # somebody was followed up to ``day`` (or everyone had left by then)


@dataclass(frozen=True)
class Step:
    """The curve from ``day`` on (until the next step): S, its band, the number still at risk."""

    day: int
    retention: float
    low: float
    high: float
    at_risk: int


@dataclass(frozen=True)
class SurvivalResult:
    n: int
    events: int
    censored: int
    checkpoints: list[CheckpointFigure]
    curve: list[Step] = field(default_factory=list)
    curve_end: int = 0  # the last day the curve covers


def _check(durations: Sequence[int], observed: Sequence[bool], confidence: float) -> None:
    if len(durations) != len(observed):
        raise StatsError(f"durations and observed differ in length ({len(durations)} vs {len(observed)})")
    if not durations:
        raise StatsError("no durations: a survival curve needs at least one person")
    for d in durations:
        if isinstance(d, bool) or not isinstance(d, int):
            raise StatsError(f"a duration must be a whole number of days, got {d!r}")
        if d < 0:
            raise StatsError(f"a duration cannot be negative, got {d}")
    for o in observed:
        if not isinstance(o, bool):
            raise StatsError(f"observed must be True (left) or False (censored), got {o!r}")
    if not (isinstance(confidence, float) and math.isfinite(confidence) and 0.0 < confidence < 1.0):
        raise StatsError(f"confidence must be strictly between 0 and 1, got {confidence!r}")


def kaplan_meier(durations: Sequence[int], observed: Sequence[bool], *,
                 checkpoints: Sequence[int] = CHECKPOINTS, confidence: float = CONFIDENCE,
                 min_at_risk: int = 1, horizon: int | None = None) -> SurvivalResult:
    """The Kaplan–Meier estimate of ``durations`` (days; ``observed`` True = left on that day).

    Parameters
    ----------
    checkpoints : the days at which to report S(t), its interval and the counts.
    confidence : the band's level (0.95).
    min_at_risk : a checkpoint with fewer people at risk shows no figure, and the curve stops where
        fewer remain (anonymity: one leaver among three would be readable off the step).
    horizon : the curve's last day (None: the longest duration).
    """
    from lifelines import KaplanMeierFitter  # lazy: pandas, SciPy

    _check(durations, observed, confidence)
    fitter = KaplanMeierFitter(alpha=1.0 - confidence)
    fitter.fit(list(durations), event_observed=list(observed))
    timeline = [float(t) for t in fitter.timeline]
    survival = [float(s) for s in fitter.survival_function_.iloc[:, 0]]
    ci_frame = fitter.confidence_interval_survival_function_
    lows = [float(v) for v in ci_frame.iloc[:, 0]]
    highs = [float(v) for v in ci_frame.iloc[:, 1]]

    def index_at(day: float) -> int:
        """The last row of the timeline at or before ``day`` (the step function's value)."""
        i = 0
        for j, t in enumerate(timeline):
            if t <= day:
                i = j
            else:
                break
        return i

    def clean(x: float, fallback: float) -> float:
        # rounded to 10 places: the product 0.9 * (8/9) is 0.7999…, which a truncating formatter shows as 79.9 %
        return fallback if math.isnan(x) else round(min(1.0, max(0.0, x)), 10)

    # counts by binary search on sorted durations: O(log n) per day, not a pass over everyone
    # (a pass per step of the curve was 1 s for 43,000 people, bench/bench_insights.py)
    ordered = sorted(durations)
    event_days = sorted(d for d, o in zip(durations, observed, strict=True) if o)
    censored_days = sorted(d for d, o in zip(durations, observed, strict=True) if not o)
    total = len(ordered)

    def at_risk_on(day: float) -> int:
        return total - bisect.bisect_left(ordered, day)  # durations >= day

    last_censored = censored_days[-1] if censored_days else -1
    last_event = event_days[-1] if event_days else -1
    figures = []
    for day in checkpoints:
        at_risk = at_risk_on(day)
        events = bisect.bisect_right(event_days, day)  # left on or before day
        censored = bisect.bisect_left(censored_days, day)  # still employed, followed for less than day
        everyone_gone = at_risk == 0 and last_event > last_censored  # S reached 0 before day
        reached = at_risk > 0 or everyone_gone
        shown = reached and (at_risk >= min_at_risk or everyone_gone)
        if shown:
            i = index_at(day)
            s = clean(survival[i], 0.0)
            ci = (clean(lows[i], s), clean(highs[i], s))
            figures.append(CheckpointFigure(day, at_risk, events, censored, s, ci, True))
        else:
            figures.append(CheckpointFigure(day, at_risk, events, censored, None, None, reached))

    end = max(durations) if horizon is None else min(horizon, max(durations))
    curve = []
    for i, t in enumerate(timeline):
        if t > end:
            break
        at_risk = at_risk_on(t)
        if at_risk < min_at_risk:
            end = int(t)  # the curve stops where too few remain
            break
        s = clean(survival[i], 0.0)
        curve.append(Step(int(t), s, clean(lows[i], s), clean(highs[i], s), at_risk))
    n_events = sum(1 for o in observed if o)
    return SurvivalResult(len(durations), n_events, len(durations) - n_events, figures, curve, int(end))
