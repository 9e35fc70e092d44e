"""Tables as CSV or XLSX downloads, shared by every app's exports. Text a spreadsheet would run as a
formula is neutralised; control characters are dropped."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

#: An XLSX sheet holds 1,048,576 rows; the CSV has no limit.
XLSX_MAX_ROWS = 1_000_000


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    if isinstance(value, str):
        value = "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 32)
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read UTF-8
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def xlsx_bytes(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append(list(headers))
    for n, row in enumerate(rows):
        if n >= XLSX_MAX_ROWS:
            ws.append([_("More rows than a spreadsheet holds: download the CSV for all of them.")])
            break
        ws.append([safe_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def table_download(*, fmt: str, filename: str, sheet: str, headers: Sequence[str],
                   rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """``fmt`` is "csv" (streamed) or "xlsx"; ``filename`` without extension, ASCII."""
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(sheet, headers, rows),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = StreamingHttpResponse(csv_lines(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
