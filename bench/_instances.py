"""Named, seeded input distributions for the engine benchmarks.

- ``uniform``: i.i.d. uniform [0, 1) scores.
- ``structured``: gaps x strengths with noise, shaped like real scores: every
  mentee has integer gaps 0-3 in 8 competencies, every mentor integer
  strengths 0-4; score = gaps . strengths / 32 + 0.01 * uniform noise.  Few
  distinct noiseless values, so very many near-ties, and every mentor prefers
  the same high-gap mentees.
- ``organisation``: the matrix that :func:`tandem.matching.engine.scoring.score_matrix`
  produces (default weights, classic mode) for a generated company: 12
  competencies, 40 job profiles whose targets come from the job, current levels
  below target for about half of them (gaps), mentors drawn from the senior
  half (stronger in the competencies of their job family), 6 languages, time
  zones in 4 regions, topics, styles, ratings, departments and manager chains
  (same-manager and reporting-line pairs are excluded: ``allowed``), mentor
  capacities 1-4.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tandem.matching.engine.scoring import Profiles, score_matrix  # noqa: E402

DISTRIBUTIONS = {
    "uniform": "uniform [0, 1)",
    "structured": "gaps x strengths + 1 % noise (many near-ties)",
    "organisation": "score_matrix of a generated organisation (allowed mask from its rules)",
}


def uniform(m: int, n: int, seed: int = 20240611) -> np.ndarray:
    return np.random.default_rng(seed).random((m, n))


def structured(m: int, n: int, seed: int = 20240611, noise: float = 0.01) -> np.ndarray:
    rng = np.random.default_rng(seed)
    G = rng.integers(0, 4, (m, 8)).astype(float)
    H = rng.integers(0, 5, (n, 8)).astype(float)
    return (G @ H.T) / 32 + noise * rng.random((m, n))


def _people(rng: np.random.Generator, n: int, senior: bool, id0: int, n_jobs: int = 40,
            C: int = 12, T: int = 30, L: int = 6) -> Profiles:  # fmt: skip
    job = rng.integers(0, n_jobs, n)
    jrng = np.random.default_rng(7)  # job profiles are shared by both sides
    job_target = np.where(jrng.random((n_jobs, C)) < 0.5, jrng.integers(2, 6, (n_jobs, C)), 0)
    family = jrng.integers(0, 4, n_jobs)
    target = job_target[job].astype(float)
    if senior:  # strong in their family's competencies, solid elsewhere
        strong = (np.arange(C)[None, :] % 4) == family[job][:, None]
        level = np.where(strong, rng.integers(4, 6, (n, C)), rng.integers(2, 5, (n, C)))
    else:  # below target in about half of the required competencies
        gap = np.where(rng.random((n, C)) < 0.5, rng.integers(1, 3, (n, C)), 0)
        level = np.clip(np.where(target > 0, target - gap, rng.integers(1, 4, (n, C))), 1, 5)
    region = rng.integers(0, 4, n)
    tz = np.array([-300, 0, 60, 330])[region] + 60 * rng.integers(-1, 2, n)
    langs = rng.random((n, L)) < 0.15
    langs[np.arange(n), region % L] = True  # a regional language
    langs[:, 0] |= rng.random(n) < 0.7  # a company language most speak
    dept = rng.integers(0, 60, n)
    chain = np.full((n, 3), -1, dtype=np.int64)
    chain[:, 0] = 10**7 + dept * 10 + rng.integers(0, 3, n)  # team lead
    chain[:, 1] = 2 * 10**7 + dept  # department head
    return Profiles(
        person_id=np.arange(id0, id0 + n, dtype=np.int64),
        level=level.astype(float),
        target=target,
        can_teach=rng.random((n, T)) < (0.15 if senior else 0.02),
        want_learn=rng.random((n, T)) < 0.1,
        style=rng.integers(-1, 4, n),
        languages=langs,
        utc_offset_minutes=tz.astype(np.int64),
        department=dept.astype(np.int64),
        manager_chain=chain,
        load=np.zeros(n, dtype=np.int64),
        capacity=rng.integers(1, 5, n) if senior else np.ones(n, dtype=np.int64),
        rating=np.where(rng.random(n) < 0.4, np.nan, rng.uniform(3, 5, n)),
    )


def organisation(m: int, n: int, seed: int = 20240611) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(scores, allowed, capacities)`` from ``score_matrix`` for ``m`` mentees, ``n`` mentors."""
    rng = np.random.default_rng(seed)
    mentees = _people(rng, m, senior=False, id0=0)
    mentors = _people(rng, n, senior=True, id0=10**6)
    sm = score_matrix(mentees, mentors)
    return np.ascontiguousarray(sm.total), np.ascontiguousarray(sm.allowed), mentors.capacity.copy()
