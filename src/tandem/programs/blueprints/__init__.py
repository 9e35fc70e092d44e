"""Ready-made program templates, as data.

Each template is a :class:`Blueprint`: the program's type, matching mode, default capacity and
agreement settings, its phases with their milestones, and its cadence policy. Names and
descriptions carry their translations in the data itself (``{"en": …, "zh-hans": …, "ru": …}``),
and are copied into the new program's ``translations`` JSON like the competency catalogue's, so a
program made from a template reads in each person's language and can be edited afterwards.

``services.program_create_from_template`` copies one into a new program. Days count from the
program's start (day 1 is the start date). The four templates follow the source documents:

- ``new_manager_60`` (source 000): 60-day new-manager training with teach-back;
- ``graduate_cohort`` (source 003): three stages and eleven nodes, blind mutual selection;
- ``reverse_6m`` (source 001): six months of weekly 1.5-hour reverse-mentoring sessions;
- ``classic_12m`` (source 002): twelve months with the mentor's responsibility checklist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

#: Languages every text in a template carries; "en" is also stored in the plain model fields.
LANGUAGES = ("en", "zh-hans", "ru")

Text = dict[str, str]


def text_in(text: Text, language: str | None = None) -> str:
    """``text`` in ``language`` (default: the active one), falling back to English."""
    lang = (language or get_language() or "en").lower()
    return text.get(lang) or text.get(lang.split("-")[0]) or text["en"]


def translations_of(**texts: Text) -> dict[str, dict[str, str]]:
    """``{"zh-hans": {"name": …, "description": …}, "ru": {…}}`` for a model's ``translations``."""
    out: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES[1:]:
        values = {f: t[lang] for f, t in texts.items() if t.get(lang)}
        if values:
            out[lang] = values
    return out


@dataclass(frozen=True)
class MilestoneBlueprint:
    name: Text
    kind: str
    due_day: int
    concerns: str
    description: Text = field(default_factory=lambda: {"en": ""})


@dataclass(frozen=True)
class PhaseBlueprint:
    name: Text
    start_day: int
    end_day: int
    description: Text = field(default_factory=lambda: {"en": ""})
    milestones: tuple[MilestoneBlueprint, ...] = ()


@dataclass(frozen=True)
class DutyBlueprint:
    code: str
    name: Text
    period: str
    requirement: str
    required: bool = True
    concerns: str = "mentor"
    params: dict[str, Any] = field(default_factory=dict)
    description: Text = field(default_factory=lambda: {"en": ""})


@dataclass(frozen=True)
class Blueprint:
    code: str
    source: str  # which seed document it follows
    name: Text
    description: Text
    program_type: str
    matching_mode: str
    default_mentor_capacity: int
    length_days: int
    agreement_required: bool
    agreement_signers: tuple[str, ...]
    phases: tuple[PhaseBlueprint, ...]
    duties: tuple[DutyBlueprint, ...] = ()

    @property
    def milestone_count(self) -> int:
        return sum(len(p.milestones) for p in self.phases)


def all_blueprints() -> list[Blueprint]:
    from tandem.programs.blueprints.catalogue import BLUEPRINTS

    return list(BLUEPRINTS)


def get_blueprint(code: str) -> Blueprint | None:
    return next((b for b in all_blueprints() if b.code == code), None)
