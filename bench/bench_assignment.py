"""Benchmark optimal_assignment against SciPy's dense linear_sum_assignment.

Peer: ``linear_sum_assignment`` on the capacity-expanded matrix (mentor column
j repeated capacities[j] times), maximize=True.  Scores: uniform [0, 1),
seeded.  The 20,000 x 5,000 instance is run without the peer (its expanded
matrix is 20,000 x 20,000 = 3.2 GB and the dense solve takes far too long).

The engine's inner loops are numba-compiled (cached on disk after the first
compile, ~6 s once per machine); one small warm-up call before timing loads
them, so the times below exclude JIT compilation.

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/bench_assignment.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _common import best_time, machine_line, peak_mib, table  # noqa: E402

from tandem.matching.engine.assignment import optimal_assignment  # noqa: E402


def total(S, res):
    ok = res >= 0
    return float(S[np.flatnonzero(ok), res[ok]].sum())


def main() -> None:
    t = time.perf_counter()
    warm = np.random.default_rng(0).random((64, 16))
    optimal_assignment(warm, np.ones(16, dtype=np.int64))  # seats side
    optimal_assignment(warm[:8], np.full(16, 2))  # mentees side
    warmup_s = time.perf_counter() - t
    print(f"warm-up (JIT load/compile) {warmup_s:.2f} s", flush=True)
    rows = []
    cases = [
        ("4,000 x 1,000, cap 1-4", 4000, 1000, None, True, 3),
        ("20,000 x 5,000, cap 4", 20000, 5000, 4, False, 1),
    ]
    for label, m, n, c, run_peer, rep in cases:
        rng = np.random.default_rng(20240611)
        S = rng.random((m, n))
        cap = rng.integers(1, 5, n) if c is None else np.full(n, c)
        ours_s, res = best_time(lambda S=S, cap=cap: optimal_assignment(S, cap), rep)
        mem = peak_mib(lambda S=S, cap=cap: optimal_assignment(S, cap))
        if run_peer:

            def dense(S=S, cap=cap):
                E = np.repeat(S, cap, axis=1)
                r, col = linear_sum_assignment(E, maximize=True)
                return float(E[r, col].sum())

            peer_s, peer_total = best_time(dense, rep)
            pmem = peak_mib(dense)
            same = abs(peer_total - total(S, res)) <= 1e-9 * abs(peer_total)
            cells = [
                f"{peer_s:.3f}",
                f"{peer_s / ours_s:.1f}x",
                "yes" if same else "NO",
                f"{pmem:.0f}",
            ]
        else:
            cells = ["-", "-", "- (peer not run)", "-"]
        rows.append(
            [
                label,
                f"{ours_s:.3f}",
                *cells,
                f"{mem:.0f}",
                f"{int((res >= 0).sum()):,}",
                f"{total(S, res):.6f}",
            ]
        )
        print(rows[-1], flush=True)
    md = "\n".join(
        [
            "# optimal_assignment benchmark",
            "",
            machine_line(),
            "",
            "Scores uniform [0, 1) (seeded); peer = SciPy `linear_sum_assignment` on the"
            " capacity-expanded dense matrix (time includes building it).  Times are best"
            " of 3 (1 for the large case), after a warm-up call that loads the"
            f" numba-compiled kernels (excluded; it took {warmup_s:.2f} s in this run, a"
            " cold compile takes ~6 s once per machine).  Peak memory = tracemalloc peak"
            " of one call (excluding the input matrix; work arrays are allocated by"
            " NumPy and counted, the few small buffers grown inside the kernels are"
            " not).  'identical' = same total score (rel. 1e-9).",
            "",
            "Algorithm: candidate pairs from the side that fills up (one pass), exact"
            " successive shortest paths (Dijkstra with potentials) on the compact"
            " mentor graph, dual certificate over all m x n pairs, warm repair of"
            " violators, incremental re-check.",
            "",
            table(
                [
                    "size",
                    "ours s",
                    "peer s",
                    "ratio",
                    "identical (total)",
                    "peer peak MiB",
                    "ours peak MiB",
                    "matched",
                    "total score",
                ],
                rows,
            ),
            "",
        ]
    )
    out = Path(__file__).resolve().parent / "results" / "assignment.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(md)
    print(md)


if __name__ == "__main__":
    main()
