"""A teach-back world: the 60-day new-manager program (days 46, 48, 50), started 45 days ago, with
two trainees, six learners in the audience, the program manager, HR and outsiders.

``tb_world.schedule(trainee, day=46, audience=...)`` schedules an attempt; ``tb_world.at(tb, hours)``
is a moment ``hours`` after the slot's start (scoring is open from 0 to length + 24 h).
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tandem.assessments import teachback_services as tbs
from tandem.programs.models import Enrolment, Program
from tandem.programs.services import program_create_from_template
from tests.factories import CompetencyFactory, actor_of, make_person


@pytest.fixture
def tb_world(db):
    return with_tb_helpers(build_tb_world())


def build_tb_world() -> SimpleNamespace:
    """The people and the program of ``tb_world``, as a plain function: for a world built once per
    module (tests/shared_world.py); ``with_tb_helpers`` then adds ``schedule``, ``at`` and
    ``score_all`` (to each copy, so that they use the copy's objects)."""
    owner = make_person(groups=["program_manager"])
    start = timezone.localdate() - datetime.timedelta(days=44)
    program = program_create_from_template(template_code="new_manager_60", name="New managers", starts_on=start,
                                           owner=owner)
    Program.objects.filter(pk=program.pk).update(status="running")
    program.refresh_from_db()
    tom, rachel = make_person(full_name="Tom Trainee"), make_person(full_name="Rachel Trainee")
    learners = [make_person(full_name=f"Learner {i}") for i in range(6)]
    for p in (tom, rachel):
        Enrolment.objects.create(program=program, person=p, role="mentee")
    for p in learners:
        Enrolment.objects.create(program=program, person=p, role="mentee")
    competency = CompetencyFactory(name="Coaching the team")
    w = SimpleNamespace(
        program=program, owner=owner, tom=tom, rachel=rachel, learners=learners, competency=competency,
        hr=make_person(groups=["hr_admin"]), other_pm=make_person(groups=["program_manager"]),
        outsider=make_person(),
    )
    return w


def with_tb_helpers(w: SimpleNamespace) -> SimpleNamespace:
    program, owner, learners, competency = w.program, w.owner, w.learners, w.competency

    def schedule(trainee, *, day=46, audience=None, hour=10, now=None):
        starts = timezone.make_aware(datetime.datetime.combine(program.day_date(day), datetime.time(hour, 0)))
        return tbs.teachback_schedule(
            program=program, actor=actor_of(owner), trainee_id=trainee.pk, topic="Delegation",
            competency_id=competency.pk, starts_at=starts, length_minutes=180, room="Room 4",
            audience_ids=[p.pk for p in (audience if audience is not None else learners)],
            now=now or starts - datetime.timedelta(days=1))

    def at(tb, hours):
        return tb.starts_at + datetime.timedelta(hours=hours)

    def score_all(tb, values_per_learner, hours=1):
        codes = [c.code for c in tbs.RubricCriterion.objects.filter(program=program).order_by("order")]
        for learner, v in zip(w.learners, values_per_learner, strict=False):
            vals = v if isinstance(v, dict) else dict.fromkeys(codes, v)
            tbs.teachback_score(teach_back=tb, actor=actor_of(learner), values=vals, now=at(tb, hours))

    w.schedule, w.at, w.score_all = schedule, at, score_all
    return w


@pytest.fixture
def survey_world(db, make_person):
    """A classic program with 8 mentees in two departments (5 + 3), paired with 2 mentors (6 with
    Mentor A, 2 with Mentor B), started mentorships, the owner, HR and outsiders."""
    from tandem.mentorships.models import Mentorship
    from tandem.programs.models import MatchingMode, ProgramType
    from tests.factories import DepartmentFactory, JobProfileFactory

    today = timezone.localdate()
    owner = make_person(groups=["program_manager"])
    program = Program.objects.create(name="Classic", program_type=ProgramType.CLASSIC,
                                     matching_mode=MatchingMode.BULK, status="running",
                                     starts_on=today - datetime.timedelta(days=120),
                                     ends_on=today + datetime.timedelta(days=120), owner=owner)
    sales, ops = DepartmentFactory(name="Sales"), DepartmentFactory(name="Ops")
    job = JobProfileFactory()
    mentor_a = make_person(full_name="Mentor A", mentor_capacity=8)
    mentor_b = make_person(full_name="Mentor B", mentor_capacity=8)
    mentees = [make_person(department=sales if i < 5 else ops, job_profile=job) for i in range(8)]
    for p in (mentor_a, mentor_b):
        Enrolment.objects.create(program=program, person=p, role="mentor")
    pairs = []
    for i, p in enumerate(mentees):
        Enrolment.objects.create(program=program, person=p, role="mentee")
        pairs.append(Mentorship.objects.create(program=program, mentee=p, mentor=mentor_a if i < 6 else mentor_b,
                                               status="active", origin="manual"))
    return SimpleNamespace(program=program, owner=owner, mentees=mentees, mentor_a=mentor_a, mentor_b=mentor_b,
                           pairs=pairs, sales=sales, ops=ops, hr=make_person(groups=["hr_admin"]),
                           other_pm=make_person(groups=["program_manager"]), outsider=make_person())
