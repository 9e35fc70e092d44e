from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.accounts import services
from tandem.accounts.forms import ThrottledLoginForm, TokenForm
from tandem.core.errors import ApplicationError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from django.conf import settings

        from tandem.accounts import oidc

        ctx = super().get_context_data(**kwargs)
        ctx.update(sso_enabled=oidc.enabled(), sso_name=settings.OIDC_PROVIDER_NAME,
                   sso_failed=self.request.GET.get("sso") == "failed")
        return ctx


NEW_TOKEN_KEY = "tandem_new_api_token"


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    # the secret shown once: kept in the session only until the page after the redirect reads it, so
    # refreshing that page neither resubmits the form (a second token) nor shows the secret again
    new_secret = request.session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in"]
        try:
            _token, secret = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"],
                expires_at=timezone.now() + timedelta(days=days) if days else None,
            )
            request.session[NEW_TOKEN_KEY] = secret
            return redirect("tokens")
        except ApplicationError as exc:
            for field, errs in getattr(exc, "errors", {"name": [exc.message]}).items():
                for e in errs:
                    form.add_error(field if field in form.fields else None, str(e))
    items = services.api_tokens_of(user=request.user)
    return render(request, "accounts/tokens.html", {
        "form": form, "tokens": items, "new_secret": new_secret, "now": timezone.now(),
    })


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("Token revoked. Integrations using it will stop working."))
    return redirect("tokens")
