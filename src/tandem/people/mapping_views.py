"""Column-mapping pages (issue 14 §5): HR uploads a sample of another system's file, maps its
columns to Tandem's once, saves the mapping by name and imports with it. HR admins only, like
the import pages. Thin: authorise through core.authz, read and write through people.import_mapping."""

from __future__ import annotations

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
from tandem.core.errors import ApplicationError, ValidationFailed, error_messages
from tandem.people import import_mapping, import_services
from tandem.people.import_views import ImportUploadForm
from tandem.people.models import ImportKind, ImportMapping
from tandem.web.feedback import form_errors

PER_PAGE = 25


class MappingStartForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the mapping"), max_length=import_mapping.MAX_NAME,
                           help_text=gettext_lazy("For example the system it comes from: “Workday export”."))
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportKind.choices,
                             initial=ImportKind.PEOPLE)
    file = forms.FileField(label=gettext_lazy("A file from the other system (.csv or .xlsx)"),
                           help_text=gettext_lazy("Its header row gives the columns to map; a few of its "
                                                  "values help with the value maps. Nothing is imported yet."))


def _require(request: HttpRequest) -> authz.Actor:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_import(actor))
    return actor


@login_required
def mapping_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = MappingStartForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                upload = form.cleaned_data["file"]
                name = import_services.check_upload(form.cleaned_data["kind"], upload)
                table = import_mapping.read_sample(upload.read(), name)
                mapping = import_mapping.import_mapping_create(
                    user=request.user, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"], table=table,
                )
            except ValidationFailed as exc:
                form_errors(form, exc)
            except ApplicationError as exc:
                form.add_error("file", str(exc.message))
            else:
                messages.success(request, _("Mapping saved. Choose, for each Tandem column, where its values "
                                            "come from."))
                return redirect("import_mapping", mapping_id=mapping.pk)
        status = 400
    page = Paginator(import_mapping.import_mappings(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/import_mappings.html", {"form": form, "page": page}, status=status)


def _rows(mapping: ImportMapping, columns: dict[str, Any], post: Any = None) -> list[dict[str, Any]]:
    """One row per Tandem column for the form: its spec, what is mapped, the sample values."""
    rows = []
    for spec in import_mapping.tandem_columns(mapping.kind):
        entry = columns.get(spec.name) or {}
        if post is not None:
            source = post.get(f"source-{spec.name}", "")
            pattern = post.get(f"pattern-{spec.name}", "")
            values_text = post.get(f"values-{spec.name}", "")
        else:
            source = entry.get("source", "")
            pattern = entry.get("pattern", "")
            values_text = import_mapping.values_to_text(entry.get("values"))
        rows.append({
            "column": spec, "source": source, "pattern": pattern, "values_text": values_text,
            "samples": (mapping.samples or {}).get(source, [])[:12] if source else [],
        })
    return rows


def _columns_from_post(mapping: ImportMapping, post: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    columns: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for spec in import_mapping.tandem_columns(mapping.kind):
        source = post.get(f"source-{spec.name}", "")
        pattern = post.get(f"pattern-{spec.name}", "")
        try:
            values = import_mapping.values_from_text(post.get(f"values-{spec.name}", ""))
        except ValidationFailed as exc:
            errors[spec.name] = exc.errors["values"]
            continue
        if source or pattern or values:
            columns[spec.name] = {"source": source, "pattern": pattern, "values": values}
    return columns, errors


@login_required
def mapping_detail(request: HttpRequest, mapping_id: int) -> HttpResponse:
    _require(request)
    mapping = import_mapping.import_mapping_get(mapping_id=mapping_id)
    errors: dict[str, list[str]] = {}
    name = mapping.name
    status = 200
    post = None
    if request.method == "POST":
        post = request.POST
        name = post.get("name", "")
        columns, errors = _columns_from_post(mapping, post)
        # every mistake at once: the value maps above, the columns and the name
        for check in (
            lambda: import_mapping.mapping_clean(mapping.kind, columns, source_columns=mapping.source_columns or None),
            lambda: import_mapping.clean_name(name),
        ):
            try:
                check()
            except ValidationFailed as exc:
                for key, msgs in exc.errors.items():
                    errors.setdefault(key, []).extend(str(m) for m in msgs)
        if not errors:
            try:
                import_mapping.import_mapping_update(mapping=mapping, name=name, columns=columns)
            except ValidationFailed as exc:
                errors = {k: [str(m) for m in v] for k, v in exc.errors.items()}
            except ApplicationError as exc:
                errors = {"": error_messages(exc)}
            else:
                messages.success(request, _("Mapping saved."))
                return redirect("import_mapping", mapping_id=mapping.pk)
        status = 400
    rows = _rows(mapping, mapping.columns or {}, post)
    for row in rows:
        row["errors"] = errors.get(row["column"].name, [])
    upload = ImportUploadForm(initial={"kind": mapping.kind, "mapping": mapping.pk})
    return render(request, "people/import_mapping.html", {
        "mapping": mapping, "name": name, "rows": rows, "status_code": status,
        "name_errors": errors.get("name", []),
        "other_errors": [m for key, msgs in errors.items() if key not in {r["column"].name for r in rows} | {"name"}
                         for m in msgs],
        "missing": import_mapping.missing_message(mapping.kind, mapping.columns or {}),
        "source_columns": mapping.source_columns or [],
        "upload": upload,
        "jobs": mapping.jobs.order_by("-created_at", "-id")[:10],
    }, status=status)


@login_required
@require_POST
def mapping_delete(request: HttpRequest, mapping_id: int) -> HttpResponse:
    _require(request)
    mapping = import_mapping.import_mapping_get(mapping_id=mapping_id)
    import_mapping.import_mapping_delete(mapping=mapping)
    messages.success(request, _("Mapping “%(name)s” deleted. Past imports keep the mapping they used.")
                     % {"name": mapping.name})
    return redirect("import_mappings")
