"""The coaching log over the API: the session lifecycle, feedback hidden until both answered,
messages with @-mentions, action items owned by one side, the merged timeline, bad input."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.core import events
from tandem.mentorships.log_models import (
    ActionItem,
    ActionItemComment,
    Mention,
    Message,
    Session,
    SessionFeedback,
    SessionStatus,
)
from tandem.mentorships.models import MentorshipStatus as S
from tests.factories import PersonFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def day(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def at(days: int, hour: int = 10) -> str:
    when = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return when.replace(hour=hour, minute=0, second=0).isoformat()


def as_(client, person):
    client.force_login(person.user)
    return client


def api(client, method, url, body=None):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, content_type="application/json")


def base(p):
    return f"/api/mentorships/{p.mentorship.pk}"


def schedule(client, p, who=None, **extra):
    body = {"starts_at": at(3), "duration_minutes": 60, "format": "video",
            "meeting_link": "https://meet.example.com/abc"} | extra
    r = api(as_(client, who or p.mentor), "post", f"{base(p)}/sessions", body)
    assert r.status_code == 201, r.content
    return r.json()


def past_session(p, status=SessionStatus.SCHEDULED, days=-2):
    return Session.objects.create(mentorship=p.mentorship, starts_at=timezone.now() + datetime.timedelta(days=days),
                                  duration_minutes=60, status=status, created_by=p.mentor)


def snapshot():
    return (list(Session.objects.values_list("id", "starts_at", "status", "questions", "advice", "notes",
                                             "meeting_link", "cancel_reason")),
            list(SessionFeedback.objects.values_list("id", "rating", "text")),
            list(Message.objects.values_list("id", "text")),
            list(ActionItem.objects.values_list("id", "title", "status", "due_on", "done_at", "goal_id")),
            ActionItemComment.objects.count(), Mention.objects.count())


@pytest.fixture
def captured():
    """Domain events delivered after commit, as (name, payload)."""
    got: list[tuple[str, dict]] = []
    names = ["session.scheduled", "session.rescheduled", "session.cancelled", "session.held", "session.feedback",
             "message.posted", "mention.created", "action_item.assigned", "action_item.updated"]
    handlers = []
    for name in names:
        def h(_name=name, **kw):
            got.append((_name, kw))
        events.subscribe(name, h)
        handlers.append((name, h))
    yield got
    for name, h in handlers:
        events._subscribers[name].remove(h)


# -- sessions ------------------------------------------------------------------------------------


def test_a_session_is_scheduled_rescheduled_and_the_other_side_is_told(client, active_pair, captured,
                                                                       django_capture_on_commit_callbacks):
    p = active_pair
    topic = TopicFactory()
    with django_capture_on_commit_callbacks(execute=True):
        s = schedule(client, p, topics=[topic.code])
    assert s["status"] == "scheduled" and s["topics"] == [topic.code] and s["private"] is True
    with django_capture_on_commit_callbacks(execute=True):
        r = api(as_(client, p.mentee), "patch", f"/api/sessions/{s['id']}", {"starts_at": at(5)})
    assert r.status_code == 200, r.content
    assert datetime.datetime.fromisoformat(r.json()["starts_at"]) == datetime.datetime.fromisoformat(at(5))
    names = [n for n, _ in captured]
    assert names == ["session.scheduled", "session.rescheduled"]
    assert captured[1][1]["other_id"] == p.mentor.pk  # the mentee moved it: the mentor is told


def test_each_side_sees_the_start_in_their_own_time_zone(client, active_pair):
    p = active_pair
    p.mentor.time_zone = "Asia/Tokyo"
    p.mentor.save(update_fields=["time_zone"])
    p.mentee.time_zone = "America/New_York"
    p.mentee.save(update_fields=["time_zone"])
    s = schedule(client, p, starts_at=(timezone.now() + datetime.timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0, tzinfo=datetime.UTC).isoformat())
    mentor_view = api(as_(client, p.mentor), "get", f"/api/sessions/{s['id']}").json()["starts_at"]
    mentee_view = api(as_(client, p.mentee), "get", f"/api/sessions/{s['id']}").json()["starts_at"]
    a, b = datetime.datetime.fromisoformat(mentor_view), datetime.datetime.fromisoformat(mentee_view)
    assert a == b  # the same instant
    assert a.hour == 18 and b.hour in (4, 5)  # 09:00 UTC in Tokyo and New York


def test_the_mentee_writes_questions_and_the_mentor_advice_never_the_other_way(client, active_pair):
    p = active_pair
    s = schedule(client, p)
    url = f"/api/sessions/{s['id']}"
    assert api(as_(client, p.mentee), "patch", url, {"questions": "How do I say no?"}).status_code == 200
    before = snapshot()
    r = api(as_(client, p.mentor), "patch", url, {"questions": "Better questions", "notes": "x"})
    assert r.status_code == 403 and r.json()["code"] == "not_your_text"
    r = api(as_(client, p.mentee), "patch", url, {"advice": "I advise myself"})
    assert r.status_code == 403 and r.json()["code"] == "not_your_text"
    assert snapshot() == before
    r = api(as_(client, p.mentor), "patch", url, {"advice": "Say no kindly.", "notes": "Good talk"})
    body = r.json()
    assert (body["questions"], body["advice"], body["notes"]) == ("How do I say no?", "Say no kindly.", "Good talk")


def test_the_mentee_prepares_questions_when_scheduling_but_the_mentor_cannot(client, active_pair):
    p = active_pair
    assert schedule(client, p, who=p.mentee, questions="Q1")["questions"] == "Q1"
    r = api(as_(client, p.mentor), "post", f"{base(p)}/sessions", {"starts_at": at(4), "questions": "Q for you"})
    assert r.status_code == 403 and Session.objects.count() == 1


def test_a_session_cannot_be_held_before_it_starts(client, active_pair):
    p = active_pair
    s = schedule(client, p)
    r = api(as_(client, p.mentor), "patch", f"/api/sessions/{s['id']}", {"status": "held"})
    assert r.status_code == 409 and r.json()["code"] == "session_not_started"
    assert Session.objects.get().status == "scheduled"


def test_held_then_every_other_move_is_a_409_with_a_code(client, active_pair, captured,
                                                          django_capture_on_commit_callbacks):
    p = active_pair
    s = past_session(p)
    url = f"/api/sessions/{s.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        r = api(as_(client, p.mentee), "patch", url, {"status": "held"})
    assert r.status_code == 200 and r.json()["status"] == "held"
    assert [n for n, _ in captured] == ["session.held"]
    for move in ({"status": "cancelled", "reason": "late"}, {"status": "missed"}, {"status": "scheduled"}):
        r = api(client, "patch", url, move)
        assert r.status_code == 409 and r.json()["code"] == "illegal_session_transition", move
    r = api(client, "patch", url, {"starts_at": at(2)})
    assert r.status_code == 409 and r.json()["code"] == "session_not_scheduled"
    assert Session.objects.get().status == "held"
    # the record of what happened can still be written
    assert api(as_(client, p.mentor), "patch", url, {"advice": "Keep going"}).status_code == 200


def test_cancelling_needs_a_reason_and_a_cancelled_session_is_final(client, active_pair, captured,
                                                                   django_capture_on_commit_callbacks):
    p = active_pair
    s = schedule(client, p)
    url = f"/api/sessions/{s['id']}"
    r = api(as_(client, p.mentee), "patch", url, {"status": "cancelled"})
    assert r.status_code == 400 and r.json()["code"] == "validation_failed"
    assert Session.objects.get().status == "scheduled"
    with django_capture_on_commit_callbacks(execute=True):
        r = api(client, "patch", url, {"status": "cancelled", "reason": "I am ill"})
    assert r.status_code == 200 and r.json()["cancel_reason"] == "I am ill"
    assert "session.cancelled" in [n for n, _ in captured]
    for move in ({"status": "held"}, {"starts_at": at(6)}, {"notes": "x"}):
        r = api(client, "patch", url, move)
        assert r.status_code == 409, move
    assert Session.objects.get().status == "cancelled"


def test_missed_only_after_the_start(client, active_pair):
    p = active_pair
    future = schedule(client, p)
    assert api(as_(client, p.mentor), "patch", f"/api/sessions/{future['id']}",
               {"status": "missed"}).status_code == 409
    s = past_session(p)
    assert api(client, "patch", f"/api/sessions/{s.pk}", {"status": "missed"}).json()["status"] == "missed"


# -- feedback ------------------------------------------------------------------------------------


def test_feedback_once_each_and_hidden_until_both_answered(client, active_pair):
    p = active_pair
    s = past_session(p, status=SessionStatus.HELD)
    url = f"/api/sessions/{s.pk}"
    r = api(as_(client, p.mentee), "post", f"{url}/feedback", {"rating": 5, "text": "Very useful"})
    assert r.status_code == 201
    assert r.json()["mine"]["rating"] == 5 and r.json()["other"] is None
    # the mentor does not see the mentee's answer before giving theirs
    body = api(as_(client, p.mentor), "get", url).json()["feedback"]
    assert body["mine"] is None and body["other"] is None and body["other_answered"] is True
    log = api(client, "get", f"{base(p)}/log").json()
    assert "Very useful" not in str(log)
    assert "Very useful" not in str(api(client, "get", f"{base(p)}/sessions").json())
    r = api(client, "post", f"{url}/feedback", {"rating": 3, "text": "Fine"})
    assert r.status_code == 201 and r.json()["other"]["text"] == "Very useful"
    assert api(as_(client, p.mentee), "get", url).json()["feedback"]["other"]["rating"] == 3
    # once each
    r = api(client, "post", f"{url}/feedback", {"rating": 1, "text": "Changed my mind"})
    assert r.status_code == 409 and r.json()["code"] == "feedback_already_given"
    assert list(SessionFeedback.objects.order_by("side").values_list("side", "rating")) == [("mentee", 5),
                                                                                              ("mentor", 3)]


def test_feedback_only_for_a_held_session_and_a_rating_from_1_to_5(client, active_pair):
    p = active_pair
    s = schedule(client, p)
    r = api(as_(client, p.mentee), "post", f"/api/sessions/{s['id']}/feedback", {"rating": 4})
    assert r.status_code == 409 and r.json()["code"] == "session_not_held"
    held = past_session(p, status=SessionStatus.HELD)
    for bad in ({"rating": 0}, {"rating": 6}, {"rating": True}, {"rating": "5"}, {"rating": 99999999999},
                {"rating": 4, "text": "a\x00b"}, {"rating": 4, "text": "x" * 10_000}):
        assert api(client, "post", f"/api/sessions/{held.pk}/feedback", bad).status_code in (400, 422), bad
    assert SessionFeedback.objects.count() == 0


def test_the_one_feedback_per_side_is_a_database_constraint(active_pair):
    from django.db import IntegrityError, transaction

    p = active_pair
    s = past_session(p, status=SessionStatus.HELD)
    SessionFeedback.objects.create(session=s, side="mentee", author=p.mentee, rating=4, created_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFeedback.objects.create(session=s, side="mentee", author=p.mentee, rating=2,
                                       created_at=timezone.now())


# -- messages and mentions ---------------------------------------------------------------------


def test_a_message_mentioning_the_other_by_first_name_records_and_announces_it(
        client, active_pair, captured, django_capture_on_commit_callbacks):
    p = active_pair
    first = p.mentee.full_name.split()[0]
    with django_capture_on_commit_callbacks(execute=True):
        r = api(as_(client, p.mentor), "post", f"{base(p)}/messages",
                {"text": f"Try the STAR method, @{first}.\nTell me how it went."})
    assert r.status_code == 201, r.content
    mention = Mention.objects.get()
    assert mention.person == p.mentee and mention.message_id == r.json()["id"]
    names = dict(captured)
    assert names["mention.created"]["person_id"] == p.mentee.pk
    assert "message.posted" in names
    # no mention without an @name of the other
    api(client, "post", f"{base(p)}/messages", {"text": "No mention here, mail@example.com"})
    assert Mention.objects.count() == 1


def test_messages_refuse_control_characters_nul_and_overlong_text(client, active_pair):
    p = active_pair
    c = as_(client, p.mentee)
    for bad in ("a\x00b", "tab\there", "bell\x07", "x" * 10_000, "", "   "):
        r = api(c, "post", f"{base(p)}/messages", {"text": bad})
        assert 400 <= r.status_code < 500, bad
    assert api(c, "post", f"{base(p)}/messages", {"text": "line one\nline two"}).status_code == 201
    assert list(Message.objects.values_list("text", flat=True)) == ["line one\nline two"]


# -- action items -----------------------------------------------------------------------------


def add_item(client, p, who, owner="mentee", **extra):
    r = api(as_(client, who), "post", f"{base(p)}/action-items",
            {"title": "Draft the talk", "owner": owner, "due_on": day(10)} | extra)
    assert r.status_code == 201, r.content
    return r.json()


def test_the_mentor_cannot_edit_or_tick_the_mentees_action_item_over_the_api(client, active_pair):
    p = active_pair
    item = add_item(client, p, p.mentor)
    url = f"/api/action-items/{item['id']}"
    before = snapshot()
    for change in ({"status": "done"}, {"status": "dropped"}, {"title": "Mine now"}, {"due_on": day(20)},
                   {"status": "done", "comment": "ticked it for you"}):
        r = api(as_(client, p.mentor), "patch", url, change)
        assert r.status_code == 403 and r.json()["code"] == "not_your_action_item", change
    assert snapshot() == before
    # a comment alone is fine
    r = api(client, "patch", url, {"comment": "Start with the ending"})
    assert r.status_code == 200 and r.json()["comments"][0]["text"] == "Start with the ending"
    # the owner ticks it
    r = api(as_(client, p.mentee), "patch", url, {"status": "done"})
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["done_at"]


def test_an_action_item_is_linked_to_a_plan_goal_and_due_within_the_term(client, active_pair):
    from tandem.mentorships.plan_models import Goal
    from tandem.mentorships.plan_services import plan_for

    p = active_pair
    goal = Goal.objects.create(plan=plan_for(p.mentorship), title="Lead", competency=p.competencies[0],
                               target_level=4)
    item = add_item(client, p, p.mentee, owner="mentor", goal_id=goal.pk)
    assert item["goal_id"] == goal.pk and item["owner"] == "mentor"
    before = snapshot()
    for bad in ({"due_on": day(400)}, {"due_on": day(-100)}, {"due_on": "0001-01-01"}, {"owner": "hr"},
                {"goal_id": 999999}, {"title": "x\x00"}, {"title": "x" * 10_000}, {"title": ""}):
        r = api(as_(client, p.mentee), "post", f"{base(p)}/action-items",
                {"title": "T", "owner": "mentee", "due_on": day(5)} | bad)
        assert 400 <= r.status_code < 500, bad
    assert snapshot() == before
    r = api(as_(client, p.mentee), "post", f"{base(p)}/action-items",
            {"title": "T", "owner": "mentee", "due_on": day(400)})
    assert r.status_code == 422 and r.json()["code"] == "outside_agreement_term"


def test_a_message_is_turned_into_an_action_item(client, active_pair, captured, django_capture_on_commit_callbacks):
    p = active_pair
    msg = api(as_(client, p.mentor), "post", f"{base(p)}/messages",
              {"text": "Read chapter 3 of the book\nthen tell me"}).json()
    with django_capture_on_commit_callbacks(execute=True):
        item = add_item(client, p, p.mentor, title="", message_id=msg["id"])
    assert item["title"] == "Read chapter 3 of the book" and item["message_id"] == msg["id"]
    assert dict(captured)["action_item.assigned"]["owner_id"] == p.mentee.pk


# -- the timeline and who sees what -----------------------------------------------------------


def test_the_log_merges_sessions_messages_and_items_newest_first_and_pages(client, active_pair):
    p = active_pair
    s = past_session(p, days=-3)
    msg = Message.objects.create(mentorship=p.mentorship, author=p.mentee, text="hello",
                                 created_at=timezone.now() - datetime.timedelta(days=1))
    item = add_item(client, p, p.mentee)
    body = api(as_(client, p.mentee), "get", f"{base(p)}/log?page_size=2").json()
    assert body["count"] == 3 and body["pages"] == 2
    assert [(e["kind"]) for e in body["items"]] == ["action_item", "message"]
    assert body["items"][0]["action_item"]["id"] == item["id"] and body["items"][1]["message"]["id"] == msg.pk
    page2 = api(client, "get", f"{base(p)}/log?page=2&page_size=2").json()
    assert [e["session"]["id"] for e in page2["items"]] == [s.pk]
    assert api(client, "get", f"{base(p)}/log?page=99999999999999999999").status_code == 422


def test_hr_and_the_program_team_see_dates_statuses_and_counts_not_the_texts(client, active_pair, hr_person):
    p = active_pair
    s = past_session(p, status=SessionStatus.HELD)
    s.questions, s.advice, s.notes = "secret question", "secret advice", "secret notes"
    s.save()
    Message.objects.create(mentorship=p.mentorship, author=p.mentee, text="secret message", created_at=timezone.now())
    add_item(client, p, p.mentee, title="secret item")
    for who in (p.owner, hr_person):
        c = as_(client, who)
        sessions = api(c, "get", f"{base(p)}/sessions").json()["items"]
        assert sessions[0]["status"] == "held" and sessions[0]["private"] is False
        assert sessions[0]["questions"] is None and sessions[0]["advice"] is None
        log = api(c, "get", f"{base(p)}/log").json()
        assert log["private"] is False and log["counts"]["sessions"]["held"] == 1 and log["count"] == 1
        assert "secret" not in str(log) and "secret" not in str(sessions)
        assert api(c, "get", f"{base(p)}/messages").status_code == 403
        assert api(c, "get", f"{base(p)}/action-items").status_code == 403
        assert api(c, "post", f"{base(p)}/messages", {"text": "hi"}).status_code == 403
    assert Message.objects.count() == 1


def test_the_line_manager_sees_nothing_of_the_log(client, active_pair):
    p = active_pair
    s = past_session(p)
    c = as_(client, p.line_manager)
    for url in (f"{base(p)}/log", f"{base(p)}/sessions", f"{base(p)}/messages", f"{base(p)}/action-items",
                f"/api/sessions/{s.pk}"):
        assert api(c, "get", url).status_code == 403, url
    before = snapshot()
    assert api(c, "post", f"{base(p)}/messages", {"text": "hi"}).status_code == 403
    assert api(c, "patch", f"/api/sessions/{s.pk}", {"notes": "x"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", ["stranger", "pm_owning_nothing", "no_person"])
def test_someone_elses_log_does_not_exist_for_you(client, active_pair, who):
    p = active_pair
    s = past_session(p, status=SessionStatus.HELD)
    item = add_item(client, p, p.mentee)
    before = snapshot()
    user = {"stranger": lambda: PersonFactory(user=UserFactory()).user,
            "pm_owning_nothing": lambda: PersonFactory(user=UserFactory(groups=["program_manager"])).user,
            "no_person": lambda: UserFactory()}[who]()
    client.force_login(user)
    for method, url, body in [
        ("get", f"{base(p)}/log", None), ("get", f"{base(p)}/sessions", None), ("get", f"{base(p)}/messages", None),
        ("get", f"{base(p)}/action-items", None), ("get", f"/api/sessions/{s.pk}", None),
        ("post", f"{base(p)}/sessions", {"starts_at": at(3)}), ("post", f"{base(p)}/messages", {"text": "hi"}),
        ("post", f"{base(p)}/action-items", {"title": "x", "owner": "mentee", "due_on": day(3)}),
        ("patch", f"/api/sessions/{s.pk}", {"notes": "x"}), ("post", f"/api/sessions/{s.pk}/feedback", {"rating": 5}),
        ("patch", f"/api/action-items/{item['id']}", {"status": "done"}),
    ]:
        r = api(client, method, url, body)
        assert r.status_code == 404, (method, url, r.status_code)
    assert snapshot() == before


def test_the_log_is_read_after_the_mentorship_ended_but_not_written(client, active_pair):
    p = active_pair
    past_session(p)
    p.mentorship.status = S.COMPLETED
    p.mentorship.save(update_fields=["status"])
    c = as_(client, p.mentee)
    assert api(c, "get", f"{base(p)}/log").json()["count"] == 1
    r = api(c, "post", f"{base(p)}/messages", {"text": "still there?"})
    assert r.status_code == 409 and r.json()["code"] == "log_not_writable"
    assert Message.objects.count() == 0


def test_no_log_before_the_mentorship_is_active(client, make_pair):
    p = make_pair(S.AGREEMENT)
    c = as_(client, p.mentee)
    assert api(c, "get", f"{base(p)}/log").status_code == 403
    assert api(c, "post", f"{base(p)}/sessions", {"starts_at": at(3)}).status_code == 409


def test_bad_session_input_is_a_4xx_and_saves_nothing(client, active_pair):
    p = active_pair
    c = as_(client, p.mentee)
    good = {"starts_at": at(3)}
    for bad in ({"meeting_link": "javascript:alert(1)"}, {"meeting_link": "http://meet.example.com"},
                {"meeting_link": "https://exa mple.com"}, {"starts_at": at(400)}, {"starts_at": at(-100)},
                {"starts_at": "0001-01-01T00:00:00Z"}, {"duration_minutes": 0}, {"duration_minutes": 99999999999},
                {"duration_minutes": True}, {"format": "telepathy"}, {"location": "a\x00b"},
                {"questions": "x" * 10_000}, {"notes": "a\x00"}, {"topics": ["no-such-topic"]}):
        r = api(c, "post", f"{base(p)}/sessions", good | bad)
        assert 400 <= r.status_code < 500, (bad, r.status_code)
    assert Session.objects.count() == 0
    r = api(c, "post", f"{base(p)}/sessions", good | {"starts_at": at(400)})
    assert r.json()["code"] == "outside_agreement_term"
    s = schedule(client, p)
    before = snapshot()
    for bad in ({"meeting_link": "javascript:alert(1)"}, {"advice": "a\x00"}, {"starts_at": at(400)},
                {"status": "exploded"}, {"notes": "x" * 10_000}):
        r = api(as_(client, p.mentor), "patch", f"/api/sessions/{s['id']}", bad)
        assert 400 <= r.status_code < 500, bad
    assert snapshot() == before


def test_action_items_filter_by_status_and_a_comment_can_mention_the_owner(client, active_pair):
    p = active_pair
    done = add_item(client, p, p.mentee, title="Done one")
    add_item(client, p, p.mentee, title="Open one")
    api(as_(client, p.mentee), "patch", f"/api/action-items/{done['id']}", {"status": "done"})
    body = api(client, "get", f"{base(p)}/action-items?status=open").json()
    assert [i["title"] for i in body["items"]] == ["Open one"]
    assert api(client, "get", f"{base(p)}/action-items?status=bogus").status_code == 422
    first = p.mentee.full_name.split()[0]
    r = api(as_(client, p.mentor), "patch", f"/api/action-items/{done['id']}", {"comment": f"Well done @{first}!"})
    assert r.status_code == 200
    mention = Mention.objects.get()
    assert mention.person == p.mentee and mention.comment is not None


def test_a_session_lists_the_action_items_agreed_in_it(client, active_pair):
    p = active_pair
    s = past_session(p, status=SessionStatus.HELD)
    item = add_item(client, p, p.mentor, session_id=s.pk)
    assert api(client, "get", f"/api/sessions/{s.pk}").json()["action_item_ids"] == [item["id"]]
