from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import ModelChoiceField, ModelMultipleChoiceField
from tandem.people.models import Department, JobProfile, Language
from tandem.programs.models import (
    DUTY_PARAMS,
    MAX_DAY,
    OPTIONAL_SIGNERS,
    AgreementParty,
    Concerns,
    DutyPeriod,
    DutyRequirement,
    EnrolmentRole,
    MatchingMode,
    MilestoneKind,
    Phase,
    Program,
    ProgramType,
)


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=4000)
    program_type = forms.ChoiceField(label=_("Type"), choices=ProgramType.choices)
    matching_mode = forms.ChoiceField(label=_("Matching"), choices=MatchingMode.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    default_mentor_capacity = forms.IntegerField(label=_("Mentees per mentor"), min_value=1, max_value=20, initial=2)
    agreement_required = forms.BooleanField(label=_("A signed agreement starts each mentorship"), required=False,
                                            initial=True)
    agreement_signers = forms.MultipleChoiceField(
        label=_("Who signs besides mentor and mentee"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(p.value, p.label) for p in AgreementParty if p in OPTIONAL_SIGNERS],
    )


class FromTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}), required=False,
                              help_text=_("Empty: when the template's timeline ends."))


class _DaysOrDates(forms.Form):
    """Days count from the program's start (day 1); a date may be given instead of a day."""

    def __init__(self, *args, program: Program, **kwargs) -> None:
        self.program = program
        super().__init__(*args, **kwargs)

    def _day(self, name: str, label: str) -> int | None:
        day, date = self.cleaned_data.get(f"{name}_day"), self.cleaned_data.get(f"{name}_date")
        if date is not None:
            day = self.program.day_of(date)
            if not 1 <= day <= MAX_DAY:
                self.add_error(f"{name}_date", _("The program starts on %(date)s: choose a date from then on.")
                               % {"date": self.program.starts_on})
                return None
        if day is None and f"{name}_day" not in self.errors and f"{name}_date" not in self.errors:
            self.add_error(f"{name}_day", _("Give %(what)s as a day of the program or as a date.") % {"what": label})
        return day


def _day_field(label):
    return forms.IntegerField(label=label, min_value=1, max_value=MAX_DAY, required=False,
                              help_text=_("Day 1 is the program's first day."))


def _date_field(label):
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PhaseForm(_DaysOrDates):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  max_length=2000)
    start_day = _day_field(_("First day"))
    start_date = _date_field(_("or first date"))
    end_day = _day_field(_("Last day"))
    end_date = _date_field(_("or last date"))

    def clean(self):
        data = super().clean()
        data["start_day"] = self._day("start", _("the first day"))
        data["end_day"] = self._day("end", _("the last day"))
        return data

    def service_args(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "description": d["description"], "start_day": d["start_day"],
                "end_day": d["end_day"]}


class MilestoneForm(_DaysOrDates):
    name = forms.CharField(label=_("Name"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind"), choices=MilestoneKind.choices)
    due_day = _day_field(_("Due on day"))
    due_date = _date_field(_("or due date"))
    concerns = forms.ChoiceField(label=_("Concerns"), choices=Concerns.choices, initial=Concerns.PAIR)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  max_length=2000)
    phase = ModelChoiceField(label=_("Phase"), queryset=Phase.objects.none(), required=False)

    def __init__(self, *args, program: Program, **kwargs) -> None:
        super().__init__(*args, program=program, **kwargs)
        self.fields["phase"].queryset = Phase.objects.filter(program=program).order_by("order", "start_day")

    def clean(self):
        data = super().clean()
        data["due_day"] = self._day("due", _("the due day"))
        return data

    def service_args(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "kind": d["kind"], "due_day": d["due_day"], "concerns": d["concerns"],
                "description": d["description"]}


class DutyForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits, - and _."))
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  max_length=2000)
    required = forms.BooleanField(label=_("Required (unticked: optional)"), required=False, initial=True)
    period = forms.ChoiceField(label=_("How often"), choices=DutyPeriod.choices)
    requirement = forms.ChoiceField(label=_("What counts"), choices=DutyRequirement.choices)
    concerns = forms.ChoiceField(label=_("Whose duty"), choices=Concerns.choices, initial=Concerns.MENTOR)
    min_count = forms.IntegerField(label=_("At least this many per period"), required=False,
                                   min_value=DUTY_PARAMS["min_count"][0], max_value=DUTY_PARAMS["min_count"][1])
    min_minutes = forms.IntegerField(label=_("Each lasting at least (minutes, sessions only)"), required=False,
                                     min_value=DUTY_PARAMS["min_minutes"][0], max_value=DUTY_PARAMS["min_minutes"][1])

    def service_args(self) -> dict:
        d = self.cleaned_data
        params = {k: d[k] for k in DUTY_PARAMS if d.get(k) is not None}
        return {"code": d["code"], "name": d["name"], "description": d["description"], "required": d["required"],
                "period": d["period"], "requirement": d["requirement"], "concerns": d["concerns"], "params": params}


class EligibilityForm(forms.Form):
    departments = ModelMultipleChoiceField(label=_("Departments (with their teams)"), required=False,
                                                 queryset=Department.objects.order_by("path"),
                                                 widget=forms.SelectMultiple(attrs={"size": 6}))
    job_profiles = ModelMultipleChoiceField(label=_("Job profiles"), required=False,
                                                  queryset=JobProfile.objects.order_by("title"),
                                                  widget=forms.SelectMultiple(attrs={"size": 6}))
    languages = ModelMultipleChoiceField(label=_("Speaks one of"), required=False,
                                               queryset=Language.objects.order_by("name"),
                                               widget=forms.SelectMultiple(attrs={"size": 4}))
    hired_from = forms.DateField(label=_("Hired on or after"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    hired_to = forms.DateField(label=_("Hired on or before"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))


class EnrolEligibleForm(forms.Form):
    role = forms.ChoiceField(label=_("Enrol them as"), choices=EnrolmentRole.choices, initial=EnrolmentRole.MENTEE)
    capacity = forms.IntegerField(label=_("Mentee capacity (mentors)"), min_value=1, max_value=20, required=False)


class EnrolImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("Columns: employee_id, role (mentor or mentee), capacity (mentors, optional)."))


class EnrolForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=EnrolmentRole.choices)
    employee_ids = forms.CharField(
        label=_("Employee IDs"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by spaces, commas or new lines."),
    )
    department = ModelChoiceField(label=_("or everyone in department"), queryset=Department.objects.all(),
                                        required=False, to_field_name="code")
    job_profile = ModelChoiceField(label=_("with job profile"), queryset=JobProfile.objects.all(),
                                         required=False, to_field_name="code")
    capacity = forms.IntegerField(label=_("Mentee capacity (mentors)"), min_value=1, max_value=20, required=False)
