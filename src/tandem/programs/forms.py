from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.people.models import Department, JobProfile
from tandem.programs.models import EnrolmentRole, MatchingMode, ProgramType


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    program_type = forms.ChoiceField(label=_("Type"), choices=ProgramType.choices)
    matching_mode = forms.ChoiceField(label=_("Matching"), choices=MatchingMode.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    default_mentor_capacity = forms.IntegerField(label=_("Mentees per mentor"), min_value=1, max_value=20, initial=2)


class EnrolForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=EnrolmentRole.choices)
    employee_ids = forms.CharField(
        label=_("Employee IDs"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by spaces, commas or new lines."),
    )
    department = forms.ModelChoiceField(label=_("or everyone in department"), queryset=Department.objects.all(),
                                        required=False, to_field_name="code")
    job_profile = forms.ModelChoiceField(label=_("with job profile"), queryset=JobProfile.objects.all(),
                                         required=False, to_field_name="code")
    capacity = forms.IntegerField(label=_("Mentee capacity (mentors)"), min_value=1, max_value=20, required=False)
