"""GRAI reviews (source 003, 复盘): Goal, Result, Analysis, Insight.

A participant looks back on a day, a week or a month of the program in four short answers: what
the goal was (目标), what came of it (结果), why — what worked and what did not (分析), and what
they take from it for next time (洞察 / 规律). Source 003's daily share is built on it ("以GRAI复盘法
为抓手, 日清日结"), with the mentor taking part.

- :class:`GraiReview`: one review of one period (``period_start``: the day, the Monday of the week
  or the first of the month it covers, as the program's ``grai_review`` duty says), written in a
  pair's log by one side (normally the mentee). One per author, mentorship and period: a database
  constraint. Its texts are the pair's (like the rest of the log); the program team sees dates and
  counts only.
- :class:`GraiComment`: a comment on a review, by either side of the pair (normally the mentor).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel

__all__ = ["GRAI_CADENCES", "GRAI_COMMENT_MAX", "GRAI_TEXT_MAX", "GraiCadence", "GraiComment", "GraiReview"]

GRAI_TEXT_MAX = 2000
GRAI_COMMENT_MAX = 2000


class GraiCadence(models.TextChoices):
    """How often a review is written: the period a review's ``period_start`` opens."""

    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")


GRAI_CADENCES = tuple(GraiCadence.values)


class GraiReview(TimeStampedModel):
    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="grai_reviews")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="grai_reviews")
    side = models.CharField(_("side"), max_length=10, choices=[("mentee", _("Mentee")), ("mentor", _("Mentor"))])
    cadence = models.CharField(_("period"), max_length=10, choices=GraiCadence.choices, default=GraiCadence.WEEKLY)
    period_start = models.DateField(_("period"))
    goal = models.TextField(_("goal"), max_length=GRAI_TEXT_MAX)
    result = models.TextField(_("result"), max_length=GRAI_TEXT_MAX)
    analysis = models.TextField(_("analysis"), max_length=GRAI_TEXT_MAX)
    insight = models.TextField(_("insight"), max_length=GRAI_TEXT_MAX)

    class Meta:
        ordering = ["-period_start", "-created_at", "-id"]
        verbose_name = _("GRAI review")
        verbose_name_plural = _("GRAI reviews")
        indexes = [models.Index(fields=["mentorship", "-period_start"], name="grai_mentorship_period"),
                   models.Index(fields=["author", "-period_start"], name="grai_author_period")]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "author", "period_start"],
                                    name="one_grai_review_per_author_period"),
            models.CheckConstraint(condition=Q(side__in=["mentee", "mentor"]), name="grai_side_known"),
            models.CheckConstraint(condition=Q(cadence__in=list(GRAI_CADENCES)), name="grai_cadence_known"),
        ]

    def __str__(self) -> str:
        return f"GRAI {self.period_start} ({self.author_id})"


class GraiComment(models.Model):
    review = models.ForeignKey(GraiReview, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=GRAI_COMMENT_MAX)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["review", "created_at", "id"]
        verbose_name = _("GRAI comment")
        verbose_name_plural = _("GRAI comments")
