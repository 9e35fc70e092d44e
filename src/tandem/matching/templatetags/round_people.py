"""A graduate's name tag on the round pages (``{% person_tag g %}``): their initials and a link to
their profile. Written in Python: the page lists up to 50 graduates per department it shows, and a
template include per row cost more than the rest of the row."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def person_tag(person: Any) -> str:
    return format_html(
        '<span class="person-tag"><span class="initials" aria-hidden="true">{}</span> <a href="{}">{}</a></span>',
        getattr(person, "initials", ""), reverse("profile", args=[person.employee_id]), person.full_name)
