"""Tests for tandem.matching.engine.assignment.optimal_assignment."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from tandem.matching.engine.assignment import optimal_assignment


def brute_force(S, cap, A):
    """(max cardinality, best total among those) over all assignments."""
    m, n = S.shape
    best = (0, 0.0)
    found = False
    for choice in itertools.product(range(-1, n), repeat=m):
        load = [0] * n
        ok = True
        for i, j in enumerate(choice):
            if j >= 0:
                load[j] += 1
                if not A[i, j] or load[j] > cap[j]:
                    ok = False
                    break
        if not ok:
            continue
        k = sum(j >= 0 for j in choice)
        t = sum(S[i, j] for i, j in enumerate(choice) if j >= 0)
        if not found or k > best[0] or (k == best[0] and t > best[1]):
            best, found = (k, t), True
    return best


def check_valid(res, S, cap, A):
    m, n = S.shape
    assert res.shape == (m,) and res.dtype == np.int64
    assert ((res >= -1) & (res < n)).all()
    used = res[res >= 0]
    assert (np.bincount(used, minlength=n) <= cap).all()
    for i, j in enumerate(res):
        if j >= 0:
            assert A[i, j]


def total(res, S):
    return float(sum(S[i, j] for i, j in enumerate(res) if j >= 0))


@st.composite
def small_instance(draw):
    m = draw(st.integers(0, 4))
    n = draw(st.integers(0, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if draw(st.booleans()):
        S = rng.integers(-3, 4, (m, n)).astype(float)  # many ties
    else:
        S = rng.normal(size=(m, n)) * draw(st.sampled_from([1e-3, 1.0, 1e3]))
    cap = rng.integers(0, 3, n)
    A = rng.random((m, n)) < draw(st.sampled_from([0.4, 0.8, 1.0]))
    return S, cap, A


@settings(max_examples=150, deadline=None)
@given(small_instance())
def test_matches_brute_force(inst):
    S, cap, A = inst
    S0, cap0, A0 = S.copy(), cap.copy(), A.copy()
    res = optimal_assignment(S, cap, A)
    check_valid(res, S, cap, A)
    k, t = brute_force(S, cap, A)
    assert int((res >= 0).sum()) == k
    assert total(res, S) == pytest.approx(t, rel=1e-9, abs=1e-9 * (1 + np.abs(S).max(initial=0)))
    # inputs untouched
    np.testing.assert_array_equal(S, S0)
    np.testing.assert_array_equal(cap, cap0)
    np.testing.assert_array_equal(A, A0)


def greedy(S, cap, A):
    m, n = S.shape
    res = np.full(m, -1)
    left = cap.copy()
    for flat in np.argsort(-S, axis=None, kind="stable"):
        i, j = divmod(int(flat), n)
        if res[i] < 0 and left[j] > 0 and A[i, j]:
            res[i] = j
            left[j] -= 1
    return res


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_medium_equals_linear_sum_assignment_and_beats_greedy(seed):
    rng = np.random.default_rng(seed)
    m, n = 60, 20
    S = rng.normal(size=(m, n))
    cap = rng.integers(1, 5, n)
    while cap.sum() < m:
        cap[rng.integers(n)] += 1
    res = optimal_assignment(S, cap)
    check_valid(res, S, cap, np.ones_like(S, bool))
    assert (res >= 0).all()
    E = np.repeat(S, cap, axis=1)
    r, c = linear_sum_assignment(E, maximize=True)
    assert total(res, S) == pytest.approx(E[r, c].sum(), rel=1e-10)
    A = rng.random((m, n)) < 0.5
    res2 = optimal_assignment(S, cap, A)
    g = greedy(S, cap, A)
    check_valid(res2, S, cap, A)
    k2, kg = (res2 >= 0).sum(), (g >= 0).sum()
    assert k2 > kg or (k2 == kg and total(res2, S) >= total(g, S) - 1e-9)


def test_larger_sparse_path_equals_dense():
    """Exercise candidate pruning + certificate rounds (n large enough for sampling)."""
    rng = np.random.default_rng(7)
    m, n = 400, 120
    S = rng.random((m, n))
    cap = rng.integers(0, 5, n)
    res = optimal_assignment(S, cap)
    check_valid(res, S, cap, np.ones_like(S, bool))
    E = np.repeat(S, cap, axis=1)
    r, c = linear_sum_assignment(E, maximize=True)
    assert (res >= 0).sum() == min(m, cap.sum())
    assert total(res, S) == pytest.approx(E[r, c].sum(), rel=1e-10)


def reference(S, cap, A):
    """(max cardinality, best total among those) by SciPy on capacity-expanded columns.

    Allowed pairs weigh ``C + S`` (C large enough that cardinality comes first),
    disallowed ones 0, and every mentee also has a private zero-weight dummy
    column, so the rectangular maximum-weight assignment is the lexicographic
    optimum.
    """
    m, n = S.shape
    K = min(m, int(np.minimum(cap, m).sum()))
    D = float(S.max() - S.min()) if S.size else 0.0
    C = (K + 1) * D + 1.0
    W = np.where(A, C + S - (S.min() if S.size else 0.0), 0.0)
    E = np.hstack([np.repeat(W, cap, axis=1), np.zeros((m, m))])
    r, c = linear_sum_assignment(E, maximize=True)
    owner = np.concatenate([np.repeat(np.arange(n), cap), np.full(m, -1)])
    j = owner[c]
    real = (j >= 0) & A[r, np.maximum(j, 0)]
    return int(real.sum()), float(S[r[real], j[real]].sum())


@st.composite
def medium_instance(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    regime = draw(st.sampled_from(["seats scarce", "mentees scarce", "balanced"]))
    m = draw(st.integers(1, 160))
    n = draw(st.integers(1, 60))
    if regime == "seats scarce":
        cap = rng.integers(0, 4, n)
    elif regime == "mentees scarce":
        cap = rng.integers(0, 4, n) + int(np.ceil(2 * m / n))
    else:
        cap = np.full(n, max(1, m // n))
    kind = draw(st.sampled_from(["uniform", "normal", "ties", "negative"]))
    if kind == "uniform":
        S = rng.random((m, n))
    elif kind == "normal":
        S = rng.normal(size=(m, n)) * 100
    elif kind == "ties":
        S = rng.integers(0, 4, (m, n)).astype(float)
    else:
        S = -rng.random((m, n)) * 1e3 - 1e4
    A = rng.random((m, n)) < draw(st.sampled_from([0.05, 0.3, 0.9, 1.0]))
    return S, cap, A


@settings(max_examples=60, deadline=None)
@given(medium_instance(), st.booleans())
def test_medium_matches_reference(inst, use_mask):
    S, cap, A = inst
    if not use_mask:
        A = np.ones_like(A)
    S0, cap0, A0 = S.copy(), cap.copy(), A.copy()
    res = optimal_assignment(S, cap, A if use_mask else None)
    check_valid(res, S, cap, A)
    k, t = reference(S, cap, A)
    assert int((res >= 0).sum()) == k
    assert total(res, S) == pytest.approx(t, rel=1e-9, abs=1e-9 * (1 + np.abs(S).max()))
    np.testing.assert_array_equal(S, S0)
    np.testing.assert_array_equal(cap, cap0)
    np.testing.assert_array_equal(A, A0)


@pytest.mark.parametrize("regime", ["seats scarce", "mentees scarce", "balanced"])
@pytest.mark.parametrize("repair_max", [0.0, 1.0])
def test_sparse_candidates_force_certificate_rounds(monkeypatch, regime, repair_max):
    """Starve the candidate graph so the certificate must add pairs, and take both
    ways of continuing: warm repair (large ``_REPAIR_MAX``) and a fresh solve."""
    from tandem.matching.engine import assignment as mod

    monkeypatch.setattr(mod, "_L_ROW", 1)
    monkeypatch.setattr(mod, "_COL_MUL", 0)
    monkeypatch.setattr(mod, "_COL_ADD", 1)
    monkeypatch.setattr(mod, "_COL_ADD_ONLY", 1)
    monkeypatch.setattr(mod, "_L_ADD", 2)
    monkeypatch.setattr(mod, "_REPAIR_MAX", repair_max)
    rng = np.random.default_rng(11)
    m, n = 300, 60
    cap = {"seats scarce": rng.integers(1, 5, n), "mentees scarce": rng.integers(8, 12, n),
           "balanced": np.full(n, 5)}[regime]  # fmt: skip
    S = rng.normal(size=(m, n))
    A = rng.random((m, n)) < 0.7
    for mask in (None, A):
        res = optimal_assignment(S, cap, mask)
        full = np.ones_like(A) if mask is None else A
        check_valid(res, S, cap, full)
        k, t = reference(S, cap, full)
        assert int((res >= 0).sum()) == k
        assert total(res, S) == pytest.approx(t, rel=1e-10)


@pytest.mark.parametrize("layout", ["float32", "fortran", "int", "chunked"])
def test_layouts_and_chunks(monkeypatch, layout):
    """Inputs that are not C-contiguous float64 go through row chunks."""
    from tandem.matching.engine import assignment as mod

    rng = np.random.default_rng(5)
    m, n = 500, 40
    S = rng.random((m, n))
    cap = rng.integers(0, 6, n)
    A = rng.random((m, n)) < 0.8
    if layout == "float32":
        S = S.astype(np.float32)
    elif layout == "fortran":
        S, A = np.asfortranarray(S), np.asfortranarray(A)
    elif layout == "int":
        S = (S * 10).astype(np.int64)
    else:
        monkeypatch.setattr(mod, "_CHUNK_ENTRIES", 3 * n)
        S = S[:, ::-1]  # a non-contiguous view
    res = optimal_assignment(S, cap, A)
    Sf = np.asarray(S, dtype=np.float64)
    check_valid(res, Sf, cap, A)
    k, t = reference(Sf, cap, A)
    assert int((res >= 0).sum()) == k
    assert total(res, Sf) == pytest.approx(t, rel=1e-6)


def test_column_floor_too_high_is_redone_exactly():
    """A column whose best entries all sit in sampled rows (every 8th) gets a floor
    above its k-th best; its candidate list must be recomputed exactly."""
    rng = np.random.default_rng(3)
    m, n = 800, 50
    S = rng.random((m, n))
    S[np.arange(0, 8 * 30, 8), 0] = 10 + np.arange(30)
    cap = np.ones(n, dtype=np.int64)
    res = optimal_assignment(S, cap)
    k, t = reference(S, cap, np.ones_like(S, bool))
    assert int((res >= 0).sum()) == k
    assert total(res, S) == pytest.approx(t, rel=1e-12)


def test_more_capacity_than_mentees_and_zero_capacity_columns():
    rng = np.random.default_rng(9)
    S = rng.normal(size=(30, 8))
    cap = np.array([0, 50, 0, 3, 100, 0, 1, 2])
    res = optimal_assignment(S, cap)
    full = np.ones_like(S, bool)
    check_valid(res, S, cap, full)
    assert (res >= 0).all()
    assert total(res, S) == pytest.approx(reference(S, cap, full)[1], rel=1e-12)


def test_cardinality_before_score():
    S = np.array([[10.0, -50.0], [9.0, -99.0]])
    np.testing.assert_array_equal(optimal_assignment(S, [1, 1]), [1, 0])


def test_float32_and_ints_accepted():
    S = np.array([[1, 2], [3, 4]], dtype=np.int32)
    assert total(optimal_assignment(S, [1, 1]), S) == 5
    res = optimal_assignment(S.astype(np.float32), np.array([2, 0]))
    assert res.tolist() == [0, 0]


def test_empty():
    assert optimal_assignment(np.zeros((0, 3)), [1, 1, 1]).shape == (0,)
    assert optimal_assignment(np.zeros((2, 0)), []).tolist() == [-1, -1]
    assert optimal_assignment(np.zeros((2, 2)), [0, 0]).tolist() == [-1, -1]


@pytest.mark.parametrize(
    ("scores", "caps", "allowed", "message"),
    [
        ([[1.0, np.nan]], [1, 1], None, r"scores contains NaN at \(0, 1\)"),
        ([[1.0], [np.inf]], [1], None, r"scores contains inf at \(1, 0\)"),
        ([[-np.inf, 1.0]], [1, 1], None, r"scores contains -inf at \(0, 0\)"),
        ([1.0, 2.0], [1, 1], None, "scores must be 2-D"),
        ([["a"]], [1], None, "real numbers"),
        ([[1.0, 2.0]], [1], None, "capacities has length 1 but there are 2 mentors"),
        ([[1.0, 2.0]], [1, -1], None, r"capacities\[1\] is negative \(-1\)"),
        ([[1.0, 2.0]], [1, 1.5], None, r"capacities\[1\] is not an integer"),
        (
            [[1.0, 2.0]],
            [1, 1],
            [[True, True, True]],
            r"allowed has shape \(1, 3\) but scores has shape \(1, 2\)",
        ),
        ([[1.0, 2.0]], [1, 1], [[2, 0]], "allowed must be boolean"),
    ],
)
def test_bad_input(scores, caps, allowed, message):
    with pytest.raises(ValueError, match=message):
        optimal_assignment(np.asarray(scores), caps, allowed)


# ----------------------------------------------------------------------------
# The auction path (taken when the shortest-path solver's candidates keep failing
# the certificate, as on structured scores with many near-ties)


@pytest.fixture
def auction_first(monkeypatch):
    """Solve with the epsilon-scaling auction straight away (dense coarse phases
    included, whatever the size), with the successive-shortest-path solver only as
    the fallback."""
    from tandem.matching.engine import assignment as mod

    monkeypatch.setattr(mod, "_AUCTION_FIRST", True)
    monkeypatch.setattr(mod, "_DENSE_MIN", 0)
    calls = {"auction": 0, "fallback": 0}
    real = mod._solve_auction

    def spy(*args, **kwargs):
        res = real(*args, **kwargs)
        calls["auction" if res is not None else "fallback"] += 1
        return res

    monkeypatch.setattr(mod, "_solve_auction", spy)
    return calls


def structured(rng, m, n, levels=4, noise=0.01, quantum=0.0):
    """Scores shaped like real ones: mentee gaps x mentor strengths (small integers,
    so many exact ties) plus a little noise, optionally quantised."""
    G = rng.integers(0, levels, (m, 6)).astype(float)
    H = rng.integers(0, levels + 1, (n, 6)).astype(float)
    S = G @ H.T / (6 * levels) + noise * rng.random((m, n))
    if quantum:
        S = np.round(S / quantum) * quantum
    return S


def same_as_scipy(S, cap, A, res):
    """Same cardinality and (to rounding) the same total score as SciPy's exact
    solution of the capacity-expanded instance."""
    k, t = reference(S, cap, A)
    assert int((res >= 0).sum()) == k
    assert total(res, S) == pytest.approx(t, rel=1e-9, abs=1e-9 * (1 + np.abs(S).max(initial=0)))


@st.composite
def near_tie_instance(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    m = draw(st.integers(1, 120))
    n = draw(st.integers(1, 40))
    kind = draw(st.sampled_from(["structured", "quantised", "equal", "two values", "tiny noise"]))
    if kind == "structured":
        S = structured(rng, m, n)
    elif kind == "quantised":
        S = structured(rng, m, n, noise=0.05, quantum=draw(st.sampled_from([0.01, 0.1, 0.25])))
    elif kind == "equal":
        S = np.full((m, n), draw(st.sampled_from([0.0, 1.0, -3.5])))
    elif kind == "two values":
        S = np.where(rng.random((m, n)) < 0.5, 1.0, 1.0 + 1e-9)
    else:
        S = 0.5 + 1e-12 * rng.random((m, n))
    regime = draw(st.sampled_from(["seats scarce", "mentees scarce", "balanced"]))
    if regime == "seats scarce":
        cap = rng.integers(0, 4, n)
    elif regime == "mentees scarce":
        cap = rng.integers(0, 4, n) + int(np.ceil(2 * m / n))
    else:
        cap = np.full(n, max(1, m // n))
    A = rng.random((m, n)) < draw(st.sampled_from([0.3, 0.9, 1.0]))
    return S, cap, A


@settings(max_examples=60, deadline=None)
@given(near_tie_instance(), st.booleans())
def test_near_ties_match_scipy(inst, use_mask):
    """Many equal or nearly equal scores: same cardinality and total as SciPy."""
    S, cap, A = inst
    if not use_mask:
        A = np.ones_like(A)
    res = optimal_assignment(S, cap, A if use_mask else None)
    check_valid(res, S, cap, A)
    same_as_scipy(S, cap, A, res)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(near_tie_instance(), st.booleans())
def test_auction_near_ties_match_scipy(auction_first, inst, use_mask):
    S, cap, A = inst
    if not use_mask:
        A = np.ones_like(A)
    res = optimal_assignment(S, cap, A if use_mask else None)
    check_valid(res, S, cap, A)
    same_as_scipy(S, cap, A, res)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(small_instance())
def test_auction_matches_brute_force(auction_first, inst):
    S, cap, A = inst
    res = optimal_assignment(S, cap, A)
    check_valid(res, S, cap, A)
    k, t = brute_force(S, cap, A)
    assert int((res >= 0).sum()) == k
    assert total(res, S) == pytest.approx(t, rel=1e-9, abs=1e-9 * (1 + np.abs(S).max(initial=0)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(medium_instance(), st.booleans())
def test_auction_medium_matches_reference(auction_first, inst, use_mask):
    S, cap, A = inst
    if not use_mask:
        A = np.ones_like(A)
    res = optimal_assignment(S, cap, A if use_mask else None)
    check_valid(res, S, cap, A)
    k, t = reference(S, cap, A)
    assert int((res >= 0).sum()) == k
    assert total(res, S) == pytest.approx(t, rel=1e-9, abs=1e-9 * (1 + np.abs(S).max()))


@pytest.mark.parametrize("caps", ["1-4", "4", "10"])
def test_auction_solves_structured_scores_without_fallback(auction_first, caps):
    """On unmasked structured scores the auction itself certifies the answer (the
    slow fallback is not needed), in all three regimes, and agrees with SciPy."""
    rng = np.random.default_rng(21)
    m, n = 600, 150
    S = structured(rng, m, n)
    cap = {"1-4": rng.integers(1, 5, n), "4": np.full(n, 4), "10": np.full(n, 10)}[caps]
    res = optimal_assignment(S, cap)
    full = np.ones_like(S, bool)
    check_valid(res, S, cap, full)
    same_as_scipy(S, cap, full, res)
    assert auction_first == {"auction": 1, "fallback": 0}


def test_structured_scores_switch_to_the_auction(monkeypatch):
    """Without forcing: structured scores make the shortest-path solver's certificate
    fail repeatedly, and the auction takes over (and is exact)."""
    from tandem.matching.engine import assignment as mod

    used = []
    real = mod._solve_auction
    monkeypatch.setattr(mod, "_solve_auction", lambda *a: used.append(1) or real(*a))
    rng = np.random.default_rng(4)
    m, n = 800, 200
    S = structured(rng, m, n)
    cap = rng.integers(1, 5, n)
    res = optimal_assignment(S, cap)
    same_as_scipy(S, cap, np.ones_like(S, bool), res)
    assert used == [1]


@pytest.mark.parametrize("threads_from", [0, 1 << 40])
def test_an_early_stopped_certificate_is_completed_when_the_auction_gives_up(monkeypatch, threads_from):
    """The first certificate pass stops after m/16 failed rows when the auction may take
    over; if the auction then gives up, the rows that pass never reached are still checked
    before an answer is returned (with and without the two-thread pass)."""
    from tandem.matching.engine import assignment as mod

    seen = []
    real = mod._violations
    monkeypatch.setattr(mod, "_violations",
                        lambda *a, **k: seen.append((k.get("enough", 0), len(a) > 6)) or real(*a, **k))
    monkeypatch.setattr(mod, "_solve_auction", lambda *a: None)
    monkeypatch.setattr(mod, "_VIOL_ROWS", 16)
    monkeypatch.setattr(mod, "_THREADS_MIN_ENTRIES", threads_from)
    rng = np.random.default_rng(8)
    m, n = 800, 200
    S = structured(rng, m, n)
    cap = rng.integers(1, 5, n)
    res = optimal_assignment(S, cap)
    same_as_scipy(S, cap, np.ones_like(S, bool), res)
    assert seen[0] == (m // 16 + 16, False)  # the first pass over all pairs may stop early
    assert seen[1] == (0, False)  # the next one covers all pairs, not only the changed rows
