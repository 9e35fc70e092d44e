from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tandem.core.validators import DB_BIGINT_MAX
from tandem.notifications.models import EmailMode, NotificationKind


def _languages():
    return [("", _("The site's language"))] + [(code, _(name)) for code, name in settings.LANGUAGES]


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of my emails"), choices=_languages, required=False)
    email_mode = forms.ChoiceField(label=_("How I receive emails"), choices=EmailMode.choices,
                                   widget=forms.RadioSelect)
    email_kinds = forms.MultipleChoiceField(
        label=_("Email me about"), choices=NotificationKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Notifications always appear in Tandem; these choices only concern email."),
    )
    app_kinds = forms.MultipleChoiceField(
        label=_("Show in Tandem"), choices=NotificationKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class MarkReadForm(forms.Form):
    """``ids`` (repeated) or ``all``; ``next`` is where to go back to."""

    all = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=300)

    def clean(self):
        data = super().clean()
        ids = []
        for raw in self.data.getlist("ids") if hasattr(self.data, "getlist") else []:
            if not str(raw).isdigit() or not 0 < int(raw) <= DB_BIGINT_MAX:
                raise forms.ValidationError(_("Each notification ID is a positive whole number."))
            ids.append(int(raw))
        if not ids and not data.get("all"):
            raise forms.ValidationError(_("Choose the notifications to mark read."))
        data["ids"] = ids
        return data
