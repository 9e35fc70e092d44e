"""Retention pages: a program's Kaplan–Meier curve against a comparison group (with the checkpoint
table and its CSV / XLSX export) and the at-risk list before each checkpoint. Thin: the selectors
check access and compute; the SVG's coordinates are computed here (no script, no inline style)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tandem.core import authz
from tandem.core.errors import ApplicationError, error_messages
from tandem.insights import retention_selectors as rs
from tandem.web import exports

# the chart's viewBox is 0..100 × 0..60; the plot area inside it
X0, X1, Y0, Y1 = 10.0, 97.0, 52.0, 4.0
AT_RISK_PER_PAGE = 25
COLOURS = {"a": "#2f6fb0", "b": "#8a8f98"}  # the comparison page's colours of A and B


def _x(day: float) -> float:
    return round(X0 + min(day, rs.HORIZON) / rs.HORIZON * (X1 - X0), 3)


def _y(value: float) -> float:
    return round(Y0 + value * (Y1 - Y0), 3)


@dataclass(frozen=True)
class Series:
    line: str  # the step function as a path
    band: str  # the confidence band as a closed path
    css: str  # "a" (the program) or "b" (the comparison)
    colour: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    day: int


@dataclass(frozen=True)
class Chart:
    series: list[Series]
    checkpoints: list[Tick]
    talks: list[Tick]
    y_ticks: list[tuple[float, str]]


def _series(steps, end: int, css: str) -> Series | None:
    """The step function through ``steps`` up to day ``end``, and its band between the steps' low
    and high values."""
    if not steps:
        return None
    line, upper, lower = [], [], []
    for i, step in enumerate(steps):
        x_from = _x(step.day)
        x_to = _x(steps[i + 1].day) if i + 1 < len(steps) else _x(max(end, step.day))
        line.append(f"M{x_from},{_y(step.retention)}" if i == 0 else f"V{_y(step.retention)}")
        line.append(f"H{x_to}")
        upper.append((x_from, x_to, _y(step.high)))
        lower.append((x_from, x_to, _y(step.low)))
    band = "M" + " L".join(f"{a},{y} {b},{y}" for a, b, y in upper)
    band += " L" + " L".join(f"{b},{y} {a},{y}" for a, b, y in reversed(lower)) + " Z"
    return Series(" ".join(line), band, css, COLOURS[css])


def retention_chart(report: rs.RetentionReport) -> Chart | None:
    series = []
    for g, css in zip(report.groups, ("a", "b"), strict=True):
        if g.result is not None:
            s = _series(g.result.curve, g.result.curve_end, css)
            if s is not None:
                series.append(s)
    if not series:
        return None
    return Chart(
        series=series,
        checkpoints=[Tick(_x(d), rs.checkpoint_label(d), d) for d in report.checkpoints],
        talks=[Tick(_x(t.day), t.name, t.day) for t in report.alumni_talks if 0 <= t.day <= rs.HORIZON],
        y_ticks=[(_y(v), f"{int(v * 100)} %") for v in (0.0, 0.25, 0.5, 0.75, 1.0)],
    )


def _page(request: HttpRequest, program_id: int) -> tuple[dict, int]:
    actor = authz.actor_for(request.user)
    compare = request.GET.get("compare", "")
    try:
        report = rs.program_retention(actor=actor, program_id=program_id, compare=compare)
    except ApplicationError as exc:
        if not exc.data and exc.status != 400:
            raise
        program = rs.program_for_retention(actor=actor, program_id=program_id)
        return {"program": program, "report": None, "errors": error_messages(exc), "compare": compare,
                "choices": rs.comparison_choices(actor=actor, program=program)}, exc.status
    return {"program": report.program, "report": report, "rows": report.checkpoint_rows(),
            "chart": retention_chart(report), "errors": [], "compare": report.groups[1].group.code,
            "choices": rs.comparison_choices(actor=actor, program=report.program),
            "can_see_at_risk": authz.can_view_at_risk(actor, report.program)}, 200


@login_required
def program_retention(request: HttpRequest, program_id: int) -> HttpResponse:
    context, status = _page(request, program_id)
    return render(request, "insights/retention/curve.html", context, status=status)


def _num(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


@login_required
def program_retention_export(request: HttpRequest, program_id: int, fmt: str) -> HttpResponse:
    report = rs.program_retention(actor=authz.actor_for(request.user), program_id=program_id,
                                  compare=request.GET.get("compare", ""))
    headers = [_("Checkpoint"), _("Day"), _("Group"), _("n"), _("At risk"), _("Left by then"),
               _("Censored before"), _("Retention"), _("CI low"), _("CI high"), _("Note")]

    def rows():
        for row in report.checkpoint_rows():
            g = next(x for x in report.groups if x.group == row["group"])
            f = row["figure"]
            if row["suppressed"] or f is None:
                yield [row["label"], row["day"], row["group"].label, "", "", "", "", "", "", "", row["note"]]
                continue
            ci = f.ci or ("", "")
            yield [row["label"], row["day"], row["group"].label, g.n, f.at_risk, f.events, f.censored,
                   _num(f.retention), _num(ci[0]) if ci[0] != "" else "", _num(ci[1]) if ci[1] != "" else "",
                   row["note"]]

    return exports.table_download(fmt=fmt, filename=f"tandem-retention-{report.program.pk}", sheet=_("Retention"),
                                  headers=headers, rows=rows())


@login_required
def program_at_risk(request: HttpRequest, program_id: int) -> HttpResponse:
    program, rows = rs.at_risk_list(actor=authz.actor_for(request.user), program_id=program_id)
    page = Paginator(rows, AT_RISK_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "insights/retention/at_risk.html", {
        "program": program, "page": page, "total": len(rows), "window": rs.AT_RISK_WINDOW,
    })
