"""Programs and enrolment; a program's timeline (phases and milestones), its cadence policy (the
duties every pair owes) and its eligibility rules. Ready-made templates: ``programs/blueprints``."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.models import TimeStampedModel
from tandem.people.models import Translatable


class ProgramType(models.TextChoices):
    CLASSIC = "classic", _("Classic mentoring")
    REVERSE = "reverse", _("Reverse mentoring")
    MUTUAL = "mutual", _("Mutual mentoring")
    COHORT = "cohort", _("Cohort program")


class MatchingMode(models.TextChoices):
    CHOOSE = "choose", _("Mentees choose from recommendations")
    BULK = "bulk", _("Program manager matches in bulk")
    MUTUAL_SELECTION = "mutual_selection", _("Blind mutual selection rounds")


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for enrolment")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class Program(TimeStampedModel):
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    program_type = models.CharField(_("type"), max_length=20, choices=ProgramType.choices)
    matching_mode = models.CharField(_("matching"), max_length=20, choices=MatchingMode.choices)
    status = models.CharField(_("status"), max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    owner = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="owned_programs", verbose_name=_("program manager")
    )
    default_mentor_capacity = models.PositiveSmallIntegerField(_("mentees per mentor"), default=2)
    # The agreement (sources 001 and 003): whether a pair must sign one before it is active, and
    # which parties sign besides the mentor and the mentee (see ``AgreementParty``).
    agreement_required = models.BooleanField(_("a signed agreement starts each mentorship"), default=True)
    agreement_signers = models.JSONField(_("other parties who sign the agreement"), default=list, blank=True)
    participants = models.ManyToManyField("people.Person", through="Enrolment", related_name="programs")
    # The ready-made template the program was copied from ("" when built by hand); see blueprints.
    template_code = models.CharField(_("template"), max_length=40, blank=True)
    # Eligibility: who the program is for. Each rule left empty does not filter; the rules that are
    # set must all hold. Departments count with their sub-departments.
    eligible_departments = models.ManyToManyField(
        "people.Department", blank=True, related_name="+", verbose_name=_("departments (with their teams)"))
    eligible_job_profiles = models.ManyToManyField(
        "people.JobProfile", blank=True, related_name="+", verbose_name=_("job profiles"))
    eligible_languages = models.ManyToManyField(
        "people.Language", blank=True, related_name="+", verbose_name=_("speaks one of"))
    eligible_hired_from = models.DateField(_("hired on or after"), null=True, blank=True)
    eligible_hired_to = models.DateField(_("hired on or before"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="program_ends_after_start"),
            models.CheckConstraint(
                condition=Q(eligible_hired_from__isnull=True) | Q(eligible_hired_to__isnull=True)
                | Q(eligible_hired_to__gte=F("eligible_hired_from")),
                name="program_hire_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/programs/{self.pk}/"

    @property
    def signer_parties(self) -> list[str]:
        """Everyone who signs this program's agreements, mentor and mentee first."""
        extra = [p for p in OPTIONAL_SIGNERS if p in (self.agreement_signers or [])]
        return [AgreementParty.MENTOR, AgreementParty.MENTEE, *extra]

    @property
    def length_days(self) -> int:
        """Days from the first to the last day of the program, both included."""
        return (self.ends_on - self.starts_on).days + 1

    def day_date(self, day: int) -> datetime.date:
        """The date of program day ``day`` (day 1 is ``starts_on``)."""
        return self.starts_on + datetime.timedelta(days=day - 1)

    def day_of(self, date: datetime.date) -> int:
        """The program day of ``date`` (1 on ``starts_on``; 0 or less before it)."""
        return (date - self.starts_on).days + 1


class AgreementParty(models.TextChoices):
    """Who signs a mentorship's agreement. Mentor and mentee always do; a program may add the others
    (source 003: the head of the receiving department, HR and the training team)."""

    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")
    LINE_MANAGER = "line_manager", _("Mentee's line manager")
    DEPARTMENT_HEAD = "department_head", _("Head of the mentee's department")
    PROGRAM_TEAM = "program_team", _("Program team")


#: Parties a program may add to mentor and mentee.
OPTIONAL_SIGNERS = (AgreementParty.LINE_MANAGER, AgreementParty.DEPARTMENT_HEAD, AgreementParty.PROGRAM_TEAM)


class EnrolmentRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="enrolments")
    role = models.CharField(_("role"), max_length=10, choices=EnrolmentRole.choices)
    status = models.CharField(max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE)
    capacity = models.PositiveSmallIntegerField(
        _("mentee capacity"), null=True, blank=True, help_text=_("Mentors only; empty = program default.")
    )

    class Meta:
        ordering = ["program", "role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "person", "role"], name="one_enrolment_per_role")
        ]


# -- the timeline ----------------------------------------------------------------------------
#
# Days count from the program's start: day 1 is ``Program.starts_on``. Phases and milestones store
# day offsets, so a program copied from a template (or moved to other dates) keeps its shape; the
# dates are computed (``start_date``, ``end_date``, ``due_date``). The services check that every
# day falls inside the program and every milestone inside its phase.

MAX_DAY = 3660  # ten years: longer than any program


class Phase(TimeStampedModel, Translatable):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    start_day = models.PositiveIntegerField(_("first day"))
    end_day = models.PositiveIntegerField(_("last day"))

    class Meta:
        ordering = ["program", "order", "start_day", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start_day__gte=1), name="phase_starts_on_day_1_or_later"),
            models.CheckConstraint(condition=Q(end_day__gte=F("start_day")), name="phase_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.tr("name")

    @property
    def description_tr(self) -> str:
        """The description in the active language."""
        return self.tr("description")

    @property
    def start_date(self) -> datetime.date:
        return self.program.day_date(self.start_day)

    @property
    def end_date(self) -> datetime.date:
        return self.program.day_date(self.end_day)


class MilestoneKind(models.TextChoices):
    SESSION = "session", _("Session")
    AGREEMENT = "agreement", _("Agreement")
    PLAN = "plan", pgettext_lazy("milestone kind", "Plan")  # "Plan" alone is a verb elsewhere
    COMPETENCY_REVIEW = "competency_review", _("Competency review")
    SURVEY = "survey", _("Survey")
    TEACH_BACK = "teach_back", _("Teach-back")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    ALUMNI_TALK = "alumni_talk", _("Alumni talk")
    CUSTOM = "custom", _("Other")


class Concerns(models.TextChoices):
    """Who a milestone or a duty is for."""

    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")
    PAIR = "pair", _("Mentor and mentee")
    LINE_MANAGER = "line_manager", _("Mentee's line manager")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    PROGRAM_TEAM = "program_team", _("Program team")


class ProgramMilestone(TimeStampedModel, Translatable):
    """A dated step of the program's timeline. ``done_at`` is set when the program team ticks it
    for the program as a whole; per-pair completion comes from the mentorships app (see
    ``selectors.milestone_status``)."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices, default=MilestoneKind.CUSTOM)
    due_day = models.PositiveIntegerField(_("due on day"))
    concerns = models.CharField(_("concerns"), max_length=20, choices=Concerns.choices, default=Concerns.PAIR)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["phase__order", "due_day", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_day__gte=1), name="milestone_due_day_1_or_later"),
        ]

    def __str__(self) -> str:
        return self.tr("name")

    @property
    def description_tr(self) -> str:
        """The description in the active language."""
        return self.tr("description")

    @property
    def due_date(self) -> datetime.date:
        return self.phase.program.day_date(self.due_day)


class DutyPeriod(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    YEARLY = "yearly", _("Every year")
    ONCE = "once", _("Once")


class DutyRequirement(models.TextChoices):
    """What satisfies a duty, as a code the checklist (next issue) evaluates per pair and period.

    ``params`` refine it: ``min_count`` (how many in the period, default 1) and, for sessions,
    ``min_minutes`` (how long each must last)."""

    SESSION = "session", _("A session held")
    SESSION_IN_DEPTH = "session_in_depth", _("An in-depth session: topic, the mentee's questions and the "
                                              "mentor's advice recorded")
    MENTOR_ASSESSMENT = "mentor_assessment", _("A competency rating by the mentor against the job profile")
    SELF_ASSESSMENT = "self_assessment", _("A self-assessment by the mentee")
    SHARED_CASE = "shared_case", _("A case shared with the program")
    RESOURCE_SHARED = "resource_shared", _("A resource recommended to the mentee")
    CONTACT_BROKERED = "contact_brokered", _("A contact in another department brokered")
    GRAI_REVIEW = "grai_review", _("A review written as goal, result, analysis, insight (GRAI)")
    FEEDBACK = "feedback", _("Feedback given on the other side")


#: The keys ``CadenceDuty.params`` may hold, with their bounds (inclusive).
DUTY_PARAMS = {"min_count": (1, 31), "min_minutes": (5, 480)}


class CadenceDuty(TimeStampedModel, Translatable):
    """One line of a program's cadence policy: a duty each pair owes, how often, and what counts.

    For the pair's checklist (next issue): periods run from the day the pair's agreement took
    effect (``Mentorship.started_on``) — week 1, month 1, quarter 1 … — and ``once`` means once
    during the pairing. A period is met when the pair's log holds at least ``min_count`` entries
    satisfying ``requirement`` (each lasting ``min_minutes`` or more, for sessions) inside it.
    ``concerns`` says whose duty it is (usually the mentor's, source 002); ``required`` False makes
    it a suggestion that is never overdue."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cadence_duties")
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    required = models.BooleanField(_("required"), default=True)
    period = models.CharField(_("how often"), max_length=12, choices=DutyPeriod.choices)
    requirement = models.CharField(_("what counts"), max_length=30, choices=DutyRequirement.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    concerns = models.CharField(_("whose duty"), max_length=20, choices=Concerns.choices, default=Concerns.MENTOR)

    class Meta:
        ordering = ["program", "-required", "order", "id"]
        verbose_name_plural = _("cadence duties")
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="one_duty_code_per_program"),
        ]

    def __str__(self) -> str:
        return self.tr("name")

    @property
    def description_tr(self) -> str:
        """The description in the active language."""
        return self.tr("description")

    @property
    def min_count(self) -> int:
        return int((self.params or {}).get("min_count", 1))

    @property
    def min_minutes(self) -> int | None:
        value = (self.params or {}).get("min_minutes")
        return int(value) if value is not None else None
