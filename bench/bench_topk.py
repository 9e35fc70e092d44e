"""Benchmark for ``top_k`` (and ``score_matrix``, which the bulk-match flow needs).

Run from the project root::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/bench_topk.py

Prints a markdown table and writes it to ``bench/results/topk.md``.  Inputs are
generated with a seeded generator before timing; each case is timed as the best
of a few runs.  Working memory is the tracemalloc peak during one call, less
the returned arrays (NumPy reports its allocations to tracemalloc).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tandem.matching.engine.scoring import Profiles, Weights, score_matrix  # noqa: E402
from tandem.matching.engine.topk import _CHUNK_BYTES, top_k  # noqa: E402

MiB = 1 << 20


def machine_line() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
            if x.startswith("MemTotal")
        )
        ram = f"{mem_kb / (1 << 20):.1f} GiB RAM"
    except (OSError, StopIteration):
        ram = "RAM unknown"
    blas = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram}, Python {platform.python_version()}, "
        f"NumPy {np.__version__}; OpenBLAS env overrides: {blas or 'unset'}"
    )


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def peak_extra(fn: Callable[[], Any]) -> float:
    """tracemalloc peak (MiB) during fn minus the size of what it returns."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    out = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    ret = sum(a.nbytes for a in (out if isinstance(out, tuple) else ()) if isinstance(a, np.ndarray))
    if hasattr(out, "total"):
        ret = out.total.nbytes + out.components.nbytes + out.allowed.nbytes
    return (peak - ret) / MiB


def random_profiles(rng: np.random.Generator, n: int, c: int = 20, t: int = 30, langs: int = 5) -> Profiles:
    level = rng.integers(1, 6, size=(n, c)).astype(np.float64)
    target = np.where(rng.random((n, c)) < 0.5, rng.integers(1, 6, size=(n, c)), 0).astype(np.float64)
    chain = np.full((n, 4), -1, dtype=np.int64)
    chain[:, 0] = rng.integers(10**6, 10**6 + n // 8 + 1, size=n)
    chain[:, 1] = rng.integers(2 * 10**6, 2 * 10**6 + n // 64 + 1, size=n)
    return Profiles(
        person_id=rng.permutation(n).astype(np.int64),
        level=level,
        target=target,
        can_teach=rng.random((n, t)) < 0.1,
        want_learn=rng.random((n, t)) < 0.1,
        style=rng.integers(-1, 4, size=n),
        languages=rng.random((n, langs)) < 0.3,
        utc_offset_minutes=rng.integers(-8, 10, size=n) * 60,
        department=rng.integers(0, 40, size=n),
        manager_chain=chain,
        load=rng.integers(0, 3, size=n),
        capacity=rng.integers(1, 5, size=n),
        rating=np.where(rng.random(n) < 0.3, np.nan, rng.uniform(1, 5, size=n)),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mentees", type=int, default=100_000)
    ap.add_argument("--mentors", type=int, default=10_000)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "topk.md"))
    args = ap.parse_args()
    rng = np.random.default_rng(20240611)
    m, n, k = args.mentees, args.mentors, args.k
    rows: list[str] = []

    print(f"generating {m} x {n} float32 scores ...", flush=True)
    scores = rng.random((m, n), dtype=np.float32)
    chunk = max(1, _CHUNK_BYTES // (n * 4))
    cases: list[tuple[str, Callable[[], Any]]] = [
        (f"top_k k={k}, float32, 2 threads", lambda: top_k(scores, k, workers=2)),
        (f"top_k k={k}, float32, 1 thread", lambda: top_k(scores, k, workers=1)),
        (f"top_k k=20, float32, 2 threads", lambda: top_k(scores, 20, workers=2)),
    ]
    for name, fn in cases:
        sec = best_of(fn, args.repeat)
        mem = peak_extra(fn)
        rows.append(f"| {name} | {m:,} × {n:,} | {sec:.3f} | {mem:.1f} MiB | {chunk} rows |")
        print(rows[-1], flush=True)
    allowed = rng.random((m, n), dtype=np.float32) < 0.9
    fn = lambda: top_k(scores, k, allowed=allowed, workers=2)  # noqa: E731
    sec = best_of(fn, args.repeat)
    mem = peak_extra(fn)
    rows.append(f"| top_k k={k}, float32 + allowed mask (90 % True), 2 threads | {m:,} × {n:,} | "
                f"{sec:.3f} | {mem:.1f} MiB | {chunk} rows |")
    print(rows[-1], flush=True)
    del scores, allowed

    m64, n64 = m // 4, n
    s64 = rng.random((m64, n64))
    fn = lambda: top_k(s64, k, workers=2)  # noqa: E731
    sec = best_of(fn, args.repeat)
    mem = peak_extra(fn)
    rows.append(f"| top_k k={k}, float64, 2 threads | {m64:,} × {n64:,} | {sec:.3f} | {mem:.1f} MiB | "
                f"{max(1, _CHUNK_BYTES // (n64 * 8))} rows |")
    print(rows[-1], flush=True)
    del s64

    for sm_m, sm_n in ((4_000, 1_000), (20_000, 5_000)):
        mentees, mentors = random_profiles(rng, sm_m), random_profiles(rng, sm_n)
        fn = lambda: score_matrix(mentees, mentors, Weights(cross_department=0.2))  # noqa: E731
        sec = best_of(fn, 1 if sm_m > 10_000 else args.repeat)
        mem = peak_extra(fn)
        rows.append(f"| score_matrix classic, C=20, T=30 | {sm_m:,} × {sm_n:,} | {sec:.3f} | "
                    f"{mem:.1f} MiB (+ result {(sm_m * sm_n * (8 + 8 * 4 + 1)) / MiB:.0f} MiB) | 32 MiB blocks |")
        print(rows[-1], flush=True)
        if sm_m <= 10_000:
            fn = lambda: score_matrix(mentees, mentees, Weights(mode="mutual"))  # noqa: E731
            sec = best_of(fn, args.repeat)
            rows.append(f"| score_matrix mutual, C=20, T=30 | {sm_m:,} × {sm_m:,} | {sec:.3f} | – | 32 MiB blocks |")
            print(rows[-1], flush=True)

    table = "\n".join(
        [
            "# top_k / score_matrix benchmark",
            "",
            f"Machine: {machine_line()}",
            "",
            "Command: `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/bench_topk.py` "
            "(seeded; inputs generated before timing; best of "
            f"{args.repeat} runs, 1 for the largest score_matrix). Working memory = tracemalloc peak "
            "during one call minus the returned arrays.",
            "",
            "| case | size (mentees × mentors) | seconds | working memory | chunk |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
        ]
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table)
    print()
    print(table)


if __name__ == "__main__":
    main()
