"""Inputs versus outputs API (mounted in ``config/api.py``).

``GET /api/insights/inputs-outputs?by=mentor|program|department|job_profile&from=YYYY-MM-DD&to=YYYY-MM-DD&program=<id>``
— per group: its pairs and mentees, and for every input and output figure the mean, its n and 95 %
interval; the whole scope first; the flags with their evidence and suggestions; the monthly trend.
A group below the anonymity threshold is left out (``hidden_groups`` counts them); a figure below it
is ``null`` with ``n`` null too. Per mentor: HR and program managers (their programs' pairs) only.

Two outputs come from closed surveys (``survey_satisfaction``: 1–5, n = responses; ``nps``: −100…100,
n = answers): a group is listed when one of them is shown even if its pairs are too few (``pairs``
null); a hidden survey figure says why in ``reason`` (``fewer_answers``, or ``protects_another``:
hidden so that a smaller hidden group cannot be worked out from the total) and ``note`` (“fewer than
5 answers”), with the group's ``threshold``; ``survey_hidden_groups`` counts the groups not listed.
"""

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tandem.core import authz
from tandem.insights import inputs
from tandem.insights import inputs_selectors as sel

router = Router(tags=["insights"])


class InputsErrorOut(Schema):
    code: str
    message: str


class InputsFigureOut(Schema):
    metric: str
    label: str
    shown: bool
    value: float | None
    n: int | None
    ci: tuple[float, float] | None
    reason: str | None = Field(None, description="a hidden survey output: fewer_answers | protects_another | not_readable")
    threshold: int | None = Field(None, description="a survey output: the smallest number of answers shown")
    note: str | None = Field(None, description="a hidden survey output, in words (e.g. “fewer than 5 answers”)")


class FlagOut(Schema):
    rule: str
    group: str
    evidence: list[str]
    suggestion: str


class InputsGroupOut(Schema):
    key: int | None
    label: str
    pairs: int | None
    mentees: int | None
    suppressed: bool
    figures: list[InputsFigureOut]
    flags: list[FlagOut]


class TrendOut(Schema):
    month: datetime.date
    hours: float | None
    hours_n: int | None
    satisfaction: float | None
    satisfaction_n: int | None
    survey_satisfaction: float | None
    survey_satisfaction_n: int | None
    nps: float | None
    nps_n: int | None


class InputsSurveyHiddenOut(Schema):
    """Per survey output, the groups whose figure is hidden and that have no row of their own."""

    survey_satisfaction: int
    nps: int


PAGE_SIZE = 100


class InputsOutputsOut(Schema):
    by: str
    start: datetime.date
    end: datetime.date
    program: int | None
    threshold: int
    confidence: float
    method: str
    observational_note: str
    scope: InputsGroupOut
    groups: list[InputsGroupOut]
    count: int
    page: int
    pages: int
    hidden_groups: int
    survey_hidden_groups: InputsSurveyHiddenOut
    trend: list[TrendOut]


#: A day as ``inputs_selectors._date`` reads it (blank: the default period), years 2000 to 2100.
_DAY = {"pattern": r"^(|(20[0-9][0-9]|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))$"}


class InputsFilter(Schema):
    # What the reader takes, in the document (it answers 400 naming the parameter otherwise).
    by: Annotated[Annotated[str, Field(max_length=20, json_schema_extra={"enum": list(sel.BY)})] | None,
                  Field(None, description="mentor | program | department | job_profile")]
    from_: Annotated[Annotated[str, Field(max_length=20, json_schema_extra=_DAY)] | None,
                     Field(None, alias="from", description="YYYY-MM-DD, 2000 to 2100")]
    to: Annotated[Annotated[str, Field(max_length=20, json_schema_extra=_DAY)] | None,
                  Field(None, description="YYYY-MM-DD, 2000 to 2100")]
    # as inputs_selectors.inputs_query reads it: a number from 1 (stripped; empty is no program)
    program: Annotated[Annotated[str, Field(json_schema_extra={"pattern": r"^ *(0*[1-9][0-9]{0,8})? *$"})] | None,
                       Field(None, max_length=20, description="a program's id")]
    page: Annotated[int, Field(1, ge=1, le=100_000, description="groups are listed 100 a page")]


def _group(row: sel.GroupRow) -> dict:
    figures = []
    for m in inputs.ALL_METRICS:
        f = row.figures[m]
        figures.append({"metric": m, "label": str(sel.METRIC_LABELS[m]), "shown": f.shown,
                        "value": f.value if f.shown else None, "n": f.n if f.shown else None,
                        "ci": f.ci if f.shown else None, "reason": f.reason or None,
                        "threshold": f.threshold, "note": sel.hidden_note(f)})
    return {"key": row.key, "label": row.label, "pairs": row.pairs, "mentees": row.people,
            "suppressed": row.suppressed, "figures": figures,
            "flags": [{"rule": fl.rule, "group": fl.group, "evidence": fl.evidence, "suggestion": fl.suggestion}
                      for fl in row.flags]}


def report_out(report: sel.Report, page: int = 1) -> dict:
    q = report.query
    pages = max(1, -(-len(report.groups) // PAGE_SIZE))
    page = min(page, pages)
    chunk = report.groups[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    return {
        "by": q.by, "start": q.period.start, "end": q.period.end,
        "program": q.program.pk if q.program is not None else None, "threshold": report.threshold,
        "confidence": inputs.CONFIDENCE, "method": report.method, "observational_note": report.observational_note,
        "scope": _group(report.whole), "groups": [_group(g) for g in chunk],
        "count": len(report.groups), "page": page, "pages": pages,
        "hidden_groups": report.hidden_groups,
        "survey_hidden_groups": {m: report.survey_hidden_groups.get(m, 0) for m in inputs.SURVEY_METRICS},
        "trend": [{"month": t.month, "hours": t.hours, "hours_n": t.hours_n, "satisfaction": t.satisfaction,
                   "satisfaction_n": t.satisfaction_n, "survey_satisfaction": t.survey_satisfaction,
                   "survey_satisfaction_n": t.survey_satisfaction_n, "nps": t.nps, "nps_n": t.nps_n}
                  for t in report.trend],
    }


@router.get("/insights/inputs-outputs",
            response={200: InputsOutputsOut, 400: InputsErrorOut, 403: InputsErrorOut, 404: InputsErrorOut})
def inputs_outputs(request: HttpRequest, filters: Query[InputsFilter]):
    """Inputs against outputs per group over a period, with flags and suggestions (thresholded)."""
    report = sel.inputs_outputs(actor=authz.actor_for(request.user), by=filters.by, start=filters.from_,
                                end=filters.to, program=filters.program)
    return report_out(report, filters.page)
