"""How an API request proves who it is with a personal token (``Authorization: Bearer tdm_…``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from tandem.accounts import services
from tandem.core.errors import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_authenticate(request: HttpRequest, raw: str):
    """The token's user, or None. Marks the request as token-authenticated (``request.api_token``),
    which some operations refuse (creating tokens), and refuses writes with a read-only token."""
    token = services.api_token_find(raw)
    if token is None:
        return None
    from tandem.accounts.backends import person_has_left

    if not token.user.is_active or person_has_left(token.user):
        return None
    if token.is_read_only and request.method not in SAFE_METHODS:
        raise Forbidden(_("This token is read-only: it can read but not change anything."), code="token_read_only")
    request.user = token.user
    request.api_token = token
    return token.user


def is_token_request(request: HttpRequest) -> bool:
    return getattr(request, "api_token", None) is not None
