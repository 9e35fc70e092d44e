"""Forms of the mentorship pages. They only shape input; the services validate the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import ModelMultipleChoiceField
from tandem.mentorships.models import Agreement, MeetingFormat, MeetingFrequency
from tandem.people.models import Competency


class AgreementForm(forms.Form):
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    meeting_frequency = forms.ChoiceField(label=_("How often we meet"), choices=MeetingFrequency.choices)
    meeting_minutes = forms.IntegerField(label=_("Length of a meeting (minutes)"), min_value=15, max_value=480)
    meeting_format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices)
    competencies = ModelMultipleChoiceField(
        label=_("Competencies the goals concern"), queryset=Competency.objects.order_by("code"), required=False,
        to_field_name="code", widget=forms.SelectMultiple(attrs={"size": 6}))
    goals = forms.CharField(label=_("Expected results and goals"), max_length=4000, required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))
    confidentiality = forms.CharField(label=_("Confidentiality"), max_length=2000, required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    clauses = forms.CharField(label=_("Other clauses"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def initial_from(a: Agreement | None) -> dict[str, Any]:
        if a is None:
            return {}
        return {
            "starts_on": a.starts_on, "ends_on": a.ends_on, "meeting_frequency": a.meeting_frequency,
            "meeting_minutes": a.meeting_minutes, "meeting_format": a.meeting_format,
            "competencies": list(a.competencies.values_list("code", flat=True)), "goals": a.goals,
            "confidentiality": a.confidentiality, "clauses": a.clauses,
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["competencies"] = [c.code for c in data["competencies"]]
        return data
