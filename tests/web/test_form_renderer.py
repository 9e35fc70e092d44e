"""The <select> the fast renderer writes is the one Django's templates write (issue 13 §7: option
templates cost ~10 ms of the program page)."""
from __future__ import annotations

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from tandem.web.form_renderer import FastSelectRenderer


def _normal(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "Alpha"), ("b&c", 'B <&> "C"'), ("", "—")])
    grouped = forms.ChoiceField(choices=[("Europe", [("de", "Germany"), ("fr", "France")]), ("x", "Other")])
    many = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two"), (3, "Three")], required=False)
    flagged = forms.ChoiceField(choices=[("1", "Yes")], widget=forms.Select(attrs={"data-x": 'q"uote', "disabled": True,
                                                                                  "hidden": False}))
    maybe = forms.NullBooleanField()


@pytest.mark.parametrize("data", [None, {"plain": "b&c", "grouped": "fr", "many": ["1", "3"], "maybe": "true"},
                                  {"plain": "nonsense", "many": ["9"]}])
def test_the_fast_select_is_the_templates_select(data):
    fast, slow = _Form(data, renderer=FastSelectRenderer()), _Form(data, renderer=DjangoTemplates())
    for name in ("plain", "grouped", "many", "flagged", "maybe"):
        a, b = str(fast[name]), str(slow[name])
        assert _normal(a) == _normal(b), name
        assert "<option" in a


def test_a_custom_option_template_is_left_to_the_templates():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    out = []
    for renderer in (FastSelectRenderer(), DjangoTemplates()):
        form = _Form(renderer=renderer)
        form.fields["plain"].widget = Custom(choices=form.fields["plain"].choices)
        out.append(str(form["plain"]))
    assert out[0] == out[1]  # the templates' own output, white space and all
    assert "<option" not in out[0]


def test_the_site_uses_it(settings):
    assert settings.FORM_RENDERER == "tandem.web.form_renderer.FastSelectRenderer"
