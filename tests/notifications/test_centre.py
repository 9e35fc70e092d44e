"""The notification centre: the top bar's count, the list page, marking read through the page and
the API; a person only ever sees and marks their own."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.notifications.models import Notification
from tandem.notifications.selectors import unread_count

pytestmark = pytest.mark.django_db


def notify(person, n=1, kind="requested", name="Ann Asker", **kw):
    return [Notification.objects.create(recipient=person, kind=kind, params={"name": f"{name} {i}"},
                                        url=f"/mentorships/{i + 1}/", mentorship_id=i + 1, **kw)
            for i in range(n)]


@pytest.fixture
def alice(make_person):
    return make_person(full_name="Alice Reader")


@pytest.fixture
def bob(make_person):
    return make_person(full_name="Bob Other")


def post_json(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def read_state(*people):
    return sorted(Notification.objects.filter(recipient__in=people).values_list("pk", "read_at"))


# -- the top bar and the page --------------------------------------------------------------------


def test_the_top_bar_shows_my_unread_count_in_one_query(client, alice, bob):
    notify(alice, 3)
    notify(bob, 5)
    Notification.objects.filter(pk=notify(alice)[0].pk).update(read_at="2026-01-01T00:00Z")
    client.force_login(alice.user)
    page = client.get("/").content.decode()
    assert 'data-unread="3"' in page and 'href="/notifications/"' in page
    with CaptureQueriesContext(connection) as ctx:
        assert unread_count(person=alice) == 3
    assert len(ctx.captured_queries) == 1


def test_no_badge_when_everything_is_read(client, alice):
    client.force_login(alice.user)
    assert "data-unread" not in client.get("/").content.decode()


def test_the_list_shows_my_notifications_newest_first_unread_highlighted_and_linked(client, alice, bob):
    first, second = notify(alice, 2)
    Notification.objects.filter(pk=first.pk).update(read_at="2026-01-01T00:00Z")
    notify(bob, name="Secret Sender")
    client.force_login(alice.user)
    page = client.get("/notifications/").content.decode()
    assert page.index("Ann Asker 1") < page.index("Ann Asker 0")  # newest first
    assert f'class="unread" id="notification-{second.pk}"' in page
    assert f'class="read" id="notification-{first.pk}"' in page
    assert 'href="/mentorships/2/"' in page
    assert "Secret Sender" not in page


def test_the_list_is_paginated_and_has_an_empty_state(client, alice):
    client.force_login(alice.user)
    assert "No notifications yet." in client.get("/notifications/").content.decode()
    notify(alice, 35)
    page1 = client.get("/notifications/").content.decode()
    page2 = client.get("/notifications/?page=2").content.decode()
    assert page1.count('id="notification-') == 30 and page2.count('id="notification-') == 5
    Notification.objects.filter(recipient=alice).update(read_at="2026-01-01T00:00Z")
    assert "No unread notifications." in client.get("/notifications/?unread=1&page=x").content.decode()


def test_mark_one_and_then_all_read_through_the_page(client, alice, bob):
    a1, _a2, _a3 = notify(alice, 3)
    (b1,) = notify(bob)
    client.force_login(alice.user)
    r = client.post("/notifications/read/", {"ids": [a1.pk], "next": "/notifications/"})
    assert r.status_code == 302 and r["Location"] == "/notifications/"
    assert Notification.objects.filter(read_at__isnull=False).count() == 1
    assert 'data-unread="2"' in client.get("/").content.decode()
    client.post("/notifications/read/", {"all": "1"})
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {b1.pk}


def test_nobody_marks_another_persons_notification_through_the_page(client, alice, bob):
    mine = notify(alice)
    theirs = notify(bob)
    before = read_state(alice, bob)
    client.force_login(alice.user)
    r = client.post("/notifications/read/", {"ids": [mine[0].pk, theirs[0].pk]})
    assert r.status_code == 404
    assert read_state(alice, bob) == before  # not even my own one changed


@pytest.mark.parametrize("ids", [["abc"], ["-1"], ["1\x00"], ["99999999999999999999999"], []])
def test_bad_ids_on_the_page_are_a_4xx_and_nothing_changes(client, alice, ids):
    notify(alice)
    before = read_state(alice)
    client.force_login(alice.user)
    r = client.post("/notifications/read/", {"ids": ids})
    assert 400 <= r.status_code < 500
    assert read_state(alice) == before


def test_the_next_address_cannot_send_me_elsewhere(client, alice):
    (n,) = notify(alice)
    client.force_login(alice.user)
    r = client.post("/notifications/read/", {"ids": [n.pk], "next": "https://evil.example/"})
    assert r["Location"] == "/notifications/"


def test_pages_need_a_sign_in_and_a_person(client, django_user_model):
    assert client.get("/notifications/").status_code == 302
    user = django_user_model.objects.create_user("robot", password="x")
    client.force_login(user)
    assert client.get("/notifications/").status_code == 404
    assert client.post("/notifications/read/", {"all": "1"}).status_code == 404


# -- the API ------------------------------------------------------------------------------------


def test_the_api_lists_only_my_notifications_paginated_with_an_unread_filter(client, alice, bob):
    a1, a2 = notify(alice, 2)
    Notification.objects.filter(pk=a1.pk).update(read_at="2026-01-01T00:00Z")
    notify(bob, 3)
    client.force_login(alice.user)
    body = client.get("/api/notifications").json()
    assert body["count"] == 2 and [i["id"] for i in body["items"]] == [a2.pk, a1.pk]
    assert body["items"][0]["text"] == "Ann Asker 1 asks you to be their mentor"
    assert body["items"][0]["url"] == "/mentorships/2/" and body["items"][0]["read_at"] is None
    assert [i["id"] for i in client.get("/api/notifications?unread=true").json()["items"]] == [a2.pk]
    assert [i["id"] for i in client.get("/api/notifications?unread=false").json()["items"]] == [a1.pk]
    assert client.get("/api/notifications?page_size=1&page=2").json()["items"][0]["id"] == a1.pk


def test_the_api_marks_listed_ids_or_all(client, alice, bob):
    a1, a2, _a3 = notify(alice, 3)
    (b1,) = notify(bob)
    client.force_login(alice.user)
    r = post_json(client, "/api/notifications/read", {"ids": [a1.pk, a2.pk]})
    assert r.status_code == 200 and r.json() == {"marked": 2, "unread": 1}
    assert post_json(client, "/api/notifications/read", {"ids": [a1.pk]}).json() == {"marked": 0, "unread": 1}
    assert post_json(client, "/api/notifications/read", {"all": True}).json() == {"marked": 1, "unread": 0}
    assert Notification.objects.get(pk=b1.pk).read_at is None


def test_nobody_marks_another_persons_notification_through_the_api(client, alice, bob):
    mine = notify(alice)
    theirs = notify(bob)
    before = read_state(alice, bob)
    client.force_login(alice.user)
    r = post_json(client, "/api/notifications/read", {"ids": [mine[0].pk, theirs[0].pk]})
    assert r.status_code == 404 and r.json()["code"] == "not_found" and r.json()["ids"] == [theirs[0].pk]
    assert read_state(alice, bob) == before


@pytest.mark.parametrize("payload", [
    {"ids": ["abc"]}, {"ids": [True]}, {"ids": [0]}, {"ids": [-3]}, {"ids": [2**70]}, {"ids": "1"},
    {"all": "yes"}, {}, {"ids": []}, {"ids": ["1\u0000"]}, {"ids": list(range(1, 600))},
])
def test_bad_input_to_the_api_is_a_4xx_and_nothing_changes(client, alice, payload):
    notify(alice)
    before = read_state(alice)
    client.force_login(alice.user)
    r = post_json(client, "/api/notifications/read", payload)
    assert 400 <= r.status_code < 500 and "code" in r.json()
    assert read_state(alice) == before


@pytest.mark.parametrize("query", ["unread=maybe", "page=0", "page=99999999999999999999", "unread=%00"])
def test_bad_list_queries_are_a_4xx(client, alice, query):
    client.force_login(alice.user)
    assert 400 <= client.get(f"/api/notifications?{query}").status_code < 500


def test_the_api_needs_authentication(client):
    assert client.get("/api/notifications").status_code == 401
    assert post_json(client, "/api/notifications/read", {"all": True}).status_code == 401
