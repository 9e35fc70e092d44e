"""Import pages: upload, past imports, one import's progress and errors. HR admins only."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core import authz
from tandem.core.errors import ApplicationError, NotFound
from tandem.people import import_services, importing
from tandem.people.models import ImportKind

ERRORS_PER_PAGE = 100


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What to import"), choices=ImportKind.choices)
    file = forms.FileField(label=gettext_lazy("File (.csv or .xlsx)"))


def _require_import(request: HttpRequest) -> None:
    authz.require(authz.can_import(authz.actor_for(request.user)))


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = import_services.import_job_create(
                    user=request.user, kind=form.cleaned_data["kind"], uploaded_file=form.cleaned_data["file"]
                )
            except ApplicationError as exc:
                form.add_error("file", str(exc.message))
            else:
                messages.success(request, _("File received. The import runs in the background."))
                return redirect("import_detail", job_id=job.pk)
        status = 400
    page = Paginator(import_services.import_jobs_recent(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "people/import_list.html",
        {"form": form, "page": page, "kinds": import_services.import_columns()},
        status=status,
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    _require_import(request)
    if kind not in ImportKind.values:
        raise NotFound()
    buffer = io.StringIO()
    csv.writer(buffer).writerow(importing.template_header(kind))
    # With a BOM, spreadsheet programs open the UTF-8 file with the right encoding.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tandem-{kind}.csv"'
    return response


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    _require_import(request)
    job = import_services.import_job_get(job_id=job_id)
    errors = Paginator(job.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/import_detail.html",
        {"job": job, "errors": errors, "running": job.status in import_services.RUNNING},
    )


@login_required
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment the detail page polls every second while the job runs."""
    _require_import(request)
    job = import_services.import_job_get(job_id=job_id)
    running = job.status in import_services.RUNNING
    response = render(request, "people/_import_status.html", {"job": job, "running": running})
    if not running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # reload once to show the counts or the errors table
    return response
