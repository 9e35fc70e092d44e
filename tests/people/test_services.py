from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.core.errors import ValidationFailed
from tandem.people import selectors, services
from tandem.people.models import CompetencyRating, CurrentLevel, Department, PersonTopic, RatingSource, SelfAssessment
from tests.factories import (
    CompetencyFactory,
    DepartmentFactory,
    LanguageFactory,
    PersonFactory,
    RequirementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def rate(person, competency, level, source, days_ago=0):
    return services.rating_record(
        person=person, competency=competency, level=level, source=source, rated_by=None,
        rated_on=timezone.localdate() - days_ago * DAY,
    )


def test_a_new_rating_is_appended_and_never_overwrites_history():
    person, comp = PersonFactory(), CompetencyFactory()
    rate(person, comp, 2, RatingSource.MANAGER, days_ago=30)
    rate(person, comp, 4, RatingSource.MANAGER)
    assert list(CompetencyRating.objects.filter(person=person).values_list("level", flat=True)) == [4, 2]
    assert CurrentLevel.objects.get(person=person, competency=comp).level == 4


def test_current_level_prefers_a_manager_rating_over_a_newer_self_rating():
    person, comp = PersonFactory(), CompetencyFactory()
    rate(person, comp, 2, RatingSource.MANAGER, days_ago=10)
    rate(person, comp, 5, RatingSource.SELF)
    current = CurrentLevel.objects.get(person=person, competency=comp)
    assert (current.level, current.source) == (2, RatingSource.MANAGER)


def test_self_rating_counts_when_nobody_else_rated():
    person, comp = PersonFactory(), CompetencyFactory()
    rate(person, comp, 3, RatingSource.SELF)
    assert CurrentLevel.objects.get(person=person, competency=comp).level == 3


def test_gap_is_target_minus_current_and_missing_ratings_are_not_rated():
    req = RequirementFactory(target_level=4)
    other = RequirementFactory(job_profile=req.job_profile, target_level=3)
    person = PersonFactory(job_profile=req.job_profile)
    rate(person, req.competency, 2, RatingSource.MANAGER)
    rows = {r.competency.pk: r for r in selectors.person_competencies(person=person)}
    assert rows[req.competency.pk].gap == 2
    assert rows[other.competency.pk].current is None and rows[other.competency.pk].gap is None


def test_exceeding_the_target_is_no_gap():
    req = RequirementFactory(target_level=3)
    person = PersonFactory(job_profile=req.job_profile)
    rate(person, req.competency, 5, RatingSource.ASSESSMENT)
    assert selectors.person_competencies(person=person)[0].gap == 0


@pytest.mark.parametrize("level", [0, 6, -1])
def test_rating_outside_1_to_5_is_refused_and_nothing_is_written(level):
    person, comp = PersonFactory(), CompetencyFactory()
    with pytest.raises(ValidationFailed) as exc:
        rate(person, comp, level, RatingSource.MANAGER)
    assert "level" in exc.value.errors
    assert not CompetencyRating.objects.exists() and not CurrentLevel.objects.exists()


def test_rating_in_the_future_is_refused():
    person, comp = PersonFactory(), CompetencyFactory()
    with pytest.raises(ValidationFailed):
        rate(person, comp, 3, RatingSource.MANAGER, days_ago=-2)


def test_bulk_rebuild_gives_the_same_current_levels_as_the_per_rating_rule():
    person, c1, c2 = PersonFactory(), CompetencyFactory(), CompetencyFactory()
    rate(person, c1, 2, RatingSource.MANAGER, days_ago=10)
    rate(person, c1, 5, RatingSource.SELF)
    rate(person, c2, 3, RatingSource.SELF, days_ago=3)
    expected = set(CurrentLevel.objects.values_list("person_id", "competency_id", "level", "source"))
    CurrentLevel.objects.all().delete()
    services.current_levels_rebuild()
    assert set(CurrentLevel.objects.values_list("person_id", "competency_id", "level", "source")) == expected


def test_department_paths_follow_the_tree_and_moves():
    root = DepartmentFactory()
    child = DepartmentFactory(parent=root)
    grandchild = DepartmentFactory(parent=child)
    assert grandchild.path == f"/{root.pk}/{child.pk}/{grandchild.pk}/"
    other = DepartmentFactory()
    child.parent = other
    services.department_save(department=child)
    grandchild.refresh_from_db()
    assert grandchild.path == f"/{other.pk}/{child.pk}/{grandchild.pk}/"


def test_a_department_cannot_be_moved_inside_itself():
    root = DepartmentFactory()
    child = DepartmentFactory(parent=root)
    root.parent = child
    with pytest.raises(ValidationFailed):
        services.department_save(department=root)
    assert Department.objects.get(pk=root.pk).parent_id is None


def test_topics_set_replaces_the_persons_tags():
    person = PersonFactory()
    t1, t2, t3 = TopicFactory(), TopicFactory(), TopicFactory()
    services.topics_set(person=person, can_teach=[t1.pk], want_to_learn=[t2.pk, t3.pk])
    services.topics_set(person=person, can_teach=[t2.pk], want_to_learn=[])
    assert list(PersonTopic.objects.filter(person=person).values_list("topic_id", "interest")) == [
        (t2.pk, "can_teach")
    ]


def test_unknown_topic_is_refused_and_old_tags_stay():
    person, t1 = PersonFactory(), TopicFactory()
    services.topics_set(person=person, can_teach=[t1.pk], want_to_learn=[])
    with pytest.raises(ValidationFailed):
        services.topics_set(person=person, can_teach=[999999], want_to_learn=[])
    assert PersonTopic.objects.filter(person=person).count() == 1


def test_self_assessments_are_kept_as_history():
    person = PersonFactory()
    services.self_assessment_add(person=person, strengths="a", development_areas="b")
    services.self_assessment_add(person=person, strengths="c", development_areas="d")
    assert SelfAssessment.objects.filter(person=person).count() == 2
    assert selectors.latest_self_assessment(person=person).strengths == "c"


def test_empty_self_assessment_names_both_fields():
    with pytest.raises(ValidationFailed) as exc:
        services.self_assessment_add(person=PersonFactory(), strengths=" ", development_areas="")
    assert set(exc.value.errors) == {"strengths", "development_areas"}


def test_updating_own_profile_validates_time_zone_and_hours():
    person = PersonFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.person_update_own(person=person, bio="", communication_style="loud",
                                   mentoring_hours_per_month=500, time_zone="Mars/Base", languages=[])
    assert set(exc.value.errors) == {"communication_style", "mentoring_hours_per_month", "time_zone"}
    person.refresh_from_db()
    assert person.time_zone == "Europe/Berlin"


def test_updating_own_profile_sets_languages():
    person = PersonFactory()
    LanguageFactory(code="ru", name="Russian")
    services.person_update_own(person=person, bio="Hi", communication_style="supportive",
                               mentoring_hours_per_month=4, time_zone="Asia/Shanghai", languages=["ru"])
    person.refresh_from_db()
    assert [lang.code for lang in person.languages.all()] == ["ru"]
    assert person.time_zone == "Asia/Shanghai"
