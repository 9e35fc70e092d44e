"""Django's form renderer, with ``<select>``, ``<input>`` and ``<textarea>`` written in Python.

Django renders a select through one template include per option (the option, then its attributes):
about 25 µs an option, so the program page's enrol form (every department and job profile) and the
profile's rating form (every competency) spent ~10 ms of each view in option templates. The output
is the one Django's templates give (the same attributes, escaping and order; only the white space
between the tags differs). A widget with its own option template is rendered by the templates. Inputs
and text areas went through two template includes each (the widget's, input.html, attrs.html).
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
TEXTAREA = "django/forms/widgets/textarea.html"
#: Django's widget templates that are exactly ``{% include "django/forms/widgets/input.html" %}``
INPUTS = {f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel",
    "color", "file", "checkbox")}


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: False left out, True as a bare name, the rest as name="value"."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        name = conditional_escape(name)
        out.append(f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"')
    return "".join(out)


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT:
            html = _select(context["widget"])
            if html is not None:
                return html
        elif template_name in INPUTS:
            return _input(context["widget"])
        elif template_name == TEXTAREA:
            return _textarea(context["widget"])
        return super().render(template_name, context, request=request)


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html"""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return mark_safe(  # noqa: S308 - escaped
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{shown}'
        f'{_attrs(widget["attrs"])}>')


def _textarea(widget: dict[str, Any]) -> str:
    """django/forms/widgets/textarea.html (its line break after the opening tag included)"""
    value = widget["value"]
    return mark_safe(  # noqa: S308 - escaped
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f'{conditional_escape(localize(value)) if value else ""}</textarea>')


def _select(widget: dict[str, Any]) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option.get("template_name") != OPTION:
                return None  # a custom option template: let the templates render it
            parts.append(f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                         f'{conditional_escape(option["label"])}</option>')
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped
