"""The API's validation messages in the reader's language (issue 13; "every user-facing string goes
through gettext, API messages included").

pydantic writes its own English ("String should have at most 120 characters", "String should match
pattern '^[^\\x00-…]*$'"). Each error is translated here by its type, with the bounds pydantic gives
in its context; a text refused by a pattern is explained by what is wrong with it (blank, a line
break, a control character) before the pattern itself is named. Our own validators' messages are
already translated (pydantic's "Value error, " prefix is dropped). An unknown type keeps pydantic's
text, so nothing is hidden.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core import validators


def _pattern_message(error: dict[str, Any]) -> str:
    value = error.get("input", error.get("_input"))  # ninja keeps it as _input (config.api)
    if isinstance(value, str):
        if not value.strip():
            return _("This field cannot be blank.")
        problem = validators.single_line_problem(value) if ("\n" in value or "\r" in value) else None
        problem = problem or validators.multi_line_problem(value)
        if problem:
            return problem
        if value.lower().startswith("http") and "https" in str(error.get("ctx", {}).get("pattern", "")):
            return _("Enter a link starting with https://.")
    return _("Enter a value in the form this field takes (the pattern %(pattern)s).") % {
        "pattern": error.get("ctx", {}).get("pattern", "")}


def message(error: dict[str, Any]) -> str:
    """One pydantic error as a sentence in the active language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_short":
        n = int(ctx.get("min_length", 1))
        return ngettext("Enter at least %(n)d character.", "Enter at least %(n)d characters.", n) % {"n": n}
    if kind == "string_too_long":
        n = int(ctx.get("max_length", 0))
        return ngettext("Enter at most %(n)d character.", "Enter at most %(n)d characters.", n) % {"n": n}
    if kind == "string_pattern_mismatch":
        return _pattern_message(error)
    if kind in ("string_type", "string_unicode"):
        return _("Enter a text.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_type", "float_parsing", "decimal_type", "decimal_parsing"):
        return _("Enter a number.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Enter true or false.")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next((ctx[k] for k in ("ge", "gt", "le", "lt") if k in ctx), "")
        return {
            "greater_than_equal": _("Enter a number of at least %(n)s."),
            "greater_than": _("Enter a number above %(n)s."),
            "less_than_equal": _("Enter a number of at most %(n)s."),
            "less_than": _("Enter a number below %(n)s."),
        }[kind] % {"n": bound}
    if kind in ("literal_error", "enum"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "too_short":
        n = int(ctx.get("min_length", 1))
        return ngettext("Give at least %(n)d item.", "Give at least %(n)d items.", n) % {"n": n}
    if kind == "too_long":
        n = int(ctx.get("max_length", 0))
        return ngettext("Give at most %(n)d item.", "Give at most %(n)d items.", n) % {"n": n}
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Enter a list.")
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return _("Enter an object.")
    if kind == "extra_forbidden":
        return _("This field is unknown here.")
    if kind in ("json_invalid", "json_type"):
        return _("Send valid JSON.")
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in ("datetime_type", "datetime_parsing", "datetime_from_date_parsing"):
        return _("Enter a date and time as YYYY-MM-DDThh:mm:ss±hh:mm.")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected_tags", "")}
    return str(error.get("msg", ""))
