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

import bisect
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tandem.matching.engine._validate import as_capacities

__all__ = ["blocking_pairs", "explain_applicant", "stable_match", "stable_match_reviewer_optimal"]

Prefs = Sequence[Sequence[int]]

#: Reviewer blocks for the rank lookup table hold at most this many entries.
_TABLE_ENTRIES = 1 << 23
#: Below this many free applicants, deferred acceptance finishes sequentially.
_SEQUENTIAL_TAIL = 64
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
        self.a_ptr, self.a_flat = _as_prefs(applicant_prefs, "applicant_prefs", "reviewer", self.n)
        self.r_ptr, self.r_flat = _as_prefs(reviewer_prefs, "reviewer_prefs", "applicant", self.m)
        self.cap = as_capacities(capacities, self.n, "capacities", of="reviewers")
        self.a_owner = np.repeat(np.arange(self.m, dtype=np.int64), np.diff(self.a_ptr))
        self.arank = _reviewer_ranks(self)


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


def _reviewer_ranks(inst: _Instance) -> NDArray[np.int64]:
    """For every applicant-list entry, the reviewer's rank of that applicant (-1: unlisted).

    Reviewers are processed in blocks; each block gets a dense (reviewers x
    applicants) int32 table that is filled from the reviewer lists, read at
    the applicant entries, and cleared again.
    """
    m, n = inst.m, inst.n
    arank = np.full(inst.a_flat.size, -1, dtype=np.int64)
    if arank.size == 0 or m == 0:
        return arank
    rdt = np.uint16 if n <= 1 << 16 else np.int64
    order = np.argsort(inst.a_flat.astype(rdt), kind="stable")
    a_by_r = np.searchsorted(inst.a_flat[order], np.arange(n + 1))
    r_lens = np.diff(inst.r_ptr)
    r_pos = np.arange(inst.r_flat.size, dtype=np.int64) - np.repeat(inst.r_ptr[:-1], r_lens)
    block = max(1, _TABLE_ENTRIES // m)
    table = np.full(min(block, n) * m, -1, dtype=np.int32)
    for r0 in range(0, n, block):
        r1 = min(n, r0 + block)
        lo, hi = inst.r_ptr[r0], inst.r_ptr[r1]
        rr = np.repeat(np.arange(r0, r1, dtype=np.int64) - r0, r_lens[r0:r1])
        idx = rr * m + inst.r_flat[lo:hi]
        table[idx] = r_pos[lo:hi]
        e = order[a_by_r[r0] : a_by_r[r1]]
        arank[e] = table[(inst.a_flat[e] - r0) * m + inst.a_owner[e]]
        table[idx] = -1
    return arank


def stable_match(applicant_prefs: Prefs, reviewer_prefs: Prefs, capacities: ArrayLike) -> list[int]:
    r"""Applicant-optimal stable matching (applicant-proposing deferred acceptance).

    Gale-Shapley deferred acceptance with reviewer capacities (the
    hospitals/residents problem): applicants propose down their lists; each
    reviewer :math:`r` tentatively holds its :math:`c_r` best proposals so far
    (by its own ranking) and rejects the rest; a proposal to a reviewer that
    does not list the applicant is rejected outright.  The result is the
    stable matching that every applicant weakly prefers to every other stable
    matching (Gale & Shapley 1962; Roth 1984 for capacities).

    The proposals are processed in *parallel rounds*: every free applicant
    proposes to its next choice at once, and each reviewer keeps the best
    :math:`c_r` of (held + new) via one sort of composite keys
    ``reviewer * W + rank``.  The outcome of deferred acceptance does not depend
    on the order in which proposals are made (McVitie & Wilson 1970, "Stable
    marriage assignment for unequal sets", BIT 10; Dubins & Freedman 1981),
    so this yields exactly the applicant-optimal matching.  Each reviewer's
    rank of each proposer is precomputed once (blocked dense lookup table),
    and proposals that cannot beat a full reviewer's worst held applicant are
    rejected without sorting.

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
    result: list[int] = _deferred_acceptance(inst).tolist()
    return result


def _deferred_acceptance(inst: _Instance) -> NDArray[np.int64]:
    m, n = inst.m, inst.n
    match = np.full(m, -1, dtype=np.int64)
    # keep only acceptable entries (listed by the reviewer, reviewer has seats)
    keep = (inst.arank >= 0) & (inst.cap[inst.a_flat] > 0) if n else inst.arank >= 0
    f_r = inst.a_flat[keep]
    f_rank = inst.arank[keep]
    f_end = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.bincount(inst.a_owner[keep], minlength=m), out=f_end[1:])
    ptr = f_end[:-1].copy()
    end = f_end[1:]
    r_lens = np.diff(inst.r_ptr)
    capeff = np.minimum(inst.cap, r_lens)
    sentinel = int(r_lens.max()) if n else 0
    W = sentinel + 1
    s_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(capeff, out=s_ptr[1:])
    slots = np.full(int(s_ptr[-1]), sentinel, dtype=np.int64)
    worst = np.full(n, sentinel, dtype=np.int64)  # worst held rank if full, else sentinel
    free = np.flatnonzero(ptr < end)
    while free.size:
        p = ptr[free]
        r = f_r[p]
        rk = f_rank[p]
        ok = rk < worst[r]
        rejected = free[~ok]
        if ok.any():
            r, rk = r[ok], rk[ok]
            R, cnt = np.unique(r, return_counts=True)
            lens = capeff[R]
            tot = int(lens.sum())
            gstart = np.cumsum(lens) - lens
            sidx = np.repeat(s_ptr[R] - gstart, lens) + np.arange(tot)
            keys = np.concatenate([np.repeat(R, lens) * W + slots[sidx], r * W + rk])
            keys.sort()
            size = lens + cnt
            kstart = np.cumsum(size) - size
            kidx = np.repeat(kstart - gstart, lens) + np.arange(tot)
            kept = keys[kidx] - np.repeat(R, lens) * W
            slots[sidx] = kept
            worst[R] = slots[s_ptr[R + 1] - 1]
            out = np.ones(keys.size, dtype=bool)
            out[kidx] = False
            out_keys = keys[out]
            orr, ork = np.divmod(out_keys, W)
            real = ork < sentinel
            displaced = inst.r_flat[inst.r_ptr[orr[real]] + ork[real]]
            rejected = np.concatenate([rejected, displaced])
        ptr[rejected] += 1
        free = rejected[ptr[rejected] < end[rejected]]
        if 0 < free.size <= _SEQUENTIAL_TAIL:
            # a long tail of tiny rounds costs more in NumPy call overhead than a
            # plain sequential finish (same result: proposal order is irrelevant)
            slots = _sequential_finish(free, ptr, end, f_r, f_rank, slots, s_ptr, capeff, sentinel, inst)
            break
    owner = np.repeat(np.arange(n, dtype=np.int64), capeff)
    held = slots < sentinel
    match[inst.r_flat[inst.r_ptr[owner[held]] + slots[held]]] = owner[held]
    return match


def _sequential_finish(
    free: NDArray[np.int64],
    ptr: NDArray[np.int64],
    end: NDArray[np.int64],
    f_r: NDArray[np.int64],
    f_rank: NDArray[np.int64],
    slots: NDArray[np.int64],
    s_ptr: NDArray[np.int64],
    capeff: NDArray[np.int64],
    sentinel: int,
    inst: _Instance,
) -> NDArray[np.int64]:
    """Finish deferred acceptance one proposal at a time; returns the new slot array."""
    held: dict[int, list[int]] = {}
    stack = free.tolist()
    pos = ptr.copy()
    while stack:
        a = stack.pop()
        p, e = int(pos[a]), int(end[a])
        while p < e:
            r, rk = int(f_r[p]), int(f_rank[p])
            h = held.get(r)
            if h is None:
                lo, hi = int(s_ptr[r]), int(s_ptr[r + 1])
                h = held[r] = [x for x in slots[lo:hi].tolist() if x < sentinel]
            if len(h) < capeff[r]:
                bisect.insort(h, rk)
                break
            if rk < h[-1]:
                bisect.insort(h, rk)
                out = h.pop()
                b = int(inst.r_flat[inst.r_ptr[r] + out])
                pos[b] += 1
                stack.append(b)
                break
            p += 1
        pos[a] = p
    out_slots = slots.copy()
    for r, h in held.items():
        lo = int(s_ptr[r])
        out_slots[lo : lo + int(capeff[r])] = h + [sentinel] * (int(capeff[r]) - len(h))
    return out_slots


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
