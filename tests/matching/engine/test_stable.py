"""Tests for tandem.matching.engine.stable."""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.matching.engine.stable import (
    blocking_pairs,
    explain_applicant,
    stable_match,
    stable_match_reviewer_optimal,
)


def random_instance(rng, m, n, max_len=None, tot=None):
    max_len = n if max_len is None else max_len
    ap = [rng.permutation(n)[: rng.integers(0, max_len + 1)].tolist() for _ in range(m)]
    rp = [rng.permutation(m)[: rng.integers(0, m + 1)].tolist() for _ in range(n)]
    cap = rng.integers(0, 3, n).tolist() if tot is None else tot
    return ap, rp, cap


def brute_stable(ap, rp, cap):
    """All stable matchings (as tuples) by enumeration."""
    m, n = len(ap), len(rp)
    out = []
    for ch in itertools.product(range(-1, n), repeat=m):
        load = [0] * n
        ok = True
        for a, r in enumerate(ch):
            if r >= 0:
                load[r] += 1
                if r not in ap[a] or a not in rp[r] or load[r] > cap[r]:
                    ok = False
                    break
        if ok and not blocking_pairs(ap, rp, cap, list(ch)):
            out.append(ch)
    return out


@st.composite
def small(draw):
    m = draw(st.integers(0, 4))
    n = draw(st.integers(0, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return random_instance(rng, m, n)


def prefers_or_equal(lst, x, y):
    """Does the owner of ``lst`` weakly prefer x to y (-1 = unmatched)?"""
    if x == y:
        return True
    if x == -1:
        return False
    return y == -1 or lst.index(x) < lst.index(y)


@settings(max_examples=150, deadline=None)
@given(small())
def test_against_brute_force(inst):
    ap, rp, cap = inst
    saved = copy.deepcopy(inst)
    res = stable_match(ap, rp, cap)
    ro = stable_match_reviewer_optimal(ap, rp, cap)
    assert (ap, rp, cap) == saved  # inputs untouched
    stables = brute_stable(ap, rp, cap)
    assert tuple(res) in stables
    assert tuple(ro) in stables
    assert blocking_pairs(ap, rp, cap, res) == []
    for s in stables:  # applicant-optimal: every applicant weakly prefers res
        for a in range(len(ap)):
            assert prefers_or_equal(ap[a], res[a], s[a])
            assert prefers_or_equal(ap[a], s[a], ro[a])  # reviewer-optimal is applicant-worst
    if all(c <= 1 for c in cap):  # reviewer-optimal for reviewers (unit capacities)
        for s in stables:
            for r in range(len(rp)):
                mine = [a for a, x in enumerate(ro) if x == r]
                other = [a for a, x in enumerate(s) if x == r]
                assert prefers_or_equal(rp[r], mine[0] if mine else -1, other[0] if other else -1)


def test_detects_planted_blocking_pair():
    ap = [[0, 1], [0, 1]]
    rp = [[0, 1], [0, 1]]
    assert blocking_pairs(ap, rp, [1, 1], [1, 0]) == [(0, 0)]
    assert blocking_pairs(ap, rp, [2, 1], [1, -1]) == [(0, 0), (1, 0)]
    assert blocking_pairs(ap, rp, [1, 1], [0, 1]) == []


def test_explain_applicant():
    ap = [[0, 1, 2], [0, 1], [0]]
    rp = [[2, 0, 1], [0, 1], [0]]
    cap = [1, 1, 0]
    res = stable_match(ap, rp, cap)
    assert res == [1, -1, 0]
    assert explain_applicant(ap, rp, cap, res, 0) == [
        {
            "reviewer": 0,
            "reason": "full_with_preferred",
            "worst_admitted": 2,
            "worst_rank": 0,
            "applicant_rank": 1,
        }
    ]
    rp2 = [[2, 0], [0, 1], [0]]
    res2 = stable_match(ap, rp2, cap)
    assert explain_applicant(ap, rp2, cap, res2, 1)[0] == {
        "reviewer": 0,
        "reason": "not_listed_by_reviewer",
    }
    assert explain_applicant(ap, rp, cap, res, 2) == []  # got first choice
    assert explain_applicant(ap, rp, cap, [-1, -1, -1], 0)[0]["reason"] == "blocking"
    assert explain_applicant([[2]], [[], [], [0]], [1, 1, 0], [-1], 0) == [
        {"reviewer": 2, "reason": "no_capacity"}
    ]


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_identical_to_matching_package(seed):
    games = pytest.importorskip("matching.games")
    rng = np.random.default_rng(seed)
    m, n = 150, 8
    ap = [rng.permutation(n)[: rng.integers(1, 5)].tolist() for _ in range(m)]
    lists = [[] for _ in range(n)]
    for a, lst in enumerate(ap):
        for r in lst:
            lists[r].append(a)
    rp = [rng.permutation(x).tolist() for x in lists]
    cap = rng.integers(1, 10, n).tolist()
    game = games.HospitalResident.create_from_dictionaries(
        {a: lst for a, lst in enumerate(ap)},
        {r: lst for r, lst in enumerate(rp)},
        {r: c for r, c in enumerate(cap)},
    )
    peer = [-1] * m
    for h, residents in game.solve(optimal="resident").items():
        for res in residents:
            peer[res.name] = h.name
    assert stable_match(ap, rp, cap) == peer


def test_larger_random_is_stable():
    rng = np.random.default_rng(3)
    m, n = 2000, 50
    ap = [rng.choice(n, 10, replace=False).tolist() for _ in range(m)]
    rp = [rng.permutation(m)[: rng.integers(0, m)].tolist() for _ in range(n)]
    cap = rng.integers(0, 60, n).tolist()
    res = stable_match(ap, rp, cap)
    assert blocking_pairs(ap, rp, cap, res) == []
    ro = stable_match_reviewer_optimal(ap, rp, cap)
    assert blocking_pairs(ap, rp, cap, ro) == []


def test_numpy_inputs_and_empty():
    assert stable_match([], [], []) == []
    assert stable_match([[0]], [[]], [1]) == [-1]
    assert stable_match([np.array([1, 0])], [[0], [0]], np.array([1, 1])) == [1]


@pytest.mark.parametrize(
    ("ap", "rp", "cap", "message"),
    [
        ([[0, 0]], [[0]], [1], r"applicant_prefs\[0\] lists reviewer 0 twice"),
        ([[0]], [[0, 0]], [1], r"reviewer_prefs\[0\] lists applicant 0 twice"),
        ([[0], [1]], [[0], [1, 0, 1]], [1, 1], r"reviewer_prefs\[1\] lists applicant 1 twice"),
        ([[0, 3]], [[0]], [1], r"applicant_prefs\[0\]\[1\] is 3, not a reviewer index"),
        ([[0]], [[-1]], [1], r"reviewer_prefs\[0\]\[0\] is -1, not an applicant index"),
        ([[0.5]], [[0]], [1], r"applicant_prefs\[0\]\[0\] is not an integer"),
        ([[True]], [[0]], [1], r"applicant_prefs\[0\]\[0\] is not an integer"),
        ([[0], 1], [[0]], [1], r"applicant_prefs\[1\] is not a list"),
        ("ab", [[0]], [1], "applicant_prefs must be a list of lists"),
        ([[0]], [[0]], [1, 2], "capacities has length 2 but there are 1 reviewers"),
        ([[0]], [[0]], [-1], r"capacities\[0\] is negative \(-1\)"),
    ],
)
def test_bad_input(ap, rp, cap, message):
    with pytest.raises(ValueError, match=message):
        stable_match(ap, rp, cap)


@pytest.mark.parametrize(
    ("matching", "message"),
    [
        ([0], "one entry per applicant"),
        ([0, 5], r"matching\[1\] is 5, not a reviewer index"),
        ([1, -1], r"matching\[0\] is 1, which applicant 0 does not list"),
        ([-1, 0], "reviewer 0 does not list applicant 1"),
    ],
)
def test_bad_matching(matching, message):
    ap, rp = [[0], [0]], [[0], []]
    with pytest.raises(ValueError, match=message):
        blocking_pairs(ap, rp, [1, 1], matching)


def test_over_capacity_matching():
    with pytest.raises(ValueError, match="gives reviewer 0 2 applicants but capacity is 1"):
        blocking_pairs([[0], [0]], [[0, 1]], [1], [0, 0])
