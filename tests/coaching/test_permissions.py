"""Only the mentor of an active mentorship sees its coaching prompts: pages and API, every role.

The mentee (who should not read "you are dependent"), HR, the program team, the line manager and
the department head see the mentorship but not its prompts (the API answers 403); the other pair's
people and everyone else do not even learn that it exists (404).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.mentorships import log_services
from tandem.mentorships.models import Mentorship
from tests.coaching.conftest import Log
from tests.factories import UserFactory, make_person
from tests.mentorships.conftest import build_pair
from tests.shared_world import shared_world

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "line_manager", "head", "mentor", "mentee",
         "other_mentor", "other_mentee", "colleague", "no_person"]
VIEWERS = {"hr", "owner", "line_manager", "head", "mentee"}  # see the mentorship, not its prompts
TITLE = "Open questions to get unstuck"
REASON = "2 of the mentee&#x27;s action items are overdue."


def build_world():
    p = build_pair("active")
    log = Log(p)
    log.message("Hello", by="mentor")
    log.item(title="Call the supplier")
    log.item(title="Write the summary")
    s = log_services.session_schedule(mentorship=p.mentorship, actor=log.actor("mentor"),
                                      starts_at=timezone.now() + datetime.timedelta(days=3))
    other = build_pair("active")
    people = {
        "hr": make_person(groups=["hr_admin"]), "owner": p.owner,
        "pm_owning_nothing": make_person(groups=["program_manager"]), "line_manager": p.line_manager,
        "head": p.head, "mentor": p.mentor, "mentee": p.mentee, "other_mentor": other.mentor,
        "other_mentee": other.mentee, "colleague": make_person(),
    }
    return p, s, people


# The pairs, the log and the people, built once for this module (tests/shared_world.py); each test's writes are
# undone.
_built, world = shared_world(build_world)


def login(client, people, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role != "anonymous":
        client.force_login(people[role].user)
    return client


def pages(p, s):
    m = p.mentorship.pk
    return {"pair page": f"/mentorships/{m}/", "log page": f"/mentorships/{m}/log/",
            "session page": f"/mentorships/{m}/log/sessions/{s.pk}/"}


def test_the_session_page_url_is_right(client, world):
    p, s, people = world
    login(client, people, "mentor")
    for name, url in pages(p, s).items():
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("role", ROLES)
def test_pages_show_the_prompts_to_the_mentor_only(client, world, role):
    p, s, people = world
    c = login(client, people, role)
    for name, url in pages(p, s).items():
        r = c.get(url)
        body = r.content.decode()
        if role == "mentor":
            assert r.status_code == 200, (name, r.status_code)
            assert TITLE in body and REASON in body, name
            assert "Coaching prompts" in body
        else:
            assert TITLE not in body and REASON not in body and "coaching-prompt" not in body, (name, role)


@pytest.mark.parametrize("role", ROLES)
def test_api_gives_the_prompts_to_the_mentor_only(client, world, role):
    p, _s, people = world
    c = login(client, people, role)
    r = c.get(f"/api/mentorships/{p.mentorship.pk}/prompts")
    if role == "anonymous":
        assert r.status_code == 401
    elif role == "mentor":
        assert r.status_code == 200
        assert [x["situation"] for x in r.json()["prompts"]] == ["stuck"]
    elif role in VIEWERS:
        assert r.status_code == 403, (role, r.status_code)
        assert r.json()["code"] == "forbidden"
    else:
        assert r.status_code == 404, (role, r.status_code)
        assert r.json()["code"] == "not_found"
    if role != "mentor":
        assert TITLE not in r.content.decode()


@pytest.mark.parametrize("status", ["completed", "ended_early"])
def test_after_the_mentorship_ended_even_the_mentor_sees_no_prompts(client, world, status):
    p, s, people = world
    Mentorship.objects.filter(pk=p.mentorship.pk).update(status=status)
    login(client, people, "mentor")
    assert client.get(f"/api/mentorships/{p.mentorship.pk}/prompts").status_code == 403
    for name, url in pages(p, s).items():
        body = client.get(url).content.decode()
        assert TITLE not in body, name


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "99999999999999999999999", "1%00"])
def test_bad_ids_are_not_a_server_error(client, world, bad):
    _p, _s, people = world
    login(client, people, "mentor")
    assert client.get(f"/api/mentorships/{bad}/prompts").status_code in (400, 404, 422)


def test_another_pairs_id_is_not_found_for_the_mentor(client, world, make_pair):
    _p, _s, people = world
    other = make_pair("active")
    login(client, people, "mentor")
    assert client.get(f"/api/mentorships/{other.mentorship.pk}/prompts").status_code == 404
