"""List pages must not run one query per row (N+1)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramType
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def add_program_with_pairs(owner, pairs):
    program = Program.objects.create(name="P", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
                                     starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
                                     owner=owner)
    for _ in range(pairs):
        mentor, mentee = PersonFactory(), PersonFactory()
        Enrolment.objects.create(program=program, person=mentor, role="mentor")
        Enrolment.objects.create(program=program, person=mentee, role="mentee")
        Mentorship.objects.create(program=program, mentor=mentor, mentee=mentee, status=MentorshipStatus.ACTIVE,
                                  origin=MentorshipOrigin.MANUAL)
    return program


@pytest.mark.parametrize("page", ["programs", "pairs", "program", "home"])
def test_page_query_count_does_not_grow_with_rows(hr_client, hr_person, page):
    small = add_program_with_pairs(hr_person, 2)
    url = {"programs": "/programs/", "pairs": f"/programs/{small.pk}/pairs/",
           "program": f"/programs/{small.pk}/", "home": "/"}[page]
    before = queries(hr_client, url)
    for _ in range(3):
        add_program_with_pairs(hr_person, 1)
    for _ in range(8):
        mentor, mentee = PersonFactory(), PersonFactory()
        Enrolment.objects.create(program=small, person=mentor, role="mentor")
        Enrolment.objects.create(program=small, person=mentee, role="mentee")
        Mentorship.objects.create(program=small, mentor=mentor, mentee=mentee, status=MentorshipStatus.ACTIVE,
                                  origin=MentorshipOrigin.MANUAL)
    assert queries(hr_client, url) == before
