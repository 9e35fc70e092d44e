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


class _Inputs(forms.Form):
    name = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"placeholder": 'a "b" <c>', "autofocus": True}))
    count = forms.IntegerField(min_value=1, max_value=9, required=False)
    ratio = forms.DecimalField(localize=True, required=False)
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    agree = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "disabled": False}), required=False)
    upload = forms.FileField(required=False)


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("data", [None, {"name": "<b>&amp;</b>", "count": "12", "ratio": "2,5", "email": "x@",
                                         "secret": "p\"w", "hidden": "h", "day": "2026-12-04", "agree": "on",
                                         "note": "line 1\n<line 2>"}])
def test_the_fast_inputs_and_text_areas_are_the_templates_ones(data, lang):
    from django.utils import translation

    with translation.override(lang):
        initial = {"ratio": 2.5, "count": 3, "note": "x & y"}
        fast = _Inputs(data, initial=initial, renderer=FastSelectRenderer())
        slow = _Inputs(data, initial=initial, renderer=DjangoTemplates())
        for name in _Inputs.base_fields:
            a, b = str(fast[name]), str(slow[name])
            assert a == b, name  # to the character: inputs have no white space between tags
        assert str(fast["note"]).startswith('<textarea name="note" cols="40" rows="2"')


def test_inputs_and_text_areas_use_no_template(monkeypatch):
    def refuse(self, template_name, context, request=None):
        raise AssertionError(f"rendered {template_name} through the templates")

    monkeypatch.setattr(DjangoTemplates, "render", refuse)
    form = _Inputs(renderer=FastSelectRenderer())
    for name in ("name", "count", "email", "secret", "hidden", "day", "agree", "note"):  # not the clearable file input
        assert str(form[name]).startswith(("<input", "<textarea"))
