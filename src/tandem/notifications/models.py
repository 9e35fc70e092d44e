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
    MESSAGE_POSTED = "message_posted", _("A new message in my coaching log")
    RESOURCE_SHARED = "resource_shared", _("A file or link was shared in my coaching log")
    SERIES_SCHEDULED = "series_scheduled", _("A series of sessions was scheduled")
    SERIES_CANCELLED = "series_cancelled", _("The rest of a series of sessions was cancelled")
    FEEDBACK_SHARED = "feedback_shared", _("Both sides left their feedback on a session")
    # assessments and insights
    REVIEW_OPENED = "review_opened", _("A competency review waits for my ratings")
    GRAI_COMMENTED = "grai_commented", _("Someone commented on my GRAI review")
    SURVEY_OPENED = "survey_opened", _("A survey waits for my answers")
    REPORT_READY = "report_ready", _("A report I oversee is ready")
    JOB_FAILED = "job_failed", _("Background work I started stopped without a result")
    # reminders (sent by the scheduler, once each: see reminders.py)
    SESSION_SOON = "session_soon", _("Reminder: a session within 24 hours")
    FEEDBACK_WAITING = "feedback_waiting", _("Reminder: feedback on a session waits for me")
    ACTION_ITEM_DUE = "action_item_due", _("Reminder: my action item is due tomorrow")
    ACTION_ITEM_OVERDUE = "action_item_overdue", _("Reminder: my action item is overdue")
    DUTY_DUE = "duty_due", _("Reminder: a duty of the checklist is due")
    DUTY_OVERDUE = "duty_overdue", _("Reminder: a duty of the checklist is overdue")
    AGREEMENT_WAITING = "agreement_waiting", _("Reminder: an agreement still waits for my signature")
    PLAN_WAITING = "plan_waiting", _("Reminder: a development plan still waits for my comment")
    PROGRAM_OVERDUE = "program_overdue", _("Reminder: pairs of a program I oversee have overdue duties")
    ROUND_CLOSING = "round_closing", _("Reminder: a selection round closes soon")
    REVIEW_WAITING = "review_waiting", _("Reminder: a competency review still waits for my ratings")
    GRAI_DUE = "grai_due", _("Reminder: my GRAI review is due")
    SURVEY_WAITING = "survey_waiting", _("Reminder: a survey still waits for my answers")
    AT_RISK = "at_risk", _("Reminder: participants of a program I oversee are at risk before a retention checkpoint")


#: The kinds as the preferences page groups them.
KIND_GROUPS: list[tuple[object, list[str]]] = [
    (_("Requests and pairing"), [NotificationKind.REQUESTED, NotificationKind.ACCEPTED, NotificationKind.DECLINED,
                                 NotificationKind.INTRO_SCHEDULED, NotificationKind.PAIRED,
                                 NotificationKind.STARTED, NotificationKind.COMPLETED, NotificationKind.ENDED_EARLY,
                                 NotificationKind.CANCELLED]),
    (_("Agreement and plan"), [NotificationKind.AGREEMENT_STAGE, NotificationKind.AGREEMENT_UPDATED,
                               NotificationKind.AGREEMENT_SIGNED, NotificationKind.NEEDS_SUBMITTED,
                               NotificationKind.PLAN_DRAFTED, NotificationKind.PLAN_COMMENTED,
                               NotificationKind.PLAN_CONFIRMED, NotificationKind.MILESTONE_UPDATED]),
    (_("Sessions"), [NotificationKind.SESSION_SCHEDULED, NotificationKind.SERIES_SCHEDULED,
                     NotificationKind.SESSION_RESCHEDULED, NotificationKind.SESSION_CANCELLED,
                     NotificationKind.SERIES_CANCELLED, NotificationKind.FEEDBACK_SHARED]),
    (_("The coaching log"), [NotificationKind.MESSAGE_POSTED, NotificationKind.MENTIONED,
                             NotificationKind.ACTION_ITEM_ASSIGNED, NotificationKind.RESOURCE_SHARED]),
    (_("Reminders"), [NotificationKind.SESSION_SOON, NotificationKind.FEEDBACK_WAITING,
                      NotificationKind.ACTION_ITEM_DUE, NotificationKind.ACTION_ITEM_OVERDUE,
                      NotificationKind.DUTY_DUE, NotificationKind.DUTY_OVERDUE,
                      NotificationKind.AGREEMENT_WAITING, NotificationKind.PLAN_WAITING,
                      NotificationKind.ROUND_CLOSING]),
    (_("Assessments"), [NotificationKind.REVIEW_OPENED, NotificationKind.REVIEW_WAITING,
                        NotificationKind.GRAI_DUE, NotificationKind.GRAI_COMMENTED,
                        NotificationKind.SURVEY_OPENED, NotificationKind.SURVEY_WAITING]),
    (_("Overseeing programs"), [NotificationKind.PROGRAM_OVERDUE, NotificationKind.AT_RISK,
                                NotificationKind.REPORT_READY, NotificationKind.JOB_FAILED]),
]


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
    #: False when the recipient turned this kind off in Tandem but still wants it by e-mail: the row
    #: carries the e-mail and is never listed in the centre
    in_app = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_new"),
            models.Index(fields=["recipient", "read_at"], name="notification_recipient_unread"),
            # the top bar's unread badge on every page: an index-only count of the unread
            models.Index(fields=["recipient"], condition=models.Q(in_app=True, read_at__isnull=True),
                         name="notification_unread_badge"),
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
    #: kinds not shown in the notification centre either
    app_kinds_off = models.JSONField(default=list, blank=True)
    #: when the last daily digest went out (one a day, in the person's morning)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preferences of {self.person_id}"

    @property
    def email_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE

    def wants_email(self, kind: str) -> bool:
        return kind not in (self.email_kinds_off or [])

    def wants_in_app(self, kind: str) -> bool:
        return kind not in (self.app_kinds_off or [])


class SentReminder(models.Model):
    """The key of a reminder that went out: inserted in the transaction that creates its
    notification, so a second run, a restarted worker or two workers at once never send it twice.

    ``subject`` names the thing (``session:12``, ``action_item:7``, ``duty:5:31``), ``occasion``
    the moment it is about (the session's start, the due date, the period's start): a session moved
    to another time is a new occasion and gets its own reminder."""

    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    subject = models.CharField(max_length=80)
    recipient = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    occasion = models.CharField(max_length=40)
    notification = models.ForeignKey(Notification, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject", "recipient", "occasion"], name="reminder_sent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} @ {self.occasion} → {self.recipient_id}"


class ScheduledJob(models.Model):
    """A periodic job of the database-backed scheduler (:mod:`tandem.notifications.scheduler`).

    Rows are created from the code's registry (``JOBS``); ``next_run_at`` is when it is due next.
    A worker claims a due job by moving ``next_run_at`` forward in one conditional UPDATE (under
    ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL), so one worker runs it, once per window,
    however many workers tick."""

    name = models.CharField(max_length=60, unique=True)
    task = models.CharField(max_length=200)
    every_seconds = models.PositiveIntegerField(null=True, blank=True)
    daily_at = models.TimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    enabled = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(db_index=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_worker = models.CharField(max_length=64, blank=True)
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(every_seconds__isnull=False) | models.Q(daily_at__isnull=False),
                                   name="scheduled_job_has_a_schedule"),
        ]

    def __str__(self) -> str:
        return self.name
