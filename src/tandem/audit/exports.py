"""CSV and XLSX files: the filtered audit trail, and one person's data (JSON / XLSX)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

#: An XLSX sheet holds 1,048,576 rows; the CSV has no limit.
XLSX_MAX_ROWS = 1_000_000

COLUMNS = ["at", "actor", "via", "method", "path", "action", "object_type", "object_id", "label",
           "changes", "employee_ids"]


def headers() -> list[str]:
    return [_("When"), _("Who"), _("Through"), _("Method"), _("Address"), _("Action"), _("Object type"),
            _("Object ID"), _("Object"), _("Changes (before → after)"), _("People concerned")]


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    if isinstance(value, str):
        value = "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 32)
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


def _flat(row: dict[str, Any]) -> list[Any]:
    out = []
    for col in COLUMNS:
        v = row[col]
        if col == "employee_ids":
            v = ", ".join(v)
        out.append(safe_cell(v))
    return out


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read UTF-8
    yield writer.writerow(headers())
    for row in rows:
        yield writer.writerow(_flat(row))


def entries_xlsx(rows: Iterable[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Audit trail"))
    ws.append(headers())
    for n, row in enumerate(rows):
        if n >= XLSX_MAX_ROWS:
            ws.append([_("More rows than a spreadsheet holds: download the CSV for all of them.")])
            break
        ws.append(_flat(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def person_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode()


def person_xlsx(data: dict[str, Any]) -> bytes:
    """One sheet per section, one column per field."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    used: set[str] = set()
    for section, rows in data.items():
        title = section.replace(".", " ")[:31]
        for bad in "[]:*?/\\":
            title = title.replace(bad, " ")
        base, n = title, 2
        while title in used:
            suffix = f" {n}"
            title, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(title)
        ws = wb.create_sheet(title)
        columns: list[str] = []
        for row in rows:
            for key in row:
                if key not in columns:
                    columns.append(key)
        ws.append(columns)
        for row in rows[:XLSX_MAX_ROWS]:
            ws.append([safe_cell(row.get(c)) for c in columns])
    if not used:
        wb.create_sheet(_("Nothing held"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
