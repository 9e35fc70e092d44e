"""Single sign-on with OpenID Connect (issue 14 §1), through ``mozilla-django-oidc``.

Configured by environment variables (``config/settings/base.py``: ``OIDC_CLIENT_ID`` and the
provider's endpoints); off when they are absent, and then its URLs answer 404. The provider's
e-mail claim is matched, whatever its case, to an active person who has not left; a person
without an account gets one (no password: they sign in through the provider, or set one later
from an invitation); someone the organisation does not know is refused, as is an e-mail the
provider says is unverified. The sign-in throttle does not apply (no password is checked here);
deactivation and leaving end the account as for password sign-ins."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from tandem.accounts.backends import person_has_left

log = logging.getLogger("tandem.accounts.oidc")


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class TandemOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not enabled() or "nonce" not in kwargs:
            return None  # a password sign-in: not ours
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        from tandem.people.models import Person

        claims = self.get_userinfo(access_token, id_token, payload)
        email = (claims.get("email") or "").strip().lower()
        if not email or claims.get("email_verified") is False:
            log.info("OIDC sign-in refused: no verified e-mail in the claims")
            return None
        with transaction.atomic():
            person = (Person.objects.select_for_update(of=("self",)).select_related("user").annotate(e=Lower("email"))
                      .filter(e=email).first())
            if person is None or not person.is_active or person_has_left_person(person):
                log.info("OIDC sign-in refused: no active person has the e-mail of the claims")
                return None
            if person.user is not None:
                return person.user if person.user.is_active else None
            User = get_user_model()
            if User.objects.filter(username__iexact=email[:150]).exists():
                log.warning("OIDC sign-in refused: an unlinked account already uses %s", email)
                return None
            user = User.objects.create_user(email[:150], email=person.email, first_name=person.full_name[:150])
            user.set_unusable_password()
            user.save(update_fields=["password"])
            person.user = user
            person.save(update_fields=["user", "updated_at"])
            return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is None or not user.is_active or person_has_left(user):
            return None
        return user


def person_has_left_person(person) -> bool:
    from django.utils import timezone

    return person.left_on is not None and person.left_on <= timezone.localdate()


class SignInView(OIDCAuthenticationRequestView):
    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def failure_url(self):
        return "/accounts/login/?sso=failed"
