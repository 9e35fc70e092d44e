"""Every role × every calendars page and endpoint.

The pair may export their sessions and series and cancel the rest of a series. Those who know the
pair exists (HR, the program's manager, the mentee's line manager and department head) are refused
the file (403: it carries the meeting link and the place); everyone else does not even learn the
session exists (404). Each person manages only their own feed; a login without a person has none.
Refused writes change nothing.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from tandem.calendars.models import CalendarFeed
from tandem.mentorships import series_services
from tandem.mentorships.log_models import Session
from tests.factories import UserFactory, actor_of, make_person
from tests.mentorships.conftest import build_pair
from tests.shared_world import shared_world

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "line_manager", "head", "mentor", "mentee",
         "colleague", "other_pair_mentor", "other_pair_mentee", "no_person"]
PAIR = {"mentor", "mentee"}
TEAM = {"hr", "owner", "line_manager", "head"}  # they see the pair exists: a 403, not a 404
PEOPLE = set(ROLES) - {"anonymous", "no_person"}


def build_world():
    p = build_pair()
    other = build_pair()
    start = datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time(9),
                                      zoneinfo.ZoneInfo("Europe/Berlin"))
    series = series_services.session_series_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor),
                                                     starts_at=start, count=3, frequency="weekly")
    people = {
        "hr": make_person(groups=["hr_admin"]), "owner": p.owner,
        "pm_owning_nothing": make_person(groups=["program_manager"]), "line_manager": p.line_manager,
        "head": p.head, "mentor": p.mentor, "mentee": p.mentee, "colleague": make_person(),
        "other_pair_mentor": other.mentor, "other_pair_mentee": other.mentee,
    }
    return p, series, people


# The pairs, the series and the people, built once for this module (tests/shared_world.py); each test's writes
# are undone.
_built, world = shared_world(build_world)


def login(client, world, role):
    _p, _series, people = world
    if role == "no_person":
        client.force_login(UserFactory())
    elif role != "anonymous":
        client.force_login(people[role].user)
    return client


def _expect(r, role, allowed, name):
    if role == "anonymous":
        assert r.status_code in (302, 401), (name, role, r.status_code)
    elif role in allowed:
        assert r.status_code in (200, 201, 204), (name, role, r.status_code, r.content[:300])
    elif role in TEAM:
        assert r.status_code == 403, (name, role, r.status_code)
    else:
        assert r.status_code == 404, (name, role, r.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_reads(client, world, role):
    p, series, _people = world
    s = series.sessions.order_by("starts_at").first()
    c = login(client, world, role)
    for name, url in [("api ics", f"/api/sessions/{s.pk}/ics"),
                      ("page ics", f"/mentorships/{p.mentorship.pk}/log/sessions/{s.pk}/calendar.ics"),
                      ("api series", f"/api/session-series/{series.pk}")]:
        r = c.get(url)
        _expect(r, role, PAIR, name)
        if role not in PAIR:
            assert b"BEGIN:VCALENDAR" not in r.content and b"meet" not in r.content


@pytest.mark.parametrize("role", ROLES)
def test_cancel_the_rest(client, world, role):
    p, series, _people = world
    s = series.sessions.order_by("starts_at").first()
    before = list(Session.objects.order_by("pk").values_list("status", "sequence"))
    c = login(client, world, role)
    r = c.post(f"/api/session-series/{series.pk}/cancel", {"reason": "Done"}, content_type="application/json")
    _expect(r, role, PAIR, "api cancel")
    page = c.post(f"/mentorships/{p.mentorship.pk}/log/sessions/{s.pk}/cancel-rest/", {"reason": "Done"})
    if role in PAIR:
        assert Session.objects.filter(series=series, status="cancelled").count() == 3
    else:
        assert page.status_code in (302, 403, 404) and (role == "anonymous" or page.status_code in (403, 404))
        assert list(Session.objects.order_by("pk").values_list("status", "sequence")) == before


@pytest.mark.parametrize("role", ROLES)
def test_own_feed(client, world, role):
    c = login(client, world, role)
    page = c.get("/account/calendar/")
    made = c.post("/api/calendar/feed")
    if role == "anonymous":
        assert page.status_code == 302 and made.status_code == 401
        assert not CalendarFeed.objects.exists()
        return
    assert page.status_code == 200
    if role == "no_person":
        assert made.status_code == 403 and not CalendarFeed.objects.exists()
        assert c.get("/api/calendar/feed").status_code == 403
        return
    assert made.status_code == 201
    _p, _series, people = world
    feed = CalendarFeed.objects.get(revoked_at=None)
    assert feed.person == people[role]
    assert c.get("/api/calendar/feed").json()["active"] is True
    assert c.get(made.json()["url"].split("testserver")[-1].replace("http://127.0.0.1:8000", "")).status_code == 200
    assert c.delete("/api/calendar/feed").status_code == 204
    assert c.delete("/api/calendar/feed").status_code == 409


def test_one_persons_revoke_leaves_anothers_feed(client, world):
    from tandem.calendars import services

    p, _series, _people = world
    _f, raw = services.calendar_feed_create(actor=actor_of(p.mentor))
    services.calendar_feed_create(actor=actor_of(p.mentee))
    services.calendar_feed_revoke(actor=actor_of(p.mentee))
    assert client.get(f"/calendar/{raw}.ics").status_code == 200


def test_the_account_page_shows_the_address_once_and_regenerates_and_revokes_it(client, world):
    p, _series, _people = world
    client.force_login(p.mentee.user)
    page = client.get("/account/calendar/").content.decode()
    assert "You have no calendar feed." in page
    made = client.post("/account/calendar/", {"action": "create"})
    assert made.status_code == 200
    body = made.content.decode()
    assert "/calendar/cal_" in body
    url = body.split('id="calendar-feed-url" class="calendar-url">')[1].split("<")[0]
    path = "/calendar/" + url.split("/calendar/")[1]
    assert client.get(path).status_code == 200
    again = client.get("/account/calendar/").content.decode()
    assert path not in again and CalendarFeed.objects.get(revoked_at=None).prefix in again
    r = client.post("/account/calendar/", {"action": "revoke"})
    assert r.status_code == 302 and client.get(path).status_code == 404
    assert client.post("/account/calendar/", {"action": "nonsense"}).status_code == 400
    # the top bar links to the page
    assert 'href="/account/calendar/"' in client.get("/account/calendar/").content.decode()
