"""The in-app notification centre and each person's delivery choices.

A notification stores its *kind* and parameters (names, a version number, a time), never a frozen
sentence: the text is rendered when it is read, in the reader's language and time zone
(:func:`tandem.notifications.texts.notification_text`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REQUESTED = "requested", _("A mentee asks me to be their mentor")
    ACCEPTED = "accepted", _("My request was accepted")
    DECLINED = "declined", _("My request was declined")
    INTRO_SCHEDULED = "intro_scheduled", _("The introductory meeting was planned")
    PAIRED = "paired", _("I was paired with someone")
    AGREEMENT_STAGE = "agreement_stage", _("An agreement is ready to sign")
    STARTED = "started", _("A mentorship started")
    COMPLETED = "completed", _("A mentorship was completed")
    ENDED_EARLY = "ended_early", _("A mentorship was ended early")
    CANCELLED = "cancelled", _("A pairing was withdrawn")
    AGREEMENT_UPDATED = "agreement_updated", _("An agreement waits for my signature")
    AGREEMENT_SIGNED = "agreement_signed", _("An agreement was signed by everyone")
    NEEDS_SUBMITTED = "needs_submitted", _("A mentee submitted their needs")
    PLAN_DRAFTED = "plan_drafted", _("A development plan was drafted")
    PLAN_COMMENTED = "plan_commented", _("Someone commented on a development plan")
    PLAN_CONFIRMED = "plan_confirmed", _("A development plan was confirmed")
    MILESTONE_UPDATED = "milestone_updated", _("A mentee updated a milestone")
    SESSION_SCHEDULED = "session_scheduled", _("A session was scheduled")
    SESSION_RESCHEDULED = "session_rescheduled", _("A session was moved")
    SESSION_CANCELLED = "session_cancelled", _("A session was cancelled")
    MENTIONED = "mentioned", _("Someone mentioned me in the coaching log")
    ACTION_ITEM_ASSIGNED = "action_item_assigned", _("An action item was given to me")


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("An email for each notification")
    DIGEST = "digest", _("One daily digest")


class Notification(models.Model):
    recipient = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    mentorship_id = models.PositiveIntegerField(null=True, blank=True)
    object_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # e-mail delivery: wanted when the recipient receives this kind by e-mail; emailed_at is set in the
    # transaction that sends it (immediately or in the digest), so it is never sent twice
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_new"),
            models.Index(fields=["recipient", "read_at"], name="notification_recipient_unread"),
            models.Index(fields=["email_wanted", "emailed_at"], name="notification_email_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """How a person hears about things by e-mail. No row: the site's language, immediate e-mails,
    every kind."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="notification_preference")
    language = models.CharField(_("language of my emails"), max_length=10, blank=True, choices=settings.LANGUAGES)
    email_mode = models.CharField(_("how I receive emails"), max_length=10, choices=EmailMode.choices,
                                  default=EmailMode.IMMEDIATE)
    email_kinds_off = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preferences of {self.person_id}"

    @property
    def email_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE

    def wants_email(self, kind: str) -> bool:
        return kind not in (self.email_kinds_off or [])
