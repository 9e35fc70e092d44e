"""A small world for the inputs-versus-outputs tests, with figures computed by hand.

Period 2026-01-01 .. 2026-03-31 (3 calendar months; every pair started before it). One program owned by
``pm``; departments by the mentee's:

=========  =====  ===================================  ==========  ============  =========  =========
dept       pairs  held sessions                        feedback    gain          resources  mentor
=========  =====  ===================================  ==========  ============  =========  =========
Sales      5      3 × 60 min (Jan, Feb, Mar)           2,2,3,2,2   0,0,0,1,0     0          m1
Ops        5      1 × 90 min (Jan) + 1 cancelled       5,4,5,5,4   2,1,2,2,1     1 each     m2
Tiny1      2      1 × 60 min (Feb)                     5,5         —             0          m3
Tiny2      3      1 × 60 min (Feb)                     4,4,5       —             0          m3
=========  =====  ===================================  ==========  ============  =========  =========

Outside the period (must not count): a held session and a rating in December 2025, a self-rating.
Sales' head is ``head``; one Sales pair has a plan milestone done in February.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tandem.mentorships.library_models import Resource
from tandem.mentorships.log_models import Session, SessionFeedback
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.mentorships.plan_models import Goal, GoalMilestone, Plan
from tandem.people.models import CompetencyRating, RatingSource
from tandem.programs.models import MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import CompetencyFactory, DepartmentFactory, JobProfileFactory

FROM, TO = "2026-01-01", "2026-03-31"
MONTHS = 3  # calendar months the pairs were on in the period (they all started before it)
TODAY = datetime.date(2026, 4, 15)


def at(y, m, d, h=10):
    return datetime.datetime(y, m, d, h, 0, tzinfo=timezone.get_current_timezone())


def build_world(make_person, *, program=None, departments=None):
    tz_now = timezone.now()
    pm = make_person(groups=["program_manager"])
    if program is None:
        program = Program.objects.create(
            name="Inputs program", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
            status=ProgramStatus.OPEN, starts_on=datetime.date(2025, 12, 1), ends_on=datetime.date(2026, 12, 1),
            owner=pm)
    comp = CompetencyFactory()
    head = make_person()
    depts = departments or {}
    for name in ("Sales", "Ops", "Tiny1", "Tiny2"):
        if name not in depts:
            depts[name] = DepartmentFactory(name=name)
    sales = depts["Sales"]
    sales.head = head
    sales.save(update_fields=["head"])
    profile = JobProfileFactory(title="Analyst")
    mentors = {k: make_person(mentor_capacity=6) for k in ("m1", "m2", "m3")}
    spec = {
        "Sales": ("m1", [(1, 60), (2, 60), (3, 60)], [2, 2, 3, 2, 2], [0, 0, 0, 1, 0], 0),
        "Ops": ("m2", [(1, 90)], [5, 4, 5, 5, 4], [2, 1, 2, 2, 1], 1),
        "Tiny1": ("m3", [(2, 60)], [5, 5], None, 0),
        "Tiny2": ("m3", [(2, 60)], [4, 4, 5], None, 0),
    }
    pairs = {}
    for dept, (mk, sessions, ratings, gains, resources) in spec.items():
        pairs[dept] = []
        for i, rating in enumerate(ratings):
            mentee = make_person(department=depts[dept], job_profile=profile)
            m = Mentorship.objects.create(program=program, mentor=mentors[mk], mentee=mentee,
                                          status=MentorshipStatus.ACTIVE, origin=MentorshipOrigin.MANUAL,
                                          started_on=datetime.date(2025, 12, 1))
            first = None
            for month, minutes in sessions:
                s = Session.objects.create(mentorship=m, starts_at=at(2026, month, 10), duration_minutes=minutes,
                                           status="held")
                first = first or s
            if dept == "Ops":
                Session.objects.create(mentorship=m, starts_at=at(2026, 2, 10), duration_minutes=60, status="cancelled")
            # outside the period: not counted
            Session.objects.create(mentorship=m, starts_at=at(2025, 12, 10), duration_minutes=240, status="held")
            SessionFeedback.objects.create(session=first, side="mentee", author=mentee, rating=rating, created_at=tz_now)
            SessionFeedback.objects.create(session=first, side="mentor", author=mentors[mk], rating=1,
                                           created_at=tz_now)  # the mentor's side: not satisfaction
            if gains is not None:
                CompetencyRating.objects.create(person=mentee, competency=comp, level=1, source=RatingSource.MENTOR,
                                                rated_on=datetime.date(2025, 12, 1))  # before the period
                CompetencyRating.objects.create(person=mentee, competency=comp, level=2, source=RatingSource.MENTOR,
                                                rated_on=datetime.date(2026, 1, 5))
                CompetencyRating.objects.create(person=mentee, competency=comp, level=2 + gains[i],
                                                source=RatingSource.MANAGER, rated_on=datetime.date(2026, 3, 5))
                CompetencyRating.objects.create(person=mentee, competency=comp, level=5, source=RatingSource.SELF,
                                                rated_on=datetime.date(2026, 3, 6))  # self: excluded
            for _r in range(resources):
                Resource.objects.create(mentorship=m, kind="link", title="Read", url="https://example.com/a",
                                        shared_by=mentors[mk], side="mentor")
            pairs[dept].append(m)
    Resource.objects.filter(mentorship__program=program).update(created_at=at(2026, 2, 1))
    plan = Plan.objects.create(mentorship=pairs["Sales"][0])
    goal = Goal.objects.create(plan=plan, title="Grow", competency=comp, target_level=4)
    GoalMilestone.objects.create(goal=goal, title="Case", due_on=datetime.date(2026, 2, 20), done_at=at(2026, 2, 15))
    GoalMilestone.objects.create(goal=goal, title="Later", due_on=datetime.date(2026, 5, 20))
    return SimpleNamespace(program=program, pm=pm, head=head, mentors=mentors, depts=depts, pairs=pairs,
                           competency=comp, profile=profile)


@pytest.fixture
def world(db, make_person):
    return build_world(make_person)
