"""Mentorships: a mentor and a mentee in a program, and the life of the pairing after the match.

The states and the allowed moves between them are one table in :mod:`tandem.mentorships.lifecycle`;
every move is stored as a :class:`Transition` row (from, to, who, when, why). Agreements are
versioned: a fully signed version never changes; an edit creates the next version, which every
party signs again. Plans (needs form, goals, milestones, comments, confirmed versions) are in
:mod:`tandem.mentorships.plan_models`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel


class MentorshipStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    INTRO = "intro", _("Introductory meeting")
    AGREEMENT = "agreement", _("Agreement to sign")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    ENDED_EARLY = "ended_early", _("Ended early")


# Statuses that hold one of the mentor's slots.
OPEN_STATUSES = (
    MentorshipStatus.REQUESTED, MentorshipStatus.INTRO, MentorshipStatus.AGREEMENT, MentorshipStatus.ACTIVE,
)
# Statuses in which the pair has agreed and the mentor's rights on the mentee hold (source 002).
RIGHTS_STATUSES = (MentorshipStatus.ACTIVE,)
CLOSED_STATUSES = (
    MentorshipStatus.COMPLETED, MentorshipStatus.DECLINED, MentorshipStatus.CANCELLED, MentorshipStatus.ENDED_EARLY,
)


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
    #: The day the mentorship took effect: the signed agreement's start, or the day both confirmed
    #: when the program needs no agreement. Empty until then.
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
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
                condition=Q(status__in=["requested", "intro", "agreement", "active"]),
                name="one_open_mentorship_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"

    def get_absolute_url(self) -> str:
        return f"/mentorships/{self.pk}/"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Transition(models.Model):
    """One move of a mentorship from a state to another: the pairing's history (append-only)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=MentorshipStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=MentorshipStatus.choices)
    actor = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    #: who acted, in which capacity: mentor, mentee, program_team, hr, system
    actor_role = models.CharField(max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]


class MeetingFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    CHAT = "chat", _("Chat")


class Agreement(TimeStampedModel):
    """One version of a mentorship's agreement (sources 001 and 003). Immutable once fully signed."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField()
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    meeting_frequency = models.CharField(_("meeting frequency"), max_length=10, choices=MeetingFrequency.choices,
                                         default=MeetingFrequency.MONTHLY)
    meeting_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), default=60)
    meeting_format = models.CharField(_("format"), max_length=10, choices=MeetingFormat.choices,
                                      default=MeetingFormat.VIDEO)
    goals = models.TextField(_("expected results and goals"), max_length=4000, blank=True)
    competencies = models.ManyToManyField("people.Competency", blank=True, related_name="+",
                                          verbose_name=_("competencies the goals concern"))
    confidentiality = models.TextField(_("confidentiality"), max_length=2000, blank=True)
    clauses = models.TextField(_("other clauses"), max_length=4000, blank=True)
    #: the parties that must sign this version (fixed when the version is created)
    parties = models.JSONField(default=list)
    created_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    fully_signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mentorship", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "version"], name="one_agreement_per_version"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="agreement_ends_after_start"),
        ]


class AgreementSignature(models.Model):
    """A party's signature on one agreement version: who, in which capacity, when."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=20)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "party"], name="one_signature_per_party"),
        ]


from tandem.mentorships.plan_models import (  # noqa: E402,F401  (Django finds the plan models here)
    Goal,
    GoalMilestone,
    NeedsForm,
    Plan,
    PlanComment,
    PlanStatus,
    PlanVersion,
)

from tandem.mentorships.log_models import (  # noqa: E402,F401  (Django finds the coaching log's models here)
    ActionItem,
    ActionItemComment,
    ActionItemStatus,
    Mention,
    Message,
    Session,
    SessionFeedback,
    SessionStatus,
)

from tandem.mentorships.library_models import (  # noqa: E402,F401  (Django finds the library's models here)
    LogSearchEntry,
    PrivateNote,
    Resource,
    Transcript,
)
