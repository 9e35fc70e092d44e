"""The audit trail: one append-only row per change, and the people each row concerns.

Rows are written by :mod:`tandem.audit.capture` (signals on the registered models, plus
``record`` / ``record_many`` for writes that bypass signals). Nothing in the application updates or
deletes them: :meth:`AuditEntry.save` refuses to update an existing row, ``delete()`` refuses, the
queryset refuses ``update()`` / ``delete()``, and the back office is read-only. The one sanctioned
exception is :func:`tandem.audit.services.person_anonymise`, which must blank a leaver's name out of
the trail too (data protection outranks immutability for personal data); it says so in the trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Via(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")
    ADMIN = "admin", _("Back office")
    COMMAND = "command", _("Command")
    TASK = "task", _("Background task")


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    M2M_ADD = "m2m_add", _("Added to")
    M2M_REMOVE = "m2m_remove", _("Removed from")
    M2M_CLEAR = "m2m_clear", _("Cleared")
    ANONYMISE = "anonymise", _("Anonymised")
    DATA_EXPORT = "data_export", _("Personal data exported")


class AppendOnly(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # The one update allowed: deleting a user sets ``actor`` to NULL (``on_delete=SET_NULL``);
        # ``actor_username`` keeps who it was.
        if kwargs.keys() == {"actor"} and kwargs["actor"] is None:
            return super().update(**kwargs)
        raise AppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AppendOnly("audit entries cannot be deleted")

    update.queryset_only = True
    delete.queryset_only = True


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text so the trail still says who it was after the account is gone.
    actor_username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    via = models.CharField(_("through"), max_length=10, choices=Via.choices)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)  # app_label.model
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    label = models.CharField(_("object"), max_length=300, blank=True)
    # {field: [before, after]}
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit entries cannot be deleted")


class AuditPerson(models.Model):
    """Which people an entry concerns (the per-person view and the data-protection export).

    ``person_id`` is a plain integer, not a foreign key: the trail outlives the person row."""

    entry = models.ForeignKey(AuditEntry, on_delete=models.CASCADE, related_name="persons")
    person_id = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "person_id"], name="audit_person_once")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)


class Anonymisation(models.Model):
    """A person who has left and was anonymised (so it is done once, and HR can see when)."""

    person_id = models.BigIntegerField(unique=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at"]


class AuditUnlock(models.Model):
    """While a row exists here (inside the anonymising transaction only, so nobody else sees it),
    the database lets entries be rewritten. Everywhere else a trigger refuses any UPDATE that does
    more than null a deleted actor, and on PostgreSQL any DELETE (migration 0002)."""

    at = models.DateTimeField(auto_now_add=True)
