"""The ROI calculator of a program: pure arithmetic, every input editable, the formula stated.

Per participant:

- cost, first year: ``C1 = time + trainers + rooms``; each later year ``Cf`` (follow-up, default 0)
- benefit, first year: ``B1 = a × (12 × mistakes_per_month + 12 × hours_per_month × hourly_rate
  + replacement_cost × retention_difference)``, ``a`` the share of the benefit credited to the program
- benefit of year t (t = 1..5): ``B1 × r^(t−1) / (1 + d)^(t−1)``, ``r`` the share of a year's benefit
  that persists into the next, ``d`` the discount rate
- first-year multiple ``B1 / C1``; five-year multiple ``Σ benefits / (C1 + 4 Cf)``; net ROI = multiple − 1.

:func:`what_it_takes` solves for the assumptions that reach a claimed multiple (source 000's
8.3× in the first year and 42× over five).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

YEARS = 5


@dataclass(frozen=True)
class RoiInputs:
    time_cost: float = 2400.0  # source 000: "$2,400 extra cost" per participant
    trainer_cost: float = 0.0
    room_cost: float = 0.0
    followup_cost_per_year: float = 0.0
    mistakes_saved_per_month: float = 3200.0  # source 000
    hours_saved_per_month: float = 18.0  # source 000
    hourly_rate: float = 50.0  # not in source 000: an assumption, editable
    replacement_cost: float = 25000.0  # source 000: "$25,000 a year retention value"
    retention_difference: float = 0.26  # source 000's table: 78 % − 52 %; measured when the program has data
    attribution: float = 1.0
    persistence: float = 1.0
    discount_rate: float = 0.0

    # (name, low, high): every input is checked against these before any arithmetic
    LIMITS = {
        "time_cost": (0.0, 1e9), "trainer_cost": (0.0, 1e9), "room_cost": (0.0, 1e9),
        "followup_cost_per_year": (0.0, 1e9), "mistakes_saved_per_month": (0.0, 1e9),
        "hours_saved_per_month": (0.0, 744.0), "hourly_rate": (0.0, 1e6), "replacement_cost": (0.0, 1e9),
        "retention_difference": (-1.0, 1.0), "attribution": (0.0, 1.0), "persistence": (0.0, 2.0),
        "discount_rate": (0.0, 1.0),
    }

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


SOURCE_000 = RoiInputs()
CLAIM_FIRST_YEAR = 8.3
CLAIM_FIVE_YEARS = 42.0


@dataclass(frozen=True)
class RoiResult:
    cost_first_year: float
    cost_five_years: float
    benefit_mistakes: float
    benefit_hours: float
    benefit_retention: float
    benefit_first_year: float
    benefit_five_years: float
    multiple_first_year: float | None  # None when the cost is 0 (no finite multiple)
    multiple_five_years: float | None
    yearly_benefits: tuple[float, ...]


def roi_compute(inputs: RoiInputs) -> RoiResult:
    """The formula of the module docstring.

    >>> r = roi_compute(SOURCE_000)
    >>> round(r.benefit_first_year), round(r.multiple_first_year, 1), round(r.multiple_five_years, 1)
    (55700, 23.2, 116.0)
    """
    i = inputs
    mistakes = 12.0 * i.mistakes_saved_per_month * i.attribution
    hours = 12.0 * i.hours_saved_per_month * i.hourly_rate * i.attribution
    retention = i.replacement_cost * i.retention_difference * i.attribution
    first = mistakes + hours + retention
    yearly = tuple(first * (i.persistence ** t) / ((1.0 + i.discount_rate) ** t) for t in range(YEARS))
    cost1 = i.time_cost + i.trainer_cost + i.room_cost
    cost5 = cost1 + (YEARS - 1) * i.followup_cost_per_year
    return RoiResult(
        cost_first_year=cost1, cost_five_years=cost5,
        benefit_mistakes=mistakes, benefit_hours=hours, benefit_retention=retention,
        benefit_first_year=first, benefit_five_years=sum(yearly),
        multiple_first_year=first / cost1 if cost1 > 0 else None,
        multiple_five_years=sum(yearly) / cost5 if cost5 > 0 else None,
        yearly_benefits=yearly,
    )


def _bisect(f: Any, low: float, high: float, target: float) -> float | None:
    """x in [low, high] with f(x) = target for an increasing f, or None if out of reach."""
    if not f(low) <= target <= f(high):
        return None
    for _ in range(200):
        mid = (low + high) / 2.0
        if f(mid) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


@dataclass(frozen=True)
class Assumptions:
    """What the claims need, everything else as entered. None: no value in range reaches it."""

    attribution_for_first_year: float | None  # share of the benefit credited to the program
    hourly_rate_for_first_year: float | None  # with full attribution, what an hour would be worth
    persistence_for_five_years: float | None  # with that attribution, a year's benefit kept the next
    year_equivalents_for_five_years: float  # claim5 × cost5 / (claim1 × cost1): years of the first-year benefit


def what_it_takes(inputs: RoiInputs, claim_first: float = CLAIM_FIRST_YEAR,
                  claim_five: float = CLAIM_FIVE_YEARS) -> Assumptions:
    """Solve for the assumptions that reach the claimed multiples.

    >>> a = what_it_takes(SOURCE_000)
    >>> round(a.attribution_for_first_year, 3), round(a.year_equivalents_for_five_years, 2)
    (0.358, 5.06)
    >>> a.persistence_for_five_years > 1.0  # the yearly benefit would have to grow
    True
    """
    base = replace(inputs, attribution=1.0)
    cost1 = base.time_cost + base.trainer_cost + base.room_cost
    cost5 = cost1 + (YEARS - 1) * base.followup_cost_per_year
    full = roi_compute(base)
    attribution = None
    if cost1 > 0 and full.benefit_first_year > 0:
        needed = claim_first * cost1 / full.benefit_first_year
        attribution = needed if 0.0 <= needed <= 1.0 else None
    def first_multiple(rate: float) -> float:
        return roi_compute(replace(base, hourly_rate=rate)).benefit_first_year / cost1 if cost1 else 0.0
    rate = _bisect(first_multiple, 0.0, 1e6, claim_first) if cost1 > 0 else None
    persistence = None
    if attribution is not None:
        scaled = replace(inputs, attribution=attribution)
        def five_multiple(r: float) -> float:
            result = roi_compute(replace(scaled, persistence=r))
            return result.benefit_five_years / cost5 if cost5 else 0.0
        persistence = _bisect(five_multiple, 0.0, 2.0, claim_five)
    equivalents = claim_five * cost5 / (claim_first * cost1) if cost1 > 0 else 0.0
    return Assumptions(attribution, rate, persistence, equivalents)
