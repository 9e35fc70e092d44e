from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import ModelChoiceField, ModelMultipleChoiceField
from tandem.people.models import CommunicationStyle, Competency, Language, Topic
from tandem.people.selectors import competencies_ordered

TIME_ZONES = sorted(zoneinfo.available_timezones())


class OwnProfileForm(forms.Form):
    bio = forms.CharField(label=_("Short bio"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=2000)
    communication_style = forms.ChoiceField(
        label=_("Communication style"), choices=[("", "—")] + list(CommunicationStyle.choices), required=False
    )
    mentoring_hours_per_month = forms.IntegerField(label=_("Hours a month for mentoring"), min_value=0, max_value=160)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(t, t) for t in TIME_ZONES])
    languages = ModelMultipleChoiceField(
        label=_("Languages"), queryset=Language.objects.all(), to_field_name="code", required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RatingForm(forms.Form):
    competency = ModelChoiceField(label=_("Competency"), queryset=Competency.objects.select_related("group"))
    level = forms.TypedChoiceField(label=_("Level"), coerce=int, choices=[(i, str(i)) for i in range(1, 6)])
    source = forms.ChoiceField(label=_("As"), choices=[])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, sources: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = sources
        # the options from the framework kept per change (the queryset still checks what is posted)
        field = self.fields["competency"]
        field.choices = [("", field.empty_label), *((c.pk, str(c)) for c in competencies_ordered().values())]


class SelfAssessmentForm(forms.Form):
    strengths = forms.CharField(label=_("My strengths"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    development_areas = forms.CharField(
        label=_("What I want to develop"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class TopicsForm(forms.Form):
    can_teach = ModelMultipleChoiceField(
        label=_("I can teach"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    want_to_learn = ModelMultipleChoiceField(
        label=_("I want to learn"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
