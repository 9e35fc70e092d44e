"""The coaching log: one timeline per mentorship (sources 001 and 002).

- :class:`Session`: a meeting of the pair, scheduled → held / cancelled / missed (the moves are
  checked in :mod:`tandem.mentorships.log_services`). The mentee prepares the questions, the
  mentor records the advice; neither edits the other's text.
- :class:`SessionFeedback`: after a held session, each side's rating (1–5) and a line of
  feedback, once each; each sees the other's only once both have answered.
- :class:`Message`: a message between the pair; ``@name`` mentions are kept as :class:`Mention`.
- :class:`ActionItem`: owned by the mentor or the mentee, due inside the agreement's term,
  optionally tied to a plan goal; only the owner edits or ticks it; either side comments on it
  (:class:`ActionItemComment`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel

DURATION_MIN = 5
DURATION_MAX = 480


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")


class SessionSeries(TimeStampedModel):
    """A recurring session (``RRULE``): the agreement's frequency from the first session on.

    Each occurrence is its own :class:`Session` row (so it can be moved, held or cancelled alone);
    this row says how they recur, for the calendar (``RRULE`` with ``RECURRENCE-ID`` overrides) and
    for scheduling the next ones. ``time_zone`` is the organiser's zone: occurrences keep their
    wall-clock time across daylight-saving changes in it."""

    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="series")
    frequency = models.CharField(_("repeats"), max_length=10,
                                 choices=[("weekly", _("Every week")), ("biweekly", _("Every two weeks")),
                                          ("monthly", _("Every month"))])
    count = models.PositiveSmallIntegerField(_("occurrences"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    created_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=2, count__lte=60), name="series_count_2_60"),
            models.CheckConstraint(condition=Q(frequency__in=["weekly", "biweekly", "monthly"]),
                                   name="series_frequency_known"),
        ]


class Session(TimeStampedModel):
    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    format = models.CharField(_("format"), max_length=10, default="video",
                              choices=[("in_person", _("In person")), ("video", _("Video call")), ("chat", _("Chat"))])
    meeting_link = models.URLField(_("meeting link"), max_length=500, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    topics = models.ManyToManyField("people.Topic", blank=True, related_name="+", verbose_name=_("topics"))
    #: written by the mentee before the session (source 001)
    questions = models.TextField(_("questions prepared"), max_length=4000, blank=True)
    #: written by the mentor
    advice = models.TextField(_("advice"), max_length=4000, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices,
                              default=SessionStatus.SCHEDULED)
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    #: the organiser's time zone when it was scheduled (the calendar's ``TZID``)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    #: raised on every change a calendar shows (RFC 5545 ``SEQUENCE``)
    sequence = models.PositiveIntegerField(default=0)
    series = models.ForeignKey(SessionSeries, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="sessions")
    #: the occurrence's original start in its series (``RECURRENCE-ID``), kept when it is moved
    original_starts_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["mentorship", "-starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=DURATION_MIN, duration_minutes__lte=DURATION_MAX),
                                   name="session_duration_in_range"),
            models.CheckConstraint(condition=Q(status__in=["scheduled", "held", "cancelled", "missed"]),
                                   name="session_status_known"),
            models.CheckConstraint(condition=Q(meeting_link="") | Q(meeting_link__startswith="https://"),
                                   name="session_link_https"),
        ]

    def __str__(self) -> str:
        return f"{self.mentorship_id} @ {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        import datetime

        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class LogSide(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class SessionFeedback(models.Model):
    """One side's rating and line of feedback on a held session. Once per side (never overwritten)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    side = models.CharField(max_length=10, choices=LogSide.choices)
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.CharField(_("feedback"), max_length=500, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "side"], name="one_feedback_per_side"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"),
        ]


class Message(models.Model):
    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["mentorship", "-created_at"])]


class ActionItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ActionItem(TimeStampedModel):
    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE,
                                   related_name="action_items")
    title = models.CharField(_("action item"), max_length=200)
    owner = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    created_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=ActionItemStatus.choices,
                              default=ActionItemStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    goal = models.ForeignKey("mentorships.Goal", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="action_items", verbose_name=_("goal"))
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="action_items")
    #: the message it was turned from, if any
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="action_items")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["mentorship", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "done", "dropped"]),
                                   name="action_item_status_known"),
        ]


class ActionItemComment(models.Model):
    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]


class Mention(models.Model):
    """``@name`` in a message or a comment on an action item: the person is told (notifications)."""

    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="mentions")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions")
    comment = models.ForeignKey(ActionItemComment, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="mentions")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(message__isnull=False) | Q(comment__isnull=False),
                                   name="mention_has_source"),
        ]
