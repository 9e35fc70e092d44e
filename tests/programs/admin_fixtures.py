"""A program to administer: the ``active_pair`` world (owner, mentor, mentee, active pair) plus a
second mentee at the introductory stage with the same mentor, a spare mentor with a free slot, and
the people of the permission matrix."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.programs.models import Enrolment
from tests.factories import UserFactory
from tests.mentorships import conftest as mentorship_fixtures

make_pair = mentorship_fixtures.make_pair  # the pair world this builds on

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "mentor", "mentee", "colleague", "no_person"]
ADMINS = {"hr", "owner"}


@pytest.fixture
def admin_world(make_pair, make_person) -> SimpleNamespace:
    p = make_pair()
    program = p.program
    p.mentor.mentor_capacity = 3
    p.mentor.save(update_fields=["mentor_capacity"])
    Enrolment.objects.filter(program=program, person=p.mentor).update(capacity=2)
    second = make_person(department=p.mentee.department)
    Enrolment.objects.create(program=program, person=second, role="mentee")
    intro = Mentorship.objects.create(program=program, mentor=p.mentor, mentee=second, status=MentorshipStatus.INTRO,
                                      origin=MentorshipOrigin.BULK)
    spare = make_person(mentor_capacity=2)
    Enrolment.objects.create(program=program, person=spare, role="mentor")
    p.second_mentee, p.intro, p.spare = second, intro, spare
    p.people = {
        "hr": make_person(groups=["hr_admin"]),
        "owner": p.owner,
        "pm_owning_nothing": make_person(groups=["program_manager"]),
        "mentor": p.mentor,
        "mentee": p.mentee,
        "colleague": make_person(),
    }
    return p


def login(client, world, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role != "anonymous":
        client.force_login(world.people[role].user)
    return client


def enrolment_of(world, person, role="mentee") -> Enrolment:
    return Enrolment.objects.get(program=world.program, person=person, role=role)
