"""Inputs versus outputs: editable suggestion rules (issue 12 §1).

A rule is one or two conditions on a group's figures (``inputs.METRICS``) and the advice shown when
all of them hold. A condition is either absolute ("competency gain below 0.3") or relative to the rest
of the scope ("satisfaction at least 0.5 below the others", which also needs the 95 % interval of the
difference to exclude zero). Rules are edited by HR in the admin; every text has an English version and
optional Chinese and Russian ones (English is the fallback).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel

__all__ = ["RELATIVE_OPS", "RuleMetric", "RuleOp", "SuggestionRule"]


class RuleMetric(models.TextChoices):
    HOURS_PER_MONTH = "hours_per_month", _("Mentoring hours per pair per month")
    SESSIONS_PER_MONTH = "sessions_per_month", _("Sessions held per pair per month")
    CADENCE_KEPT = "cadence_kept", _("Cadence kept (share of months with a session held)")
    RESOURCES = "resources", _("Resources shared per pair")
    COMPETENCY_GAIN = "competency_gain", _("Change in rated competency level")
    MILESTONES_DONE = "milestones_done", _("Plan milestones completed per pair")
    SATISFACTION = "satisfaction", _("Satisfaction (session feedback, 1–5)")
    SURVEY_SATISFACTION = "survey_satisfaction", _("Satisfaction (surveys, 1–5)")
    NPS = "nps", _("NPS (surveys, −100 to 100)")


class RuleOp(models.TextChoices):
    BELOW = "below", _("is below")
    AT_LEAST = "at_least", _("is at least")
    BELOW_OTHERS = "below_others", _("is below the others by at least")
    ABOVE_OTHERS = "above_others", _("is above the others by at least")


RELATIVE_OPS = (RuleOp.BELOW_OTHERS, RuleOp.ABOVE_OTHERS)
TEXT_LIMIT = 1000


class SuggestionRule(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    metric_a = models.CharField(_("first figure"), max_length=30, choices=RuleMetric.choices)
    op_a = models.CharField(_("first condition"), max_length=20, choices=RuleOp.choices)
    value_a = models.FloatField(_("first value"))
    metric_b = models.CharField(_("second figure"), max_length=30, choices=RuleMetric.choices, blank=True)
    op_b = models.CharField(_("second condition"), max_length=20, choices=RuleOp.choices, blank=True)
    value_b = models.FloatField(_("second value"), null=True, blank=True)
    text_en = models.TextField(_("suggestion (English)"), max_length=TEXT_LIMIT)
    text_zh_hans = models.TextField(_("suggestion (简体中文)"), max_length=TEXT_LIMIT, blank=True)
    text_ru = models.TextField(_("suggestion (Русский)"), max_length=TEXT_LIMIT, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("suggestion rule")
        verbose_name_plural = _("suggestion rules")

    def __str__(self) -> str:
        return self.code

    def conditions(self) -> list[tuple[str, str, float]]:
        out = [(self.metric_a, self.op_a, self.value_a)]
        if self.metric_b and self.op_b and self.value_b is not None:
            out.append((self.metric_b, self.op_b, self.value_b))
        return out

    def text(self, language: str | None = None) -> str:
        """The suggestion in ``language`` (default: the active one), else in English."""
        lang = (language or get_language() or "en").lower()
        if lang.startswith("zh") and self.text_zh_hans.strip():
            return self.text_zh_hans
        if lang.startswith("ru") and self.text_ru.strip():
            return self.text_ru
        return self.text_en

    def clean(self) -> None:
        errors: dict[str, str] = {}
        second = [bool(self.metric_b), bool(self.op_b), self.value_b is not None]
        if any(second) and not all(second):
            errors["metric_b"] = _("A second condition needs its figure, its comparison and its value.")
        for field in ("value_a", "value_b"):
            value = getattr(self, field)
            if value is not None and not (-1000.0 <= value <= 1000.0):
                errors[field] = _("A value lies between −1000 and 1000.")
        for op, field in ((self.op_a, "value_a"), (self.op_b, "value_b")):
            value = getattr(self, field)
            if op in RELATIVE_OPS and value is not None and value < 0:
                errors[field] = _("A distance from the others is zero or more.")
        for field in ("text_en", "text_zh_hans", "text_ru"):
            if "\x00" in (getattr(self, field) or ""):
                errors[field] = _("The text contains a NUL character.")
        if not (self.text_en or "").strip():
            errors["text_en"] = _("Write the suggestion in English (the fallback of every language).")
        if errors:
            raise ValidationError(errors)
