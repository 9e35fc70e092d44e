"""Spreadsheet imports: accept a file, then validate and write it in a background task.

The rule: every row is validated first; if anything is wrong the job ends FAILED with the errors
(row, column, value, message) and nothing is written. Otherwise everything is written in one
transaction. Parsing, the column specs and the bulk writes live in :mod:`tandem.people.importing`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.core.errors import ApplicationError, NotFound
from tandem.core.tasks import enqueue_on_commit
from tandem.people import importing, tasks
from tandem.people.models import ImportJob, ImportKind, ImportStatus

logger = logging.getLogger(__name__)

EXTENSIONS = (".csv", ".xlsx")
RUNNING = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.WRITING)


# -- writes ----------------------------------------------------------------------------------


def _check_upload(kind: str, uploaded_file: UploadedFile) -> str:
    if kind not in ImportKind.values:
        raise ApplicationError(
            _("Choose what to import: %(kinds)s.") % {"kinds": ", ".join(ImportKind.values)}, code="import_kind"
        )
    name = Path(uploaded_file.name or "").name
    extension = Path(name).suffix.lower()
    if extension not in EXTENSIONS:
        raise ApplicationError(_("Upload a .csv or .xlsx file."), code="import_file_type")
    size = uploaded_file.size or 0
    if size > settings.IMPORT_MAX_BYTES:
        raise ApplicationError(
            _("The file is too large: %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 2**20, 1), "limit": round(settings.IMPORT_MAX_BYTES / 2**20, 1)},
            code="import_too_large",
        )
    if size == 0:
        raise ApplicationError(_("The file is empty."), code="import_empty")
    uploaded_file.seek(0)
    head = uploaded_file.read(4096)
    uploaded_file.seek(0)
    if extension == ".xlsx" and not head.startswith(b"PK\x03\x04"):
        raise ApplicationError(_("This is not an XLSX workbook."), code="import_file_type")
    if extension == ".csv" and b"\x00" in head:
        raise ApplicationError(_("This does not look like a CSV file."), code="import_file_type")
    return name


@transaction.atomic
def import_job_create(*, user: Any, kind: str, uploaded_file: UploadedFile, language: str | None = None) -> ImportJob:
    """Store the upload and queue the import (after commit). Refuses a wrong kind, type or size
    with an :class:`ApplicationError` and then creates no job. Messages of the import come in
    ``language`` (default: the language active now, i.e. the uploader's)."""
    name = _check_upload(kind, uploaded_file)
    job = ImportJob(kind=kind, file_name=name[:255], uploaded_by=user)
    job.file.save(name, uploaded_file, save=False)
    job.save()
    enqueue_on_commit(tasks.run_import, job.pk, language or translation.get_language() or settings.LANGUAGE_CODE)
    return job


def _set(job_id: int, **fields: Any) -> None:
    """An autonomous progress update, outside the write transaction, so a polling page sees it."""
    ImportJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)


def _fail(job_id: int, errors: list[dict[str, Any]]) -> None:
    _set(
        job_id,
        status=ImportStatus.FAILED,
        errors=errors[: importing.MAX_STORED_ERRORS],
        error_count=len(errors),
        finished_at=timezone.now(),
    )


def import_job_run(*, job_id: int, language: str | None = None) -> None:
    """Validate every row, then write all of it in one transaction, or nothing.

    Not atomic as a whole on purpose: status and progress are committed as they move so the
    status page can show them; only the writing phase is one transaction. A job that is no
    longer queued (already run, or picked up twice) is left alone.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, processed_rows=0, updated_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.get(pk=job_id)
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            _run(job)
        except Exception:
            logger.exception("import job %s stopped", job_id)
            _fail(job_id, [importing.error_entry(
                None, "", "", _("The import stopped on an unexpected error; nothing was written.")
            )])
            raise


def _run(job: ImportJob) -> None:
    with job.file.open("rb") as fh:
        data = fh.read()
    try:
        table = importing.read_table(data, job.file_name)
        importer = importing.importer_for(job.kind, table)
    except importing.FileProblems as problems:
        _fail(job.pk, problems.errors)
        return
    total = len(table.rows)
    _set(job.pk, total_rows=total)
    errors = importer.validate(progress=lambda done, _total: _set(job.pk, processed_rows=done))
    if errors:
        _set(job.pk, processed_rows=total)
        _fail(job.pk, errors)
        return
    _set(job.pk, status=ImportStatus.WRITING, processed_rows=total)
    with transaction.atomic():
        created, updated = importer.write()
    _set(
        job.pk,
        status=ImportStatus.DONE,
        created_count=created,
        updated_count=updated,
        errors=[],
        error_count=0,
        finished_at=timezone.now(),
    )


# -- reads -----------------------------------------------------------------------------------


def import_jobs_recent() -> QuerySet[ImportJob]:
    """Past imports, newest first, without the stored errors (they can be large)."""
    return ImportJob.objects.select_related("uploaded_by").defer("errors").order_by("-created_at", "-id")


def import_job_get(*, job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("uploaded_by").filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No such import."))
    return job


def import_columns() -> list[dict[str, Any]]:
    """The column help of every kind, for the upload page."""
    return [
        {
            "kind": kind,
            "label": label,
            "note": importing.KIND_NOTES[kind],
            "columns": importing.SPECS[kind],
        }
        for kind, label in ImportKind.choices
    ]
