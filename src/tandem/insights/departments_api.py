"""Department support API (mounted in ``config/api.py``).

``GET /api/programs/{id}/department-support?stage=<phase id>`` — every department's support for
the program's graduates in one stage (default: the last stage that has started): each measure with
its k and n, the support score, the rank, the medians, the passive ones with the evidence. HR and
the program's manager.

``GET /api/departments/{code}/support?program=<id>&stage=<phase id>`` — one department against the
median (no other department by name): HR and the department's head.

The graduates' rating appears only where the survey's thresholded breakdown by department is shown.
"""

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from tandem.core import authz
from tandem.core.schemas import DbInt
from tandem.insights import departments as calc
from tandem.insights import departments_selectors as ds

router = Router(tags=["insights"])


class DepartmentErrorOut(Schema):
    code: str
    message: str


class DepartmentFigureOut(Schema):
    measure: str
    label: str
    k: int | None
    n: int
    mean: float | None
    value: float | None  # on 0–1 (the rating rescaled from 1–5)
    text: str


class DepartmentRowOut(Schema):
    code: str
    name: str
    graduates: int
    figures: list[DepartmentFigureOut]
    score: float | None
    rank: int | None
    passive: bool
    evidence: list[str]


class MedianOut(Schema):
    measure: str
    label: str
    median: float | None
    departments: int


class StageOut(Schema):
    id: int
    name: str
    start: datetime.date
    end: datetime.date


class RatingOut(Schema):
    survey: int | None
    shown: bool
    message: str
    threshold: int | None


class ProgramSupportOut(Schema):
    program: int
    stage: StageOut
    report_date: datetime.date
    finished: bool
    formula: str
    passive_rule: str
    attribution: str
    rating: RatingOut
    departments: list[DepartmentRowOut]
    medians: list[MedianOut]


class DepartmentSupportOut(Schema):
    department: str
    name: str
    program: int
    stage: StageOut
    report_date: datetime.date
    finished: bool
    formula: str
    passive_rule: str
    rating: RatingOut
    own: DepartmentRowOut | None
    rank: int | None
    ranked_departments: int
    medians: list[MedianOut]


def _figures(row: calc.Row) -> list[dict]:
    out = []
    for m in calc.MEASURES:
        f = row.figures.get(m)
        if f is None:
            continue
        out.append({"measure": m, "label": ds.measure_label(m), "k": f.k, "n": f.n, "mean": f.mean,
                    "value": None if f.value is None else round(f.value, 4), "text": ds.figure_text(row, m)})
    return out


def row_out(report: ds.StageReport, row: calc.Row) -> dict:
    d = report.departments[row.department_id]
    return {"code": d.code, "name": d.name, "graduates": row.graduates, "figures": _figures(row), "score": row.score,
            "rank": row.rank, "passive": row.passive, "evidence": ds.evidence(row) if row.passive else []}


def _stage(report: ds.StageReport) -> dict:
    return {"id": report.stage.pk, "name": str(report.stage), "start": report.start, "end": report.stage.end_date}


def _rating(report: ds.StageReport) -> dict:
    r = report.rating
    return {"survey": r.survey.pk if r.survey else None, "shown": r.shown, "message": r.message,
            "threshold": r.threshold}


def _medians(medians: dict, counts: dict) -> list[dict]:
    return [{"measure": m, "label": ds.measure_label(m),
             "median": None if medians.get(m) is None else round(medians[m], 4), "departments": counts.get(m, 0)}
            for m in calc.MEASURES]


#: An item's number as ``departments_selectors._parse_id`` reads it (blank: the default), in the document.
ListedId = Annotated[str, Field(json_schema_extra={"pattern": r"^\s*([0-9]{1,9}\s*)?$"})]


@router.get("/programs/{program_id}/department-support",
            response={200: ProgramSupportOut, 400: DepartmentErrorOut, 403: DepartmentErrorOut, 404: DepartmentErrorOut})
def program_department_support(request: HttpRequest, program_id: Path[DbInt], stage: Query[ListedId | None] = None):
    """Every department's support for the program's graduates in one stage (HR and the program's manager)."""
    report = ds.program_support(actor=authz.actor_for(request.user), program_id=program_id, stage=stage)
    return {"program": report.program.pk, "stage": _stage(report), "report_date": report.end,
            "finished": report.finished, "formula": str(ds.FORMULA_TEXT), "passive_rule": str(ds.PASSIVE_TEXT),
            "attribution": str(ds.ATTRIBUTION_TEXT), "rating": _rating(report),
            "departments": [row_out(report, r) for r in report.rows],
            "medians": _medians(report.ranking.medians, report.ranking.counts)}


@router.get("/departments/{code}/support",
            response={200: DepartmentSupportOut, 400: DepartmentErrorOut, 403: DepartmentErrorOut, 404: DepartmentErrorOut})
def department_support(request: HttpRequest, code: str, program: Query[ListedId | None] = None,
                       stage: Query[ListedId | None] = None):
    """One department's support against the median of the departments (HR and the department's head)."""
    view = ds.department_support(actor=authz.actor_for(request.user), code=code, program_id=program, stage=stage)
    report = view.report
    return {"department": view.department.code, "name": view.department.name, "program": report.program.pk,
            "stage": _stage(report), "report_date": report.end, "finished": report.finished,
            "formula": str(ds.FORMULA_TEXT), "passive_rule": str(ds.PASSIVE_TEXT), "rating": _rating(report),
            "own": row_out(report, view.row) if view.row else None, "rank": view.row.rank if view.row else None,
            "ranked_departments": view.ranked, "medians": _medians(view.medians, view.counts)}
