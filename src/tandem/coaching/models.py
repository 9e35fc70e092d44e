"""Scenario coaching prompts (source 002, "场景化引导"): content, not code.

- :class:`PromptRule`: *when* a situation is detected — one of the fixed signals computed from the
  log (:mod:`tandem.coaching.detect`), compared with a threshold (``overdue_items >= 2``), over a
  window of days where the signal has one, with a minimum sample where it needs one. The rules of
  a situation are alternatives: the situation is detected when any enabled rule of it holds.
- :class:`Prompt` and :class:`PromptText`: *what* the mentor is offered for a situation — a title,
  phrasing suggestions (one per line) and why they help, one row per language (English, Chinese,
  Russian ship; English is the fallback).

Which rules exist, their thresholds and the texts are edited in the admin; the signals are a
fixed, documented set (``detect.SIGNALS``) and the params a rule may take are validated against it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel

TITLE_LIMIT = 200
PHRASING_LIMIT = 4000
WHY_LIMIT = 2000
FALLBACK_LANGUAGE = "en"


class Situation(models.TextChoices):
    STUCK = "stuck", _("Stuck")
    PROGRESSING = "progressing", _("Progressing")
    DEPENDENT = "dependent", _("Dependent")
    DISENGAGED = "disengaged", _("Disengaged")


class Operator(models.TextChoices):
    AT_LEAST = ">=", _("at least (≥)")
    AT_MOST = "<=", _("at most (≤)")


def _signals() -> list[tuple[str, str]]:
    from tandem.coaching.detect import signal_choices

    return signal_choices()


class PromptRule(TimeStampedModel):
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices)
    signal = models.CharField(_("signal"), max_length=40, choices=_signals,
                              help_text=_("One of the signals computed from the log (see “Signals” in the admin)."))
    operator = models.CharField(_("comparison"), max_length=2, choices=Operator.choices, default=Operator.AT_LEAST)
    threshold = models.DecimalField(_("threshold"), max_digits=7, decimal_places=2)
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"), null=True, blank=True,
        help_text=_("For signals counted over the last days: how many days. Leave empty for the others."))
    min_sample = models.PositiveSmallIntegerField(
        _("minimum sample"), null=True, blank=True,
        help_text=_("For averages and shares: how many ratings or messages it takes before the rule may fire."))
    enabled = models.BooleanField(_("enabled"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("prompt rule")
        verbose_name_plural = _("prompt rules")
        constraints = [
            models.CheckConstraint(condition=Q(operator__in=[">=", "<="]), name="prompt_rule_operator_known"),
            models.CheckConstraint(
                condition=Q(situation__in=["stuck", "progressing", "dependent", "disengaged"]),
                name="prompt_rule_situation_known"),
            models.CheckConstraint(condition=Q(threshold__gte=Decimal("0")), name="prompt_rule_threshold_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_situation_display()}: {self.signal} {self.operator} {self.threshold.normalize():f}"

    def clean(self) -> None:
        from tandem.coaching.detect import rule_problems

        problems = rule_problems(signal=self.signal, threshold=self.threshold, window_days=self.window_days,
                                 min_sample=self.min_sample)
        if problems:
            raise ValidationError(problems)


class Prompt(TimeStampedModel):
    """Phrasing suggestions for one situation. Texts in :class:`PromptText` (one row per language)."""

    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("coaching prompt")
        verbose_name_plural = _("coaching prompts")
        constraints = [
            models.CheckConstraint(
                condition=Q(situation__in=["stuck", "progressing", "dependent", "disengaged"]),
                name="prompt_situation_known"),
        ]

    def __str__(self) -> str:
        return self.code

    def text(self, language: str | None = None) -> PromptText | None:
        """The text in ``language`` (default: the active one), else English, else any.
        Uses prefetched ``texts`` when they are there."""
        lang = (language or get_language() or FALLBACK_LANGUAGE).lower()
        texts = list(self.texts.all())
        by_lang = {t.language: t for t in texts}
        return (by_lang.get(lang) or by_lang.get(lang.split("-")[0]) or by_lang.get(FALLBACK_LANGUAGE)
                or (texts[0] if texts else None))


def _languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


class PromptText(TimeStampedModel):
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=10, choices=_languages)
    title = models.CharField(_("title"), max_length=TITLE_LIMIT)
    phrasings = models.TextField(_("phrasing suggestions"), max_length=PHRASING_LIMIT,
                                 help_text=_("One suggestion per line."))
    why = models.TextField(_("why it helps"), max_length=WHY_LIMIT, blank=True)

    class Meta:
        ordering = ["prompt", "language"]
        verbose_name = _("prompt text")
        verbose_name_plural = _("prompt texts")
        constraints = [models.UniqueConstraint(fields=["prompt", "language"], name="one_prompt_text_per_language")]

    def __str__(self) -> str:
        return f"{self.prompt_id} [{self.language}] {self.title}"

    @property
    def phrasing_list(self) -> list[str]:
        return [line.strip() for line in self.phrasings.splitlines() if line.strip()]

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for name in ("title", "phrasings", "why"):
            value = getattr(self, name) or ""
            allowed = "" if name == "title" else "\n\r"
            if any((ord(c) < 32 and c not in allowed) or 127 <= ord(c) < 160 for c in value):
                errors.setdefault(name, []).append(str(_("Remove the control characters from this text.")))
        if not self.phrasing_list:
            errors.setdefault("phrasings", []).append(str(_("Write at least one phrasing suggestion.")))
        if errors:
            raise ValidationError(errors)
