"""A hand-built graduate cohort for the department support tests.

The program started 100 days ago; stage 1 "Rotation" is days 1–60 (over), stage 2 "Placement" is
days 61–200 (running). Four departments and their graduates in the rotation:

======  =========  ==============  ==================  ===========
dept    graduates  mentor assigned  a session held      reviewed
======  =========  ==============  ==================  ===========
A       3          3                3                   2 (mentor ratings)
B       3          1                0                   0
C       2          2                1                   0
D       2          2                2                   1 (a mentor's GRAI review)
======  =========  ==============  ==================  ===========

Scores: A 88.9, D 83.3, C 50.0, B 11.1. Medians: mentor 100 %, sessions 75 %, reviews 25 %.
B is passive (no session held); C is passive (below the median on sessions and reviews, 2 of 3).
A and B have heads with logins; every graduate and mentor has a login.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tandem.assessments.grai_models import GraiReview
from tandem.mentorships.log_models import Session
from tandem.mentorships.models import Mentorship, MentorshipOrigin
from tandem.people.models import CompetencyRating
from tandem.programs.models import (
    Enrolment,
    MatchingMode,
    Phase,
    Program,
    ProgramStatus,
    ProgramType,
)
from tests.factories import CompetencyFactory, DepartmentFactory


@pytest.fixture
def cohort(db, make_person):
    today = timezone.localdate()
    ago = lambda n: today - datetime.timedelta(days=n)
    at = lambda n: timezone.make_aware(datetime.datetime.combine(ago(n), datetime.time(10, 0)))
    owner = make_person(groups=["program_manager"])
    program = Program.objects.create(
        name="Graduates", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        status=ProgramStatus.RUNNING, starts_on=ago(99), ends_on=ago(99) + datetime.timedelta(days=199), owner=owner)
    rotation = Phase.objects.create(program=program, order=1, name="Rotation", start_day=1, end_day=60)
    placement = Phase.objects.create(program=program, order=2, name="Placement", start_day=61, end_day=200)
    competency = CompetencyFactory()
    deps, heads, grads, mentors = {}, {}, {}, {}
    for code in "ABCD":
        deps[code] = DepartmentFactory(code=f"DEP-{code}", name=f"Dept {code}")
    for code in "AB":
        heads[code] = make_person(department=deps[code])
        deps[code].head = heads[code]
        deps[code].save(update_fields=["head"])
    sizes = {"A": 3, "B": 3, "C": 2, "D": 2}
    for code, n in sizes.items():
        grads[code] = [make_person(department=deps[code], hire_date=ago(100)) for _ in range(n)]
        mentors[code] = make_person(department=deps[code], mentor_capacity=3)
        Enrolment.objects.create(program=program, person=mentors[code], role="mentor")
        for g in grads[code]:
            Enrolment.objects.create(program=program, person=g, role="mentee")
    plan = {"A": (3, 3, 2), "B": (1, 0, 0), "C": (2, 1, 0), "D": (2, 2, 0)}
    pairs = {}
    for code, (mentored, with_session, rated) in plan.items():
        for i, g in enumerate(grads[code][:mentored]):
            m = Mentorship.objects.create(program=program, mentor=mentors[code], mentee=g, status="active",
                                          origin=MentorshipOrigin.MANUAL, started_on=ago(90))
            pairs[g.pk] = m
            if i < with_session:
                Session.objects.create(mentorship=m, starts_at=at(70), status="held")
            else:  # a missed one does not count, nor a held one after the stage
                Session.objects.create(mentorship=m, starts_at=at(70), status="missed")
                Session.objects.create(mentorship=m, starts_at=at(10), status="held")
            if i < rated:
                CompetencyRating.objects.create(person=g, competency=competency, level=3, source="mentor",
                                                rated_by=mentors[code], rated_on=ago(60))
    # B's graduates: a self-assessment in the stage does not count as a review
    CompetencyRating.objects.create(person=grads["B"][0], competency=competency, level=2, source="self",
                                    rated_by=grads["B"][0], rated_on=ago(60))
    # D: one mentor's GRAI review in the stage; a mentee's own one does not count
    GraiReview.objects.create(mentorship=pairs[grads["D"][0].pk], author=mentors["D"], side="mentor",
                              period_start=ago(80), goal="g", result="r", analysis="a", insight="i")
    GraiReview.objects.create(mentorship=pairs[grads["D"][1].pk], author=grads["D"][1], side="mentee",
                              period_start=ago(80), goal="g", result="r", analysis="a", insight="i")
    return SimpleNamespace(program=program, rotation=rotation, placement=placement, deps=deps, heads=heads,
                           grads=grads, mentors=mentors, owner=owner, today=today, ago=ago, competency=competency)
