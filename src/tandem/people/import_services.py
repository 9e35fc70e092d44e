"""Spreadsheet imports: accept a file, then validate and write it in a background task.

The rule: every row is validated first; if anything is wrong the job ends FAILED with the errors
(row, column, value, message) and nothing is written. Otherwise everything is written in one
transaction. Parsing, the column specs and the bulk writes live in :mod:`tandem.people.importing`.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.core.errors import ApplicationError, NotFound
from tandem.core.tasks import enqueue_on_commit
from tandem.people import importing, tasks
from tandem.people.models import ImportJob, ImportKind, ImportMapping, ImportStatus
from tandem.people.services import gap_summary_rebuild

logger = logging.getLogger(__name__)

EXTENSIONS = (".csv", ".xlsx")
RUNNING = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.WRITING)


# -- writes ----------------------------------------------------------------------------------


def check_upload(kind: str, uploaded_file: UploadedFile) -> str:
    """The upload's file name, once its kind, type and size are acceptable (else ApplicationError)."""
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


def _check_mapping(kind: str, mapping: ImportMapping | None, columns: Any) -> dict[str, Any] | None:
    """The mapping the job will apply (a saved one, or one given inline), checked now: a mapping
    of another kind, or one that leaves a required column unmapped, is refused before upload."""
    from tandem.people import import_mapping

    if mapping is not None and columns is not None:
        raise ApplicationError(_("Choose a saved mapping or give one, not both."), code="mapping_invalid")
    if mapping is not None:
        if mapping.kind != kind:
            raise ApplicationError(
                _("The mapping “%(name)s” is for %(kind)s, not for this import.")
                % {"name": mapping.name, "kind": mapping.get_kind_display()},
                code=import_mapping.MappingErrorCode.KIND,
            )
        spec = mapping.columns or {}
    elif columns is not None:
        spec = import_mapping.mapping_clean(kind, columns)
    else:
        return None
    if missing := import_mapping.missing_message(kind, spec):
        raise ApplicationError(missing, code=import_mapping.MappingErrorCode.INCOMPLETE,
                               data={"missing": import_mapping.mapping_missing(kind, spec)})
    return spec


@transaction.atomic
def import_job_create(*, user: Any, kind: str, uploaded_file: UploadedFile, language: str | None = None,
                      mapping: ImportMapping | None = None, mapping_columns: Any = None,
                      invite_new: bool = False) -> ImportJob:
    """Store the upload and queue the import (after commit). Refuses a wrong kind, type or size
    with an :class:`ApplicationError` and then creates no job. Messages of the import come in
    ``language`` (default: the language active now, i.e. the uploader's).

    ``mapping`` (a saved :class:`ImportMapping`) or ``mapping_columns`` (the same, inline) reads a
    file in another system's columns (people.import_mapping). ``invite_new`` (people only): once
    the import succeeded, the people it created are invited to sign in."""
    name = check_upload(kind, uploaded_file)
    spec = _check_mapping(kind, mapping, mapping_columns)
    if invite_new and kind != ImportKind.PEOPLE:
        raise ApplicationError(_("Only the people import can invite the people it creates."),
                               code="import_invite_kind")
    job = ImportJob(kind=kind, file_name=name[:255], uploaded_by=user, mapping=mapping, mapping_spec=spec,
                    invite_new=bool(invite_new))
    job.file.save(name, uploaded_file, save=False)
    job.save()
    enqueue_on_commit(tasks.run_import, job.pk, language or translation.get_language() or settings.LANGUAGE_CODE)
    return job


@transaction.atomic
def import_job_remap(*, user: Any, job: ImportJob, mapping: ImportMapping, language: str | None = None) -> ImportJob:
    """Import a finished job's file again through ``mapping`` (the file a failed import kept: no
    second upload). A new job; the old one stays as it was."""
    from django.core.files.base import ContentFile

    if job.status in RUNNING:
        raise ApplicationError(_("This import is still running."), code="import_running")
    spec = _check_mapping(job.kind, mapping, None)
    with job.file.open("rb") as fh:
        data = fh.read()
    new = ImportJob(kind=job.kind, file_name=job.file_name, uploaded_by=user, mapping=mapping, mapping_spec=spec)
    new.file.save(job.file_name, ContentFile(data), save=False)
    new.save()
    enqueue_on_commit(tasks.run_import, new.pk, language or translation.get_language() or settings.LANGUAGE_CODE)
    return new


def mappings_fitting(job: ImportJob) -> list[ImportMapping]:
    """Saved mappings of the job's kind whose sample had every column this failed job's file was
    refused for (so the file looks like an export they were made for)."""
    if job.status != ImportStatus.FAILED or job.mapping_spec is not None:
        return []
    # header problems name the column as both column and value (whatever language the job ran in)
    unknown = {str(e.get("column", "")).strip().lower() for e in job.errors or []
               if e.get("row") is not None and e.get("column") and e.get("column") == e.get("value")}
    if not unknown:
        return []
    return [m for m in ImportMapping.objects.filter(kind=job.kind).order_by("name", "id")[:200]
            if unknown <= {c.strip().lower() for c in m.source_columns or []}]


class JobAbandoned(Exception):
    """The job is no longer running (marked failed as stale while this worker was slow): stop,
    and roll back whatever this run was about to write."""


def _set(job_id: int, **fields: Any) -> None:
    """An autonomous progress update, outside the write transaction, so a polling page sees it.
    Only while the job runs: a job marked failed meanwhile is never brought back."""
    now = timezone.now()
    moved = ImportJob.objects.filter(pk=job_id, status__in=RUNNING).update(
        updated_at=now, heartbeat_at=now, **fields
    )
    if not moved:
        raise JobAbandoned(job_id)


def _fail(job_id: int, errors: list[dict[str, Any]]) -> None:
    ImportJob.objects.filter(pk=job_id, status__in=RUNNING).update(
        status=ImportStatus.FAILED,
        errors=errors[: importing.MAX_STORED_ERRORS],
        error_count=len(errors),
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


class Heartbeat:
    """Keeps ``ImportJob.heartbeat_at`` fresh from a thread (with its own database connection)
    while the job's own thread is busy: reading in the child process, or inside the one write
    transaction, whose updates nobody else can see before it commits."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"import-{job_id}-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)

    def _beat(self) -> None:
        try:
            while not self.stop.wait(settings.IMPORT_HEARTBEAT_SECONDS):
                try:
                    ImportJob.objects.filter(pk=self.job_id, status__in=RUNNING).update(heartbeat_at=timezone.now())
                except DatabaseError:  # SQLite busy with the import's own write: beat again later
                    logger.info("import job %s: heartbeat skipped (database busy)", self.job_id)
        finally:
            connections.close_all()  # this thread's connections


def import_job_run(*, job_id: int, language: str | None = None) -> None:
    """Validate every row, then write all of it in one transaction, or nothing.

    Not atomic as a whole on purpose: status and progress are committed as they move so the
    status page can show them; only the writing phase is one transaction, and the job becomes
    DONE inside it (so data and status commit together: a worker killed at any moment leaves
    either both or neither). A job that is no longer queued (already run, or picked up twice)
    is left alone. While it runs, the job's heartbeat is kept fresh (:class:`Heartbeat`).
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, processed_rows=0, updated_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    job = ImportJob.objects.get(pk=job_id)
    with translation.override(language or settings.LANGUAGE_CODE), Heartbeat(job_id):
        try:
            _run(job)
        except JobAbandoned:
            logger.warning("import job %s was marked failed while running; its run stopped", job_id)
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
        if job.mapping_spec is not None:
            from tandem.people.import_mapping import apply_mapping

            table = apply_mapping(table, job.kind, job.mapping_spec)
        importer = importing.importer_for(job.kind, table)
    except importing.FileProblems as problems:
        _fail(job.pk, problems.errors)
        return
    total = len(table.rows)
    _set(job.pk, total_rows=total)
    if job.kind in GRAPH_KINDS:
        # Validate against committed data, then again under the lock against what is committed
        # once we hold it: two imports running at once never both pass on a stale picture.
        errors = importer.validate(progress=lambda done, _total: _set(job.pk, processed_rows=done))
        if errors:
            _set(job.pk, processed_rows=total)
            _fail(job.pk, errors)
            return
        _set(job.pk, status=ImportStatus.WRITING, processed_rows=total)
        with transaction.atomic():
            organisation_lock()
            importer = importing.importer_for(job.kind, table)
            errors = importer.validate()
            if errors:
                transaction.set_rollback(True)
            else:
                _write_and_finish(job.pk, importer)
        if errors:
            _fail(job.pk, errors)
        elif job.invite_new:
            _invite_created(job, importer.created_pks)
        return
    errors = importer.validate(progress=lambda done, _total: _set(job.pk, processed_rows=done))
    if errors:
        _set(job.pk, processed_rows=total)
        _fail(job.pk, errors)
        return
    _set(job.pk, status=ImportStatus.WRITING, processed_rows=total)
    with transaction.atomic():
        _write_and_finish(job.pk, importer)


def _invite_created(job: ImportJob, person_ids: list[int]) -> None:
    """After a successful people import: invite the people it created (those without an account),
    as the person who uploaded it; the count lands on the job. The import itself stays done
    whatever happens here (the people are saved; they can be invited from the invitations page)."""
    from tandem.accounts import invitation_services
    from tandem.core import authz

    if not person_ids or job.uploaded_by is None:
        return
    actor = authz.actor_for(job.uploaded_by)
    invited = 0
    for start in range(0, len(person_ids), invitation_services.BATCH_LIMIT):
        batch = person_ids[start:start + invitation_services.BATCH_LIMIT]
        try:
            people = invitation_services.people_without_account(actor=actor).filter(pk__in=batch)
            result = invitation_services.invitations_send(people=people, actor=actor)
        except ApplicationError as exc:  # nobody left to invite, or no right to
            logger.info("import job %s: invitations not sent: %s", job.pk, exc)
            continue
        invited += result.sent + result.resent
    ImportJob.objects.filter(pk=job.pk).update(invited_count=invited, updated_at=timezone.now())


GAP_KINDS = frozenset({ImportKind.JOB_PROFILES, ImportKind.PEOPLE})


def _write_and_finish(job_id: int, importer: importing.Importer) -> None:
    """Inside the write transaction: write, and mark the job DONE in the same transaction. If the
    job is no longer WRITING (marked failed as stale meanwhile), everything rolls back."""
    created, updated = importer.write()
    if importer.kind in GAP_KINDS:
        # new targets, or people moved, given other profiles, deactivated: the dashboards' gaps
        # from scratch (a rating import keeps them per person through current_levels_rebuild)
        gap_summary_rebuild()
    now = timezone.now()
    finished = ImportJob.objects.filter(pk=job_id, status=ImportStatus.WRITING).update(
        status=ImportStatus.DONE,
        created_count=created,
        updated_count=updated,
        unchanged_count=getattr(importer, "unchanged", 0),
        errors=[],
        error_count=0,
        finished_at=now,
        updated_at=now,
        heartbeat_at=now,
    )
    if not finished:
        raise JobAbandoned(job_id)


# Imports that change the organisation's graphs (the department tree, the manager chain): two of
# them at once could each pass the cycle check against committed data and together commit a
# cycle. They validate and write under one lock.
GRAPH_KINDS = frozenset({ImportKind.DEPARTMENTS, ImportKind.PEOPLE})
_ORGANISATION_LOCK_KEY = 0x7A4D_0001  # pg_advisory_xact_lock key: "the organisation's graphs"


def organisation_lock() -> None:
    """Hold, until the surrounding transaction ends, the one lock under which the organisation's
    graphs are validated and written. PostgreSQL: a transaction-level advisory lock. SQLite: the
    database's write lock, taken now (an immediate write) rather than at the first insert, so the
    re-validation that follows already sees every committed import."""
    connection = connections[router.db_for_write(ImportJob)]
    if not connection.in_atomic_block:
        raise RuntimeError("organisation_lock() needs a transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ORGANISATION_LOCK_KEY])
        else:
            # any write takes SQLite's single write lock, held until the transaction ends
            cursor.execute(
                "UPDATE {t} SET {c} = {c} WHERE 1 = 0".format(
                    t=connection.ops.quote_name(ImportJob._meta.db_table),
                    c=connection.ops.quote_name("id"),
                )
            )


# -- stale jobs ------------------------------------------------------------------------------


def import_jobs_fail_stale(*, now: Any = None) -> int:
    """Mark failed every running job whose worker stopped giving signs of life (killed, out of
    memory, machine restarted) and tell the person who started it. Returns how many.

    Called when an import's page or API is read, and by the worker when it starts. Cheap when
    nothing is stale (one indexed read, no write). A job so marked that was in fact still alive
    cannot commit afterwards: its final step only moves a WRITING job to DONE, in the same
    transaction as its data."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)
    running = ImportJob.objects.filter(status__in=(ImportStatus.VALIDATING, ImportStatus.WRITING))
    stale = running.filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff))
    candidates = list(stale.select_related("uploaded_by").only(
        "pk", "status", "file_name", "kind", "heartbeat_at", "updated_at", "uploaded_by__email",
        "uploaded_by__username", "uploaded_by__first_name",
    ))
    failed = 0
    for job in candidates:
        last = job.heartbeat_at or job.updated_at
        minutes = max(1, round((now - last).total_seconds() / 60))
        message = _(
            "The import stopped: the worker running it stopped responding (no sign of life for "
            "%(minutes)s minutes, while %(phase)s). Nothing was written. Upload the file again."
        ) % {"minutes": minutes, "phase": ImportStatus(job.status).label.lower()}
        try:
            moved = stale.filter(pk=job.pk).update(
                status=ImportStatus.FAILED,
                errors=[importing.error_entry(None, "", "", message)],
                error_count=1,
                finished_at=now,
                updated_at=now,
            )
        except DatabaseError:  # SQLite: the import's own write holds the lock, so it is alive
            logger.info("import job %s: stale check skipped (database busy)", job.pk)
            continue
        if moved:
            failed += 1
            logger.warning("import job %s marked failed: no heartbeat since %s", job.pk, last)
            _tell_uploader(job, message)
    return failed


def _tell_uploader(job: ImportJob, message: str) -> None:
    user = job.uploaded_by
    if user is None or not user.email:
        return
    link = settings.BASE_URL + reverse("import_detail", args=[job.pk])
    try:
        send_mail(
            _("Your import of “%(name)s” stopped") % {"name": job.file_name},
            _("Hello,\n\n%(message)s\n\nThe import: %(link)s\n\n— Tandem") % {"message": message, "link": link},
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except Exception:  # the job is already marked failed and the page says so; mail is a courtesy
        logger.exception("import job %s: could not e-mail %s", job.pk, user.email)


# -- reads -----------------------------------------------------------------------------------


def import_jobs_recent() -> QuerySet[ImportJob]:
    """Past imports, newest first, without the stored errors (they can be large). Jobs whose
    worker died are marked failed first, so the list never shows one as running forever."""
    import_jobs_fail_stale()
    return ImportJob.objects.select_related("uploaded_by").defer("errors").order_by("-created_at", "-id")


def import_job_get(*, job_id: int) -> ImportJob:
    import_jobs_fail_stale()
    job = ImportJob.objects.select_related("uploaded_by").filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No such import."))
    return job


REFERENCE_SHOWN = 200  # codes listed per kind on the page; the XLSX template has all of them


def import_reference_codes(*, limit: int | None = REFERENCE_SHOWN) -> list[dict[str, Any]]:
    """What the import files refer to (departments, job profiles, locations, competencies,
    languages): each kind with its total and its first ``limit`` (code, name) pairs."""
    from tandem.people.models import Competency, Department, JobProfile, Language, Location

    kinds = (
        ("departments", _("Departments"), "department_code", Department.objects.order_by("code"), "code", "name"),
        ("job_profiles", _("Job profiles"), "job_profile_code", JobProfile.objects.order_by("code"), "code", "title"),
        ("locations", _("Locations"), "location", Location.objects.order_by("name"), "name", "name"),
        ("competencies", _("Competencies"), "competency_code", Competency.objects.order_by("code"), "code", "name"),
        ("languages", _("Languages"), "languages", Language.objects.order_by("code"), "code", "name"),
    )
    out = []
    for key, label, column, qs, code, name in kinds:
        rows = qs.values_list(code, name)
        out.append({"key": key, "label": label, "column": column, "count": qs.count(),
                    "items": list(rows[:limit] if limit else rows)})
    return out


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


# -- templates -------------------------------------------------------------------------------

#: columns that name a saved record, and the list (of import_reference_codes) they take it from
REFERENCE_COLUMNS = {
    "department_code": "departments", "parent_code": "departments", "job_profile_code": "job_profiles",
    "location": "locations", "competency_code": "competencies",
}


def import_template_xlsx(*, kind: str) -> bytes:
    """An XLSX template for ``kind``: the header, an example row (using a saved code where the
    column names one), each column's help as a cell note, and drop-downs of the saved codes (and
    of the fixed choices) on the rows below, from a second sheet "Lists". The drop-downs warn
    rather than refuse, since a name (or a code new in the same file) is accepted too."""
    import io

    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from tandem.people.models import CommunicationStyle, RatingSource

    columns = importing.SPECS[kind]
    references = {r["key"]: r for r in import_reference_codes(limit=None)}
    fixed: dict[str, list[str]] = {"communication_style": list(CommunicationStyle.values)}
    if kind == ImportKind.RATINGS:
        fixed["source"] = list(RatingSource.values)
    if any(c.name == "time_zone" for c in columns):
        fixed["time_zone"] = sorted(importing.known_time_zones())

    book = Workbook()
    sheet = book.active
    import re

    title = str(ImportKind(kind).label) if kind in ImportKind.values else kind
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
    lists = book.create_sheet(_("Lists")[:31])
    list_column = 0
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        head = sheet.cell(row=1, column=position, value=column.name)
        head.font = Font(bold=True)
        note = str(column.help) + (" " + _("(required)") if column.required else "")
        head.comment = Comment(note, "Tandem", width=320, height=140)
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.name) + 4))
        values: list[str] = []
        reference = references.get(REFERENCE_COLUMNS.get(column.name, ""))
        if reference is not None and not (kind == ImportKind.DEPARTMENTS and column.name == "parent_code"):
            values = [code for code, _name in reference["items"]]
        elif column.name in fixed:
            values = fixed[column.name]
        example = values[0] if values and reference is not None else column.example
        if example:
            sheet.cell(row=2, column=position, value=example)
        if not values:
            continue
        list_column += 1
        list_letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=column.name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=list_column, value=value)
        validation = DataValidation(
            type="list", formula1=f"'{lists.title}'!${list_letter}$2:${list_letter}${len(values) + 1}",
            allow_blank=True, showErrorMessage=True, errorStyle="warning",
            error=_("Not a saved code. A name is accepted too; the import checks every value."),
        )
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}5000")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
