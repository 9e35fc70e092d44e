"""GRAI pages: the pair writes, comments and changes through the page; a refused input re-renders the
page with the message and a 4xx, nothing saved; the program team's summary and who-is-behind list;
empty states; pagination; a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.assessments.grai_models import GraiComment, GraiReview
from tandem.mentorships.models import Mentorship
from tests.mentorships.conftest import active_pair, make_pair

_FIXTURES = (active_pair, make_pair)  # pytest finds them by name

pytestmark = pytest.mark.django_db

TEXTS = {"goal": "Learn the returns flow", "result": "Handled 5 returns alone", "analysis": "The refund step is slow",
         "insight": "Prepare the refund form first"}


def as_(client, person):
    client.force_login(person.user)
    return client


def page(p):
    return f"/mentorships/{p.mentorship.pk}/grai/"


def test_the_mentee_writes_on_the_page_and_the_mentor_comments(client, active_pair):
    p = active_pair
    r = as_(client, p.mentee).post(page(p) + "add", TEXTS)
    assert r.status_code == 302
    review = GraiReview.objects.get()
    assert r["Location"].endswith(f"#grai-{review.pk}")
    r = as_(client, p.mentor).post(page(p) + f"{review.pk}/comment", {"text": "Nice: the form first."})
    assert r.status_code == 302
    html = as_(client, p.mentee).get(page(p)).content.decode()
    assert "Prepare the refund form first" in html and "Nice: the form first." in html
    assert "1 review" in html


def test_a_missing_answer_re_renders_the_form_with_a_400_and_saves_nothing(client, active_pair):
    p = active_pair
    r = as_(client, p.mentee).post(page(p) + "add", {**TEXTS, "insight": ""})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Insight: This field is required." in html
    assert "Learn the returns flow" in html  # what was typed is kept
    assert not GraiReview.objects.exists()


def test_a_second_review_of_the_period_is_a_409_page_with_the_message(client, active_pair):
    p = active_pair
    c = as_(client, p.mentee)
    c.post(page(p) + "add", TEXTS)
    r = c.post(page(p) + "add", TEXTS)
    assert r.status_code == 409
    assert "already written the GRAI review of this period" in r.content.decode()
    assert GraiReview.objects.count() == 1


def test_control_characters_and_empty_comments_are_refused_on_the_page(client, active_pair):
    p = active_pair
    c = as_(client, p.mentee)
    assert c.post(page(p) + "add", {**TEXTS, "goal": "bell \x07"}).status_code == 400
    c.post(page(p) + "add", TEXTS)
    review = GraiReview.objects.get()
    r = as_(client, p.mentor).post(page(p) + f"{review.pk}/comment", {"text": "  "})
    assert r.status_code == 400
    assert r.content.decode().count("This field is required.") == 1
    assert not GraiComment.objects.exists()


def test_the_author_changes_their_review_on_the_page(client, active_pair):
    p = active_pair
    c = as_(client, p.mentee)
    c.post(page(p) + "add", TEXTS)
    review = GraiReview.objects.get()
    assert c.post(page(p) + f"{review.pk}/edit", {"insight": "Refund form, then the call"}).status_code == 302
    review.refresh_from_db()
    assert (review.insight, review.goal) == ("Refund form, then the call", TEXTS["goal"])


def test_the_page_is_empty_before_any_review_and_read_only_once_the_pairing_ended(client, active_pair):
    p = active_pair
    html = as_(client, p.mentee).get(page(p)).content.decode()
    assert "No GRAI review yet." in html and "Save the review" in html
    Mentorship.objects.filter(pk=p.mentorship.pk).update(status="completed")
    html = client.get(page(p)).content.decode()
    assert "can be read, not changed" in html and "Save the review" not in html


def test_the_program_team_sees_periods_and_dates_but_not_the_texts(client, active_pair):
    p = active_pair
    as_(client, p.mentee).post(page(p) + "add", TEXTS)
    html = as_(client, p.owner).get(page(p)).content.decode()
    assert "What the pair writes stays between them." in html
    assert TEXTS["goal"] not in html and "Save the review" not in html
    assert "1 review" in html


def test_the_list_is_paginated_with_a_fixed_number_of_queries(client, active_pair, django_assert_max_num_queries):
    p = active_pair
    start = p.mentorship.started_on
    reviews = GraiReview.objects.bulk_create([
        GraiReview(mentorship=p.mentorship, author=p.mentee, side="mentee", cadence="daily",
                   period_start=start + datetime.timedelta(days=i), **TEXTS) for i in range(25)])
    GraiComment.objects.bulk_create([GraiComment(review=r, author=p.mentor, text="ok") for r in reviews])
    c = as_(client, p.mentee)
    with django_assert_max_num_queries(30):
        first = c.get(page(p)).content.decode()
    assert "Page 1 of 2" in first and "25 reviews" in first
    assert first.count('class="card grai-review') == 20
    assert c.get(page(p) + "?page=2").content.decode().count('class="card grai-review') == 5


def test_who_is_behind_shows_the_participant_who_missed_periods_first(client, make_pair):
    p1, p2 = make_pair(), make_pair()
    Mentorship.objects.filter(pk=p2.mentorship.pk).update(program=p1.program)
    today = timezone.localdate()
    cursor = p2.mentorship.started_on - datetime.timedelta(days=p2.mentorship.started_on.weekday())
    while cursor <= today:
        GraiReview.objects.create(mentorship=p2.mentorship, author=p2.mentee, side="mentee", cadence="weekly",
                                  period_start=cursor, **TEXTS)
        cursor += datetime.timedelta(days=7)
    html = as_(client, p1.owner).get(f"/programs/{p1.program.pk}/grai/").content.decode()
    assert html.index(p1.mentee.full_name) < html.index(p2.mentee.full_name)
    assert "1 of 2 participants missed at least one period." in html
    assert TEXTS["goal"] not in html
    html = client.get(f"/programs/{p1.program.pk}/grai/?q=nobody-like-this").content.decode()
    assert "No pair matches" in html


def test_the_program_list_is_empty_without_active_pairs(client, active_pair):
    p = active_pair
    Mentorship.objects.filter(pk=p.mentorship.pk).update(status="completed")
    html = as_(client, p.owner).get(f"/programs/{p.program.pk}/grai/").content.decode()
    assert "No active pairs yet" in html
