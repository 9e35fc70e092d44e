"""Tests for tandem.matching.engine.topk.top_k."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tandem.matching.engine import topk as topk_mod
from tandem.matching.engine.topk import top_k

VALUES = st.sampled_from([0.0, 1.0, 1.0, 2.0, -1.5, 3.25, -np.inf, np.inf])


def reference(s: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    m, n = s.shape
    idx = np.full((m, k), -1, dtype=np.int64)
    val = np.full((m, k), -np.inf)
    for i in range(m):
        cand = [j for j in range(n) if (allowed is None or allowed[i, j]) and s[i, j] != -np.inf]
        cand.sort(key=lambda j: (-float(s[i, j]), j))
        for p, j in enumerate(cand[:k]):
            idx[i, p] = j
            val[i, p] = s[i, j]
    return idx, val


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray | None, int]:
    m = draw(st.integers(0, 7))
    n = draw(st.integers(0, 9))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    s = draw(hnp.arrays(dtype, (m, n), elements=VALUES))
    allowed = draw(st.none() | hnp.arrays(np.bool_, (m, n)))
    k = draw(st.integers(1, 12))
    return s, allowed, k


@settings(max_examples=150, deadline=None)
@given(problems(), st.integers(1, 4), st.sampled_from([1, 2]), st.sampled_from(["argmax", "partition"]))
def test_matches_stable_sort_reference(
    prob: tuple[np.ndarray, np.ndarray | None, int], chunk: int, workers: int, path: str
) -> None:
    s, allowed, k = prob
    before = s.copy()
    limit = 0 if path == "partition" else topk_mod._ARGMAX_MAX_K
    with mock.patch.object(topk_mod, "_ARGMAX_MAX_K", limit):
        idx, val = top_k(s, k, allowed, chunk_rows=chunk, workers=workers)
    ref_idx, ref_val = reference(s, k, allowed)
    assert idx.dtype == np.int64 and val.dtype == np.float64
    assert idx.shape == val.shape == (s.shape[0], k)
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_array_equal(val, ref_val)
    np.testing.assert_array_equal(s, before)  # input untouched


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_random_float_matrices_all_paths(seed: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    m, n = rng.integers(1, 30), rng.integers(1, 60)
    s = np.round(rng.normal(size=(m, n)), 1).astype(np.float32)  # rounding makes ties
    allowed = rng.random((m, n)) < 0.7
    ref = reference(s, k, allowed)
    for limit in (0, 100):
        with mock.patch.object(topk_mod, "_ARGMAX_MAX_K", limit):
            got = top_k(s, k, allowed, chunk_rows=int(rng.integers(1, 8)), workers=2)
        np.testing.assert_array_equal(got[0], ref[0])
        np.testing.assert_array_equal(got[1], ref[1])


def test_padding_when_fewer_allowed_than_k() -> None:
    s = np.array([[5.0, 4.0, 3.0], [1.0, 2.0, 3.0]])
    allowed = np.array([[False, True, False], [False, False, False]])
    idx, val = top_k(s, k=3, allowed=allowed)
    assert idx.tolist() == [[1, -1, -1], [-1, -1, -1]]
    assert val.tolist() == [[4.0, -np.inf, -np.inf], [-np.inf, -np.inf, -np.inf]]


def test_ties_go_to_lower_index() -> None:
    s = np.ones((2, 6), dtype=np.float32)
    idx, _ = top_k(s, k=4)
    assert idx.tolist() == [[0, 1, 2, 3]] * 2


def test_accepts_integers_and_empty_shapes() -> None:
    idx, val = top_k(np.array([[1, 3, 2]]), k=2)
    assert idx.tolist() == [[1, 2]] and val.tolist() == [[3.0, 2.0]]
    idx, val = top_k(np.zeros((0, 4)), k=2)
    assert idx.shape == (0, 2)
    idx, val = top_k(np.zeros((2, 0)), k=2)
    assert idx.tolist() == [[-1, -1]] * 2


def test_nan_is_reported_with_position() -> None:
    s = np.zeros((5, 4))
    s[3, 2] = np.nan
    s[4, 0] = np.nan
    for workers in (1, 2):
        with pytest.raises(ValueError, match=r"scores contains NaN at \(3, 2\)"):
            top_k(s, 2, chunk_rows=1, workers=workers)
    # NaN at a disallowed position is ignored
    allowed = ~np.isnan(s)
    assert top_k(s, 2, allowed)[0].shape == (5, 2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scores": np.zeros((2, 2)), "k": 0}, "k must be ≥ 1, got 0"),
        ({"scores": np.zeros((2, 2)), "k": 1.5}, "k must be an integer"),
        ({"scores": np.zeros(3), "k": 1}, "must be a 2-D"),
        ({"scores": np.zeros((2, 2), dtype=complex), "k": 1}, "must be real"),
        ({"scores": np.zeros((2, 2)), "k": 1, "allowed": np.ones((2, 3), bool)}, r"allowed has shape \(2, 3\)"),
        ({"scores": np.zeros((2, 2)), "k": 1, "allowed": np.ones((2, 2))}, "allowed must be a boolean"),
        ({"scores": np.zeros((2, 2)), "k": 1, "chunk_rows": 0}, "chunk_rows must be"),
        ({"scores": np.zeros((2, 2)), "k": 1, "workers": 0}, "workers must be"),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        top_k(**kwargs)  # type: ignore[arg-type]


def test_score_matrix_input_uses_total_and_allowed() -> None:
    from tandem.matching.engine.scoring import Profiles, Weights, score_matrix

    p = Profiles.from_records(
        [
            {"person_id": i, "levels": [i % 5 + 1], "targets": [5], "capacity": 2, "languages": [i % 2]}
            for i in range(6)
        ],
        n_competencies=1,
        n_topics=0,
        n_languages=2,
    )
    sm = score_matrix(p, p, Weights())
    idx, val = top_k(sm, k=6)
    ref = reference(np.asarray(sm.total), 6, np.asarray(sm.allowed))
    np.testing.assert_array_equal(idx, ref[0])
    assert all(i not in row for i, row in enumerate(idx.tolist()))  # self excluded
    extra = np.ones((6, 6), bool)
    extra[:, 5] = False
    idx2, _ = top_k(sm, k=6, allowed=extra)
    assert not (idx2 == 5).any()
