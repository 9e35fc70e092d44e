"""Who sees inputs versus outputs (core/authz.py: can_view_inputs_outputs, can_view_inputs_by_mentor,
inputs_outputs_pairs_q): every role against the page, the API and both exports."""

from __future__ import annotations


import pytest

from tests.factories import PersonFactory, UserFactory, make_person
from tests.insights.inputs_world import FROM, TO, build_world
from tests.shared_world import shared_world

ROLES = ["anonymous", "hr", "pm", "pm_owning_nothing", "head", "mentor", "employee", "no_person",
         "pm_without_person"]
SEEING = {"hr", "pm", "pm_owning_nothing", "head"}
PER_MENTOR = {"hr", "pm", "pm_owning_nothing"}


def build_world_and_people():
    world = build_world(make_person)
    return world, {"hr": make_person(groups=["hr_admin"]), "pm": world.pm,
                   "pm_owning_nothing": make_person(groups=["program_manager"]), "head": world.head,
                   "mentor": world.mentors["m1"], "employee": PersonFactory(user=UserFactory())}


# The world and the people, built once for this module (tests/shared_world.py); each test's writes are undone.
# One deep copy for both: ``people["pm"]`` is ``world.pm``.
_built, _world_and_people = shared_world(build_world_and_people)


@pytest.fixture
def world(_world_and_people):
    return _world_and_people[0]


@pytest.fixture
def people(_world_and_people):
    return _world_and_people[1]


def login(client, people, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role == "pm_without_person":
        client.force_login(UserFactory(groups=["program_manager"]))
    elif role != "anonymous":
        client.force_login(people[role].user)


URLS = [("/api/insights/inputs-outputs", True), ("/insights/inputs-outputs/", False),
        ("/insights/inputs-outputs/export.csv", False), ("/insights/inputs-outputs/export.xlsx", False)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("by", ["department", "mentor", "program", "job_profile"])
def test_every_page_and_endpoint_by_role(client, world, people, role, by):
    login(client, people, role)
    for url, api in URLS:
        response = client.get(url, {"by": by, "from": FROM, "to": TO})
        if role == "anonymous":
            want = 401 if api else 302
        elif role in (PER_MENTOR if by == "mentor" else SEEING):
            want = 200
        else:
            want = 403
        assert response.status_code == want, (role, by, url, response.status_code)


def groups(client, people, role, by="department", **extra):
    login(client, people, role)
    body = client.get("/api/insights/inputs-outputs", {"by": by, "from": FROM, "to": TO, **extra}).json()
    return body


def test_a_department_head_sees_only_their_department(client, world, people):
    body = groups(client, people, "head")
    assert [g["label"] for g in body["groups"]] == ["Sales"]
    assert body["scope"]["pairs"] == 5


def test_a_program_manager_who_owns_nothing_sees_no_figure(client, world, people):
    body = groups(client, people, "pm_owning_nothing")
    assert body["groups"] == [] and body["scope"]["suppressed"] and body["scope"]["pairs"] is None
    assert all(f["value"] is None and f["n"] is None for f in body["scope"]["figures"])
    login(client, people, "pm_owning_nothing")
    response = client.get("/api/insights/inputs-outputs", {"program": world.program.pk})
    assert response.status_code == 403


def test_the_owning_manager_sees_per_mentor_rows_of_their_program(client, world, people):
    body = groups(client, people, "pm", by="mentor", program=world.program.pk)
    assert {g["pairs"] for g in body["groups"]} == {5}
    assert len(body["groups"]) == 3


def test_a_head_who_is_also_a_program_manager_gets_no_per_mentor_rows_from_their_department(client, world, people):
    from django.contrib.auth.models import Group

    world.head.user.groups.add(Group.objects.get_or_create(name="program_manager")[0])
    by_department = groups(client, people, "head")
    assert [g["label"] for g in by_department["groups"]] == ["Sales"]
    by_mentor = groups(client, people, "head", by="mentor")
    assert by_mentor["groups"] == [] and by_mentor["scope"]["pairs"] is None


def test_the_navigation_leads_each_reader_to_what_they_may_open(client, world, people):
    login(client, people, "head")
    html = client.get("/insights/inputs-outputs/").content.decode()
    assert 'href="/insights/inputs-outputs/"' in html and 'href="/insights/compare/"' not in html
    login(client, people, "pm")
    html = client.get("/insights/inputs-outputs/").content.decode()
    assert 'href="/insights/compare/"' in html
    login(client, people, "mentor")
    assert "/insights/" not in client.get("/").content.decode()
