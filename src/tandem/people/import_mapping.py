"""Column mappings: import a file that is not in Tandem's own format (an HRIS export).

A mapping says, for each Tandem column of one import kind, where its value comes from:

* ``source``: a column of the other file (``EmployeeNumber`` → ``employee_id``), or
* ``pattern``: a text with the other file's columns in braces (``Employee {EmployeeNumber}``); a
  pattern without braces is a constant (every row gets the same value),

and optionally ``values``, a value map applied to the result (``Research & Development`` →
``RND``; matched whatever the case; a value not in the map passes unchanged, so the import's own
checks still report it). Tandem columns not in the mapping are not imported at all.

:func:`mapping_clean` checks a mapping as HR or a script gives it; :func:`mapping_missing` lists
the required Tandem columns it leaves unmapped (reported before anything is imported);
:func:`apply_mapping` turns the other file's table into a table in Tandem's columns, which the
ordinary importer then validates and writes, all or nothing. Saved mappings are
:class:`~tandem.people.models.ImportMapping` rows, written by the services at the end.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tandem.core.errors import ApplicationError, NotFound, ValidationFailed
from tandem.core.validators import single_line_problem
from tandem.people import importing
from tandem.people.models import ImportMapping

MAX_NAME = 120
MAX_SOURCE = 200  # a source column's name
MAX_PATTERN = 300
MAX_VALUES = 500  # entries of one value map
MAX_VALUE = 200  # one side of a value-map entry
SAMPLES_PER_COLUMN = 25
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class MappingErrorCode(StrEnum):
    INVALID = "mapping_invalid"
    INCOMPLETE = "mapping_incomplete"
    KIND = "mapping_kind"
    NAME_TAKEN = "mapping_name_taken"


# -- the mapping itself (pure) ------------------------------------------------------------------


def tandem_columns(kind: str) -> tuple[importing.Column, ...]:
    return importing.SPECS[kind]


def placeholders(pattern: str) -> list[str]:
    """The source columns a pattern reads, in order (``{Name}``; surrounding spaces ignored)."""
    return [name.strip() for name in _PLACEHOLDER.findall(pattern)]


def _line_problem(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return _("At most %(n)s characters.") % {"n": limit}
    return single_line_problem(value)


def mapping_clean(kind: str, columns: Any, *, source_columns: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """The mapping in its stored form, or :class:`ValidationFailed` with one entry per Tandem column
    (``errors["department_code"] = [...]``). Entries with neither a source nor a pattern are dropped
    (the column is not imported). With ``source_columns`` (the other file's header), sources and
    placeholders must name one of them."""
    if kind not in importing.SPECS:
        raise ApplicationError(_("Choose what to import: %(kinds)s.") % {"kinds": ", ".join(importing.SPECS)},
                               code=MappingErrorCode.KIND)
    if not isinstance(columns, dict):
        raise ValidationFailed({"columns": [_("Give the mapping as an object: Tandem column → its source.")]})
    known = {c.name for c in tandem_columns(kind)}
    available = {s.strip().lower() for s in source_columns} if source_columns is not None else None
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, dict[str, Any]] = {}

    def problem(column: str, message: str) -> None:
        errors.setdefault(column, []).append(message)

    for column, entry in columns.items():
        column_name = importing.brief(column, 60)
        if column not in known:
            problem(column_name, _("Not a column of this import. Its columns are: %(names)s.")
                    % {"names": ", ".join(c.name for c in tandem_columns(kind))})
            continue
        if not isinstance(entry, dict):
            problem(column, _("Give a source column or a pattern."))
            continue
        source = entry.get("source") or ""
        pattern = entry.get("pattern") or ""
        values = entry.get("values") or {}
        if not isinstance(source, str) or not isinstance(pattern, str) or not isinstance(values, dict):
            problem(column, _("The source and the pattern are texts; the value map is an object."))
            continue
        source, pattern = source.strip(), pattern.strip()
        if source and pattern:
            problem(column, _("Give a source column or a pattern, not both."))
            continue
        if not source and not pattern:
            if values:
                problem(column, _("A value map needs a source column or a pattern."))
            continue
        if source and (p := _line_problem(source, MAX_SOURCE)):
            problem(column, p)
            continue
        if pattern and (p := _line_problem(pattern, MAX_PATTERN)):
            problem(column, p)
            continue
        if available is not None:
            for name in [source] if source else placeholders(pattern):
                if name.lower() not in available:
                    problem(column, _("The file has no column “%(name)s”.") % {"name": importing.brief(name)})
        if pattern.count("{") != pattern.count("}") or any(not n for n in placeholders(pattern)):
            problem(column, _("Write the columns of the pattern in braces, such as {EmployeeNumber}."))
        if len(values) > MAX_VALUES:
            problem(column, _("At most %(n)s values can be mapped.") % {"n": MAX_VALUES})
            continue
        clean_values: dict[str, str] = {}
        seen: dict[str, str] = {}
        for old, new in values.items():
            if not isinstance(new, str):
                problem(column, _("Each value maps to a text."))
                break
            old, new = old.strip(), new.strip()
            if not old:
                continue
            p = _line_problem(old, MAX_VALUE) or _line_problem(new, MAX_VALUE)
            if p:
                problem(column, f"{importing.brief(old)}: {p}")
                break
            if old.lower() in seen:
                problem(column, _("“%(value)s” is mapped twice.") % {"value": importing.brief(old)})
                break
            seen[old.lower()] = new
            clean_values[old] = new
        entry_out: dict[str, Any] = {"source": source} if source else {"pattern": pattern}
        if clean_values:
            entry_out["values"] = clean_values
        cleaned[column] = entry_out
    if errors:
        raise ValidationFailed(errors, message=_("The mapping has problems; nothing was saved."))
    return cleaned


def mapping_missing(kind: str, columns: dict[str, Any]) -> list[str]:
    """The required Tandem columns the mapping leaves without a source or a pattern."""
    return [c.name for c in tandem_columns(kind) if c.required and c.name not in (columns or {})]


def missing_message(kind: str, columns: dict[str, Any]) -> str | None:
    missing = mapping_missing(kind, columns)
    if not missing:
        return None
    return _("Map the required columns first: %(names)s. Give each a column of your file, or a pattern "
             "such as “Employee {EmployeeNumber}”.") % {"names": ", ".join(missing)}


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


# Column names other systems commonly use for Tandem's columns (compared without case, spaces,
# hyphens or underscores).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "employee_id": ("employeenumber", "employeeid", "empid", "empno", "employeeno", "personnelnumber", "staffid"),
    "full_name": ("name", "fullname", "employeename", "displayname"),
    "email": ("email", "emailaddress", "mail", "workemail"),
    "department_code": ("department", "departmentcode", "dept", "deptcode"),
    "job_profile_code": ("jobrole", "jobprofile", "jobtitle", "position", "role"),
    "manager_employee_id": ("managerid", "manageremployeeid", "managernumber", "supervisorid"),
    "location": ("location", "office", "city", "site"),
    "hire_date": ("hiredate", "startdate", "dateofhire", "joined"),
    "left_on": ("terminationdate", "leftdate", "enddate", "leavingdate"),
    "time_zone": ("timezone", "tz"),
    "languages": ("languages", "language"),
}


def mapping_guess(kind: str, source_columns: list[str]) -> dict[str, dict[str, Any]]:
    """A first mapping to start from: a source column with the Tandem column's name (or a common
    synonym) is taken; nothing else is guessed."""
    by_key = {}
    for name in source_columns:
        by_key.setdefault(_key(name), name)
    guess: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for column in tandem_columns(kind):
        for candidate in (_key(column.name), *SYNONYMS.get(column.name, ())):
            name = by_key.get(candidate)
            if name is not None and name not in used:
                guess[column.name] = {"source": name}
                used.add(name)
                break
    return guess


def table_samples(table: importing.Table) -> dict[str, list[str]]:
    """A few distinct values per source column (for the value maps on the mapping page)."""
    samples: dict[str, list[str]] = {}
    for position, name in enumerate(table.header):
        if not name:
            continue
        seen: list[str] = []
        for _number, cells in table.rows:
            value = importing.brief(importing.text(cells[position]), 80)
            if value and value not in seen:
                seen.append(value)
                if len(seen) == SAMPLES_PER_COLUMN:
                    break
        samples[name] = seen
    return samples


def apply_mapping(table: importing.Table, kind: str, columns: dict[str, dict[str, Any]]) -> importing.Table:
    """The other file's table in Tandem's columns. Raises :class:`importing.FileProblems` when the
    mapping leaves a required column out or reads a column the file does not have (before any row
    is looked at). A mapped source cell keeps its type (an Excel date stays a date); a pattern
    gives text; a value map matches the cell's text whatever its case."""
    problems: list[dict[str, Any]] = []
    if missing := missing_message(kind, columns):
        problems.append(importing.error_entry(None, "", "", missing))
    position: dict[str, int] = {}
    for index, name in enumerate(table.header):
        position.setdefault(name.strip().lower(), index)
    header_row = table.header_row
    plan: list[tuple[str, int | None, str, list[tuple[str, int]], dict[str, str]]] = []
    for spec in tandem_columns(kind):
        entry = columns.get(spec.name)
        if not entry:
            continue
        source = entry.get("source", "")
        pattern = entry.get("pattern", "")
        values = {k.strip().lower(): v for k, v in (entry.get("values") or {}).items()}
        reads = [source] if source else placeholders(pattern)
        located = []
        for name in reads:
            at = position.get(name.strip().lower())
            if at is None:
                problems.append(importing.error_entry(
                    header_row, spec.name, name,
                    _("The mapping reads the column “%(name)s”, which this file does not have. Its "
                      "columns are: %(names)s.")
                    % {"name": importing.brief(name), "names": importing.brief(", ".join(table.header), 300)},
                ))
            else:
                located.append((name, at))
        plan.append((spec.name, located[0][1] if source and located else None, pattern, located, values))
    if problems:
        raise importing.FileProblems(problems)

    def filled(pattern: str, cells: list[Any], located: dict[str, int]) -> str:
        return _PLACEHOLDER.sub(lambda m: importing.text(cells[located[m.group(1).strip()]]), pattern)

    rows: list[tuple[int, list[Any]]] = []
    for number, cells in table.rows:
        out: list[Any] = []
        for _name, at, pattern, located, values in plan:
            if at is not None:
                value: Any = cells[at]
            else:
                value = filled(pattern, cells, dict(located))
            if values:
                mapped = values.get(importing.text(value).lower())
                if mapped is not None:
                    value = mapped
            out.append(value)
        rows.append((number, out))
    labels = {}
    for name, _at, pattern, located, _values in plan:
        source = pattern if pattern else (located[0][0] if located else "")
        labels[name] = importing.brief(f"{name} ← {source}", 80)
    return importing.Table(header=[p[0] for p in plan], header_row=header_row, rows=rows,
                           excel=table.excel, labels=labels)


def values_from_text(text: str) -> dict[str, str]:
    """A value map written one entry per line, ``source value = Tandem value`` (the last ``=``
    separates them); blank lines are skipped. Raises :class:`ValidationFailed` for a line without ``=``."""
    values: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        old, sep, new = line.rpartition("=")
        if not sep or not old.strip():
            raise ValidationFailed({"values": [
                _("Line %(n)s: write “value in your file = value in Tandem”.") % {"n": number}]})
        values[old.strip()] = new.strip()
    return values


def values_to_text(values: dict[str, str] | None) -> str:
    return "\n".join(f"{old} = {new}" for old, new in (values or {}).items())


# -- reads ------------------------------------------------------------------------------------


def import_mappings(*, kind: str | None = None) -> QuerySet[ImportMapping]:
    qs = ImportMapping.objects.select_related("created_by").order_by("name", "id")
    return qs.filter(kind=kind) if kind else qs


def import_mapping_get(*, mapping_id: int) -> ImportMapping:
    mapping = ImportMapping.objects.select_related("created_by").filter(pk=mapping_id).first()
    if mapping is None:
        raise NotFound(_("No such column mapping."))
    return mapping


# -- writes -----------------------------------------------------------------------------------


def clean_name(name: Any) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationFailed({"name": [_("Give the mapping a name.")]})
    if problem := _line_problem(name, MAX_NAME):
        raise ValidationFailed({"name": [problem]})
    return name


def _save(mapping: ImportMapping, fields: list[str] | None = None) -> ImportMapping:
    try:
        with transaction.atomic():
            if fields is None:
                mapping.save()
            else:
                mapping.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        raise ValidationFailed({"name": [_("A mapping with this name exists already.")]}) from None
    return mapping


def read_sample(data: bytes, file_name: str) -> importing.Table:
    """The other file's header and rows, or :class:`ValidationFailed` with the reader's message."""
    try:
        return importing.read_table(data, file_name)
    except importing.FileProblems as problems:
        raise ValidationFailed({"file": [e["message"] for e in problems.errors]}) from None


@transaction.atomic
def import_mapping_create(*, user: Any, name: str, kind: str, table: importing.Table,
                          columns: dict[str, Any] | None = None) -> ImportMapping:
    """Save a mapping made from a sample of the other file (its header and a few values are kept
    for the mapping page). Without ``columns`` it starts from :func:`mapping_guess`."""
    name = clean_name(name)
    source_columns = [h for h in table.header if h]
    if columns is None:
        columns = mapping_guess(kind, source_columns)
    cleaned = mapping_clean(kind, columns, source_columns=source_columns)
    mapping = ImportMapping(name=name, kind=kind, columns=cleaned, source_columns=source_columns,
                            samples=table_samples(table), created_by=user)
    return _save(mapping)


@transaction.atomic
def import_mapping_update(*, mapping: ImportMapping, name: str, columns: dict[str, Any]) -> ImportMapping:
    mapping = ImportMapping.objects.select_for_update().get(pk=mapping.pk)
    mapping.name = clean_name(name)
    mapping.columns = mapping_clean(mapping.kind, columns, source_columns=mapping.source_columns or None)
    return _save(mapping, ["name", "columns"])


@transaction.atomic
def import_mapping_delete(*, mapping: ImportMapping) -> None:
    """Past imports keep the mapping they used (``ImportJob.mapping_spec``)."""
    ImportMapping.objects.filter(pk=mapping.pk).delete()
