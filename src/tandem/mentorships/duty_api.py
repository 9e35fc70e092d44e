"""The duties API (mounted in ``config/api.py``): a pair's checklist and a program's compliance.

``GET /mentorships/{id}/duties``: every period of every duty of the program's cadence policy, with
its state computed from the log (upcoming, due, done, overdue, suggested, untracked) — for the
pair, HR and the program's manager (``authz.can_view_duties``). ``GET /programs/{id}/duties``: per
ACTIVE pair × duty the period that speaks for it now, overdue first, paginated — for HR and the
program's manager (``authz.can_view_compliance``); a program one cannot see is a 404.
"""

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from tandem.core import authz
from tandem.core.schemas import DbId, PageNumberPagination, SingleLine
from tandem.mentorships import duties, duty_selectors, selectors
from tandem.programs.models import Concerns, DutyPeriod, DutyRequirement

router = Router(tags=["duties"])

StateName = Literal[tuple(duties.STATES)]  # type: ignore[valid-type]


class DutyOut(Schema):
    id: int
    code: str
    name: str = Field(..., description="In the reader's language")
    required: bool = Field(..., description="False: a suggestion, never overdue")
    requirement: str = Field(..., description="What counts: one of " + ", ".join(DutyRequirement.values))
    concerns: str = Field(..., description="Whose duty: one of " + ", ".join(Concerns.values))
    period: str = Field(..., description="One of " + ", ".join(DutyPeriod.values))


class EvidenceOut(Schema):
    kind: str = Field(..., description="session, rating, feedback, … (what met the duty)")
    id: int


class PeriodOut(Schema):
    duty: DutyOut
    period_start: date
    period_end: date
    state: str = Field(..., description="One of: " + ", ".join(duties.STATES))
    state_label: str
    timing: str = Field(..., description="past, current or future (relative to today)")
    count: int = Field(..., description="Entries of the log that count in this period")
    needed: int
    evidence: list[EvidenceOut]


class ChecklistOut(Schema):
    mentorship_id: int
    today: date
    periods: list[PeriodOut]


class DutyPersonRef(Schema):
    id: int
    name: str


class ComplianceOut(Schema):
    mentorship_id: int
    mentor: DutyPersonRef
    mentee: DutyPersonRef
    duty: DutyOut
    period_start: date
    period_end: date
    state: str = Field(..., description="One of: " + ", ".join(duties.STATES))
    state_label: str
    count: int
    needed: int
    overdue_periods: int = Field(..., description="Periods of this duty that ended overdue so far")
    done_periods: int


class ChecklistQuery(Schema):
    state: StateName | None = None  # type: ignore[valid-type]


class ComplianceQuery(Schema):
    state: StateName | None = None  # type: ignore[valid-type]
    q: SingleLine = Field("", max_length=100, description="Part of the mentor's or the mentee's name")


def _duty(s: duties.PeriodState) -> dict[str, Any]:
    return {"id": s.duty_id, "code": s.duty_code, "name": s.duty_name, "required": s.required,
            "requirement": s.requirement, "concerns": s.concerns, "period": s.period}


def _period(s: duties.PeriodState) -> dict[str, Any]:
    return {"duty": _duty(s), "period_start": s.period_start, "period_end": s.period_end, "state": s.state,
            "state_label": s.state_label, "timing": s.timing, "count": s.count, "needed": s.needed,
            "evidence": [{"kind": k, "id": i} for k, i in s.evidence]}


@router.get("/mentorships/{mentorship_id}/duties", response=ChecklistOut,
            summary="The pair's duties checklist: each period of each duty with its state, computed from the log")
def checklist_get(request: HttpRequest, mentorship_id: DbId, query: Query[ChecklistQuery]):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_view_duties)
    today = timezone.localdate()
    rows = duties.checklist(m, today=today)
    if query.state:
        rows = [s for s in rows if s.state == query.state]
    return {"mentorship_id": m.pk, "today": today, "periods": [_period(s) for s in rows]}


@router.get("/programs/{program_id}/duties", response=list[ComplianceOut],
            summary="The program's compliance: each active pair × duty, the period that speaks for it now, overdue first")
@paginate(PageNumberPagination, page_size=50)
def compliance_get(request: HttpRequest, program_id: DbId, query: Query[ComplianceQuery]):
    actor = authz.actor_for(request.user)
    program = duty_selectors.compliance_program_for(actor, program_id)
    rows, _counts = duty_selectors.compliance(program=program, state=query.state or "", q=query.q)
    return [{
        "mentorship_id": r.mentorship.pk,
        "mentor": {"id": r.mentorship.mentor_id, "name": r.mentorship.mentor.full_name},
        "mentee": {"id": r.mentorship.mentee_id, "name": r.mentorship.mentee.full_name},
        "duty": _duty(r.state), "period_start": r.state.period_start, "period_end": r.state.period_end,
        "state": r.state.state, "state_label": r.state.state_label, "count": r.state.count,
        "needed": r.state.needed, "overdue_periods": r.overdue_count, "done_periods": r.done_count,
    } for r in rows]
