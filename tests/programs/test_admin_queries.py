"""The administration pages and endpoints take a number of queries that does not grow with the
program: the mentors' load on the enrolment list, the API's enrolment list, a mentor's load."""

from __future__ import annotations

import pytest

from tandem.mentorships.models import Mentorship, MentorshipOrigin
from tandem.mentorships.models import MentorshipStatus as S
from tandem.programs.models import Enrolment, Program
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _program(n_mentors: int):
    owner = PersonFactory(user=UserFactory(groups=["program_manager"]))
    program = Program.objects.create(name="Big", program_type="classic", matching_mode="bulk", status="running",
                                     starts_on="2026-01-01", ends_on="2026-12-31", owner=owner)
    for _ in range(n_mentors):
        mentor, mentee = PersonFactory(mentor_capacity=2), PersonFactory()
        Enrolment.objects.create(program=program, person=mentor, role="mentor")
        Enrolment.objects.create(program=program, person=mentee, role="mentee")
        Mentorship.objects.create(program=program, mentor=mentor, mentee=mentee, status=S.ACTIVE,
                                  origin=MentorshipOrigin.BULK)
    return owner, program


def _count(client, django_assert_max_num_queries, url, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [2, 12])
def test_the_enrolment_list_with_mentor_loads_is_constant(client, django_assert_max_num_queries, n):
    owner, program = _program(n)
    client.force_login(owner.user)
    _count(client, django_assert_max_num_queries, f"/programs/{program.pk}/?role=mentor", 28)
    _count(client, django_assert_max_num_queries, f"/api/programs/{program.pk}/enrolments", 9)  # keys, then rows
    _count(client, django_assert_max_num_queries, f"/programs/{program.pk}/close/", 10)


def test_a_mentors_load_page_is_constant_in_programs(client, django_assert_max_num_queries):
    mentor = PersonFactory(user=UserFactory(), mentor_capacity=9)
    for _ in range(6):
        _owner, program = _program(0)
        Enrolment.objects.create(program=program, person=mentor, role="mentor")
        Mentorship.objects.create(program=program, mentor=mentor, mentee=PersonFactory(), status=S.INTRO,
                                  origin=MentorshipOrigin.BULK)
    client.force_login(mentor.user)
    _count(client, django_assert_max_num_queries, f"/programs/mentors/{mentor.employee_id}/", 12)  # an N+1 over 6 programs: 17+
    body = client.get(f"/api/mentors/{mentor.employee_id}/load").json()
    assert body["open_pairs"] == 6 and len(body["programs"]) == 6
