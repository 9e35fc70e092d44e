"""Department support pages: a program's ranking of departments for one stage, with the passive ones
named and the formula (HR and the program's manager), and a department head's view of their own
department against the median; CSV / XLSX exports of both. Thin: the selectors check access and compute."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tandem.core import authz
from tandem.core.errors import NotFound, ValidationFailed, error_messages
from tandem.insights import departments as calc
from tandem.insights import departments_selectors as ds
from tandem.web import exports

PER_PAGE = 50


def _cells(row: calc.Row) -> list[dict]:
    return [{"measure": m, "label": ds.measure_label(m), "text": ds.figure_text(row, m),
             "below": m in row.below_median} for m in calc.MEASURES]


def _median_cells(medians: dict, counts: dict) -> list[dict]:
    out = []
    for m in calc.MEASURES:
        v = medians.get(m)
        if v is None:
            text = ""
        elif m == "rating":
            text = f"{v * 4 + 1:.2f}"
        else:
            text = f"{round(100 * v)} %"
        out.append({"measure": m, "label": ds.measure_label(m), "text": text, "departments": counts.get(m, 0)})
    return out


@login_required
def program_support(request: HttpRequest, program_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    program = ds.program_for_support(actor=actor, program_id=program_id)
    stages = ds.stages_of(program)
    context: dict = {"program": program, "stages": stages, "report": None, "errors": [],
                     "formula": ds.FORMULA_TEXT, "passive_rule": ds.PASSIVE_TEXT, "attribution": ds.ATTRIBUTION_TEXT,
                     "measures": [ds.measure_label(m) for m in calc.MEASURES]}
    try:
        stage = ds.stage_pick(program=program, stage=request.GET.get("stage"))
    except ValidationFailed as exc:
        context["errors"] = error_messages(exc)
        return render(request, "insights/departments/program.html", context, status=400)
    report = ds.stage_report(program=program, stage=stage)
    rows: list[dict[str, Any]] = [{"row": r, "department": report.departments[r.department_id], "cells": _cells(r),
             "evidence": ds.evidence(r) if r.passive else []} for r in report.rows]
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context.update({"report": report, "stage": stage, "page": page,
                    "passive": [x for x in rows if x["row"].passive],
                    "medians": _median_cells(report.ranking.medians, report.ranking.counts)})
    return render(request, "insights/departments/program.html", context)


def _export_headers() -> list[str]:
    return [_("Rank"), _("Department code"), _("Department"), _("Graduates"),
            *[h for m in calc.MEASURES for h in (f"{ds.measure_label(m)}: k", f"{ds.measure_label(m)}: n",
                                                  f"{ds.measure_label(m)}: " + (_("mean") if m == "rating" else _("share")))],
            _("Support score"), _("Passive"), _("Evidence")]


def _export_row(report: ds.StageReport, r: calc.Row) -> list:
    d = report.departments[r.department_id]
    cells: list = []
    for m in calc.MEASURES:
        f = r.figures.get(m)
        if f is None:
            cells += ["", "", ""]
        elif f.mean is not None:
            cells += ["", f.n, round(f.mean, 2)]
        else:
            cells += [f.k, f.n, "" if f.value is None else round(f.value, 4)]
    return [r.rank or "", d.code, d.name, r.graduates, *cells, "" if r.score is None else r.score,
            _("yes") if r.passive else _("no"), " ".join(ds.evidence(r)) if r.passive else ""]


@login_required
def program_support_export(request: HttpRequest, program_id: int, fmt: str) -> HttpResponse:
    report = ds.program_support(actor=authz.actor_for(request.user), program_id=program_id,
                                stage=request.GET.get("stage"))
    return exports.table_download(fmt=fmt, filename=f"tandem-department-support-{report.program.pk}-{report.stage.pk}",
                                  sheet=_("Department support"), headers=_export_headers(),
                                  rows=(_export_row(report, r) for r in report.rows))


def _department_context(request: HttpRequest, code: str) -> tuple[dict, int]:
    actor = authz.actor_for(request.user)
    department = ds.department_for_support(actor=actor, code=code)
    context: dict = {"department": department, "view": None, "errors": [], "formula": ds.FORMULA_TEXT,
                     "passive_rule": ds.PASSIVE_TEXT, "attribution": ds.ATTRIBUTION_TEXT,
                     "programs": ds.programs_of_department(department=department), "stages": []}
    try:
        view = ds.department_support(actor=actor, code=code, program_id=request.GET.get("program"),
                                     stage=request.GET.get("stage"))
    except ValidationFailed as exc:
        context["errors"] = error_messages(exc)
        return context, 400
    except NotFound:  # no program has graduates here yet: the page's empty state
        return context, 200
    context.update({"view": view, "stages": ds.stages_of(view.program),
                    "lines": [{"cell": c, "median": m} for c, m in zip(
                        _cells(view.row) if view.row else [], _median_cells(view.medians, view.counts), strict=False)],
                    "evidence": ds.evidence(view.row) if view.row and view.row.passive else [],
                    "medians": _median_cells(view.medians, view.counts),
                    "min_departments": calc.MIN_DEPARTMENTS_FOR_MEDIAN})
    return context, 200


@login_required
def department_support(request: HttpRequest, code: str) -> HttpResponse:
    context, status = _department_context(request, code)
    return render(request, "insights/departments/department.html", context, status=status)


@login_required
def department_support_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    view = ds.department_support(actor=authz.actor_for(request.user), code=code,
                                 program_id=request.GET.get("program"), stage=request.GET.get("stage"))
    headers = [_("Measure"), _("This department"), _("k"), _("n"), _("Median of the departments"),
               _("Departments with a figure")]

    def rows():
        for m in calc.MEASURES:
            f = view.row.figures.get(m) if view.row else None
            mid = view.medians.get(m)
            yield [ds.measure_label(m), ds.figure_text(view.row, m) if view.row else "",
                   "" if f is None or f.k is None else f.k, "" if f is None else f.n,
                   "" if mid is None else round(mid * 4 + 1, 2) if m == "rating" else round(mid, 4),
                   view.counts.get(m, 0)]
        yield [_("Support score"), "" if view.row is None or view.row.score is None else view.row.score, "", "", "", ""]
        yield [_("Rank"), "" if view.row is None or view.row.rank is None else
               _("%(rank)s of %(n)s") % {"rank": view.row.rank, "n": view.ranked}, "", "", "", ""]

    return exports.table_download(fmt=fmt, filename=f"tandem-department-support-{view.department.pk}",
                                  sheet=_("Department support"), headers=headers, rows=rows())
