"""Compiled kernels of :mod:`tandem.matching.engine.stable` (numba when installed).

Plain Python fallbacks run the same code (correct, slower) without numba.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

_P = ParamSpec("_P")
_R = TypeVar("_R")
_I64 = NDArray[np.int64]


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

__all__ = ["check_lists", "deferred_acceptance", "reviewer_ranks"]


@njit(cache=True)
def check_lists(ptr: _I64, flat: _I64, n_other: int) -> int:  # pragma: no cover
    """Index of the first entry out of ``0..n_other-1`` or repeated in its list, else -1."""
    seen = np.full(max(n_other, 1), -1, dtype=np.int64)
    for k in range(ptr.shape[0] - 1):
        for e in range(ptr[k], ptr[k + 1]):
            x = flat[e]
            if x < 0 or x >= n_other:
                return e
            if seen[x] == k:
                return e
            seen[x] = k
    return -1


@njit(cache=True)
def reviewer_ranks(a_ptr: _I64, a_flat: _I64, r_ptr: _I64, r_flat: _I64,
                   m: int) -> _I64:  # fmt: skip  # pragma: no cover
    """For every applicant-list entry, the reviewer's rank of that applicant (-1: unlisted)."""
    n = r_ptr.shape[0] - 1
    total = a_flat.shape[0]
    arank = np.full(total, -1, dtype=np.int64)
    # entries grouped by reviewer (counting sort)
    start = np.zeros(n + 1, dtype=np.int64)
    for e in range(total):
        start[a_flat[e] + 1] += 1
    for r in range(n):
        start[r + 1] += start[r]
    fill = start[:-1].copy()
    by_r = np.empty(total, dtype=np.int64)
    owner = np.empty(total, dtype=np.int64)
    for a in range(m):
        for e in range(a_ptr[a], a_ptr[a + 1]):
            owner[e] = a
    for e in range(total):
        r = a_flat[e]
        by_r[fill[r]] = e
        fill[r] += 1
    pos = np.full(max(m, 1), -1, dtype=np.int64)
    for r in range(n):
        for k in range(r_ptr[r], r_ptr[r + 1]):
            pos[r_flat[k]] = k - r_ptr[r]
        for q in range(start[r], start[r + 1]):
            e = by_r[q]
            arank[e] = pos[owner[e]]
        for k in range(r_ptr[r], r_ptr[r + 1]):
            pos[r_flat[k]] = -1
    return arank


@njit(cache=True)
def deferred_acceptance(a_ptr: _I64, a_flat: _I64, arank: _I64, r_ptr: _I64, r_flat: _I64,
                        cap: _I64) -> _I64:  # fmt: skip  # pragma: no cover
    """Applicant-proposing deferred acceptance, one proposal at a time.

    Each reviewer keeps the ranks it holds in a max-heap of size ``min(c_r,
    len(list_r))``; a proposal beats the heap's top or is rejected.
    """
    m = a_ptr.shape[0] - 1
    n = r_ptr.shape[0] - 1
    hoff = np.zeros(n + 1, dtype=np.int64)
    for r in range(n):
        hoff[r + 1] = hoff[r] + min(cap[r], r_ptr[r + 1] - r_ptr[r])
    heap = np.empty(hoff[n], dtype=np.int64)
    hcnt = np.zeros(n, dtype=np.int64)
    nxt = a_ptr[:-1].copy()
    match = np.full(m, -1, dtype=np.int64)
    stack = np.empty(m, dtype=np.int64)
    top = 0
    for a in range(m - 1, -1, -1):
        stack[top] = a
        top += 1
    while top > 0:
        top -= 1
        a = stack[top]
        p = nxt[a]
        end = a_ptr[a + 1]
        while p < end:
            rk = arank[p]
            r = a_flat[p]
            p += 1
            if rk < 0:
                continue
            b = hoff[r]
            size = hoff[r + 1] - b
            if size == 0:
                continue
            c = hcnt[r]
            if c < size:  # free seat: sift up
                q = c
                while q > 0:
                    par = (q - 1) >> 1
                    if heap[b + par] >= rk:
                        break
                    heap[b + q] = heap[b + par]
                    q = par
                heap[b + q] = rk
                hcnt[r] = c + 1
                match[a] = r
                break
            if rk < heap[b]:  # replace the worst held applicant
                out = r_flat[r_ptr[r] + heap[b]]
                q = 0
                while True:
                    ch = 2 * q + 1
                    if ch >= size:
                        break
                    if ch + 1 < size and heap[b + ch + 1] > heap[b + ch]:
                        ch += 1
                    if heap[b + ch] <= rk:
                        break
                    heap[b + q] = heap[b + ch]
                    q = ch
                heap[b + q] = rk
                match[a] = r
                match[out] = -1
                stack[top] = out
                top += 1
                break
        nxt[a] = p
    return match
