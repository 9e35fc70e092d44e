"""Constrained field types for ninja / pydantic schemas: the database's limits, stated once.

Use them in place of ``int``, ``date``, ``datetime`` and ``str`` in API input schemas:

- :data:`DbInt` (query and path integers: counts, page numbers) fits PostgreSQL's ``integer``;
  :data:`DbId` fits a ``bigint`` primary key. A value beyond is a 422 naming the field, not a
  database error (PostgreSQL: "integer out of range"; SQLite: "datatype mismatch").
- :data:`StrictDbInt` for integers in JSON bodies: also refuses ``true`` / ``false`` (pydantic's
  lax mode would read ``true`` as 1) and numbers sent as strings. :data:`StrictInt` for one that
  states its own range with ``Field(ge=…, le=…)`` (a bounded alias would override that range).
- :data:`StrictBool` for booleans in JSON bodies: ``true`` / ``false`` only (lax mode would read
  ``0``, ``"no"`` or ``"false"`` as false).
- :data:`SaneDate` / :data:`SaneDateTime`: within ``validators.DATE_MIN`` .. ``DATE_MAX``, and
  written as the schema says: a date only as ``YYYY-MM-DD``, a date-time only as ``YYYY-MM-DDThh:mm``
  (seconds, fraction and offset optional). Lax mode would read ``0`` or ``"1700000000"`` as a Unix
  timestamp and ``"2020-01-01T10:00"`` as a date; in a query string as in a body, they are a 422.
  :data:`IsoDate` is the format alone, for a filter that clamps far dates itself (the audit trail).
- :data:`SingleLine` (names, titles: no line breaks or other control characters) and
  :data:`MultiLine` (notes: line breaks allowed, other control characters not).

:class:`ObjectSchema` is the base for a schema nested in a body (``params: DutyParams``): a JSON
object only. :class:`JsonObjectParser` is the API's body parser: a body is a JSON object (every body schema is one).

Bounds appear in the OpenAPI document (``minimum`` / ``maximum``), so a schema-driven client
knows them. :class:`PageNumberPagination` is ninja's, with the page number bounded the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as _NinjaPageNumberPagination
from ninja.parser import Parser
from pydantic import AfterValidator, BeforeValidator, Strict, model_validator

from tandem.core import validators
from tandem.core.validators import DB_BIGINT_MAX, DB_INT_MAX, DB_SMALLINT_MAX  # noqa: F401


def _checked(problem):
    def check(value):
        message = problem(value)
        if message:
            raise ValueError(message)
        return value

    return check


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:\d{2})?")


def _written_as(pattern: re.Pattern, kind: type, example: Callable[[], str]):
    """A before-validator: ``kind`` itself passes (Python callers), a string must match ``pattern``
    in full, anything else (numbers, booleans) is refused before pydantic's lax parsing sees it."""

    def check(value):
        if isinstance(value, kind) or (isinstance(value, str) and pattern.fullmatch(value)):
            return value
        raise ValueError(example())

    return check


# A field with its own bounds (``level: StrictInt = Field(..., ge=1, le=5)``) takes plain StrictInt:
# the bounds carried by a type alias below win over those given to ``Field(...)`` (pydantic).
StrictInt = Annotated[int, Strict()]
DbInt = Annotated[int, Field(ge=0, le=DB_INT_MAX)]
StrictDbInt = Annotated[int, Strict(), Field(ge=0, le=DB_INT_MAX)]
DbId = Annotated[int, Field(ge=1, le=DB_BIGINT_MAX)]
# The window in the OpenAPI document: ``formatMinimum`` / ``formatMaximum`` say it to a reader, the
# ``pattern`` (years 1900..2200) to a client that generates or checks data from the schema: JSON
# Schema has no range for dates (issue 13: schemathesis's dates in year 1 or 9999 were "valid data
# rejected"). A whole date, so that values drawn from it are dates (the format refuses a 30 February).
_YEAR_MONTH_DAY = r"(19\d\d|2[01]\d\d|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_DATE_WINDOW = {"formatMinimum": validators.DATE_MIN.isoformat(), "formatMaximum": validators.DATE_MAX.isoformat()}
_DATE_IN_WINDOW = {**_DATE_WINDOW, "pattern": f"^{_YEAR_MONTH_DAY}$"}
# RFC 3339, as ``format: date-time`` says (seconds and offset given); the reader also takes the
# shorter ``2027-01-01T10:00`` that the pages send.
_DATETIME_IN_WINDOW = {
    **_DATE_WINDOW,
    "pattern": f"^{_YEAR_MONTH_DAY}T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{{1,6}})?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$",
}
StrictBool = Annotated[bool, Strict()]


def _query_bool(value: object) -> object:
    """A boolean in a query string or a form: the words ``true`` / ``false`` (as OpenAPI clients and
    browsers write them), not the ``1`` / ``yes`` / ``off`` that lax parsing would also read."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError(_("Enter true or false."))


QueryBool = Annotated[bool, BeforeValidator(_query_bool)]
IsoDate = Annotated[date, BeforeValidator(_written_as(_ISO_DATE, date, lambda: _("Enter a date as YYYY-MM-DD.")))]
SaneDate = Annotated[IsoDate, AfterValidator(_checked(validators.date_problem)), Field(json_schema_extra=_DATE_IN_WINDOW)]
SaneDateTime = Annotated[
    datetime, BeforeValidator(_written_as(
        _ISO_DATETIME, datetime, lambda: _("Enter a date and time as YYYY-MM-DDThh:mm:ss±hh:mm."))),
    AfterValidator(_checked(validators.date_problem)), Field(json_schema_extra=_DATETIME_IN_WINDOW),
]


def _pattern_unless_stated(pattern: str):
    """The characters a text type refuses, as the schema's ``pattern`` — unless the field states its
    own (``meeting_link: SingleLine = Field(pattern=HTTPS_LINK)``): a dict here would replace that
    pattern in the document, so the document would accept what the field refuses (issue 13)."""

    def extra(schema: dict) -> None:
        schema.setdefault("pattern", pattern)

    return extra


#: The characters each text type refuses, as a regular-expression class body.
SINGLE_LINE_REFUSED = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
MULTI_LINE_REFUSED = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029"
SingleLine = Annotated[
    str, AfterValidator(_checked(validators.single_line_problem)),
    Field(json_schema_extra=_pattern_unless_stated(f"^[^{SINGLE_LINE_REFUSED}]*$")),
]
MultiLine = Annotated[
    str, AfterValidator(_checked(validators.multi_line_problem)),
    Field(json_schema_extra=_pattern_unless_stated(f"^[^{MULTI_LINE_REFUSED}]*$")),
]


def not_blank_pattern(refused: str = r"\x00") -> str:
    """A text that is not blank once stripped (the services strip, then require it): at least one
    character that is not white space, and none of ``refused``. The characters Python's ``strip``
    removes but a JSON Schema (ECMAScript) or pydantic (Rust) ``\\s`` does not all agree on
    (``\\x1c``-``\\x1f``, NEL, the byte-order mark) do not count as the one character."""
    return f"^[^{refused}]*[^\\s{refused}\\x1c-\\x1f\\x85\\ufeff][^{refused}]*$"


def single_line_matching(pattern: str):
    """A :data:`SingleLine` that must also match ``pattern`` (a link: ``^https://…``), with that
    pattern in the document. ``SingleLine | None = Field(pattern=…)`` validates the pattern but
    documents SingleLine's own instead (pydantic), so the document would accept what is refused
    (issue 13: schemathesis's "valid data rejected" on a session's ``meeting_link``). Give
    ``pattern`` the control characters SingleLine refuses too, so it is the whole rule."""
    return Annotated[str, Field(pattern=pattern), AfterValidator(_checked(validators.single_line_problem))]


@dataclass
class KeptOrder:
    """A list whose keys, in its order, are kept per change (``people.figures.kept``): pagination
    slices the keys and reads only the page's rows from ``queryset`` -- no sort of the whole list
    (and no count) on each request."""

    queryset: QuerySet
    keys: Callable[[], list[int]]


class PageNumberPagination(_NinjaPageNumberPagination):
    """ninja's page-number pagination with ``page`` bounded: ``page=99999999999999999999`` is a
    422, not an OFFSET the database cannot hold."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=DB_INT_MAX)
        page_size: int | None = Field(None, ge=1, le=DB_INT_MAX)

    def paginate_queryset(self, queryset, pagination, request, **params):
        """The page's keys first, in the list's order and without its joins and annotations, then
        only those rows with them (as ``web.pagination.KeysFirstPaginator`` does for pages): a
        list of 6,000 enrolments sorted by name joined, annotated and sorted all of them for 100
        (17 -> 9 ms). A list that is not a plain queryset is paginated as ninja does."""
        if isinstance(queryset, KeptOrder):
            page_size = self._get_page_size(pagination.page_size)
            offset = (pagination.page - 1) * page_size
            every_key = queryset.keys()
            keys = every_key[offset:offset + page_size]
            rows = {row.pk: row for row in queryset.queryset.filter(pk__in=keys)} if keys else {}
            return {self.items_attribute: [rows[k] for k in keys if k in rows], "count": len(every_key)}
        plain = not isinstance(queryset, QuerySet) or queryset.query.combinator or queryset.query.distinct
        if plain or not (queryset.query.select_related or queryset.query.annotations):
            return super().paginate_queryset(queryset, pagination, request, **params)  # nothing to leave out
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        keys = list(queryset.values_list("pk", flat=True)[offset:offset + page_size])
        rows = {row.pk: row for row in queryset.filter(pk__in=keys)} if keys else {}
        return {self.items_attribute: [rows[k] for k in keys if k in rows], "count": self._items_count(queryset)}


def _json_number(text: str) -> float | int:
    """A JSON number written with a fraction or an exponent: ``2.0`` and ``1e3`` have no fractional
    part, so JSON Schema's ``integer`` takes them and schema-driven clients send them (issue 13:
    schemathesis's "valid data rejected" on ``"capacity": 1.0``). Read them as integers, so strict
    integer fields accept them; ``2.5`` stays a float (refused by an integer field), and a float
    field (strict mode) takes an integer as the number it is."""
    value = float(text)
    return int(value) if value.is_integer() else value


class JsonObjectParser(Parser):
    """JSON bodies are objects: every body schema in the API is one. ninja's schemas read fields off
    any object (``from_attributes``), so a body of ``[null, null]`` or ``7`` would pass as a schema
    whose fields all have defaults (issue 13: ST201 on ROI and topics), and so would ``null``. An
    optional body is left out, not sent as ``null``; anything but an object is a 400 before any
    field is read."""

    def parse_body(self, request):
        data = json.loads(request.body, parse_float=_json_number)
        if not isinstance(data, dict):
            raise ValueError(_("The request body must be a JSON object."))  # noqa: TRY004 (ninja turns it into a 400)
        return data


class ObjectSchema(Schema):
    """An input schema that takes a JSON object only. ninja's :class:`Schema` reads fields off any
    object, so ``"params": [null, null]`` passed as a nested schema whose fields all have defaults
    (issue 13: ST201 on the cadence policy). The top-level body is :class:`JsonObjectParser`'s."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data):
        if not isinstance(getattr(data, "_obj", data), dict):
            raise ValueError(_("Expected a JSON object."))  # noqa: TRY004 (pydantic reports ValueError)
        return data
