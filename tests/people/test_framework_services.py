"""Framework services: groups, competencies with level descriptors in three languages, job-profile
targets; validation at the boundary and the protection of rated competencies (issue 14 §6)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import ProtectedError
from django.utils import translation

from tandem.core.errors import Conflict, ValidationFailed
from tandem.people import framework_services as fs
from tandem.people import services as people_services
from tandem.people.models import (
    Competency,
    CompetencyGroup,
    CompetencyLevel,
    JobProfile,
    JobProfileRequirement,
)
from tests.factories import (
    CompetencyFactory,
    CompetencyGroupFactory,
    JobProfileFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return CompetencyGroupFactory(code="SOFT", name="Soft skills")


def levels_three_languages():
    return {
        1: {"en": "Listens when asked", "zh-hans": "被要求时倾听", "ru": "Слушает, когда просят"},
        3: {"en": "Summarises what others said", "zh-hans": "", "ru": "Пересказывает сказанное"},
        5: {"en": "Coaches others in listening"},
    }


def errors_of(exc_info) -> dict:
    return exc_info.value.errors


# -- competencies ---------------------------------------------------------------------------


def test_a_competency_is_created_with_descriptors_in_three_languages(group):
    comp = fs.competency_create(
        code="listening", group=group, name="Listening", description="Hears people out.",
        translations={"zh-hans": {"name": "倾听"}, "ru": {"name": "Слушание", "description": "Выслушивает"}},
        levels=levels_three_languages(),
    )

    comp.refresh_from_db()
    assert comp.translations == {"zh-hans": {"name": "倾听"}, "ru": {"name": "Слушание", "description": "Выслушивает"}}
    rows = {lv.level: lv for lv in CompetencyLevel.objects.filter(competency=comp)}
    assert sorted(rows) == [1, 3, 5]
    assert rows[1].descriptor == "Listens when asked"
    assert rows[1].translations == {"zh-hans": {"descriptor": "被要求时倾听"}, "ru": {"descriptor": "Слушает, когда просят"}}
    assert rows[3].translations == {"ru": {"descriptor": "Пересказывает сказанное"}}  # the empty Chinese is dropped
    with translation.override("ru"):
        assert comp.tr("name") == "Слушание" and rows[1].tr("descriptor") == "Слушает, когда просят"
        assert rows[5].tr("descriptor") == "Coaches others in listening"  # falls back to English
    with translation.override("zh-hans"):
        assert rows[1].tr("descriptor") == "被要求时倾听"


def test_updating_a_competency_sets_its_descriptors_exactly(group):
    comp = fs.competency_create(code="listening", group=group, name="Listening", levels=levels_three_languages())
    other = CompetencyGroupFactory()

    fs.competency_update(competency=comp, code="listening-2", group=other, name="Active listening",
                         levels={2: {"en": "Asks a follow-up question"}, 3: {"en": "Summarises accurately"}})

    comp.refresh_from_db()
    assert (comp.code, comp.group, comp.name) == ("listening-2", other, "Active listening")
    assert dict(comp.levels.values_list("level", "descriptor")) == {
        2: "Asks a follow-up question", 3: "Summarises accurately"}
    assert comp.levels.get(level=3).translations == {}  # the old Russian text described the old wording


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": "Bad\x00name"}, "name"),
    ({"name": "Two\nlines"}, "name"),
    ({"code": ""}, "code"),
    ({"code": "c" * 41}, "code"),
    ({"code": "has space"}, "code"),
    ({"code": "bad\x00"}, "code"),
    ({"description": "nul\x00inside"}, "description"),
    ({"description": "d" * 4001}, "description"),
    ({"group": None}, "group"),
    ({"translations": {"ru": {"name": "я" * 121}}}, "name_ru"),
    ({"translations": {"zh-hans": {"name": "\x00"}}}, "name_zh"),
    ({"translations": {"de": {"name": "Zuhören"}}}, "translations"),
    ({"levels": {0: {"en": "Below the scale"}}}, "levels"),
    ({"levels": {6: {"en": "Above the scale"}}}, "levels"),
    ({"levels": {"three": {"en": "Not a number"}}}, "levels"),
    ({"levels": {2: {"en": "d" * 301}}}, "level_2_en"),
    ({"levels": {2: {"en": "nul \x00"}}}, "level_2_en"),
    ({"levels": {4: {"ru": "Только по-русски"}}}, "level_4_en"),
])
def test_invalid_competency_input_is_refused_with_a_message_on_its_field(group, kwargs, field):
    args = {"code": "listening", "group": group, "name": "Listening"} | kwargs

    with pytest.raises(ValidationFailed) as exc:
        fs.competency_create(**args)

    assert field in errors_of(exc) and all(errors_of(exc)[field])
    assert not Competency.objects.filter(code="listening").exists()


def test_a_duplicate_competency_code_is_refused_and_the_own_code_is_kept_on_edit(group):
    first = fs.competency_create(code="listening", group=group, name="Listening")
    second = fs.competency_create(code="speaking", group=group, name="Speaking")

    with pytest.raises(ValidationFailed) as exc:
        fs.competency_create(code="listening", group=group, name="Listening again")
    assert errors_of(exc) == {"code": ["This code is already used."]}
    with pytest.raises(ValidationFailed):
        fs.competency_update(competency=second, code="listening", group=group, name="Speaking")

    fs.competency_update(competency=first, code="listening", group=group, name="Listening well")
    assert Competency.objects.get(code="listening").name == "Listening well"


def test_a_rated_competency_cannot_be_deleted(group):
    comp = fs.competency_create(code="listening", group=group, name="Listening", levels=levels_three_languages())
    person = PersonFactory()
    people_services.rating_record(person=person, competency=comp, level=3, source="manager", rated_by=None,
                                  rated_on=datetime.date(2026, 1, 5))

    with pytest.raises(Conflict) as exc:
        fs.competency_delete(competency=comp)

    assert exc.value.code == fs.FrameworkErrorCode.COMPETENCY_RATED
    assert "1 rating" in str(exc.value.message) and exc.value.data == {"ratings": 1}
    assert Competency.objects.filter(pk=comp.pk).exists() and comp.levels.count() == 3
    with pytest.raises(ProtectedError):  # and the model refuses it too (the back office, a script)
        Competency.objects.filter(pk=comp.pk).delete()


def test_an_unrated_competency_is_deleted_with_its_descriptors_and_targets(group):
    comp = fs.competency_create(code="listening", group=group, name="Listening", levels=levels_three_languages())
    profile = JobProfileFactory()
    fs.job_profile_targets_set(job_profile=profile, targets={comp.pk: 4})

    fs.competency_delete(competency=comp)

    assert not Competency.objects.filter(pk=comp.pk).exists()
    assert not CompetencyLevel.objects.filter(competency_id=comp.pk).exists()
    assert not JobProfileRequirement.objects.filter(job_profile=profile).exists()


# -- groups -------------------------------------------------------------------------------------


def test_a_group_is_created_and_edited_with_its_translations():
    g = fs.group_create(code="TECH", name="Technical", order=2, translations={"ru": {"name": "Технические"}})
    fs.group_update(group=g, code="TECH", name="Technical skills", order=3,
                    translations={"zh-hans": {"name": "技术能力"}})

    g.refresh_from_db()
    assert (g.name, g.order, g.translations) == ("Technical skills", 3, {"zh-hans": {"name": "技术能力"}})


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": ""}, "name"), ({"name": "n" * 121}, "name"), ({"name": "a\x00"}, "name"),
    ({"code": "SOFT"}, "code"), ({"order": -1}, "order"), ({"order": 40000}, "order"), ({"order": "x"}, "order"),
])
def test_invalid_group_input_is_refused(group, kwargs, field):
    with pytest.raises(ValidationFailed) as exc:
        fs.group_create(**({"code": "NEW", "name": "New"} | kwargs))
    assert field in errors_of(exc)


def test_a_group_holding_competencies_is_not_deleted_but_an_empty_one_is(group):
    CompetencyFactory(group=group)
    empty = CompetencyGroupFactory()

    with pytest.raises(Conflict) as exc:
        fs.group_delete(group=group)
    fs.group_delete(group=empty)

    assert exc.value.code == fs.FrameworkErrorCode.GROUP_NOT_EMPTY
    assert CompetencyGroup.objects.filter(pk=group.pk).exists()
    assert not CompetencyGroup.objects.filter(pk=empty.pk).exists()


# -- job profiles and targets --------------------------------------------------------------------


def test_a_job_profile_is_created_and_its_targets_set_changed_and_removed(group):
    a, b, c = (CompetencyFactory(group=group) for _ in range(3))
    profile = fs.job_profile_create(code="ANALYST", title="Analyst", translations={"ru": {"title": "Аналитик"}})

    first = fs.job_profile_targets_set(job_profile=profile, targets={a.pk: 3, b.pk: "4"})
    second = fs.job_profile_targets_set(job_profile=profile, targets={a.pk: 5, c.pk: 2})

    assert first == {"added": 2, "changed": 0, "removed": 0}
    assert second == {"added": 1, "changed": 1, "removed": 1}
    assert dict(profile.requirements.values_list("competency_id", "target_level")) == {a.pk: 5, c.pk: 2}
    with translation.override("ru"):
        assert str(JobProfile.objects.get(code="ANALYST")) == "Аналитик"


@pytest.mark.parametrize("level", [0, 6, "", "high", None, 10**30])
def test_a_target_outside_1_to_5_is_refused_and_nothing_changes(group, level):
    comp = CompetencyFactory(group=group)
    profile = JobProfileFactory()
    fs.job_profile_targets_set(job_profile=profile, targets={comp.pk: 3})

    with pytest.raises(ValidationFailed) as exc:
        fs.job_profile_targets_set(job_profile=profile, targets={comp.pk: level})

    assert f"target_{comp.pk}" in errors_of(exc)
    assert profile.requirements.get().target_level == 3


def test_a_target_for_an_unknown_competency_is_refused():
    profile = JobProfileFactory()
    with pytest.raises(ValidationFailed) as exc:
        fs.job_profile_targets_set(job_profile=profile, targets={987654: 3})
    assert "competency" in errors_of(exc)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"title": ""}, "title"), ({"title": "t" * 161}, "title"), ({"title": "a\x00"}, "title"),
    ({"code": "TAKEN"}, "code"), ({"description": "x\x00"}, "description"),
])
def test_invalid_job_profile_input_is_refused(kwargs, field):
    JobProfileFactory(code="TAKEN")
    with pytest.raises(ValidationFailed) as exc:
        fs.job_profile_create(**({"code": "NEW", "title": "New"} | kwargs))
    assert field in errors_of(exc)
