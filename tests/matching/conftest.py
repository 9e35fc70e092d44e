from __future__ import annotations

import datetime

import pytest

from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import DepartmentFactory, PersonFactory, RequirementFactory, UserFactory


@pytest.fixture
def choose_program(db):
    """An open 'choose' program: one mentee with a gap, three mentors of different strength."""
    dep_a, dep_b = DepartmentFactory(), DepartmentFactory()
    req = RequirementFactory(target_level=5)
    owner = PersonFactory(user=UserFactory(groups=["program_manager"]), department=dep_b)
    program = Program.objects.create(
        name="Choose", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
        status=ProgramStatus.OPEN, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
        owner=owner, default_mentor_capacity=1,
        agreement_required=False,  # confirming starts the pair; the agreement stage: tests/mentorships/
    )
    mentee = PersonFactory(user=UserFactory(), department=dep_a, job_profile=req.job_profile)
    mentors = [PersonFactory(user=UserFactory(), department=dep_b, mentor_capacity=2) for _ in range(3)]
    Enrolment.objects.create(program=program, person=mentee, role="mentee")
    for m in mentors:
        Enrolment.objects.create(program=program, person=m, role="mentor")
    return {"program": program, "mentee": mentee, "mentors": mentors, "competency": req.competency, "owner": owner}
