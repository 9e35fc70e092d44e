"""Shared helpers for the engine benchmarks (machine line, timing, markdown)."""

from __future__ import annotations

import os
import platform
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy


def machine_line() -> str:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    blas = "unset" if "OPENBLAS_CORETYPE" not in os.environ else os.environ["OPENBLAS_CORETYPE"]
    try:
        import numba

        jit = f", numba {numba.__version__}"
    except ImportError:
        jit = ", numba not installed"
    return (
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{ram:.0f} GiB RAM, Python {platform.python_version()}, NumPy {np.__version__}, "
        f"SciPy {scipy.__version__}{jit}, OPENBLAS_CORETYPE={blas}"
    )


def best_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)
