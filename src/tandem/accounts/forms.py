from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tandem.accounts import services


def client_ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "unknown")[:45] if request else "unknown"


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form, locked for a while after too many failures for a name and address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed sign-ins. Wait 15 minutes or reset your password."),
    }

    def clean(self):
        username = (self.data.get("username") or "").strip()
        ip = client_ip(self.request)
        if username and services.login_is_locked(username=username, ip_address=ip):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                services.login_failure_record(username=username, ip_address=ip)
            raise
        services.login_failures_clear(username=username, ip_address=ip)
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("e.g. the HRIS sync"))
