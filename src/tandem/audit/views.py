"""HR pages: the audit trail, and data-protection requests for one person. Thin, as elsewhere."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit import exports, selectors, services
from tandem.audit.capture import record
from tandem.audit.forms import AuditFilterForm, type_label
from tandem.audit.models import Action, Via
from tandem.core import authz
from tandem.core.errors import ApplicationError
from tandem.web.feedback import flash_error

PAGE_SIZE = 50


def _hr(request: HttpRequest) -> authz.Actor:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_view_audit(actor))
    return actor


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    _hr(request)
    form = AuditFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "audit/list.html", {"form": form, "page": None, "actions": Action.choices,
                                                   "vias": Via.choices}, status=400)
    filters = form.filters() if request.GET else {}
    page = Paginator(selectors.entry_list(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    actions, vias = dict(Action.choices), dict(Via.choices)
    rows = [row | {"type_display": type_label(row["object_type"]),
                   "action_display": actions.get(row["action"], row["action"]),
                   "via_display": vias.get(row["via"], row["via"])}
            for row in selectors.entry_rows(page.object_list)]
    return render(request, "audit/list.html", {
        "form": form, "page": page, "rows": rows, "actions": Action.choices, "vias": Via.choices,
        "query": form.query_string() if request.GET else "",
        "person_filter": filters.get("person", ""),
    })


@login_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _hr(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/list.html", {"form": form, "page": None, "actions": Action.choices,
                                                   "vias": Via.choices}, status=400)
    rows = selectors.entry_rows(selectors.iterate(selectors.entry_list(**form.filters())))
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_stream(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response
    response = HttpResponse(
        exports.entries_xlsx(rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response


def person_for_request(employee_id: str):
    """The person behind an employee ID in a path, or 404 (a NUL byte is not an ID either)."""
    from tandem.people.selectors import person_get

    if not employee_id or "\x00" in employee_id or len(employee_id) > 40:
        raise Http404
    person = person_get(employee_id=employee_id)
    if person is None:
        raise Http404
    return person


def person_export_response(*, person, fmt: str) -> HttpResponse:
    data = selectors.person_data(person=person)
    record(action=Action.DATA_EXPORT, obj=person, label=person.employee_id, persons=[person.pk],
           changes={"format": [None, fmt]})
    name = "tandem-" + re.sub(r"[^A-Za-z0-9_.-]", "_", person.employee_id)
    if fmt == "xlsx":
        response = HttpResponse(
            exports.person_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(exports.person_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@login_required
def person_data(request: HttpRequest, employee_id: str) -> HttpResponse:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_handle_personal_data(actor))
    person = person_for_request(employee_id)
    fmt = request.GET.get("format", "")
    if fmt in ("json", "xlsx"):
        return person_export_response(person=person, fmt=fmt)
    if fmt:
        return render(request, "audit/person.html", {
            "person": person, "anonymised": services.is_anonymised(person=person),
            "error": _("Choose JSON or XLSX."),
        }, status=400)
    return render(request, "audit/person.html", {
        "person": person, "anonymised": services.is_anonymised(person=person),
    })


@login_required
def person_anonymise(request: HttpRequest, employee_id: str) -> HttpResponse:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_handle_personal_data(actor))
    person = person_for_request(employee_id)
    if request.method != "POST":
        return redirect("audit_person_data", employee_id=person.employee_id)
    try:
        person = services.person_anonymise(person=person, by=request.user, confirm=request.POST.get("confirm", ""))
    except ApplicationError as exc:
        flash_error(request, exc)
        return render(request, "audit/person.html", {
            "person": person, "anonymised": services.is_anonymised(person=person),
        }, status=exc.status)
    messages.success(request, _("The person was anonymised. Their figures still count in every total."))
    return redirect("audit_person_data", employee_id=person.employee_id)
