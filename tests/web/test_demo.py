from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from tandem.matching.models import RoundStatus, SelectionRound
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.people.models import CompetencyRating, Department, Person
from tandem.programs.models import MatchingMode, Program, ProgramStatus

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_realistic_organisation_with_the_six_logins(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert Person.objects.count() >= 300
    assert Department.objects.filter(parent__isnull=False).exists()
    assert CompetencyRating.objects.values("source").distinct().count() >= 2
    for username in ("hr", "manager", "head", "mentor", "mentee", "graduate"):
        assert authenticate(username=username, password="demo") is not None, username
        assert username in out
    # an open program in each matching mode, a request waiting for the mentor, an open round
    open_modes = set(Program.objects.filter(status=ProgramStatus.OPEN).values_list("matching_mode", flat=True))
    assert open_modes == set(MatchingMode.values)
    assert Mentorship.objects.filter(mentor__user__username="mentor", status=MentorshipStatus.REQUESTED).exists()
    assert SelectionRound.objects.filter(status=RoundStatus.OPEN).exists()


def test_loading_the_demo_twice_adds_nothing(capsys):
    call_command("seed_demo")
    people = Person.objects.count()
    call_command("seed_demo")
    assert Person.objects.count() == people
    assert "already present" in capsys.readouterr().out


def test_every_demo_login_can_open_its_home_page(client):
    call_command("seed_demo")
    for username in ("hr", "manager", "head", "mentor", "mentee", "graduate"):
        client.login(username=username, password="demo")
        assert client.get("/").status_code == 200, username
