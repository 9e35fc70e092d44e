"""Shared input checks for the matching engine.

Every helper returns a validated array (never a view that could be written
back into the caller's data) or raises :class:`ValueError` with a message that
names the offending argument and, where it helps, the first offending position.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["as_allowed", "as_capacities", "as_score_matrix"]


def as_score_matrix(x: ArrayLike, name: str = "scores") -> NDArray[np.floating]:
    """Return ``x`` as a finite 2-D float array.

    float32 and float64 arrays are returned as they are (read-only use only,
    no copy of a possibly very large matrix); anything else real-valued is
    converted to float64.

    Raises
    ------
    ValueError
        If ``x`` is not 2-D, not real-valued, or contains NaN/+inf/-inf (the
        message names the first such position in row-major order).

    Examples
    --------
    >>> as_score_matrix([[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> as_score_matrix([[1.0, float("nan")]])
    Traceback (most recent call last):
    ...
    ValueError: scores contains NaN at (0, 1)
    """
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a 2-D array of real numbers ({exc})") from None
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a 2-D array of real numbers, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got {arr.ndim} dimension(s)")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    # Fast path: a finite sum proves every entry finite (NaN/inf propagate).
    # An infinite sum may also be an overflow, so then look properly.
    if arr.size and not np.isfinite(arr.sum(dtype=np.float64)):
        bad = ~np.isfinite(arr)
        if bad.any():
            i, j = (int(t) for t in np.argwhere(bad)[0])
            v = arr[i, j]
            what = "NaN" if np.isnan(v) else ("inf" if v > 0 else "-inf")
            raise ValueError(f"{name} contains {what} at ({i}, {j})")
    return arr


def as_capacities(
    x: ArrayLike, n: int, name: str = "capacities", *, of: str = "columns"
) -> NDArray[np.int64]:
    """Return ``x`` as a new length-``n`` int64 array of non-negative integers.

    Integer-valued floats (``2.0``) are accepted; bools are not.  ``of`` names
    what the ``n`` entries belong to in the length error message.

    Raises
    ------
    ValueError
        On a wrong shape or length, a non-integer value or a negative value,
        naming the first offending index.

    Examples
    --------
    >>> as_capacities([1, 0, 2.0], 3)
    array([1, 0, 2])
    >>> as_capacities([1, -1], 2)
    Traceback (most recent call last):
    ...
    ValueError: capacities[1] is negative (-1)
    """
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D sequence of integers ({exc})") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got {arr.ndim} dimension(s)")
    if arr.shape[0] != n:
        raise ValueError(f"{name} has length {arr.shape[0]} but there are {n} {of}")
    if arr.dtype.kind == "f":
        bad = ~(np.isfinite(arr) & (arr == np.round(arr)))
        if bad.any():
            k = int(np.argmax(bad))
            raise ValueError(f"{name}[{k}] is not an integer ({arr[k]!r})")
    elif arr.dtype.kind not in "iu":
        if arr.dtype.kind == "O":
            for k, v in enumerate(arr.tolist()):
                if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                    raise ValueError(f"{name}[{k}] is not an integer ({v!r})")
        else:
            raise ValueError(f"{name} must contain integers, got dtype {arr.dtype}")
    out = np.array(arr, dtype=np.int64)  # always a copy
    neg = out < 0
    if neg.any():
        k = int(np.argmax(neg))
        raise ValueError(f"{name}[{k}] is negative ({int(out[k])})")
    return out


def as_allowed(
    x: ArrayLike | None, shape: tuple[int, int], name: str = "allowed", other: str = "scores"
) -> NDArray[np.bool_] | None:
    """Return ``x`` as a boolean mask of the given shape, or ``None`` if ``x`` is ``None``.

    Integer arrays holding only 0 and 1 are accepted and converted.

    Raises
    ------
    ValueError
        On a shape mismatch (``"allowed has shape (3, 4) but scores has shape
        (3, 5)"``) or non-boolean values.

    Examples
    --------
    >>> as_allowed([[1, 0]], (1, 2))
    array([[ True, False]])
    >>> as_allowed([[True]], (1, 2))
    Traceback (most recent call last):
    ...
    ValueError: allowed has shape (1, 1) but scores has shape (1, 2)
    """
    if x is None:
        return None
    arr = np.asarray(x)
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} has shape {arr.shape} but {other} has shape {tuple(shape)}")
    if arr.dtype == np.bool_:
        return arr
    if arr.dtype.kind in "iuf":
        bad = (arr != 0) & (arr != 1)
        if bad.any():
            i, j = (int(t) for t in np.argwhere(bad)[0])
            raise ValueError(f"{name} must be boolean, got {arr[i, j]!r} at ({i}, {j})")
        return arr.astype(np.bool_)
    raise ValueError(f"{name} must be a boolean array, got dtype {arr.dtype}")
