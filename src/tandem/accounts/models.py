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
