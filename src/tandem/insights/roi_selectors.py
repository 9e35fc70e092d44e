"""Reads of the ROI calculator: the program (with access), its default inputs (the retention
difference measured on the program when it has enough data), and the report the page and API show."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext_lazy as _

from tandem.core import authz
from tandem.core.errors import ApplicationError, NotFound
from tandem.insights import roi, selectors
from tandem.insights.models import MetricKind
from tandem.programs.models import Program

RETENTION_METRIC = "retention"

INPUT_LABELS: dict[str, Any] = {
    "time_cost": _("Participant time, per participant ($)"),
    "trainer_cost": _("Trainers, per participant ($)"),
    "room_cost": _("Rooms, per participant ($)"),
    "followup_cost_per_year": _("Follow-up cost per participant in each later year ($)"),
    "mistakes_saved_per_month": _("Fewer mistakes, per participant and month ($)"),
    "hours_saved_per_month": _("Hours saved, per participant and month"),
    "hourly_rate": _("Value of an hour ($)"),
    "replacement_cost": _("Replacement cost of a leaver ($)"),
    "retention_difference": _("Retention difference, participants − others (0.26 = 26 points)"),
    "attribution": _("Share of the benefit credited to the program (0–1)"),
    "persistence": _("Share of a year's benefit kept the next year (1 = all)"),
    "discount_rate": _("Discount rate per year (0.05 = 5 %)"),
}


def program_for_roi(*, actor: authz.Actor, program_id: int) -> Program:
    """The program, or 404 for one the actor cannot see; 403 for one they see but do not manage."""
    program = Program.objects.select_related("owner").filter(pk=program_id).first()
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound(_("No such program."))
    authz.require(authz.can_view_roi(actor, program))
    return program


@dataclass(frozen=True)
class RoiDefaults:
    inputs: roi.RoiInputs
    measured: dict[str, Any] | None  # {"difference", "ci", "n_a", "n_b"} when measured on the program


def roi_defaults(*, actor: authz.Actor, program: Program,
                 comparison: selectors.ComparisonResult | None = None) -> RoiDefaults:
    """Source 000's inputs, with the retention difference of this program's participants against
    its non-participants when both groups reach the anonymity threshold. ``comparison``: that
    comparison when the caller has already made it (the program report), not made again."""
    if comparison is not None:
        result = comparison
    else:
        try:
            result = selectors.cohort_comparison(actor=actor, a=f"program:{program.pk}",
                                                 b=f"nonparticipants:{program.pk}")
        except ApplicationError:  # no comparison possible: the source's figure stays
            return RoiDefaults(roi.SOURCE_000, None)
    for row in result.rows:
        if row.metric.name == RETENTION_METRIC and row.kind == MetricKind.PROPORTION and not row.suppressed:
            measured = {"difference": row.difference, "ci": row.difference_ci, "n_a": row.a.n, "n_b": row.b.n}
            return RoiDefaults(replace(roi.SOURCE_000, retention_difference=round(row.difference, 4)), measured)
    return RoiDefaults(roi.SOURCE_000, None)


def roi_report(inputs: roi.RoiInputs) -> dict[str, Any]:
    result = roi.roi_compute(inputs)
    takes = roi.what_it_takes(inputs)
    return {
        "inputs": inputs.as_dict(),
        "cost_first_year": result.cost_first_year,
        "cost_five_years": result.cost_five_years,
        "benefit_mistakes": result.benefit_mistakes,
        "benefit_hours": result.benefit_hours,
        "benefit_retention": result.benefit_retention,
        "benefit_first_year": result.benefit_first_year,
        "benefit_five_years": result.benefit_five_years,
        "yearly_benefits": list(result.yearly_benefits),
        "multiple_first_year": result.multiple_first_year,
        "multiple_five_years": result.multiple_five_years,
        "claimed_first_year": roi.CLAIM_FIRST_YEAR,
        "claimed_five_years": roi.CLAIM_FIVE_YEARS,
        "assumptions": {
            "attribution_for_first_year": takes.attribution_for_first_year,
            "hourly_rate_for_first_year": takes.hourly_rate_for_first_year,
            "persistence_for_five_years": takes.persistence_for_five_years,
            "year_equivalents_for_five_years": takes.year_equivalents_for_five_years,
        },
    }


FORMULA_TEXT = _(
    "Cost, first year = time + trainers + rooms; each later year = follow-up. "
    "Benefit, first year = share credited × (12 × fewer mistakes a month + 12 × hours saved a month × "
    "value of an hour + replacement cost × retention difference). Benefit of year t = first-year "
    "benefit × kept^(t−1) ÷ (1 + discount)^(t−1). Multiple = benefits ÷ costs (first year; five years)."
)
