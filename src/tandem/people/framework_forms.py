"""Forms of the framework pages. They shape the input; the rules are in ``framework_services``."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import ModelChoiceField
from tandem.people.framework_services import (
    CODE_MAX,
    DESCRIPTION_MAX,
    DESCRIPTOR_MAX,
    LEVELS,
    NAME_MAX,
    ORDER_MAX,
    OTHER_LANGUAGES,
    SUFFIX,
    TITLE_MAX,
)
from tandem.people.models import CompetencyGroup

LANGUAGE_LABELS = {"en": _("English"), "zh-hans": _("Simplified Chinese"), "ru": _("Russian")}
CODE_HELP = _("A short, stable identifier used by imports (letters, digits, dots, hyphens, underscores).")


def _line(label: Any, max_length: int, *, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, help_text=help_text)


def _area(label: Any, *, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, max_length=DESCRIPTION_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": rows}))


class _TranslatedForm(forms.Form):
    """Adds ``<field>_zh`` and ``<field>_ru`` for each field in ``translated`` (field -> max length
    or None for a text area) and collects them as the services' ``translations``."""

    translated: ClassVar[dict[str, int | None]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, max_length in self.translated.items():
            base = self.fields[name]
            for lang in OTHER_LANGUAGES:
                label = _("%(field)s (%(language)s)") % {"field": base.label, "language": LANGUAGE_LABELS[lang]}
                key = f"{name}_{SUFFIX[lang]}"
                self.fields[key] = _area(label) if max_length is None else _line(label, max_length)

    def translations(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for lang in OTHER_LANGUAGES:
            for name in self.translated:
                value = self.cleaned_data.get(f"{name}_{SUFFIX[lang]}") or ""
                if value.strip():
                    out.setdefault(lang, {})[name] = value
        return out

    @classmethod
    def initial_from(cls, obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
        initial = {f: getattr(obj, f) for f in fields}
        for lang in OTHER_LANGUAGES:
            for name in cls.translated:
                initial[f"{name}_{SUFFIX[lang]}"] = (obj.translations or {}).get(lang, {}).get(name, "")
        return initial


class GroupForm(_TranslatedForm):
    translated: ClassVar[dict[str, int | None]] = {"name": NAME_MAX}

    code = _line(_("Code"), CODE_MAX, required=True, help_text=CODE_HELP)
    name = _line(_("Name"), NAME_MAX, required=True)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=ORDER_MAX, initial=0, required=False,
                               help_text=_("Groups are listed by this number, then by name."))

    def service_args(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"code": d["code"], "name": d["name"], "order": d.get("order") or 0,
                "translations": self.translations()}


class CompetencyForm(_TranslatedForm):
    translated: ClassVar[dict[str, int | None]] = {"name": NAME_MAX, "description": None}

    code = _line(_("Code"), CODE_MAX, required=True, help_text=CODE_HELP)
    group = ModelChoiceField(label=_("Group"), queryset=CompetencyGroup.objects.order_by("order", "name"),
                                   empty_label=_("Choose a group"))
    name = _line(_("Name"), NAME_MAX, required=True)
    description = _area(_("Description"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level in LEVELS:
            for lang in ("en", *OTHER_LANGUAGES):
                self.fields[f"level_{level}_{SUFFIX[lang]}"] = _line(
                    _("Level %(level)s (%(language)s)") % {"level": level, "language": LANGUAGE_LABELS[lang]},
                    DESCRIPTOR_MAX,
                )

    def level_rows(self) -> list[dict[str, Any]]:
        """For the template: one row per level with its three language fields."""
        return [{"level": level, "fields": [self[f"level_{level}_{SUFFIX[lang]}"] for lang in ("en", *OTHER_LANGUAGES)]}
                for level in LEVELS]

    def translated_fields(self) -> list[Any]:
        return [self[f"{name}_{SUFFIX[lang]}"] for name in self.translated for lang in OTHER_LANGUAGES]

    def levels(self) -> dict[int, dict[str, str]]:
        out: dict[int, dict[str, str]] = {}
        for level in LEVELS:
            texts = {lang: self.cleaned_data.get(f"level_{level}_{SUFFIX[lang]}") or ""
                     for lang in ("en", *OTHER_LANGUAGES)}
            if any(t.strip() for t in texts.values()):
                out[level] = texts
        return out

    def service_args(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"code": d["code"], "group": d["group"], "name": d["name"], "description": d.get("description") or "",
                "translations": self.translations(), "levels": self.levels()}

    @classmethod
    def initial_for(cls, competency: Any) -> dict[str, Any]:
        initial = cls.initial_from(competency, ("code", "name", "description"))
        initial["group"] = competency.group_id
        for row in competency.levels.all():
            initial[f"level_{row.level}_en"] = row.descriptor
            for lang in OTHER_LANGUAGES:
                initial[f"level_{row.level}_{SUFFIX[lang]}"] = (row.translations or {}).get(lang, {}).get(
                    "descriptor", "")
        return initial


class JobProfileForm(_TranslatedForm):
    translated: ClassVar[dict[str, int | None]] = {"title": TITLE_MAX, "description": None}

    code = _line(_("Code"), CODE_MAX, required=True, help_text=CODE_HELP)
    title = _line(_("Title"), TITLE_MAX, required=True)
    description = _area(_("Description"))

    def service_args(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"code": d["code"], "title": d["title"], "description": d.get("description") or "",
                "translations": self.translations()}


LEVEL_CHOICES = [("", "—"), *[(str(level), str(level)) for level in LEVELS]]


def targets_from_post(data: Any, current_ids: list[int]) -> tuple[dict[int, str], list[str]]:
    """The target levels a job profile's form posts: ``target_<competency id>`` for the listed
    competencies (empty: remove the target), and ``add_competency`` + ``add_level`` for a new one.
    Returns the targets for ``job_profile_targets_set`` and the problems of the add row."""
    targets: dict[int, str] = {}
    problems: list[str] = []
    for cid in current_ids:
        value = (data.get(f"target_{cid}") or "").strip()
        if value:
            targets[cid] = value
    add_id, add_level = (data.get("add_competency") or "").strip(), (data.get("add_level") or "").strip()
    if add_id or add_level:
        if not add_id.isdigit() or len(add_id) > 18:
            problems.append(str(_("Choose the competency to add.")))
        elif not add_level:
            problems.append(str(_("Choose a target level from 1 to 5.")))
        else:
            targets[int(add_id)] = add_level
    return targets, problems
