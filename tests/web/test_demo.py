from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from tandem.matching.models import RoundStatus, SelectionRound
from django.utils import timezone

from tandem.mentorships.models import GoalMilestone, Mentorship, MentorshipStatus, Plan, PlanStatus
from tandem.people.models import CompetencyRating, Department, Person
from tandem.programs.models import MatchingMode, Program, ProgramStatus

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_realistic_organisation_with_the_six_logins(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert Person.objects.count() >= 300
    assert Department.objects.filter(parent__isnull=False).exists()
    assert CompetencyRating.objects.values("source").distinct().count() >= 2
    for username in ("hr", "manager", "head", "mentor", "mentee", "graduate", "newcomer"):
        assert authenticate(username=username, password="demo") is not None, username
        assert username in out
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


def test_loading_the_demo_twice_adds_nothing(capsys):
    call_command("seed_demo")
    people = Person.objects.count()
    call_command("seed_demo")
    assert Person.objects.count() == people
    assert "already present" in capsys.readouterr().out


def test_every_demo_login_can_open_its_home_page(client):
    call_command("seed_demo")
    for username in ("hr", "manager", "head", "mentor", "mentee", "graduate", "newcomer"):
        client.login(username=username, password="demo")
        assert client.get("/").status_code == 200, username
    # the newcomer can try the choose flow at once: recommendations with explained scores
    program = Program.objects.get(matching_mode=MatchingMode.CHOOSE, status="open")
    client.login(username="newcomer", password="demo")
    html = client.get(f"/programs/{program.pk}/recommendations/").content.decode()
    assert 'id="recs"' in html and "How the match is scored" in html and " of 8.0" in html
