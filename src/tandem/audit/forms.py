"""The audit trail's filters: one form for the page, the CSV / XLSX exports and the API."""

from __future__ import annotations

import datetime

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from tandem.audit.capture import object_types
from tandem.audit.models import Action, Via


def type_label(object_type: str) -> str:
    """``people.person`` → "person (people.person)", in the reader's language."""
    from django.apps import apps

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return f"{model._meta.verbose_name} ({object_type})"


EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2999, 12, 31)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who (user name)"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object ID"), required=False, max_length=64)
    person = forms.CharField(label=_("Person (employee ID)"), required=False, max_length=40)
    action = forms.CharField(
        label=_("Action"), required=False, max_length=40,
        validators=[RegexValidator(r"^[a-z0-9_]+$", _("Choose one of the listed actions."))],
    )
    via = forms.ChoiceField(label=_("Through"), required=False, choices=[("", _("Any")), *Via.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("Any")), *[(t, type_label(t)) for t in object_types()]]

    @staticmethod
    def action_choices():
        return Action.choices

    def _clean_date(self, name: str) -> datetime.date | None:
        """Dates far outside the trail's life are clamped (no overflow at the ends of the calendar)."""
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        return min(max(value, EARLIEST), LATEST)

    def clean_date_from(self):
        return self._clean_date("date_from")

    def clean_date_to(self):
        return self._clean_date("date_to")

    def clean(self):
        data = super().clean()
        for name in ("actor", "object_id", "person"):
            if name in data:
                data[name] = (data[name] or "").strip()
        return data

    def filters(self) -> dict:
        """The cleaned filters as keyword arguments for ``selectors.entry_list``."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def query_string(self) -> str:
        from urllib.parse import urlencode

        return urlencode({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in self.filters().items()})
