r"""Pair scores between mentees and mentors, with each criterion kept apart.

:func:`score_matrix` scores every (mentee ``i``, mentor ``j``) pair from two
:class:`Profiles` containers.  Every criterion first yields a *raw* value in
``[0, 1]`` which is multiplied by its weight from :class:`Weights`; the
weighted contributions are kept in :attr:`ScoreMatrix.components` so each
score can be explained (:meth:`ScoreMatrix.explain`).

Criteria (raw values, ``i`` = mentee / learner, ``j`` = mentor / teacher):

``gap``
    Gap-weighted coverage of the mentee's competency gaps by the mentor.  With
    gap :math:`g_{ic} = \max(t_{ic} - \ell_{ic}, 0)` where the target
    :math:`t_{ic} > 0` (else 0) and the mentor's reach beyond the mentee
    :math:`r_{ijc} = \min(\max(\ell_{jc} - \ell_{ic}, 0), g_{ic})`,

    .. math:: \mathrm{gap}_{ij} = \frac{\sum_c g_{ic}\, r_{ijc}}{\sum_c g_{ic}^2}

    (0 when the mentee has no gap).  1 means the mentor reaches the target in
    every gap.  Unrated levels (0) count as level 0.  Computed as a matrix
    product: :math:`\min(\max(x - a, 0), g) = \int_a^{a+g} [\tau < x]\,d\tau`, and
    with the mentors' distinct levels :math:`u_1 < \dots < u_q` in a competency
    the indicator :math:`[\tau < x_j]` is constant on each :math:`(u_{p-1}, u_p]`,
    so the numerator is ``A @ B.T`` with mentee features
    :math:`A_{i,(c,p)} = g_{ic} |(\ell_{ic}, \ell_{ic} + g_{ic}] \cap (u_{p-1}, u_p]|`
    and mentor features :math:`B_{j,(c,p)} = [\ell_{jc} \ge u_p]`.  This is exact
    for any real levels; competencies with more than 32 distinct mentor levels
    fall back to a chunked broadcast loop.
``topics``
    Share of the topics the mentee wants to learn that the mentor can teach:
    :math:`|W_i \cap T_j| / |W_i|` (0 if the mentee lists none).
``style``
    ``weights.style_matrix[style_i, style_j]``; ``weights.style_unknown`` if
    either style is unknown (-1).
``language``
    1 if the two share at least one language, else 0.
``timezone``
    :math:`1 - \min(d, H)/H` with :math:`d` the circular UTC-offset distance in
    hours (at most 12) and :math:`H` = ``weights.max_timezone_hours``.
``load``
    Mentor's free share of capacity :math:`(\mathrm{cap}_j - \mathrm{load}_j)/\mathrm{cap}_j`
    clipped to [0, 1] (0 if capacity is 0).
``rating``
    :math:`(\rho_j - 1)/4` for the mean rating :math:`\rho_j \in [1, 5]`; mentors
    without ratings get ``weights.rating_prior``.
``cross_department``
    1 if both departments are known (≥ 0) and differ, else 0 (a bonus).

Modes
-----
``classic``
    Mentor teaches mentee.  Pairs on one reporting line (either person in the
    other's manager chain, any depth) are excluded if
    ``weights.exclude_reporting_line``.
``reverse``
    Reverse mentoring: the "mentors" are juniors whose strengths cover the
    seniors' gaps -- the same maths.  Only the exclusion rule differs: the
    mentee may sit above the mentor in the reporting line (skip-level) but not
    be the mentor's direct manager; a mentor above the mentee is excluded.
``mutual``
    Tandem mentoring: each teaches the other.  ``gap`` and ``topics`` become
    two half-weighted rows each (``gap``/``topics`` for ``j`` teaching ``i`` and
    ``gap_back``/``topics_back`` for ``i`` teaching ``j``) and a ``reciprocity``
    bonus ``weights.reciprocity * min(v_ij, v_ji)`` is added, where
    :math:`v` is the weighted mean of gap and topic value in one direction, so
    one-sided pairs get no bonus and rank below balanced two-way pairs.
    ``style`` uses the symmetrised matrix, ``load`` and ``rating`` average both
    people, and a pair is excluded if either person is at capacity.  When
    mentees and mentors are the same people the total is symmetric.

Pairs that are never allowed: the same person; same direct manager (if
``weights.exclude_same_manager``); the reporting-line rule above; mentor at
capacity (``load >= capacity``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DEFAULT_STYLE_MATRIX",
    "STYLE_NAMES",
    "Profiles",
    "Reason",
    "ScoreMatrix",
    "Weights",
    "score_matrix",
]

#: Communication style codes used by :data:`DEFAULT_STYLE_MATRIX` (index = code).
STYLE_NAMES: tuple[str, ...] = ("direct", "analytical", "supportive", "expressive")

#: Default style compatibility after the two axes of the "social styles" model
#: (assertiveness: direct/expressive high, analytical/supportive low;
#: responsiveness: supportive/expressive high, direct/analytical low).  Same
#: style 1.0; styles sharing one axis 0.75; opposite on both axes
#: (direct-supportive, analytical-expressive) 0.4.
DEFAULT_STYLE_MATRIX: tuple[tuple[float, ...], ...] = (
    (1.0, 0.75, 0.4, 0.75),
    (0.75, 1.0, 0.75, 0.4),
    (0.4, 0.75, 1.0, 0.75),
    (0.75, 0.4, 0.75, 1.0),
)

Mode = Literal["classic", "reverse", "mutual"]
_MODES = ("classic", "reverse", "mutual")
_MAX_LEVEL = 5.0
_MAX_FEATURES_PER_COMPETENCY = 32
_CHUNK_BYTES = 32 << 20  # bound on (chunk × n) float64 temporaries


# --------------------------------------------------------------------------- profiles


def _frozen(a: NDArray[Any]) -> NDArray[Any]:
    v = a.view()
    v.flags.writeable = False
    return v


@dataclass(frozen=True, eq=False)
class Profiles:
    """Column arrays describing ``n`` people (mentees or mentors).

    Arrays are converted to the dtypes below and stored as read-only views;
    the caller's arrays are never modified.

    Attributes
    ----------
    person_id : ndarray of int64, shape (n,)
        Unique non-negative ids (used for the self / manager / chain rules).
    level : ndarray of float64, shape (n, C)
        Current competency level in [1, 5]; 0 = not rated.
    target : ndarray of float64, shape (n, C)
        Target level from the job profile in [1, 5]; 0 = not required.
    can_teach, want_learn : ndarray of bool, shape (n, T)
        Topic catalogue tags.
    style : ndarray of int64, shape (n,)
        Communication style code ``0..S-1``; -1 = unknown.
    languages : ndarray of bool, shape (n, L)
        Spoken languages.
    utc_offset_minutes : ndarray of int64, shape (n,)
        UTC offset in minutes, within ±16 h.
    department : ndarray of int64, shape (n,)
        Department id; negative = unknown.
    manager_chain : ndarray of int64, shape (n, D)
        Ids of the manager, the manager's manager, ... padded with -1 at the end.
    load, capacity : ndarray of int64, shape (n,)
        Current mentees and maximum mentees (non-negative).
    rating : ndarray of float64, shape (n,)
        Mean mentor rating in [1, 5]; NaN = no ratings yet.

    Examples
    --------
    >>> p = Profiles.from_records(
    ...     [{"person_id": 7, "levels": {0: 2}, "targets": {0: 4}, "languages": [0]},
    ...      {"person_id": 8, "levels": {0: 5}, "managers": [7], "capacity": 2}],
    ...     n_competencies=1, n_topics=0, n_languages=1)
    >>> p.n, p.level.tolist(), p.manager_chain.tolist()
    (2, [[2.0], [5.0]], [[-1], [7]])
    """

    person_id: NDArray[np.int64]
    level: NDArray[np.float64]
    target: NDArray[np.float64]
    can_teach: NDArray[np.bool_]
    want_learn: NDArray[np.bool_]
    style: NDArray[np.int64]
    languages: NDArray[np.bool_]
    utc_offset_minutes: NDArray[np.int64]
    department: NDArray[np.int64]
    manager_chain: NDArray[np.int64]
    load: NDArray[np.int64]
    capacity: NDArray[np.int64]
    rating: NDArray[np.float64]

    _KINDS = {
        "person_id": ("i", 1),
        "level": ("f", 2),
        "target": ("f", 2),
        "can_teach": ("b", 2),
        "want_learn": ("b", 2),
        "style": ("i", 1),
        "languages": ("b", 2),
        "utc_offset_minutes": ("i", 1),
        "department": ("i", 1),
        "manager_chain": ("i", 2),
        "load": ("i", 1),
        "capacity": ("i", 1),
        "rating": ("f", 1),
    }

    def __post_init__(self) -> None:
        conv: dict[str, NDArray[Any]] = {}
        for f in fields(self):
            kind, ndim = self._KINDS[f.name]
            raw = np.asarray(getattr(self, f.name))
            if raw.ndim != ndim:
                raise ValueError(f"Profiles.{f.name} must be {ndim}-D, got {raw.ndim}-D")
            if kind == "b":
                if raw.dtype != np.bool_:
                    raise ValueError(f"Profiles.{f.name} must be boolean, got dtype {raw.dtype}")
                arr = raw
            elif kind == "i":
                if raw.dtype.kind not in "iu" and not (raw.size == 0 and raw.dtype.kind == "f"):
                    raise ValueError(f"Profiles.{f.name} must be integer, got dtype {raw.dtype}")
                arr = raw.astype(np.int64, copy=False)
            else:
                if raw.dtype.kind not in "iuf":
                    raise ValueError(f"Profiles.{f.name} must be numeric, got dtype {raw.dtype}")
                arr = raw.astype(np.float64, copy=False)
            conv[f.name] = arr
        n = conv["person_id"].shape[0]
        for name, arr in conv.items():
            if arr.shape[0] != n:
                raise ValueError(f"Profiles.person_id has {n} rows but Profiles.{name} has {arr.shape[0]}")
        if conv["level"].shape[1] != conv["target"].shape[1]:
            raise ValueError(
                f"Profiles.level has {conv['level'].shape[1]} columns "
                f"but Profiles.target has {conv['target'].shape[1]}"
            )
        if conv["can_teach"].shape[1] != conv["want_learn"].shape[1]:
            raise ValueError(
                f"Profiles.can_teach has {conv['can_teach'].shape[1]} columns "
                f"but Profiles.want_learn has {conv['want_learn'].shape[1]}"
            )
        pid = conv["person_id"]
        if n and pid.min() < 0:
            raise ValueError(f"Profiles.person_id is negative at row {int(np.argmin(pid))}")
        if np.unique(pid).size != n:
            srt = np.sort(pid)
            dup = int(srt[np.flatnonzero(srt[1:] == srt[:-1])[0]])
            raise ValueError(f"Profiles.person_id is not unique: {dup} appears more than once")
        for name in ("level", "target"):
            a = conv[name]
            bad = ~((a >= 0) & (a <= _MAX_LEVEL))  # also catches NaN
            if bad.any():
                r, c = (int(x) for x in np.argwhere(bad)[0])
                raise ValueError(f"Profiles.{name} at ({r}, {c}) is {a[r, c]}, must be in [0, 5]")
        st = conv["style"]
        if n and st.min() < -1:
            r = int(np.argmin(st))
            raise ValueError(f"Profiles.style at row {r} is {st[r]}, must be ≥ -1 (-1 = unknown)")
        off = conv["utc_offset_minutes"]
        if n and np.abs(off).max() > 16 * 60:
            r = int(np.argmax(np.abs(off)))
            raise ValueError(f"Profiles.utc_offset_minutes at row {r} is {off[r]}, must be within ±960")
        chain = conv["manager_chain"]
        if chain.size:
            if chain.min() < -1:
                r, c = (int(x) for x in np.argwhere(chain < -1)[0])
                raise ValueError(f"Profiles.manager_chain at ({r}, {c}) is {chain[r, c]}, must be ≥ -1")
            pad = chain == -1
            after_pad = np.logical_and(np.logical_or.accumulate(pad, axis=1), ~pad)
            if after_pad.any():
                r, c = (int(x) for x in np.argwhere(after_pad)[0])
                raise ValueError(f"Profiles.manager_chain row {r} has an id after -1 padding at column {c}")
            own = chain == pid[:, None]
            if own.any():
                r = int(np.argwhere(own)[0][0])
                raise ValueError(f"Profiles.manager_chain row {r} contains the person's own id {pid[r]}")
        for name in ("load", "capacity"):
            a = conv[name]
            if n and a.min() < 0:
                r = int(np.argmin(a))
                raise ValueError(f"Profiles.{name} at row {r} is {a[r]}, must be ≥ 0")
        rt = conv["rating"]
        bad_r = ~np.isnan(rt) & ~((rt >= 1) & (rt <= 5))
        if bad_r.any():
            r = int(np.flatnonzero(bad_r)[0])
            raise ValueError(f"Profiles.rating at row {r} is {rt[r]}, must be in [1, 5] or NaN")
        for name, arr in conv.items():
            object.__setattr__(self, name, _frozen(arr))

    @property
    def n(self) -> int:
        """Number of people."""
        return int(self.person_id.shape[0])

    @property
    def n_competencies(self) -> int:
        """Number of competency columns ``C``."""
        return int(self.level.shape[1])

    @classmethod
    def from_records(
        cls,
        records: Sequence[Mapping[str, Any]],
        *,
        n_competencies: int,
        n_topics: int,
        n_languages: int,
        chain_depth: int | None = None,
    ) -> Profiles:
        """Build profiles from one mapping per person.

        Keys (all but ``person_id`` optional): ``person_id``; ``levels`` and
        ``targets`` (mapping competency index -> level, or a length-C
        sequence); ``can_teach``, ``want_learn`` and ``languages`` (iterables
        of indices); ``style`` (-1); ``utc_offset_minutes`` (0); ``department``
        (-1); ``managers`` (ids, nearest manager first); ``load`` (0);
        ``capacity`` (0); ``rating`` (None = no ratings).  ``chain_depth``
        defaults to the longest ``managers`` list (at least 1).
        """
        n = len(records)
        chains = [list(r.get("managers", ())) for r in records]
        depth = chain_depth if chain_depth is not None else max([1, *(len(c) for c in chains)])
        level = np.zeros((n, n_competencies))
        target = np.zeros((n, n_competencies))
        teach = np.zeros((n, n_topics), dtype=bool)
        learn = np.zeros((n, n_topics), dtype=bool)
        langs = np.zeros((n, n_languages), dtype=bool)
        chain = np.full((n, depth), -1, dtype=np.int64)

        def put(row: NDArray[Any], val: Mapping[int, float] | Sequence[float] | None) -> None:
            if val is None:
                return
            if isinstance(val, Mapping):
                for c, x in val.items():
                    row[int(c)] = x
            else:
                row[:] = np.asarray(val, dtype=np.float64)

        def tags(row: NDArray[np.bool_], idx: Iterable[int] | None) -> None:
            for t in idx or ():
                row[int(t)] = True

        for i, r in enumerate(records):
            put(level[i], r.get("levels"))
            put(target[i], r.get("targets"))
            tags(teach[i], r.get("can_teach"))
            tags(learn[i], r.get("want_learn"))
            tags(langs[i], r.get("languages"))
            if len(chains[i]) > depth:
                raise ValueError(f"record {i} has {len(chains[i])} managers but chain_depth is {depth}")
            chain[i, : len(chains[i])] = chains[i]
        ratings = [r.get("rating") for r in records]
        return cls(
            person_id=np.array([r["person_id"] for r in records], dtype=np.int64),
            level=level,
            target=target,
            can_teach=teach,
            want_learn=learn,
            style=np.array([r.get("style", -1) for r in records], dtype=np.int64),
            languages=langs,
            utc_offset_minutes=np.array([r.get("utc_offset_minutes", 0) for r in records], dtype=np.int64),
            department=np.array([r.get("department", -1) for r in records], dtype=np.int64),
            manager_chain=chain,
            load=np.array([r.get("load", 0) for r in records], dtype=np.int64),
            capacity=np.array([r.get("capacity", 0) for r in records], dtype=np.int64),
            rating=np.array([math.nan if x is None else x for x in ratings], dtype=np.float64),
        )


# --------------------------------------------------------------------------- weights


@dataclass(frozen=True)
class Weights:
    """Criterion weights (all finite, ≥ 0) and rule switches.

    ``reciprocity`` is only used in ``mutual`` mode.  ``style_matrix`` is an
    S×S table of compatibilities in [0, 1] (row: mentee style, column: mentor
    style), default :data:`DEFAULT_STYLE_MATRIX`; ``style_unknown`` is used when
    either style is -1.  ``rating_prior`` (in [1, 5]) stands in for mentors
    without ratings.

    Examples
    --------
    >>> Weights(language=2.0).language
    2.0
    >>> Weights(topics=-1)
    Traceback (most recent call last):
    ...
    ValueError: weights.topics is negative
    """

    gap: float = 3.0
    topics: float = 1.5
    style: float = 0.5
    language: float = 1.0
    timezone: float = 1.0
    load: float = 0.5
    rating: float = 0.5
    cross_department: float = 0.0
    reciprocity: float = 1.0
    mode: Mode = "classic"
    exclude_same_manager: bool = True
    exclude_reporting_line: bool = True
    max_timezone_hours: float = 12.0
    style_matrix: tuple[tuple[float, ...], ...] = DEFAULT_STYLE_MATRIX
    style_unknown: float = 0.5
    rating_prior: float = 3.0

    _WEIGHT_NAMES = (
        "gap", "topics", "style", "language", "timezone", "load", "rating",
        "cross_department", "reciprocity",
    )

    def __post_init__(self) -> None:
        for name in self._WEIGHT_NAMES:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise ValueError(f"weights.{name} must be a number, got {v!r}")
            if not math.isfinite(v):
                raise ValueError(f"weights.{name} is not finite")
            if v < 0:
                raise ValueError(f"weights.{name} is negative")
            object.__setattr__(self, name, float(v))
        if self.mode not in _MODES:
            raise ValueError(f"weights.mode must be one of {_MODES}, got {self.mode!r}")
        for name in ("exclude_same_manager", "exclude_reporting_line"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"weights.{name} must be a bool")
        h = self.max_timezone_hours
        if not (isinstance(h, (int, float, np.integer, np.floating)) and math.isfinite(h) and h > 0):
            raise ValueError(f"weights.max_timezone_hours must be a positive number, got {h!r}")
        sm = np.asarray(self.style_matrix, dtype=np.float64)
        if sm.ndim != 2 or sm.shape[0] != sm.shape[1] or sm.shape[0] == 0:
            raise ValueError(f"weights.style_matrix must be square S×S, got shape {sm.shape}")
        if not np.all((sm >= 0) & (sm <= 1)):
            raise ValueError("weights.style_matrix values must be in [0, 1]")
        object.__setattr__(self, "style_matrix", tuple(tuple(float(x) for x in row) for row in sm))
        if not 0 <= self.style_unknown <= 1:
            raise ValueError(f"weights.style_unknown must be in [0, 1], got {self.style_unknown}")
        if not 1 <= self.rating_prior <= 5:
            raise ValueError(f"weights.rating_prior must be in [1, 5], got {self.rating_prior}")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Reason:
    """One machine-readable reason: a criterion code, its score share, details.

    ``criterion`` is a criterion name from :attr:`ScoreMatrix.criteria` or
    ``"excluded"`` (with ``detail["rule"]`` in ``"self"``, ``"same_manager"``,
    ``"reporting_line"``, ``"at_capacity"`` and contribution 0).
    """

    criterion: str
    contribution: float
    detail: dict[str, Any]


@dataclass(frozen=True, eq=False)
class ScoreMatrix:
    """Scores of all mentee × mentor pairs and each criterion's share.

    Attributes
    ----------
    total : ndarray of float64, shape (m, n)
        ``components.sum(0)`` (in float64) for every pair, also disallowed ones;
        use ``allowed`` (or :func:`~tandem.matching.engine.top_k`, which does)
        to skip excluded pairs.
    components : ndarray of float32, shape (K, m, n)
        Weighted contribution of each criterion.
    criteria : tuple of str
        Names of the K component rows.
    allowed : ndarray of bool, shape (m, n)
        False for excluded pairs (see :meth:`explain`).
    mentees, mentors, weights
        References to the inputs (used by :meth:`explain`).

    All arrays are read-only.
    """

    total: NDArray[np.float64]
    components: NDArray[np.float32]
    criteria: tuple[str, ...]
    allowed: NDArray[np.bool_]
    mentees: Profiles = field(repr=False)
    mentors: Profiles = field(repr=False)
    weights: Weights = field(repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        """``(m, n)``."""
        return (int(self.total.shape[0]), int(self.total.shape[1]))

    def explain(self, i: int, j: int) -> list[Reason]:
        """Reasons for the score of mentee ``i`` with mentor ``j``.

        Exclusion reasons come first (contribution 0), then one reason per
        criterion, largest contribution first.  The criterion contributions are
        the stored components, so they sum to ``total[i, j]``; the details are
        recomputed from the profiles for this one pair.
        """
        m, n = self.shape
        for name, v, lim in (("i", i, m), ("j", j, n)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v < lim:
                raise ValueError(f"{name} must be an index in [0, {lim}), got {v!r}")
        i, j = int(i), int(j)
        out = [Reason("excluded", 0.0, d) for d in _pair_exclusions(self.mentees, self.mentors, self.weights, i, j)]
        details = _pair_details(self.mentees, self.mentors, self.weights, i, j)
        crit = [Reason(c, float(self.components[k, i, j]), details[c]) for k, c in enumerate(self.criteria)]
        crit.sort(key=lambda r: -r.contribution)
        return out + crit


# --------------------------------------------------------------------------- scoring


def _criteria(mode: str) -> tuple[str, ...]:
    if mode == "mutual":
        return (
            "gap", "gap_back", "topics", "topics_back", "reciprocity",
            "style", "language", "timezone", "load", "rating", "cross_department",
        )
    return ("gap", "topics", "style", "language", "timezone", "load", "rating", "cross_department")


def _gaps(p: Profiles) -> NDArray[np.float64]:
    g: NDArray[np.float64] = np.where(p.target > 0, np.maximum(p.target - p.level, 0.0), 0.0)
    return g


def _rows_per_chunk(n: int, itemsize: int = 8) -> int:
    return max(1, _CHUNK_BYTES // max(1, n * itemsize))


def _coverage(
    learner_level: NDArray[np.float64],
    gap: NDArray[np.float64],
    teacher_level: NDArray[np.float64],
    *,
    max_features: int = _MAX_FEATURES_PER_COMPETENCY,
) -> NDArray[np.float64]:
    """Gap coverage (m, n) in [0, 1]; see the module docstring."""
    m, c_count = gap.shape
    n = teacher_level.shape[0]
    den = np.einsum("ic,ic->i", gap, gap)
    inv = np.divide(1.0, den, out=np.zeros_like(den), where=den > 0)
    a_feats: list[NDArray[np.float64]] = []
    b_feats: list[NDArray[np.float64]] = []
    loop_cols: list[int] = []
    for c in range(c_count):
        if not gap[:, c].any():
            continue
        u = np.unique(teacher_level[:, c])
        u = u[u > 0]
        if u.size == 0:
            continue
        if u.size > max_features:
            loop_cols.append(c)
            continue
        lo = np.concatenate(([0.0], u[:-1]))
        a = learner_level[:, c : c + 1]
        top = a + gap[:, c : c + 1]
        overlap = np.clip(np.minimum(top, u[None, :]) - np.maximum(a, lo[None, :]), 0.0, None)
        a_feats.append(overlap * (gap[:, c] * inv)[:, None])
        b_feats.append((teacher_level[:, c : c + 1] >= u[None, :]).astype(np.float64))
    out = np.zeros((m, n), dtype=np.float64)
    if a_feats:
        a_mat = np.concatenate(a_feats, axis=1)
        b_mat = np.ascontiguousarray(np.concatenate(b_feats, axis=1).T)
        step = _rows_per_chunk(n)
        for s in range(0, m, step):
            np.matmul(a_mat[s : s + step], b_mat, out=out[s : s + step])
    if loop_cols:
        step = _rows_per_chunk(n)
        tmp = np.empty((min(step, m), n))
        for s in range(0, m, step):
            e = min(s + step, m)
            t = tmp[: e - s]
            for c in loop_cols:
                g = gap[s:e, c : c + 1]
                np.subtract(teacher_level[None, :, c], learner_level[s:e, c : c + 1], out=t)
                np.clip(t, 0.0, None, out=t)
                np.minimum(t, g, out=t)
                t *= g * inv[s:e, None]
                out[s:e] += t
    np.clip(out, 0.0, 1.0, out=out)
    return out


def _topic_share(learn: NDArray[np.bool_], teach: NDArray[np.bool_]) -> NDArray[np.float32]:
    cnt = learn.sum(axis=1).astype(np.float32)
    a = learn.astype(np.float32) / np.maximum(cnt, 1)[:, None]
    r: NDArray[np.float32] = a @ teach.astype(np.float32).T
    return r


def _style_table(w: Weights) -> NDArray[np.float64]:
    sm = np.asarray(w.style_matrix, dtype=np.float64)
    s = sm.shape[0]
    ext = np.full((s + 1, s + 1), w.style_unknown)
    ext[1:, 1:] = sm
    return ext  # index = code + 1 (code -1 -> row 0)


def _free_share(p: Profiles) -> NDArray[np.float64]:
    cap = p.capacity.astype(np.float64)
    free = np.divide(cap - p.load, cap, out=np.zeros_like(cap), where=cap > 0)
    r: NDArray[np.float64] = np.clip(free, 0.0, 1.0)
    return r


def _rating01(p: Profiles, w: Weights) -> NDArray[np.float64]:
    r = np.where(np.isnan(p.rating), w.rating_prior, p.rating)
    out: NDArray[np.float64] = (r - 1.0) / 4.0
    return out


def _tz_hours(a: NDArray[np.int64] | int, b: NDArray[np.int64] | int) -> Any:
    d = np.abs(np.subtract(a, b)) % 1440
    return np.minimum(d, 1440 - d) / 60.0


def _lookup(ids: NDArray[np.int64], query: NDArray[np.int64]) -> NDArray[np.int64]:
    """Index of each ``query`` id in ``ids`` (unique), -1 if absent."""
    if ids.size == 0:
        return np.full(query.shape, -1, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    srt = ids[order]
    pos = np.clip(np.searchsorted(srt, query), 0, srt.size - 1)
    hit = (srt[pos] == query) & (query >= 0)
    res: NDArray[np.int64] = np.where(hit, order[pos], -1)
    return res


def _allowed(mentees: Profiles, mentors: Profiles, w: Weights) -> NDArray[np.bool_]:
    m, n = mentees.n, mentors.n
    ok = np.ones((m, n), dtype=bool)
    # self
    js = _lookup(mentors.person_id, mentees.person_id)
    ii = np.flatnonzero(js >= 0)
    ok[ii, js[ii]] = False
    if w.exclude_same_manager and mentees.manager_chain.shape[1] and mentors.manager_chain.shape[1]:
        a = mentees.manager_chain[:, 0]
        b = mentors.manager_chain[:, 0]
        step = _rows_per_chunk(n, 1)
        for s in range(0, m, step):
            same = (a[s : s + step, None] == b[None, :]) & (a[s : s + step, None] >= 0)
            ok[s : s + step] &= ~same
    if w.exclude_reporting_line:
        # mentor above mentee (any depth): excluded in every mode
        jc = _lookup(mentors.person_id, mentees.manager_chain)
        ri, di = np.nonzero(jc >= 0)
        ok[ri, jc[ri, di]] = False
        # mentee above mentor: any depth, except reverse mode = direct manager only
        ic = _lookup(mentees.person_id, mentors.manager_chain)
        if w.mode == "reverse":
            ic = ic[:, :1]
        rj, dj = np.nonzero(ic >= 0)
        ok[ic[rj, dj], rj] = False
    ok &= (mentors.load < mentors.capacity)[None, :]
    if w.mode == "mutual":
        ok &= (mentees.load < mentees.capacity)[:, None]
    return ok


def score_matrix(mentees: Profiles, mentors: Profiles, weights: Weights | None = None) -> ScoreMatrix:
    r"""Score every (mentee, mentor) pair; see the module docstring for the maths.

    Parameters
    ----------
    mentees : Profiles
        The ``m`` people who learn (the seniors in ``reverse`` mode).
    mentors : Profiles
        The ``n`` people who teach (the juniors in ``reverse`` mode).  May be
        the same object as ``mentees`` (``mutual`` mode, peer pools).
    weights : Weights, optional
        Criterion weights and rules; default ``Weights()``.

    Returns
    -------
    ScoreMatrix
        ``total`` (m, n) float64 equal to ``components.sum(0)``, ``components``
        (K, m, n) float32 weighted criterion values, ``criteria`` names,
        ``allowed`` mask.

    Raises
    ------
    ValueError
        If the two profile sets disagree in competencies, topics or languages,
        or a style code has no row in ``weights.style_matrix``.

    Examples
    --------
    >>> ann = Profiles.from_records(
    ...     [{"person_id": 1, "levels": [2, 3], "targets": [4, 3], "want_learn": [0],
    ...       "languages": [0], "utc_offset_minutes": 180, "managers": [9]}],
    ...     n_competencies=2, n_topics=1, n_languages=2)
    >>> mentors = Profiles.from_records(
    ...     [{"person_id": 2, "levels": [4, 1], "can_teach": [0], "languages": [0, 1],
    ...       "utc_offset_minutes": 0, "capacity": 2, "rating": 4.6, "managers": [8]},
    ...      {"person_id": 3, "levels": [3, 5], "languages": [1], "capacity": 1,
    ...       "load": 1, "managers": [8]}],
    ...     n_competencies=2, n_topics=1, n_languages=2)
    >>> sm = score_matrix(ann, mentors, Weights(gap=2, topics=1, style=0, language=1,
    ...                  timezone=1, load=0, rating=0))
    >>> sm.criteria[:4]
    ('gap', 'topics', 'style', 'language')
    >>> sm.total.round(3).tolist()
    [[4.75, 1.75]]
    >>> sm.allowed.tolist()
    [[True, False]]
    >>> [(r.criterion, round(r.contribution, 3)) for r in sm.explain(0, 0)[:4]]
    [('gap', 2.0), ('topics', 1.0), ('language', 1.0), ('timezone', 0.75)]
    >>> sm.explain(0, 0)[0].detail["competencies"][0]["competency"]
    0
    >>> sm.explain(0, 1)[0]
    Reason(criterion='excluded', contribution=0.0, detail={'rule': 'at_capacity', 'who': 'mentor'})
    """
    w = Weights() if weights is None else weights
    if not isinstance(mentees, Profiles) or not isinstance(mentors, Profiles):
        raise ValueError("mentees and mentors must be Profiles")
    if not isinstance(w, Weights):
        raise ValueError("weights must be a Weights instance")
    for name in ("level", "can_teach", "languages"):
        a, b = getattr(mentees, name).shape[1], getattr(mentors, name).shape[1]
        if a != b:
            raise ValueError(f"mentees.{name} has {a} columns but mentors.{name} has {b}")
    s_count = len(w.style_matrix)
    for side, p in (("mentees", mentees), ("mentors", mentors)):
        if p.n and p.style.max() >= s_count:
            r = int(np.argmax(p.style))
            raise ValueError(
                f"{side}.style at row {r} is {p.style[r]} but weights.style_matrix is {s_count}×{s_count}"
            )
    m, n = mentees.n, mentors.n
    mutual = w.mode == "mutual"
    criteria = _criteria(w.mode)
    comp = np.zeros((len(criteria), m, n), dtype=np.float32)
    row = {c: k for k, c in enumerate(criteria)}

    gap_i = _gaps(mentees)
    cov = _coverage(mentees.level, gap_i, mentors.level)
    top = _topic_share(mentees.want_learn, mentors.can_teach)
    if mutual:
        cov_b = _coverage(mentors.level, _gaps(mentors), mentees.level).T
        top_b = _topic_share(mentors.want_learn, mentees.can_teach).T
        comp[row["gap"]] = cov * (w.gap / 2)
        comp[row["gap_back"]] = cov_b * (w.gap / 2)
        comp[row["topics"]] = top * (w.topics / 2)
        comp[row["topics_back"]] = top_b * (w.topics / 2)
        learn_w = w.gap + w.topics
        if learn_w > 0 and w.reciprocity > 0:
            v_to_i = (w.gap * cov + w.topics * top) / learn_w
            v_to_j = (w.gap * cov_b + w.topics * top_b) / learn_w
            comp[row["reciprocity"]] = np.minimum(v_to_i, v_to_j) * w.reciprocity
        del cov_b, top_b
    else:
        comp[row["gap"]] = cov * w.gap
        comp[row["topics"]] = top * w.topics
    del cov, top

    table = _style_table(w)
    si, sj = mentees.style + 1, mentors.style + 1
    if mutual:
        table = (table + table.T) / 2
    comp[row["style"]] = table[np.ix_(si, sj)] * w.style
    shared = mentees.languages.astype(np.float32) @ mentors.languages.astype(np.float32).T
    comp[row["language"]] = (shared > 0) * np.float32(w.language)
    del shared
    hmax = float(w.max_timezone_hours)
    step = _rows_per_chunk(n)
    for s in range(0, m, step):
        h = _tz_hours(mentees.utc_offset_minutes[s : s + step, None], mentors.utc_offset_minutes[None, :])
        comp[row["timezone"], s : s + step] = (1.0 - np.minimum(h, hmax) / hmax) * w.timezone
    free_j, rate_j = _free_share(mentors), _rating01(mentors, w)
    if mutual:
        comp[row["load"]] = (_free_share(mentees)[:, None] + free_j[None, :]) * (w.load / 2)
        comp[row["rating"]] = (_rating01(mentees, w)[:, None] + rate_j[None, :]) * (w.rating / 2)
    else:
        comp[row["load"]] = (free_j * w.load)[None, :]
        comp[row["rating"]] = (rate_j * w.rating)[None, :]
    di, dj = mentees.department, mentors.department
    for s in range(0, m, step):
        d = di[s : s + step, None]
        cross = (d != dj[None, :]) & (d >= 0) & (dj[None, :] >= 0)
        comp[row["cross_department"], s : s + step] = cross * np.float32(w.cross_department)

    # a reduction over axis 0 of a 2-D array is an array (the stubs also allow a scalar)
    total = cast("NDArray[np.float64]", np.sum(comp, axis=0, dtype=np.float64))
    allowed = _allowed(mentees, mentors, w)
    return ScoreMatrix(
        total=_frozen(total),
        components=_frozen(comp),
        criteria=criteria,
        allowed=_frozen(allowed),
        mentees=mentees,
        mentors=mentors,
        weights=w,
    )


# --------------------------------------------------------------------------- explain helpers


def _pair_exclusions(a: Profiles, b: Profiles, w: Weights, i: int, j: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if a.person_id[i] == b.person_id[j]:
        out.append({"rule": "self"})
    ca = [int(x) for x in a.manager_chain[i] if x >= 0]
    cb = [int(x) for x in b.manager_chain[j] if x >= 0]
    if w.exclude_same_manager and ca and cb and ca[0] == cb[0]:
        out.append({"rule": "same_manager", "manager": ca[0]})
    if w.exclude_reporting_line:
        pj, pi = int(b.person_id[j]), int(a.person_id[i])
        if pj in ca:
            out.append({"rule": "reporting_line", "senior": "mentor", "levels": ca.index(pj) + 1})
        if pi in cb and (w.mode != "reverse" or cb.index(pi) == 0):
            out.append({"rule": "reporting_line", "senior": "mentee", "levels": cb.index(pi) + 1})
    if b.load[j] >= b.capacity[j]:
        out.append({"rule": "at_capacity", "who": "mentor"})
    if w.mode == "mutual" and a.load[i] >= a.capacity[i]:
        out.append({"rule": "at_capacity", "who": "mentee"})
    return out


def _gap_detail(learner: Profiles, i: int, teacher: Profiles, j: int, direction: str) -> dict[str, Any]:
    g = np.where(learner.target[i] > 0, np.maximum(learner.target[i] - learner.level[i], 0.0), 0.0)
    li, lj = learner.level[i], teacher.level[j]
    reach = np.minimum(np.maximum(lj - li, 0.0), g)
    den = float(g @ g)
    comps = [
        {
            "competency": int(c),
            "gap": float(g[c]),
            "learner_level": float(li[c]),
            "teacher_level": float(lj[c]),
            "covered": float(reach[c]),
        }
        for c in np.flatnonzero(reach > 0)
    ]
    comps.sort(key=lambda d: (-d["covered"] * d["gap"], d["competency"]))
    return {
        "direction": direction,
        "coverage": float(g @ reach) / den if den > 0 else 0.0,
        "competencies": comps,
        "uncovered": [int(c) for c in np.flatnonzero((g > 0) & (reach < g))],
    }


def _pair_details(a: Profiles, b: Profiles, w: Weights, i: int, j: int) -> dict[str, dict[str, Any]]:
    d: dict[str, dict[str, Any]] = {}
    d["gap"] = _gap_detail(a, i, b, j, "mentor_to_mentee")
    topics = [int(t) for t in np.flatnonzero(a.want_learn[i] & b.can_teach[j])]
    d["topics"] = {"direction": "mentor_to_mentee", "topics": topics, "wanted": int(a.want_learn[i].sum())}
    if w.mode == "mutual":
        d["gap_back"] = _gap_detail(b, j, a, i, "mentee_to_mentor")
        back = [int(t) for t in np.flatnonzero(b.want_learn[j] & a.can_teach[i])]
        d["topics_back"] = {"direction": "mentee_to_mentor", "topics": back, "wanted": int(b.want_learn[j].sum())}
        d["reciprocity"] = {"rule": "min_of_directions"}
    si, sj = int(a.style[i]), int(b.style[j])
    table = _style_table(w)
    compat = (table[si + 1, sj + 1] + table[sj + 1, si + 1]) / 2 if w.mode == "mutual" else table[si + 1, sj + 1]
    d["style"] = {"mentee_style": si, "mentor_style": sj, "compatibility": float(compat)}
    d["language"] = {"languages": [int(x) for x in np.flatnonzero(a.languages[i] & b.languages[j])]}
    hours = float(_tz_hours(int(a.utc_offset_minutes[i]), int(b.utc_offset_minutes[j])))
    d["timezone"] = {"hours": hours, "max_hours": float(w.max_timezone_hours)}
    d["load"] = {"free_slots": int(max(b.capacity[j] - b.load[j], 0)), "capacity": int(b.capacity[j])}
    rj = float(b.rating[j])
    d["rating"] = {"rating": None if math.isnan(rj) else rj, "prior": w.rating_prior}
    if w.mode == "mutual":
        d["load"]["mentee_free_slots"] = int(max(a.capacity[i] - a.load[i], 0))
        d["load"]["mentee_capacity"] = int(a.capacity[i])
        ri = float(a.rating[i])
        d["rating"]["mentee_rating"] = None if math.isnan(ri) else ri
    d["cross_department"] = {
        "mentee_department": int(a.department[i]),
        "mentor_department": int(b.department[j]),
    }
    return d
