"""Best ``k`` mentors per mentee from a dense score matrix.

The work is done chunk by chunk over mentee rows: each chunk of the score
array is copied (with disallowed pairs replaced by ``-inf``) into a small
scratch buffer sized to stay in the CPU's L2 cache, and the top ``k`` are
read off that buffer.  For small ``k`` (the usual 3-10 suggestions) this is
``k`` passes of :func:`numpy.argmax`, each followed by masking the winner;
for larger ``k`` a partition/threshold method is used.  Working memory is
one scratch buffer (plus a mask buffer when ``allowed`` is given) per worker
thread, i.e. a few MiB, independent of the number of mentees.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from tandem.matching.engine.scoring import ScoreMatrix

__all__ = ["top_k"]

#: Up to this ``k`` the top entries are found by ``k`` argmax passes; above it
#: by a partition/threshold method (see :func:`_block_partition`).
_ARGMAX_MAX_K = 64
#: Target size of one scratch buffer (bytes): about one core's L2 cache.
_CHUNK_BYTES = 1 << 20
#: Below this many matrix entries a single thread is used by default.
_THREADS_MIN_ENTRIES = 1 << 22


def top_k(
    scores: ArrayLike | ScoreMatrix,
    k: int = 3,
    allowed: ArrayLike | None = None,
    *,
    chunk_rows: int | None = None,
    workers: int | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    r"""Return the ``k`` highest-scoring allowed mentors for every mentee.

    For each row :math:`i` of the score matrix :math:`S \in \mathbb{R}^{m \times n}`
    the result lists the column indices :math:`j_1, \dots, j_k` of the largest
    :math:`S_{ij}` over allowed :math:`j`, ordered by decreasing score; among equal
    scores the lower column index comes first, so the result is fully
    deterministic and equals a stable descending sort of each row truncated to
    ``k`` entries.

    Parameters
    ----------
    scores : array_like of shape (m, n) or ScoreMatrix
        Pair scores (float32 or float64 are used as they are, without a copy of
        the whole array; integer arrays are converted chunk by chunk).  If a
        :class:`~tandem.matching.engine.scoring.ScoreMatrix` is given, its
        ``total`` and ``allowed`` are used.  A score of ``-inf`` is treated like
        a disallowed pair.
    k : int, default 3
        Number of mentors per mentee, ``k >= 1``.  May exceed ``n``.
    allowed : array_like of bool, shape (m, n), optional
        ``False`` marks pairs that must not be suggested.  Combined with a
        ScoreMatrix's own ``allowed`` by logical AND.
    chunk_rows : int, optional
        Mentee rows per chunk.  Default: as many rows as fit in about 1 MiB.
    workers : int, optional
        Threads working on chunks in parallel (NumPy releases the GIL in the
        inner loops).  Default: ``min(2, os.cpu_count())`` for matrices of at
        least 4 Mi entries, otherwise 1.

    Returns
    -------
    indices : ndarray of int64, shape (m, k)
        Mentor column indices, best first; ``-1`` where fewer than ``k``
        allowed mentors exist.
    values : ndarray of float64, shape (m, k)
        The corresponding scores; ``-inf`` in padded slots.

    Raises
    ------
    ValueError
        If ``k < 1``, the shapes disagree, ``scores`` is not 2-D or not real,
        or an allowed score is NaN (the message names the first such position).

    Notes
    -----
    Working memory beyond the input and the two ``(m, k)`` outputs is, per
    worker, one ``(chunk_rows, n)`` buffer of the score dtype and, when
    ``allowed`` is given, one ``(chunk_rows, n)`` integer mask buffer of the same
    item size -- about 1-2 MiB each with the default chunk size.  NaN scores at
    disallowed positions are ignored.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.array([[0.2, 0.9, 0.9, 0.1],
    ...               [0.5, 0.4, 0.3, 0.6]])
    >>> idx, val = top_k(s, k=2, allowed=[[True, True, True, True],
    ...                                   [False, True, False, False]])
    >>> idx
    array([[ 1,  2],
           [ 1, -1]])
    >>> val
    array([[ 0.9,  0.9],
           [ 0.4, -inf]])
    """
    s_arr, mask = _unpack(scores, allowed)
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"k must be an integer, got {k!r}")
    k = int(k)
    if k < 1:
        raise ValueError(f"k must be ≥ 1, got {k}")
    m, n = s_arr.shape
    work_dtype = s_arr.dtype if s_arr.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    if chunk_rows is None:
        chunk_rows = max(1, _CHUNK_BYTES // max(1, n * work_dtype.itemsize))
    elif isinstance(chunk_rows, bool) or not isinstance(chunk_rows, (int, np.integer)) or chunk_rows < 1:
        raise ValueError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
    chunk_rows = int(min(chunk_rows, max(m, 1)))
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if m * n >= _THREADS_MIN_ENTRIES else 1
    elif isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    workers = int(workers)

    out_idx = np.full((m, k), -1, dtype=np.int64)
    out_val = np.full((m, k), -np.inf, dtype=np.float64)
    if m == 0 or n == 0:
        return out_idx, out_val

    starts = list(range(0, m, chunk_rows))
    select = _select_fn(k, n)

    def run(my_starts: list[int]) -> tuple[int, int] | None:
        buf = np.empty((chunk_rows, n), dtype=work_dtype)
        ibuf = np.empty((chunk_rows, n), dtype=_int_view(work_dtype)) if mask is not None else None
        for s in my_starts:
            e = min(s + chunk_rows, m)
            b = buf[: e - s]
            _fill(b, s_arr[s:e], None if mask is None else mask[s:e], ibuf)
            nan_at = select(b, out_idx[s:e], out_val[s:e])
            if nan_at is not None:
                return (s + nan_at[0], nan_at[1])
        return None

    if workers == 1 or len(starts) == 1:
        found = [run(starts)]
    else:
        nw = min(workers, len(starts))
        with ThreadPoolExecutor(max_workers=nw) as pool:
            found = list(pool.map(run, [starts[w::nw] for w in range(nw)]))
    nans = [f for f in found if f is not None]
    if nans:
        i, j = min(nans)
        raise ValueError(f"scores contains NaN at ({i}, {j})")
    return out_idx, out_val


def _unpack(
    scores: ArrayLike | ScoreMatrix, allowed: ArrayLike | None
) -> tuple[NDArray[Any], NDArray[np.bool_] | None]:
    """Validate inputs; return the score array and the combined mask (or None)."""
    from tandem.matching.engine.scoring import ScoreMatrix

    own: NDArray[np.bool_] | None = None
    if isinstance(scores, ScoreMatrix):
        s_arr: NDArray[Any] = scores.total
        own = scores.allowed
    else:
        s_arr = np.asarray(scores)
    if s_arr.ndim != 2:
        raise ValueError(f"scores must be a 2-D (mentees × mentors) array, got {s_arr.ndim}-D")
    if s_arr.dtype.kind not in "fiu":
        raise ValueError(f"scores must be real numbers, got dtype {s_arr.dtype}")
    mask: NDArray[np.bool_] | None = own
    if allowed is not None:
        a = np.asarray(allowed)
        if a.dtype != np.bool_:
            raise ValueError(f"allowed must be a boolean array, got dtype {a.dtype}")
        if a.shape != s_arr.shape:
            raise ValueError(f"allowed has shape {a.shape} but scores has shape {s_arr.shape}")
        mask = a if own is None else np.logical_and(own, a)
    return s_arr, mask


def _int_view(dtype: np.dtype[Any]) -> type[np.signedinteger[Any]]:
    return np.int32 if dtype.itemsize == 4 else np.int64


def _fill(
    b: NDArray[Any],
    src: NDArray[Any],
    mask: NDArray[np.bool_] | None,
    ibuf: NDArray[Any] | None,
) -> None:
    """Copy ``src`` into ``b`` with ``-inf`` where ``mask`` is False.

    The masking is done on the bit patterns: with ``a = -allowed`` (all ones
    where allowed, zero elsewhere) and ``N`` the bit pattern of ``-inf``,
    ``((x ^ N) & a) ^ N`` is ``x`` where allowed and ``-inf`` elsewhere.  This is
    several times faster than ``np.copyto(..., where=mask)`` or ``np.where``.
    """
    np.copyto(b, src, casting="unsafe" if src.dtype.kind in "iu" else "same_kind")
    if mask is None:
        return
    assert ibuf is not None
    r = b.shape[0]
    ib = ibuf[:r]
    itype = ib.dtype.type
    ninf_bits = np.array(-np.inf, dtype=b.dtype).view(itype)[()]
    np.negative(mask.view(np.int8), out=ib, casting="unsafe")
    bi = b.view(itype)
    np.bitwise_xor(bi, ninf_bits, out=bi)
    np.bitwise_and(bi, ib, out=bi)
    np.bitwise_xor(bi, ninf_bits, out=bi)


_Selector = Callable[[NDArray[Any], NDArray[np.int64], NDArray[np.float64]], "tuple[int, int] | None"]


def _select_fn(k: int, n: int) -> _Selector:
    if k >= n:
        return _block_sort
    if k <= _ARGMAX_MAX_K:
        return _block_argmax
    return _block_partition


def _nan_position(b: NDArray[Any], rows_max: NDArray[Any]) -> tuple[int, int] | None:
    bad = np.flatnonzero(np.isnan(rows_max))
    if bad.size == 0:
        return None
    r = int(bad[0])
    return (r, int(np.flatnonzero(np.isnan(b[r]))[0]))


def _block_argmax(
    b: NDArray[Any], out_idx: NDArray[np.int64], out_val: NDArray[np.float64]
) -> tuple[int, int] | None:
    """Top ``k`` by ``k`` rounds of argmax + masking the winner (destroys ``b``)."""
    r = b.shape[0]
    k = out_idx.shape[1]
    rows = np.arange(r)
    for p in range(k):
        idx = b.argmax(axis=1)
        val = b[rows, idx]
        if p == 0:
            nan_at = _nan_position(b, val)
            if nan_at is not None:
                return nan_at
        ok = val != -np.inf
        out_idx[:, p] = np.where(ok, idx, -1)
        out_val[:, p] = val
        if p + 1 < k:
            b[rows, idx] = -np.inf
    return None


def _block_partition(
    b: NDArray[Any], out_idx: NDArray[np.int64], out_val: NDArray[np.float64]
) -> tuple[int, int] | None:
    """Top ``k`` (``k < n``) via the k-th largest value as threshold.

    Every entry above the threshold is taken, plus the lowest-index entries
    equal to it until ``k`` are taken; the ``k`` picks are then sorted by value
    (stable, so equal values stay in column order).
    """
    r, n = b.shape
    k = out_idx.shape[1]
    nan_at = _nan_position(b, b.max(axis=1))
    if nan_at is not None:
        return nan_at
    thr = np.partition(b, n - k, axis=1)[:, n - k : n - k + 1]
    gt = b > thr
    need = k - gt.sum(axis=1, keepdims=True)
    eq = b == thr
    take = gt | (eq & (np.cumsum(eq, axis=1) <= need))
    cols = np.nonzero(take)[1].reshape(r, k)
    vals = np.take_along_axis(b, cols, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    cols = np.take_along_axis(cols, order, axis=1)
    vals = np.take_along_axis(vals, order, axis=1)
    out_idx[...] = np.where(vals != -np.inf, cols, -1)
    out_val[...] = vals
    return None


def _block_sort(
    b: NDArray[Any], out_idx: NDArray[np.int64], out_val: NDArray[np.float64]
) -> tuple[int, int] | None:
    """``k >= n``: full stable descending sort of every row."""
    n = b.shape[1]
    nan_at = _nan_position(b, b.max(axis=1))
    if nan_at is not None:
        return nan_at
    order = np.argsort(-b, axis=1, kind="stable")
    vals = np.take_along_axis(b, order, axis=1)
    out_idx[:, :n] = np.where(vals != -np.inf, order, -1)
    out_val[:, :n] = vals
    return None
