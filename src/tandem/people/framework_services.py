"""Writes for the competency framework: groups, competencies with their level descriptors, job
profiles with their target levels (issue 14 §6). Each validates and runs in a transaction; the
pages (``framework_views``), the O*NET loader (``onet``) and the command call these.

Texts come in three languages. English lives in the model's own fields (``name``, ``descriptor``…);
Chinese and Russian in ``translations`` (``{"zh-hans": {"name": …}, "ru": {…}}``), which
:meth:`~tandem.people.models.Translatable.tr` reads in the reader's language, falling back to English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.validators import DB_BIGINT_MAX, multi_line_problem, single_line_problem
from tandem.people.models import (
    Competency,
    CompetencyGroup,
    CompetencyLevel,
    CompetencyRating,
    JobProfile,
    JobProfileRequirement,
)
from tandem.people.services import gaps_kept

LANGUAGES = ("en", "zh-hans", "ru")
OTHER_LANGUAGES = ("zh-hans", "ru")
# How a language shows in a field name of an error (and of the forms): ``name_zh``, ``level_3_ru``.
SUFFIX = {"en": "en", "zh-hans": "zh", "ru": "ru"}
LEVELS = (1, 2, 3, 4, 5)
CODE_MAX = 40
NAME_MAX = 120
TITLE_MAX = 160
DESCRIPTION_MAX = 4000
DESCRIPTOR_MAX = 300
ORDER_MAX = 32767
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

Texts = Mapping[str, Mapping[str, str]]  # language -> field -> text (Chinese and Russian)
Levels = Mapping[int, Mapping[str, str]]  # level 1..5 -> language ("en", "zh-hans", "ru") -> descriptor


class FrameworkErrorCode(StrEnum):
    GROUP_NOT_EMPTY = "group_not_empty"
    COMPETENCY_RATED = "competency_rated"


# -- checks -------------------------------------------------------------------------------


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationFailed(dict(self))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _check_line(errors: _Errors, field: str, value: str, *, max_length: int, required: bool = False) -> None:
    if required and not value:
        errors.add(field, _("This field is required."))
        return
    if len(value) > max_length:
        errors.add(field, ngettext("Keep this under %(n)s character.", "Keep this under %(n)s characters.",
                                   max_length) % {"n": max_length})
        return
    problem = single_line_problem(value)
    if problem:
        errors.add(field, problem)


def _check_text(errors: _Errors, field: str, value: str, *, max_length: int = DESCRIPTION_MAX) -> None:
    if len(value) > max_length:
        errors.add(field, ngettext("Keep this under %(n)s character.", "Keep this under %(n)s characters.",
                                   max_length) % {"n": max_length})
        return
    problem = multi_line_problem(value)
    if problem:
        errors.add(field, problem)


def _check_code(errors: _Errors, code: str, model: type, *, instance: Any = None) -> None:
    if not code:
        errors.add("code", _("This field is required."))
        return
    if len(code) > CODE_MAX:
        _check_line(errors, "code", code, max_length=CODE_MAX)
        return
    if not CODE_RE.match(code):
        errors.add("code", _("Use letters, digits, dots, hyphens and underscores only, starting with a letter "
                             "or digit."))
        return
    taken = model.objects.filter(code=code)
    if instance is not None and instance.pk:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        errors.add("code", _("This code is already used."))


def _clean_translations(errors: _Errors, translations: Texts | None, fields: Mapping[str, int],
                        multi_line: frozenset[str] = frozenset()) -> dict[str, dict[str, str]]:
    """``fields`` maps each translatable field to its maximum length. Errors are reported on
    ``<field>_<suffix>`` (``name_ru``, ``description_zh``). Empty texts are dropped."""
    out: dict[str, dict[str, str]] = {}
    for lang, texts in (translations or {}).items():
        if lang not in OTHER_LANGUAGES:
            errors.add("translations", _("Unknown language “%(lang)s”.") % {"lang": lang})
            continue
        for field_name, raw in (texts or {}).items():
            if field_name not in fields:
                errors.add("translations", _("Unknown field “%(field)s”.") % {"field": field_name})
                continue
            value = _text(raw)
            key = f"{field_name}_{SUFFIX[lang]}"
            if field_name in multi_line:
                _check_text(errors, key, value, max_length=fields[field_name])
            else:
                _check_line(errors, key, value, max_length=fields[field_name])
            if value:
                out.setdefault(lang, {})[field_name] = value
    return out


def _clean_levels(errors: _Errors, levels: Levels | None) -> dict[int, dict[str, str]]:
    """Descriptors per level 1..5; a level with no English text has no descriptor (its
    translations then are an error: English is what every reader falls back to)."""
    out: dict[int, dict[str, str]] = {}
    for raw_level, texts in (levels or {}).items():
        try:
            level = int(raw_level)
        except (TypeError, ValueError):
            level = 0
        if level not in LEVELS:
            errors.add("levels", _("Levels go from 1 to 5: %(level)s is not one of them.") % {"level": raw_level})
            continue
        clean: dict[str, str] = {}
        for lang, raw in (texts or {}).items():
            if lang not in LANGUAGES:
                errors.add("levels", _("Unknown language “%(lang)s”.") % {"lang": lang})
                continue
            value = _text(raw)
            _check_line(errors, f"level_{level}_{SUFFIX[lang]}", value, max_length=DESCRIPTOR_MAX)
            if value:
                clean[lang] = value
        if clean and "en" not in clean:
            errors.add(f"level_{level}_en", _("Describe level %(level)s in English too: readers of other "
                                              "languages fall back to it.") % {"level": level})
        if clean:
            out[level] = clean
    return out


def _save(obj: Any, **kwargs: Any) -> None:
    """Save in a savepoint, so a code taken meanwhile by someone else is a field error, not a 500."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError as exc:
        raise ValidationFailed({"code": [_("This code is already used.")]}) from exc


# -- groups -------------------------------------------------------------------------------


def _group_values(errors: _Errors, *, code: str, name: str, order: Any, translations: Texts | None,
                  instance: CompetencyGroup | None) -> dict[str, Any]:
    code, name = _text(code), _text(name)
    _check_code(errors, code, CompetencyGroup, instance=instance)
    _check_line(errors, "name", name, max_length=NAME_MAX, required=True)
    try:
        order_value = int(order or 0)
    except (TypeError, ValueError):
        order_value = -1
    if not 0 <= order_value <= ORDER_MAX:
        errors.add("order", _("Enter a whole number from 0 to %(max)s.") % {"max": ORDER_MAX})
    tr = _clean_translations(errors, translations, {"name": NAME_MAX})
    return {"code": code, "name": name, "order": order_value, "translations": tr}


@transaction.atomic
def group_create(*, code: str, name: str, order: int = 0, translations: Texts | None = None) -> CompetencyGroup:
    errors = _Errors()
    values = _group_values(errors, code=code, name=name, order=order, translations=translations, instance=None)
    errors.raise_any()
    group = CompetencyGroup(**values)
    _save(group)
    return group


@transaction.atomic
def group_update(*, group: CompetencyGroup, code: str, name: str, order: int = 0,
                 translations: Texts | None = None) -> CompetencyGroup:
    errors = _Errors()
    values = _group_values(errors, code=code, name=name, order=order, translations=translations, instance=group)
    errors.raise_any()
    for key, value in values.items():
        setattr(group, key, value)
    _save(group, update_fields=[*values, "updated_at"])
    return group


@transaction.atomic
def group_delete(*, group: CompetencyGroup) -> None:
    """Only an empty group goes: its competencies are moved or deleted first (PROTECT)."""
    group = CompetencyGroup.objects.select_for_update().get(pk=group.pk)
    count = group.competencies.count()
    if count:
        raise Conflict(
            ngettext("This group still holds %(n)s competency. Move it to another group or delete it first.",
                     "This group still holds %(n)s competencies. Move them to another group or delete them first.",
                     count) % {"n": count},
            code=FrameworkErrorCode.GROUP_NOT_EMPTY, data={"competencies": count},
        )
    group.delete()


# -- competencies -------------------------------------------------------------------------


def _competency_values(errors: _Errors, *, code: str, group: CompetencyGroup | None, name: str, description: str,
                       translations: Texts | None, instance: Competency | None) -> dict[str, Any]:
    code, name, description = _text(code), _text(name), _text(description)
    _check_code(errors, code, Competency, instance=instance)
    if group is None:
        errors.add("group", _("Choose the group this competency belongs to."))
    _check_line(errors, "name", name, max_length=NAME_MAX, required=True)
    _check_text(errors, "description", description)
    tr = _clean_translations(errors, translations, {"name": NAME_MAX, "description": DESCRIPTION_MAX},
                             multi_line=frozenset({"description"}))
    return {"code": code, "group": group, "name": name, "description": description, "translations": tr}


def _levels_write(competency: Competency, levels: dict[int, dict[str, str]]) -> None:
    """Make the competency's descriptors exactly ``levels`` (a level left empty is removed)."""
    existing = {lv.level: lv for lv in CompetencyLevel.objects.filter(competency=competency)}
    CompetencyLevel.objects.filter(competency=competency).exclude(level__in=list(levels)).delete()
    for level, texts in sorted(levels.items()):
        tr = {lang: {"descriptor": texts[lang]} for lang in OTHER_LANGUAGES if texts.get(lang)}
        row = existing.get(level)
        if row is None:
            CompetencyLevel.objects.create(competency=competency, level=level, descriptor=texts["en"], translations=tr)
        elif row.descriptor != texts["en"] or row.translations != tr:
            row.descriptor, row.translations = texts["en"], tr
            row.save(update_fields=["descriptor", "translations"])


@transaction.atomic
def competency_create(*, code: str, group: CompetencyGroup | None, name: str, description: str = "",
                      translations: Texts | None = None, levels: Levels | None = None) -> Competency:
    errors = _Errors()
    values = _competency_values(errors, code=code, group=group, name=name, description=description,
                                translations=translations, instance=None)
    clean_levels = _clean_levels(errors, levels)
    errors.raise_any()
    competency = Competency(**values)
    _save(competency)
    _levels_write(competency, clean_levels)
    return competency


@transaction.atomic
def competency_update(*, competency: Competency, code: str, group: CompetencyGroup | None, name: str,
                      description: str = "", translations: Texts | None = None,
                      levels: Levels | None = None) -> Competency:
    """Change a competency and set its descriptors to ``levels`` (levels not given are removed)."""
    errors = _Errors()
    values = _competency_values(errors, code=code, group=group, name=name, description=description,
                                translations=translations, instance=competency)
    clean_levels = _clean_levels(errors, levels)
    errors.raise_any()
    for key, value in values.items():
        setattr(competency, key, value)
    _save(competency, update_fields=[*values, "updated_at"])
    _levels_write(competency, clean_levels)
    return competency


@transaction.atomic
def competency_delete(*, competency: Competency) -> None:
    """Refused while ratings exist: they are people's history (and the current levels and gaps are
    computed from them). Job-profile targets and descriptors go with the competency."""
    competency = Competency.objects.select_for_update().get(pk=competency.pk)
    rated = CompetencyRating.objects.filter(competency=competency).count()
    if rated:
        raise Conflict(
            ngettext("“%(name)s” has %(n)s rating and cannot be deleted: ratings are people's history. "
                     "Edit the competency instead.",
                     "“%(name)s” has %(n)s ratings and cannot be deleted: ratings are people's history. "
                     "Edit the competency instead.", rated) % {"name": competency.tr("name"), "n": rated},
            code=FrameworkErrorCode.COMPETENCY_RATED, data={"ratings": rated},
        )
    competency.delete()


# -- job profiles and their targets ------------------------------------------------------


def _job_profile_values(errors: _Errors, *, code: str, title: str, description: str, translations: Texts | None,
                        instance: JobProfile | None) -> dict[str, Any]:
    code, title, description = _text(code), _text(title), _text(description)
    _check_code(errors, code, JobProfile, instance=instance)
    _check_line(errors, "title", title, max_length=TITLE_MAX, required=True)
    _check_text(errors, "description", description)
    tr = _clean_translations(errors, translations, {"title": TITLE_MAX, "description": DESCRIPTION_MAX},
                             multi_line=frozenset({"description"}))
    return {"code": code, "title": title, "description": description, "translations": tr}


@transaction.atomic
def job_profile_create(*, code: str, title: str, description: str = "",
                       translations: Texts | None = None) -> JobProfile:
    errors = _Errors()
    values = _job_profile_values(errors, code=code, title=title, description=description,
                                 translations=translations, instance=None)
    errors.raise_any()
    profile = JobProfile(**values)
    _save(profile)
    return profile


@transaction.atomic
def job_profile_update(*, job_profile: JobProfile, code: str, title: str, description: str = "",
                       translations: Texts | None = None) -> JobProfile:
    errors = _Errors()
    values = _job_profile_values(errors, code=code, title=title, description=description,
                                 translations=translations, instance=job_profile)
    errors.raise_any()
    for key, value in values.items():
        setattr(job_profile, key, value)
    _save(job_profile, update_fields=[*values, "updated_at"])
    return job_profile


@transaction.atomic
def job_profile_targets_set(*, job_profile: JobProfile, targets: Mapping[int, Any]) -> dict[str, int]:
    """Make the profile's target levels exactly ``targets`` (competency id -> level 1..5); a
    competency left out has no target any more. Returns how many were added, changed, removed."""
    JobProfile.objects.select_for_update().filter(pk=job_profile.pk).first()
    errors = _Errors()
    clean: dict[int, int] = {}
    for raw_id, raw_level in targets.items():
        try:
            level = int(raw_level)
        except (TypeError, ValueError):
            level = 0
        if level not in LEVELS:
            errors.add(f"target_{raw_id}", _("Choose a target level from 1 to 5."))
            continue
        try:
            cid = int(raw_id)
        except (TypeError, ValueError):
            cid = 0
        if not 0 < cid <= DB_BIGINT_MAX:
            errors.add("competency", _("No such competency."))
            continue
        clean[cid] = level
    known = set(Competency.objects.filter(pk__in=list(clean)).values_list("pk", flat=True))
    for cid in sorted(set(clean) - known):
        errors.add("competency", _("No such competency."))
        clean.pop(cid)
    errors.raise_any()
    existing = {r.competency_id: r for r in JobProfileRequirement.objects.filter(job_profile=job_profile)}
    removed = [cid for cid in existing if cid not in clean]
    added = changed = 0
    with gaps_kept(people=Q(job_profile=job_profile)):  # the dashboards' gaps of its people
        JobProfileRequirement.objects.filter(job_profile=job_profile, competency_id__in=removed).delete()
        for cid, level in clean.items():
            row = existing.get(cid)
            if row is None:
                JobProfileRequirement.objects.create(job_profile=job_profile, competency_id=cid, target_level=level)
                added += 1
            elif row.target_level != level:
                row.target_level = level
                row.save(update_fields=["target_level"])
                changed += 1
    return {"added": added, "changed": changed, "removed": len(removed)}
