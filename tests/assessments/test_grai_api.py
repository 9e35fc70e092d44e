"""GRAI reviews over the API: status codes, error codes, nothing saved on bad input, texts for the
pair only, pagination, and the program's who-is-behind list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.assessments.grai_models import GraiComment, GraiReview
from tandem.mentorships.models import Mentorship
from tests.mentorships.conftest import active_pair, make_pair

_FIXTURES = (active_pair, make_pair)  # pytest finds them by name

pytestmark = pytest.mark.django_db

TEXTS = {"goal": "Answer 30 calls", "result": "Answered 26", "analysis": "Long hold times on returns",
         "insight": "Keep the returns script open"}


def as_(client, person):
    client.force_login(person.user)
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def url(p):
    return f"/api/mentorships/{p.mentorship.pk}/grai-reviews"


def test_the_mentee_writes_a_review_and_reads_it_back_with_the_mentors_comment(client, active_pair):
    p = active_pair
    r = post(as_(client, p.mentee), url(p), TEXTS)
    assert r.status_code == 201, r.content
    body = r.json()
    today = timezone.localdate()
    assert body["period_start"] == (today - datetime.timedelta(days=today.weekday())).isoformat()
    assert body["period_end"] == (today + datetime.timedelta(days=6 - today.weekday())).isoformat()
    assert (body["side"], body["private"], body["goal"]) == ("mentee", True, TEXTS["goal"])
    c = post(as_(client, p.mentor), f"/api/grai-reviews/{body['id']}/comments", {"text": "Good insight."})
    assert c.status_code == 201
    got = as_(client, p.mentee).get(url(p)).json()
    assert got["count"] == 1
    assert [x["text"] for x in got["items"][0]["comments"]] == ["Good insight."]


@pytest.mark.parametrize("body, status, code, field", [
    ({**TEXTS, "goal": ""}, 400, "validation_failed", "goal"),
    ({**TEXTS, "analysis": "bad \x00 byte"}, 400, "invalid_characters", None),  # the NUL guard, before the view
    ({**TEXTS, "analysis": "bad \x07 bell"}, 400, "validation_failed", "analysis"),
    ({**TEXTS, "insight": "x" * 2001}, 400, "validation_failed", "insight"),
    ({**TEXTS, "period_start": "2200-01-01"}, 400, "grai_period_in_future", "period_start"),
    ({**TEXTS, "period_start": "2001-01-01"}, 400, "grai_period_before_start", "period_start"),
    ({**TEXTS, "period_start": "0001-01-01"}, 422, "validation_failed", None),
    ({k: v for k, v in TEXTS.items() if k != "result"}, 422, "validation_failed", None),
])
def test_bad_input_is_a_4xx_with_its_code_and_nothing_is_saved(client, active_pair, body, status, code, field):
    r = post(as_(client, active_pair.mentee), url(active_pair), body)
    assert r.status_code == status, r.content
    assert r.json()["code"] == code
    if field:
        assert field in r.json()["errors"]
    assert not GraiReview.objects.exists()


def test_a_second_review_of_the_same_period_is_a_409(client, active_pair):
    c = as_(client, active_pair.mentee)
    assert post(c, url(active_pair), TEXTS).status_code == 201
    r = post(c, url(active_pair), {**TEXTS, "goal": "again"})
    assert r.status_code == 409 and r.json()["code"] == "grai_already_written"
    assert GraiReview.objects.count() == 1


def test_a_nul_byte_in_a_comment_is_a_400_and_nothing_is_saved(client, active_pair):
    rid = post(as_(client, active_pair.mentee), url(active_pair), TEXTS).json()["id"]
    r = post(as_(client, active_pair.mentor), f"/api/grai-reviews/{rid}/comments", {"text": "a\x00"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_characters" and r.json()["message"]
    assert not GraiComment.objects.exists()


def test_the_author_changes_their_review_the_other_side_may_not(client, active_pair):
    p = active_pair
    rid = post(as_(client, p.mentee), url(p), TEXTS).json()["id"]
    r = as_(client, p.mentor).patch(f"/api/grai-reviews/{rid}", {"goal": "mine"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "grai_not_your_review"
    r = as_(client, p.mentee).patch(f"/api/grai-reviews/{rid}", {"goal": "Answer 28 calls"},
                                    content_type="application/json")
    assert r.status_code == 200 and r.json()["goal"] == "Answer 28 calls"


def test_the_program_team_gets_dates_and_counts_without_texts(client, active_pair, make_person):
    p = active_pair
    rid = post(as_(client, p.mentee), url(p), TEXTS).json()["id"]
    post(as_(client, p.mentor), f"/api/grai-reviews/{rid}/comments", {"text": "Private note to the mentee"})
    for person in (p.owner, make_person(groups=["hr_admin"])):
        body = as_(client, person).get(url(p)).json()
        item = body["items"][0]
        assert item["private"] is False
        assert (item["goal"], item["insight"], item["comments"]) == (None, None, None)
        assert item["comment_count"] == 1 and item["period_start"]
        assert as_(client, person).get(f"/api/grai-reviews/{rid}").status_code == 403


def test_the_list_is_paginated_newest_period_first(client, active_pair, django_assert_max_num_queries):
    p = active_pair
    start = p.mentorship.started_on
    GraiReview.objects.bulk_create([
        GraiReview(mentorship=p.mentorship, author=p.mentee, side="mentee", cadence="daily",
                   period_start=start + datetime.timedelta(days=i), **TEXTS) for i in range(25)])
    c = as_(client, p.mentee)
    first = c.get(url(p) + "?page_size=10").json()
    assert first["count"] == 25 and len(first["items"]) == 10
    days = [x["period_start"] for x in first["items"]]
    assert days == sorted(days, reverse=True)
    third = c.get(url(p) + "?page_size=10&page=3").json()
    assert len(third["items"]) == 5
    assert c.get(url(p) + "?page=99999999999999999999").status_code == 422
    with django_assert_max_num_queries(12):
        c.get(url(p))


def test_who_is_behind_lists_the_most_behind_first_for_the_program_team(client, make_pair, make_person):
    p1, p2 = make_pair(), make_pair()
    # one program for both pairs: move the second pair into the first one's program
    Mentorship.objects.filter(pk=p2.mentorship.pk).update(program=p1.program)
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    # p2's mentee wrote every week so far, p1's mentee nothing
    cursor = p2.mentorship.started_on - datetime.timedelta(days=p2.mentorship.started_on.weekday())
    while cursor <= monday:
        GraiReview.objects.create(mentorship=p2.mentorship, author=p2.mentee, side="mentee", cadence="weekly",
                                  period_start=cursor, **TEXTS)
        cursor += datetime.timedelta(days=7)
    body = as_(client, p1.owner).get(f"/api/programs/{p1.program.pk}/grai").json()
    assert body["count"] == 2
    first, second = body["items"]
    assert first["mentee_id"] == p1.mentee.pk and first["missing"] == first["periods"] > 0
    assert first["last_period"] is None and first["current_done"] is False
    assert (second["mentee_id"], second["missing"], second["current_done"]) == (p2.mentee.pk, 0, True)
    assert second["last_period"] == monday.isoformat()
    assert "goal" not in second
    assert as_(client, p1.owner).get(f"/api/programs/{p1.program.pk}/grai?page_size=1").json()["count"] == 2
