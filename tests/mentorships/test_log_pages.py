"""The coaching log's pages: the timeline with its forms, the session page, who sees what, bad
input refused with nothing saved, and a log page read in a fixed number of queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.mentorships import log_services as ls
from tandem.mentorships.log_models import (
    ActionItem,
    ActionItemComment,
    Message,
    Session,
    SessionFeedback,
    SessionStatus,
)
from tests.factories import PersonFactory, UserFactory, actor_of

pytestmark = pytest.mark.django_db


def as_(client, person):
    client.force_login(person.user)
    return client


def url(p, rest=""):
    return f"/mentorships/{p.mentorship.pk}/log/{rest}"


def local_input(days: int, hour: int = 10) -> str:
    """A datetime-local value, as a browser sends it (no zone: the person's own)."""
    d = timezone.localdate() + datetime.timedelta(days=days)
    return f"{d.isoformat()}T{hour:02d}:00"


def past_session(p, status=SessionStatus.SCHEDULED, days=-2):
    return Session.objects.create(mentorship=p.mentorship, starts_at=timezone.now() + datetime.timedelta(days=days),
                                  duration_minutes=60, status=status, created_by=p.mentor)


def item_for_mentee(p):
    return ls.action_item_create(mentorship=p.mentorship, actor=actor_of(p.mentor), title="Draft the talk",
                                 owner="mentee", due_on=timezone.localdate() + datetime.timedelta(days=7))


def state():
    return (list(Session.objects.values_list("id", "starts_at", "status", "questions", "advice", "notes",
                                             "meeting_link")),
            list(Message.objects.values_list("id", "text")),
            list(ActionItem.objects.values_list("id", "title", "status", "due_on", "done_at")),
            SessionFeedback.objects.count(), ActionItemComment.objects.count())


def test_the_pair_page_links_to_the_log(client, active_pair):
    r = as_(client, active_pair.mentee).get(active_pair.mentorship.get_absolute_url())
    assert url(active_pair).encode() in r.content


def test_the_mentor_schedules_a_session_in_their_own_time_zone_and_the_mentee_sees_it_in_theirs(client, active_pair):
    p = active_pair
    p.mentor.time_zone = "Asia/Tokyo"
    p.mentor.save(update_fields=["time_zone"])
    p.mentee.time_zone = "Europe/London"
    p.mentee.save(update_fields=["time_zone"])
    r = as_(client, p.mentor).post(url(p, "sessions/"), {
        "starts_at": local_input(3, 18), "duration_minutes": "45", "format": "video",
        "meeting_link": "https://meet.example.com/x", "location": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    s = Session.objects.get()
    assert timezone.localtime(s.starts_at, datetime.UTC).hour in (9, 10)  # 18:00 Tokyo
    page = as_(client, p.mentee).get(url(p, f"sessions/{s.pk}/")).content.decode()
    assert "Europe/London" in page or "GMT" in page or "BST" in page


def test_the_pair_posts_a_message_and_adds_an_action_item_from_the_log_page(client, active_pair):
    p = active_pair
    c = as_(client, p.mentor)
    first = p.mentee.full_name.split()[0]
    assert c.post(url(p, "messages/"), {"text": f"@{first} read the chapter on feedback"}).status_code == 302
    msg = Message.objects.get()
    r = c.post(url(p, "items/"), {"title": "", "owner": "mentee", "message": str(msg.pk),
                                  "due_on": (timezone.localdate() + datetime.timedelta(days=5)).isoformat()})
    assert r.status_code == 302
    item = ActionItem.objects.get()
    assert item.message == msg and item.owner == p.mentee and item.title.startswith("@")
    page = c.get(url(p)).content.decode()
    assert "read the chapter on feedback" in page and f'id="item-{item.pk}"' in page


def test_the_mentor_cannot_tick_the_mentees_action_item_through_the_page(client, active_pair):
    p = active_pair
    item = item_for_mentee(p)
    before = state()
    c = as_(client, p.mentor)
    for change in ({"status": "done"}, {"status": "dropped"}, {"title": "Mine"}):
        assert c.post(url(p, f"items/{item.pk}/"), change).status_code == 403, change
    assert state() == before
    # the page offers the mentor no tick, only a comment
    page = c.get(url(p)).content.decode()
    assert 'name="status" value="done"' not in page
    assert c.post(url(p, f"items/{item.pk}/"), {"comment": "Start with the ending"}).status_code == 302
    assert ActionItemComment.objects.get().text == "Start with the ending"
    # the mentee ticks it
    assert as_(client, p.mentee).post(url(p, f"items/{item.pk}/"), {"status": "done"}).status_code == 302
    assert ActionItem.objects.get().status == "done"


def test_the_session_page_the_mentee_prepares_questions_the_mentor_records_advice(client, active_pair):
    p = active_pair
    s = past_session(p)
    edit = url(p, f"sessions/{s.pk}/edit/")
    assert as_(client, p.mentee).post(edit, {"questions": "How do I delegate?"}).status_code == 302
    assert as_(client, p.mentor).post(edit, {"questions": "Other questions"}).status_code == 403
    assert client.post(edit, {"advice": "Start small."}).status_code == 302
    assert client.post(edit, {"status": "held"}).status_code == 302
    s.refresh_from_db()
    assert (s.questions, s.advice, s.status) == ("How do I delegate?", "Start small.", "held")
    page = client.get(url(p, f"sessions/{s.pk}/")).content.decode()
    assert "How do I delegate?" in page and "Start small." in page


def test_a_session_held_before_it_starts_is_a_409_page(client, active_pair):
    p = active_pair
    s = past_session(p, days=3)
    r = as_(client, p.mentor).post(url(p, f"sessions/{s.pk}/edit/"), {"status": "held"})
    assert r.status_code == 409
    assert Session.objects.get().status == "scheduled"


def test_feedback_on_the_page_is_hidden_until_both_answered(client, active_pair):
    p = active_pair
    s = past_session(p, status=SessionStatus.HELD)
    fb = url(p, f"sessions/{s.pk}/feedback/")
    assert as_(client, p.mentee).post(fb, {"rating": "5", "text": "Mentee liked it"}).status_code == 302
    page = as_(client, p.mentor).get(url(p, f"sessions/{s.pk}/")).content.decode()
    assert "Mentee liked it" not in page
    assert client.post(fb, {"rating": "4", "text": "Mentor liked it"}).status_code == 302
    assert "Mentee liked it" in client.get(url(p, f"sessions/{s.pk}/")).content.decode()
    assert client.post(fb, {"rating": "1", "text": "again"}).status_code == 409
    assert SessionFeedback.objects.count() == 2


def test_bad_input_on_the_pages_is_a_4xx_and_saves_nothing(client, active_pair):
    p = active_pair
    s = past_session(p)
    c = as_(client, p.mentee)
    before = state()
    good = {"starts_at": local_input(3), "duration_minutes": "60", "format": "video", "location": ""}
    cases = [
        ("sessions/", good | {"meeting_link": "javascript:alert(1)"}),
        ("sessions/", good | {"starts_at": local_input(400)}),
        ("sessions/", good | {"questions": "x" * 10_000}),
        ("sessions/", good | {"location": "a\x00b"}),
        ("messages/", {"text": "a\x00b"}),
        ("messages/", {"text": "x" * 10_000}),
        ("messages/", {"text": "tab\tinside"}),
        ("items/", {"title": "T", "owner": "mentee",
                    "due_on": (timezone.localdate() + datetime.timedelta(days=400)).isoformat()}),
        (f"sessions/{s.pk}/edit/", {"meeting_link": "javascript:alert(1)"}),
        (f"sessions/{s.pk}/edit/", {"notes": "x" * 10_000}),
        (f"sessions/{s.pk}/edit/", {"starts_at": local_input(-100)}),
    ]
    for path, data in cases:
        r = c.post(url(p, path), data)
        assert 400 <= r.status_code < 500, (path, r.status_code)
    assert state() == before


def test_the_program_team_sees_a_summary_and_the_line_manager_nothing(client, active_pair, hr_person):
    p = active_pair
    s = past_session(p, status=SessionStatus.HELD)
    s.advice = "secret advice"
    s.save()
    Message.objects.create(mentorship=p.mentorship, author=p.mentee, text="secret message", created_at=timezone.now())
    for who in (p.owner, hr_person):
        c = as_(client, who)
        page = c.get(url(p))
        assert page.status_code == 200
        body = page.content.decode()
        assert "secret" not in body and url(p, "messages/") not in body  # no forms to write
        assert "secret" not in c.get(url(p, f"sessions/{s.pk}/")).content.decode()
        assert c.post(url(p, "messages/"), {"text": "hi"}).status_code == 403
    c = as_(client, p.line_manager)
    assert c.get(url(p)).status_code == 403
    assert c.get(url(p, f"sessions/{s.pk}/")).status_code == 403
    assert c.post(url(p, "messages/"), {"text": "hi"}).status_code == 403
    assert Message.objects.count() == 1


@pytest.mark.parametrize("who", ["stranger", "pm_owning_nothing", "no_person"])
def test_someone_elses_log_page_does_not_exist_for_you(client, active_pair, who):
    p = active_pair
    s = past_session(p)
    item = item_for_mentee(p)
    before = state()
    user = {"stranger": lambda: PersonFactory(user=UserFactory()).user,
            "pm_owning_nothing": lambda: PersonFactory(user=UserFactory(groups=["program_manager"])).user,
            "no_person": lambda: UserFactory()}[who]()
    client.force_login(user)
    assert client.get(url(p)).status_code == 404
    assert client.get(url(p, f"sessions/{s.pk}/")).status_code == 404
    assert client.post(url(p, "messages/"), {"text": "hi"}).status_code == 404
    assert client.post(url(p, f"items/{item.pk}/"), {"status": "done"}).status_code == 404
    assert client.post(url(p, f"sessions/{s.pk}/edit/"), {"notes": "x"}).status_code == 404
    assert state() == before


def _fill(p, n):
    """n of each kind, interleaved in time (so any page holds sessions, messages and items)."""
    now = timezone.now()
    base = ActionItem.objects.count() + Message.objects.count() + Session.objects.count()
    for i in range(base, base + n):
        def hours(k, i=i):
            return now - datetime.timedelta(hours=3 * i + k)

        s = Session.objects.create(mentorship=p.mentorship, starts_at=hours(0), status=SessionStatus.HELD,
                                   created_by=p.mentor)
        SessionFeedback.objects.create(session=s, side="mentee", author=p.mentee, rating=4, created_at=now)
        Message.objects.create(mentorship=p.mentorship, author=p.mentor if i % 2 else p.mentee, text=f"m{i}",
                               created_at=hours(1))
        it = ActionItem.objects.create(mentorship=p.mentorship, title=f"i{i}", owner=p.mentee, created_by=p.mentor,
                                       due_on=timezone.localdate(), session=s)
        ActionItem.objects.filter(pk=it.pk).update(created_at=hours(2))
        ActionItemComment.objects.create(item=it, author=p.mentor, text="c", created_at=now)


def test_the_log_page_reads_in_a_fixed_number_of_queries(client, active_pair):
    p = active_pair
    c = as_(client, p.mentee)
    _fill(p, 3)
    c.get(url(p))  # warm up (session, caches)
    with CaptureQueriesContext(connection) as small:
        assert c.get(url(p)).status_code == 200
    _fill(p, 12)
    with CaptureQueriesContext(connection) as large:
        r = c.get(url(p))
    assert r.status_code == 200
    norm = lambda ctx: [re.sub(r"\d+", "N", q["sql"])[:160] for q in ctx.captured_queries]
    assert len(large.captured_queries) == len(small.captured_queries), set(norm(large)) ^ set(norm(small))
    assert len(large.captured_queries) <= 30
