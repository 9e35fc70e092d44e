"""Import endpoints: upload a spreadsheet, then read its status and errors. HR admins only."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status, UploadedFile

from tandem.core import authz
from tandem.people import import_services

router = Router(tags=["imports"])


class ImportErrorOut(Schema):
    row: int | None  # as in the spreadsheet: the header is row 1; None for a file-level problem
    column: str
    value: str
    message: str


class ImportJobOut(Schema):
    id: int
    kind: str
    status: str
    file_name: str
    percent: int
    total_rows: int
    processed_rows: int
    created_count: int
    updated_count: int
    error_count: int
    errors: list[ImportErrorOut]
    created_at: datetime
    finished_at: datetime | None


class ErrorOut(Schema):
    code: str
    message: str


@router.post("/imports", response={201: ImportJobOut, 400: ErrorOut, 403: ErrorOut})
def import_create(request: HttpRequest, kind: Form[str], file: File[UploadedFile]):
    """Upload a CSV or XLSX file (multipart: `kind` = departments | job_profiles | people | ratings,
    and `file`). The import runs in the background: poll `GET /api/imports/{id}`."""
    authz.require(authz.can_import(authz.actor_for(request.user)))
    job = import_services.import_job_create(user=request.user, kind=kind, uploaded_file=file)
    return Status(201, import_services.import_job_get(job_id=job.pk))


@router.get("/imports/{job_id}", response={200: ImportJobOut, 403: ErrorOut, 404: ErrorOut})
def import_get(request: HttpRequest, job_id: int):
    """Status, progress, counts and the errors (`row` counts the header as row 1; at most 1,000
    are kept, `error_count` has the total)."""
    authz.require(authz.can_import(authz.actor_for(request.user)))
    return import_services.import_job_get(job_id=job_id)
