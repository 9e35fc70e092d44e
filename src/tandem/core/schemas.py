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

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

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
_DATE_WINDOW = {"formatMinimum": validators.DATE_MIN.isoformat(), "formatMaximum": validators.DATE_MAX.isoformat()}
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
SaneDate = Annotated[IsoDate, AfterValidator(_checked(validators.date_problem)), Field(json_schema_extra=_DATE_WINDOW)]
SaneDateTime = Annotated[
    datetime, BeforeValidator(_written_as(
        _ISO_DATETIME, datetime, lambda: _("Enter a date and time as YYYY-MM-DDThh:mm:ss±hh:mm."))),
    AfterValidator(_checked(validators.date_problem)), Field(json_schema_extra=_DATE_WINDOW),
]
SingleLine = Annotated[
    str, AfterValidator(_checked(validators.single_line_problem)),
    Field(json_schema_extra={"pattern": r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"}),
]
MultiLine = Annotated[str, AfterValidator(_checked(validators.multi_line_problem))]


class PageNumberPagination(_NinjaPageNumberPagination):
    """ninja's page-number pagination with ``page`` bounded: ``page=99999999999999999999`` is a
    422, not an OFFSET the database cannot hold."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=DB_INT_MAX)
        page_size: int | None = Field(None, ge=1, le=DB_INT_MAX)


class JsonObjectParser(Parser):
    """JSON bodies are objects: every body schema in the API is one. ninja's schemas read fields off
    any object (``from_attributes``), so a body of ``[null, null]`` or ``7`` would pass as a schema
    whose fields all have defaults (issue 13: ST201 on ROI and topics), and so would ``null``. An
    optional body is left out, not sent as ``null``; anything but an object is a 400 before any
    field is read."""

    def parse_body(self, request):
        data = super().parse_body(request)
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
