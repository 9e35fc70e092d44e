"""Tests for tandem.matching.engine.scoring."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.matching.engine.scoring import (
    Profiles,
    ScoreMatrix,
    Weights,
    _coverage,
    _gaps,
    score_matrix,
)

C, T, L = 4, 5, 3
SEEDS = st.integers(0, 2**32 - 1)
MODES = st.sampled_from(["classic", "reverse", "mutual"])


def random_profiles(
    rng: np.random.Generator, n: int, ids: np.ndarray | None = None, frac_levels: bool = False
) -> Profiles:
    """Small random profiles; ids come from a small pool so rules trigger often."""
    pid = rng.choice(12, size=n, replace=False) if ids is None else ids
    level = rng.integers(0, 6, size=(n, C)).astype(float)
    if frac_levels:
        level = np.round(rng.uniform(0, 5, size=(n, C)), 2)
    target = np.where(rng.random((n, C)) < 0.6, rng.integers(1, 6, size=(n, C)), 0).astype(float)
    depth = 3
    chain = np.full((n, depth), -1, dtype=np.int64)
    for r in range(n):
        d = int(rng.integers(0, depth + 1))
        others = [x for x in range(12) if x != pid[r]]
        chain[r, :d] = rng.choice(others, size=d, replace=False)
    cap = rng.integers(0, 4, size=n)
    return Profiles(
        person_id=pid,
        level=level,
        target=target,
        can_teach=rng.random((n, T)) < 0.4,
        want_learn=rng.random((n, T)) < 0.4,
        style=rng.integers(-1, 4, size=n),
        languages=rng.random((n, L)) < 0.4,
        utc_offset_minutes=rng.integers(-12, 15, size=n) * 60,
        department=rng.integers(-1, 3, size=n),
        manager_chain=chain,
        load=rng.integers(0, 4, size=n),
        capacity=cap,
        rating=np.where(rng.random(n) < 0.3, np.nan, rng.uniform(1, 5, size=n)),
    )


def random_weights(rng: np.random.Generator, mode: str) -> Weights:
    vals = {f: float(rng.choice([0.0, 0.5, 1.0, 2.5])) for f in Weights._WEIGHT_NAMES}
    return Weights(
        **vals,
        mode=mode,  # type: ignore[arg-type]
        exclude_same_manager=bool(rng.random() < 0.7),
        exclude_reporting_line=bool(rng.random() < 0.7),
        max_timezone_hours=float(rng.choice([3.0, 8.0, 12.0])),
    )


def brute_allowed(a: Profiles, b: Profiles, w: Weights) -> np.ndarray:
    ok = np.ones((a.n, b.n), dtype=bool)
    for i in range(a.n):
        for j in range(b.n):
            ca = [int(x) for x in a.manager_chain[i] if x >= 0]
            cb = [int(x) for x in b.manager_chain[j] if x >= 0]
            pi, pj = int(a.person_id[i]), int(b.person_id[j])
            bad = pi == pj
            bad |= w.exclude_same_manager and bool(ca) and bool(cb) and ca[0] == cb[0]
            if w.exclude_reporting_line:
                bad |= pj in ca
                bad |= (pi in cb[:1]) if w.mode == "reverse" else (pi in cb)
            bad |= b.load[j] >= b.capacity[j]
            if w.mode == "mutual":
                bad |= a.load[i] >= a.capacity[i]
            ok[i, j] = not bad
    return ok


def brute_coverage(a: Profiles, b: Profiles) -> np.ndarray:
    out = np.zeros((a.n, b.n))
    for i in range(a.n):
        g = np.where(a.target[i] > 0, np.maximum(a.target[i] - a.level[i], 0), 0)
        den = g @ g
        for j in range(b.n):
            reach = np.minimum(np.maximum(b.level[j] - a.level[i], 0), g)
            out[i, j] = (g @ reach) / den if den > 0 else 0.0
    return out


def arrays_of(p: Profiles) -> dict[str, np.ndarray]:
    return {f.name: np.array(getattr(p, f.name), copy=True) for f in dataclasses.fields(p)}


# --------------------------------------------------------------------------- invariants


@settings(max_examples=60, deadline=None)
@given(SEEDS, MODES)
def test_total_is_component_sum_and_allowed_matches_rules(seed: int, mode: str) -> None:
    rng = np.random.default_rng(seed)
    a = random_profiles(rng, int(rng.integers(0, 7)))
    b = a if mode == "mutual" and rng.random() < 0.5 else random_profiles(rng, int(rng.integers(0, 7)))
    w = random_weights(rng, mode)
    sm = score_matrix(a, b, w)
    k = len(sm.criteria)
    assert sm.components.shape == (k, a.n, b.n) and sm.components.dtype == np.float32
    assert sm.total.dtype == np.float64 and sm.allowed.dtype == np.bool_
    np.testing.assert_allclose(sm.total, sm.components.astype(np.float64).sum(0), rtol=1e-12, atol=1e-12)
    assert np.all(sm.components >= 0)
    np.testing.assert_array_equal(sm.allowed, brute_allowed(a, b, w))
    # every raw criterion is in [0, 1], so each weighted contribution is at most its weight
    caps = {
        "gap": w.gap, "topics": w.topics, "style": w.style, "language": w.language,
        "timezone": w.timezone, "load": w.load, "rating": w.rating,
        "cross_department": w.cross_department, "reciprocity": w.reciprocity,
        "gap_back": w.gap, "topics_back": w.topics,
    }
    for r, name in enumerate(sm.criteria):
        cap = caps[name] / (2 if mode == "mutual" and name in ("gap", "gap_back", "topics", "topics_back") else 1)
        assert np.all(sm.components[r] <= cap * (1 + 1e-6) + 1e-6), name


@settings(max_examples=60, deadline=None)
@given(SEEDS, st.booleans())
def test_coverage_matches_definition_on_every_path(seed: int, frac: bool) -> None:
    rng = np.random.default_rng(seed)
    a = random_profiles(rng, int(rng.integers(1, 7)), frac_levels=frac)
    b = random_profiles(rng, int(rng.integers(1, 7)), frac_levels=frac)
    ref = brute_coverage(a, b)
    for max_features in (0, 2, 32):  # 0 = broadcast loop only, 2 = mixed
        got = _coverage(a.level, _gaps(a), b.level, max_features=max_features)
        np.testing.assert_allclose(got, ref, atol=1e-12)
    sm = score_matrix(a, b, Weights(gap=1.0))
    np.testing.assert_allclose(sm.components[0], ref, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(SEEDS, MODES)
def test_inputs_are_not_mutated(seed: int, mode: str) -> None:
    rng = np.random.default_rng(seed)
    raw = random_profiles(rng, 5)
    fields = arrays_of(raw)
    copies = {k: v.copy() for k, v in fields.items()}
    a = Profiles(**fields)
    b = random_profiles(rng, 4)
    before_b = arrays_of(b)
    sm = score_matrix(a, b, Weights(mode=mode))  # type: ignore[arg-type]
    sm.explain(0, 0)
    for k, v in fields.items():
        np.testing.assert_array_equal(v, copies[k])
        assert v.flags.writeable  # caller's arrays stay writeable
    for k, v in arrays_of(b).items():
        np.testing.assert_array_equal(v, before_b[k])
    with pytest.raises(ValueError):
        sm.total[0, 0] = 1.0  # results are read-only


# --------------------------------------------------------------------------- criteria


def person(pid: int, **kw: Any) -> dict[str, Any]:
    return {"person_id": pid, "capacity": 3, **kw}


def build(records: list[dict[str, Any]], c: int = 3, t: int = 3, langs: int = 3) -> Profiles:
    return Profiles.from_records(records, n_competencies=c, n_topics=t, n_languages=langs)


@settings(max_examples=60, deadline=None)
@given(SEEDS)
def test_more_coverage_scores_higher_on_gap(seed: int) -> None:
    rng = np.random.default_rng(seed)
    mentee_lv = rng.integers(1, 4, size=3).astype(float)
    target = np.minimum(mentee_lv + rng.integers(1, 3, size=3), 5)
    weak = rng.integers(1, 6, size=3).astype(float)
    strong = np.maximum(weak, rng.integers(1, 6, size=3))
    mentee = build([person(1, levels=mentee_lv, targets=target)])
    mentors = build([person(2, levels=weak), person(3, levels=strong)])
    sm = score_matrix(mentee, mentors, Weights())
    g = sm.criteria.index("gap")
    cov = brute_coverage(mentee, mentors)[0]
    assert sm.components[g, 0, 1] >= sm.components[g, 0, 0]
    if cov[1] > cov[0]:
        assert sm.components[g, 0, 1] > sm.components[g, 0, 0]
        assert sm.total[0, 1] > sm.total[0, 0]


def test_gap_example_and_explain_names_competency() -> None:
    mentee = build([person(1, levels=[2, 4, 1], targets=[4, 4, 2])])  # gaps 2, 0, 1
    mentors = build([person(2, levels=[5, 1, 1]), person(3, levels=[3, 5, 5])])
    sm = score_matrix(mentee, mentors, Weights(gap=1, topics=0, style=0, language=0, timezone=0, load=0, rating=0))
    # mentor 0: covers 2 of gap 2 in c0 -> (2*2)/(4+1) = 0.8; mentor 1: 1 of 2 in c0, 1 of 1 in c2 -> 3/5
    np.testing.assert_allclose(sm.total[0], [0.8, 0.6], rtol=1e-6)
    gap = next(r for r in sm.explain(0, 0) if r.criterion == "gap")
    assert gap.detail["competencies"] == [
        {"competency": 0, "gap": 2.0, "learner_level": 2.0, "teacher_level": 5.0, "covered": 2.0}
    ]
    assert gap.detail["uncovered"] == [2]


def test_shared_language_raises_score_and_is_named() -> None:
    mentee = build([person(1, languages=[1, 2])])
    mentors = build([person(2, languages=[0]), person(3, languages=[2])])
    sm = score_matrix(mentee, mentors, Weights())
    assert sm.total[0, 1] > sm.total[0, 0]
    lang = {r.criterion: r for r in sm.explain(0, 1)}["language"]
    assert lang.detail == {"languages": [2]} and lang.contribution == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(st.integers(-12, 14), st.integers(0, 12), st.integers(0, 12))
def test_larger_timezone_distance_lowers_score(base: int, d1: int, d2: int) -> None:
    near, far = sorted((d1, d2))
    mentee = build([person(1, utc_offset_minutes=base * 60)])
    off = [((base + d + 12) % 24 - 12) * 60 for d in (near, far)]
    mentors = build([person(2, utc_offset_minutes=off[0]), person(3, utc_offset_minutes=off[1])])
    sm = score_matrix(mentee, mentors, Weights(max_timezone_hours=12))
    tz = sm.criteria.index("timezone")
    assert sm.components[tz, 0, 0] >= sm.components[tz, 0, 1]
    if far > near:
        assert sm.total[0, 0] > sm.total[0, 1]
    hours = {r.criterion: r for r in sm.explain(0, 1)}["timezone"].detail["hours"]
    assert hours == pytest.approx(min(far, 24 - far))


def test_topics_load_rating_and_cross_department() -> None:
    mentee = build([person(1, want_learn=[0, 1], department=4)])
    mentors = build(
        [
            person(2, can_teach=[0, 1, 2], load=0, capacity=4, rating=4.6, department=5),
            person(3, can_teach=[1], load=3, capacity=4, department=4),
        ]
    )
    w = Weights(cross_department=0.25)
    sm = score_matrix(mentee, mentors, w)
    c = {name: sm.components[k, 0] for k, name in enumerate(sm.criteria)}
    np.testing.assert_allclose(c["topics"], [w.topics, w.topics / 2], rtol=1e-6)
    np.testing.assert_allclose(c["load"], [w.load, w.load / 4], rtol=1e-6)
    np.testing.assert_allclose(c["rating"], [w.rating * 0.9, w.rating * 0.5], rtol=1e-6)
    np.testing.assert_allclose(c["cross_department"], [0.25, 0.0])
    d = {r.criterion: r.detail for r in sm.explain(0, 0)}
    assert d["topics"]["topics"] == [0, 1]
    assert d["rating"]["rating"] == 4.6 and d["load"]["free_slots"] == 4
    assert {r.criterion: r.detail for r in sm.explain(0, 1)}["rating"]["rating"] is None


def test_style_matrix_and_unknown_style() -> None:
    mentee = build([person(1, style=0)])
    mentors = build([person(2, style=0), person(3, style=2), person(4, style=-1)])
    sm = score_matrix(mentee, mentors, Weights(style=1.0))
    s = sm.criteria.index("style")
    np.testing.assert_allclose(sm.components[s, 0], [1.0, 0.4, 0.5], rtol=1e-6)


# --------------------------------------------------------------------------- rules & modes


def test_exclusion_rules_and_explain() -> None:
    mentees = build([person(1, managers=[10, 20]), person(2, managers=[11, 20])])
    mentors = build(
        [
            person(1),  # self for mentee 0
            person(3, managers=[10]),  # same manager as mentee 0
            person(10, managers=[20]),  # mentee 0's manager
            person(20),  # mentee 0's skip-level manager
            person(4, load=2, capacity=2),  # at capacity
            person(5, managers=[2]),  # reports to mentee 1
            person(6, managers=[7, 2]),  # mentee 1 is skip-level manager
        ]
    )
    sm = score_matrix(mentees, mentors, Weights())
    assert sm.allowed.tolist() == [
        [False, False, False, False, False, True, True],
        [True, True, True, False, False, False, False],
    ]
    rules = [[r.detail["rule"] for r in sm.explain(0, j) if r.criterion == "excluded"] for j in range(5)]
    assert rules == [["self"], ["same_manager"], ["reporting_line"], ["reporting_line"], ["at_capacity"]]
    assert sm.explain(0, 3)[0].detail == {"rule": "reporting_line", "senior": "mentor", "levels": 2}
    assert not [r for r in sm.explain(0, 5) if r.criterion == "excluded"]

    off = score_matrix(mentees, mentors, Weights(exclude_reporting_line=False, exclude_same_manager=False))
    assert off.allowed.tolist() == [
        [False, True, True, True, False, True, True],
        [True, True, True, True, False, True, True],
    ]
    # reverse mode: senior mentee may be the skip-level manager, not the direct one
    rev = score_matrix(mentees, mentors, Weights(mode="reverse"))
    assert rev.allowed[1].tolist() == [True, True, True, False, False, False, True]


def test_reverse_mode_uses_the_same_maths() -> None:
    rng = np.random.default_rng(7)
    seniors, juniors = random_profiles(rng, 5), random_profiles(rng, 6)
    classic = score_matrix(seniors, juniors, Weights(mode="classic"))
    reverse = score_matrix(seniors, juniors, Weights(mode="reverse"))
    np.testing.assert_array_equal(classic.components, reverse.components)
    assert classic.criteria == reverse.criteria
    assert np.all(reverse.allowed >= classic.allowed)  # the reverse rule is only looser


@settings(max_examples=40, deadline=None)
@given(SEEDS)
def test_mutual_is_symmetric_for_one_pool(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = random_profiles(rng, int(rng.integers(1, 8)))
    sm = score_matrix(p, p, random_weights(rng, "mutual"))
    np.testing.assert_allclose(sm.total, sm.total.T, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(sm.allowed, sm.allowed.T)
    assert not np.any(np.diag(sm.allowed))


def test_mutual_rewards_two_way_pairs() -> None:
    # a and b each cover half of the other's gap; c covers all of a's gap but learns nothing
    pool = build(
        [
            person(1, levels=[2, 3], targets=[4, 0]),
            person(2, levels=[3, 2], targets=[0, 4]),
            person(3, levels=[4, 4], targets=[0, 0]),
        ],
        c=2,
    )
    sm = score_matrix(pool, pool, Weights(mode="mutual"))
    g = sm.criteria
    assert set(g) >= {"gap", "gap_back", "reciprocity"}
    # learning value for person 0 is equal with both partners...
    learn = sm.components[g.index("gap")] + sm.components[g.index("gap_back")]
    assert learn[0, 1] == pytest.approx(learn[0, 2])
    # ...but the two-way pair gets the reciprocity bonus and ranks higher
    assert sm.components[g.index("reciprocity"), 0, 2] == 0
    assert sm.components[g.index("reciprocity"), 0, 1] > 0
    assert sm.total[0, 1] > sm.total[0, 2]
    back = {r.criterion: r for r in sm.explain(0, 1)}["gap_back"]
    assert back.detail["direction"] == "mentee_to_mentor"
    assert back.detail["competencies"][0]["competency"] == 1


@settings(max_examples=40, deadline=None)
@given(SEEDS, MODES)
def test_explain_sums_to_total(seed: int, mode: str) -> None:
    rng = np.random.default_rng(seed)
    a, b = random_profiles(rng, 4), random_profiles(rng, 5)
    sm = score_matrix(a, b, random_weights(rng, mode))
    for i in range(a.n):
        for j in range(b.n):
            reasons = sm.explain(i, j)
            crit = [r for r in reasons if r.criterion != "excluded"]
            assert sorted(r.criterion for r in crit) == sorted(sm.criteria)
            assert sum(r.contribution for r in crit) == pytest.approx(sm.total[i, j], rel=1e-9, abs=1e-9)
            assert [r.contribution for r in crit] == sorted((r.contribution for r in crit), reverse=True)
            assert any(r.criterion == "excluded" for r in reasons) == (not sm.allowed[i, j])
            lang = next(r for r in crit if r.criterion == "language").detail["languages"]
            assert lang == [int(x) for x in np.flatnonzero(a.languages[i] & b.languages[j])]


def test_explain_bounds() -> None:
    p = build([person(1)])
    sm = score_matrix(p, build([person(2)]))
    assert isinstance(sm, ScoreMatrix) and sm.shape == (1, 1)
    with pytest.raises(ValueError, match="j must be an index"):
        sm.explain(0, 1)


# --------------------------------------------------------------------------- validation


def good_fields(n: int = 2) -> dict[str, Any]:
    return arrays_of(build([person(i + 1) for i in range(n)]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"target": np.zeros((2, 2))}, "Profiles.level has 3 columns but Profiles.target has 2"),
        ({"level": np.full((2, 3), 6.0)}, r"Profiles.level at \(0, 0\) is 6.0, must be in \[0, 5\]"),
        ({"level": np.array([[1, 1, 1], [1, np.nan, 1]])}, r"Profiles.level at \(1, 1\) is nan"),
        ({"person_id": np.array([3, 3])}, "person_id is not unique: 3"),
        ({"person_id": np.array([1.0, 2.0])}, "person_id must be integer"),
        ({"style": np.array([0, 1, 2])}, "person_id has 2 rows but Profiles.style has 3"),
        ({"style": np.array([-2, 0])}, "Profiles.style at row 0 is -2"),
        ({"languages": np.zeros((2, 3))}, "Profiles.languages must be boolean"),
        ({"rating": np.array([0.5, np.nan])}, r"Profiles.rating at row 0 is 0.5"),
        ({"load": np.array([0, -1])}, "Profiles.load at row 1 is -1"),
        ({"utc_offset_minutes": np.array([0, 2000])}, "utc_offset_minutes at row 1 is 2000"),
        ({"manager_chain": np.array([[-1, 5], [-1, -1]])}, "row 0 has an id after -1 padding"),
        ({"manager_chain": np.array([[1, -1], [-1, -1]])}, "row 0 contains the person's own id 1"),
        ({"can_teach": np.zeros(2, bool)}, "Profiles.can_teach must be 2-D"),
    ],
)
def test_profiles_validation(change: dict[str, Any], message: str) -> None:
    f = good_fields()
    f.update(change)
    with pytest.raises(ValueError, match=message):
        Profiles(**f)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"language": -1.0}, "weights.language is negative"),
        ({"gap": float("nan")}, "weights.gap is not finite"),
        ({"style": "high"}, "weights.style must be a number"),
        ({"mode": "sideways"}, "weights.mode must be one of"),
        ({"max_timezone_hours": 0}, "max_timezone_hours must be a positive"),
        ({"style_matrix": ((1.0, 2.0), (0.0, 1.0))}, r"style_matrix values must be in \[0, 1\]"),
        ({"style_matrix": ((1.0, 0.5),)}, "style_matrix must be square"),
        ({"rating_prior": 0.0}, "rating_prior must be in"),
    ],
)
def test_weights_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Weights(**kwargs)


def test_score_matrix_validation() -> None:
    a = build([person(1)], c=3)
    with pytest.raises(ValueError, match="mentees.level has 3 columns but mentors.level has 2"):
        score_matrix(a, build([person(2)], c=2))
    with pytest.raises(ValueError, match="mentees.languages has 3 columns but mentors.languages has 1"):
        score_matrix(a, build([person(2)], langs=1))
    with pytest.raises(ValueError, match=r"mentors.style at row 0 is 5 but weights.style_matrix is 4×4"):
        score_matrix(a, build([person(2, style=5)]))


def test_from_records_defaults() -> None:
    p = Profiles.from_records(
        [{"person_id": 5, "levels": {1: 3}, "rating": None, "managers": [1, 2]}, {"person_id": 6}],
        n_competencies=2,
        n_topics=1,
        n_languages=1,
    )
    assert p.level.tolist() == [[0.0, 3.0], [0.0, 0.0]]
    assert p.manager_chain.tolist() == [[1, 2], [-1, -1]]
    assert np.isnan(p.rating).all() and p.style.tolist() == [-1, -1]
    assert p.capacity.tolist() == [0, 0]
