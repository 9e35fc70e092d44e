"""Competency reviews (issue 11 §1): campaigns by self, mentor, line manager and peers.

A :class:`ReviewCampaign` is one round of a program's reviews with a window (``opens_on`` ..
``closes_on``, both days included): the *baseline* at the program's start, *follow-ups* on its
``competency_review`` milestones, the *final* one at the end. It is created by the daily scheduler
job from the program's milestones (never twice: database constraints, one campaign per milestone
and one baseline per program) or by hand by the program team.

Each participant reviewed is a :class:`Review` (one per campaign and subject) on the competencies of
their job profile at that moment (``competencies``). Each rater has a :class:`ReviewAssignment`
(role self / mentor / manager / peer; at most one self, mentor and manager per review, a person
rates a subject once per campaign). A submission writes :class:`ReviewAnswer` rows, once
(resubmitting is refused: the ratings it wrote are history), and — for self, mentor and manager —
one dated :class:`~tandem.people.models.CompetencyRating` per answer through
``people.services.rating_record`` with that source and ``rated_by`` the rater, so history, current
levels, gaps and the mentor's quarterly assessment duty see it. **Peer answers are not written as
ratings** (there is no peer rating source): they stay in the review's answer rows and are shown in
the review only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel

__all__ = ["RaterRole", "Review", "ReviewAnswer", "ReviewAssignment", "ReviewCampaign", "ReviewKind"]


class ReviewKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    FOLLOW_UP = "follow_up", _("Follow-up")
    FINAL = "final", _("Final")


class RaterRole(models.TextChoices):
    SELF = "self", _("Self")
    MENTOR = "mentor", _("Mentor")
    MANAGER = "manager", _("Line manager")
    PEER = "peer", _("Peer")


class ReviewCampaign(TimeStampedModel):
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="review_campaigns")
    milestone = models.ForeignKey("programs.ProgramMilestone", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="review_campaigns")
    kind = models.CharField(_("kind"), max_length=12, choices=ReviewKind.choices)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["program", "-opens_on", "-id"]
        verbose_name = _("review campaign")
        verbose_name_plural = _("review campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="review_closes_after_opening"),
            models.UniqueConstraint(fields=["program", "milestone"], condition=Q(milestone__isnull=False),
                                    name="one_review_campaign_per_milestone"),
            models.UniqueConstraint(fields=["program"], condition=Q(kind="baseline"),
                                    name="one_baseline_review_per_program"),
        ]

    def __str__(self) -> str:
        return f"{self.program} — {self.get_kind_display()} ({self.opens_on})"


class Review(TimeStampedModel):
    """One person reviewed in one campaign, on the competencies of their job profile."""

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="reviews")
    subject = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="competency_reviews")
    competencies = models.ManyToManyField("people.Competency", related_name="+")

    class Meta:
        ordering = ["campaign", "subject__full_name", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "subject"], name="one_review_per_subject")]

    def __str__(self) -> str:
        return f"{self.subject} — {self.campaign}"


class ReviewAssignment(TimeStampedModel):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assignments")
    rater = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="review_assignments")
    role = models.CharField(_("role"), max_length=10, choices=RaterRole.choices)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["review", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "rater"], name="one_assignment_per_rater"),
            models.UniqueConstraint(fields=["review", "role"], condition=~Q(role="peer"),
                                    name="one_self_mentor_manager_per_review"),
        ]


class ReviewAnswer(models.Model):
    """One level given by one rater. ``rating``: the CompetencyRating it wrote (None for peers)."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="answers")
    competency = models.ForeignKey("people.Competency", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    rating = models.ForeignKey("people.CompetencyRating", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        ordering = ["assignment", "competency__group__order", "competency__name"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "competency"], name="one_answer_per_competency"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="review_answer_level_1_5"),
        ]
