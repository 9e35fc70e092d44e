"""The NPS estimator and its interval against a direct NumPy/SciPy computation on random answers."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from tandem.insights.stats import StatsError, nps
from tandem.insights.stats.nps import NpsSummary, nps_difference, nps_estimate

TOL = 1e-9
confidences = st.sampled_from([0.8, 0.9, 0.95, 0.99])
answers = st.lists(st.integers(0, 10), min_size=1, max_size=400)


def scores(values):
    """Each answer's score: +100 for 9–10, −100 for 0–6, 0 for 7–8."""
    a = np.asarray(values)
    return np.where(a >= 9, 100.0, np.where(a <= 6, -100.0, 0.0))


def summary(values):
    a = np.asarray(values)
    return NpsSummary(len(a), int((a >= 9).sum()), int((a <= 6).sum()))


@settings(max_examples=300, deadline=None)
@given(answers, confidences)
def test_the_nps_and_its_interval_equal_the_direct_computation(values, confidence):
    s = scores(values)
    z = scipy_stats.norm.ppf(1 - (1 - confidence) / 2)
    half = z * np.sqrt(s.var(ddof=0) / len(s))  # the trinomial variance is the scores' variance over n
    e = nps_estimate(summary(values), confidence=confidence)
    assert e.n == len(values)
    assert e.value == pytest.approx(s.mean(), abs=TOL)
    assert e.interval.low == pytest.approx(max(-100.0, s.mean() - half), abs=TOL)
    assert e.interval.high == pytest.approx(min(100.0, s.mean() + half), abs=TOL)
    assert -100.0 <= e.interval.low <= e.value <= e.interval.high <= 100.0


@settings(max_examples=300, deadline=None)
@given(answers, answers, confidences)
def test_the_difference_of_two_nps_equals_the_direct_computation(a, b, confidence):
    sa, sb = scores(a), scores(b)
    z = scipy_stats.norm.ppf(1 - (1 - confidence) / 2)
    se = np.sqrt(sa.var(ddof=0) / len(sa) + sb.var(ddof=0) / len(sb))
    diff = sa.mean() - sb.mean()
    r = nps_difference(summary(a), summary(b), confidence=confidence)
    assert r.difference == pytest.approx(diff, abs=TOL)
    if se > 0:
        assert r.interval.low == pytest.approx(max(-200.0, diff - z * se), abs=TOL)
        assert r.interval.high == pytest.approx(min(200.0, diff + z * se), abs=TOL)
        assert r.p_value == pytest.approx(2 * scipy_stats.norm.sf(abs(diff / se)), abs=TOL)
    else:
        assert r.interval.low == r.interval.high == pytest.approx(diff, abs=TOL)


@settings(max_examples=200, deadline=None)
@given(answers)
def test_the_counts_come_back_from_the_sql_sums_of_scores(values):
    s = scores(values)
    assert NpsSummary.from_scores(len(s), float(s.sum()), float((s * s).sum())) == summary(values)


def test_a_hand_computed_nps():
    # 10 promoters, 6 passives, 4 detractors of 20: NPS 30, Var = (0.5 + 0.2 − 0.3²) / 20 = 0.0305
    e = nps_estimate(NpsSummary(20, 10, 4))
    half = 1.959963984540054 * 100 * 0.0305 ** 0.5
    assert e.value == pytest.approx(30.0)
    assert (e.interval.low, e.interval.high) == pytest.approx((30 - half, 30 + half))


def test_impossible_counts_are_refused_with_a_message():
    with pytest.raises(StatsError, match="cannot exceed n"):
        NpsSummary(5, 4, 2)
    with pytest.raises(StatsError, match="at least 1"):
        NpsSummary(0, 0, 0)
    with pytest.raises(StatsError, match="not those of scores"):
        NpsSummary.from_scores(3, 50.0, 10_000.0)


def test_the_docstring_examples_hold():
    assert doctest.testmod(nps).failed == 0
