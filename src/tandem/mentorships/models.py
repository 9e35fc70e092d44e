"""Mentorships: a mentor and a mentee in a program. Agreements, plans and the log come later."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel


class MentorshipStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    INTRO = "intro", _("Introductory meeting")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses that hold one of the mentor's slots.
OPEN_STATUSES = (MentorshipStatus.REQUESTED, MentorshipStatus.INTRO, MentorshipStatus.ACTIVE)


class MentorshipOrigin(models.TextChoices):
    REQUESTED = "requested", _("Mentee's choice")
    BULK = "bulk", _("Bulk match")
    MUTUAL_SELECTION = "mutual_selection", _("Mutual selection")
    MANUAL = "manual", _("Set by a manager")


class Mentorship(TimeStampedModel):
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="mentorships_as_mentor")
    mentee = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="mentorships_as_mentee")
    status = models.CharField(max_length=12, choices=MentorshipStatus.choices, default=MentorshipStatus.REQUESTED)
    origin = models.CharField(max_length=20, choices=MentorshipOrigin.choices)
    score = models.FloatField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    # The optional introductory meeting (source 001) and both sides' confirmation after it.
    intro_at = models.DateTimeField(_("introductory meeting"), null=True, blank=True)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(_("message"), max_length=1000, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentor_is_not_mentee"),
            models.UniqueConstraint(
                fields=["program", "mentor", "mentee"],
                condition=Q(status__in=["requested", "intro", "active"]),
                name="one_open_mentorship_per_pair",
            ),
        ]
