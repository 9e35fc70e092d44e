r"""Stable matching for blind mutual-selection rounds (applicants x reviewers).

Applicants (e.g. graduates) and reviewers (e.g. departments, with seats) each
submit a ranked list of the other side, best first.  A pair is *acceptable*
only if each side lists the other.  A matching is *stable* if it has no
blocking pair: an acceptable pair ``(a, r)`` where ``a`` prefers ``r`` to its
match (or is unmatched) and ``r`` has a free seat or prefers ``a`` to its
worst admitted applicant.

Ranks in this module are 0-based positions in a list (0 = first choice).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tandem.matching.engine import _stable_kernels as _kernels
from tandem.matching.engine._validate import as_capacities

__all__ = ["blocking_pairs", "explain_applicant", "stable_match", "stable_match_reviewer_optimal"]

Prefs = Sequence[Sequence[int]]

_LIST_TYPES = frozenset({list, tuple, np.ndarray})
_DENSE_DUP_LIMIT = 1 << 24  # a bincount over lists x items up to 16M entries (128 MiB) beats a sort


class _Instance:
    """Validated preferences in CSR form.

    ``a_ptr, a_flat``: applicant lists; ``r_ptr, r_flat``: reviewer lists;
    ``arank[e]``: rank that reviewer ``a_flat[e]`` gives the applicant owning
    entry ``e`` (``-1`` if the reviewer does not list them).
    """

    __slots__ = ("m", "n", "a_ptr", "a_flat", "r_ptr", "r_flat", "cap", "arank", "a_owner")

    def __init__(self, applicant_prefs: Prefs, reviewer_prefs: Prefs, capacities: ArrayLike):
        self.m = _count(applicant_prefs, "applicant_prefs")
        self.n = _count(reviewer_prefs, "reviewer_prefs")
        a = _fast_prefs(applicant_prefs, self.n)
        if a is None:  # something odd: the exact checks name it (or accept it)
            a = _as_prefs(applicant_prefs, "applicant_prefs", "reviewer", self.n)
        self.a_ptr, self.a_flat = a
        r = _fast_prefs(reviewer_prefs, self.m)
        if r is None:
            r = _as_prefs(reviewer_prefs, "reviewer_prefs", "applicant", self.m)
        self.r_ptr, self.r_flat = r
        self.cap = as_capacities(capacities, self.n, "capacities", of="reviewers")
        self.a_owner = np.repeat(np.arange(self.m, dtype=np.int64), np.diff(self.a_ptr))
        self.arank = _kernels.reviewer_ranks(self.a_ptr, self.a_flat, self.r_ptr, self.r_flat, self.m)


_INT_TYPES = frozenset({int, np.int64, np.int32, np.int16, np.int8, np.uint8, np.uint16, np.uint32})


def _fast_prefs(prefs: Any, n_other: int) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """CSR ``(ptr, flat)`` of well-formed lists (lists/tuples/arrays of in-range, distinct
    integers), or ``None`` for anything else (the caller then runs :func:`_as_prefs`,
    which raises the precise error)."""
    if isinstance(prefs, (str, bytes, dict, set)) or not hasattr(prefs, "__len__"):
        return None
    if not set(map(type, prefs)) <= _LIST_TYPES:
        return None
    k_lists = len(prefs)
    lens = np.fromiter(map(len, prefs), dtype=np.int64, count=k_lists)
    ptr = np.zeros(k_lists + 1, dtype=np.int64)
    np.cumsum(lens, out=ptr[1:])
    flat_list = list(itertools.chain.from_iterable(prefs))
    if not set(map(type, flat_list)) <= _INT_TYPES:
        return None
    try:
        flat = np.array(flat_list, dtype=np.int64)
    except OverflowError:
        return None
    if flat.shape != (int(ptr[-1]),) or _kernels.check_lists(ptr, flat, n_other) >= 0:
        return None
    return ptr, flat


def _count(prefs: Any, name: str) -> int:
    if isinstance(prefs, (str, bytes, dict, set)) or not hasattr(prefs, "__len__"):
        raise ValueError(f"{name} must be a list of lists, got {type(prefs).__name__}")
    return len(prefs)


def _as_prefs(
    prefs: Prefs, name: str, item: str, n_other: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """CSR ``(ptr, flat)`` of a list of preference lists, validated."""
    k_lists = len(prefs)
    if not set(map(type, prefs)) <= _LIST_TYPES:  # the exact check only when something is odd
        for k, lst in enumerate(prefs):
            if isinstance(lst, (str, bytes, dict, set)) or not hasattr(lst, "__len__"):
                raise ValueError(f"{name}[{k}] is not a list ({lst!r})")
    lens = np.fromiter(map(len, prefs), dtype=np.int64, count=k_lists)
    ptr = np.zeros(k_lists + 1, dtype=np.int64)
    np.cumsum(lens, out=ptr[1:])
    total = int(ptr[-1])
    types = set(map(type, itertools.chain.from_iterable(prefs)))
    if any(t is bool or not issubclass(t, (int, np.integer)) for t in types):
        for k, lst in enumerate(prefs):
            for p, x in enumerate(lst):
                if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
                    raise ValueError(f"{name}[{k}][{p}] is not an integer ({x!r})")
    try:
        flat = np.fromiter(itertools.chain.from_iterable(prefs), dtype=np.int64, count=total)
    except OverflowError:
        flat = None
    if flat is None or total and (flat.min() < 0 or flat.max() >= n_other):
        for k, lst in enumerate(prefs):
            for p, x in enumerate(lst):
                if not 0 <= x < n_other:
                    art = "an" if item[0] in "aeiou" else "a"
                    raise ValueError(
                        f"{name}[{k}][{p}] is {x}, not {art} {item} index (0..{n_other - 1})"
                    )
    assert flat is not None
    if total:
        owner = np.repeat(np.arange(k_lists, dtype=np.int64), lens)
        key = owner * max(n_other, 1) + flat
        if k_lists * max(n_other, 1) <= _DENSE_DUP_LIMIT and np.bincount(key).max() < 2:
            return ptr, flat  # no duplicates (a cheap count settles it for small instances)
        order = np.argsort(key, kind="stable")
        sk = key[order]
        dup = np.flatnonzero(sk[1:] == sk[:-1])
        if dup.size:
            first = order[dup + 1].min()  # earliest repeated entry in list order
            k = int(owner[first])
            raise ValueError(f"{name}[{k}] lists {item} {int(flat[first])} twice")
    return ptr, flat


def stable_match(applicant_prefs: Prefs, reviewer_prefs: Prefs, capacities: ArrayLike) -> list[int]:
    r"""Applicant-optimal stable matching (applicant-proposing deferred acceptance).

    Gale-Shapley deferred acceptance with reviewer capacities (the
    hospitals/residents problem): applicants propose down their lists; each
    reviewer :math:`r` tentatively holds its :math:`c_r` best proposals so far
    (by its own ranking) and rejects the rest; a proposal to a reviewer that
    does not list the applicant is rejected outright.  The result is the
    stable matching that every applicant weakly prefers to every other stable
    matching (Gale & Shapley 1962; Roth 1984 for capacities).

    The proposals run one at a time in a compiled loop (numba): each
    reviewer holds the ranks of its tentative applicants in a max-heap of
    size :math:`\min(c_r, |\text{list}_r|)`, so a proposal is accepted into
    a free seat, replaces the worst held applicant (who proposes next), or is
    rejected, in :math:`O(\log c_r)`.  Each reviewer's rank of each proposer
    is computed once, in one pass over the lists.  The outcome does not
    depend on the order of proposals (McVitie & Wilson 1970; Dubins &
    Freedman 1981).  Well-formed input (lists of distinct in-range ints) is
    validated by a compiled pass; anything else goes through the exact
    checks that name the offending list and position.

    Parameters
    ----------
    applicant_prefs : list of list of int
        ``applicant_prefs[a]`` = reviewer indices, best first (any length).
    reviewer_prefs : list of list of int
        ``reviewer_prefs[r]`` = applicant indices, best first (any length).
    capacities : array_like of int, shape (n,)
        Seats of each reviewer (non-negative).

    Returns
    -------
    list of int
        Reviewer index per applicant, ``-1`` if unmatched.

    Raises
    ------
    ValueError
        If a list is not a list, holds a non-integer or out-of-range index or
        repeats an index, or ``capacities`` has the wrong length or a negative
        entry (messages name the list and position).

    Examples
    --------
    >>> stable_match([[0, 1], [0, 1], [0]], [[2, 0, 1], [0, 1]], [1, 1])
    [1, -1, 0]
    """
    inst = _Instance(applicant_prefs, reviewer_prefs, capacities)
    match = _kernels.deferred_acceptance(
        inst.a_ptr, inst.a_flat, inst.arank, inst.r_ptr, inst.r_flat, inst.cap
    )
    result: list[int] = match.tolist()
    return result


def stable_match_reviewer_optimal(
    applicant_prefs: Prefs, reviewer_prefs: Prefs, capacities: ArrayLike
) -> list[int]:
    r"""Reviewer-optimal stable matching (reviewer-proposing deferred acceptance).

    Each reviewer with a free seat offers a seat to the next applicant on its
    list (skipping applicants who do not list it); an applicant holds the best
    offer received so far and releases the previously held one, which frees a
    seat at that reviewer, which then continues down its list.  The process
    ends when every reviewer is full or has exhausted its list.  The result is
    stable and every reviewer weakly prefers it to any other stable matching
    (Roth 1984; Gusfield & Irving 1989, sec. 1.6).

    Parameters and return value are as in :func:`stable_match`.

    Examples
    --------
    >>> applicants = [[0, 1], [1, 0]]
    >>> reviewers = [[1, 0], [0, 1]]
    >>> stable_match([[0, 1], [1, 0]], reviewers, [1, 1])
    [0, 1]
    >>> stable_match_reviewer_optimal(applicants, reviewers, [1, 1])
    [1, 0]
    """
    inst = _Instance(applicant_prefs, reviewer_prefs, capacities)
    m, n = inst.m, inst.n
    a_lists = [inst.a_flat[inst.a_ptr[a] : inst.a_ptr[a + 1]].tolist() for a in range(m)]
    a_rank = [{r: k for k, r in enumerate(lst)} for lst in a_lists]
    r_lists = [inst.r_flat[inst.r_ptr[r] : inst.r_ptr[r + 1]].tolist() for r in range(n)]
    cap = inst.cap.tolist()
    held = [-1] * m
    count = [0] * n
    nxt = [0] * n
    stack = [r for r in range(n) if cap[r] > 0]
    while stack:
        r = stack.pop()
        lst = r_lists[r]
        while count[r] < cap[r] and nxt[r] < len(lst):
            a = lst[nxt[r]]
            nxt[r] += 1
            rk = a_rank[a].get(r)
            if rk is None:
                continue
            cur = held[a]
            if cur == -1:
                held[a] = r
                count[r] += 1
            elif rk < a_rank[a][cur]:
                held[a] = r
                count[r] += 1
                count[cur] -= 1
                stack.append(cur)
    return held


def _check_matching(inst: _Instance, matching: ArrayLike) -> NDArray[np.int64]:
    """Validate ``matching`` and return the position of each match in its applicant's list."""
    m, n = inst.m, inst.n
    mt = np.asarray(matching)
    if mt.ndim != 1 or mt.shape[0] != m:
        raise ValueError(f"matching must have one entry per applicant ({m}), got shape {mt.shape}")
    if m and mt.dtype.kind not in "iu":
        raise ValueError(f"matching must contain integers, got dtype {mt.dtype}")
    mt = mt.astype(np.int64)
    bad = (mt < -1) | (mt >= n)
    if bad.any():
        a = int(np.argmax(bad))
        raise ValueError(f"matching[{a}] is {int(mt[a])}, not a reviewer index or -1")
    own = mt[inst.a_owner] == inst.a_flat
    mpos = np.full(m, -1, dtype=np.int64)
    idx = np.flatnonzero(own)
    mpos[inst.a_owner[idx]] = idx - inst.a_ptr[inst.a_owner[idx]]
    for k in np.flatnonzero((mt >= 0) & (mpos < 0)):
        raise ValueError(f"matching[{k}] is {int(mt[k])}, which applicant {k} does not list")
    bad_r = own & (inst.arank < 0)
    if bad_r.any():
        e = int(np.argmax(bad_r))
        a, r = int(inst.a_owner[e]), int(inst.a_flat[e])
        raise ValueError(f"matching[{a}] is {r}, but reviewer {r} does not list applicant {a}")
    load = np.bincount(mt[mt >= 0], minlength=n)
    over = load > inst.cap
    if over.any():
        r = int(np.argmax(over))
        raise ValueError(
            f"matching gives reviewer {r} {int(load[r])} applicants but capacity is {int(inst.cap[r])}"
        )
    return mpos


def _worst_admitted(
    inst: _Instance, mt: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per reviewer: number admitted, and the worst admitted rank (-1 if none)."""
    own = mt[inst.a_owner] == inst.a_flat
    load = np.bincount(inst.a_flat[own], minlength=inst.n)
    worst = np.full(inst.n, -1, dtype=np.int64)
    np.maximum.at(worst, inst.a_flat[own], inst.arank[own])
    return load, worst


def blocking_pairs(
    applicant_prefs: Prefs, reviewer_prefs: Prefs, capacities: ArrayLike, matching: ArrayLike
) -> list[tuple[int, int]]:
    r"""Every blocking pair of ``matching`` (an empty list means it is stable).

    :math:`(a, r)` blocks if both list each other, :math:`a` is unmatched or
    ranks :math:`r` above its match, and :math:`r` has a free seat or ranks
    :math:`a` above its worst admitted applicant.

    Parameters
    ----------
    applicant_prefs, reviewer_prefs, capacities
        As in :func:`stable_match`.
    matching : sequence of int, length m
        Reviewer per applicant or ``-1``.  Every matched pair must be mutually
        listed and no reviewer may exceed its capacity (else ``ValueError``).

    Returns
    -------
    list of (applicant, reviewer)
        Sorted by applicant, then by the applicant's preference order.

    Examples
    --------
    >>> ap, rp = [[0, 1], [0, 1]], [[0, 1], [0, 1]]
    >>> blocking_pairs(ap, rp, [1, 1], [0, 1])
    []
    >>> blocking_pairs(ap, rp, [1, 1], [1, 0])
    [(0, 0)]
    """
    inst = _Instance(applicant_prefs, reviewer_prefs, capacities)
    mt = np.asarray(matching)
    mpos = _check_matching(inst, mt)
    mt = mt.astype(np.int64)
    load, worst = _worst_admitted(inst, mt)
    pos = np.arange(inst.a_flat.size) - inst.a_ptr[inst.a_owner]
    mp = mpos[inst.a_owner]
    r = inst.a_flat
    block = (
        (inst.arank >= 0)
        & ((mp < 0) | (pos < mp))
        & ((load[r] < inst.cap[r]) | (inst.arank < worst[r]))
    )
    e = np.flatnonzero(block)
    return list(zip(inst.a_owner[e].tolist(), r[e].tolist(), strict=True))


def explain_applicant(
    applicant_prefs: Prefs,
    reviewer_prefs: Prefs,
    capacities: ArrayLike,
    matching: ArrayLike,
    a: int,
) -> list[dict[str, int | str]]:
    """Why applicant ``a`` did not get each reviewer it ranked above its match.

    One dict per such reviewer, in ``a``'s preference order:

    * ``{"reviewer": r, "reason": "not_listed_by_reviewer"}`` - ``r`` does not
      list ``a``;
    * ``{"reviewer": r, "reason": "no_capacity"}`` - ``r`` has zero seats;
    * ``{"reviewer": r, "reason": "full_with_preferred", "worst_admitted": a2,
      "worst_rank": k, "applicant_rank": k2}`` - ``r`` is full and its worst
      admitted applicant ``a2`` (rank ``k`` in ``r``'s list) is ranked above
      ``a`` (rank ``k2``), 0-based;
    * ``{"reviewer": r, "reason": "blocking"}`` - none of the above: ``(a, r)``
      is a blocking pair (only for an unstable ``matching``).

    Examples
    --------
    >>> ap, rp = [[0, 1], [0, 1], [0]], [[2, 0, 1], [0, 1]]
    >>> m = stable_match(ap, rp, [1, 1])
    >>> explain_applicant(ap, rp, [1, 1], m, 1)  # doctest: +NORMALIZE_WHITESPACE
    [{'reviewer': 0, 'reason': 'full_with_preferred', 'worst_admitted': 2,
      'worst_rank': 0, 'applicant_rank': 2},
     {'reviewer': 1, 'reason': 'full_with_preferred', 'worst_admitted': 0,
      'worst_rank': 0, 'applicant_rank': 1}]
    """
    inst = _Instance(applicant_prefs, reviewer_prefs, capacities)
    if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
        raise ValueError(f"a must be an applicant index, got {a!r}")
    if not 0 <= a < inst.m:
        raise ValueError(f"a is {a}, not an applicant index (0..{inst.m - 1})")
    mt = np.asarray(matching)
    mpos = _check_matching(inst, mt)
    mt = mt.astype(np.int64)
    load, worst = _worst_admitted(inst, mt)
    lo, hi = int(inst.a_ptr[a]), int(inst.a_ptr[a + 1])
    if mpos[a] >= 0:
        hi = lo + int(mpos[a])
    out: list[dict[str, int | str]] = []
    for e in range(lo, hi):
        r = int(inst.a_flat[e])
        k2 = int(inst.arank[e])
        if k2 < 0:
            out.append({"reviewer": r, "reason": "not_listed_by_reviewer"})
        elif inst.cap[r] == 0:
            out.append({"reviewer": r, "reason": "no_capacity"})
        elif load[r] >= inst.cap[r] and worst[r] < k2:
            k = int(worst[r])
            a2 = int(inst.r_flat[inst.r_ptr[r] + k])
            out.append(
                {
                    "reviewer": r,
                    "reason": "full_with_preferred",
                    "worst_admitted": a2,
                    "worst_rank": k,
                    "applicant_rank": k2,
                }
            )
        else:
            out.append({"reviewer": r, "reason": "blocking"})
    return out
