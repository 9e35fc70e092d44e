"""Input checks shared by services, forms and API schemas, so one rule has one wording.

- Dates: a rating, program or round dated 0001-01-01 or 9999-12-31 is a typo, not a plan, and
  such values overflow time-zone arithmetic and e-mail formatting. :data:`DATE_MIN` ..
  :data:`DATE_MAX` is the window every date a person enters must fall in.
- Single-line text (names, titles): no control characters. A CR/LF in a round's name ends up in
  the Subject header of every results e-mail (and breaks it); a tab or NUL breaks CSV exports.
- Multi-line text (notes, bios, messages): line breaks and tabs are fine, other control
  characters are not.

Each check comes in three shapes: ``*_problem(value)`` returns the message or ``None``;
``check_*(value, field=...)`` raises :class:`~tandem.core.errors.ValidationFailed` (for services);
``validate_*`` raises Django's ``ValidationError`` (for model and form fields). The pydantic types
in :mod:`tandem.core.schemas` use the same ``*_problem`` functions.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core.errors import ValidationFailed

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2200, 12, 31)

# PostgreSQL's integer columns (PositiveIntegerField and IntegerField) end here; ids are bigint.
DB_INT_MAX = 2**31 - 1
DB_SMALLINT_MAX = 2**15 - 1
DB_BIGINT_MAX = 2**63 - 1

_LINE_SEPARATORS = {"\u2028", "\u2029", "\u0085"}


def date_problem(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    if DATE_MIN <= day <= DATE_MAX:
        return None
    return _("Enter a date between %(low)s and %(high)s.") % {
        "low": date_format(DATE_MIN, "Y-m-d"), "high": date_format(DATE_MAX, "Y-m-d"),
    }


def _control_characters(text: str, allowed: frozenset[str]) -> list[str]:
    return [
        ch for ch in text
        if ch not in allowed and (unicodedata.category(ch) == "Cc" or ch in _LINE_SEPARATORS)
    ]


def single_line_problem(text: str | None) -> str | None:
    """Names and titles: no control character at all (no line break, tab or NUL)."""
    if not text:
        return None
    bad = _control_characters(text, frozenset())
    if not bad:
        return None
    if any(ch in "\r\n" or ch in _LINE_SEPARATORS for ch in bad):
        return _("Enter a single line: line breaks are not allowed here.")
    return _("Remove the control characters (such as tabs) from this text.")


def multi_line_problem(text: str | None) -> str | None:
    """Notes, bios, messages: line breaks and tabs allowed, other control characters not."""
    if not text:
        return None
    if _control_characters(text, frozenset("\r\n\t")):
        return _("Remove the control characters from this text.")
    return None


def _raise(problem: str | None, field: str) -> None:
    if problem:
        raise ValidationFailed({field: [problem]})


def check_date(value: date | datetime | None, *, field: str) -> None:
    _raise(date_problem(value), field)


def check_single_line(text: str | None, *, field: str) -> None:
    _raise(single_line_problem(text), field)


def check_multi_line(text: str | None, *, field: str) -> None:
    _raise(multi_line_problem(text), field)


def _django(problem: str | None) -> None:
    if problem:
        raise ValidationError(problem, code="invalid")


def validate_date_in_range(value: Any) -> None:
    """For ``validators=[...]`` on a model or form DateField / DateTimeField."""
    _django(date_problem(value))


def validate_single_line(value: Any) -> None:
    """For ``validators=[...]`` on a CharField that holds a name or title."""
    _django(single_line_problem(value))


def validate_multi_line(value: Any) -> None:
    _django(multi_line_problem(value))
