"""Pages of the duties checklist: a pair's checklist and a program's compliance view (with its CSV /
XLSX export). Thin: the access helpers, the evaluator (:mod:`tandem.mentorships.duties`), render."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core import authz
from tandem.mentorships import duties, duty_selectors, selectors
from tandem.web.exports import table_download

PAGE_SIZE = 50
Q_LIMIT = 100


def period_label(s: duties.PeriodState) -> str:
    """How a period reads: "November 2026", "Q4 2026", "Week of 2 Nov 2026", or the days."""
    start, end = s.period_start, s.period_end
    # a stub joined to its neighbour is named after the month or quarter that holds most of it
    middle = start + (end - start) / 2
    if s.period == "monthly":
        return date_format(middle, "YEAR_MONTH_FORMAT")
    if s.period == "quarterly":
        return _("Q%(q)s %(year)s") % {"q": (middle.month - 1) // 3 + 1, "year": middle.year}
    if s.period == "weekly":
        return _("Week of %(day)s") % {"day": date_format(start, "SHORT_DATE_FORMAT")}
    return _("%(start)s – %(end)s") % {"start": date_format(start, "SHORT_DATE_FORMAT"),
                                      "end": date_format(end, "SHORT_DATE_FORMAT")}


def duty_groups(states: list[duties.PeriodState]) -> list[dict[str, Any]]:
    """The checklist by duty: the period that speaks for it now, the periods so far (newest first)
    and how many are still to come."""
    by_duty: dict[int, list[duties.PeriodState]] = defaultdict(list)
    for s in states:
        by_duty[s.duty_id].append(s)
    heads = {h.duty_id: h for h in duties.headline(states)}
    out = []
    for duty_id, rows in by_duty.items():
        seen = [s for s in rows if s.timing != duties.FUTURE]
        future = [s for s in rows if s.timing == duties.FUTURE]
        out.append({
            "head": heads[duty_id], "head_label": period_label(heads[duty_id]),
            "periods": [(s, period_label(s)) for s in (future[:1] + list(reversed(seen)))],
            "later": max(0, len(future) - 1),
            "done": sum(1 for s in seen if s.state == duties.DONE),
            "overdue": sum(1 for s in seen if s.state == duties.OVERDUE),
        })
    return out


@login_required
def checklist(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_view_duties)
    today = timezone.localdate()
    states = duties.checklist(m, today=today)
    descriptions = {d.pk: d.description_tr for d in m.program.cadence_duties.all()}
    groups = duty_groups(states)
    for g in groups:
        g["description"] = descriptions.get(g["head"].duty_id, "")
    return render(request, "mentorships/duties/checklist.html", {
        "m": m, "groups": groups, "today": today, "private": authz.can_read_log(actor, m),
        "can_compliance": authz.can_view_compliance(actor, m.program),
        "not_started": m.started_on is None,
    })


def _filters(request: HttpRequest) -> tuple[str, str]:
    state = request.GET.get("state", "")
    state = state if state in duties.STATES else ""
    q = "".join(ch for ch in request.GET.get("q", "") if ch.isprintable())[:Q_LIMIT].strip()
    return state, q


@login_required
def compliance(request: HttpRequest, program_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    program = duty_selectors.compliance_program_for(actor, program_id)
    state, q = _filters(request)
    today = timezone.localdate()
    rows, counts = duty_selectors.compliance(program=program, today=today, state=state, q=q)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [(r, period_label(r.state)) for r in page.object_list]
    return render(request, "mentorships/duties/compliance.html", {
        "program": program, "page": page, "items": items, "state": state, "q": q, "today": today,
        "states": [(s, duties.STATE_LABELS[s], counts[s]) for s in duties.STATES],
        "total": sum(counts.values()), "has_duties": program.cadence_duties.exists(),
    })


@login_required
def compliance_export(request: HttpRequest, program_id: int, fmt: str) -> HttpResponse:
    actor = authz.actor_for(request.user)
    program = duty_selectors.compliance_program_for(actor, program_id)
    state, q = _filters(request)
    rows, _counts = duty_selectors.compliance(program=program, state=state, q=q)
    headers = [_("Mentee"), _("Mentee's employee ID"), _("Mentor"), _("Mentor's employee ID"), _("Duty"),
               _("Required"), _("Period"), _("Period starts"), _("Period ends"), _("State"), _("Count"),
               _("Needed"), _("Periods overdue so far")]

    def lines():
        for r in rows:
            m, s = r.mentorship, r.state
            yield [m.mentee.full_name, m.mentee.employee_id, m.mentor.full_name, m.mentor.employee_id, s.duty_name,
                   _("yes") if s.required else _("no"), period_label(s), s.period_start, s.period_end,
                   s.state_label, s.count, s.needed, r.overdue_count]

    return table_download(fmt=fmt, filename=f"duties-{program.pk}", sheet=_("Duties"), headers=headers,
                          rows=lines())


