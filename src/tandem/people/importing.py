"""Spreadsheet import: read a CSV or XLSX file, validate every row, then write everything in bulk.

The moving parts, in order:

1. :func:`read_table` turns the bytes into a header and rows. CSV is UTF-8 (with or without a
   BOM), comma- or semicolon-separated (sniffed from the header line); XLSX is read from its
   first sheet with openpyxl in read-only mode.
2. :func:`importer_for` maps the header onto the column spec of the import kind
   (:data:`SPECS`): header names are case-insensitive, spaces and hyphens count as ``_``.
   A missing required column, an unknown column or a repeated column is a file-level error
   (unknown columns are errors, not warnings, so a typo such as ``emial`` never drops data
   silently).
3. :meth:`Importer.validate` checks every row against lookups preloaded into dicts (no query
   per row), then the checks that span rows (duplicates, references inside the file, cycles).
4. :meth:`Importer.write` writes everything with ``bulk_create`` / ``bulk_update``; the caller
   runs it inside one transaction, and only when validation found nothing.

Row numbers in errors are the ones the user sees in the spreadsheet: **the header is row 1**,
the first data row is row 2, blank lines keep their numbers. File-level errors have ``row``
``None`` (or 1 when they are about the header).

Optional columns left out of the file leave the existing value of an updated record untouched;
an optional column that is present with an empty cell clears the value (or sets the default).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.validators import date_problem, multi_line_problem, single_line_problem
from tandem.people.models import (
    CommunicationStyle,
    Competency,
    CompetencyRating,
    Department,
    ImportKind,
    JobProfile,
    JobProfileRequirement,
    Language,
    Location,
    Person,
    RatingSource,
)
from tandem.people.services import current_levels_rebuild, department_paths_rebuild

try:  # optional, much faster XLSX reading; openpyxl is the fallback
    from python_calamine import CalamineWorkbook
except ImportError:  # pragma: no cover - depends on the installation
    CalamineWorkbook = None

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1000
BATCH_SIZE = 1000
IN_CHUNK = 900  # ids per ``__in`` lookup: safe under SQLite's parameter limit on every version

Progress = Callable[[int, int], None]
MULTI_LINE_COLUMNS = frozenset({"description", "bio", "note"})  # line breaks allowed; names and codes: one line


# -- column specs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: Any  # lazy translated text
    example: str = ""


SPECS: dict[str, tuple[Column, ...]] = {
    ImportKind.DEPARTMENTS: (
        Column("code", True, gettext_lazy("Unique code of the department; the key for updates."), "ENG"),
        Column("name", True, gettext_lazy("Display name."), "Engineering"),
        Column(
            "parent_code", False,
            gettext_lazy("Code of the parent department, already saved or anywhere in this file. "
                         "Empty: a top-level department."),
            "HQ",
        ),
        Column(
            "head_employee_id", False,
            gettext_lazy("Employee ID of the department head; the person must already exist "
                         "(import departments, then people, then departments again with heads)."),
            "E00042",
        ),
    ),
    ImportKind.JOB_PROFILES: (
        Column("code", True, gettext_lazy("Unique code of the job profile; the key for updates."), "BE-DEV"),
        Column(
            "title", True,
            gettext_lazy("Title. One row per requirement: repeat the code on the following rows; "
                         "their title and description may stay empty."),
            "Backend developer",
        ),
        Column("description", False, gettext_lazy("Free text."), ""),
        Column(
            "competency_code", False,
            gettext_lazy("One required competency per row (the code must exist). The requirements in "
                         "the file replace the profile's requirements; a profile with no "
                         "competency_code in the file keeps the ones it has."),
            "python",
        ),
        Column("target_level", False, gettext_lazy("Target level for that competency, 1 to 5."), "4"),
    ),
    ImportKind.PEOPLE: (
        Column("employee_id", True, gettext_lazy("Unique employee ID; the key for updates."), "E00042"),
        Column("full_name", True, gettext_lazy("Full name."), "Ada Lovelace"),
        Column("email", True, gettext_lazy("Valid, unique email address."), "ada@example.com"),
        Column("department_code", True, gettext_lazy("Code of an existing department."), "ENG"),
        Column(
            "manager_employee_id", False,
            gettext_lazy("Employee ID of the manager, already saved or anywhere in this file; "
                         "not the person themselves; no cycles."),
            "E00007",
        ),
        Column("job_profile_code", False, gettext_lazy("Code of an existing job profile."), "BE-DEV"),
        Column("location", False, gettext_lazy("Name of an existing location."), "Berlin"),
        Column("hire_date", False, gettext_lazy("Date as YYYY-MM-DD (or an Excel date in XLSX)."), "2023-04-01"),
        Column(
            "languages", False,
            gettext_lazy("Language codes separated by ; or , (each must exist). The list replaces "
                         "the person's languages."),
            "en;de",
        ),
        Column("time_zone", False, gettext_lazy("IANA time zone name; empty means UTC."), "Europe/Berlin"),
        Column(
            "communication_style", False,
            gettext_lazy("One of: direct, analytical, supportive, expressive."), "analytical",
        ),
        Column("mentoring_hours_per_month", False, gettext_lazy("Whole number from 0 to 160."), "4"),
        Column("mentor_capacity", False, gettext_lazy("Mentees they can take, 0 to 20 (0: not a mentor)."), "2"),
        Column("bio", False, gettext_lazy("Short bio, at most 2,000 characters."), ""),
        # insights: leavers, for retention outcomes
        Column("left_on", False, gettext_lazy("Leaving date as YYYY-MM-DD, not before the hire date; "
                                              "empty: still employed."), ""),
    ),
    ImportKind.RATINGS: (
        Column("employee_id", True, gettext_lazy("Employee ID of an existing person."), "E00042"),
        Column("competency_code", True, gettext_lazy("Code of an existing competency."), "python"),
        Column("level", True, gettext_lazy("Level from 1 to 5."), "3"),
        Column("source", True, gettext_lazy("One of: self, manager, mentor, assessment."), "manager"),
        Column("rated_on", True, gettext_lazy("Date as YYYY-MM-DD, not in the future."), "2024-06-30"),
        Column("rated_by_employee_id", False, gettext_lazy("Employee ID of an existing person."), "E00007"),
        Column("note", False, gettext_lazy("At most 500 characters."), ""),
    ),
}

KIND_NOTES: dict[str, Any] = {
    ImportKind.DEPARTMENTS: gettext_lazy("Departments are matched by code: an existing code is updated."),
    ImportKind.JOB_PROFILES: gettext_lazy("Job profiles are matched by code: an existing code is updated."),
    ImportKind.PEOPLE: gettext_lazy(
        "People are matched by employee ID: an existing ID is updated, a new one is created."
    ),
    ImportKind.RATINGS: gettext_lazy(
        "Ratings are appended to the history; a row identical to a saved rating (same person, "
        "competency, source, date and level) is skipped, so importing a file twice adds nothing."
    ),
}


def template_header(kind: str) -> list[str]:
    return [c.name for c in SPECS[kind]]


# -- errors ----------------------------------------------------------------------------------


class FileProblems(Exception):
    """The file cannot be imported at all (unreadable, empty, wrong columns)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"] if errors else "")
        self.errors = errors


def error_entry(row: int | None, column: str, value: Any, message: Any) -> dict[str, Any]:
    """One problem as stored and shown. The value is cut at 200 characters, the column name at 80
    and the message at 500, so a 10,000-character cell never comes back whole."""
    return {"row": row, "column": brief(column, 80), "value": shown(value), "message": brief(str(message), 500)}


def brief(value: Any, limit: int = 40) -> str:
    """A value short enough to quote inside a message (“…” marks the cut)."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def file_problem(message: Any, *, row: int | None = None, column: str = "", value: Any = "") -> FileProblems:
    return FileProblems([error_entry(row, column, value, message)])


def shown(value: Any) -> str:
    """A cell as the user gave it, short enough to store."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if not (value.hour or value.minute or value.second) else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return text if len(text) <= 200 else text[:199] + "…"


# -- reading ---------------------------------------------------------------------------------


@dataclass
class Table:
    header: list[str]  # as written in the file
    header_row: int
    rows: list[tuple[int, list[Any]]]  # (row number as seen in the spreadsheet, cells padded to header)
    excel: bool = False
    # how errors name a column, when it is not the header as written (a mapped file:
    # "department_code ← Department")
    labels: dict[str, str] | None = None


def read_table(data: bytes, file_name: str) -> Table:
    name = file_name.lower()
    if name.endswith(".xlsx"):
        raw, excel = _xlsx_rows(data), True
    elif name.endswith(".csv"):
        raw, excel = _csv_rows(data), False
    else:
        raise file_problem(_("Upload a .csv or .xlsx file."))
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[Any]]] = []
    width = 0
    for number, cells in raw:
        if not any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
            continue  # blank line: skipped, but the numbering keeps counting it
        if header is None:
            header = ["" if c is None else str(c).strip() for c in cells]
            if any("\x00" in h for h in header):
                raise file_problem(_("This row contains a NUL character, which cannot be stored; remove it."),
                                   row=number)
            while header and not header[-1]:
                header.pop()
            header_row, width = number, len(header)
            if width > MAX_COLUMNS:
                raise _too_large(number, width)
            continue
        cells = list(cells[:width])
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
        if any(isinstance(c, str) and "\x00" in c for c in cells):
            raise file_problem(_("This row contains a NUL character, which cannot be stored; remove it."),
                               row=number)
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise file_problem(_("The file has more than %(n)s data rows; split it into smaller files.")
                               % {"n": f"{MAX_ROWS:,}"})
    if header is None:
        raise file_problem(_("The file is empty."))
    if not rows:
        raise file_problem(_("The file has a header but no data rows."), row=header_row)
    return Table(header=header, header_row=header_row, rows=rows, excel=excel)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_problem(
            _("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” or as .xlsx.")
        ) from None
    if "\x00" in text:
        raise file_problem(_("This does not look like a CSV file."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, record in enumerate(reader, start=1):
            yield number, record
    except csv.Error as exc:
        raise file_problem(_("The CSV file cannot be read: %(error)s") % {"error": brief(exc, 200)}) from None


# Bounds of what one import reads. Real imports are narrow (the widest spec has 14 columns) and
# at most a company's size tall; a reader fills the rectangle its cells span, so the rectangle,
# not the file size, is what must be bounded (a 1.5 KB file with cells at A1 and XFD1048576 asks
# calamine for 512 GiB and aborts the process; an 18 KB file one row wide across XFD takes 1.3 GB).
MAX_ROWS = 200_000  # data rows, header not counted
MAX_COLUMNS = 100
MAX_CELLS = 5_000_000  # rows x columns of the rectangle a reader fills
MAX_PART_BYTES = 1024 * 2**20  # one decompressed part of the workbook (sheet XML, shared strings)


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


_XML_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|dimension)(?=[\s/>])([^>]*)>")
_REF_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Z]*)(\d*)["']""")
_DIMENSION_REF = re.compile(rb"""(?:^|\s)ref\s*=\s*["']([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?["']""")
_DIMENSION_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s([^>]*)>")
_CELL_REF = re.compile(rb'<c r="([A-Z]+)(\d+)"')  # as Excel, LibreOffice, openpyxl and others write it
_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\s[^>]*?(?:[\w.-]+:)?id\s*=\s*[\"']([^\"']+)[\"']")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>")


def _attribute(tag: bytes, name: bytes) -> str | None:
    found = re.search(rb"(?:^|\s)" + name + rb"""\s*=\s*["']([^"']*)["']""", tag)
    return found.group(1).decode("utf-8", "replace") if found else None


def _first_sheet_part(workbook: Any) -> str:
    """The zip member of the workbook's first sheet (the one the readers open)."""
    names = set(workbook.namelist())
    try:
        book = workbook.read("xl/workbook.xml")
        rels = workbook.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        raise file_problem(_("This is not a readable XLSX workbook.")) from None
    first = _SHEET_TAG.search(book)
    if first is None:
        raise file_problem(_("The file is empty."))
    rel_id = first.group(1).decode("utf-8", "replace")
    for tag in _RELATIONSHIP.findall(rels):
        if _attribute(tag, b"Id") == rel_id:
            target = (_attribute(tag, b"Target") or "").replace("\\", "/")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            while "/../" in part:
                part = re.sub(r"[^/]+/\.\./", "", part, count=1)
            if part in names:
                return part
    raise file_problem(_("This is not a readable XLSX workbook."))


def _too_large(rows: int, columns: int) -> FileProblems:
    return file_problem(
        _("The sheet is too large to import: it spans %(rows)s rows and %(columns)s columns. At most "
          "%(max_rows)s rows and %(max_columns)s columns can be imported at once; delete the empty "
          "rows and columns beyond your data (or split the file) and upload it again.")
        % {"rows": f"{rows:,}", "columns": f"{columns:,}", "max_rows": f"{MAX_ROWS:,}",
           "max_columns": MAX_COLUMNS}
    )


def _check_extent(rows: int, columns: int) -> None:
    if rows > MAX_ROWS + 1 or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise _too_large(rows, columns)


def _sheet_chunks(workbook: Any, part: str) -> Iterator[bytes]:
    """The sheet XML in pieces of about 1 MB, each ending after a ``>`` (no tag is cut)."""
    seen = 0
    tail = b""
    with workbook.open(part) as stream:
        while True:
            chunk = stream.read(2**20)
            seen += len(chunk)
            if seen > MAX_PART_BYTES:
                raise file_problem(_("The workbook unpacks to more than %(mb)s MB; it cannot be imported.")
                                   % {"mb": MAX_PART_BYTES // 2**20})
            buffer = tail + chunk
            if not chunk:
                if buffer:
                    yield buffer
                return
            cut = buffer.rfind(b">") + 1
            tail = buffer[cut:]
            if len(tail) > 4 * 2**20:
                raise file_problem(_("This is not a readable XLSX workbook."))
            yield buffer[:cut]


def _extent_from_references(workbook: Any, part: str) -> tuple[int, int] | None:
    """(last row, last column) of the cells, when every cell names its position (``r="D7"``),
    as every common writer does; ``None`` when some cell does not (then the precise scan runs).
    Regular expressions over the raw XML: 100,000 rows in about a second."""
    max_row = max_column = 0
    widest = b""
    for index, chunk in enumerate(_sheet_chunks(workbook, part)):
        if index == 0:
            dimension = _DIMENSION_TAG.search(chunk)
            declared = _DIMENSION_REF.search(dimension.group(1)) if dimension else None
            if declared is not None:
                _check_extent(int(declared.group(4) or declared.group(2)),
                              _column_number(declared.group(3) or declared.group(1)))
        refs = _CELL_REF.findall(chunk)
        cells = chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/>")
        if len(refs) != cells or b":c " in chunk or b":c>" in chunk or b":c/" in chunk:
            return None  # a cell without r="…" first, or a namespace prefix: walk it precisely
        if refs:
            letters = max({ref[0] for ref in refs}, key=lambda c: (len(c), c))
            if (len(letters), letters) > (len(widest), widest):
                widest = letters
            max_row = max(max_row, max(map(int, (ref[1] for ref in refs))))
            max_column = _column_number(widest)
            if max_row > MAX_ROWS + 1 or max_column > MAX_COLUMNS:
                break  # already too large: no need to read the rest
    return max_row, max_column


def _extent_by_walking(workbook: Any, part: str) -> tuple[int, int]:
    """(last row, last column) counted cell by cell as the readers place them: a ``<row>`` or
    ``<c>`` without ``r`` follows the previous one; cells without content (``<c .../>``) do not
    count, the readers skip them too."""
    max_row = max_column = 0
    row = column = 0
    for chunk in _sheet_chunks(workbook, part):
        for match in _XML_TAG.finditer(chunk):
            name, attributes = match.group(1), match.group(2)
            if name == b"c":
                ref = _REF_ATTR.search(attributes)
                if ref is not None and ref.group(1):
                    column = _column_number(ref.group(1))
                    if ref.group(2):
                        row = int(ref.group(2))
                else:
                    column += 1
                if not attributes.endswith(b"/"):
                    max_row, max_column = max(max_row, row), max(max_column, column)
            elif name == b"row":
                ref = _REF_ATTR.search(attributes)
                row = int(ref.group(2)) if ref is not None and ref.group(2) else row + 1
                column = 0
            else:
                declared = _DIMENSION_REF.search(attributes)
                if declared is not None:
                    _check_extent(int(declared.group(4) or declared.group(2)),
                                  _column_number(declared.group(3) or declared.group(1)))
        if max_row > MAX_ROWS + 1 or max_column > MAX_COLUMNS:
            break
    return max_row, max_column


def check_xlsx_bounds(data: bytes) -> None:
    """Refuse, before any reader allocates for it, a workbook whose first sheet spans more than
    :data:`MAX_ROWS` x :data:`MAX_COLUMNS` (or :data:`MAX_CELLS`).

    Reads the zip directly, in bounded memory (the sheet XML streams through in 1 MB pieces):
    the sheet's declared ``<dimension>``, then the position of every cell. Parts that unpack to
    more than :data:`MAX_PART_BYTES` are refused.
    """
    import zipfile

    try:
        workbook = zipfile.ZipFile(io.BytesIO(data))
        part = _first_sheet_part(workbook)
        for info in workbook.infolist():
            if info.file_size > MAX_PART_BYTES:
                raise file_problem(_("The workbook unpacks to more than %(mb)s MB; it cannot be imported.")
                                   % {"mb": MAX_PART_BYTES // 2**20})
        extent = _extent_from_references(workbook, part) or _extent_by_walking(workbook, part)
        _check_extent(*extent)
    except FileProblems:
        raise
    except Exception:  # zipfile and zlib raise many types for a broken file
        raise file_problem(_("This is not a readable XLSX workbook.")) from None


# The reader runs in a child process with an address-space limit: whatever a broken or hostile
# workbook makes the Rust or Python reader do (allocate without bound, abort), it happens there,
# and the worker only sees a failed read. The child gets the bytes on stdin and pickles back
# (status, first_row_number, rows) with each row's trailing empty cells trimmed.
_READER_PROGRAM = r"""
import io, pickle, resource, sys
reader, limit, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
if seconds:
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
data = sys.stdin.buffer.read()
out = sys.stdout.buffer

def trimmed(values):
    values = list(values)
    while values and (values[-1] is None or values[-1] == ""):
        values.pop()
    return values

try:
    if reader == "calamine":
        from python_calamine import CalamineWorkbook
    else:
        import openpyxl
except BaseException:  # cannot even start under the limit
    sys.exit(3)
try:
    if reader == "calamine":
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            result = ("empty", 1, [])
        else:
            # iter_rows starts at A1 (like to_python(skip_empty_area=False)): numbers as in the sheet
            result = ("ok", 1, [trimmed(r) for r in book.get_sheet_by_index(0).iter_rows()])
    else:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if not book.worksheets:
            result = ("empty", 1, [])
        else:
            result = ("ok", 1, [trimmed(r) for r in book.worksheets[0].iter_rows(values_only=True)])
except MemoryError:
    result = ("memory", 1, [])
except Exception:
    result = ("unreadable", 1, [])
pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
"""


def _read_xlsx_in_child(data: bytes) -> tuple[int, list[list[Any]]]:
    import pickle
    import signal
    import subprocess
    import sys

    from django.conf import settings

    reader = "calamine" if CalamineWorkbook is not None else "openpyxl"
    limit = int(getattr(settings, "IMPORT_READER_MEMORY_MB", 2048)) * 2**20
    timeout = int(getattr(settings, "IMPORT_READER_TIMEOUT_SECONDS", 600))
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _READER_PROGRAM, reader, str(limit), str(timeout)],
            input=data, capture_output=True, timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        done = None
    # the wall clock, or the CPU-time limit (SIGXCPU, then SIGKILL at the hard limit) on a machine
    # where the reader had the CPU to itself
    if done is None or done.returncode in (-signal.SIGXCPU, -signal.SIGKILL) and b"MemoryError" not in done.stderr:
        raise file_problem(_("Reading the workbook took longer than %(n)s seconds; it cannot be imported.")
                           % {"n": timeout}) from None
    status = "crashed"
    rows: list[list[Any]] = []
    first_row = 1
    if done.returncode == 0:
        try:
            status, first_row, rows = pickle.loads(done.stdout)
        except Exception:
            status = "crashed"
    if status in ("memory", "crashed"):
        logger.warning("XLSX reader stopped (exit %s): %s", done.returncode, done.stderr[-2000:].decode("utf-8", "replace"))
        raise file_problem(_("The workbook could not be read within the memory an import may use. "
                             "Delete the empty rows and columns beyond your data, or save it as CSV, "
                             "and upload it again."))
    if status == "unreadable":
        raise file_problem(_("This is not a readable XLSX workbook."))
    if status == "empty":
        raise file_problem(_("The file is empty."))
    return first_row, rows


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """The first sheet's rows. python-calamine (Rust) when installed: 100,000 rows in about 1 s
    against 14 s for openpyxl's read-only mode (bench/results/import.md); openpyxl otherwise.

    Bounded twice: :func:`check_xlsx_bounds` refuses a sheet spanning more than the limits before
    any reader runs, and the reader itself runs in a memory-limited child process, so no file can
    take the worker down with it."""
    check_xlsx_bounds(data)
    first_row, rows = _read_xlsx_in_child(data)
    for number, values in enumerate(rows, start=first_row):
        yield number, values


# -- cell conversion -------------------------------------------------------------------------


class CellError(Exception):
    pass


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_INT_RE = re.compile(r"[+-]?\d+(\.0*)?")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def whole_number(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Enter a whole number."))
        number = int(value)
    else:
        s = text(value)
        if not _INT_RE.fullmatch(s):
            raise CellError(_("Enter a whole number."))
        number = int(float(s)) if "." in s else int(s)
    if not low <= number <= high:
        raise CellError(_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high})
    return number


def a_date(value: Any, *, excel: bool) -> date:
    """A date cell, within the window every date must fall in (``validators.DATE_MIN`` ..
    ``DATE_MAX``): 0001-01-01 or 9999-12-31 is a typo, not a hire date."""
    day = _a_date(value, excel=excel)
    if problem := date_problem(day):
        raise CellError(problem)
    return day


def _a_date(value: Any, *, excel: bool) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if excel and isinstance(value, (int, float)) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        try:
            converted = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            raise CellError(_("Enter a date as YYYY-MM-DD.")) from None
        return converted.date() if isinstance(converted, datetime) else converted
    s = text(value)
    if not _DATE_RE.fullmatch(s):
        raise CellError(_("Enter a date as YYYY-MM-DD."))
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise CellError(_("This date does not exist.")) from None


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


_LIST_SPLIT = re.compile(r"[;,]")


def _norm_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().strip("*").strip().lower())


# -- helpers for bulk reads ------------------------------------------------------------------


def chunks(items: Iterable[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def values_in(queryset: QuerySet, field: str, ids: Iterable[Any], *fields: str) -> Iterator[tuple]:
    """``queryset.filter(<field>__in=ids).values_list(*fields)``, chunked for large id sets."""
    for batch in chunks(sorted(set(ids))):
        yield from queryset.filter(**{f"{field}__in": batch}).values_list(*fields)


def find_cycles(parent_of: dict[str, str | None], starts: Iterable[str]) -> list[list[str]]:
    """Cycles in a child → parent map reachable from ``starts``; each cycle once, in walk order."""
    state: dict[str, int] = {}  # 1: on the current walk, 2: known to end without a cycle
    cycles: list[list[str]] = []
    for start in starts:
        walk: list[str] = []
        node: str | None = start
        while node is not None and state.get(node) is None:
            state[node] = 1
            walk.append(node)
            node = parent_of.get(node)
        if node is not None and state.get(node) == 1:
            cycles.append(walk[walk.index(node):])
        for n in walk:
            state[n] = 2
    return cycles


class Lookup:
    """A reference cell → primary key: by the code as saved, the code in any case, or the record's
    name in any case (a name two records share, or a code two records share in different cases,
    matches neither). So a file may say ``Engineering`` or ``eng`` for the department ``ENG``."""

    def __init__(self, rows: Iterable[tuple[str, str, int]]) -> None:
        self.exact: dict[str, int] = {}
        lower: dict[str, set[int]] = {}
        names: dict[str, set[int]] = {}
        for code, name, pk in rows:
            self.exact[code] = pk
            lower.setdefault(code.lower(), set()).add(pk)
            if name and name.strip():
                names.setdefault(name.strip().lower(), set()).add(pk)
        self.lower = {k: next(iter(v)) for k, v in lower.items() if len(v) == 1}
        self.names = {k: next(iter(v)) for k, v in names.items() if len(v) == 1}

    def get(self, value: str) -> int | None:
        if value in self.exact:
            return self.exact[value]
        key = value.lower()
        return self.lower.get(key) or self.names.get(key)


def person_pks(employee_ids: Iterable[str]) -> dict[str, int]:
    """Employee ID in lower case → person pk, for the given IDs whatever their case."""
    from django.db.models.functions import Lower

    found: dict[str, int] = {}
    for batch in chunks(sorted({e.lower() for e in employee_ids if e})):
        found.update(Person.objects.annotate(eid_lower=Lower("employee_id")).filter(eid_lower__in=batch)
                     .values_list("eid_lower", "pk"))
    return found


# -- importers -------------------------------------------------------------------------------


class Importer:
    kind: str = ""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.errors: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        self.label: dict[str, str] = {}
        # rows naming a saved record that the import leaves exactly as it was; ``write`` sets it
        self.unchanged = 0
        # people created by ``write`` (the people import invites them on request)
        self.created_pks: list[int] = []
        self._map_header()

    # header --------------------------------------------------------------------------------

    def _map_header(self) -> None:
        spec = SPECS[self.kind]
        known = {c.name for c in spec}
        problems: list[dict[str, Any]] = []
        row = self.table.header_row
        for position, raw in enumerate(self.table.header):
            name = _norm_header(raw)
            if not name:
                problems.append(error_entry(row, "", raw, _("Column %(n)s has no name.") % {"n": position + 1}))
            elif name not in known:
                problems.append(error_entry(
                    row, raw, raw,
                    _("Unknown column. The columns for this import are: %(names)s.")
                    % {"names": ", ".join(c.name for c in spec)},
                ))
            elif name in self.index:
                problems.append(error_entry(row, raw, raw, _("This column appears twice.")))
            else:
                self.index[name] = position
                self.label[name] = (self.table.labels or {}).get(name, raw)
        for column in spec:
            if column.required and column.name not in self.index:
                problems.append(error_entry(row, column.name, "", _("The required column is missing.")))
        unknown = sum(1 for p in problems if p["message"].startswith(_("Unknown column.")))
        if unknown and unknown >= len(self.index):
            # most columns are not Tandem's: a file from another system (an HRIS export)
            problems.insert(0, error_entry(None, "", "", _(
                "Most columns of this file are not Tandem's: it looks like an export from another "
                "system. Map its columns to Tandem's once (Import → Column mappings), then import it "
                "with that mapping.")))
        if problems:
            raise FileProblems(problems)

    def has(self, name: str) -> bool:
        return name in self.index

    def error(self, row: int, column: str, value: Any, message: Any) -> None:
        self.errors.append(error_entry(row, self.label.get(column, column), value, message))

    # validation ----------------------------------------------------------------------------

    def validate(self, progress: Progress | None = None) -> list[dict[str, Any]]:
        """Check every row; return the errors sorted by row (all of them; the caller caps)."""
        self.preload()
        rows = self.table.rows
        total = len(rows)
        step = max(1, total // 50)  # a progress update every 2 % of the rows
        getters = {name: pos for name, pos in self.index.items()}
        for done, (number, cells) in enumerate(rows, start=1):
            self.validate_row(number, cells, getters)
            if progress is not None and done % step == 0:
                progress(done, total)
        self.validate_across()
        self.errors.sort(key=lambda e: (e["row"] or 0))
        return self.errors

    def preload(self) -> None:
        raise NotImplementedError

    def validate_row(self, number: int, cells: list[Any], at: dict[str, int]) -> None:
        raise NotImplementedError

    def validate_across(self) -> None:
        pass

    def write(self) -> tuple[int, int]:
        """Write the validated rows; return (created, updated). Call inside a transaction."""
        raise NotImplementedError

    # small shared checks -------------------------------------------------------------------

    def required_text(self, number: int, cells: list[Any], at: dict[str, int], name: str, max_length: int) -> str:
        raw = cells[at[name]]
        value = text(raw)
        if not value:
            self.error(number, name, raw, _("This value is required."))
        elif len(value) > max_length:
            self.error(number, name, raw, _("At most %(n)s characters.") % {"n": max_length})
        elif problem := single_line_problem(value):
            self.error(number, name, raw, problem)
        return value

    def optional_text(self, number: int, cells: list[Any], at: dict[str, int], name: str, max_length: int) -> str | None:
        """The cell's text, "" for an empty cell, None when the column is not in the file."""
        if name not in at:
            return None
        raw = cells[at[name]]
        value = text(raw)
        if len(value) > max_length:
            self.error(number, name, raw, _("At most %(n)s characters.") % {"n": max_length})
        elif problem := (multi_line_problem if name in MULTI_LINE_COLUMNS else single_line_problem)(value):
            self.error(number, name, raw, problem)
        return value


def _bulk_update(model: type[Model], objs: list[Model], fields: Iterable[str]) -> None:
    """``UPDATE <table> SET f = %s, ... WHERE id = %s`` through ``executemany``.

    Django's ``bulk_update`` builds one ``CASE WHEN id = ... THEN ...`` per field and batch, which
    the database evaluates row by row against every branch: 10,000 changed people took 4 s on
    SQLite, 100,000 would take minutes. A prepared statement executed many times is linear and
    plain SQL on SQLite and PostgreSQL alike (psycopg pipelines ``executemany``). Values go
    through each field's ``get_db_prep_save``, as the ORM would.
    """
    names = sorted(set(fields))
    if not objs or not names:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.get_field(name) for name in names]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(c.column)} = %s" for c in columns),
        quote(meta.pk.column),
    )
    with connection.cursor() as cursor:
        for batch in chunks(objs, 5000):
            cursor.executemany(
                sql,
                [[c.get_db_prep_save(getattr(o, c.attname), connection) for c in columns] + [o.pk] for o in batch],
            )


# departments --------------------------------------------------------------------------------


class DepartmentImporter(Importer):
    kind = ImportKind.DEPARTMENTS

    def preload(self) -> None:
        self.existing = {
            code: (pk, name, parent_id, head_id)
            for pk, code, name, parent_id, head_id in Department.objects.values_list(
                "pk", "code", "name", "parent_id", "head_id"
            )
        }
        self.code_of = {pk: code for code, (pk, *_rest) in self.existing.items()}
        self.records: dict[str, dict[str, Any]] = {}
        self.first_row: dict[str, int] = {}
        self.heads: dict[str, list[tuple[int, Any]]] = {}

    def validate_row(self, number: int, cells: list[Any], at: dict[str, int]) -> None:
        code = self.required_text(number, cells, at, "code", 40)
        name = self.required_text(number, cells, at, "name", 160)
        parent = self.optional_text(number, cells, at, "parent_code", 40)
        head = self.optional_text(number, cells, at, "head_employee_id", 40)
        if code and parent == code:
            self.error(number, "parent_code", parent, _("A department cannot be its own parent."))
        if head:
            head = head.lower()  # employee IDs match whatever their case
            self.heads.setdefault(head, []).append((number, cells[at["head_employee_id"]]))
        if not code:
            return
        if code in self.first_row:
            self.error(number, "code", code, _("This code appears again (first on row %(row)s).")
                       % {"row": self.first_row[code]})
            return
        self.first_row[code] = number
        self.records[code] = {"row": number, "name": name, "parent": parent, "head": head}

    def validate_across(self) -> None:
        # parents: in the file or already saved
        for rec in self.records.values():
            parent = rec["parent"]
            if parent and parent not in self.records and parent not in self.existing:
                self.error(rec["row"], "parent_code", parent,
                           _("No department with this code, neither saved nor in this file."))
        # heads: must already exist
        self.head_pk = person_pks(self.heads)
        for employee_id, uses in self.heads.items():
            if employee_id not in self.head_pk:
                for number, raw in uses:
                    self.error(number, "head_employee_id", raw, _("No person with this employee ID."))
        # cycles in the tree as it will be after the import
        parent_of: dict[str, str | None] = {
            code: (self.code_of.get(parent_id) if parent_id else None)
            for code, (_pk, _n, parent_id, _h) in self.existing.items()
        }
        for code, rec in self.records.items():
            if rec["parent"] is not None:
                parent_of[code] = rec["parent"] or None
        for cycle in find_cycles(parent_of, self.records):
            chain = " → ".join([*cycle, cycle[0]])
            for code in cycle:
                if code in self.records:
                    self.error(self.records[code]["row"], "parent_code", self.records[code]["parent"],
                               _("Departments would form a cycle: %(chain)s.") % {"chain": chain})

    def write(self) -> tuple[int, int]:
        now = timezone.now()
        new = [
            Department(code=code, name=rec["name"], path="/")
            for code, rec in self.records.items() if code not in self.existing
        ]
        Department.objects.bulk_create(new, batch_size=BATCH_SIZE)
        pk_of = {code: pk for code, (pk, *_rest) in self.existing.items()}
        pk_of.update({d.code: d.pk for d in new})
        changed = []
        for code, rec in self.records.items():
            pk, name, parent_id, head_id = self.existing.get(code) or (pk_of[code], rec["name"], None, None)
            if rec["parent"] is not None:
                parent_id = pk_of[rec["parent"]] if rec["parent"] else None
            if rec["head"] is not None:
                head_id = self.head_pk[rec["head"]] if rec["head"] else None
            if (rec["name"], parent_id, head_id) != (self.existing.get(code) or (None, None, None, None))[1:]:
                changed.append(Department(pk=pk, name=rec["name"], parent_id=parent_id, head_id=head_id,
                                          updated_at=now))
        _bulk_update(Department, changed, ["name", "parent_id", "head_id", "updated_at"])
        department_paths_rebuild()
        created = len(new)
        updated = len(changed) - created  # every new department is in ``changed`` too
        self.unchanged = len(self.records) - created - updated
        return created, updated


# job profiles -------------------------------------------------------------------------------


class JobProfileImporter(Importer):
    kind = ImportKind.JOB_PROFILES

    def preload(self) -> None:
        self.existing = {
            code: (pk, title, description)
            for pk, code, title, description in JobProfile.objects.values_list("pk", "code", "title", "description")
        }
        self.competencies = Lookup(Competency.objects.values_list("code", "name", "pk"))
        self.records: dict[str, dict[str, Any]] = {}
        self.seen_requirement: dict[tuple[str, int], int] = {}
        self.requirements: dict[int, dict[int, int]] = {}
        for profile_id, competency_id, level in JobProfileRequirement.objects.values_list(
            "job_profile_id", "competency_id", "target_level"
        ):
            self.requirements.setdefault(profile_id, {})[competency_id] = level

    def validate_row(self, number: int, cells: list[Any], at: dict[str, int]) -> None:
        raw_code = cells[at["code"]]
        code = text(raw_code)
        if not code:
            self.error(number, "code", raw_code, _("This value is required."))
            return
        if len(code) > 40:
            self.error(number, "code", raw_code, _("At most %(n)s characters.") % {"n": 40})
            return
        title = self.optional_text(number, cells, at, "title", 160) or ""
        description = self.optional_text(number, cells, at, "description", 5000)
        rec = self.records.get(code)
        if rec is None:
            if not title:
                self.error(number, "title", cells[at["title"]],
                           _("This value is required on the first row of each job profile."))
            rec = self.records[code] = {"row": number, "title": title, "description": description,
                                        "requirements": {}}
        else:
            if title and title != rec["title"]:
                self.error(number, "title", title, _("Differs from the title on row %(row)s.") % {"row": rec["row"]})
            if description and rec["description"] is not None and description != rec["description"]:
                self.error(number, "description", description,
                           _("Differs from the description on row %(row)s.") % {"row": rec["row"]})
        competency = self.optional_text(number, cells, at, "competency_code", 40)
        raw_target = cells[at["target_level"]] if "target_level" in at else None
        if not competency:
            if text(raw_target):
                self.error(number, "competency_code", "", _("Give the competency this target level is for."))
            return
        competency_id = self.competencies.get(competency)
        if competency_id is None:
            self.error(number, "competency_code", competency, _("No competency with this code."))
        if not text(raw_target):
            self.error(number, "target_level", raw_target, _("Give a target level from 1 to 5."))
            return
        try:
            target = whole_number(raw_target, 1, 5)
        except CellError as exc:
            self.error(number, "target_level", raw_target, exc)
            return
        if competency_id is None:
            return
        first = self.seen_requirement.setdefault((code, competency_id), number)
        if first != number:
            self.error(number, "competency_code", competency,
                       _("This competency is already listed for this job profile on row %(row)s.") % {"row": first})
            return
        rec["requirements"][competency_id] = target

    def write(self) -> tuple[int, int]:
        now = timezone.now()
        new = [
            JobProfile(code=code, title=rec["title"], description=rec["description"] or "")
            for code, rec in self.records.items() if code not in self.existing
        ]
        JobProfile.objects.bulk_create(new, batch_size=BATCH_SIZE)
        pk_of = {code: pk for code, (pk, _t, _d) in self.existing.items()}
        pk_of.update({j.code: j.pk for j in new})
        changed = []
        for code, rec in self.records.items():
            old = self.existing.get(code)
            if old is None:
                continue
            description = old[2] if rec["description"] is None else rec["description"]
            if (rec["title"], description) != (old[1], old[2]):
                changed.append(JobProfile(pk=old[0], title=rec["title"], description=description, updated_at=now))
        _bulk_update(JobProfile, changed, ["title", "description", "updated_at"])
        replaced = [
            pk_of[code] for code, rec in self.records.items()
            if rec["requirements"] and rec["requirements"] != self.requirements.get(pk_of[code], {})
        ]
        replaced_set = set(replaced)
        for batch in chunks(replaced):
            JobProfileRequirement.objects.filter(job_profile_id__in=batch).delete()
        JobProfileRequirement.objects.bulk_create(
            [
                JobProfileRequirement(job_profile_id=pk_of[code], competency_id=cid, target_level=level)
                for code, rec in self.records.items() if pk_of[code] in replaced_set
                for cid, level in rec["requirements"].items()
            ],
            batch_size=BATCH_SIZE,
        )
        created = len(new)
        touched = {j.pk for j in changed} | replaced_set
        updated = sum(1 for code in self.records if code in self.existing and pk_of[code] in touched)
        self.unchanged = len(self.records) - created - updated
        return created, updated


# people -------------------------------------------------------------------------------------

PERSON_FIELDS = (
    "full_name", "email", "department_id", "job_profile_id", "location_id", "hire_date", "time_zone",
    "communication_style", "mentoring_hours_per_month", "mentor_capacity", "bio",
    "left_on",  # insights (retention); keep last: rows are read by position
)
STYLES = frozenset(CommunicationStyle.values)


class PeopleImporter(Importer):
    kind = ImportKind.PEOPLE

    def preload(self) -> None:
        # codes, or names, in any case (Lookup)
        self.departments = Lookup(Department.objects.values_list("code", "name", "pk"))
        self.job_profiles = Lookup(JobProfile.objects.values_list("code", "title", "pk"))
        self.locations = Lookup(Location.objects.values_list("name", "name", "pk"))
        self.languages = Lookup(Language.objects.values_list("code", "name", "pk"))
        self.time_zones = known_time_zones()
        # Employee IDs match whatever their case: every key below is the ID in lower case; a
        # saved person keeps the ID as saved.
        self.existing: dict[str, tuple] = {}
        self.email_owner: dict[str, str] = {}
        self.eid_of: dict[int, str] = {}
        self.ambiguous: set[str] = set()  # saved before IDs matched in any case: "E1" and "e1"
        for row in Person.objects.values_list("employee_id", "pk", "manager_id", *PERSON_FIELDS).iterator(
            chunk_size=10000
        ):
            key = row[0].lower()
            if key in self.existing:
                self.ambiguous.add(key)
            self.existing[key] = row
            self.eid_of[row[1]] = key
            self.email_owner[row[4].lower()] = key
        self.records: dict[str, dict[str, Any]] = {}
        self.email_row: dict[str, int] = {}

    def validate_row(self, number: int, cells: list[Any], at: dict[str, int]) -> None:
        error = self.error
        given_eid = self.required_text(number, cells, at, "employee_id", 40)
        eid = given_eid.lower()
        values: dict[str, Any] = {}
        values["full_name"] = self.required_text(number, cells, at, "full_name", 160)

        raw = cells[at["email"]]
        email = text(raw)
        if not email:
            error(number, "email", raw, _("This value is required."))
        elif len(email) > 254:
            error(number, "email", raw, _("At most %(n)s characters.") % {"n": 254})
        else:
            try:
                validate_email(email)
            except ValidationError:
                error(number, "email", raw, _("Enter a valid email address."))
            else:
                key = email.lower()
                first = self.email_row.setdefault(key, number)
                if first != number:
                    error(number, "email", raw, _("This email appears again (first on row %(row)s).") % {"row": first})
        values["email"] = email

        raw = cells[at["department_code"]]
        code = text(raw)
        if not code:
            error(number, "department_code", raw, _("This value is required."))
        elif (department_id := self.departments.get(code)) is None:
            error(number, "department_code", raw, _("No department with this code or name."))
        else:
            values["department_id"] = department_id

        manager: str | None = None
        given_manager = ""
        if "manager_employee_id" in at:
            raw = cells[at["manager_employee_id"]]
            given_manager = text(raw)
            manager = given_manager.lower()
            if manager and manager == eid:
                error(number, "manager_employee_id", raw, _("A person cannot be their own manager."))

        for column, field, lookup, message in (
            ("job_profile_code", "job_profile_id", self.job_profiles, _("No job profile with this code or title.")),
            ("location", "location_id", self.locations, _("No location with this name.")),
        ):
            if column in at:
                raw = cells[at[column]]
                value = text(raw)
                if not value:
                    values[field] = None
                else:
                    pk = lookup.get(value)
                    if pk is None:
                        error(number, column, raw, message)
                    values[field] = pk

        if "hire_date" in at:
            raw = cells[at["hire_date"]]
            if raw is None or text(raw) == "":
                values["hire_date"] = None
            else:
                try:
                    values["hire_date"] = a_date(raw, excel=self.table.excel)
                except CellError as exc:
                    error(number, "hire_date", raw, exc)

        languages: list[int] | None = None
        if "languages" in at:
            raw = cells[at["languages"]]
            codes = [c.strip() for c in _LIST_SPLIT.split(text(raw)) if c.strip()]
            found = [(c, self.languages.get(c)) for c in codes]
            unknown = [c for c, pk in found if pk is None]
            if unknown:
                error(number, "languages", raw, _("Unknown language code: %(codes)s.") % {"codes": brief(", ".join(unknown), 80)})
            languages = sorted({pk for _c, pk in found if pk is not None})

        if "time_zone" in at:
            raw = cells[at["time_zone"]]
            tz = text(raw) or "UTC"
            if tz not in self.time_zones:
                error(number, "time_zone", raw, _("“%(value)s” is not a known time zone.") % {"value": brief(tz)})
            values["time_zone"] = tz

        if "communication_style" in at:
            raw = cells[at["communication_style"]]
            style = text(raw).lower()
            if style and style not in STYLES:
                error(number, "communication_style", raw,
                      _("Choose one of: %(values)s.") % {"values": ", ".join(CommunicationStyle.values)})
            values["communication_style"] = style

        for column, high in (("mentoring_hours_per_month", 160), ("mentor_capacity", 20)):
            if column in at:
                raw = cells[at[column]]
                if raw is None or text(raw) == "":
                    values[column] = 0
                else:
                    try:
                        values[column] = whole_number(raw, 0, high)
                    except CellError as exc:
                        error(number, column, raw, exc)

        bio = self.optional_text(number, cells, at, "bio", 2000)
        if bio is not None:
            values["bio"] = bio

        # insights: the leaving date (retention outcomes)
        if "left_on" in at:
            raw = cells[at["left_on"]]
            if raw is None or text(raw) == "":
                values["left_on"] = None
            else:
                try:
                    values["left_on"] = a_date(raw, excel=self.table.excel)
                except CellError as exc:
                    error(number, "left_on", raw, exc)
                else:
                    hired = values.get("hire_date") or (
                        self.existing[eid][3 + PERSON_FIELDS.index("hire_date")]
                        if eid in self.existing and "hire_date" not in at else None)
                    if hired and values["left_on"] < hired:
                        error(number, "left_on", raw, _("The leaving date is before the hire date."))

        if not eid:
            return
        for column, key, shown_value in (("employee_id", eid, given_eid), ("manager_employee_id", manager, given_manager)):
            if key and key in self.ambiguous:
                error(number, column, shown_value,
                      _("Several saved people have this employee ID in different cases; give each a "
                        "distinct ID first."))
        previous = self.records.get(eid)
        if previous is not None:
            error(number, "employee_id", given_eid,
                  _("This employee ID appears again (first on row %(row)s).") % {"row": previous["row"]})
            return
        self.records[eid] = {"row": number, "values": values, "manager": manager, "languages": languages,
                             "eid": given_eid, "given_manager": given_manager}

    def validate_across(self) -> None:
        records = self.records
        for eid, rec in records.items():
            email = rec["values"]["email"].lower()
            owner = self.email_owner.get(email)
            if owner is not None and owner != eid and owner not in records:
                self.error(rec["row"], "email", rec["values"]["email"],
                           _("This email belongs to another person (employee ID %(eid)s).")
                           % {"eid": self.existing[owner][0]})
        if "manager_employee_id" not in self.index:
            return
        for eid, rec in records.items():
            manager = rec["manager"]
            if manager and manager != eid and manager not in records and manager not in self.existing:
                self.error(rec["row"], "manager_employee_id", rec["given_manager"],
                           _("No person with this employee ID, neither saved nor in this file."))
        eid_of = self.eid_of
        parent_of: dict[str, str | None] = {
            eid: (eid_of.get(row[2]) if row[2] else None) for eid, row in self.existing.items()
        }
        for eid, rec in records.items():
            parent_of[eid] = rec["manager"] or None
        def shown_eid(key: str) -> str:
            return records[key]["eid"] if key in records else self.existing[key][0]

        for cycle in find_cycles(parent_of, records):
            if len(cycle) == 1:
                continue  # "their own manager", reported on the row already
            chain = brief(" → ".join(shown_eid(e) for e in [*cycle, cycle[0]]), 300)
            for eid in cycle:
                if eid in records:
                    self.error(records[eid]["row"], "manager_employee_id", records[eid]["given_manager"],
                               _("Managers would form a cycle: %(chain)s.") % {"chain": chain})

    def write(self) -> tuple[int, int]:
        now = timezone.now()
        records, existing = self.records, self.existing
        has_manager = "manager_employee_id" in self.index
        pk_of: dict[str, int] = {eid: row[1] for eid, row in existing.items()}
        new_ids = [eid for eid in records if eid not in existing]
        old_ids = [eid for eid in records if eid in existing]

        # 1. existing people whose email moves to someone else in this file: park their email first,
        #    so swapping two addresses never trips the unique constraint mid-update.
        taken = {rec["values"]["email"].lower(): eid for eid, rec in records.items()}
        parked = []
        for eid in old_ids:
            old_email = existing[eid][4].lower()
            if taken.get(old_email, eid) != eid:
                parked.append(Person(pk=pk_of[eid], email=f"import-parked-{pk_of[eid]}@invalid.invalid"))
        _bulk_update(Person, parked, ["email"])

        # 2. existing people: update the fields that changed; managers that are new people wait
        index = {f: i for i, f in enumerate(("employee_id", "pk", "manager_id", *PERSON_FIELDS))}
        changed: list[Person] = []
        changed_fields: set[str] = set()
        late_managers: list[str] = []
        parked_pks = {p.pk for p in parked}
        for eid in old_ids:
            rec, row = records[eid], existing[eid]
            diff = {f: v for f, v in rec["values"].items() if row[index[f]] != v}
            if row[1] in parked_pks:
                diff["email"] = rec["values"]["email"]
            if has_manager:
                manager = rec["manager"] or None
                if manager is not None and manager not in pk_of:
                    late_managers.append(eid)
                else:
                    manager_pk = pk_of[manager] if manager else None
                    if row[2] != manager_pk:
                        diff["manager_id"] = manager_pk
            if diff:
                full = {f: row[index[f]] for f in PERSON_FIELDS} | {"manager_id": row[2]} | diff
                changed.append(Person(pk=row[1], employee_id=row[0], updated_at=now, **full))
                changed_fields |= diff.keys()
        if changed:
            _bulk_update(Person, changed, changed_fields | {"updated_at"})
        touched: set[int] = {p.pk for p in changed} | {pk_of[eid] for eid in late_managers}

        # 3. new people, managers first (level by level), so every manager_id is known at insert
        level: dict[str, int] = {}
        for eid in new_ids:
            walk = []
            node: str | None = eid
            while node is not None and node not in level and node in records and node not in existing:
                walk.append(node)
                node = (records[node]["manager"] or None) if has_manager else None
            depth = level[node] + 1 if node in level else 0
            for n in reversed(walk):
                level[n] = depth
                depth += 1
        by_level: dict[int, list[str]] = {}
        for eid in new_ids:
            by_level.setdefault(level[eid], []).append(eid)
        for depth in sorted(by_level):
            batch = []
            for eid in by_level[depth]:
                rec = records[eid]
                manager = rec["manager"] if has_manager else None
                batch.append(Person(
                    employee_id=rec["eid"],
                    manager_id=pk_of[manager] if manager else None,
                    **rec["values"],
                ))
            Person.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            pk_of.update({p.employee_id.lower(): p.pk for p in batch})
            self.created_pks.extend(p.pk for p in batch)

        # 4. existing people reporting to someone new
        if late_managers:
            _bulk_update(
                Person,
                [Person(pk=pk_of[eid], manager_id=pk_of[records[eid]["manager"]]) for eid in late_managers],
                ["manager_id"],
            )

        # 5. languages: only the difference, through the M2M's own table
        if "languages" in self.index:
            through = Person.languages.through
            wanted = {(pk_of[eid], lang) for eid, rec in records.items() for lang in rec["languages"] or ()}
            have: dict[tuple[int, int], int] = {}
            if old_ids:
                for tid, pid, lid in values_in(through.objects, "person_id", (pk_of[e] for e in old_ids),
                                               "id", "person_id", "language_id"):
                    have[(pid, lid)] = tid
            stale = [tid for key, tid in have.items() if key not in wanted]
            for batch in chunks(stale):
                through.objects.filter(id__in=batch).delete()
            added = sorted(wanted - have.keys())
            through.objects.bulk_create(
                [through(person_id=pid, language_id=lid) for pid, lid in added],
                batch_size=BATCH_SIZE,
            )
            touched |= {pid for (pid, _lid), _tid in have.items() if (pid, _lid) not in wanted}
            touched |= {pid for pid, _lid in added}
        # an existing person counts as updated when anything of theirs changed; else unchanged
        updated = sum(1 for eid in old_ids if pk_of[eid] in touched)
        self.unchanged = len(old_ids) - updated
        return len(new_ids), updated


# ratings ------------------------------------------------------------------------------------

SOURCES = frozenset(RatingSource.values)


class RatingImporter(Importer):
    kind = ImportKind.RATINGS

    def preload(self) -> None:
        # employee IDs in any case; competencies by code or name
        self.people = {eid.lower(): pk for eid, pk in
                       Person.objects.values_list("employee_id", "pk").iterator(chunk_size=10000)}
        self.competencies = Lookup(Competency.objects.values_list("code", "name", "pk"))
        self.today = timezone.localdate()
        self.records: list[tuple] = []

    def validate_row(self, number: int, cells: list[Any], at: dict[str, int]) -> None:
        error = self.error
        ok = True
        raw = cells[at["employee_id"]]
        person = self.people.get(text(raw).lower())
        if not text(raw):
            error(number, "employee_id", raw, _("This value is required.")); ok = False
        elif person is None:
            error(number, "employee_id", raw, _("No person with this employee ID.")); ok = False
        raw = cells[at["competency_code"]]
        competency = self.competencies.get(text(raw))
        if not text(raw):
            error(number, "competency_code", raw, _("This value is required.")); ok = False
        elif competency is None:
            error(number, "competency_code", raw, _("No competency with this code.")); ok = False
        raw = cells[at["level"]]
        level = None
        try:
            if not text(raw):
                raise CellError(_("This value is required."))
            level = whole_number(raw, 1, 5)
        except CellError as exc:
            error(number, "level", raw, exc); ok = False
        raw = cells[at["source"]]
        source = text(raw).lower()
        if not source:
            error(number, "source", raw, _("This value is required.")); ok = False
        elif source not in SOURCES:
            error(number, "source", raw, _("Choose one of: %(values)s.") % {"values": ", ".join(RatingSource.values)})
            ok = False
        raw = cells[at["rated_on"]]
        rated_on = None
        try:
            if not text(raw):
                raise CellError(_("This value is required."))
            rated_on = a_date(raw, excel=self.table.excel)
            if rated_on > self.today:
                raise CellError(_("The date cannot be in the future."))
        except CellError as exc:
            error(number, "rated_on", raw, exc); ok = False
        rated_by = None
        if "rated_by_employee_id" in at:
            raw = cells[at["rated_by_employee_id"]]
            if text(raw):
                rated_by = self.people.get(text(raw).lower())
                if rated_by is None:
                    error(number, "rated_by_employee_id", raw, _("No person with this employee ID.")); ok = False
        note = self.optional_text(number, cells, at, "note", 500) or ""
        if ok and len(note) <= 500:
            self.records.append((person, competency, source, rated_on, level, rated_by, note))

    def write(self) -> tuple[int, int]:
        seen = set(values_in(
            CompetencyRating.objects, "person_id", {r[0] for r in self.records},
            "person_id", "competency_id", "source", "rated_on", "level",
        ))
        new = []
        for person, competency, source, rated_on, level, rated_by, note in self.records:
            key = (person, competency, source, rated_on, level)
            if key in seen:
                continue  # the same rating is already in the history (or earlier in this file)
            seen.add(key)
            new.append(CompetencyRating(
                person_id=person, competency_id=competency, level=level, source=source,
                rated_by_id=rated_by, rated_on=rated_on, note=note,
            ))
        CompetencyRating.objects.bulk_create(new, batch_size=BATCH_SIZE)
        for batch in chunks(sorted({r.person_id for r in new})):
            current_levels_rebuild(person_ids=batch)
        self.unchanged = len(self.records) - len(new)  # already in the history: skipped
        return len(new), 0


IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.DEPARTMENTS: DepartmentImporter,
    ImportKind.JOB_PROFILES: JobProfileImporter,
    ImportKind.PEOPLE: PeopleImporter,
    ImportKind.RATINGS: RatingImporter,
}


def register_kind(kind: str, columns: tuple[Column, ...], note: Any, importer: type[Importer]) -> None:
    """An import kind another app owns (insights' ``outcomes``): its columns, its note on the upload
    page and its importer, plugged in from that app's ``AppConfig.ready()``."""
    SPECS[kind] = columns
    KIND_NOTES[kind] = note
    IMPORTERS[kind] = importer


def importer_for(kind: str, table: Table) -> Importer:
    """The importer for ``kind`` with the header checked (raises :class:`FileProblems`)."""
    return IMPORTERS[kind](table)

