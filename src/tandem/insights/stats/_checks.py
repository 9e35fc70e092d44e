"""Input checks shared by the statistics module."""

from __future__ import annotations

from typing import Any

import math


from tandem.insights.stats.errors import StatsError


def _scipy() -> Any:
    """SciPy's distributions, imported on first use: a web worker that never compares cohorts
    never loads SciPy (the URLs load this module; tests/matching/test_lazy_engine.py)."""
    from scipy import stats

    return stats


def check_count(name: str, value: int, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise StatsError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise StatsError(f"{name} must be at least {minimum}, got {value}")
    return value


def check_finite(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StatsError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise StatsError(f"{name} must be finite, got {value!r}")
    return number


def check_confidence(confidence: float) -> float:
    level = check_finite("confidence", confidence)
    if not 0.0 < level < 1.0:
        raise StatsError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    return level


def z_quantile(confidence: float) -> float:
    """The two-sided normal critical value: z such that P(|Z| <= z) = ``confidence``."""
    return float(_scipy().norm.isf((1.0 - confidence) / 2.0))


def normal_two_sided_p(statistic: float) -> float:
    return float(min(1.0, 2.0 * _scipy().norm.sf(abs(statistic))))


def t_quantile(confidence: float, df: float) -> float:
    return float(_scipy().t.isf((1.0 - confidence) / 2.0, df))


def t_two_sided_p(statistic: float, df: float) -> float:
    return float(min(1.0, 2.0 * _scipy().t.sf(abs(statistic), df)))
