from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import ApiToken, LoginFailure
from tandem.core.errors import NotFound, ValidationFailed

TOKEN_PREFIX = "tdm_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored and shown only now."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("Give the token a name, e.g. the system that will use it.")]})
    if len(name) > 80:
        raise ValidationFailed({"name": [_("Keep the name under 80 characters.")]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=_hash(raw))
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: AbstractBaseUser, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id, revoked_at=None).first()
    if token is None:
        raise NotFound(_("No such active token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> AbstractBaseUser | None:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _window_start():
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_is_locked(*, username: str, ip_address: str) -> bool:
    recent = LoginFailure.objects.filter(
        username__iexact=username, ip_address=ip_address, at__gte=_window_start()
    ).count()
    return recent >= settings.LOGIN_FAILURE_LIMIT


def login_failure_record(*, username: str, ip_address: str) -> None:
    LoginFailure.objects.create(username=username[:150], ip_address=ip_address[:45])


def login_failures_clear(*, username: str, ip_address: str) -> None:
    LoginFailure.objects.filter(username__iexact=username, ip_address=ip_address).delete()
