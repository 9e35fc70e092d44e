"""State of the three matching flows. The engine itself (matching/engine) stores nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel


class ConstraintKind(models.TextChoices):
    PIN = "pin", _("Always pair")
    EXCLUDE = "exclude", _("Never pair")


class MatchConstraint(TimeStampedModel):
    """A program manager's manual pin or exclusion for the bulk match."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="match_constraints")
    mentee = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ConstraintKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["program", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "mentee", "mentor"], name="one_constraint_per_pair"),
        ]


class JobStage(models.TextChoices):
    """Where a background computation of the matching flows is (its progress bar's caption)."""

    LOADING = "loading", _("Loading the people")
    SCORING = "scoring", _("Scoring every pair")
    SOLVING = "solving", _("Finding the best assignment")
    EXPLAINING = "explaining", _("Explaining the result")
    CHECKING = "checking", _("Checking the result is stable")
    SAVING = "saving", _("Saving the result")


class BackgroundJob(models.Model):
    """Progress of a computation run by the worker (copied from ``people.ImportJob``): the page
    polls ``progress`` and ``stage``; ``heartbeat_at`` is a sign of life, and a running job whose
    heartbeat is older than ``MATCHING_STALE_AFTER_SECONDS`` lost its worker and is failed."""

    progress = models.PositiveSmallIntegerField(default=0)  # percent, 0–100
    stage = models.CharField(max_length=12, choices=JobStage.choices, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # why it failed, in the requester's language

    class Meta:
        abstract = True


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being computed")
    FAILED = "failed", _("Failed")
    PREVIEW = "preview", _("Preview")
    COMMITTED = "committed", _("Committed")
    DISCARDED = "discarded", _("Discarded")


#: A run being computed: at most one per program.
ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class MatchRun(TimeStampedModel, BackgroundJob):
    """One bulk-match computation: requested (queued), computed by the worker (running), then a
    preview that is committed or discarded, or failed."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="match_runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    # [{"mentee": id, "mentor": id, "score": float, "pinned": bool, "reasons": [[criterion, contribution, detail]]}]
    pairs = models.JSONField(default=list)
    # [{"mentee": id, "reason": code}]
    unmatched = models.JSONField(default=list)
    total_score = models.FloatField(default=0)
    committed_at = models.DateTimeField(null=True, blank=True)
    # the requester's language: the messages of a failure are written in it
    language = models.CharField(max_length=10, blank=True)
    # pairs and unmatched are stored by mentee name (as of the preview): a page is a slice of the
    # array, not every entry joined to its mentee and sorted on each view
    by_name = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program"], condition=Q(status__in=["queued", "running"]),
                                    name="one_active_match_run_per_program"),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="matchrun_status_heartbeat")]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for ranking")
    PUBLISHED = "published", _("Results published")


class SelectionRound(TimeStampedModel):
    """A blind mutual-selection round (source 003): graduates and departments rank each other."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="selection_rounds")
    name = models.CharField(_("name"), max_length=120)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    published_at = models.DateTimeField(null=True, blank=True)
    # a second round: only the graduates not placed in this earlier round take part
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="second_rounds")

    class Meta:
        ordering = ["-deadline"]

    def __str__(self) -> str:
        return self.name


class RoundSeat(models.Model):
    """A department taking part in a round: how many graduates it can take and how it presents itself."""

    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="seats")
    department = models.ForeignKey("people.Department", on_delete=models.CASCADE, related_name="round_seats")
    seats = models.PositiveSmallIntegerField(_("places"))
    pitch = models.TextField(_("why join us"), blank=True, max_length=4000)

    class Meta:
        ordering = ["department__name"]
        constraints = [models.UniqueConstraint(fields=["round", "department"], name="one_seat_row_per_department")]


class ApplicantChoice(models.Model):
    """A graduate's ranking of a department (1 = first choice). Replaced whole on each save."""

    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="applicant_choices")
    applicant = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("people.Department", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["round", "applicant", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "applicant", "department"], name="applicant_ranks_department_once"),
            models.UniqueConstraint(fields=["round", "applicant", "rank"], name="applicant_rank_unique"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="applicant_rank_positive"),
        ]


class DepartmentChoice(models.Model):
    """A department's ranking of a graduate (1 = first choice), entered by its head."""

    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="department_choices")
    department = models.ForeignKey("people.Department", on_delete=models.CASCADE, related_name="+")
    applicant = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["round", "department", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "department", "applicant"], name="department_ranks_applicant_once"),
            models.UniqueConstraint(fields=["round", "department", "rank"], name="department_rank_unique"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="department_rank_positive"),
        ]


class Placement(models.Model):
    """The published outcome for one graduate in a round (department empty = not placed)."""

    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="placements")
    applicant = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="placements")
    department = models.ForeignKey("people.Department", null=True, on_delete=models.CASCADE, related_name="+")
    applicant_rank = models.PositiveSmallIntegerField(null=True)
    department_rank = models.PositiveSmallIntegerField(null=True)
    # placed by the program manager after publication (not by the matching)
    manual = models.BooleanField(default=False)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    placed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "applicant__full_name"]
        constraints = [models.UniqueConstraint(fields=["round", "applicant"], name="one_placement_per_round")]


class PublicationStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being computed")
    DONE = "done", _("Published")
    FAILED = "failed", _("Failed")


ACTIVE_PUBLICATION_STATUSES = (PublicationStatus.QUEUED, PublicationStatus.RUNNING)


class RoundPublication(TimeStampedModel, BackgroundJob):
    """One "close and publish" of a round, computed by the worker. While one is queued or running
    the round's rankings are frozen; a failed one leaves the round open."""

    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="publications")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    status = models.CharField(max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.QUEUED)
    force = models.BooleanField(default=False)  # closed before the deadline, as requested
    language = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["round"], condition=Q(status__in=["queued", "running"]),
                                    name="one_active_publication_per_round"),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="roundpub_status_heartbeat")]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_PUBLICATION_STATUSES
