"""The demo organisation (`make demo`), loaded once per test process for this module: every test
here reads the same seeded world inside one transaction that is rolled back after the module's last
test (each test runs in a savepoint of it). The whole demo takes 10-20 s to build (a minute on a
loaded machine), so the tests of the whole demo live here, not one load per test in each app."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from tandem.assessments import review_selectors
from tandem.assessments.review_models import ReviewAssignment, ReviewCampaign
from tandem.matching.flows import rounds as round_flow
from tandem.matching.models import RoundStatus, SelectionRound
from tandem.mentorships.models import GoalMilestone, Mentorship, MentorshipStatus, Plan, PlanStatus
from tandem.people.models import CompetencyRating, Department, Person
from tandem.programs.blueprints import all_blueprints
from tandem.programs.models import MatchingMode, Program, ProgramStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """``manage.py seed_demo`` once, its output; rolled back after the module's last test."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_demo_loads_a_realistic_organisation_with_the_six_logins(demo_output):
    assert Person.objects.count() >= 300
    assert Department.objects.filter(parent__isnull=False).exists()
    assert CompetencyRating.objects.values("source").distinct().count() >= 2
    for username in ("hr", "manager", "head", "mentor", "mentee", "graduate", "newcomer"):
        assert authenticate(username=username, password="demo") is not None, username
        assert username in demo_output
    # an open program in each matching mode, a request waiting for the mentor, an open round
    open_modes = set(Program.objects.filter(status=ProgramStatus.OPEN).values_list("matching_mode", flat=True))
    assert open_modes == set(MatchingMode.values)
    assert Mentorship.objects.filter(mentor__user__username="mentor", status=MentorshipStatus.REQUESTED).exists()
    assert SelectionRound.objects.filter(status=RoundStatus.OPEN).exists()
    # pairs at every stage of their life, each with its history
    statuses = set(Mentorship.objects.values_list("status", flat=True))
    assert statuses >= {"requested", "intro", "agreement", "active", "completed", "ended_early"}
    assert not Mentorship.objects.filter(transitions__isnull=True).exists()
    waiting = Mentorship.objects.get(status="agreement").agreements.get()
    assert waiting.signatures.count() < len(waiting.parties)  # waiting for a signature
    assert Plan.objects.filter(status=PlanStatus.REVIEW, comments__isnull=False).exists()  # plan under comment
    demo_pair = Mentorship.objects.get(mentor__user__username="mentor", mentee__user__username="mentee")
    assert demo_pair.status == "active" and (timezone.localdate() - demo_pair.started_on).days >= 85
    assert GoalMilestone.objects.filter(goal__plan__mentorship=demo_pair, done_at__isnull=False).exists()
    _russian_names_agree_in_gender_and_self_assessments_vary()


def _russian_names_agree_in_gender_and_self_assessments_vary():
    from tandem.people.models import SelfAssessment
    from tandem.web.demo import RU_FEMALE

    russian = [n for n in Person.objects.values_list("full_name", flat=True) if n[:1] in "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"]
    assert russian
    for name in russian:
        first, last = name.split(" ", 1)
        assert last.endswith("а") == (first in RU_FEMALE), name  # Мария Иванова, Иван Иванов
    assert SelfAssessment.objects.values("strengths").distinct().count() >= 5


def test_loading_the_demo_twice_adds_nothing(demo_output):
    people = Person.objects.count()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert Person.objects.count() == people
    assert "already present" in out.getvalue()


def test_every_demo_login_can_open_its_home_page(demo_output, client):
    for username in ("hr", "manager", "head", "mentor", "mentee", "graduate", "newcomer"):
        client.login(username=username, password="demo")
        assert client.get("/").status_code == 200, username
    # the newcomer can try the choose flow at once: recommendations with explained scores
    program = Program.objects.get(matching_mode=MatchingMode.CHOOSE, status="open")
    client.login(username="newcomer", password="demo")
    html = client.get(f"/programs/{program.pk}/recommendations/").content.decode()
    assert 'id="recs"' in html and "How the match is scored" in html and " of 8.0" in html


def test_the_demo_has_an_open_program_from_each_template_with_its_timeline_and_people(demo_output):
    programs = {p.template_code: p for p in Program.objects.filter(status=ProgramStatus.OPEN)}
    assert set(programs) == {bp.code for bp in all_blueprints()}
    for bp in all_blueprints():
        program = programs[bp.code]
        assert program.phases.count() == len(bp.phases)
        assert program.cadence_duties.count() == len(bp.duties)
        assert program.enrolments.filter(role="mentee").exists(), bp.code
    assert Program.objects.get(name="Graduate cohort 2026").template_code == "graduate_cohort"
    assert programs["graduate_cohort"].signer_parties[2:] == ["department_head", "program_team"]


def test_the_demo_has_reviews_before_and_after_with_visible_change(demo_output, client):
    # a finished program whose levels rose, an open follow-up waiting for the demo mentor
    finished = Program.objects.get(name="Reverse mentoring 2025/26")
    assert finished.status == "closed"
    assert set(ReviewCampaign.objects.filter(program=finished).values_list("kind", flat=True)) == {"baseline", "final"}
    rows = review_selectors.program_change(program=finished)["rows"]
    assert rows and all(r.self_n >= 1 and r.self_change > 0 and r.rated_change > 0 for r in rows if r.self_n)
    waiting = ReviewAssignment.objects.filter(rater__user__username="mentor", submitted_at__isnull=True,
                                              review__subject__user__username="mentee", role="mentor")
    assert waiting.exists()
    client.login(username="mentor", password="demo")
    assert client.get(f"/reviews/assignments/{waiting.first().pk}/").status_code == 200
    client.login(username="mentee", password="demo")
    page = client.get(f"/people/{waiting.first().review.subject.employee_id}/").content.decode()
    assert 'class="self-after"' in page
    client.login(username="manager", password="demo")
    assert 'class="rated-after"' in client.get(f"/programs/{finished.pk}/reviews/").content.decode()


def test_demo_round_seeds_an_open_round_with_partial_progress(demo_output):
    rnd = SelectionRound.objects.get(name="Autumn 2026 placement round")
    progress = round_flow.round_progress(round=rnd)
    assert rnd.status == RoundStatus.OPEN and rnd.seats.filter(department__code="ENG").exists()
    assert 0 < progress["graduates_submitted"] < progress["graduates"]
    assert 0 < progress["departments_submitted"] < progress["departments"]
