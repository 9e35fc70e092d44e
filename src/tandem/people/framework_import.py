"""The ``competencies`` import kind: competencies, their groups and level descriptors (1–5, three
languages) from a spreadsheet, through the people import (page and ``POST /api/imports``): every row
validated, then all of it written or nothing. Registered from ``PeopleConfig.ready()``.

One row per competency, matched by code: an existing code is updated, a new one created. A group
that does not exist yet is created from the first row naming it (``group_name`` is then required).
An optional column left out of the file keeps the saved value; an empty cell clears it. The writes
go through ``framework_services``, so an import obeys the same rules as the pages.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.validators import multi_line_problem, single_line_problem
from tandem.people import framework_services as fs
from tandem.people.importing import Column, Importer, register_kind, text
from tandem.people.models import Competency, CompetencyGroup, ImportKind

LANG_OF = {"zh": "zh-hans", "ru": "ru"}


def _level_columns() -> tuple[Column, ...]:
    out = [Column(f"level_{level}", False,
                  gettext_lazy("What this level looks like, in English (at most 300 characters). Empty: no "
                               "descriptor for this level."),
                  "Explains a decision to the team" if level == 3 else "")
           for level in fs.LEVELS]
    for level in fs.LEVELS:
        out.append(Column(f"level_{level}_zh", False,
                          gettext_lazy("This level in Simplified Chinese (needs the English text too)."), ""))
        out.append(Column(f"level_{level}_ru", False,
                          gettext_lazy("This level in Russian (needs the English text too)."), ""))
    return tuple(out)


COLUMNS: tuple[Column, ...] = (
    Column("code", True, gettext_lazy("Unique code of the competency; the key for updates (letters, digits, "
                                      ". - _)."), "communication"),
    Column("group_code", True, gettext_lazy("Code of the competency's group, saved or new."), "SOFT"),
    Column("group_name", False, gettext_lazy("Name of the group: required for a new group, renames a saved one."),
           "Soft skills"),
    Column("name", True, gettext_lazy("Name in English."), "Communication"),
    Column("name_zh", False, gettext_lazy("Name in Simplified Chinese."), "沟通"),
    Column("name_ru", False, gettext_lazy("Name in Russian."), "Коммуникация"),
    Column("description", False, gettext_lazy("Description in English."), ""),
    Column("description_zh", False, gettext_lazy("Description in Simplified Chinese."), ""),
    Column("description_ru", False, gettext_lazy("Description in Russian."), ""),
    *_level_columns(),
)
NOTE = gettext_lazy(
    "Competencies are matched by code: an existing code is updated, with its level descriptors as the file "
    "gives them. Import competencies before the job profiles that target them."
)
MULTI_LINE = frozenset({"description", "description_zh", "description_ru"})


class CompetencyImporter(Importer):
    kind = ImportKind.COMPETENCIES

    def preload(self) -> None:
        self.groups = {g.code: g for g in CompetencyGroup.objects.all()}
        self.existing = {c.code: c for c in Competency.objects.prefetch_related("levels")}
        self.records: dict[str, dict[str, Any]] = {}
        self.group_names: dict[str, tuple[int, str]] = {}
        self.group_rows: dict[str, int] = {}

    def _cell(self, number: int, cells: list[Any], at: dict[str, int], name: str, max_length: int) -> str | None:
        if name not in at:
            return None
        raw = cells[at[name]]
        value = text(raw)
        if len(value) > max_length:
            self.error(number, name, raw, _("At most %(n)s characters.") % {"n": max_length})
            return value
        problem = (multi_line_problem if name in MULTI_LINE else single_line_problem)(value)
        if problem:
            self.error(number, name, raw, problem)
        return value

    def validate_row(self, number: int, cells: list[Any], at: dict[str, int]) -> None:
        code = self.required_text(number, cells, at, "code", fs.CODE_MAX)
        if code and not fs.CODE_RE.match(code):
            self.error(number, "code", code, _("Use letters, digits, dots, hyphens and underscores only, "
                                               "starting with a letter or digit."))
        group_code = self.required_text(number, cells, at, "group_code", fs.CODE_MAX)
        if group_code and not fs.CODE_RE.match(group_code):
            self.error(number, "group_code", group_code, _("Use letters, digits, dots, hyphens and underscores "
                                                           "only, starting with a letter or digit."))
        group_name = self._cell(number, cells, at, "group_name", fs.NAME_MAX)
        name = self.required_text(number, cells, at, "name", fs.NAME_MAX)
        rec: dict[str, Any] = {"row": number, "group_code": group_code, "name": name}
        for field, max_length in (("name_zh", fs.NAME_MAX), ("name_ru", fs.NAME_MAX),
                                  ("description", fs.DESCRIPTION_MAX), ("description_zh", fs.DESCRIPTION_MAX),
                                  ("description_ru", fs.DESCRIPTION_MAX)):
            rec[field] = self._cell(number, cells, at, field, max_length)
        levels: dict[int, dict[str, str | None]] = {}
        for level in fs.LEVELS:
            texts = {"en": self._cell(number, cells, at, f"level_{level}", fs.DESCRIPTOR_MAX)}
            for suffix, lang in LANG_OF.items():
                texts[lang] = self._cell(number, cells, at, f"level_{level}_{suffix}", fs.DESCRIPTOR_MAX)
            if any(t for t in texts.values() if t) and not texts["en"]:
                saved = self._saved_level(code, level)
                if texts["en"] is not None or saved is None:
                    self.error(number, f"level_{level}", texts["en"] or "",
                               _("Describe level %(level)s in English too: readers of other languages fall "
                                 "back to it.") % {"level": level})
            levels[level] = texts
        rec["levels"] = levels
        if group_code and group_name:
            first = self.group_names.setdefault(group_code, (number, group_name))
            if first[1] != group_name:
                self.error(number, "group_name", group_name,
                           _("Differs from the group name on row %(row)s.") % {"row": first[0]})
        if group_code:
            self.group_rows.setdefault(group_code, number)
        if not code:
            return
        if code in self.records:
            self.error(number, "code", code, _("This code appears again (first on row %(row)s).")
                       % {"row": self.records[code]["row"]})
            return
        self.records[code] = rec

    def _saved_level(self, code: str, level: int) -> Any:
        comp = self.existing.get(code)
        if comp is None:
            return None
        return next((lv for lv in comp.levels.all() if lv.level == level), None)

    def validate_across(self) -> None:
        for group_code, row in self.group_rows.items():
            if group_code not in self.groups and group_code not in self.group_names:
                self.error(row, "group_name", "", _("No group with this code yet: give its name to create it."))

    # writing --------------------------------------------------------------------------------

    def _merged(self, code: str, rec: dict[str, Any]) -> dict[str, Any]:
        """The service arguments: the file's values, the saved ones where a column is absent."""
        old = self.existing.get(code)
        old_tr = (old.translations if old else {}) or {}

        def keep(value: str | None, saved: str) -> str:
            return saved if value is None else value

        description = keep(rec["description"], old.description if old else "")
        translations: dict[str, dict[str, str]] = {}
        for suffix, lang in LANG_OF.items():
            for field in ("name", "description"):
                value = keep(rec[f"{field}_{suffix}"], old_tr.get(lang, {}).get(field, ""))
                if value:
                    translations.setdefault(lang, {})[field] = value
        levels: dict[int, dict[str, str]] = {}
        for level, texts in rec["levels"].items():
            saved = self._saved_level(code, level)
            saved_tr = (saved.translations if saved else {}) or {}
            merged = {"en": keep(texts["en"], saved.descriptor if saved else "")}
            for lang in LANG_OF.values():
                merged[lang] = keep(texts[lang], saved_tr.get(lang, {}).get("descriptor", ""))
            if merged["en"]:
                levels[level] = merged
        return {"code": code, "name": rec["name"], "description": description, "translations": translations,
                "levels": levels}

    def write(self) -> tuple[int, int]:
        for group_code, (_row, name) in self.group_names.items():
            group = self.groups.get(group_code)
            if group is None:
                self.groups[group_code] = fs.group_create(code=group_code, name=name)
            elif group.name != name:
                fs.group_update(group=group, code=group.code, name=name, order=group.order,
                                translations=group.translations)
        created = 0
        for code, rec in self.records.items():
            args = self._merged(code, rec) | {"group": self.groups[rec["group_code"]]}
            old = self.existing.get(code)
            if old is None:
                fs.competency_create(**args)
                created += 1
            else:
                fs.competency_update(competency=old, **args)
        return created, len(self.records) - created


def register() -> None:
    register_kind(ImportKind.COMPETENCIES, COLUMNS, NOTE, CompetencyImporter)
