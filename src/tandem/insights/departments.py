"""Department support (Tandem issue 12 §4; source 003's 定向跟踪 and 倒逼追责): the composite support
score, the ranking, the medians and the rule that names a department *passive*. Pure and typed, no
Django: ``departments_selectors`` loads the counts and calls :func:`rank`.

Each department has up to five measures for one stage of a program, each a figure with its n:

- ``mentor``   — share of its graduates with a mentor assigned during the stage (k of n graduates);
- ``sessions`` — share of its graduates with at least one session held in the stage (k of n);
- ``reviews``  — share of its graduates reviewed in the stage: a competency rating by their mentor
  or manager, or a GRAI review written by their mentor (k of n);
- ``rating``   — the graduates' anonymous rating of the department (mean of 1–5, n answers), only
  where the survey's thresholded breakdown by department is shown;
- ``kept``     — share of the graduates placed with it who are still in it and still employed at
  the report date (k of n placed), once a placement round has been published.

The support score is the mean of the department's available measures on a 0–100 scale, the shares
as they are and the rating rescaled from 1–5 to 0–1 (``(mean − 1) / 4``). A measure without a figure
(no placements yet, the rating hidden) is left out of the mean, not counted as zero.

A department is *passive* when it has graduates and either none of them had a session held in the
stage while other departments' graduates did (a stage in which nobody holds sessions names nobody
by this rule), or it is strictly below the median of the departments on more than half of the
measures it has (and at least two). The evidence names which.

>>> a = Row(1, "A", {"mentor": Figure(2, 2), "sessions": Figure(2, 2)})
>>> b = Row(2, "B", {"mentor": Figure(1, 2), "sessions": Figure(0, 2)})
>>> c = Row(3, "C", {"mentor": Figure(2, 2), "sessions": Figure(1, 2)})
>>> r = rank([a, b, c])
>>> [(x.name, x.rank, x.score, x.passive) for x in r.rows]
[('A', 1, 100.0, False), ('C', 2, 75.0, False), ('B', 3, 25.0, True)]
>>> r.medians["sessions"]
0.5
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

MEASURES: tuple[str, ...] = ("mentor", "sessions", "reviews", "rating", "kept")
RATING_LOW, RATING_HIGH = 1.0, 5.0
#: A head sees the median of a measure only when at least this many departments have a figure for
#: it: with two, the median is the mean of both, and their own figure would give away the other's.
MIN_DEPARTMENTS_FOR_MEDIAN = 3


@dataclass(frozen=True)
class Figure:
    """``k`` of ``n`` (a share) or, for the rating, ``mean`` of ``n`` answers. ``n == 0`` or a
    hidden rating has no value."""

    k: int | None
    n: int
    mean: float | None = None

    @property
    def value(self) -> float | None:
        """On 0–1: the share, or the rating rescaled from 1–5."""
        if self.mean is not None:
            return (self.mean - RATING_LOW) / (RATING_HIGH - RATING_LOW)
        if self.k is None or self.n <= 0:
            return None
        return self.k / self.n


@dataclass
class Row:
    department_id: int
    name: str
    figures: dict[str, Figure]
    graduates: int = -1  # -1: take the n of the first share
    score: float | None = None
    rank: int | None = None
    passive: bool = False
    no_sessions: bool = False
    below_median: list[str] = field(default_factory=list)
    compared: int = 0  # measures compared with the median

    def __post_init__(self) -> None:
        if self.graduates < 0:
            self.graduates = max((f.n for m, f in self.figures.items() if m in ("mentor", "sessions")), default=0)

    def value(self, measure: str) -> float | None:
        f = self.figures.get(measure)
        return None if f is None else f.value


@dataclass(frozen=True)
class Ranking:
    rows: list[Row]  # ranked first, then the departments without a score, by name
    medians: dict[str, float | None]  # over every department with a value
    counts: dict[str, int]  # how many departments have a value for each measure


def support_score(figures: dict[str, Figure]) -> float | None:
    """The mean of the available measures, 0–100, rounded to one place."""
    values = [f.value for m, f in figures.items() if m in MEASURES and f.value is not None]
    if not values:
        return None
    return round(100 * sum(values) / len(values), 1)


def medians(rows: Sequence[Row]) -> tuple[dict[str, float | None], dict[str, int]]:
    out: dict[str, float | None] = {}
    counts: dict[str, int] = {}
    for m in MEASURES:
        values = [v for r in rows if (v := r.value(m)) is not None]
        counts[m] = len(values)
        out[m] = float(statistics.median(values)) if values else None
    return out, counts


def rank(rows: Sequence[Row]) -> Ranking:
    """Score, median comparison, passive flag and rank of every row (the rows are updated)."""
    mids, counts = medians(rows)
    held_somewhere = any((f := r.figures.get("sessions")) is not None and (f.k or 0) > 0 for r in rows)
    for r in rows:
        r.score = support_score(r.figures)
        sessions = r.figures.get("sessions")
        r.no_sessions = bool(held_somewhere and r.graduates > 0 and sessions is not None and sessions.n > 0
                             and sessions.k == 0)
        r.below_median = []
        r.compared = 0
        for m in MEASURES:
            v, mid = r.value(m), mids[m]
            if v is None or mid is None or counts[m] < 2:
                continue
            r.compared += 1
            if v < mid - 1e-9:
                r.below_median.append(m)
        mostly_below = r.compared >= 2 and len(r.below_median) * 2 > r.compared
        r.passive = r.graduates > 0 and (r.no_sessions or mostly_below)
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: (-(r.score or 0.0), r.name, r.department_id))
    for i, r in enumerate(scored, start=1):
        r.rank = i
    rest = sorted((r for r in rows if r.score is None), key=lambda r: (r.name, r.department_id))
    for r in rest:
        r.rank = None
    return Ranking(scored + rest, mids, counts)
