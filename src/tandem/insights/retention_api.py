"""Retention API (mounted in ``config/api.py``).

``GET /api/programs/{id}/retention?compare=<group>`` — the program's participants against a
comparison group (``nonparticipants:<id>``, the default, or ``program:<id>`` of another program):
for each group its n, leavers and censored, the Kaplan–Meier retention at day 7 and months 1, 3 and
6 with the 95 % interval and the n at risk, and the curve (steps with their band). A group below the
anonymity threshold gets ``suppressed``: true and no figures, not even its n.

``GET /api/programs/{id}/at-risk`` — the active participants within two weeks before a checkpoint,
each with the reasons that fired (paginated). HR and the program's manager only.
"""

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from tandem.core import authz
from tandem.core.schemas import DbInt, PageNumberPagination
from tandem.insights import retention_selectors as rs
from tandem.insights import selectors

router = Router(tags=["insights"])

CompareText = Annotated[str, Field(max_length=selectors.MAX_GROUP_TEXT,
                                   json_schema_extra={"pattern": r"^((program|nonparticipants):[1-9][0-9]{0,8})?$"},
                                   description="nonparticipants:<id> (default) | program:<id>")]


class RetentionErrorOut(Schema):
    code: str
    message: str


class CheckpointOut(Schema):
    day: int
    label: str
    at_risk: int | None
    left: int | None
    censored: int | None
    retention: float | None
    ci: tuple[float, float] | None
    note: str


class StepOut(Schema):
    day: int
    retention: float
    ci: tuple[float, float]
    at_risk: int


class GroupRetentionOut(Schema):
    group: str
    label: str
    suppressed: bool
    n: int | None
    left: int | None
    censored: int | None
    checkpoints: list[CheckpointOut]
    curve: list[StepOut]


class AlumniTalkOut(Schema):
    name: str
    day: int
    date: datetime.date


class RetentionOut(Schema):
    program: int
    today: datetime.date
    threshold: int
    confidence: float
    method: str
    observational_note: str
    groups: list[GroupRetentionOut]
    alumni_talks: list[AlumniTalkOut]


def retention_out(report: rs.RetentionReport) -> dict:
    rows = report.checkpoint_rows()
    groups = []
    for g in report.groups:
        checkpoints = []
        for row in rows:
            if row["group"] != g.group:
                continue
            f = row["figure"]
            hidden = g.suppressed or f is None
            checkpoints.append({
                "day": row["day"], "label": row["label"], "note": row["note"],
                "at_risk": None if hidden else f.at_risk, "left": None if hidden else f.events,
                "censored": None if hidden else f.censored,
                "retention": None if hidden else f.retention, "ci": None if hidden else f.ci,
            })
        result = g.result
        groups.append({
            "group": g.group.code, "label": g.group.label, "suppressed": g.suppressed,
            "n": None if result is None else result.n, "left": None if result is None else result.events,
            "censored": None if result is None else result.censored, "checkpoints": checkpoints,
            "curve": [] if result is None else [
                {"day": s.day, "retention": s.retention, "ci": (s.low, s.high), "at_risk": s.at_risk}
                for s in result.curve],
        })
    return {
        "program": report.program.pk, "today": report.today, "threshold": report.threshold,
        "confidence": rs.retention.CONFIDENCE, "method": report.method,
        "observational_note": report.observational_note, "groups": groups,
        "alumni_talks": [{"name": t.name, "day": t.day, "date": t.date} for t in report.alumni_talks],
    }


@router.get("/programs/{program_id}/retention",
            response={200: RetentionOut, 400: RetentionErrorOut, 403: RetentionErrorOut, 404: RetentionErrorOut})
def program_retention(request: HttpRequest, program_id: Path[DbInt], compare: Query[CompareText | None] = None):
    """Retention of the program's participants against a comparison group (HR and the program's manager)."""
    report = rs.program_retention(actor=authz.actor_for(request.user), program_id=program_id, compare=compare)
    return retention_out(report)


class ReasonOut(Schema):
    code: str
    message: str


class AtRiskOut(Schema):
    person: int
    employee_id: str
    name: str
    start: datetime.date
    checkpoint: int
    checkpoint_label: str
    checkpoint_date: datetime.date
    reasons: list[ReasonOut]


@router.get("/programs/{program_id}/at-risk",
            response={200: list[AtRiskOut], 403: RetentionErrorOut, 404: RetentionErrorOut})
@paginate(PageNumberPagination, page_size=50)
def program_at_risk(request: HttpRequest, program_id: Path[DbInt]):
    """Participants at risk before their next checkpoint, with the reasons (HR and the program's manager)."""
    _program, rows = rs.at_risk_list(actor=authz.actor_for(request.user), program_id=program_id)
    return [{"person": r.person.pk, "employee_id": r.person.employee_id, "name": r.person.full_name,
             "start": r.start, "checkpoint": r.checkpoint, "checkpoint_label": r.checkpoint_label,
             "checkpoint_date": r.checkpoint_date, "reasons": [vars(x) for x in r.reasons]} for r in rows]
