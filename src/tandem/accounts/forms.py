from __future__ import annotations

import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tandem.accounts import services
from tandem.accounts.models import TokenScope

client_ip = services.client_ip


class ThrottleMessageMixin:
    """Say that the sign-in is locked, and for how long, before the password is checked. The lock
    itself (and the counting of failures) is in ``accounts.backends.ThrottledModelBackend``."""

    def clean(self):
        username = (self.data.get("username") or "").strip()
        wait = services.login_locked_for(username=username, ip_address=client_ip(self.request)) if username else 0
        if wait:
            minutes = max(1, math.ceil(wait / 60))
            raise forms.ValidationError(
                ngettext(
                    "Too many failed sign-ins. Try again in %(minutes)d minute or reset your password.",
                    "Too many failed sign-ins. Try again in %(minutes)d minutes or reset your password.",
                    minutes,
                ) % {"minutes": minutes},
                code="locked",
            )
        return super().clean()


class ThrottledLoginForm(ThrottleMessageMixin, AuthenticationForm):
    """Django's login form, locked for a while after too many failures; an empty field says which."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter your username.")
        self.fields["password"].error_messages["required"] = _("Enter your password.")


class ThrottledAdminLoginForm(ThrottleMessageMixin, AdminAuthenticationForm):
    """The back office's login form, with the same throttle and message."""


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form; an empty or malformed address says so in words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(required=_("Enter the e-mail address of your account."),
                                                   invalid=_("Enter a valid e-mail address, e.g. name@company.com."))


EXPIRY_CHOICES = [
    ("", _("Never")),
    ("7", _("In 7 days")),
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("e.g. the HRIS sync"))
    scope = forms.ChoiceField(
        label=_("Access"), choices=TokenScope.choices, initial=TokenScope.READ_WRITE, required=False,
        help_text=_("A read-only token can read through the API but never change anything."),
    )
    expires_in = forms.ChoiceField(label=_("Expires"), choices=EXPIRY_CHOICES, required=False)

    def clean_scope(self):
        return self.cleaned_data.get("scope") or TokenScope.READ_WRITE

    def clean_expires_in(self):
        value = self.cleaned_data.get("expires_in")
        return int(value) if value else None
