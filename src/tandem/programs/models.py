"""Programs and enrolment. Phases, templates and cadence policies hang off Program later."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel


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

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="program_ends_after_start")
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
