r"""Exact capacitated assignment of mentees to mentors.

The solver works on a sparse *candidate graph* (each mentee's best few
mentors), solves that exactly with SciPy's LAPJVsp
(:func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`), computes
LP dual prices for the solution by shortest paths, and then checks the dual
certificate against **every** allowed mentee x mentor pair of the dense score
matrix.  Pairs that could still improve the solution are added to the graph
and the sparse problem is solved again; when no pair is left the answer is
provably optimal over all pairs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from tandem.matching.engine._validate import as_allowed, as_capacities, as_score_matrix

__all__ = ["optimal_assignment"]

#: Candidate mentors kept per mentee in the first sparse problem.
_L_INITIAL = 4
#: At most this many improving pairs are added per mentee and round.
_L_ADD = 8
#: Column candidates: about this many mentees per mentor seat.
_L_COL = 2
#: Entries of the dense matrix handled per chunk (bounds temporary memory).
_CHUNK_ENTRIES = 1 << 21


def optimal_assignment(
    scores: ArrayLike,
    capacities: ArrayLike,
    allowed: ArrayLike | None = None,
) -> NDArray[np.int64]:
    r"""Assign mentees to mentors: maximum cardinality first, then maximum total score.

    Let :math:`S \in \mathbb{R}^{m \times n}` be the scores, :math:`c \in
    \mathbb{N}^n` the mentor capacities and :math:`E` the allowed pairs.  The
    result is an optimal solution of

    .. math::

        \max_{x \in \{0,1\}^E} \; \sum_{(i,j) \in E} (C + S_{ij}) x_{ij}
        \quad\text{s.t.}\quad \sum_j x_{ij} \le 1, \quad \sum_i x_{ij} \le c_j ,

    with :math:`C = K D + \sigma`, where :math:`D = \max S - \min S`,
    :math:`K = \min(m, \sum_j \min(c_j, m))` bounds the cardinality and
    :math:`\sigma > 0` is the score scale.  *Why this is lexicographic:* with
    :math:`S' = S - \min S \in [0, D]` (a shift that changes every assignment
    of :math:`k` pairs by the same :math:`k \min S`), an assignment of
    :math:`k + 1` pairs weighs at least :math:`(k+1) C`, one of :math:`k \le
    K - 1` pairs at most :math:`k (C + D) < (k + 1) C`; so every
    maximum-weight assignment has maximum cardinality, and among those
    maximises :math:`\sum S_{ij}`.

    **Algorithm.**  (1) Candidate pairs: each mentee's about ``8`` best
    allowed mentors (row threshold = maximum over a strided column sample,
    exact ``argpartition`` for rows with ties).  (2) The candidate problem is
    solved exactly by LAPJVsp on capacity-expanded slots (mentor :math:`j`
    becomes :math:`\min(c_j, \deg j)` identical slots) with one private dummy
    partner per row at cost :math:`\sigma + D + C` and real cost
    :math:`\sigma + D - S'_{ij}`; the rows are the side that is expected to
    be fully matched (slots if :math:`\sum c \le m`, else mentees).  Every
    row can be matched to its dummy, so a full matching exists, and its cost
    is a constant minus :math:`\sum (C + S'_{ij})` over the real pairs, so
    minimum cost is maximum weight.  (3) Dual prices of the LP relaxation
    (integral, since the constraint matrix is totally unimodular):
    :math:`u_i \ge 0`, :math:`v_j \ge 0` with :math:`u_i + v_j \ge C + S'_{ij}`
    on candidate pairs and complementary slackness (tight on matched pairs,
    :math:`u_i = 0` for unmatched mentees, :math:`v_j = 0` for mentors with a
    free seat).  Substituting :math:`u_i = C + S'_{i\mu(i)} - v_{\mu(i)}`
    turns these into difference constraints on :math:`v` over the mentors plus
    a zero node :math:`z`:

    * :math:`v_{\mu(i)} \le v_k + S'_{i\mu(i)} - S'_{ik}` (matched :math:`i`,
      candidate :math:`k`),
    * :math:`0 \le v_k - (C + S'_{ik})` (unmatched :math:`i`),
    * :math:`v_{\mu(i)} \le 0 + C + S'_{i\mu(i)}` (:math:`u_i \ge 0`),
    * :math:`0 \le v_j` and, for mentors with a free seat, :math:`v_j \le 0`.

    Shortest-path distances from :math:`z` (Bellman-Ford, vectorised over the
    frontier; no negative cycle exists because the matching is optimal on the
    candidate graph) satisfy all of them.  (4) Certificate: the reduced cost
    :math:`r_{ij} = C + S'_{ij} - u_i - v_j` is evaluated for *all* allowed
    pairs in row chunks.  If :math:`r_{ij} \le \text{tol}` everywhere,
    :math:`(u, v)` is dual feasible for the full problem and has the same
    objective as the assignment (complementary slackness), so by weak duality
    the assignment is optimal over all pairs.  Otherwise the most violated
    pairs (up to 8 per mentee) join the candidate graph and steps 2-4 repeat.
    The loop ends because the candidate set grows every round.

    Parameters
    ----------
    scores : array_like of shape (m, n)
        Score of mentee ``i`` with mentor ``j``; higher is better, any finite
        real (negative allowed).  float32/float64 input is not copied.
    capacities : array_like of shape (n,)
        Non-negative integer number of mentees each mentor can take.
    allowed : array_like of bool, shape (m, n), optional
        ``False`` marks pairs that must never be used.  Default: all allowed.

    Returns
    -------
    numpy.ndarray of int64, shape (m,)
        Mentor index for every mentee, ``-1`` for unmatched mentees.

    Raises
    ------
    ValueError
        If ``scores`` is not a finite 2-D real array (the message names the
        first NaN/inf position), ``capacities`` has the wrong length or holds
        negative/non-integer values, or ``allowed`` has the wrong shape.

    Notes
    -----
    The result is exact up to floating-point rounding: ties closer than about
    ``1e3 * eps * (C + sigma)`` may be resolved either way.  Working memory is
    the sparse graph plus ``O(2**21)`` dense entries per chunk.

    Examples
    --------
    Two mentees both prefer mentor 0, who has one seat; maximising the total
    sends mentee 1 (the bigger loss if moved) to mentor 0:

    >>> import numpy as np
    >>> optimal_assignment(np.array([[5.0, 4.0], [5.0, 1.0]]), [1, 1])
    array([1, 0])

    Cardinality comes first, even at a large score cost:

    >>> optimal_assignment([[10.0, -50.0], [9.0, -99.0]], [1, 1])
    array([1, 0])
    >>> optimal_assignment([[1.0, 2.0]], [0, 1], allowed=[[True, False]])
    array([-1])
    """
    S = as_score_matrix(scores, "scores")
    m, n = S.shape
    cap = as_capacities(capacities, n, "capacities", of="mentors")
    A = as_allowed(allowed, (m, n), "allowed", "scores")
    mate = np.full(m, -1, dtype=np.int64)
    if m == 0 or n == 0 or not cap.any():
        return mate

    smin = float(S.min())
    smax = float(S.max())
    D = smax - smin
    scale = max(abs(smin), abs(smax), D) or 1.0
    K = min(m, int(np.minimum(cap, m).sum()))
    C = K * D + scale
    tol = 1024 * np.finfo(np.float64).eps * (C + scale)
    colok = cap > 0

    rows, cols = _initial_candidates(S, A, colok, cap, _L_INITIAL)
    for _ in range(10 * (m + n) + 10):
        sp = S[rows, cols].astype(np.float64) - smin
        mate = _solve_sparse(m, n, rows, cols, sp, cap, C, scale, D)
        alpha, v = _duals(m, n, rows, cols, sp, mate, cap, C, smin, tol)
        new_r, new_c = _violations(S, A, alpha, v, rows, cols, tol, _L_ADD)
        if new_r.size == 0:
            return mate
        rows, cols = _merge(n, rows, cols, new_r, new_c)
    raise RuntimeError("optimal_assignment did not converge (internal error)")  # pragma: no cover


def _row_chunk(n: int) -> int:
    return max(1, _CHUNK_ENTRIES // max(n, 1))


def _masked_block(
    S: NDArray[np.floating],
    A: NDArray[np.bool_] | None,
    colok: NDArray[np.bool_],
    all_cols: bool,
    r0: int,
    r1: int,
    idx: NDArray[np.int64] | None = None,
) -> tuple[NDArray[np.floating], NDArray[np.bool_] | None]:
    """Rows ``r0:r1`` (or ``idx``) of ``S`` with disallowed pairs set to ``-inf``."""
    sl = slice(r0, r1) if idx is None else idx
    blk = S[sl]
    if A is None and all_cols:
        return blk, None
    mask = np.broadcast_to(colok, blk.shape) if A is None else A[sl] & colok
    return np.where(mask, blk, -np.inf), np.asarray(mask)


def _initial_candidates(
    S: NDArray[np.floating],
    A: NDArray[np.bool_] | None,
    colok: NDArray[np.bool_],
    cap: NDArray[np.int64],
    L: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Candidate pairs as row-sorted (row, col) arrays.

    A pair is a candidate if it is allowed and its score reaches its row's
    threshold (about the ``L`` best mentors of the mentee) or its column's
    threshold (about the ``L * capacity`` best mentees of the mentor).  Each
    threshold is the maximum over a strided sample of the row (column), so the
    expected count is the sample stride; rows with more than ``4 L`` hits
    (ties) are cut to an exact top ``L``.  Which pairs are candidates only
    affects speed: the dual certificate adds any missing pair that matters.
    """
    m, n = S.shape
    all_cols = bool(colok.all())
    out_r: list[NDArray[np.int64]] = []
    out_c: list[NDArray[np.int64]] = []
    step = _row_chunk(n)
    use_rows = n > 2 * L
    capm = float(np.mean(cap[colok])) if colok.any() else 1.0
    cstride = max(1, int(round(_L_COL * capm)))
    use_cols = 2 * cstride < m
    if use_cols:
        samp_r = np.arange(0, m, cstride)
        cthr = np.empty(n)
        for r0 in range(0, samp_r.size, step):
            blk, _ = _masked_block(S, A, colok, all_cols, 0, 0, samp_r[r0 : r0 + step])
            part = blk.max(axis=0)
            cthr = part if r0 == 0 else np.maximum(cthr, part)
    for r0 in range(0, m, step):
        r1 = min(m, r0 + step)
        blk, mask = _masked_block(S, A, colok, all_cols, r0, r1)
        if not use_rows:
            sel = np.ones(blk.shape, dtype=bool) if mask is None else mask.copy()
        else:
            thr = blk[:, ::L].max(axis=1)
            sel = blk >= thr[:, None]
            if mask is not None:
                sel &= mask
            big = np.flatnonzero(sel.sum(axis=1) > 4 * L)
            if big.size:
                sub = blk[big]
                top = np.argpartition(sub, n - L, axis=1)[:, n - L :]
                ok = np.take_along_axis(sub, top, axis=1) > -np.inf
                sel[big] = False
                sel[np.repeat(big, L)[ok.ravel()], top.ravel()[ok.ravel()]] = True
            if use_cols:
                csel = blk >= cthr
                if mask is not None:
                    csel &= mask
                sel |= csel
        ri, ci = np.nonzero(sel)
        out_r.append(ri.astype(np.int64) + r0)
        out_c.append(ci.astype(np.int64))
    return np.concatenate(out_r), np.concatenate(out_c)


def _merge(
    n: int,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    new_r: NDArray[np.int64],
    new_c: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    key = np.unique(np.concatenate([rows * n + cols, new_r * n + new_c]))
    return key // n, key % n


def _solve_sparse(
    m: int,
    n: int,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    sp: NDArray[np.float64],
    cap: NDArray[np.int64],
    C: float,
    scale: float,
    D: float,
) -> NDArray[np.int64]:
    """Exact max-weight capacitated matching on the candidate edges (see the docstring)."""
    mate = np.full(m, -1, dtype=np.int64)
    if rows.size == 0:
        return mate
    deg = np.bincount(cols, minlength=n)
    capc = np.minimum(cap, deg)
    N = int(capc.sum())
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(capc, out=start[1:])
    c = capc[cols]
    total = int(c.sum())
    er = np.repeat(rows, c)
    offs = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(c) - c, c)
    es = np.repeat(start[cols], c) + offs
    ecost = np.repeat(scale + D - sp, c)
    owner = np.repeat(np.arange(n, dtype=np.int64), capc)
    dummy = scale + D + C
    if N <= m:  # slots are the rows: they are the side expected to fill up
        G = csr_matrix(
            (
                np.concatenate([ecost, np.full(N, dummy)]),
                (np.concatenate([es, np.arange(N)]), np.concatenate([er, m + np.arange(N)])),
            ),
            shape=(N, m + N),
        )
        r_ind, c_ind = min_weight_full_bipartite_matching(G)
        real = c_ind < m
        mate[c_ind[real]] = owner[r_ind[real]]
    else:
        G = csr_matrix(
            (
                np.concatenate([ecost, np.full(m, dummy)]),
                (np.concatenate([er, np.arange(m)]), np.concatenate([es, N + np.arange(m)])),
            ),
            shape=(m, N + m),
        )
        r_ind, c_ind = min_weight_full_bipartite_matching(G)
        real = c_ind < N
        mate[r_ind[real]] = owner[c_ind[real]]
    return mate


def _duals(
    m: int,
    n: int,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    sp: NDArray[np.float64],
    mate: NDArray[np.int64],
    cap: NDArray[np.int64],
    C: float,
    smin: float,
    tol: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """LP duals ``(alpha, v)`` with reduced cost ``S_ij - alpha_i - v_j`` (see the docstring).

    ``alpha_i = u_i - C + min S``; ``v_j = +inf`` for mentors without capacity.
    """
    z = n
    em = mate[rows]
    is_match = cols == em
    spm = np.zeros(m)
    spm[rows[is_match]] = sp[is_match]
    matched = mate >= 0
    load = np.bincount(mate[matched], minlength=n)
    a = (em >= 0) & ~is_match
    b = em < 0
    mi = np.flatnonzero(matched)
    freej = np.flatnonzero(load < cap)
    capj = np.flatnonzero(cap > 0)
    src = np.concatenate([cols[a], cols[b], np.full(mi.size, z), np.full(freej.size, z), capj])
    dst = np.concatenate([em[a], np.full(int(b.sum()), z), mate[mi], freej, np.full(capj.size, z)])
    ln = np.concatenate(
        [
            spm[rows[a]] - sp[a],
            -(sp[b] + C),
            spm[mi] + C,
            np.zeros(freej.size),
            np.zeros(capj.size),
        ]
    )
    order = np.argsort(src, kind="stable")
    src, dst, ln = src[order], dst[order], ln[order]
    indptr = np.searchsorted(src, np.arange(n + 2))
    d = np.full(n + 1, np.inf)
    d[z] = 0.0
    frontier = np.array([z], dtype=np.int64)
    tiny = tol * 1e-3
    for _ in range(n + 3):
        lo, hi = indptr[frontier], indptr[frontier + 1]
        cnt = hi - lo
        if cnt.sum() == 0:
            break
        e = np.repeat(lo - np.concatenate([[0], np.cumsum(cnt)[:-1]]), cnt) + np.arange(cnt.sum())
        cand = d[src[e]] + ln[e]
        nd = d.copy()
        np.minimum.at(nd, dst[e], cand)
        frontier = np.flatnonzero(nd < d - tiny)
        if frontier.size == 0:
            break
        d[frontier] = nd[frontier]
    else:  # pragma: no cover - would mean the sparse solution was not optimal
        raise RuntimeError("negative cycle in the residual graph (internal error)")
    v = d[:n].copy()
    v[cap == 0] = np.inf
    alpha = np.full(m, smin - C)
    alpha[mi] = spm[mi] + smin - v[mate[mi]]
    return alpha, v


def _violations(
    S: NDArray[np.floating],
    A: NDArray[np.bool_] | None,
    alpha: NDArray[np.float64],
    v: NDArray[np.float64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    tol: float,
    L: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Allowed non-candidate pairs with reduced cost above ``tol`` (best ``L`` per row)."""
    m, n = S.shape
    out_r: list[NDArray[np.int64]] = []
    out_c: list[NDArray[np.int64]] = []
    step = _row_chunk(n)
    bounds = np.searchsorted(rows, np.arange(0, m + step, step))
    for k, r0 in enumerate(range(0, m, step)):
        r1 = min(m, r0 + step)
        R = S[r0:r1] - alpha[r0:r1, None]
        R -= v[None, :]
        if A is not None:
            R[~A[r0:r1]] = -np.inf
        lo, hi = bounds[k], bounds[k + 1]
        R[rows[lo:hi] - r0, cols[lo:hi]] = -np.inf
        viol = R > tol
        cnt = viol.sum(axis=1)
        if not cnt.any():
            continue
        big = np.flatnonzero(cnt > L)
        if big.size:
            sub = R[big]
            top = np.argpartition(sub, n - L, axis=1)[:, n - L :]
            viol[big] = False
            viol[np.repeat(big, L), top.ravel()] = True
            viol &= R > tol
        ri, ci = np.nonzero(viol)
        out_r.append(ri.astype(np.int64) + r0)
        out_c.append(ci.astype(np.int64))
    if not out_r:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(out_r), np.concatenate(out_c)
