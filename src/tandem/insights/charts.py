"""Server-rendered interval charts (SVG coordinates computed here; no script, no inline style)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 100.0  # the SVG's viewBox is 0..100 wide; the template draws the marks


@dataclass(frozen=True)
class Mark:
    value: float  # position of the point, 0..100
    low: float  # the interval's ends, 0..100
    high: float


@dataclass(frozen=True)
class IntervalChart:
    a: Mark
    b: Mark
    difference: Mark
    zero: float  # where 0 sits on the difference's scale


def _scale(lo: float, hi: float):
    span = hi - lo or 1.0

    def at(x: float) -> float:
        return round(2.0 + (x - lo) / span * (WIDTH - 4.0), 3)

    return at


def interval_bars(row) -> IntervalChart | None:
    """Positions for one metric row: both groups' values with their intervals on one scale, and the
    difference's interval on a scale that always shows 0. None for a suppressed row."""
    if row.suppressed or row.a.ci is None or row.b.ci is None or row.difference_ci is None:
        return None
    if row.kind == "proportion":
        lo, hi = 0.0, 1.0
    else:
        lo = min(row.a.ci[0], row.b.ci[0])
        hi = max(row.a.ci[1], row.b.ci[1])
        pad = (hi - lo) * 0.1 or abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    at = _scale(lo, hi)
    d_lo, d_hi = row.difference_ci
    bound = max(abs(d_lo), abs(d_hi), 1e-12) * 1.1
    dat = _scale(-bound, bound)
    return IntervalChart(
        a=Mark(at(row.a.value), at(row.a.ci[0]), at(row.a.ci[1])),
        b=Mark(at(row.b.value), at(row.b.ci[0]), at(row.b.ci[1])),
        difference=Mark(dat(row.difference), dat(d_lo), dat(d_hi)),
        zero=dat(0.0),
    )
