r"""Exact capacitated assignment of mentees to mentors.

The solver works on a sparse *candidate graph* (each mentee's best few
mentors and each mentor's best few mentees), solves it exactly by successive
shortest augmenting paths (Dijkstra with node potentials) on the compact
graph -- mentors are single nodes with a capacity, not slot copies -- and then
checks the LP dual certificate against **every** allowed mentee x mentor pair
of the dense score matrix.  Pairs that could still improve the solution are
added and the solution is repaired from the previous one (the potentials are
kept), so later rounds cost a few augmentations, not a new solve.  When no
pair is left the answer is provably optimal over all pairs.

On structured scores (gaps x strengths with many near-ties) the first
candidates miss many pairs that matter and the shortest-path searches explore
large tied regions; when the certificate keeps failing, an epsilon-scaling
auction (:mod:`tandem.matching.engine._auction`) takes over and is checked by
the same dense certificate.

The inner loops are compiled with numba when it is installed (``numba`` in
requirements.txt); without it the same code runs as plain Python (correct,
but slow on large inputs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, Protocol, TypeVar, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tandem.matching.engine._auction import auction as _auction_kernel
from tandem.matching.engine._auction import dense_auction as _dense_auction_kernel
from tandem.matching.engine._validate import as_allowed, as_capacities, as_score_matrix

_P = ParamSpec("_P")
_R = TypeVar("_R")
_T = TypeVar("_T")
_U = TypeVar("_U")

#: Array types of the compiled kernels' arguments.
_F64 = NDArray[np.float64]
_I64 = NDArray[np.int64]
_Bool = NDArray[np.bool_]


class _Njit(Protocol):
    """``njit(cache=...)``: a decorator whose result is called like the kernel it wraps.

    The one form used here.  numba's own ``njit(cache=True)`` (a ``Dispatcher``
    factory) and the fallback below (returns the function itself) both fit it.
    """

    def __call__(self, *, cache: bool = ..., nogil: bool = ...) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]: ...


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


__all__ = ["optimal_assignment"]

#: Candidate mentors kept per mentee (its best ``_L_ROW`` allowed mentors).
_L_ROW = 4
#: Candidate mentees kept per mentor: its best ``_COL_MUL * c_j + _COL_ADD``
#: (``_COL_ADD_ONLY`` when only the mentors' side is used).
_COL_MUL = 2
_COL_ADD = 2
_COL_ADD_ONLY = 4
#: Seats count as scarce below this fraction of the mentees (column
#: candidates only), mentees above its inverse (row candidates only).
_SEATS_SCARCE = 0.8
_MENTEES_SCARCE = 1.25
#: Row stride of the sample that sets the column heaps' starting floor.
_SAMPLE_STRIDE = 8
#: At most this many improving pairs are added per mentee and certificate round.
_L_ADD = 8
#: More violating mentees than this fraction of ``m``: solve again from scratch
#: instead of repairing mentee by mentee.
_REPAIR_MAX = 1 / 16
#: Solve with the epsilon-scaling auction first (the successive-shortest-path
#: solver is the fallback when the auction exceeds its bid budget).
_USE_AUCTION = True
#: Certificate rounds of the successive-shortest-path solver before the auction takes over.
_SSP_ROUNDS = 3
#: Run the auction straight away (tests use this to exercise it on small inputs).
_AUCTION_FIRST = False
#: First epsilon as a fraction of the score range, and the factor between phases.
_EPS_START = 1 / 8
_EPS_FACTOR = 8.0
#: The auction gives up after this many bids per candidate pair and mentee.
_BID_BUDGET = 40
#: After a certificate round, epsilon restarts at this fraction of the largest violation.
_EPS_RESTART = 0.5
#: After the first auction, every mentee gets its best this many mentors at its prices.
_L_PRICED = 0
_AUC_COL_CAP = 0
#: Coarse epsilon phases run on the dense matrix (mentees bidding) before the
#: candidates are chosen by price, for inputs of at least ``_DENSE_MIN`` pairs.
_DENSE_PHASES = 3
_DENSE_MIN = 1 << 16
#: Mentors cached per mentee between full row scans in the dense phases (they
#: are also its candidates afterwards).
_DENSE_CACHE = 12
#: ... and at most this fraction of the score range.
_EPS_RESTART_MAX = 1e-3
#: Entries of the dense matrix converted per chunk when the input is not a
#: C-contiguous float64 array (bounds temporary memory).
_CHUNK_ENTRIES = 1 << 21
#: The certificate's full pass: rows per slice, threads, and the size from which threads are used.
_VIOL_ROWS = 512
_THREADS = 2
_THREADS_MIN_ENTRIES = 1 << 22


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

        \max_{x \in \{0,1\}^E} \; \sum_{(i,j) \in E} w_{ij} x_{ij},
        \quad w_{ij} = C + S_{ij} - \min S,
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

    **Algorithm.**  (1) *Candidate pairs*, in one pass over the matrix (which
    also yields :math:`\min S`, :math:`\max S`), from the side that fills up:
    each mentor's :math:`2 c_j + 4` best allowed mentees if seats are scarce
    (:math:`\sum_j \min(c_j, m) < 0.8 m`), each mentee's ``4`` best allowed
    mentors if mentees are (:math:`> 1.25 m`), both (:math:`2 c_j + 2` per
    mentor) in between.  Which pairs are candidates only affects speed: step 3
    adds any missing pair that matters.

    (2) *Exact solve on the candidates* as a min-cost flow: every mentee sends
    one unit either to a mentor (cost :math:`-w_{ij}`) or to a private dummy
    "unmatched" arc (cost 0) into the sink :math:`t`; mentor :math:`j` passes
    at most :math:`c_j` units to :math:`t`.  With potentials
    :math:`u_i, v_j` (and :math:`t` at 0) the residual graph has
    non-negative reduced costs iff

    * :math:`u_i + v_j \ge w_{ij}` on unassigned and :math:`\le` on assigned
      candidate pairs,
    * :math:`u_i \ge 0` for matched, :math:`u_i \le 0` for unmatched mentees,
    * :math:`v_j \le 0` for mentors with a free seat, :math:`v_j \ge 0` for
      mentors with an assigned mentee,

    which certifies that the flow is a minimum-cost one for its supplies and
    capacities.  The solver keeps these invariants while it grows the problem
    one unit at a time, each growth being one Dijkstra on the reduced costs
    from the new unit to the sink (successive shortest paths; the search stops
    as soon as the sink is settled and only settled nodes change potential):
    if :math:`\sum_j \min(c_j, m) \le m` it adds mentor seats round-robin
    (mentees start unmatched at :math:`u = 0`; a mentor's first seat starts
    at :math:`v_j = \max(0, \max_i w_{ij} - u_i)`) -- the seats are the
    side that fills up, so most searches end at once at a free mentee;
    otherwise it adds mentees one by one (mentors start at :math:`v = 0`, a
    new mentee at :math:`u_i = \max(0, \max_j w_{ij} - v_j)`).  The path
    search may also end at a dummy arc (a mentee drops out, or a seat stays
    empty) when that is cheaper, which is how cardinality and score are traded
    exactly.

    (3) *Certificate.*  LP duals follow from the potentials:
    :math:`\bar v_j = \max(v_j, 0)` (:math:`0` for mentors with a free seat),
    :math:`\bar u_i = w_{i\mu(i)} - \bar v_{\mu(i)}` for matched and
    :math:`0` for unmatched mentees.  They are feasible on the candidates and
    satisfy complementary slackness (tight on assigned pairs, :math:`\bar u_i
    = 0` for unmatched mentees, :math:`\bar v_j = 0` for mentors with a free
    seat).  The reduced cost :math:`r_{ij} = w_{ij} - \bar u_i - \bar v_j`
    is evaluated for *all* allowed pairs; if :math:`r_{ij} \le \text{tol}`
    everywhere, :math:`(\bar u, \bar v)` is dual feasible for the full LP (whose
    constraint matrix is totally unimodular) and has the assignment's
    objective, so by weak duality the assignment is optimal over all pairs.
    Otherwise the most violated pairs (up to ``8`` per mentee and
    :math:`2 c_j + 8` per mentor) join the candidates and each affected
    mentee is taken out (a mentor left with a free seat and :math:`v_j > 0` is
    repaired by a reverse search from that seat) and put back in with a fresh
    :math:`u_i` -- the invariants of step 2 hold throughout; with violations in
    more than :math:`m / 16` rows step 2 simply starts again on the larger
    graph.  The next check is incremental: a pair that passed before can only
    fail now if :math:`\bar u_i` or :math:`\bar v_j` decreased, so only those
    rows and columns (and the rows whose violations were not all added) are
    scanned again.  The loop ends because the candidate set grows every round.
    The pass over all pairs runs on two threads for large inputs; while the
    auction (4) is still an option, the first pass stops as soon as more than
    :math:`m / 16` rows have failed (the remaining rows are checked in full
    before any result is returned).

    (4) *Auction.*  If a certificate round finds violations in more than
    :math:`m / 16` mentees, or after 3 rounds, the problem is solved again by
    an epsilon-scaling forward auction on a *square* version: with
    :math:`s = \sum_j \min(c_j, m) \le m` the mentees bid for the seats and
    for the :math:`m - s` seats of a dummy mentor ("unmatched", weight 0);
    otherwise every seat bids (a mentor's seats are identical bidders) for the
    mentees and for :math:`s - m` dummy mentees ("seat left empty").  Values
    are :math:`w_{ij} - C = S_{ij} - \min S`, so the arithmetic keeps the
    scores' precision.  The first (coarse) phases, :math:`\varepsilon = D/8,
    D/64, D/512`, read the dense matrix (each mentee caches its best 12
    mentors between row scans, valid because prices only rise); the cached
    mentors then become the candidates for the remaining phases, down to
    :math:`\varepsilon \le \text{tol}/64`.  The duals :math:`\bar v_j` (the
    price of mentor :math:`j`'s cheapest seat minus the dummy's, 0 with a free
    seat) and :math:`\bar u_i` (tight on the assigned pair) are checked
    against every allowed pair as in step 3; violations join the candidates
    and the phases restart at half the largest violation.  If the auction
    exceeds its bid budget, or its duals fail on a pair it already had, step 2
    continues as before, so the result is always certified.

    Parameters
    ----------
    scores : array_like of shape (m, n)
        Score of mentee ``i`` with mentor ``j``; higher is better, any finite
        real (negative allowed).  C-contiguous float64 input is not copied;
        other layouts/dtypes are converted in row chunks.
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
    the sparse graph plus ``O(2**21)`` dense entries per chunk (none for
    C-contiguous float64 input).

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

    colok = cap > 0
    capm = np.minimum(cap, m)
    rows, cols, smin, smax = _initial_candidates(S, A, colok, capm)
    D = smax - smin
    scale = max(abs(smin), abs(smax), D) or 1.0
    K = min(m, int(capm.sum()))
    C = K * D + scale
    tol = 1024 * np.finfo(np.float64).eps * (C + scale)

    # The successive-shortest-path solver is fastest when the first candidates are
    # nearly right (e.g. independent scores); when the certificate keeps finding many
    # missing pairs (structured scores with near-ties), switch to the auction.
    auction_left = _USE_AUCTION
    rounds = 0
    if _AUCTION_FIRST:
        auction_left = False
        res = _solve_auction(S, A, colok, capm, rows, cols, smin, D, C, tol)
        if res is not None:
            return res
    st = _State(m, n, capm, seats_side=int(capm.sum()) <= m)
    g = _Graph(m, n, rows, cols, S[rows, cols].astype(np.float64) + (C - smin))
    st.solve(g)
    alpha, v = st.duals(C, smin)
    # While the auction is still an option, the first check may stop as soon as it has seen
    # enough failed rows to choose it (structured scores); rows it did not reach are then
    # checked in full later (``partial``), as the incremental re-check assumes they passed.
    enough = int(_REPAIR_MAX * m) + 16 if auction_left else 0
    new_r, new_c = _violations(S, A, colok, alpha, v, tol, enough=enough)
    partial = enough > 0 and _unique(new_r).size > enough
    for _ in range(10 * (m + n) + 10):
        # rows with a violation whose pairs were not all added (caps) are re-checked
        viol_rows = _unique(new_r)
        if new_r.size:  # drop pairs already present (numerical noise only)
            fresh = ~np.isin(new_r * n + new_c, rows * n + cols)
            new_r, new_c = _cap_per_column(S, alpha, v, new_r[fresh], new_c[fresh], capm)
        if new_r.size == 0 and not partial:
            return st.mate.copy()
        key = _unique(np.concatenate([rows * n + cols, new_r * n + new_c]))
        rows, cols = key // n, key % n
        g = _Graph(m, n, rows, cols, S[rows, cols].astype(np.float64) + (C - smin))
        bad_rows = _unique(new_r)
        rounds += 1
        if auction_left and (bad_rows.size > _REPAIR_MAX * m + 16 or rounds > _SSP_ROUNDS):
            auction_left = False
            res = _solve_auction(S, A, colok, capm, rows, cols, smin, D, C, tol)
            if res is not None:
                return res
        if bad_rows.size > _REPAIR_MAX * m + 16:  # cheaper to start again
            st = _State(m, n, capm, seats_side=st.seats_side)
            st.solve(g)
        else:
            st.repair(g, bad_rows)
        # Every pair outside the graph and outside ``viol_rows`` had reduced cost
        # <= tol under (alpha, v); it can only have grown where alpha_i or v_j
        # decreased: re-check those rows and columns and ``viol_rows``.
        alpha2, v2 = st.duals(C, smin)
        rr = np.union1d(np.flatnonzero(alpha2 < alpha), viol_rows)
        cc = np.flatnonzero(v2 < v)
        alpha, v = alpha2, v2
        if partial or rr.size * n + cc.size * m > m * n // 2:
            partial = False
            new_r, new_c = _violations(S, A, colok, alpha, v, tol)
        else:
            new_r, new_c = _violations(S, A, colok, alpha, v, tol, rr, cc)
    raise RuntimeError("optimal_assignment did not converge (internal error)")  # pragma: no cover


# ----------------------------------------------------------------------------
# auction path


def _unique(x: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sorted distinct values (a sort; NumPy's hash-based ``unique`` is slower here)."""
    y = np.sort(x)
    if y.size == 0:
        return y
    keep = np.empty(y.size, dtype=np.bool_)
    keep[0] = True
    np.not_equal(y[1:], y[:-1], out=keep[1:])
    return y[keep]


def _solve_auction(
    S: NDArray[np.floating],
    A: NDArray[np.bool_] | None,
    colok: NDArray[np.bool_],
    capm: NDArray[np.int64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    smin: float,
    D: float,
    C: float,
    tol: float,
) -> NDArray[np.int64] | None:
    """Epsilon-scaling auction on the candidates + dense certificate rounds.

    The problem is made square (a perfect matching exists): with
    :math:`s = \\sum_j c_j \\le m` mentees bid for the seats and for the
    :math:`m - s` seats of a dummy mentor ("unmatched", weight 0); with
    :math:`s > m` the seats bid (a mentor's seats are identical bidders) for
    the mentees and for :math:`s - m` dummy mentees ("empty seat").  Values
    are :math:`w - C`, i.e. :math:`S_{ij} - \\min S` for real pairs and
    :math:`-C` for dummy ones.  Returns the assignment, or ``None`` when the
    auction needed more bids than its budget or its duals do not certify the
    result (the caller then runs the successive-shortest-path solver).
    """
    m, n = S.shape
    seats = int(capm.sum())
    mentees_bid = seats <= m
    direct = S.dtype == np.float64 and S.flags.c_contiguous and (A is None or A.flags.c_contiguous)
    dense_first = mentees_bid and _DENSE_PHASES > 0 and direct and m * n >= _DENSE_MIN
    if not dense_first:  # (the dense phases end with a complete assignment of their own)
        rows, cols = _complete(S, A, colok, capm, rows, cols, smin)
    sboff = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(capm, out=sboff[1:])
    if mentees_bid:
        n_pers, n_obj = m, n + (1 if seats < m else 0)
        ocap = np.append(capm, m - seats) if seats < m else capm
    else:
        n_pers, n_obj = seats, m + 1
        ocap = np.append(np.ones(m, dtype=np.int64), seats - m)
        owner = np.repeat(np.arange(n, dtype=np.int64), capm)
    boff = np.zeros(n_obj + 1, dtype=np.int64)
    np.cumsum(ocap, out=boff[1:])
    hp = np.zeros(int(boff[-1]))
    dummy = n_obj - 1 if n_obj > (n if mentees_bid else m) else -1
    if dummy >= 0:
        hp[boff[dummy] :] = -C
    hh = np.full(int(boff[-1]), -1, dtype=np.int64)
    # cheapest seat per object; +inf (never chosen) for mentors without seats
    rootp = np.where(ocap > 0, hp[np.minimum(boff[:-1], max(int(boff[-1]) - 1, 0))], np.inf)
    spos = np.full(n_pers, -1, dtype=np.int64)
    pmate = np.full(n_pers, -1, dtype=np.int64)
    mval = np.zeros(n_pers)
    pi = np.zeros(n_pers)
    eps_f = max(tol / 64, 8 * np.finfo(np.float64).eps * max(D, 1e-300))
    eps_list = [eps_f]
    e = max(D, eps_f) * _EPS_START
    while e > eps_f:
        eps_list.append(e)
        e /= _EPS_FACTOR
    all_eps = np.array(sorted(eps_list, reverse=True))
    eps = all_eps
    jump = 4.0 * (C + D + 1.0)
    first_round = True
    if dense_first:
        # coarse phases on all pairs; their prices choose each mentee's candidates
        nd = min(_DENSE_PHASES, all_eps.size - 1)
        mb = np.ones((1, 1), dtype=np.bool_) if A is None else A
        Sd = cast("NDArray[np.float64]", S)
        ck = np.full((m, _DENSE_CACHE), -1, dtype=np.int64)
        bids = _dense_auction_kernel(Sd, mb, A is not None, colok, smin, boff, hp, hh, spos,
                                     pmate, pi, dummy, -C, all_eps[:nd],
                                     _BID_BUDGET * (m + n) * 4 + 10_000, jump, rootp, ck)  # fmt: skip
        if bids < 0:
            return None
        # each mentee's best mentors at its last full row scan (prices of these phases)
        pr_r = np.repeat(np.arange(m, dtype=np.int64), _DENSE_CACHE)
        pr_c = ck.ravel()
        pr_r, pr_c = pr_r[pr_c >= 0], pr_c[pr_c >= 0]
        held = np.flatnonzero((pmate >= 0) & (pmate < n))
        key = _unique(np.concatenate([rows * n + cols, pr_r * n + pr_c, held * n + pmate[held]]))
        rows, cols = key // n, key % n
        eps = all_eps[nd:]
    for _ in range(10 * (m + n) + 10):
        val = S[rows, cols].astype(np.float64) - smin
        if mentees_bid:
            pr, pc, pw = rows, cols, val
            if dummy >= 0:
                pr = np.concatenate([pr, np.arange(m, dtype=np.int64)])
                pc = np.concatenate([pc, np.full(m, dummy, dtype=np.int64)])
                pw = np.concatenate([pw, np.full(m, -C)])
        else:  # every seat of mentor j lists j's candidate mentees
            rep = capm[cols]
            pidx = np.repeat(np.arange(cols.size, dtype=np.int64), rep)
            first = np.repeat(np.cumsum(rep) - rep, rep)
            unit = sboff[cols[pidx]] + (np.arange(pidx.size, dtype=np.int64) - first)
            pr = np.concatenate([unit, np.arange(seats, dtype=np.int64)])
            pc = np.concatenate([rows[pidx], np.full(seats, m, dtype=np.int64)])
            pw = np.concatenate([val[pidx], np.full(seats, -C)])
        order = np.lexsort((pc, pr))
        g = _Graph(n_pers, n_obj, pr[order], pc[order], pw[order])
        budget = _BID_BUDGET * (g.rc.size + n_pers) + 10_000
        bids = _auction_kernel(g.rp, g.rc, g.rw, g.cp, g.ci, g.cw, boff, hp, hh, spos, pmate,
                               mval, pi, -np.inf, -np.inf, eps, budget, jump,
                               rootp)  # fmt: skip
        if bids < 0 or (pmate < 0).any():
            return None
        # LP duals: v_j >= 0 per mentor (0 with a free seat), u_i tight on the assignment
        if mentees_bid:
            mate = np.where(pmate == dummy, -1, pmate) if dummy >= 0 else pmate.copy()
            root = hp[np.minimum(boff[:n], int(boff[-1]) - 1)]
            ok = capm > 0
            base = hp[boff[dummy]] if dummy >= 0 else (root[ok].min() if ok.any() else 0.0)
            v = np.where(ok, np.maximum(np.where(ok, root, 0.0) - base, 0.0), 0.0)
            full = np.bincount(mate[mate >= 0], minlength=n) >= capm
        else:
            mate = np.full(m, -1, dtype=np.int64)
            real = pmate < m
            mate[pmate[real]] = owner[real]
            base = C + hp[boff[m]]
            best = np.full(n, -np.inf)
            np.maximum.at(best, owner, pi)
            full = np.bincount(owner[real], minlength=n) >= capm
            v = np.where(full & (capm > 0), np.maximum(best + base, 0.0), 0.0)
        v[~full] = 0.0
        v[capm == 0] = np.inf
        matched = mate >= 0
        u = np.zeros(m)
        mj = mate[matched]
        u[matched] = (np.asarray(S[np.flatnonzero(matched), mj], dtype=np.float64) - smin + C) - v[mj]
        if (u < -tol).any():
            return None
        alpha = u + (smin - C)
        new_r, new_c = _violations(S, A, colok, alpha, v, tol)
        if new_r.size:
            fresh = ~np.isin(new_r * n + new_c, rows * n + cols)
            if not fresh.all():  # a violated pair the auction saw: duals not exact enough
                return None
            if first_round and _L_PRICED:
                # the first prices show where the candidates were poor: give every
                # mentee its best mentors at these prices, violated or not
                pr_r, pr_c = _violations(S, A, colok, alpha, v, -np.inf, top=_L_PRICED)
                new_r = np.concatenate([new_r, pr_r])
                new_c = np.concatenate([new_c, pr_c])
            elif _AUC_COL_CAP:
                new_r, new_c = _cap_per_column(S, alpha, v, new_r, new_c, capm)
        first_round = False
        if new_r.size == 0:
            return mate
        key = _unique(np.concatenate([rows * n + cols, new_r * n + new_c]))
        rows, cols = key // n, key % n
        # scale again from the largest violation (a warm start at the final
        # epsilon would let the released bidders bid each other up in tiny steps)
        rmax = float((S[new_r, new_c] - alpha[new_r] - v[new_c]).max())
        eps = all_eps[all_eps <= max(min(rmax * _EPS_RESTART, D * _EPS_RESTART_MAX), eps_f)]
        if eps.size == 0 or eps[-1] > eps_f:
            eps = np.append(eps, eps_f)
    raise RuntimeError("optimal_assignment did not converge (internal error)")  # pragma: no cover


def _complete(
    S: NDArray[np.floating],
    A: NDArray[np.bool_] | None,
    colok: NDArray[np.bool_],
    capm: NDArray[np.int64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    smin: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Add pairs so that the candidates hold a matching as large as a greedy one on all pairs.

    A greedy matching on the candidates leaves some mentees and seats free;
    each free mentee (in order) gets the best allowed mentor that still has a
    free seat, scanned on the dense matrix.  Without this, mentees that only
    list popular mentors would bid prices up to the cardinality constant
    before giving up (the auction is slow on infeasible problems).
    """
    m, n = S.shape
    g = _Graph(m, n, rows, cols, S[rows, cols].astype(np.float64))
    left = capm.copy()
    mate = _greedy_kernel(g.rp, g.rc, g.rw, left)
    free_i = np.flatnonzero(mate < 0)
    if free_i.size == 0 or not (left > 0).any():
        return rows, cols
    add_r: list[NDArray[np.int64]] = []
    add_c: list[NDArray[np.int64]] = []
    step = max(1, _CHUNK_ENTRIES // max(n, 1))
    for r0 in range(0, free_i.size, step):
        if not (left > 0).any():
            break
        idx = free_i[r0 : r0 + step]
        blk = np.ascontiguousarray(S[idx], dtype=np.float64)
        mb = np.ones((1, 1), dtype=np.bool_) if A is None else np.ascontiguousarray(A[idx])
        ar, ac = _fill_kernel(blk, mb, A is not None, idx, left)
        add_r.append(ar)
        add_c.append(ac)
    if not add_r:
        return rows, cols
    key = _unique(np.concatenate([rows * n + cols] + [r * n + c for r, c in zip(add_r, add_c, strict=True)]))
    return key // n, key % n


@njit(cache=True)
def _greedy_kernel(rp: _I64, rc: _I64, rw: _F64, left: _I64) -> _I64:  # pragma: no cover
    m = rp.shape[0] - 1
    mate = np.full(m, -1, dtype=np.int64)
    for i in range(m):
        best = -np.inf
        bj = -1
        for k in range(rp[i], rp[i + 1]):
            j = rc[k]
            if left[j] > 0 and rw[k] > best:
                best = rw[k]
                bj = j
        if bj >= 0:
            mate[i] = bj
            left[bj] -= 1
    return mate


@njit(cache=True)
def _fill_kernel(blk: _F64, mb: _Bool, has_mask: bool, ridx: _I64,
                 left: _I64) -> tuple[_I64, _I64]:  # fmt: skip  # pragma: no cover
    nr, n = blk.shape
    out_r = np.empty(nr, dtype=np.int64)
    out_c = np.empty(nr, dtype=np.int64)
    k = 0
    for a in range(nr):
        best = -np.inf
        bj = -1
        for j in range(n):
            if left[j] > 0 and blk[a, j] > best and (not has_mask or mb[a, j]):
                best = blk[a, j]
                bj = j
        if bj >= 0:
            out_r[k] = ridx[a]
            out_c[k] = bj
            k += 1
            left[bj] -= 1
    return out_r[:k].copy(), out_c[:k].copy()


# ----------------------------------------------------------------------------
# dense passes (candidates, certificate)


def _blocks(
    S: NDArray[np.floating], A: NDArray[np.bool_] | None
) -> Iterator[tuple[int, NDArray[np.float64], NDArray[np.bool_]]]:
    """Row blocks of ``S`` (and ``A``) as C-contiguous float64 / bool arrays."""
    m, n = S.shape
    dummy = np.ones((1, 1), dtype=np.bool_)
    direct = S.dtype == np.float64 and S.flags.c_contiguous
    if direct and (A is None or A.flags.c_contiguous):
        # ``direct`` checked the dtype, which the type checker cannot narrow
        yield 0, cast("NDArray[np.float64]", S), (dummy if A is None else A)
        return
    step = max(1, _CHUNK_ENTRIES // max(n, 1))
    for r0 in range(0, m, step):
        r1 = min(m, r0 + step)
        blk = np.ascontiguousarray(S[r0:r1], dtype=np.float64)
        mb = dummy if A is None else np.ascontiguousarray(A[r0:r1])
        yield r0, blk, mb


def _initial_candidates(
    S: NDArray[np.floating],
    A: NDArray[np.bool_] | None,
    colok: NDArray[np.bool_],
    capm: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], float, float]:
    """Candidate pairs (sorted by row, col; unique) and ``min S``, ``max S``.

    Candidates come from the side that fills up: each mentor's
    ``2 c_j + 4`` best allowed mentees when seats are scarce
    (:math:`\\sum c < 0.8 m`), each mentee's ``4`` best allowed mentors when
    mentees are (:math:`\\sum c > 1.25 m`), both (``2 c_j + 2`` per mentor)
    in between.  The column top lists start from a floor, the
    :math:`(\\lceil k_j / 4 \\rceil + 2)`-th best of every 8th mentee, so that few
    entries of the full pass touch a heap; a column whose heap ends short (its
    floor was too high) is redone exactly.  Which pairs are candidates only
    affects speed: the dual certificate adds any missing pair that matters.
    """
    m, n = S.shape
    ratio = float(capm.sum()) / m
    use_rows = ratio >= _SEATS_SCARCE
    use_cols = ratio <= _MENTEES_SCARCE
    L = min(_L_ROW, n) if use_rows else 0
    if use_cols:
        add = _COL_ADD_ONLY if not use_rows else _COL_ADD
        kcol = np.where(colok, np.minimum(_COL_MUL * capm + add, m), 0).astype(np.int64)
    else:
        kcol = np.zeros(n, dtype=np.int64)
    hmin = np.where(colok, -np.inf, np.inf)
    if use_cols and m >= 4 * _SAMPLE_STRIDE * int(kcol.max()):
        tk = np.where(colok, -(-kcol // (_SAMPLE_STRIDE // 2)) + 2, 0).astype(np.int64)
        toff = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(tk, out=toff[1:])
        tval = np.empty(int(toff[-1]))
        trow = np.empty(int(toff[-1]), dtype=np.int64)
        tcnt = np.zeros(n, dtype=np.int64)
        tmin = np.where(colok, -np.inf, np.inf)
        for r0, blk, mb in _blocks(S, A):
            _col_sample_kernel(blk, mb, A is not None, r0, _SAMPLE_STRIDE, colok,
                               tval, trow, tcnt, tmin, toff)  # fmt: skip
        hmin = tmin  # the heaps only take entries above the sample's floor
    koff = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(kcol, out=koff[1:])
    hval = np.empty(int(koff[-1]))
    hrow = np.full(int(koff[-1]), -1, dtype=np.int64)
    hcnt = np.zeros(n, dtype=np.int64)
    rtop = np.full((m, L), -1, dtype=np.int64)
    mnmx = np.array([np.inf, -np.inf])
    for r0, blk, mb in _blocks(S, A):
        _cand_kernel(blk, mb, A is not None, r0, colok, rtop, use_cols,
                     hval, hrow, hcnt, hmin, koff, mnmx)  # fmt: skip
    # A floor above a column's k-th best leaves its heap short: redo it exactly.
    short = np.flatnonzero(colok & (hcnt < kcol) & (hmin > -np.inf) & (hcnt < m))
    for j in short:
        col = np.asarray(S[:, j], dtype=np.float64)
        okm = np.ones(m, dtype=bool) if A is None else A[:, j]
        idx = np.flatnonzero(okm)
        k = int(min(kcol[j], idx.size))
        top = idx[np.argpartition(-col[idx], k - 1)[:k]] if k else idx[:0]
        base = koff[j]
        hrow[base : base + kcol[j]] = -1
        hrow[base : base + k] = top
    rr = np.repeat(np.arange(m, dtype=np.int64), L)
    rc = rtop.ravel()
    okr = rc >= 0
    cc = np.repeat(np.arange(n, dtype=np.int64), kcol)
    okc = hrow >= 0
    key = _unique(np.concatenate([rr[okr] * n + rc[okr], hrow[okc] * n + cc[okc]]))
    return key // n, key % n, float(mnmx[0]), float(mnmx[1])


@njit(cache=True)
def _top_insert(tv: _F64, tc: _I64, cnt: int, x: float, j: int) -> int:  # pragma: no cover
    """Insert value ``x`` of column ``j`` into the descending top list ``(tv, tc)`` holding ``cnt``
    entries (capacity ``len(tv)``; the smallest falls off when full). Returns the new count."""
    L = tv.shape[0]
    p = cnt if cnt < L else L - 1
    while p > 0 and tv[p - 1] < x:
        tv[p] = tv[p - 1]
        tc[p] = tc[p - 1]
        p -= 1
    tv[p] = x
    tc[p] = j
    return cnt + 1 if cnt < L else cnt


@njit(cache=True)
def _heap_push(
    hval: _F64, hrow: _I64, hcnt: _I64, hmin: _F64, koff: _I64, j: int, x: float, i: int
) -> None:  # pragma: no cover
    """Offer ``(x, i)`` to column ``j``'s min-heap of its ``k_j`` best entries."""
    base = koff[j]
    k = koff[j + 1] - base
    if k == 0:
        return
    if hcnt[j] < k:
        q = hcnt[j]
        hcnt[j] = q + 1
        while q > 0:
            par = (q - 1) >> 1
            if hval[base + par] <= x:
                break
            hval[base + q] = hval[base + par]
            hrow[base + q] = hrow[base + par]
            q = par
        hval[base + q] = x
        hrow[base + q] = i
        if hcnt[j] == k:
            hmin[j] = hval[base]
    else:
        q = 0
        while True:
            c = 2 * q + 1
            if c >= k:
                break
            if c + 1 < k and hval[base + c + 1] < hval[base + c]:
                c += 1
            if hval[base + c] >= x:
                break
            hval[base + q] = hval[base + c]
            hrow[base + q] = hrow[base + c]
            q = c
        hval[base + q] = x
        hrow[base + q] = i
        hmin[j] = hval[base]


@njit(cache=True)
def _col_sample_kernel(blk: _F64, mb: _Bool, has_mask: bool, r0: int, stride: int, colok: _Bool,
                       hval: _F64, hrow: _I64, hcnt: _I64, hmin: _F64,
                       koff: _I64) -> None:  # fmt: skip  # pragma: no cover
    nr, n = blk.shape
    a = (stride - r0 % stride) % stride
    while a < nr:
        for j in range(n):
            x = blk[a, j]
            if x > hmin[j] and colok[j] and (not has_mask or mb[a, j]):
                _heap_push(hval, hrow, hcnt, hmin, koff, j, x, r0 + a)
        a += stride


@njit(cache=True)
def _cand_kernel(blk: _F64, mb: _Bool, has_mask: bool, r0: int, colok: _Bool, rtop: _I64,
                 use_cols: bool, hval: _F64, hrow: _I64, hcnt: _I64, hmin: _F64, koff: _I64,
                 mnmx: _F64) -> None:  # fmt: skip  # pragma: no cover
    nr, n = blk.shape
    L = rtop.shape[1]
    mn = mnmx[0]
    mx = mnmx[1]
    tv = np.empty(max(L, 1))
    tc = np.empty(max(L, 1), dtype=np.int64)
    for a in range(nr):
        i = r0 + a
        cnt = 0
        worst = -np.inf if L > 0 else np.inf
        for j in range(n):
            x = blk[a, j]
            mn = x if x < mn else mn
            mx = x if x > mx else mx
            if x > worst or (use_cols and x > hmin[j]):
                if not colok[j] or (has_mask and not mb[a, j]):
                    continue
                if x > worst or cnt < L:
                    cnt = _top_insert(tv, tc, cnt, x, j)
                    if cnt == L:
                        worst = tv[L - 1]
                if use_cols and x > hmin[j]:
                    _heap_push(hval, hrow, hcnt, hmin, koff, j, x, i)
        for p in range(cnt):
            rtop[i, p] = tc[p]
    mnmx[0] = mn
    mnmx[1] = mx


def _cap_per_column(
    S: NDArray[np.floating],
    alpha: NDArray[np.float64],
    v: NDArray[np.float64],
    r: NDArray[np.int64],
    c: NDArray[np.int64],
    capm: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Keep each mentor's ``2 c_j + _L_ADD`` most violated of the pairs ``(r, c)``.

    (A mentor left with a free seat has price 0 and is violated by every
    unmatched mentee; a few of them are enough to make progress.)
    """
    if r.size == 0:
        return r, c
    red = S[r, c] - alpha[r] - v[c]
    order = np.lexsort((-red, c))
    cs = c[order]
    first = np.searchsorted(cs, cs, side="left")
    keep = order[np.arange(cs.size) - first < 2 * capm[cs] + _L_ADD]
    return r[keep], c[keep]


@njit(cache=True)
def _grow(out_r: _I64, out_c: _I64, nout: int, extra: int) -> tuple[_I64, _I64]:  # pragma: no cover
    """Room for ``extra`` more entries after the first ``nout`` of two index arrays."""
    if nout + extra <= out_r.shape[0]:
        return out_r, out_c
    k = 2 * out_r.shape[0] + extra
    o1 = np.empty(k, dtype=np.int64)
    o2 = np.empty(k, dtype=np.int64)
    o1[:nout] = out_r[:nout]
    o2[:nout] = out_c[:nout]
    return o1, o2


def _violations(
    S: NDArray[np.floating],
    A: NDArray[np.bool_] | None,
    colok: NDArray[np.bool_],
    alpha: NDArray[np.float64],
    v: NDArray[np.float64],
    tol: float,
    rows: NDArray[np.int64] | None = None,
    cols: NDArray[np.int64] | None = None,
    top: int = 0,
    enough: int = 0,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Allowed pairs with ``S_ij - alpha_i - v_j > tol`` (the ``_L_ADD`` worst per row).

    All pairs, or only those in the given ``rows`` and ``cols``.  ``top``
    overrides ``_L_ADD`` (with ``tol = -inf``: every row's best ``top`` pairs).
    ``enough > 0``: the full pass may stop once more than that many rows failed
    (the result is then a subset of the violations).
    """
    L = top or _L_ADD
    out_r: list[NDArray[np.int64]] = []
    out_c: list[NDArray[np.int64]] = []
    if rows is None or cols is None:
        parts = _blocks(S, A)
    else:
        parts = iter([])
        if rows.size:
            blk = np.ascontiguousarray(S[rows], dtype=np.float64)
            mb = np.ones((1, 1), dtype=np.bool_) if A is None else np.ascontiguousarray(A[rows])
            vr, vc = _viol_kernel(blk, mb, A is not None, rows, colok, alpha, v, tol, L)
            out_r.append(vr)
            out_c.append(vc)
        if cols.size:
            R = S[:, cols] - alpha[:, None]
            R -= v[cols]
            bad = R > tol
            if A is not None:
                bad &= A[:, cols]
            ri, ci = np.nonzero(bad)
            out_r.append(ri.astype(np.int64))
            out_c.append(cols[ci])
    # Row slices of the blocks: two threads check them side by side (the kernel releases the
    # GIL), and with ``enough`` the pass stops once that many rows have failed -- the caller
    # only needs to know that the candidates were poor, not every pair that says so.
    pieces = ((r0 + a, blk[a : a + _VIOL_ROWS], mb if A is None else mb[a : a + _VIOL_ROWS])
              for r0, blk, mb in parts for a in range(0, blk.shape[0], _VIOL_ROWS))  # fmt: skip

    def check(piece: tuple[int, NDArray[np.float64], NDArray[np.bool_]]) -> tuple[_I64, _I64]:
        r0, blk, mb = piece
        ridx = np.arange(r0, r0 + blk.shape[0], dtype=np.int64)
        return _viol_kernel(blk, mb, A is not None, ridx, colok, alpha, v, tol, L)

    workers = _THREADS if S.size >= _THREADS_MIN_ENTRIES else 1
    failed = 0
    with ThreadPoolExecutor(max_workers=workers) if workers > 1 else _NoPool() as pool:
        while True:
            wave = [p for _, p in zip(range(workers), pieces, strict=False)]
            if not wave:
                break
            for vr, vc in pool.map(check, wave):
                out_r.append(vr)
                out_c.append(vc)
                failed += _unique(vr).size if enough else 0
            if enough and failed > enough:
                break
    if not out_r:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(out_r), np.concatenate(out_c)


class _NoPool:
    """One worker: map in this thread (no thread started for small inputs)."""

    def __enter__(self) -> _NoPool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn: Callable[[_T], _U], items: list[_T]) -> Iterator[_U]:
        return map(fn, items)


@njit(cache=True, nogil=True)
def _viol_kernel(blk: _F64, mb: _Bool, has_mask: bool, ridx: _I64, colok: _Bool, alpha: _F64,
                 v: _F64, tol: float, L: int) -> tuple[_I64, _I64]:  # fmt: skip  # pragma: no cover
    nr, n = blk.shape
    vr = np.empty(64, dtype=np.int64)
    vc = np.empty(64, dtype=np.int64)
    nv = 0
    tv = np.empty(L)
    tc = np.empty(L, dtype=np.int64)
    for a in range(nr):
        i = ridx[a]
        th = alpha[i] + tol
        cnt = 0
        for j in range(n):
            x = blk[a, j] - v[j]
            if x > th and colok[j] and (not has_mask or mb[a, j]):
                r = x - alpha[i]
                if cnt < L or r > tv[L - 1]:
                    cnt = _top_insert(tv, tc, cnt, r, j)
        if cnt:
            vr, vc = _grow(vr, vc, nv, cnt)
            for p in range(cnt):
                vr[nv] = i
                vc[nv] = tc[p]
                nv += 1
    return vr[:nv].copy(), vc[:nv].copy()


# ----------------------------------------------------------------------------
# sparse solver


class _Graph:
    """Candidate pairs in CSR (by mentee) and CSC (by mentor) form with weights ``w``."""

    def __init__(self, m: int, n: int, rows: _I64, cols: _I64, w: _F64) -> None:
        self.rp: _I64 = np.searchsorted(rows, np.arange(m + 1)).astype(np.int64)
        self.rc: _I64 = cols
        self.rw: _F64 = w
        order = np.argsort(cols, kind="stable")
        self.cp: _I64 = np.searchsorted(cols[order], np.arange(n + 1)).astype(np.int64)
        self.ci: _I64 = rows[order]
        self.cw: _F64 = w[order]


class _State:
    """Assignment, potentials and work arrays of the successive-shortest-path solver."""

    def __init__(self, m: int, n: int, capm: _I64, seats_side: bool) -> None:
        self.m, self.n = m, n
        self.capfull = capm
        self.seats_side = seats_side
        self.u = np.zeros(m)
        self.v = np.zeros(n)
        self.mate = np.full(m, -1, dtype=np.int64)
        self.wm = np.zeros(m)
        self.load = np.zeros(n, dtype=np.int64)
        self.cap = np.zeros(n, dtype=np.int64)
        self.act_i = np.zeros(m, dtype=np.bool_)
        self.act_j = np.zeros(n, dtype=np.bool_)
        self.dist = np.full(m + n, np.inf)
        self.fin = np.zeros(m + n, dtype=np.bool_)
        self.via = np.zeros(m + n, dtype=np.int64)
        self.viaw = np.zeros(m + n)
        self.touched = np.zeros(m + n, dtype=np.int64)

    def _args(self, g: _Graph) -> tuple[
        int, _I64, _I64, _F64, _I64, _I64, _F64,
        _F64, _F64, _I64, _F64, _I64, _I64, _Bool, _Bool,
        _F64, _Bool, _I64, _F64, _I64,
        _F64, _I64,
    ]:  # fmt: skip
        """The solver kernels' arguments after the first, in their order."""
        hsize = 2 * g.rc.size + self.m + self.n + 2
        return (
            self.m, g.rp, g.rc, g.rw, g.cp, g.ci, g.cw,
            self.u, self.v, self.mate, self.wm, self.load, self.cap, self.act_i, self.act_j,
            self.dist, self.fin, self.via, self.viaw, self.touched,
            np.empty(hsize), np.empty(hsize, dtype=np.int64),
        )  # fmt: skip

    def solve(self, g: _Graph) -> None:
        if self.seats_side:
            _solve_seats(self.capfull, *self._args(g))
        else:
            _solve_mentees(self.capfull, *self._args(g))

    def repair(self, g: _Graph, viol_rows: _I64) -> None:
        _repair(viol_rows, *self._args(g))

    def duals(self, C: float, smin: float) -> tuple[_F64, _F64]:
        """``(alpha, v)`` with reduced cost ``S_ij - alpha_i - v_j`` (see step 3)."""
        v = np.maximum(self.v, 0.0)
        v[self.load < self.capfull] = 0.0
        v[self.capfull == 0] = np.inf
        matched = self.mate >= 0
        u = np.zeros(self.m)
        u[matched] = self.wm[matched] - v[self.mate[matched]]
        return u + (smin - C), v


@njit(cache=True)
def _hpush(hk: _F64, hn: _I64, size: int, key: float, node: int) -> int:  # pragma: no cover
    q = size
    while q > 0:
        p = (q - 1) >> 1
        if hk[p] <= key:
            break
        hk[q] = hk[p]
        hn[q] = hn[p]
        q = p
    hk[q] = key
    hn[q] = node
    return size + 1


@njit(cache=True)
def _hpop(hk: _F64, hn: _I64, size: int) -> tuple[float, int, int]:  # pragma: no cover
    key = hk[0]
    node = hn[0]
    size -= 1
    if size > 0:
        xk = hk[size]
        xn = hn[size]
        q = 0
        while True:
            c = 2 * q + 1
            if c >= size:
                break
            if c + 1 < size and hk[c + 1] < hk[c]:
                c += 1
            if hk[c] >= xk:
                break
            hk[q] = hk[c]
            hn[q] = hn[c]
            q = c
        hk[q] = xk
        hn[q] = xn
    return key, node, size


@njit(cache=True)
def _fwd(i0: int, m: int, rp: _I64, rc: _I64, rw: _F64, cp: _I64, ci: _I64, cw: _F64, u: _F64,
         v: _F64, mate: _I64, wm: _F64, load: _I64, cap: _I64, act_i: _Bool, act_j: _Bool,
         dist: _F64, fin: _Bool, via: _I64, viaw: _F64, touched: _I64, hk: _F64,
         hn: _I64) -> None:  # fmt: skip  # pragma: no cover
    """Shortest path from the new mentee ``i0`` to the sink; augment; update potentials."""
    nt = 0
    dist[i0] = 0.0
    touched[nt] = i0
    nt += 1
    best = u[i0]  # i0 stays unmatched
    term = i0
    size = _hpush(hk, hn, 0, 0.0, i0)
    while size > 0:
        d, x, size = _hpop(hk, hn, size)
        if fin[x] or d > dist[x]:
            continue
        if d >= best:
            break
        fin[x] = True
        if x < m:
            i = x
            if i != i0:
                t = d + u[i]  # i drops out
                if t < best:
                    best = t
                    term = x
            ui = u[i]
            mi = mate[i]
            for k in range(rp[i], rp[i + 1]):
                j = rc[k]
                if j == mi or not act_j[j]:
                    continue
                y = m + j
                if fin[y]:
                    continue
                nd = d + ui + v[j] - rw[k]
                if nd < dist[y]:
                    if dist[y] == np.inf:
                        touched[nt] = y
                        nt += 1
                    dist[y] = nd
                    via[y] = i
                    viaw[y] = rw[k]
                    size = _hpush(hk, hn, size, nd, y)
        else:
            j = x - m
            vj = v[j]
            if load[j] < cap[j]:
                t = d - vj  # free seat
                if t < best:
                    best = t
                    term = x
            for k in range(cp[j], cp[j + 1]):
                i = ci[k]
                if mate[i] != j or fin[i]:
                    continue
                nd = d + cw[k] - u[i] - vj
                if nd < dist[i]:
                    if dist[i] == np.inf:
                        touched[nt] = i
                        nt += 1
                    dist[i] = nd
                    size = _hpush(hk, hn, size, nd, i)
    delta = best
    for a in range(nt):
        x = touched[a]
        if fin[x]:
            if x < m:
                u[x] -= delta - dist[x]
            else:
                v[x - m] += delta - dist[x]
        fin[x] = False
        dist[x] = np.inf
    if term >= m:
        cur = term - m
        load[cur] += 1
    elif term == i0:
        return
    else:
        cur = mate[term]
        mate[term] = -1
    while True:
        i = via[m + cur]
        nxt = mate[i]
        mate[i] = cur
        wm[i] = viaw[m + cur]
        if i == i0:
            break
        cur = nxt


@njit(cache=True)
def _rev(j0: int, m: int, rp: _I64, rc: _I64, rw: _F64, cp: _I64, ci: _I64, cw: _F64, u: _F64,
         v: _F64, mate: _I64, wm: _F64, load: _I64, cap: _I64, act_i: _Bool, act_j: _Bool,
         dist: _F64, fin: _Bool, via: _I64, viaw: _F64, touched: _I64, hk: _F64,
         hn: _I64) -> None:  # fmt: skip  # pragma: no cover
    """Shortest path from the sink to the free seat of mentor ``j0``; augment; update."""
    nt = 0
    y0 = m + j0
    dist[y0] = 0.0
    touched[nt] = y0
    nt += 1
    best = v[j0]  # the seat stays empty
    term = y0
    size = _hpush(hk, hn, 0, 0.0, y0)
    while size > 0:
        d, x, size = _hpop(hk, hn, size)
        if fin[x] or d > dist[x]:
            continue
        if d >= best:
            break
        fin[x] = True
        if x >= m:
            j = x - m
            vj = v[j]
            if j != j0:
                t = d + vj  # j gives up a seat
                if t < best:
                    best = t
                    term = x
            for k in range(cp[j], cp[j + 1]):
                i = ci[k]
                if mate[i] == j or fin[i] or not act_i[i]:
                    continue
                nd = d + u[i] + vj - cw[k]
                if nd < dist[i]:
                    if dist[i] == np.inf:
                        touched[nt] = i
                        nt += 1
                    dist[i] = nd
                    via[i] = j
                    viaw[i] = cw[k]
                    size = _hpush(hk, hn, size, nd, i)
        else:
            i = x
            mi = mate[i]
            if mi < 0:
                t = d - u[i]  # a free mentee
                if t < best:
                    best = t
                    term = x
            else:
                y = m + mi
                if not fin[y]:
                    nd = d + wm[i] - u[i] - v[mi]
                    if nd < dist[y]:
                        if dist[y] == np.inf:
                            touched[nt] = y
                            nt += 1
                        dist[y] = nd
                        via[y] = i
                        size = _hpush(hk, hn, size, nd, y)
    delta = best
    for a in range(nt):
        x = touched[a]
        if fin[x]:
            if x < m:
                u[x] += delta - dist[x]
            else:
                v[x - m] -= delta - dist[x]
        fin[x] = False
        dist[x] = np.inf
    if term >= m:
        jt = term - m
        if jt == j0:
            return
        load[jt] -= 1
        i = via[term]
    else:
        i = term
    load[j0] += 1
    while True:
        j = via[i]
        mate[i] = j
        wm[i] = viaw[i]
        if j == j0:
            break
        i = via[m + j]


@njit(cache=True)
def _activate_mentee(
    i: int, rp: _I64, rc: _I64, rw: _F64, v: _F64, u: _F64, act_i: _Bool, act_j: _Bool
) -> None:  # pragma: no cover
    best = 0.0
    for k in range(rp[i], rp[i + 1]):
        j = rc[k]
        if act_j[j]:
            t = rw[k] - v[j]
            if t > best:
                best = t
    u[i] = best
    act_i[i] = True


@njit(cache=True)
def _solve_seats(capfull: _I64, m: int, rp: _I64, rc: _I64, rw: _F64, cp: _I64, ci: _I64, cw: _F64,
                 u: _F64, v: _F64, mate: _I64, wm: _F64, load: _I64, cap: _I64, act_i: _Bool,
                 act_j: _Bool, dist: _F64, fin: _Bool, via: _I64, viaw: _F64, touched: _I64,
                 hk: _F64, hn: _I64) -> None:  # fmt: skip  # pragma: no cover
    """Mentees all present and unmatched; add mentor seats round-robin."""
    n = capfull.shape[0]
    for i in range(m):
        act_i[i] = True
    kmax = 0
    for j in range(n):
        kmax = max(kmax, capfull[j])
    for level in range(1, kmax + 1):
        for j in range(n):
            if capfull[j] < level:
                continue
            if level == 1:
                best = 0.0
                for k in range(cp[j], cp[j + 1]):
                    t = cw[k] - u[ci[k]]
                    if t > best:
                        best = t
                v[j] = best
                act_j[j] = True
            cap[j] = level
            if v[j] > 0.0:
                _rev(j, m, rp, rc, rw, cp, ci, cw, u, v, mate, wm, load, cap, act_i, act_j,
                     dist, fin, via, viaw, touched, hk, hn)  # fmt: skip


@njit(cache=True)
def _solve_mentees(capfull: _I64, m: int, rp: _I64, rc: _I64, rw: _F64, cp: _I64, ci: _I64,
                   cw: _F64, u: _F64, v: _F64, mate: _I64, wm: _F64, load: _I64, cap: _I64,
                   act_i: _Bool, act_j: _Bool, dist: _F64, fin: _Bool, via: _I64, viaw: _F64,
                   touched: _I64, hk: _F64, hn: _I64) -> None:  # fmt: skip  # pragma: no cover
    """Mentors all present at full capacity with ``v = 0``; add mentees one by one."""
    n = capfull.shape[0]
    for j in range(n):
        cap[j] = capfull[j]
        act_j[j] = capfull[j] > 0
        v[j] = 0.0
    for i in range(m):
        _activate_mentee(i, rp, rc, rw, v, u, act_i, act_j)
        _fwd(i, m, rp, rc, rw, cp, ci, cw, u, v, mate, wm, load, cap, act_i, act_j,
             dist, fin, via, viaw, touched, hk, hn)  # fmt: skip


@njit(cache=True)
def _repair(rows: _I64, m: int, rp: _I64, rc: _I64, rw: _F64, cp: _I64, ci: _I64, cw: _F64, u: _F64,
            v: _F64, mate: _I64, wm: _F64, load: _I64, cap: _I64, act_i: _Bool, act_j: _Bool,
            dist: _F64, fin: _Bool, via: _I64, viaw: _F64, touched: _I64, hk: _F64,
            hn: _I64) -> None:  # fmt: skip  # pragma: no cover
    """Take the mentees ``rows`` out, refill their mentors' seats, put them back in."""
    for a in range(rows.shape[0]):
        i = rows[a]
        act_i[i] = False
        j = mate[i]
        if j >= 0:
            mate[i] = -1
            load[j] -= 1
    for j in range(cap.shape[0]):
        while act_j[j] and load[j] < cap[j] and v[j] > 0.0:
            _rev(j, m, rp, rc, rw, cp, ci, cw, u, v, mate, wm, load, cap, act_i, act_j,
                 dist, fin, via, viaw, touched, hk, hn)  # fmt: skip
    for a in range(rows.shape[0]):
        i = rows[a]
        _activate_mentee(i, rp, rc, rw, v, u, act_i, act_j)
        _fwd(i, m, rp, rc, rw, cp, ci, cw, u, v, mate, wm, load, cap, act_i, act_j,
             dist, fin, via, viaw, touched, hk, hn)  # fmt: skip
