"""Import pages: upload, past imports, one import's progress and errors. HR admins only."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ApplicationError, NotFound, error_messages
from tandem.core.forms import ModelChoiceField
from tandem.people import import_mapping, import_services, importing
from tandem.people.models import ImportKind, ImportMapping

ERRORS_PER_PAGE = 100


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What to import"), choices=ImportKind.choices)
    file = forms.FileField(label=gettext_lazy("File (.csv or .xlsx)"))
    mapping = ModelChoiceField(
        label=gettext_lazy("Column mapping"), required=False, queryset=ImportMapping.objects.none(),
        empty_label=gettext_lazy("None: the file has Tandem's columns"),
        help_text=gettext_lazy("For a file from another system: a saved mapping of its columns to Tandem's."),
    )
    invite_new = forms.BooleanField(
        label=gettext_lazy("Invite the people this import creates"), required=False,
        help_text=gettext_lazy("People import only. Once the import succeeded, each new person without an "
                               "account gets an e-mail with a link to sign in."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = import_mapping.import_mappings()
        self.fields["mapping"].label_from_instance = lambda m: f"{m.name} ({m.get_kind_display()})"


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
                    user=request.user, kind=form.cleaned_data["kind"], uploaded_file=form.cleaned_data["file"],
                    mapping=form.cleaned_data["mapping"], invite_new=form.cleaned_data["invite_new"],
                )
            except ApplicationError as exc:
                field = {"mapping_kind": "mapping", "mapping_incomplete": "mapping",
                         "import_invite_kind": "invite_new"}.get(str(exc.code), "file")
                for message in error_messages(exc):
                    form.add_error(field, message)
            else:
                messages.success(request, _("File received. The import runs in the background."))
                return redirect("import_detail", job_id=job.pk)
        status = 400
    page = Paginator(import_services.import_jobs_recent(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "people/import_list.html",
        {"form": form, "page": page, "kinds": import_services.import_columns(),
         "references": import_services.import_reference_codes(),
         "mapping_count": import_mapping.import_mappings().count()},
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
def import_template_xlsx(request: HttpRequest, kind: str) -> HttpResponse:
    """The XLSX template: an example row, each column's help as a note, drop-downs of the codes."""
    _require_import(request)
    if kind not in importing.SPECS:
        raise NotFound()
    response = HttpResponse(
        import_services.import_template_xlsx(kind=kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tandem-{kind}.xlsx"'
    return response


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    _require_import(request)
    job = import_services.import_job_get(job_id=job_id)
    errors = Paginator(job.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/import_detail.html",
        {"job": job, "errors": errors, "running": job.status in import_services.RUNNING,
         "fitting": import_services.mappings_fitting(job)},
    )


@login_required
@require_POST
def import_remap(request: HttpRequest, job_id: int) -> HttpResponse:
    """Import a failed job's file again through a saved column mapping."""
    _require_import(request)
    job = import_services.import_job_get(job_id=job_id)
    try:
        mapping_id = int(request.POST.get("mapping", ""))
    except ValueError:
        raise NotFound() from None
    mapping = import_mapping.import_mapping_get(mapping_id=mapping_id)
    try:
        new = import_services.import_job_remap(user=request.user, job=job, mapping=mapping)
    except ApplicationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
        return redirect("import_detail", job_id=job.pk)
    messages.success(request, _("The file is imported again through the mapping “%(name)s”.") % {"name": mapping.name})
    return redirect("import_detail", job_id=new.pk)


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
