"""Who can take one more mentee anywhere (the HR home's "mentors available", the directory's filter):
capacity above the open mentorships, across programs; closed pairs free the seat."""

from __future__ import annotations

import datetime

import pytest

from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus as S
from tandem.mentorships.selectors import with_free_mentor_slots
from tandem.people.models import Person
from tandem.programs.models import Program, ProgramStatus, ProgramType
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_mentor_is_available_while_their_open_pairs_are_below_their_capacity():
    owner = PersonFactory()
    programs = [Program.objects.create(name=f"P{k}", program_type=ProgramType.CLASSIC, status=ProgramStatus.RUNNING,
                                       starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31), owner=owner)
                for k in range(2)]
    mentees = iter(PersonFactory.create_batch(8))

    def pairs(mentor, *statuses):
        for k, status in enumerate(statuses):
            Mentorship.objects.create(program=programs[k % 2], mentor=mentor, mentee=next(mentees), status=status,
                                      origin=MentorshipOrigin.MANUAL)

    full = PersonFactory(mentor_capacity=2)
    pairs(full, S.ACTIVE, S.REQUESTED)  # two programs, both seats taken (a request holds one)
    one_left = PersonFactory(mentor_capacity=2)
    pairs(one_left, S.ACTIVE)
    freed = PersonFactory(mentor_capacity=1)
    pairs(freed, S.COMPLETED, S.DECLINED)  # closed pairs hold no seat
    no_capacity = PersonFactory(mentor_capacity=0)
    over = PersonFactory(mentor_capacity=1)
    pairs(over, S.ACTIVE, S.AGREEMENT)  # more than the capacity (an HR decision): still full

    available = set(with_free_mentor_slots(Person.objects.filter(
        pk__in=[full.pk, one_left.pk, freed.pk, no_capacity.pk, over.pk])).values_list("pk", flat=True))
    assert available == {one_left.pk, freed.pk}
