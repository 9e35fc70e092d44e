from __future__ import annotations

import pytest
from django.utils import timezone

from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.people import selectors, services
from tandem.people.models import RatingSource, TopicInterest
from tandem.programs.models import MatchingMode, Program, ProgramType
from tests.factories import (
    DepartmentFactory,
    LanguageFactory,
    PersonFactory,
    RequirementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_directory_search_matches_name_email_and_employee_id():
    a = PersonFactory(full_name="Ольга Петрова", email="olga@x.com")
    PersonFactory(full_name="James Smith")
    assert list(selectors.person_list(q="Ольга")) == [a]
    assert list(selectors.person_list(q="olga@", search_email=True)) == [a]
    assert list(selectors.person_list(q="olga@")) == []  # only for those who see e-mail addresses
    assert list(selectors.person_list(q=a.employee_id)) == [a]


def test_department_filter_includes_sub_departments():
    root = DepartmentFactory()
    child = DepartmentFactory(parent=root)
    inside = PersonFactory(department=child)
    PersonFactory(department=DepartmentFactory())
    assert list(selectors.person_list(department=root)) == [inside]


def test_language_and_topic_filters():
    ru = LanguageFactory(code="ru", name="Russian")
    topic = TopicFactory()
    speaker, teacher, _other = PersonFactory(), PersonFactory(), PersonFactory()
    speaker.languages.add(ru)
    services.topics_set(person=teacher, can_teach=[topic.pk], want_to_learn=[])
    assert list(selectors.person_list(language="ru")) == [speaker]
    assert list(selectors.person_list(topic=topic, interest=TopicInterest.CAN_TEACH)) == [teacher]
    assert list(selectors.person_list(topic=topic, interest=TopicInterest.WANT_TO_LEARN)) == []


def test_directory_sorting_by_name_descending():
    PersonFactory(full_name="Anna"), PersonFactory(full_name="Zoe")
    assert [p.full_name for p in selectors.person_list(sort="-name")] == ["Zoe", "Anna"]


def _enrol(program, *people, role="mentee"):
    from tandem.programs.models import Enrolment

    for p in people:
        Enrolment.objects.create(program=program, person=p, role=role)


def test_people_without_mentor_are_the_enrolled_mentees_not_yet_paired():
    # given a running program with a paired mentee, one with only a pending request, one alone,
    # their mentor, and an HR person enrolled in nothing
    mentor, paired, pending, alone, hr = (PersonFactory() for _ in range(5))
    program = Program.objects.create(name="P", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
                                     starts_on="2026-01-01", ends_on="2026-06-01", owner=mentor, status="running")
    _enrol(program, paired, pending, alone)
    _enrol(program, mentor, role="mentor")
    Mentorship.objects.create(program=program, mentor=mentor, mentee=paired, status=MentorshipStatus.ACTIVE,
                              origin=MentorshipOrigin.MANUAL)
    Mentorship.objects.create(program=program, mentor=mentor, mentee=pending, status=MentorshipStatus.REQUESTED,
                              origin=MentorshipOrigin.MANUAL)
    ids = set(selectors.people_without_mentor().values_list("id", flat=True))
    # then only those a mentor is for and who have none count; a pending request is no mentor yet
    assert ids == {pending.pk, alone.pk}
    # a mentee of a draft or closed program is not waiting for a mentor
    Program.objects.filter(pk=program.pk).update(status="closed")
    assert not selectors.people_without_mentor().exists()


def test_headcount_by_department_rolls_up_sub_departments():
    root = DepartmentFactory()
    child = DepartmentFactory(parent=root)
    PersonFactory(department=root), PersonFactory(department=child), PersonFactory(department=child)
    counts = {d.pk: n for d, n in selectors.headcount_by_department()}
    assert counts[root.pk] == 3


def test_largest_gaps_counts_people_below_target():
    req = RequirementFactory(target_level=5)
    for level in (2, 3, 5):
        p = PersonFactory(job_profile=req.job_profile)
        services.rating_record(person=p, competency=req.competency, level=level, source=RatingSource.MANAGER,
                               rated_by=None, rated_on=timezone.localdate())
    (row,) = selectors.largest_gaps()
    assert row["competency"] == req.competency
    assert row["people"] == 2
    assert row["mean_gap"] == pytest.approx(2.5)


def _rate(person, competency, level):
    services.rating_record(person=person, competency=competency, level=level, source=RatingSource.MANAGER,
                           rated_by=None, rated_on=timezone.localdate())


def test_largest_gaps_uses_each_persons_own_job_profile_target():
    """Two job profiles want different levels of one competency; people without a profile, with a
    competency their profile does not ask for, or inactive, are not counted; departments narrow it."""
    high = RequirementFactory(target_level=5)
    comp = high.competency
    low = RequirementFactory(competency=comp, target_level=3)
    other = RequirementFactory(job_profile=low.job_profile, target_level=4)
    inside, outside = DepartmentFactory(), DepartmentFactory()
    a = PersonFactory(job_profile=high.job_profile, department=inside)  # gap 3
    b = PersonFactory(job_profile=low.job_profile, department=outside)  # gap 1
    c = PersonFactory(job_profile=low.job_profile, department=inside)  # at target: no gap
    d = PersonFactory(job_profile=None, department=inside)  # no target
    e = PersonFactory(job_profile=high.job_profile, department=inside, is_active=False)
    for person, level in ((a, 2), (b, 2), (c, 3), (d, 1), (e, 1)):
        _rate(person, comp, level)
    _rate(b, other.competency, 1)  # gap 3 on the other competency
    _rate(a, other.competency, 1)  # not asked of a's profile

    rows = {r["competency"]: (r["people"], r["mean_gap"]) for r in selectors.largest_gaps()}
    assert rows == {comp: (2, pytest.approx(2.0)), other.competency: (1, pytest.approx(3.0))}
    assert [r["competency"] for r in selectors.largest_gaps()] == [comp, other.competency]
    assert [r["competency"] for r in selectors.largest_gaps(limit=1)] == [comp]
    (row,) = selectors.largest_gaps(paths=(inside.path,))
    assert (row["competency"], row["people"], row["mean_gap"]) == (comp, 1, pytest.approx(3.0))


def test_headcount_within_a_department_counts_its_teams_with_their_sub_teams_and_its_own_people():
    root = DepartmentFactory()
    team, other_team = DepartmentFactory(parent=root), DepartmentFactory(parent=root)
    sub = DepartmentFactory(parent=team)
    elsewhere = DepartmentFactory()
    for dep, n in ((root, 1), (team, 2), (sub, 3), (other_team, 1), (elsewhere, 4)):
        PersonFactory.create_batch(n, department=dep)
    PersonFactory(department=sub, is_active=False)
    assert [(d.pk, n) for d, n in selectors.headcount_by_department(within=root)] == [
        (team.pk, 5), (other_team.pk, 1), (root.pk, 1)]
    assert [(d.pk, n) for d, n in selectors.headcount_by_department(within=sub)] == [(sub.pk, 3)]
    assert {d.pk: n for d, n in selectors.headcount_by_department()} == {root.pk: 7, elsewhere.pk: 4}


def test_people_in_departments_includes_their_sub_departments_and_only_active_people():
    root, other, elsewhere = DepartmentFactory(), DepartmentFactory(), DepartmentFactory()
    sub = DepartmentFactory(parent=root)
    inside = [PersonFactory(department=root), PersonFactory(department=sub), PersonFactory(department=other)]
    PersonFactory(department=sub, is_active=False)
    PersonFactory(department=elsewhere)
    assert set(selectors.people_in(paths=(root.path, other.path))) == set(inside)
    assert set(selectors.people_in(paths=(sub.path,))) == {inside[1]}
    assert selectors.people_in().count() == 4
