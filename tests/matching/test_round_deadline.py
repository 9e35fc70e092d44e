from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.matching.models import Placement, RoundSeat, RoundStatus, SelectionRound
from tandem.matching.tasks import publish_round_at_deadline
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramType
from tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_round():
    program = Program.objects.create(
        name="Cohort", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        starts_on="2026-01-01", ends_on="2026-12-31", owner=PersonFactory())
    grad = PersonFactory()
    Enrolment.objects.create(program=program, person=grad, role="mentee")
    r = SelectionRound.objects.create(program=program, name="R", deadline=timezone.now() + datetime.timedelta(days=1))
    RoundSeat.objects.create(round=r, department=DepartmentFactory(), seats=1)
    return r


def test_the_deadline_task_publishes_an_open_round_once_the_deadline_has_passed(open_round):
    open_round.deadline = timezone.now() - datetime.timedelta(minutes=1)
    open_round.save()
    assert publish_round_at_deadline.call(open_round.pk) == "published"
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.PUBLISHED and Placement.objects.filter(round=open_round).count() == 1


def test_the_deadline_task_leaves_a_round_whose_deadline_moved_later(open_round):
    assert publish_round_at_deadline.call(open_round.pk) == "deadline not reached"
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN


def test_the_deadline_task_does_nothing_for_a_published_round(open_round):
    open_round.status = RoundStatus.PUBLISHED
    open_round.save()
    assert publish_round_at_deadline.call(open_round.pk) == "nothing to do"


def test_opening_a_round_queues_its_publication_for_the_deadline(settings, django_capture_on_commit_callbacks):
    from django_tasks import default_task_backend  # noqa: F401  (the backend is rebuilt from settings)
    from django_tasks_db.models import DBTaskResult

    from tandem.matching.flows.rounds import round_create

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    program = Program.objects.create(
        name="Cohort", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        starts_on="2026-01-01", ends_on="2026-12-31", owner=PersonFactory())
    deadline = timezone.now() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        r = round_create(program=program, name="R", deadline=deadline, seats={DepartmentFactory(): 2})
    queued = DBTaskResult.objects.get()
    assert queued.run_after == deadline and queued.args_kwargs["args"] == [r.pk]


def test_a_department_cannot_change_its_ranking_after_the_deadline(open_round):
    from tandem.core.errors import Conflict
    from tandem.matching.flows.rounds import department_ranking_save
    from tandem.matching.models import DepartmentChoice

    seat = open_round.seats.get()
    grad = Enrolment.objects.get(program=open_round.program).person
    open_round.deadline = timezone.now() - datetime.timedelta(minutes=1)
    open_round.save()
    with pytest.raises(Conflict):
        department_ranking_save(round=open_round, department=seat.department, applicants=[grad])
    assert not DepartmentChoice.objects.exists()
