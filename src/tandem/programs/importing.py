"""Enrolment from a spreadsheet: employee_id, role (mentor / mentee) and, for mentors, capacity.

Reading and the error format are the people import's (``tandem.people.importing``: ``read_table``,
``error_entry``, ``FileProblems``, the cell converters), so errors read the same: by row as the
spreadsheet numbers it (the header is row 1) and column, with the value given. Nothing is enrolled
unless every row is valid.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from tandem.core.errors import ValidationFailed
from tandem.people import importing as people_importing
from tandem.people.models import Person
from tandem.programs.models import EnrolmentRole

COLUMNS = ("employee_id", "role", "capacity")
REQUIRED = ("employee_id", "role")


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().strip("*").strip().lower())


class EnrolmentFile:
    def __init__(self, table: people_importing.Table) -> None:
        self.table = table
        self.index: dict[str, int] = {}
        self.label: dict[str, str] = {}
        self.errors: list[dict[str, Any]] = []
        problems = []
        row = table.header_row
        for position, raw in enumerate(table.header):
            name = _norm(raw)
            if name not in COLUMNS:
                problems.append(people_importing.error_entry(
                    row, raw, raw, _("Unknown column. The columns for this import are: %(names)s.")
                    % {"names": ", ".join(COLUMNS)}))
            elif name in self.index:
                problems.append(people_importing.error_entry(row, raw, raw, _("This column appears twice.")))
            else:
                self.index[name], self.label[name] = position, raw
        for name in REQUIRED:
            if name not in self.index:
                problems.append(people_importing.error_entry(row, name, "", _("The required column is missing.")))
        if problems:
            raise ValidationFailed(problems, message=_("The file cannot be imported."))

    @classmethod
    def read(cls, data: bytes, file_name: str) -> EnrolmentFile:
        if len(data) > settings.IMPORT_MAX_BYTES:
            raise ValidationFailed([people_importing.error_entry(None, "", "", _(
                "The file is too large: the limit is %(limit)s MB.") % {
                "limit": round(settings.IMPORT_MAX_BYTES / 2**20, 1)})], message=_("The file cannot be imported."))
        try:
            table = people_importing.read_table(data, file_name or "")
        except people_importing.FileProblems as exc:
            raise ValidationFailed(exc.errors, message=_("The file cannot be imported.")) from None
        return cls(table)

    def _error(self, row: int, column: str, value: Any, message: Any) -> None:
        self.errors.append(people_importing.error_entry(row, self.label.get(column, column), value, message))

    def validated(self) -> dict[tuple[str, int | None], list[Person]]:
        """People to enrol grouped by (role, capacity), or ``ValidationFailed`` with every row error."""
        at = self.index
        parsed: list[tuple[int, str, str, int | None]] = []
        for number, cells in self.table.rows:
            raw_id = cells[at["employee_id"]]
            employee_id = people_importing.text(raw_id)
            if not employee_id:
                self._error(number, "employee_id", raw_id, _("This value is required."))
            elif len(employee_id) > 40 or re.search(r"[\x00-\x1f\x7f]", employee_id):
                self._error(number, "employee_id", raw_id, _("Not an employee ID."))
                employee_id = ""
            raw_role = cells[at["role"]]
            role = people_importing.text(raw_role).lower()
            if role not in EnrolmentRole.values:
                self._error(number, "role", raw_role, _("Enter mentor or mentee."))
            capacity = None
            if "capacity" in at:
                raw_cap = cells[at["capacity"]]
                if people_importing.text(raw_cap):
                    try:
                        capacity = people_importing.whole_number(raw_cap, 1, 20)
                    except people_importing.CellError as exc:
                        self._error(number, "capacity", raw_cap, exc)
                    else:
                        if role == EnrolmentRole.MENTEE:
                            self._error(number, "capacity", raw_cap, _("Only mentors have a capacity."))
            parsed.append((number, employee_id, role, capacity))
        known = {
            p.employee_id: p
            for batch in people_importing.chunks({e for _n, e, _r, _c in parsed if e})
            for p in Person.objects.filter(employee_id__in=batch, is_active=True)
        }
        seen: dict[tuple[str, str], int] = {}
        groups: dict[tuple[str, int | None], list[Person]] = defaultdict(list)
        for number, employee_id, role, capacity in parsed:
            if not employee_id:
                continue
            if employee_id not in known:
                self._error(number, "employee_id", employee_id, _("No active person has this employee ID."))
                continue
            if (employee_id, role) in seen:
                self._error(number, "employee_id", employee_id, _("Already on row %(row)s with the same role.") % {
                    "row": seen[(employee_id, role)]})
                continue
            seen[(employee_id, role)] = number
            if role in EnrolmentRole.values:
                groups[(role, capacity)].append(known[employee_id])
        if self.errors:
            self.errors.sort(key=lambda e: (e["row"] or 0))
            raise ValidationFailed(self.errors[: people_importing.MAX_STORED_ERRORS],
                                   message=_("%(n)s problems found; nobody was enrolled.") % {"n": len(self.errors)})
        return dict(groups)
