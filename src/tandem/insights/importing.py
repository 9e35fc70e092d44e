"""The ``outcomes`` import kind: outcome records from a spreadsheet, through the people import
(page and ``POST /api/imports``), every row validated and all of it written or nothing.

Columns ``employee_id, cohort, metric, value, recorded_on, kind``. A metric named for the first
time is defined by the row's ``kind`` (``proportion``: the value is 0 or 1; ``mean``: any finite
number); every later row, in this file or after, must agree. The same person, metric and cohort
again replaces the saved value (importing a file twice changes nothing).
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem import audit
from tandem.insights.models import MetricKind, OutcomeMetric, OutcomeRecord, OutcomeSource
from tandem.people.importing import (
    BATCH_SIZE,
    CellError,
    Column,
    Importer,
    _bulk_update,
    a_date,
    register_kind,
    text,
    values_in,
)
from tandem.people.models import ImportKind, Person

MAX_ABS_VALUE = 1e12  # a mean outcome beyond this is a typo, and SUM(x * x) must stay finite
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?")
KINDS = frozenset(MetricKind.values)

COLUMNS: tuple[Column, ...] = (
    Column("employee_id", True, gettext_lazy("Employee ID of an existing person."), "E00042"),
    Column("cohort", False, gettext_lazy("Cohort label, at most 80 characters (e.g. “2024 mentored”); "
                                         "may be empty."), "2024 mentored"),
    Column("metric", True, gettext_lazy("Metric name, at most 80 characters (e.g. retention)."), "retention"),
    Column("value", True, gettext_lazy("For a proportion metric 0 or 1; for a mean metric a number."), "1"),
    Column("recorded_on", True, gettext_lazy("Date as YYYY-MM-DD, not in the future."), "2024-12-31"),
    Column("kind", True, gettext_lazy("proportion or mean; a metric keeps the kind it was first "
                                      "imported with."), "proportion"),
)
NOTE = gettext_lazy(
    "Outcome records are matched by person, metric and cohort: an existing record gets the new value."
)


def number(value: Any) -> float:
    """A finite number cell (TRUE/FALSE from a workbook count as 1/0)."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        result = float(value)
    else:
        s = text(value)
        if not _NUMBER.fullmatch(s):
            raise CellError(_("Enter a number, such as 1 or 4.5."))
        result = float(s)
    if not math.isfinite(result) or abs(result) > MAX_ABS_VALUE:
        raise CellError(_("Enter a number between −10¹² and 10¹²."))
    return result


class OutcomeImporter(Importer):
    kind = ImportKind.OUTCOMES

    def preload(self) -> None:
        self.people = dict(Person.objects.values_list("employee_id", "pk").iterator(chunk_size=10000))
        self.metric_kinds: dict[str, str] = dict(OutcomeMetric.objects.values_list("name", "kind"))
        self.saved_metrics = set(self.metric_kinds)
        self.metric_row: dict[str, int] = {}
        self.today = timezone.localdate()
        self.records: dict[tuple[int, str, str], tuple[float, Any, int]] = {}

    def validate_row(self, number_: int, cells: list[Any], at: dict[str, int]) -> None:
        error = self.error
        ok = True
        raw = cells[at["employee_id"]]
        person = self.people.get(text(raw))
        if not text(raw):
            error(number_, "employee_id", raw, _("This value is required.")); ok = False
        elif person is None:
            error(number_, "employee_id", raw, _("No person with this employee ID.")); ok = False

        cohort = ""
        if "cohort" in at:
            before = len(self.errors)
            cohort = self.optional_text(number_, cells, at, "cohort", 80) or ""
            ok = ok and len(self.errors) == before

        before = len(self.errors)
        metric = self.required_text(number_, cells, at, "metric", 80)
        ok = ok and len(self.errors) == before and bool(metric)

        raw = cells[at["kind"]]
        kind = text(raw).lower()
        if not kind:
            error(number_, "kind", raw, _("This value is required.")); ok = False
        elif kind not in KINDS:
            error(number_, "kind", raw, _("Choose one of: %(values)s.") % {"values": ", ".join(MetricKind.values)})
            ok = False
        elif metric and metric in self.metric_kinds and self.metric_kinds[metric] != kind:
            known = self.metric_kinds[metric]
            if metric in self.saved_metrics:
                message = _("The metric “%(metric)s” is a %(known)s metric; this row says %(kind)s.")
            else:
                message = _("The metric “%(metric)s” was defined as %(known)s on row %(row)s; this row says %(kind)s.")
            error(number_, "kind", raw, message % {"metric": metric, "known": known, "kind": kind,
                                                   "row": self.metric_row.get(metric)})
            ok = False
        elif metric:
            self.metric_kinds.setdefault(metric, kind)
            self.metric_row.setdefault(metric, number_)

        raw = cells[at["value"]]
        value = None
        try:
            if raw is None or text(raw) == "":
                raise CellError(_("This value is required."))
            value = number(raw)
            if kind == MetricKind.PROPORTION and value not in (0.0, 1.0):
                raise CellError(_("A proportion metric takes 0 or 1 per person."))
        except CellError as exc:
            error(number_, "value", raw, exc); ok = False

        raw = cells[at["recorded_on"]]
        recorded_on = None
        try:
            if raw is None or text(raw) == "":
                raise CellError(_("This value is required."))
            recorded_on = a_date(raw, excel=self.table.excel)
            if recorded_on > self.today:
                raise CellError(_("The date cannot be in the future."))
        except CellError as exc:
            error(number_, "recorded_on", raw, exc); ok = False

        if not ok or person is None:
            return
        key = (person, metric, cohort)
        previous = self.records.get(key)
        if previous is not None:
            error(number_, "employee_id", cells[at["employee_id"]],
                  _("This person already has a value of this metric in this cohort (row %(row)s).")
                  % {"row": previous[2]})
            return
        self.records[key] = (value, recorded_on, number_)

    def write(self) -> tuple[int, int]:
        new_metrics = [OutcomeMetric(name=name, kind=kind) for name, kind in sorted(self.metric_kinds.items())
                       if name not in self.saved_metrics and name in {k[1] for k in self.records}]
        OutcomeMetric.objects.bulk_create(new_metrics, batch_size=BATCH_SIZE)
        metric_pk = dict(OutcomeMetric.objects.filter(name__in={k[1] for k in self.records})
                         .values_list("name", "pk"))
        existing: dict[tuple[int, int, str], tuple[int, float, Any]] = {}
        for pk, person_id, metric_id, cohort, value, recorded_on in values_in(
            OutcomeRecord.objects, "person_id", {k[0] for k in self.records},
            "pk", "person_id", "metric_id", "cohort", "value", "recorded_on",
        ):
            existing[(person_id, metric_id, cohort)] = (pk, value, recorded_on)
        now = timezone.now()
        created: list[OutcomeRecord] = []
        updated: list[OutcomeRecord] = []
        before: dict[int, tuple[float, Any]] = {}
        for (person, metric, cohort), (value, recorded_on, _row) in self.records.items():
            key = (person, metric_pk[metric], cohort)
            record = OutcomeRecord(person_id=person, metric_id=key[1], cohort=cohort, value=value,
                                   recorded_on=recorded_on, source=OutcomeSource.IMPORT, updated_at=now)
            saved = existing.get(key)
            if saved is None:
                created.append(record)
            elif (saved[1], saved[2]) != (value, recorded_on):
                record.pk = saved[0]
                before[record.pk] = (saved[1], saved[2])
                updated.append(record)
        OutcomeRecord.objects.bulk_create(created, batch_size=BATCH_SIZE)
        _bulk_update(OutcomeRecord, updated, ["value", "recorded_on", "source", "updated_at"])
        if updated:  # raw SQL sends no signal: the trail hears of it here
            audit.record_many(OutcomeRecord, updated, action="update", changes=lambda r: {
                "value": [before[r.pk][0], r.value],
                "recorded_on": [before[r.pk][1].isoformat(), r.recorded_on.isoformat()],
            })
        return len(created), len(updated)


def register() -> None:
    register_kind(ImportKind.OUTCOMES, COLUMNS, NOTE, OutcomeImporter)
