r"""Forward-reverse auction with epsilon-scaling for the capacitated assignment.

Used by :func:`tandem.matching.engine.assignment.optimal_assignment` on the
sparse candidate graph; the dense dual certificate there checks the result
against every allowed pair.

Mentees bid, mentors sell ``c_j`` seats (each seat has its own price; a
mentor's seats are kept in a small min-heap by price, so a bidder sees the
cheapest seat and, for the bid increment, the second cheapest).  Every mentee
also has a private "unmatched" option of fixed profit ``delta``.  Values are
the shifted scores :math:`a_{ij} = S_{ij} - \min S` and prices are stored
shifted by ``C0`` (the true LP price of a seat is ``C0 + p``), so that the
arithmetic keeps the precision of the scores, not of the large cardinality
constant ``C``:  a mentee's profit is ``a_ij - p`` for a seat and
``delta = C0 - C`` for staying unmatched, and a seat's price never goes below
``floor = -C0`` (true price 0).

Invariants (Bertsekas' epsilon-complementary slackness): every assigned
mentee's profit ``pi_i`` is within ``eps`` of its best option at the current
cheapest-seat prices, and ``pi_i + p`` equals ``a_ij`` for the seat it holds.
A *forward* bid by an unassigned mentee takes the cheapest seat of its best
mentor at price ``a_ij - (second best profit) + eps``.  When no mentee is left
unassigned, *reverse* bids lower the price of every empty seat that is still
above the floor: the seat attracts the mentee with the largest ``a_ij - pi_i``
at the second largest value minus ``eps`` (or drops to the floor), which keeps
the invariants and ends with every empty seat at the floor -- the
complementary-slackness condition of a mentor with a free seat.  Each
epsilon phase first releases the mentees that no longer satisfy the new,
smaller ``eps``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

_P = ParamSpec("_P")
_R = TypeVar("_R")
_F64 = NDArray[np.float64]
_I64 = NDArray[np.int64]

_Bool = NDArray[np.bool_]


class _Njit(Protocol):
    """``njit(cache=...)`` as used here (numba's, or the no-op fallback below)."""

    def __call__(self, *, cache: bool = ...) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]: ...


try:  # pragma: no cover - exercised implicitly
    from numba import njit as _numba_njit

    njit: _Njit = _numba_njit
except ImportError:  # pragma: no cover - fallback without the compiler

    def _njit_fallback(
        *args: object, **kwargs: object
    ) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
        def deco(f: Callable[_P, _R]) -> Callable[_P, _R]:
            return f

        return deco

    njit = _njit_fallback


__all__ = ["auction"]


@njit(cache=True)
def _sift_down(hp: _F64, hh: _I64, spos: _I64, b: int, e: int, q: int) -> None:  # pragma: no cover
    xp = hp[q]
    xh = hh[q]
    while True:
        c = b + 2 * (q - b) + 1
        if c >= e:
            break
        if c + 1 < e and hp[c + 1] < hp[c]:
            c += 1
        if hp[c] >= xp:
            break
        hp[q] = hp[c]
        hh[q] = hh[c]
        if hh[q] >= 0:
            spos[hh[q]] = q
        q = c
    hp[q] = xp
    hh[q] = xh
    if xh >= 0:
        spos[xh] = q


@njit(cache=True)
def _sift_up(hp: _F64, hh: _I64, spos: _I64, b: int, q: int) -> None:  # pragma: no cover
    xp = hp[q]
    xh = hh[q]
    while q > b:
        par = b + (q - b - 1) // 2
        if hp[par] <= xp:
            break
        hp[q] = hp[par]
        hh[q] = hh[par]
        if hh[q] >= 0:
            spos[hh[q]] = q
        q = par
    hp[q] = xp
    hh[q] = xh
    if xh >= 0:
        spos[xh] = q


@njit(cache=True)
def auction(rp: _I64, rc: _I64, rw: _F64, cp: _I64, ci: _I64, cw: _F64, boff: _I64, hp: _F64,
            hh: _I64, spos: _I64, mate: _I64, mval: _F64, pi: _F64, delta: float, floor: float,
            eps_list: _F64, budget: int, jump: float, rootp: _F64) -> int:  # fmt: skip  # pragma: no cover
    """Run the epsilon phases in ``eps_list`` from the given state (updated in place).

    ``mate[i]``: mentor of mentee ``i``, ``-2`` unmatched by choice, ``-1``
    unassigned (bids in the first phase).  ``hp``/``hh``: seat prices and
    holders, heap-ordered per mentor in ``boff[j]:boff[j+1]``; ``spos[i]``: the
    seat ``i`` holds.  Returns the number of bids, or ``-1`` when more than
    ``budget`` bids were needed (the caller then solves another way).
    ``jump`` bounds a bid's increment (a bidder with a single option).
    ``rootp[j]`` mirrors ``hp[boff[j]]`` (the cheapest seat), kept in step.
    """
    m = rp.shape[0] - 1
    n = boff.shape[0] - 1
    queue = np.empty(m + 1, dtype=np.int64)
    rq = np.empty(n + 1, dtype=np.int64)
    inrq = np.zeros(n, dtype=np.bool_)
    bids = 0
    for ph in range(eps_list.shape[0]):
        eps = eps_list[ph]
        qh = 0
        qt = 0
        # release mentees that violate eps-CS at the new eps
        for i in range(m):
            mi = mate[i]
            if mi == -1:
                queue[qt] = i
                qt += 1
                continue
            best = delta
            for k in range(rp[i], rp[i + 1]):
                j = rc[k]
                if j == mi:
                    continue
                x = rw[k] - rootp[j]
                if x > best:
                    best = x
            if pi[i] < best - eps:
                if mi >= 0:
                    hh[spos[i]] = -1
                mate[i] = -1
                queue[qt] = i
                qt += 1
        cnt = qt
        # forward bids
        while cnt > 0:
            i = queue[qh]
            qh += 1
            if qh == m + 1:
                qh = 0
            cnt -= 1
            bids += 1
            if bids > budget:
                return -1
            v1 = -np.inf
            v2 = -np.inf
            k1 = -1
            for k in range(rp[i], rp[i + 1]):
                x = rw[k] - rootp[rc[k]]
                if x > v1:
                    v2 = v1
                    v1 = x
                    k1 = k
                elif x > v2:
                    v2 = x
            if k1 < 0 or v1 < delta:
                mate[i] = -2
                pi[i] = delta
                continue
            if v2 < v1 - jump:
                v2 = v1 - jump
            j1 = rc[k1]
            b = boff[j1]
            e = boff[j1 + 1]
            if e - b >= 2:
                p2 = hp[b + 1]
                if e - b >= 3 and hp[b + 2] < p2:
                    p2 = hp[b + 2]
                x = rw[k1] - p2
                if x > v2:
                    v2 = x
            if v2 < delta:
                v2 = delta
            newp = rw[k1] - v2 + eps
            old = hh[b]
            hp[b] = newp
            hh[b] = i
            mate[i] = j1
            mval[i] = rw[k1]
            pi[i] = rw[k1] - newp
            _sift_down(hp, hh, spos, b, e, b)
            rootp[j1] = hp[b]
            if old >= 0:
                mate[old] = -1
                queue[qt] = old
                qt += 1
                if qt == m + 1:
                    qt = 0
                cnt += 1
        # reverse bids: empty seats above the floor
        rh = 0
        rt = 0
        for j in range(n):
            for s in range(boff[j], boff[j + 1]):
                if hh[s] < 0 and hp[s] > floor:
                    rq[rt] = j
                    rt += 1
                    inrq[j] = True
                    break
        rcnt = rt
        while rcnt > 0:
            j = rq[rh]
            rh += 1
            if rh == n + 1:
                rh = 0
            rcnt -= 1
            inrq[j] = False
            b = boff[j]
            e = boff[j + 1]
            while True:
                s0 = -1
                for s in range(b, e):
                    if hh[s] < 0 and hp[s] > floor and (s0 < 0 or hp[s] > hp[s0]):
                        s0 = s
                if s0 < 0:
                    break
                bids += 1
                if bids > budget:
                    return -1
                b1 = -np.inf
                b2 = -np.inf
                k1 = -1
                for k in range(cp[j], cp[j + 1]):
                    i = ci[k]
                    if mate[i] == j:
                        continue
                    x = cw[k] - pi[i]
                    if x > b1:
                        b2 = b1
                        b1 = x
                        k1 = k
                    elif x > b2:
                        b2 = x
                if k1 < 0 or b1 - eps <= floor:
                    hp[s0] = floor
                    _sift_up(hp, hh, spos, b, s0)
                    rootp[j] = hp[b]
                    continue
                newp = b2 - eps
                if newp < floor:
                    newp = floor
                i1 = ci[k1]
                old = mate[i1]
                if old >= 0:
                    so = spos[i1]
                    hh[so] = -1
                    if hp[so] > floor and not inrq[old]:
                        rq[rt] = old
                        rt += 1
                        if rt == n + 1:
                            rt = 0
                        rcnt += 1
                        inrq[old] = True
                hh[s0] = i1
                hp[s0] = newp
                spos[i1] = s0
                _sift_up(hp, hh, spos, b, s0)
                rootp[j] = hp[b]
                mate[i1] = j
                mval[i1] = cw[k1]
                pi[i1] = cw[k1] - newp
    return bids


@njit(cache=True)
def _scan_row(S: _F64, i: int, mb: _Bool, has_mask: bool, rootp: _F64, skip: int, ck: _I64,
              tv: _F64) -> float:  # fmt: skip  # pragma: no cover
    """Best ``K = ck.shape[1]`` mentors of row ``i`` at the current prices into ``ck[i]``
    (``-1`` padded); returns the ``K + 1``-th best profit (the bound for the rest)."""
    n = S.shape[1]
    K = ck.shape[1]
    L = K + 1
    cnt = 0
    tc = np.empty(L, dtype=np.int64)
    worst = -np.inf
    for j in range(n):
        x = S[i, j] - rootp[j]
        if (x > worst or cnt < L) and j != skip and (not has_mask or mb[i, j]):
            p = cnt if cnt < L else L - 1
            while p > 0 and tv[p - 1] < x:
                tv[p] = tv[p - 1]
                tc[p] = tc[p - 1]
                p -= 1
            tv[p] = x
            tc[p] = j
            if cnt < L:
                cnt += 1
            if cnt == L:
                worst = tv[L - 1]
    for p in range(K):
        ck[i, p] = tc[p] if p < cnt else -1
    return float(tv[K]) if cnt == L else -np.inf


@njit(cache=True)
def dense_auction(S: _F64, mb: _Bool, has_mask: bool, colok: _Bool, smin: float, boff: _I64,
                  hp: _F64, hh: _I64, spos: _I64, mate: _I64, pi: _F64, dummy: int,
                  dummy_val: float, eps_list: _F64, budget: int, jump: float,
                  rootp: _F64, ck: _I64) -> int:  # fmt: skip  # pragma: no cover
    """The forward phases of :func:`auction` with every allowed pair (mentees bid).

    Reads the dense matrix instead of a candidate graph; used for the first,
    coarse phases, whose prices then pick the candidate pairs.  Objects are
    the ``n`` mentors and, if ``dummy >= 0``, the dummy mentor ``dummy`` (every
    mentee may take it at value ``dummy_val``).  ``rootp`` as in
    :func:`auction`, with ``+inf`` for mentors without seats.

    Each mentee caches its ``K`` best mentors of its last full row scan in
    ``ck`` and the ``K + 1``-th best profit then: prices only rise here, so no
    other mentor can have become better than that bound, and while the cached
    ones still beat it a bid needs no new scan.
    """
    m, n = S.shape
    K = ck.shape[1]
    queue = np.empty(m + 1, dtype=np.int64)
    cbound = np.full(m, np.inf)  # inf: no cache yet
    tv = np.empty(K + 1)
    bids = 0
    for ph in range(eps_list.shape[0]):
        eps = eps_list[ph]
        qh = 0
        qt = 0
        for i in range(m):
            mi = mate[i]
            if mi == -1:
                queue[qt] = i
                qt += 1
                continue
            best = -np.inf
            for p in range(K):
                j = ck[i, p]
                if j >= 0 and j != mi:
                    x = S[i, j] - rootp[j]
                    if x > best:
                        best = x
            if cbound[i] > best:  # a mentor outside the cache may be better
                if pi[i] >= cbound[i] - smin - eps and (dummy < 0 or mi == dummy
                                                        or pi[i] >= dummy_val - rootp[dummy] - eps):
                    continue
                cbound[i] = _scan_row(S, i, mb, has_mask, rootp, -1, ck, tv)
                best = -np.inf
                for p in range(K):
                    j = ck[i, p]
                    if j >= 0 and j != mi:
                        x = S[i, j] - rootp[j]
                        if x > best:
                            best = x
                if cbound[i] > best:
                    best = cbound[i]
            best -= smin
            if dummy >= 0 and mi != dummy:
                x = dummy_val - rootp[dummy]
                if x > best:
                    best = x
            if pi[i] < best - eps:
                hh[spos[i]] = -1
                mate[i] = -1
                queue[qt] = i
                qt += 1
        cnt = qt
        while cnt > 0:
            i = queue[qh]
            qh += 1
            if qh == m + 1:
                qh = 0
            cnt -= 1
            bids += 1
            if bids > budget:
                return -1
            for attempt in range(2):
                v1 = -np.inf
                v2 = -np.inf
                j1 = -1
                for p in range(K):
                    j = ck[i, p]
                    if j >= 0:
                        x = S[i, j] - rootp[j]
                        if x > v1:
                            v2 = v1
                            v1 = x
                            j1 = j
                        elif x > v2:
                            v2 = x
                # the cached best must be the true best (nothing outside the cache beats the
                # bound); the second best may be the bound itself: the bid is then a little
                # smaller than it could be, which keeps epsilon-CS and saves a row scan
                if attempt == 0 and not (v1 >= cbound[i] and cbound[i] < np.inf):
                    cbound[i] = _scan_row(S, i, mb, has_mask, rootp, -1, ck, tv)
                    continue
                if cbound[i] > v2:
                    v2 = cbound[i]
                break
            v1 -= smin
            v2 -= smin
            a1 = S[i, j1] - smin if j1 >= 0 else 0.0
            if dummy >= 0:
                x = dummy_val - rootp[dummy]
                if x > v1:
                    v2 = v1
                    v1 = x
                    j1 = dummy
                    a1 = dummy_val
                elif x > v2:
                    v2 = x
            if j1 < 0:
                return -1
            if v2 < v1 - jump:
                v2 = v1 - jump
            b = boff[j1]
            e = boff[j1 + 1]
            if e - b >= 2:
                p2 = hp[b + 1]
                if e - b >= 3 and hp[b + 2] < p2:
                    p2 = hp[b + 2]
                x = a1 - p2
                if x > v2:
                    v2 = x
            newp = a1 - v2 + eps
            old = hh[b]
            hp[b] = newp
            hh[b] = i
            mate[i] = j1
            pi[i] = a1 - newp
            _sift_down(hp, hh, spos, b, e, b)
            rootp[j1] = hp[b]
            if old >= 0:
                mate[old] = -1
                queue[qt] = old
                qt += 1
                if qt == m + 1:
                    qt = 0
                cnt += 1
    return bids
