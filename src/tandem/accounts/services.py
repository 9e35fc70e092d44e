from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import ApiToken, LoginFailure, TokenScope
from tandem.core.errors import NotFound, ValidationFailed

TOKEN_PREFIX = "tdm_"
#: The longest a token may live when it is given an expiry.
TOKEN_MAX_LIFETIME = timedelta(days=5 * 365)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# -- API tokens ------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, user: AbstractBaseUser, name: str, scope: str = TokenScope.READ_WRITE, expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored and shown only now."""
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the token a name, e.g. the system that will use it.")]
    elif len(name) > 80:
        errors["name"] = [_("Keep the name under 80 characters.")]
    if scope not in TokenScope.values:
        errors["scope"] = [_("Choose read and write, or read only.")]
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at)
        now = timezone.now()
        if expires_at <= now:
            errors["expires_at"] = [_("Choose an expiry in the future.")]
        elif expires_at > now + TOKEN_MAX_LIFETIME:
            errors["expires_at"] = [_("A token may live at most five years; choose an earlier expiry.")]
    if errors:
        raise ValidationFailed(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:10], key_hash=_hash(raw), scope=scope, expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: AbstractBaseUser, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id, revoked_at=None).first()
    if token is None:
        raise NotFound(_("No such active token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke_all(*, user: AbstractBaseUser) -> int:
    """Revoke every token of ``user`` (their password changed, or their account was deactivated)."""
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def api_tokens_of(*, user: AbstractBaseUser):
    """The user's tokens that are not revoked (expired ones included, marked by ``expires_at``)."""
    return ApiToken.objects.filter(user=user, revoked_at=None).order_by("-created_at", "-id")


def api_token_find(raw: str) -> ApiToken | None:
    """The live token with this secret: not revoked, not expired, its user active."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at=None, user__is_active=True)
        .filter(Q(expires_at=None) | Q(expires_at__gt=now))
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_authenticate(raw: str) -> AbstractBaseUser | None:
    token = api_token_find(raw)
    return token.user if token is not None else None


# -- sign-in throttle --------------------------------------------------------------------------


def client_ip(request) -> str:
    """The client's address. Behind a reverse proxy, from ``TRUSTED_PROXY_HEADER`` only (the entry
    ``TRUSTED_PROXY_COUNT`` hops from the right, the one the outermost trusted proxy saw); a header
    that no trusted proxy set is ignored, so a client cannot pick an address to be throttled as."""
    if request is None:
        return "unknown"
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    if header:
        key = header if header.startswith("HTTP_") else "HTTP_" + header.upper().replace("-", "_")
        hops = [h.strip() for h in str(request.META.get(key, "")).split(",") if h.strip()]
        count = max(1, int(getattr(settings, "TRUSTED_PROXY_COUNT", 1)))
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))[:45]
            except ValueError:
                pass
    return (request.META.get("REMOTE_ADDR") or "unknown")[:45]


def _name(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _backoff_left(count: int, last: datetime | None, limit: int, now: datetime) -> float:
    """Seconds still to wait after ``count`` failures, the newest at ``last``: none below ``limit``,
    then the base delay doubling with each further failure, capped."""
    if count < limit or last is None:
        return 0.0
    delay = min(settings.LOGIN_LOCK_BASE_SECONDS * 2 ** min(count - limit, 30), settings.LOGIN_LOCK_MAX_SECONDS)
    return max(0.0, (last + timedelta(seconds=delay) - now).total_seconds())


def login_locked_for(*, username: str, ip_address: str) -> int:
    """Seconds until ``username`` may try again from ``ip_address`` (0: now). Two locks, both with
    an exponential backoff that expires: one per username + address (``LOGIN_FAILURE_LIMIT``
    failures), so one attacker locks out only their own address, and one per username from any
    address (``LOGIN_FAILURE_USERNAME_LIMIT``), against guessing spread over many addresses.
    Failures older than ``LOGIN_FAILURE_WINDOW_SECONDS`` are forgotten. One query."""
    name = _name(username)
    if not name:
        return 0
    now = timezone.now()
    since = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    at_address = Q(ip_address=ip_address[:45])
    agg = LoginFailure.objects.filter(username=name, at__gte=since).aggregate(
        n=Count("id"), last=Max("at"), n_ip=Count("id", filter=at_address), last_ip=Max("at", filter=at_address),
    )
    left = max(
        _backoff_left(agg["n_ip"], agg["last_ip"], settings.LOGIN_FAILURE_LIMIT, now),
        _backoff_left(agg["n"], agg["last"], settings.LOGIN_FAILURE_USERNAME_LIMIT, now),
    )
    return math.ceil(left)


def login_is_locked(*, username: str, ip_address: str) -> bool:
    return login_locked_for(username=username, ip_address=ip_address) > 0


def login_failure_record(*, username: str, ip_address: str) -> None:
    name = _name(username)
    if not name:
        return
    LoginFailure.objects.create(username=name, ip_address=ip_address[:45])
    forget = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    LoginFailure.objects.filter(username=name, at__lt=forget).delete()


def login_failures_clear(*, username: str, ip_address: str | None = None) -> None:
    """A successful sign-in clears its address's failures; a new password clears them all."""
    qs = LoginFailure.objects.filter(username=_name(username))
    if ip_address is not None:
        qs = qs.filter(ip_address=ip_address[:45])
    qs.delete()
