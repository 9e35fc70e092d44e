"""Pages of inputs versus outputs (issue 12 §1): the report with its trends and flags, and its CSV / XLSX
export. Thin: ``inputs_selectors.inputs_outputs`` checks access and computes; a refused input is the
page with the message and its 4xx."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core import authz
from tandem.core.errors import ApplicationError, error_messages
from tandem.insights import inputs
from tandem.insights import inputs_selectors as sel
from tandem.web import exports

PER_PAGE = 50
CHART_W, CHART_H, LEFT, RIGHT, TOP, BOTTOM = 100.0, 40.0, 12.0, 90.0, 6.0, 32.0


@dataclass(frozen=True)
class TrendMark:
    x: float
    y: float
    label: str  # the month
    value: str
    n: int

    @property
    def label_y(self) -> float:
        return round(self.y - 2.0, 3)


@dataclass(frozen=True)
class TrendChart:
    marks: list[TrendMark]
    line: str
    hidden: list[tuple[float, str]]  # months without a figure: (x, label)
    ticks: list[tuple[float, str]]  # y gridlines
    months: list[tuple[float, str]]


def _trend_chart(points: list[sel.TrendPoint], attr: str, low: float | None, high: float | None,
                 digits: int = 1) -> TrendChart | None:
    """SVG coordinates of one monthly series (hidden months are gaps, labelled), or None if nothing shows."""
    values = [getattr(p, attr) for p in points]
    shown = [v for v in values if v is not None]
    if not shown:
        return None
    lo = low if low is not None else 0.0
    hi = high if high is not None else max(shown) * 1.3 or 1.0
    step = (RIGHT - LEFT) / max(len(points) - 1, 1)

    def y(v: float) -> float:
        return round(BOTTOM - (v - lo) / ((hi - lo) or 1.0) * (BOTTOM - TOP), 3)

    marks, hidden, months, segments, current = [], [], [], [], []
    for i, p in enumerate(points):
        x = round(LEFT + i * step if len(points) > 1 else (LEFT + RIGHT) / 2, 3)
        label = date_format(p.month, "YEAR_MONTH_FORMAT")
        months.append((x, date_format(p.month, "M")))
        v = getattr(p, attr)
        if v is None:
            hidden.append((x, label))
            if current:
                segments.append(current)
            current = []
            continue
        n = getattr(p, f"{attr}_n")
        marks.append(TrendMark(x, y(v), label, f"{v:.{digits}f}", n or 0))
        current.append((x, y(v)))
    if current:
        segments.append(current)
    line = " ".join("M" + " L".join(f"{x} {yy}" for x, yy in seg) for seg in segments)
    ticks = [(y(lo + (hi - lo) * k / 4), f"{lo + (hi - lo) * k / 4:.1f}") for k in range(5)]
    return TrendChart(marks, line, hidden, ticks, months)


def _params(request: HttpRequest) -> dict:
    return {"by": request.GET.get("by") or None, "start": request.GET.get("from") or None,
            "end": request.GET.get("to") or None, "program": request.GET.get("program") or None}


def _base_context(actor: authz.Actor, request: HttpRequest) -> dict:
    return {
        "by_choices": [(b, sel.BY_LABEL[b]) for b in sel.BY if b != "mentor" or authz.can_view_inputs_by_mentor(actor)],
        "programs": sel.program_choices(actor=actor),
        "form": {"by": request.GET.get("by", "department"), "from": request.GET.get("from", ""),
                 "to": request.GET.get("to", ""), "program": request.GET.get("program", "")},
        "input_metrics": [(m, sel.METRIC_LABELS[m]) for m in inputs.INPUT_METRICS],
        "output_metrics": [(m, sel.METRIC_LABELS[m]) for m in inputs.OUTPUT_METRICS],
        "table_columns": 1 + len(inputs.INPUT_METRICS) + len(inputs.OUTPUT_METRICS),
        "report": None, "errors": [], "can_compare": authz.can_use_insights(actor),
    }


@login_required
def inputs_outputs(request: HttpRequest) -> HttpResponse:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_view_inputs_outputs(actor))
    context = _base_context(actor, request)
    try:
        report = sel.inputs_outputs(actor=actor, **_params(request))
    except ApplicationError as exc:
        if exc.status == 403 and not exc.data:
            raise
        context["errors"] = error_messages(exc)
        return render(request, "insights/inputs/report.html", context, status=exc.status)
    page = Paginator(report.groups, PER_PAGE).get_page(request.GET.get("page"))
    context.update({
        "report": report, "query": report.query.params(), "page": page,
        "page_flags": [f for g in page.object_list for f in g.flags],
        "hours_chart": _trend_chart(report.trend, "hours", 0.0, None),
        "satisfaction_chart": _trend_chart(report.trend, "satisfaction", 1.0, 5.0, digits=2),
        "survey_satisfaction_chart": _trend_chart(report.trend, "survey_satisfaction", 1.0, 5.0, digits=2),
        "nps_chart": _trend_chart(report.trend, "nps", -100.0, 100.0, digits=0),
    })
    if not context["form"]["from"]:
        context["form"].update({"from": report.query.period.start.isoformat(), "to": report.query.period.end.isoformat()})
    return render(request, "insights/inputs/report.html", context)


def _num(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def export_rows(report: sel.Report):
    """One row per shown group (the whole scope first): its n, then each metric's value, n and interval
    (a hidden survey output: the reason in the value's cell, nothing else)."""
    for row in [report.whole, *report.groups]:
        if row.suppressed and not any(row.figures[m].shown for m in inputs.SURVEY_METRICS):
            continue
        cells: list = [row.label if row is not report.whole else _("All: %(scope)s") % {"scope": row.label},
                       "" if row.pairs is None else row.pairs, "" if row.people is None else row.people]
        for m in inputs.ALL_METRICS:
            f = row.figures[m]
            if f.shown:
                cells += [_num(f.value), f.n, _num(f.ci[0]), _num(f.ci[1])]
            else:  # a hidden survey output says why in its value's cell ("fewer than 5 answers")
                cells += [sel.hidden_note(f) or "", "", "", ""]
        cells.append(" | ".join(" ".join(fl.evidence) + " → " + fl.suggestion for fl in row.flags))
        yield cells


def export_headers(report: sel.Report) -> list[str]:
    headers = [report.by_label, _("Pairs"), _("Mentees")]
    for m in inputs.ALL_METRICS:
        label = str(sel.METRIC_LABELS[m])
        headers += [label, _("%(m)s: n") % {"m": label}, _("%(m)s: CI low") % {"m": label},
                    _("%(m)s: CI high") % {"m": label}]
    headers.append(_("Flags and suggestions"))
    return headers


@login_required
def inputs_outputs_export(request: HttpRequest, fmt: str) -> HttpResponse:
    report = sel.inputs_outputs(actor=authz.actor_for(request.user), **_params(request))
    return exports.table_download(fmt=fmt, filename=f"tandem-inputs-outputs-{report.query.by}",
                                  sheet=_("Inputs and outputs"), headers=export_headers(report),
                                  rows=export_rows(report))
