"""The statistics module against its peers (SciPy, statsmodels) on random inputs, to 1e-9."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from tandem.insights import stats
from tandem.insights.stats import (
    MeanSummary,
    Note,
    ProportionSummary,
    StatsError,
    compare_means,
    compare_proportions,
    newcombe_interval,
    relative_lift,
    two_proportion_z_test,
    welch_t_test,
    wilson_interval,
)
from tandem.insights.stats.comparison import mean_interval

TOL = 1e-9
confidences = st.sampled_from([0.8, 0.9, 0.95, 0.99])


@st.composite
def proportion(draw, min_n=1, max_n=5000):
    n = draw(st.integers(min_n, max_n))
    return draw(st.integers(0, n)), n


@st.composite
def sample(draw, min_size=2, max_size=60):
    values = draw(st.lists(st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False),
                           min_size=min_size, max_size=max_size))
    return np.array(values)


@settings(max_examples=300, deadline=None)
@given(proportion(), confidences)
def test_wilson_interval_equals_statsmodels(p, confidence):
    successes, n = p
    ci = wilson_interval(successes, n, confidence=confidence)
    low, high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    assert ci.low == pytest.approx(low, abs=TOL)
    assert ci.high == pytest.approx(high, abs=TOL)
    assert 0.0 <= ci.low <= successes / n <= ci.high <= 1.0


@settings(max_examples=300, deadline=None)
@given(proportion(), proportion(), confidences)
def test_newcombe_interval_equals_statsmodels(a, b, confidence):
    ci = newcombe_interval(a[0], a[1], b[0], b[1], confidence=confidence)
    low, high = confint_proportions_2indep(a[0], a[1], b[0], b[1], method="newcomb", compare="diff",
                                           alpha=1 - confidence)
    assert ci.low == pytest.approx(float(low), abs=TOL)
    assert ci.high == pytest.approx(float(high), abs=TOL)
    assert ci.contains(a[0] / a[1] - b[0] / b[1])


@settings(max_examples=300, deadline=None)
@given(proportion(), proportion())
def test_pooled_z_test_equals_statsmodels(a, b):
    pooled = (a[0] + b[0]) / (a[1] + b[1])
    assume(0.0 < pooled < 1.0)
    result = two_proportion_z_test(a[0], a[1], b[0], b[1])
    z, p = proportions_ztest([a[0], b[0]], [a[1], b[1]])
    assert result.statistic == pytest.approx(float(z), abs=TOL)
    assert result.p_value == pytest.approx(float(p), abs=TOL)


@settings(max_examples=300, deadline=None)
@given(sample(), sample(), confidences)
def test_welch_equals_scipy_on_raw_data(x, y, confidence):
    assume(np.var(x) > 1e-6 or np.var(y) > 1e-6)
    a = MeanSummary(len(x), float(np.mean(x)), float(np.var(x, ddof=1)))
    b = MeanSummary(len(y), float(np.mean(y)), float(np.var(y, ddof=1)))
    result = welch_t_test(a, b, confidence=confidence)
    peer = scipy_stats.ttest_ind(x, y, equal_var=False)
    ci = peer.confidence_interval(confidence)
    assert result.statistic == pytest.approx(float(peer.statistic), rel=1e-9, abs=TOL)
    assert result.df == pytest.approx(float(peer.df), rel=1e-9, abs=TOL)
    assert result.p_value == pytest.approx(float(peer.pvalue), abs=TOL)
    assert result.interval.low == pytest.approx(float(ci.low), rel=1e-9, abs=TOL)
    assert result.interval.high == pytest.approx(float(ci.high), rel=1e-9, abs=TOL)


@settings(max_examples=200, deadline=None)
@given(sample(), confidences)
def test_one_group_mean_interval_equals_scipy(x, confidence):
    assume(np.var(x) > 1e-6)
    group = MeanSummary(len(x), float(np.mean(x)), float(np.var(x, ddof=1)))
    ci = mean_interval(group, confidence=confidence)
    low, high = scipy_stats.t.interval(confidence, len(x) - 1, loc=np.mean(x), scale=scipy_stats.sem(x))
    assert ci.low == pytest.approx(float(low), rel=1e-9, abs=TOL)
    assert ci.high == pytest.approx(float(high), rel=1e-9, abs=TOL)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=200))
def test_summary_from_sql_sums_matches_numpy(values):
    x = np.array(values, dtype=float)
    summary = MeanSummary.from_sums(len(x), float(x.sum()), float((x * x).sum()))
    assert summary.mean == pytest.approx(float(x.mean()), abs=TOL)
    expected = float(np.var(x, ddof=1)) if len(x) > 1 else 0.0
    assert summary.variance == pytest.approx(expected, rel=1e-9, abs=1e-7)
    assert summary.variance >= 0.0


@settings(max_examples=200, deadline=None)
@given(proportion(min_n=1, max_n=300), proportion(min_n=1, max_n=300))
def test_proportion_comparison_is_never_nan(a, b):
    c = compare_proportions(ProportionSummary(a[1], a[0]), ProportionSummary(b[1], b[0]))
    numbers = [c.a.value, c.b.value, c.difference, c.difference_interval.low, c.difference_interval.high,
               c.p_value, c.a.interval.low, c.a.interval.high]
    assert all(math.isfinite(v) for v in numbers)
    assert 0.0 <= c.p_value <= 1.0
    assert Note.OBSERVATIONAL in c.notes
    assert (Note.SMALL_GROUP in c.notes) == (min(a[1], b[1]) < 30)
    assert (Note.CI_CROSSES_ZERO in c.notes) == (c.difference_interval.low <= 0 <= c.difference_interval.high)


# -- edge cases ----------------------------------------------------------------------------


def test_empty_group_is_a_clear_error_not_nan():
    with pytest.raises(StatsError, match="at least 1"):
        wilson_interval(0, 0)
    with pytest.raises(StatsError, match="empty"):
        compare_proportions(ProportionSummary(0, 0), ProportionSummary(10, 5))
    with pytest.raises(StatsError, match="at least 2"):
        welch_t_test(MeanSummary(1, 3.0, 0.0), MeanSummary(5, 2.0, 1.0))


def test_bad_counts_and_values_are_refused():
    with pytest.raises(StatsError, match="exceed"):
        ProportionSummary(3, 4)
    with pytest.raises(StatsError, match="finite"):
        MeanSummary(3, float("nan"), 1.0)
    with pytest.raises(StatsError, match="whole number"):
        wilson_interval(1.5, 3)  # type: ignore[arg-type]
    with pytest.raises(StatsError, match="confidence"):
        wilson_interval(1, 3, confidence=1.0)


def test_all_or_nothing_proportions_have_defined_answers():
    # p = 0 and p = 1: Wilson touches the bound and stays a real interval
    assert wilson_interval(0, 20).low == 0.0 and wilson_interval(0, 20).high > 0
    assert wilson_interval(20, 20).high == 1.0 and wilson_interval(20, 20).low < 1
    # everyone in both groups the same: no difference, no evidence (not 0/0)
    same = two_proportion_z_test(10, 10, 7, 7)
    assert (same.statistic, same.p_value) == (0.0, 1.0)
    c = compare_proportions(ProportionSummary(10, 0), ProportionSummary(10, 0))
    assert c.lift is None and Note.LIFT_UNDEFINED in c.notes and c.p_value == 1.0


def test_zero_variance_in_both_groups_is_degenerate_but_defined():
    equal = welch_t_test(MeanSummary(5, 4.0, 0.0), MeanSummary(6, 4.0, 0.0))
    assert (equal.statistic, equal.df, equal.p_value) == (None, None, 1.0)
    apart = compare_means(MeanSummary(5, 4.0, 0.0), MeanSummary(6, 3.0, 0.0))
    assert apart.p_value == 0.0 and apart.difference_interval.low == apart.difference_interval.high == 1.0
    assert Note.NO_SPREAD in apart.notes


def test_zero_variance_in_one_group_uses_the_other_groups_spread():
    x = np.array([4.0] * 8)
    y = np.array([1.0, 2.0, 3.0, 5.0, 2.0])
    r = welch_t_test(MeanSummary(8, 4.0, 0.0), MeanSummary(5, float(y.mean()), float(y.var(ddof=1))))
    peer = scipy_stats.ttest_ind(x, y, equal_var=False)
    assert r.p_value == pytest.approx(float(peer.pvalue), abs=TOL)
    assert r.df == pytest.approx(4.0)


def test_identical_values_from_sums_have_zero_variance():
    s = MeanSummary.from_sums(7, 0.7, 7 * 0.1 * 0.1)
    assert s.variance == 0.0


def test_relative_lift_is_relative_to_b():
    assert relative_lift(0.43, 0.18) == pytest.approx(0.25 / 0.18)
    assert relative_lift(3.6, 4.3) == pytest.approx(-0.7 / 4.3)


@pytest.mark.parametrize("module", ["proportions", "means", "comparison"])
def test_docstring_examples_hold(module):
    import importlib

    result = doctest.testmod(importlib.import_module(f"tandem.insights.stats.{module}"))
    assert result.failed == 0 and result.attempted > 0


def test_module_imports_no_django():
    import ast
    from pathlib import Path

    for path in Path(stats.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] == "django" for n in names), path
