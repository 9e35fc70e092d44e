"""CSV and XLSX files: the filtered audit trail, and one person's data (JSON / XLSX)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from tandem.web.exports import XLSX_MAX_ROWS, csv_lines, safe_cell, xlsx_bytes

COLUMNS = ["at", "actor", "via", "method", "path", "action", "object_type", "object_id", "label",
           "changes", "employee_ids"]


def headers() -> list[str]:
    return [_("When"), _("Who"), _("Through"), _("Method"), _("Address"), _("Action"), _("Object type"),
            _("Object ID"), _("Object"), _("Changes (before → after)"), _("People concerned")]


def _flat(row: dict[str, Any]) -> list[Any]:
    out = []
    for col in COLUMNS:
        v = row[col]
        if col == "employee_ids":
            v = ", ".join(v)
        out.append(safe_cell(v))
    return out


def csv_stream(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    return csv_lines(headers(), (_flat(row) for row in rows))


def entries_xlsx(rows: Iterable[dict[str, Any]]) -> bytes:
    return xlsx_bytes(_("Audit trail"), headers(), (_flat(row) for row in rows))


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
