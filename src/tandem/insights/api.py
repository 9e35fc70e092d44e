"""The insights API (mounted in ``config/api.py``): cohort comparison, the ROI calculator.

``GET /api/insights/cohorts/compare?a=<group>&b=<group>``, a group being ``program:<id>``
(participants: everyone enrolled as a mentee), ``nonparticipants:<id>`` (people with outcome
records and no enrolment in that program) or ``cohort:<label>`` (an import's cohort label). Per
metric: each group's n, value and 95 % CI, the difference and its CI, the relative lift
(A − B) / B, the p-value and the test. A group below the anonymity threshold on a metric gets
nulls (``suppressed``: true), its n included.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from pydantic import Strict, model_validator

from tandem.core import authz
from tandem.core.schemas import DbInt
from tandem.insights import roi, roi_selectors, selectors

router = Router(tags=["insights"])

#: The form ``selectors.group_parse`` reads, stated in the document (issue 13: a schema-driven client
#: sent any text and got 400s); the reader refuses anything else with a 400 naming the parameter.
# A cohort's label is 1 to 80 characters once stripped (selectors.group_parse).
_LABEL_END = r"[^\s\x00-\x1f\x7f-\x9f\u2028\u2029]"
GROUP_PATTERN = (r"^((program|nonparticipants):[1-9][0-9]{0,8}"
                 rf"|cohort: *{_LABEL_END}([^\x00-\x1f\x7f-\x9f\u2028\u2029]{{0,78}}{_LABEL_END})? *)$")
GroupText = Annotated[str, Field(max_length=selectors.MAX_GROUP_TEXT, json_schema_extra={"pattern": GROUP_PATTERN},
                                 description="program:<id> | nonparticipants:<id> | cohort:<label>")]


class ErrorOut(Schema):
    code: str
    message: str


class GroupOut(Schema):
    group: str
    label: str


class FigureOut(Schema):
    n: int | None
    value: float | None
    ci: tuple[float, float] | None


class NoteOut(Schema):
    code: str
    message: str


class MetricOut(Schema):
    metric: str
    label: str
    kind: str
    a: FigureOut
    b: FigureOut
    difference: float | None
    difference_ci: tuple[float, float] | None
    lift: float | None
    p_value: float | None
    test: str | None
    suppressed: bool
    warnings: list[NoteOut]


class ComparisonOut(Schema):
    a: GroupOut
    b: GroupOut
    threshold: int
    confidence: float
    method: str
    observational_note: str
    metrics: list[MetricOut]


def comparison_out(result: selectors.ComparisonResult) -> dict:
    return {
        "a": {"group": result.a.code, "label": result.a.label},
        "b": {"group": result.b.code, "label": result.b.label},
        "threshold": result.threshold,
        "confidence": selectors.CONFIDENCE,
        "method": result.method,
        "observational_note": result.observational_note,
        "metrics": [
            {
                "metric": row.metric.name, "label": row.metric.display_label, "kind": row.kind,
                "a": vars(row.a), "b": vars(row.b),
                "difference": row.difference, "difference_ci": row.difference_ci, "lift": row.lift,
                "p_value": row.p_value, "test": row.test, "suppressed": row.suppressed, "warnings": row.notes,
            }
            for row in result.rows
        ],
    }


@router.get("/insights/cohorts/compare",
            response={200: ComparisonOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def cohorts_compare(request: HttpRequest, a: Query[GroupText], b: Query[GroupText]):
    """Compare two groups metric by metric (HR: any group; a program manager: the participants and
    non-participants of the programs they own)."""
    result = selectors.cohort_comparison(actor=authz.actor_for(request.user), a=a, b=b)
    return comparison_out(result)


# -- the ROI calculator ------------------------------------------------------------------------


Number = Annotated[float, Strict()]  # JSON numbers only: not true/false, not "12"


def _in_range(name: str):
    low, high = roi.RoiInputs.LIMITS[name]
    return Field(None, json_schema_extra={"minimum": low, "maximum": high})


class RoiIn(Schema):
    """Every input is optional; a missing one takes the program's default (source 000's figure, the
    retention difference measured on the program when it has the data)."""

    # Each input's range (``roi.RoiInputs.LIMITS``, checked below) is in the document too.
    time_cost: Number | None = _in_range("time_cost")
    trainer_cost: Number | None = _in_range("trainer_cost")
    room_cost: Number | None = _in_range("room_cost")
    followup_cost_per_year: Number | None = _in_range("followup_cost_per_year")
    mistakes_saved_per_month: Number | None = _in_range("mistakes_saved_per_month")
    hours_saved_per_month: Number | None = _in_range("hours_saved_per_month")
    hourly_rate: Number | None = _in_range("hourly_rate")
    replacement_cost: Number | None = _in_range("replacement_cost")
    retention_difference: Number | None = _in_range("retention_difference")
    attribution: Number | None = _in_range("attribution")
    persistence: Number | None = _in_range("persistence")
    discount_rate: Number | None = _in_range("discount_rate")

    @model_validator(mode="after")
    def _bounded(self) -> RoiIn:
        problems = []
        for name, (low, high) in roi.RoiInputs.LIMITS.items():
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and low <= value <= high):
                problems.append(f"{name}: {low:g} .. {high:g}")
        if problems:
            raise ValueError(_("Out of range: %(fields)s.") % {"fields": "; ".join(problems)})
        return self


class MeasuredOut(Schema):
    difference: float
    ci: tuple[float, float]
    n_a: int
    n_b: int


class AssumptionsOut(Schema):
    attribution_for_first_year: float | None
    hourly_rate_for_first_year: float | None
    persistence_for_five_years: float | None
    year_equivalents_for_five_years: float


class RoiOut(Schema):
    program: int
    formula: str
    inputs: dict[str, float]
    measured_retention: MeasuredOut | None
    cost_first_year: float
    cost_five_years: float
    benefit_mistakes: float
    benefit_hours: float
    benefit_retention: float
    benefit_first_year: float
    benefit_five_years: float
    yearly_benefits: list[float]
    multiple_first_year: float | None
    multiple_five_years: float | None
    claimed_first_year: float
    claimed_five_years: float
    assumptions: AssumptionsOut


def _roi(request: HttpRequest, program_id: int, payload: RoiIn | None) -> dict:
    actor = authz.actor_for(request.user)
    program = roi_selectors.program_for_roi(actor=actor, program_id=program_id)
    defaults = roi_selectors.roi_defaults(actor=actor, program=program)
    given = {k: v for k, v in (payload.dict() if payload else {}).items() if v is not None}
    inputs = replace(defaults.inputs, **given)
    return {"program": program.pk, "formula": str(roi_selectors.FORMULA_TEXT),
            "measured_retention": defaults.measured, **roi_selectors.roi_report(inputs)}


@router.get("/programs/{program_id}/roi", response={200: RoiOut, 403: ErrorOut, 404: ErrorOut})
def program_roi(request: HttpRequest, program_id: Path[DbInt]):
    """The ROI of a program with its default inputs (HR and the program's manager)."""
    return _roi(request, program_id, None)


@router.post("/programs/{program_id}/roi", response={200: RoiOut, 403: ErrorOut, 404: ErrorOut})
def program_roi_compute(request: HttpRequest, program_id: Path[DbInt], payload: RoiIn):
    """The ROI with the inputs given (the others default); nothing is stored."""
    return _roi(request, program_id, payload)
