"""The organisation and its competency model.

History is kept: ratings and self-assessments are appended, never overwritten.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Translatable(models.Model):
    """Names and descriptors in several languages: ``translations = {"ru": {"name": ...}}``."""

    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def tr(self, field: str) -> str:
        lang = (get_language() or "en").lower()
        value = self.translations.get(lang, {}).get(field)
        return value or getattr(self, field)


class Location(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class Department(TimeStampedModel):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent department"),
    )
    # Materialised path of ids ("/1/4/9/"), kept by people.services, for subtree queries.
    path = models.CharField(max_length=512, db_index=True, editable=False, default="/")
    head = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="headed_departments",
        verbose_name=_("department head"),
    )
    pitch = models.TextField(_("how the department presents itself"), blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class JobProfile(TimeStampedModel, Translatable):
    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    competencies = models.ManyToManyField(
        "Competency", through="JobProfileRequirement", related_name="job_profiles"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("job profile")
        verbose_name_plural = _("job profiles")

    def __str__(self) -> str:
        return self.tr("title")


class CompetencyGroup(TimeStampedModel, Translatable):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("competency group")
        verbose_name_plural = _("competency groups")

    def __str__(self) -> str:
        return self.tr("name")


class Competency(TimeStampedModel, Translatable):
    code = models.CharField(_("code"), max_length=40, unique=True)
    group = models.ForeignKey(CompetencyGroup, on_delete=models.PROTECT, related_name="competencies")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["group__order", "name"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return self.tr("name")


class CompetencyLevel(Translatable):
    """What level 1..5 of a competency looks like."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    descriptor = models.CharField(_("descriptor"), max_length=300)

    class Meta:
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="one_descriptor_per_level"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="descriptor_level_1_5"),
        ]


class JobProfileRequirement(models.Model):
    job_profile = models.ForeignKey(JobProfile, on_delete=models.CASCADE, related_name="requirements")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="requirements")
    target_level = models.PositiveSmallIntegerField(_("target level"), validators=LEVEL_VALIDATORS)

    class Meta:
        ordering = ["job_profile", "competency"]
        constraints = [
            models.UniqueConstraint(fields=["job_profile", "competency"], name="one_target_per_competency"),
            models.CheckConstraint(condition=Q(target_level__gte=1, target_level__lte=5), name="target_1_5"),
        ]


class Language(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommunicationStyle(models.TextChoices):
    DIRECT = "direct", _("Direct")
    ANALYTICAL = "analytical", _("Analytical")
    SUPPORTIVE = "supportive", _("Supportive")
    EXPRESSIVE = "expressive", _("Expressive")


class Person(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    employee_id = models.CharField(_("employee ID"), max_length=40, unique=True)
    full_name = models.CharField(_("name"), max_length=160, db_index=True)
    email = models.EmailField(_("email"), unique=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="members", verbose_name=_("department")
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports",
        verbose_name=_("manager"),
    )
    job_profile = models.ForeignKey(
        JobProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="people",
        verbose_name=_("job profile"),
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="people",
        verbose_name=_("location"),
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    languages = models.ManyToManyField(Language, blank=True, related_name="speakers", verbose_name=_("languages"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    communication_style = models.CharField(
        _("communication style"), max_length=20, choices=CommunicationStyle.choices, blank=True
    )
    mentoring_hours_per_month = models.PositiveSmallIntegerField(_("mentoring hours per month"), default=0)
    mentor_capacity = models.PositiveSmallIntegerField(
        _("mentees they can take"), default=0, help_text=_("0 means not available as a mentor.")
    )
    bio = models.TextField(_("short bio"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)
    # insights: the day the person left the company (retention outcomes); empty while employed
    left_on = models.DateField(_("leaving date"), null=True, blank=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["department", "full_name"]),
            # the directory's order (name, then id) over active people: a deep page walks the
            # index instead of sorting the 44,000 active people for every request
            models.Index(fields=["full_name", "id"], condition=Q(is_active=True), name="person_active_name_id"),
            # headcounts per department of active people (HR and head homes, departments page):
            # an index-only count instead of reading every person
            models.Index(fields=["department"], condition=Q(is_active=True), name="person_active_department"),
        ]

    def __str__(self) -> str:
        return self.full_name


class RatingSource(models.TextChoices):
    SELF = "self", _("Self-assessment")
    MANAGER = "manager", _("Manager")
    MENTOR = "mentor", _("Mentor")
    ASSESSMENT = "assessment", _("Assessment")


class CompetencyRating(models.Model):
    """One rating at one moment. Appended, never updated: the history is the record."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ratings")
    # PROTECT: a rated competency is never deleted with its history (framework_services refuses it first)
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)
    source = models.CharField(_("source"), max_length=20, choices=RatingSource.choices)
    rated_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings_given"
    )
    rated_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-rated_on", "-id"]
        indexes = [models.Index(fields=["person", "competency", "-rated_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level_1_5"),
        ]


class Topic(TimeStampedModel, Translatable):
    """The mentoring topic catalogue (source 001)."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.tr("name")


class TopicInterest(models.TextChoices):
    CAN_TEACH = "can_teach", _("Can teach")
    WANT_TO_LEARN = "want_to_learn", _("Wants to learn")


class PersonTopic(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="topic_tags")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="person_tags")
    interest = models.CharField(max_length=20, choices=TopicInterest.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic__order"]
        constraints = [
            models.UniqueConstraint(fields=["person", "topic", "interest"], name="one_tag_per_interest")
        ]


class SelfAssessment(models.Model):
    """Strengths and development areas in the person's own words (source 001). Appended."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="self_assessments")
    strengths = models.TextField(_("strengths"), max_length=4000)
    development_areas = models.TextField(_("development areas"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class ImportKind(models.TextChoices):
    DEPARTMENTS = "departments", _("Departments")
    COMPETENCIES = "competencies", _("Competencies and level descriptors")  # people.framework_import
    JOB_PROFILES = "job_profiles", _("Job profiles")
    PEOPLE = "people", _("People")
    RATINGS = "ratings", _("Competency ratings")
    OUTCOMES = "outcomes", _("Outcome records")  # insights: plugged in by tandem.insights.importing


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Validating")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed: nothing was written")


class ImportJob(TimeStampedModel):
    """One uploaded file. Nothing is written unless every row is valid."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    file_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="imports"
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # How many problems were found in all; ``errors`` keeps only the first IMPORT_MAX_ERRORS.
    error_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A sign of life from the worker running the job, every few seconds while it reads,
    # validates or writes. A running job whose heartbeat is older than
    # settings.IMPORT_STALE_AFTER_SECONDS lost its worker and is marked failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Rows that named a saved record and changed nothing in it (re-importing an unchanged file).
    unchanged_count = models.PositiveIntegerField(default=0)
    # A column mapping from another system's file (people.import_mapping): the one used, as it was
    # at upload (a later edit of the saved mapping does not change a queued job).
    mapping = models.ForeignKey(
        "ImportMapping", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    mapping_spec = models.JSONField(null=True, blank=True)
    # People import: invite the people it creates who have no account, once it succeeded.
    invite_new = models.BooleanField(default=False)
    invited_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="importjob_status_heartbeat")]

    @property
    def percent(self) -> int:
        """How far the job got; 100 once it ended, done or failed (a failed job never shows 99)."""
        if self.status in (ImportStatus.DONE, ImportStatus.FAILED):
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(100 * self.processed_rows / self.total_rows))


class ImportMapping(TimeStampedModel):
    """A saved mapping from another system's columns (an HRIS export) to the columns of one import
    kind: for each Tandem column a source column, or a pattern such as ``Employee {EmployeeNumber}``,
    and optionally a value map (``Research & Development`` → ``RND``). See people.import_mapping."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    # {"<tandem column>": {"source": "<source column>" | "", "pattern": "...", "values": {"from": "to"}}}
    columns = models.JSONField(default=dict, blank=True)
    # the header of the sample file it was made from, and a few distinct values per column
    source_columns = models.JSONField(default=list, blank=True)
    samples = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class CurrentLevel(models.Model):
    """The level that counts now for (person, competency), derived from the rating history by
    ``people.services``: the newest rating from a manager, mentor or assessment; the newest
    self-rating only when there is no other. Kept so gap queries stay in SQL at 100,000 people."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="current_levels")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="current_levels")
    level = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=20, choices=RatingSource.choices)
    rated_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "competency"], name="one_current_level"),
        ]


class GapSummary(models.Model):
    """The dashboards' largest gaps, kept per (department, competency) instead of aggregated over
    every current level of the company on each view: how many active people directly in the
    department are below their job profile's target for the competency, and the sum of their gaps
    (target - current). Kept current by ``people.services`` (``gaps_kept``: every write of ratings,
    current levels, targets or a person's department, job profile or activity, in its transaction),
    rebuilt from scratch by ``gap_summary_rebuild`` (the migration, imports, the
    ``gap_summary_rebuild`` command)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    people = models.PositiveIntegerField(default=0)
    total_gap = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "competency"], name="one_gap_summary_per_cell"),
        ]


class DashboardFigures(models.Model):
    """The dashboards' head counts per department (active people directly in it, those of them
    waiting for a mentor, those who can take one more mentee), computed in three grouped reads
    over the company and kept here with the *generation* they were computed at, so that the HR and
    department-head homes read ~60 numbers instead of counting 50,000 people on every view.

    The generation is bumped by database triggers on every write that can change a figure (people,
    enrolments, programs, mentorships: insert, delete, and updates of the columns the figures
    read), whatever wrote it -- a service, the admin, an import, a bulk commit, raw SQL -- so the
    figures are recomputed on the first view after a change and never shown stale
    (``people.figures``). One row."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.BigIntegerField()
    computed_at = models.DateTimeField()
    per_department = models.JSONField(default=dict)  # department id -> [headcount, waiting, mentors free]


class FiguresGeneration(models.Model):
    """SQLite's counters of the writes that change what is computed once per change (PostgreSQL
    uses a sequence per counter, which never blocks a writer): row 1 the dashboard figures, row 2
    the matching engine's mentor pool (``people.figures.GENERATIONS``)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    n = models.BigIntegerField(default=0)
