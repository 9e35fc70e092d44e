from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    READ_WRITE = "read_write", _("Read and write")
    READ = "read", _("Read only")


class ApiToken(models.Model):
    """A personal token for integrations. Only its SHA-256 is stored; the secret is shown once.

    A token stops working when it is revoked (by its owner, or by Tandem when the owner's password
    changes or their account is deactivated) or when it expires. A read-only token may only read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ_WRITE)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_read_only(self) -> bool:
        return self.scope == TokenScope.READ


class LoginFailure(models.Model):
    """Failed sign-ins (username lower-cased), counted per username and per username + address to
    throttle guessing with a backoff that expires."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.CharField(max_length=45)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "at"], name="loginfailure_username_at")]


class Invitation(models.Model):
    """An invitation for a person to set a password and sign in (issue 14 §1).

    The one-time link's secret is never stored: it is an HMAC (``SECRET_KEY``) of the invitation's
    ID, how many times it was sent and when (``invitation_services.invitation_link_secret``), so the
    e-mail task can rebuild it from IDs. Sending again bumps the count (the earlier link stops
    working) and restarts the expiry; accepting creates the person's account and
    marks the invitation used; HR may revoke one that is still open. At most one open invitation per
    person (a partial unique constraint)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("sent to"))
    invited_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    sent_count = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(accepted_at__isnull=True,
                                                                          revoked_at__isnull=True),
                                    name="one_open_invitation_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.sent_at:%Y-%m-%d})"

    def state(self, now) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= now else "pending"
