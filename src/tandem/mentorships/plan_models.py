"""The plan written together (source 002), cut into small steps (source 001).

The loop: the mentee fills a :class:`NeedsForm` → the mentor drafts goals (:class:`Goal`, each tied
to a competency and a target level) cut into dated :class:`GoalMilestone` rows → the mentee
comments on any line (:class:`PlanComment`) → the mentor revises → both confirm. A confirmation
freezes the plan's content into a :class:`PlanVersion`; a later change of the content goes through
the same loop. Ticking a milestone done is progress, not content: it never needs a new version.
"""

from __future__ import annotations

from django.db import models
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel


class PlanStatus(models.TextChoices):
    NEEDS = "needs", _("Waiting for the mentee's needs")
    DRAFTING = "drafting", _("The mentor drafts the plan")
    REVIEW = "review", _("Under comment by the mentee")
    CONFIRMED = "confirmed", _("Confirmed by both")


class MentoringStyle(TextChoices):
    """How the mentee would like to be mentored (the needs form's "preferred style")."""

    QUESTIONS = "questions", _("Ask me questions so I find my own answers")
    ADVICE = "advice", _("Give me direct advice from your experience")
    HANDS_ON = "hands_on", _("Work through real tasks with me")
    MIX = "mix", _("A mix, depending on the topic")


class Plan(TimeStampedModel):
    mentorship = models.OneToOneField("mentorships.Mentorship", on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.NEEDS)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)


class NeedsForm(TimeStampedModel):
    """What the mentee wants to work on; preselected from their largest gaps."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="needs")
    competencies = models.ManyToManyField("people.Competency", blank=True, related_name="+",
                                          verbose_name=_("competencies to work on"))
    topics = models.ManyToManyField("people.Topic", blank=True, related_name="+", verbose_name=_("topics"))
    preferred_style = models.CharField(_("preferred style"), max_length=20, blank=True)
    text = models.TextField(_("in your own words"), max_length=4000, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)


class Goal(TimeStampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("goal"), max_length=200)
    competency = models.ForeignKey("people.Competency", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("competency"))
    target_level = models.PositiveSmallIntegerField(_("target level"))

    class Meta:
        ordering = ["plan", "order", "id"]


class GoalMilestone(TimeStampedModel):
    """A small dated step towards a goal. The mentee ticks it done; nobody else does."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["goal", "due_on", "order", "id"]


class PlanComment(models.Model):
    """A comment on the plan, a goal or one milestone. Seen by the pair only (not the line manager)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments")
    milestone = models.ForeignKey(GoalMilestone, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="comments")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]


class PlanVersion(models.Model):
    """The plan's content as both sides confirmed it (goals and milestones, without progress)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField()
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_per_number")]
