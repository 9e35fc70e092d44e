"""Assessments: the teach-back practicum (source 000) and surveys with anonymity that holds.

Teach-back
----------
A :class:`TeachBack` is one slot: a trainee teaches a topic (tied to a competency) to a registered
audience of people enrolled in the program; it is attempt 1, 2, 3 … of that trainee in that program.
Each audience member scores it once (:class:`TeachBackScore`, one row per member: a database
constraint), on every criterion of the program's rubric (:class:`RubricCriterion`, 1–5:
:class:`CriterionScore`), from its start until ``settings.window_hours`` after its end. Questions
asked are logged (:class:`TeachBackQuestion`); one the trainee could not answer becomes a
:class:`KnowledgeGap` (kept here and shown on the trainee's pages: the mentorship plan is drafted
and versioned by the mentor, so a study item is not written into it behind the pair's back).

Surveys and anonymity
---------------------
A :class:`SurveyTemplate` has numbered :class:`SurveyTemplateVersion` s, each with its questions;
a :class:`Survey` (one sending) keeps the version it was sent with, and so do its answers. Who was
asked is :class:`SurveyRecipient`; who has answered is :class:`SurveyCompletion` (unique per
person and survey: one answer each). For an *anonymous* survey a :class:`SurveyResponse` carries no
link to its author: no foreign key, no hash of the person, no timestamp at all (not even a
rounded one), and a random UUID4 as its key (so neither IDs nor the default ordering follow the
order of insertion). The completion row keeps only the day. What a response does carry are the
coarse keys results are broken down by (department, job profile, the mentor rated), and results
are shown only for groups of at least the template's threshold (see ``survey_selectors``).

Known limit (documented, not solvable in the schema): someone with direct SQL access to the
database can see physical row order (PostgreSQL ``ctid`` / ``xmin``, SQLite ``rowid``) and the
write-ahead log; the application never reads those.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel
from tandem.people.models import Translatable

# -- the teach-back practicum -------------------------------------------------------------------

#: The default rubric (source 000): code, English name, Chinese, Russian.
DEFAULT_CRITERIA = (
    ("clarity", "Clarity", "表达清晰", "Ясность"),
    ("depth", "Depth of understanding", "理解深度", "Глубина понимания"),
    ("questions", "Handling of questions", "答疑能力", "Ответы на вопросы"),
    ("examples", "Examples and analogies", "举例与类比", "Примеры и аналогии"),
    ("engagement", "Engagement", "互动与投入", "Вовлечённость"),
)
PASS_MARK_DEFAULT = Decimal("4.50")
MAX_ATTEMPTS_DEFAULT = 3
WINDOW_HOURS_DEFAULT = 24
LENGTH_MIN, LENGTH_MAX = 15, 8 * 60


class TeachBackSettings(TimeStampedModel):
    """A program's teach-back rules: pass mark, attempts, how long scoring stays open."""

    program = models.OneToOneField("programs.Program", on_delete=models.CASCADE, related_name="teach_back_settings")
    pass_mark = models.DecimalField(_("pass mark"), max_digits=3, decimal_places=2, default=PASS_MARK_DEFAULT)
    max_attempts = models.PositiveSmallIntegerField(_("attempts per trainee"), default=MAX_ATTEMPTS_DEFAULT)
    window_hours = models.PositiveSmallIntegerField(
        _("scoring stays open (hours after the end)"), default=WINDOW_HOURS_DEFAULT)

    class Meta:
        verbose_name = _("teach-back settings")
        verbose_name_plural = _("teach-back settings")
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__gte=1, pass_mark__lte=5), name="tb_pass_mark_1_5"),
            models.CheckConstraint(condition=Q(max_attempts__gte=1, max_attempts__lte=10), name="tb_attempts_1_10"),
            models.CheckConstraint(condition=Q(window_hours__lte=24 * 14), name="tb_window_two_weeks"),
        ]


class RubricCriterion(TimeStampedModel, Translatable):
    """One 1–5 criterion of a program's teach-back rubric."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="rubric")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["program", "order", "id"]
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="one_criterion_code_per_program")]

    def __str__(self) -> str:
        return self.tr("name")


class TeachBackStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


class TeachBack(TimeStampedModel):
    """One teach-back slot: one attempt of one trainee."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="teach_backs")
    trainee = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="teach_backs")
    topic = models.CharField(_("topic"), max_length=200)
    competency = models.ForeignKey("people.Competency", on_delete=models.PROTECT, related_name="teach_backs",
                                   verbose_name=_("competency"))
    room = models.CharField(_("room"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    length_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=180)
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    audience = models.ManyToManyField("people.Person", through="TeachBackAudience", related_name="teach_backs_attended")
    status = models.CharField(_("status"), max_length=12, choices=TeachBackStatus.choices,
                              default=TeachBackStatus.SCHEDULED)
    # the result, set once when scoring closes (see teachback_services.teachback_finalise)
    mean = models.DecimalField(_("mean score"), max_digits=4, decimal_places=2, null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    last_attempt = models.BooleanField(_("was the last attempt"), default=False)
    created_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["program", "starts_at", "id"]
        verbose_name = _("teach-back")
        verbose_name_plural = _("teach-backs")
        constraints = [
            models.UniqueConstraint(fields=["program", "trainee", "attempt"], condition=~Q(status="cancelled"),
                                    name="one_teach_back_per_attempt"),
            models.CheckConstraint(condition=Q(attempt__gte=1), name="tb_attempt_from_1"),
            models.CheckConstraint(condition=Q(length_minutes__gte=LENGTH_MIN, length_minutes__lte=LENGTH_MAX),
                                   name="tb_length_bounds"),
            models.CheckConstraint(condition=Q(mean__isnull=True) | Q(mean__gte=1, mean__lte=5),
                                   name="tb_mean_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.attempt})"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.length_minutes)

    def closes_at(self, window_hours: int) -> datetime.datetime:
        return self.ends_at + datetime.timedelta(hours=window_hours)


class TeachBackAudience(models.Model):
    teach_back = models.ForeignKey(TeachBack, on_delete=models.CASCADE, related_name="audience_rows")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["teach_back", "person__full_name"]
        constraints = [models.UniqueConstraint(fields=["teach_back", "person"], name="one_seat_per_person")]


class TeachBackScore(models.Model):
    """One audience member's scoring of one teach-back. ``trainee`` is copied so that the database
    itself refuses a self-score."""

    teach_back = models.ForeignKey(TeachBack, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="teach_back_scores")
    trainee = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["teach_back", "id"]
        constraints = [
            models.UniqueConstraint(fields=["teach_back", "scorer"], name="one_score_per_audience_member"),
            models.CheckConstraint(condition=~Q(scorer=F("trainee")), name="no_self_scoring"),
        ]


class CriterionScore(models.Model):
    score = models.ForeignKey(TeachBackScore, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["score", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["score", "criterion"], name="one_value_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="criterion_score_1_5"),
        ]


class TeachBackQuestion(models.Model):
    """A question asked during a teach-back, logged by an audience member or the trainee."""

    teach_back = models.ForeignKey(TeachBack, on_delete=models.CASCADE, related_name="questions")
    logged_by = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.CharField(_("question"), max_length=500)
    unanswered = models.BooleanField(_("the trainee could not answer it"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["teach_back", "id"]


class GapStatus(models.TextChoices):
    OPEN = "open", _("To study")
    STUDIED = "studied", _("Studied")


class KnowledgeGap(TimeStampedModel):
    """What the trainee could not answer: a study item linked to a competency."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="knowledge_gaps")
    competency = models.ForeignKey("people.Competency", on_delete=models.PROTECT, related_name="+")
    teach_back = models.ForeignKey(TeachBack, on_delete=models.CASCADE, related_name="gaps")
    question = models.OneToOneField(TeachBackQuestion, on_delete=models.CASCADE, related_name="gap")
    text = models.CharField(_("what to study"), max_length=500)
    status = models.CharField(max_length=10, choices=GapStatus.choices, default=GapStatus.OPEN)

    class Meta:
        ordering = ["person", "-created_at", "id"]


# -- surveys ------------------------------------------------------------------------------------

THRESHOLD_DEFAULT = 5
THRESHOLD_MIN = 3


class SurveyPurpose(models.TextChoices):
    SATISFACTION = "satisfaction", _("Participant satisfaction")
    MENTOR_EFFECTIVENESS = "mentor_effectiveness", _("Mentor effectiveness")
    NPS = "nps", _("Program NPS")
    SELF_PERCEPTION = "self_perception", _("Self-perception before and after")
    OTHER = "other", _("Other")


class SurveyTemplate(TimeStampedModel, Translatable):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    purpose = models.CharField(_("purpose"), max_length=30, choices=SurveyPurpose.choices, default=SurveyPurpose.OTHER)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    threshold = models.PositiveSmallIntegerField(
        _("smallest group shown"), default=THRESHOLD_DEFAULT,
        help_text=_("Results of fewer answers than this are not shown (never below 3)."))
    # who may write its next version besides HR (core.authz.can_revise_survey_template): the program
    # manager who created it; none for the templates Tandem ships
    created_by = models.ForeignKey("people.Person", verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=THRESHOLD_MIN), name="survey_threshold_at_least_3"),
            # upward feedback on mentors is anonymous, whatever else changes
            models.CheckConstraint(condition=~Q(purpose="mentor_effectiveness") | Q(anonymous=True),
                                   name="mentor_feedback_anonymous"),
        ]

    def __str__(self) -> str:
        return self.tr("name")


class SurveyTemplateVersion(models.Model):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="one_template_version_number")]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale 1–5")
    NPS = "nps", _("Recommendation 0–10")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    TEXT = "text", _("Free text")


class SurveyQuestion(Translatable):
    """``choices``: ``[{"code": "a", "label": "…", "translations": {"ru": "…"}}]`` for choice kinds."""

    version = models.ForeignKey(SurveyTemplateVersion, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(max_length=40)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="one_question_code_per_version")]

    def __str__(self) -> str:
        return self.tr("text")

    def choice_list(self) -> list[tuple[str, str]]:
        from django.utils.translation import get_language

        lang = (get_language() or "en").lower()
        return [(c["code"], (c.get("translations") or {}).get(lang) or c["label"]) for c in self.choices or []]


class SurveyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class SurveySchedule(TimeStampedModel):
    """When a program's survey goes out by itself: on a ``survey`` milestone's day (to the program's
    participants), or after each pair's ``after_sessions``-th held session (to that pair's mentee).
    The daily job and the ``session.held`` subscriber send it; ``Survey.schedule`` with its unique
    constraints makes sure it is never sent twice (once per milestone, once per pair)."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="survey_schedules")
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="schedules")
    milestone = models.ForeignKey("programs.ProgramMilestone", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="survey_schedules")
    after_sessions = models.PositiveSmallIntegerField(_("after the held session number"), null=True, blank=True)
    open_days = models.PositiveSmallIntegerField(_("open for (days)"), default=14)
    created_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["program", "id"]
        verbose_name = _("survey schedule")
        verbose_name_plural = _("survey schedules")
        constraints = [
            models.CheckConstraint(condition=Q(milestone__isnull=True, after_sessions__gte=1)
                                   | Q(milestone__isnull=False, after_sessions__isnull=True),
                                   name="survey_schedule_milestone_or_sessions"),
            models.CheckConstraint(condition=Q(open_days__gte=1, open_days__lte=90), name="survey_schedule_open_1_90"),
            models.UniqueConstraint(fields=["template", "milestone"], name="one_survey_schedule_per_milestone"),
            models.UniqueConstraint(fields=["program", "template", "after_sessions"],
                                    name="one_survey_schedule_per_session_count"),
        ]


class Survey(TimeStampedModel):
    """One sending of a template version: to a program's participants or to one pair's mentee."""

    version = models.ForeignKey(SurveyTemplateVersion, on_delete=models.PROTECT, related_name="surveys")
    program = models.ForeignKey("programs.Program", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="surveys")
    mentorship = models.ForeignKey("mentorships.Mentorship", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="surveys")
    anonymous = models.BooleanField(default=True)
    threshold = models.PositiveSmallIntegerField(default=THRESHOLD_DEFAULT)
    status = models.CharField(max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.OPEN)
    closes_at = models.DateTimeField(_("closes at"))
    sent_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    schedule = models.ForeignKey(SurveySchedule, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="surveys")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=THRESHOLD_MIN), name="sent_survey_threshold_at_least_3"),
            # a schedule sends once: once per milestone, once per pair after sessions
            models.UniqueConstraint(fields=["schedule"], condition=Q(schedule__isnull=False, mentorship__isnull=True),
                                    name="scheduled_survey_sent_once"),
            models.UniqueConstraint(fields=["schedule", "mentorship"],
                                    condition=Q(schedule__isnull=False, mentorship__isnull=False),
                                    name="scheduled_survey_sent_once_per_pair"),
        ]

    def __str__(self) -> str:
        return str(self.version.template)

    @property
    def template(self) -> SurveyTemplate:
        return self.version.template


class SurveyRecipient(models.Model):
    """Who was asked; ``subject`` is the mentor a mentee rates (mentor-effectiveness surveys)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="survey_invitations")
    subject = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["survey", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "person"], name="one_invitation_per_person")]


class SurveyCompletion(models.Model):
    """Who has answered (for reminders and for counting distinct people): the day, nothing finer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="completions")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="survey_completions")
    subject = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_on = models.DateField()

    class Meta:
        ordering = ["survey", "person"]
        constraints = [models.UniqueConstraint(fields=["survey", "person"], name="one_answer_per_person_per_survey")]


class SurveyResponse(models.Model):
    """One set of answers. Anonymous: no author, no time, a random key (see the module docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(SurveyTemplateVersion, on_delete=models.PROTECT, related_name="+")
    anonymous = models.BooleanField()
    # named surveys only
    respondent = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # coarse breakdown keys, shown only for groups of at least the threshold
    department = models.ForeignKey("people.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    job_profile = models.ForeignKey("people.JobProfile", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    subject = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(anonymous=False) | Q(respondent__isnull=True),
                                   name="anonymous_response_has_no_author"),
        ]


class SurveyAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question"),
            models.CheckConstraint(condition=Q(number__isnull=True) | Q(number__gte=0, number__lte=10),
                                   name="answer_number_0_10"),
        ]


# The other parts of the aggregate, each in its own module (imported here so Django sees the models).
from tandem.assessments.grai_models import *
from tandem.assessments.review_models import *
