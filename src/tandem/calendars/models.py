"""A person's private calendar feed (``/calendar/<token>.ics``).

Only the token's SHA-256 is stored (like API tokens in ``accounts``): the URL is shown once, when it
is made. One live feed per person; making a new one revokes the old, and a revoked or unknown token
is a 404. The feed is rendered in the language its owner used when they made it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="calendar_feeds")
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(revoked_at__isnull=True),
                                    name="one_live_calendar_feed_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}…"
