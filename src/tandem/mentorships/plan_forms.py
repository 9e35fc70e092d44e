"""Forms of the plan pages. They only shape input; :mod:`tandem.mentorships.plan_services` checks
the rules (who, when, the agreement's term) and says what is wrong."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.validators import validate_multi_line, validate_single_line
from tandem.mentorships import plan_services
from tandem.mentorships.plan_models import MentoringStyle

LEVELS = [(n, str(n)) for n in range(1, 6)]


def competency_options(choices: list[Any]) -> list[tuple[str, str]]:
    """``plan_selectors.needs_competency_choices`` as select options, the gap in the label."""
    out = []
    for ch in choices:
        label = ch.competency.tr("name")
        if ch.gap:
            label = _("%(name)s — gap %(gap)s (now %(current)s, target %(target)s)") % {
                "name": label, "gap": ch.gap, "current": ch.current, "target": ch.target}
        out.append((ch.competency.code, label))
    return out


class NeedsInputForm(forms.Form):
    competencies = forms.MultipleChoiceField(
        label=_("Competencies you want to work on"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Your largest gaps against your job profile are ticked to start with."))
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    preferred_style = forms.ChoiceField(
        label=_("How would you like to be mentored?"), required=False, widget=forms.RadioSelect,
        choices=[("", _("No preference"))] + list(MentoringStyle.choices))
    text = forms.CharField(
        label=_("In your own words"), required=False, max_length=plan_services.NEEDS_TEXT_LIMIT,
        validators=[validate_multi_line], widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you want to be able to do, what gets in the way, what a good result looks like."))

    def __init__(self, *args: Any, competency_choices: list[tuple[str, str]], topic_choices: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competencies"].choices = competency_choices
        self.fields["topics"].choices = topic_choices


class _Term:
    def set_term(self, term: tuple[datetime.date, datetime.date] | None) -> None:
        if term and "due_on" in self.fields:  # type: ignore[attr-defined]
            self.fields["due_on"].widget.attrs.update(  # type: ignore[attr-defined]
                {"min": term[0].isoformat(), "max": term[1].isoformat()})


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=plan_services.TITLE_LIMIT, validators=[validate_single_line])
    competency = forms.ChoiceField(label=_("Competency"))
    target_level = forms.TypedChoiceField(label=_("Target level"), choices=LEVELS, coerce=int, initial=3)

    def __init__(self, *args: Any, competencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = competencies


class MilestoneForm(_Term, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=plan_services.TITLE_LIMIT,
                            validators=[validate_single_line])
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, term: tuple[datetime.date, datetime.date] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_term(term)


class NewGoalForm(_Term, GoalForm):
    """A new goal with, optionally, its first milestone."""

    milestone_title = forms.CharField(label=_("First milestone (optional)"), required=False,
                                      max_length=plan_services.TITLE_LIMIT, validators=[validate_single_line])
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, term: tuple[datetime.date, datetime.date] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_term(term)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("milestone_title") and not data.get("due_on"):
            self.add_error("due_on", _("Give the first milestone a due date."))
        if data.get("due_on") and not data.get("milestone_title"):
            self.add_error("milestone_title", _("Give the first milestone a short title."))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=plan_services.COMMENT_LIMIT, validators=[validate_multi_line],
                           widget=forms.Textarea(attrs={"rows": 2}))
    goal = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    milestone = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


class ProgressForm(forms.Form):
    done = forms.BooleanField(label=_("Done"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=plan_services.NOTE_LIMIT,
                           validators=[validate_multi_line])
