"""Error codes of the accounts app (Saleor's ``AccountErrorCode``)."""

from __future__ import annotations

from enum import StrEnum


class AccountErrorCode(StrEnum):
    ALREADY_HAS_ACCOUNT = "already_has_account"
    PERSON_INACTIVE = "person_inactive"
    NO_EMAIL = "no_email"
    INVITATION_INVALID = "invitation_invalid"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_CLOSED = "invitation_closed"
    NOTHING_TO_INVITE = "nothing_to_invite"
    TOO_MANY = "too_many_invitations"
