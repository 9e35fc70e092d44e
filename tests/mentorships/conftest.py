"""Reusable pairs for mentorship tests.

``active_pair``: an ACTIVE mentorship whose agreement the mentor, the mentee and the mentee's line
manager have signed (the program asks for the line manager), with the people around it::

    p = active_pair
    p.mentorship, p.program, p.agreement          # agreement: version 1, fully signed
    p.mentor, p.mentee, p.line_manager, p.head    # head: of the mentee's department
    p.owner                                       # the program manager who owns the program
    p.competencies                                # the mentee's job profile: gaps 3, 2, 1 and none
    p.term                                        # (agreement start, agreement end)

``make_pair(status)`` builds the same world with the mentorship at ``requested``, ``intro``,
``agreement`` (a first draft nobody has signed) or ``active``. Every person has a login.
``build_pair(status)`` is the same as a plain function, for a world built once per module
(tests/shared_world.py).
Dates are relative to today: the agreement runs from 30 days ago to 150 days from now.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tandem.mentorships import services as mentorship_services
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.people import services as people_services
from tandem.people.models import RatingSource
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import (
    DepartmentFactory,
    JobProfileFactory,
    RequirementFactory,
    actor_of,
    make_person,
)
from tests.mentorships.lifecycle_fixtures import world  # noqa: F401  (the lifecycle tests' program)

AGREEMENT_STARTS = -30  # days from today
AGREEMENT_ENDS = 150


def build_pair(status: str = MentorshipStatus.ACTIVE) -> SimpleNamespace:
    """The world of ``make_pair``, as a plain function: for worlds built once per module
    (tests/shared_world.py), where a function-scoped fixture cannot be used."""
    today = timezone.localdate()
    day = lambda n: today + datetime.timedelta(days=n)  # noqa: E731
    team = DepartmentFactory()
    head = make_person(department=team)
    team.head = head
    team.save(update_fields=["head"])
    profile = JobProfileFactory()
    # target 5, 4, 3, 3; current 2, 2, 2, 3 → gaps 3, 2, 1, 0
    reqs = [RequirementFactory(job_profile=profile, target_level=t) for t in (5, 4, 3, 3)]
    line_manager = make_person(department=team)
    mentee = make_person(department=team, manager=line_manager, job_profile=profile)
    for req, level in zip(reqs, (2, 2, 2, 3), strict=True):
        people_services.rating_record(person=mentee, competency=req.competency, level=level,
                                      source=RatingSource.MANAGER, rated_by=line_manager, rated_on=day(-40))
    mentor = make_person(department=DepartmentFactory(), mentor_capacity=2)
    owner = make_person(groups=["program_manager"], department=DepartmentFactory())
    program = Program.objects.create(
        name="Classic", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
        status=ProgramStatus.OPEN, starts_on=day(-60), ends_on=day(300), owner=owner,
        agreement_required=True, agreement_signers=["line_manager"],
    )
    Enrolment.objects.create(program=program, person=mentee, role="mentee")
    Enrolment.objects.create(program=program, person=mentor, role="mentor")
    first = MentorshipStatus.AGREEMENT if status == MentorshipStatus.ACTIVE else status
    m = Mentorship.objects.create(program=program, mentor=mentor, mentee=mentee, status=first,
                                  origin=MentorshipOrigin.MANUAL)
    agreement = None
    if first == MentorshipStatus.AGREEMENT:
        agreement = mentorship_services.agreement_save(
            mentorship=m, actor=actor_of(mentor),
            data={"starts_on": day(AGREEMENT_STARTS), "ends_on": day(AGREEMENT_ENDS), "goals": "Grow."})
    if status == MentorshipStatus.ACTIVE:
        for person in (mentor, mentee, line_manager):
            mentorship_services.agreement_sign(mentorship=m, actor=actor_of(person))
        agreement.refresh_from_db()
    m.refresh_from_db()
    assert m.status == status
    return SimpleNamespace(
        mentorship=m, program=program, agreement=agreement, mentor=mentor, mentee=mentee,
        line_manager=line_manager, head=head, owner=owner, competencies=[r.competency for r in reqs],
        term=(day(AGREEMENT_STARTS), day(AGREEMENT_ENDS)),
    )


@pytest.fixture
def make_pair(db):
    return build_pair


@pytest.fixture
def active_pair(make_pair) -> SimpleNamespace:
    return make_pair(MentorshipStatus.ACTIVE)
