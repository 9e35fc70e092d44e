"""Every role × every assessments page and endpoint. Reads: allowed roles 200, the others 403 or
404 (404 for those who cannot know the thing exists), anonymous to sign-in. Writes: allowed roles
succeed; the others are refused and nothing changes."""

from __future__ import annotations

import copy
import datetime
import json

import pytest
from django.utils import timezone

from tandem.assessments import survey_services, teachback_services
from tandem.assessments.models import (
    SurveyCompletion,
    SurveyResponse,
    SurveyTemplate,
    TeachBack,
    TeachBackScore,
)
from tandem.mentorships.models import Mentorship
from tandem.programs.models import Enrolment
from tests.assessments.conftest import build_tb_world, with_tb_helpers
from tests.factories import DepartmentFactory, UserFactory, actor_of, make_person
from tests.shared_world import built_once

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "head", "mentor", "trainee", "audience",
         "other_pair", "employee", "no_person"]


def build_mx():
    w = build_tb_world()
    dep = DepartmentFactory()
    head = make_person(department=dep)
    dep.head = head
    dep.save(update_fields=["head"])
    w.tom.department = dep
    w.tom.save(update_fields=["department"])
    mentor = make_person(mentor_capacity=2)
    Enrolment.objects.create(program=w.program, person=mentor, role="mentor")
    Mentorship.objects.create(program=w.program, mentor=mentor, mentee=w.tom, status="active", origin="manual")
    other_mentor, other_mentee = make_person(mentor_capacity=1), make_person()
    from tandem.programs.models import Program

    other = Program.objects.create(name="Other", program_type="classic", matching_mode="choose", status="running",
                                   starts_on=w.program.starts_on, ends_on=w.program.ends_on, owner=w.other_pm)
    Mentorship.objects.create(program=other, mentor=other_mentor, mentee=other_mentee, status="active",
                              origin="manual")
    now = timezone.now()
    tb = teachback_services.teachback_schedule(
        program=w.program, actor=actor_of(w.owner), trainee_id=w.tom.pk, topic="Delegation",
        competency_id=w.competency.pk, starts_at=now - datetime.timedelta(hours=1), room="R4",
        audience_ids=[p.pk for p in w.learners], now=now - datetime.timedelta(days=1))
    survey = survey_services.survey_send(template=SurveyTemplate.objects.get(code="program_nps"),
                                         actor=actor_of(w.owner), program=w.program)
    people = {"hr": w.hr, "owner": w.owner, "pm_owning_nothing": w.other_pm, "head": head, "mentor": mentor,
              "trainee": w.tom, "audience": w.learners[0], "other_pair": other_mentor, "employee": w.outsider}
    return w, tb, survey, people


@pytest.fixture(scope="module")
def _mx_built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, build_mx)


@pytest.fixture
def mx(_mx_built, db):
    """The matrix's world, built once for this module (tests/shared_world.py); each test's writes
    are undone."""
    w, tb, survey, people = copy.deepcopy(_mx_built)
    return with_tb_helpers(w), tb, survey, people


def login(client, people, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role != "anonymous":
        client.force_login(people[role].user)
    return client


SLOTS = {"hr", "owner", "mentor", "trainee", "audience"}
RESULT = {"hr", "owner", "mentor", "trainee"}
ORGANISER = {"hr", "owner"}
RECIPIENTS = {"mentor", "trainee", "audience"}
EVERYONE = set(ROLES) - {"anonymous"}

READS = [
    ("my assessments", "/assessments/", EVERYONE),
    ("program teach-backs", "/programs/{p}/teach-backs/", SLOTS),
    ("teach-back page", "/teach-backs/{tb}/", SLOTS),
    ("teach-back result", "/teach-backs/{tb}/result/", RESULT),
    ("program surveys", "/programs/{p}/surveys/", ORGANISER),
    ("survey answer page", "/surveys/{s}/", ORGANISER | RECIPIENTS),
    ("survey results", "/surveys/{s}/results/", ORGANISER),
    ("survey export", "/surveys/{s}/results.csv", ORGANISER),
    ("api slots", "/api/programs/{p}/teach-backs", SLOTS),
    ("api result", "/api/teach-backs/{tb}/result", RESULT),
    ("api survey results", "/api/surveys/{s}/results", ORGANISER),
]


@pytest.mark.parametrize("role", ROLES)
def test_reads(client, mx, role):
    w, tb, survey, people = mx
    c = login(client, people, role)
    for name, url, allowed in READS:
        r = c.get(url.format(p=w.program.pk, tb=tb.pk, s=survey.pk))
        if role == "anonymous":
            assert r.status_code in (302, 401), (name, r.status_code)
        elif role in allowed:
            assert r.status_code == 200, (name, role, r.status_code)
        else:
            assert r.status_code in (403, 404), (name, role, r.status_code)


def test_someone_who_cannot_see_the_program_gets_404_not_403(client, mx):
    w, tb, survey, people = mx
    client.force_login(people["employee"].user)
    for url in (f"/teach-backs/{tb.pk}/", f"/api/teach-backs/{tb.pk}/result", f"/api/surveys/{survey.pk}/results",
                f"/surveys/{survey.pk}/", f"/api/programs/{w.program.pk}/teach-backs"):
        assert client.get(url).status_code == 404, url


def _codes(w):
    return [c.code for c in teachback_services.RubricCriterion.objects.filter(program=w.program)]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_audience_scores(client, mx, role):
    w, tb, survey, people = mx
    c = login(client, people, role)
    r = c.post(f"/api/teach-backs/{tb.pk}/scores", json.dumps({"scores": dict.fromkeys(_codes(w), 4)}),
               content_type="application/json")
    if role == "audience":
        assert r.status_code == 201, r.content
        assert TeachBackScore.objects.count() == 1
    else:
        assert r.status_code in (401, 403, 404), (role, r.status_code)
        assert not TeachBackScore.objects.exists()
        if role == "trainee":
            assert r.json()["code"] == "self_scoring"


@pytest.mark.parametrize("role", ROLES)
def test_only_recipients_answer_a_survey(client, mx, role):
    w, tb, survey, people = mx
    c = login(client, people, role)
    r = c.post(f"/api/surveys/{survey.pk}/responses", json.dumps({"answers": {"recommend": 9}}),
               content_type="application/json")
    if role in RECIPIENTS:
        assert r.status_code == 201, r.content
        assert r.json() == {"survey_id": survey.pk, "answered": True}  # not even the response's key
    else:
        assert r.status_code in (401, 403, 404), (role, r.status_code)
        assert not SurveyResponse.objects.exists() and not SurveyCompletion.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_organiser_schedules(client, mx, role):
    w, tb, survey, people = mx
    c = login(client, people, role)
    starts = timezone.now() + datetime.timedelta(days=2)
    body = {"trainee_id": w.rachel.pk, "topic": "Feedback", "competency_id": w.competency.pk,
            "starts_at": starts.isoformat(), "room": "R1", "audience_ids": [w.learners[1].pk]}
    r = c.post(f"/api/programs/{w.program.pk}/teach-backs", json.dumps(body), content_type="application/json")
    if role in ORGANISER:
        assert r.status_code == 201, r.content
        assert r.json()["attempt"] == 1 and r.json()["trainee"]["id"] == w.rachel.pk
    else:
        assert r.status_code in (401, 403, 404), (role, r.status_code)
        assert not TeachBack.objects.filter(trainee=w.rachel).exists()
