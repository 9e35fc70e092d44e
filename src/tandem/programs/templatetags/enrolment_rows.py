"""The program page's rows of enrolled people (``{% enrolment_rows enrolments program role %}``),
written in Python: 25 rows of links, a mentor's load and a withdraw button cost the page's template
more than anything else on it (a ``{% url %}`` and a dozen lookups per cell)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


def _load_cell(e: Any) -> str:
    if not getattr(e, "load", None):
        return format_html('<td class="load"></td>')
    load = e.load  # mentorships.selectors.mentor_rows_load: a dict per mentor
    return format_html(
        '<td class="load">{} · <a href="{}">{}</a></td>',
        _("%(a)s of %(b)s here") % {"a": load["load"], "b": load["capacity"]},
        reverse("mentor_load", args=[e.person.employee_id]),
        _("%(a)s of %(b)s in all programs") % {"a": load["all_open"], "b": load["all_capacity"]})


@register.simple_tag
def enrolment_rows(enrolments: Any, program: Any, role: str) -> str:
    withdraw = _("Withdraw") if program.status != "closed" else ""

    def row(e: Any) -> tuple:
        person = e.person
        return (
            e.pk, reverse("profile", args=[person.employee_id]), person.full_name, person.department.name,
            str(person.job_profile) if person.job_profile else "—",
            _load_cell(e) if role == "mentor" else "",
            format_html('<td><a class="button secondary small" href="{}">{}</a></td>',
                        reverse("enrolment_withdraw", args=[program.pk, e.pk]), withdraw) if withdraw else "",
        )

    return format_html_join(
        "", '<tr id="enrolment-{}"><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>{}{}</tr>',
        (row(e) for e in enrolments))
