"""Benchmark stable_match against the `matching` package (HospitalResident).

Instance (seeded): every applicant lists 20 distinct random reviewers; each
reviewer lists a random permutation of exactly the applicants that listed it;
capacities split the number of applicants evenly (total = applicants).

Run: .venv/bin/python bench/bench_stable.py
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _common import best_time, machine_line, peak_mib, table  # noqa: E402

from tandem.matching.engine.stable import blocking_pairs, stable_match  # noqa: E402


def instance(m: int, n: int, length: int, rng: np.random.Generator):
    ap = [rng.choice(n, length, replace=False).tolist() for _ in range(m)]
    lists: list[list[int]] = [[] for _ in range(n)]
    for a, lst in enumerate(ap):
        for r in lst:
            lists[r].append(a)
    rp = [rng.permutation(x).tolist() for x in lists]
    cap = [m // n + (1 if r < m % n else 0) for r in range(n)]
    return ap, rp, cap


def peer(ap, rp, cap):
    from matching.games import HospitalResident

    game = HospitalResident.create_from_dictionaries(
        dict(enumerate(ap)), dict(enumerate(rp)), dict(enumerate(cap))
    )
    out = [-1] * len(ap)
    for h, residents in game.solve(optimal="resident").items():
        for res in residents:
            out[res.name] = h.name
    return out


def main() -> None:
    rows = []
    for m, n, run_peer in [(3000, 300, True), (100_000, 1000, False)]:
        rng = np.random.default_rng(20240611)
        ap, rp, cap = instance(m, n, 20, rng)
        ours_s, ours = best_time(lambda: stable_match(ap, rp, cap), 5)
        mem = peak_mib(lambda: stable_match(ap, rp, cap))
        stable = not blocking_pairs(ap, rp, cap, ours)
        if run_peer:
            peer_s, theirs = best_time(lambda: peer(ap, rp, cap), 1)
            ident = "yes" if theirs == ours else "NO"
            cells = [f"{peer_s:.2f}", f"{peer_s / ours_s:.0f}x", ident]
        else:
            cells = ["-", "-", "- (peer not run)"]
        rows.append(
            [f"{m:,} x {n:,}, lists of 20", f"{ours_s:.3f}", *cells, f"{mem:.0f}",
             "yes" if stable else "NO"]
        )
        print(rows[-1], flush=True)
    md = "\n".join(
        [
            "# stable_match benchmark",
            "",
            machine_line(),
            "",
            "Applicant lists: 20 random reviewers; reviewer lists: random permutation of the"
            " applicants that listed them; capacities sum to the number of applicants."
            " Ours: best of 5 (includes input validation); peer: `matching` 1.4.3"
            " `HospitalResident(...).solve(optimal=\"resident\")`, one run, includes"
            " `create_from_dictionaries`. Peak memory: tracemalloc peak of one call of ours.",
            "",
            table(
                ["size", "ours s", "peer s", "ratio", "identical", "ours peak MiB", "stable"],
                rows,
            ),
            "",
        ]
    )
    out = Path(__file__).resolve().parent / "results" / "stable.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(md)
    print(md)


if __name__ == "__main__":
    # the peer deep-copies linked player objects recursively: give it room
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 29)
    t = threading.Thread(target=main)
    t.start()
    t.join()
