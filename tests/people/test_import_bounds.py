"""Spreadsheets are read within declared bounds, and a reader crash cannot take the worker down.

A 1.5 KB XLSX with values at A1 and XFD1048576 made calamine allocate 512 GiB and abort the
process running it (the worker); a file one row wide across XFD took 1.3 GB. The bombs here are
built by hand (zipfile + the sheet XML written out), as an attacker would.
"""

from __future__ import annotations

import io
import os
import resource
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.people import import_services, importing
from tandem.people.models import ImportJob, ImportStatus, Person
from tests.factories import DepartmentFactory

HEADER = ["employee_id", "full_name", "email", "department_code"]


def workbook(sheet_xml: bytes | None = None, *, rows=None, dimension: str | None = None) -> bytes:
    """A real workbook (openpyxl), with its first sheet's XML replaced or its dimension rewritten."""
    book = openpyxl.Workbook()
    for row in rows or [HEADER, ["B1", "Bomb", "bomb@example.com", "ENG"]]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                if sheet_xml is not None:
                    data = sheet_xml
                if dimension is not None:
                    import re

                    data = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>'.encode(), data)
            target.writestr(info.filename, data)
    return out.getvalue()


def sheet(rows_xml: str, *, dimension: str = "A1", prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return (f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}><{p}dimension ref="{dimension}"/>'
            f"<{p}sheetData>{rows_xml}</{p}sheetData></{p}worksheet>").encode()


def cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


HEADER_ROW = '<row r="1">' + "".join(cell(f"{c}1", h) for c, h in zip("ABCD", HEADER, strict=True)) + "</row>"
DATA_ROW = '<row r="2">' + "".join(
    cell(f"{c}2", v) for c, v in zip("ABCD", ["B1", "Bomb", "bomb@example.com", "ENG"], strict=True)) + "</row>"

# values at A1 and at the very last cell of the grid: the reader's rectangle is 2^34 cells
CORNER_BOMB = sheet(HEADER_ROW + DATA_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                    dimension="A1:XFD1048576")


@pytest.fixture
def run_import(hr_person, django_capture_on_commit_callbacks, db):
    DepartmentFactory(code="ENG")

    def run(data: bytes, name: str = "people.xlsx", kind: str = "people") -> ImportJob:
        upload = SimpleUploadedFile(name, data)
        with django_capture_on_commit_callbacks(execute=True):
            job = import_services.import_job_create(user=hr_person.user, kind=kind, uploaded_file=upload)
        job.refresh_from_db()
        return job

    return run


def failed_with(job: ImportJob) -> str:
    assert job.status == ImportStatus.FAILED, job.status
    assert job.percent == 100  # ended: never "99 %"
    assert not Person.objects.filter(employee_id="B1").exists()
    return " ".join(e["message"] for e in job.errors)


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_reader(request, monkeypatch):
    if request.param == "openpyxl":
        monkeypatch.setattr(importing, "CalamineWorkbook", None)
    elif importing.CalamineWorkbook is None:
        pytest.skip("python-calamine is not installed")
    return request.param


def test_corner_bomb_is_refused_quickly_with_a_clear_message_and_the_worker_lives(run_import, xlsx_reader):
    # given: 1.5 KB that spans A1:XFD1048576
    assert len(CORNER_BOMB) < 2000
    data = workbook(CORNER_BOMB)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    # when
    started = time.monotonic()
    job = run_import(data)

    # then: refused before any reader ran, in this very process, which is still here
    assert time.monotonic() - started < 20
    message = failed_with(job)
    assert "too large" in message and "1,048,576 rows" in message and "16,384 columns" in message
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 200 * 1024  # KiB


def test_declared_dimension_beyond_the_bounds_is_refused(run_import):
    job = run_import(workbook(dimension="A1:XFD1048576"))
    assert "too large" in failed_with(job)


def test_a_file_one_row_wide_across_the_whole_grid_is_refused(run_import):
    # given: 18 KB-style width: a header cell in every column up to XFD in row 1
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.cell(row=1, column=16384, value="far")
    book.active.append(["B1", "Bomb", "bomb@example.com", "ENG"])
    buffer = io.BytesIO()
    book.save(buffer)

    job = run_import(buffer.getvalue())

    assert "16,384 columns" in failed_with(job)


def test_cells_without_positions_are_counted_as_the_reader_places_them(run_import):
    # given: no r="…" on rows or cells; the 150th cell of the first row lies in column 150
    wide = "<row>" + "<c t=\"inlineStr\"><is><t>x</t></is></c>" * 150 + "</row>"
    job = run_import(workbook(sheet(wide + "<row><c t=\"inlineStr\"><is><t>y</t></is></c></row>")))
    assert "150 columns" in failed_with(job)


def test_a_namespaced_sheet_is_scanned_too(run_import):
    rows = HEADER_ROW.replace("<", "<x:").replace("<x:/", "</x:") + (
        '<x:row r="900000"><x:c r="A900000"><x:v>1</x:v></x:c></x:row>')
    job = run_import(workbook(sheet(rows, prefix="x")))
    assert "900,000 rows" in failed_with(job)


def test_a_sheet_within_the_bounds_with_explicit_positions_imports(run_import, xlsx_reader):
    job = run_import(workbook(sheet(HEADER_ROW + DATA_ROW, dimension="A1:D2")))
    assert job.status == ImportStatus.DONE, job.errors
    assert Person.objects.filter(employee_id="B1").exists()


def test_more_rows_than_the_limit_is_refused_for_xlsx_and_csv(run_import, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    rows = [HEADER] + [[f"T{i}", "Tall", f"t{i}@example.com", "ENG"] for i in range(5)]
    assert "too large" in failed_with(run_import(workbook(rows=rows)))
    csv = "\n".join(",".join(map(str, r)) for r in rows).encode()
    assert "more than 3 data rows" in failed_with(run_import(csv, "people.csv"))
    assert not Person.objects.filter(full_name="Tall").exists()


def test_a_reader_that_runs_out_of_memory_fails_the_job_not_the_worker(run_import, monkeypatch, settings):
    # given: the bounds check switched off, so the bomb reaches calamine itself
    if importing.CalamineWorkbook is None:
        pytest.skip("python-calamine is not installed")
    monkeypatch.setattr(importing, "check_xlsx_bounds", lambda data: None)
    settings.IMPORT_READER_TIMEOUT_SECONDS = 60
    pid = os.getpid()

    # when: calamine asks for 512 GiB and aborts (in its own process, under an address-space limit)
    job = run_import(workbook(CORNER_BOMB))

    # then: this process (the worker) is alive and the job failed with advice
    assert os.getpid() == pid
    assert "memory" in failed_with(job)


def test_a_reader_that_takes_too_long_is_stopped(run_import, monkeypatch, settings):
    # given: openpyxl on the bomb with no bounds check walks 2^34 empty cells
    monkeypatch.setattr(importing, "check_xlsx_bounds", lambda data: None)
    monkeypatch.setattr(importing, "CalamineWorkbook", None)
    # a short clock and room in memory, so the clock (not the memory limit) stops it on any machine
    settings.IMPORT_READER_TIMEOUT_SECONDS = 2
    settings.IMPORT_READER_MEMORY_MB = 6144

    started = time.monotonic()
    job = run_import(workbook(CORNER_BOMB))

    assert time.monotonic() - started < 30
    assert "longer than 2 seconds" in failed_with(job)


def test_a_reader_that_dies_fails_the_job_with_a_message(run_import, settings):
    # given: a memory limit no reader can start under
    settings.IMPORT_READER_MEMORY_MB = 8

    job = run_import(workbook())

    assert "memory" in failed_with(job)


def test_control_characters_in_names_are_refused_line_breaks_in_bios_are_not(run_import):
    csv = ("employee_id,full_name,email,department_code,bio\n"
           'B1,"Bob\rBcc: x",bob@example.com,ENG,"line one\nline two"\n').encode()
    job = run_import(csv, "people.csv")
    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "full_name")]
    ok = run_import(csv.replace(b"Bob\rBcc: x", b"Bob"), "people.csv")
    assert ok.status == ImportStatus.DONE, ok.errors
    assert Person.objects.get(employee_id="B1").bio == "line one\nline two"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_hire_date_at_the_ends_of_the_calendar_is_refused(run_import, day):
    csv = f"employee_id,full_name,email,department_code,hire_date\nB1,Bob,bob@example.com,ENG,{day}\n".encode()
    job = run_import(csv, "people.csv")
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "hire_date")]
    assert "1900-01-01" in failed_with(job)
