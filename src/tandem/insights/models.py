"""Outcome records: what happened to people (retention, promotion, NPS ...), one value per person,
metric and cohort, to compare cohorts honestly (``insights/stats``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel
from tandem.people.models import Translatable


class MetricKind(models.TextChoices):
    PROPORTION = "proportion", _("Proportion (0 or 1 per person)")
    MEAN = "mean", _("Mean (a number per person)")


class OutcomeSource(models.TextChoices):
    LIFECYCLE = "lifecycle", _("Lifecycle")
    SURVEY = "survey", _("Survey")
    IMPORT = "import", _("Import")


class OutcomeMetric(TimeStampedModel, Translatable):
    """A metric the company measures. Its ``kind`` is fixed by the first record that names it;
    ``translations = {"ru": {"label": ...}}`` words it per language."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    label = models.CharField(_("label"), max_length=160, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=MetricKind.choices)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("outcome metric")
        verbose_name_plural = _("outcome metrics")

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.tr("label") or self.name


class OutcomeRecord(TimeStampedModel):
    """One person's value of one metric in one cohort (``cohort`` may be empty). Importing the same
    person, metric and cohort again replaces the value: one value per person per comparison."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="outcome_records",
                               verbose_name=_("person"))
    metric = models.ForeignKey(OutcomeMetric, on_delete=models.PROTECT, related_name="records",
                               verbose_name=_("metric"))
    cohort = models.CharField(_("cohort"), max_length=80, blank=True)
    value = models.FloatField(_("value"))
    recorded_on = models.DateField(_("recorded on"))
    source = models.CharField(_("source"), max_length=12, choices=OutcomeSource.choices,
                              default=OutcomeSource.IMPORT)

    class Meta:
        ordering = ["metric", "cohort", "person"]
        verbose_name = _("outcome record")
        verbose_name_plural = _("outcome records")
        constraints = [
            models.UniqueConstraint(fields=["person", "metric", "cohort"], name="one_outcome_per_person_metric_cohort"),
        ]
        indexes = [
            models.Index(fields=["cohort", "metric"]),
            models.Index(fields=["person", "metric", "recorded_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.metric_id}:{self.person_id}={self.value}"


# The other parts of the aggregate, each in its own module (imported here so Django sees the models).
from tandem.insights.inputs_models import *  # noqa: E402,F401,F403
from tandem.insights.department_models import *  # noqa: E402,F401,F403
