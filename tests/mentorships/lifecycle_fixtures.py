"""A choose program whose agreement the mentee's line manager signs too, and helpers that walk a
pair to the agreement stage and sign it. ``conftest.py`` offers the ``world`` fixture to the package."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.matching.flows import choose
from tandem.mentorships import services as ms
from tandem.mentorships.models import Mentorship
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import DepartmentFactory, PersonFactory, UserFactory, actor_of


@pytest.fixture
def world(db):
    dep = DepartmentFactory()
    owner = PersonFactory(user=UserFactory(groups=["program_manager"]), department=dep)
    manager = PersonFactory(user=UserFactory(), department=dep)
    mentee = PersonFactory(user=UserFactory(), department=dep, manager=manager)
    mentor = PersonFactory(user=UserFactory(), department=DepartmentFactory(), mentor_capacity=2)
    today = timezone.localdate()
    program = Program.objects.create(
        name="Reverse", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
        status=ProgramStatus.RUNNING, starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=170), owner=owner, agreement_signers=["line_manager"],
    )
    Enrolment.objects.create(program=program, person=mentee, role="mentee")
    Enrolment.objects.create(program=program, person=mentor, role="mentor")
    return {"program": program, "mentee": mentee, "mentor": mentor, "manager": manager, "owner": owner}


def to_agreement_stage(w) -> Mentorship:
    m = choose.mentorship_request(program=w["program"], mentee=w["mentee"], mentor=w["mentor"])
    ms.mentorship_accept(mentorship=m, actor=actor_of(w["mentor"]))
    ms.mentorship_confirm(mentorship=m, actor=actor_of(w["mentee"]))
    ms.mentorship_confirm(mentorship=m, actor=actor_of(w["mentor"]))
    m.refresh_from_db()
    return m


def sign_all(w, m):
    for who in ("mentor", "mentee", "manager"):
        ms.agreement_sign(mentorship=m, actor=actor_of(w[who]))
    m.refresh_from_db()
    return m
