"""The at-risk list before a retention checkpoint: who is on it, the reasons that fire, and the weekly
reminder to the program's manager (sent once)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.core.authz import actor_for
from tandem.insights import retention_selectors as rs
from tandem.mentorships.log_models import ActionItem, Session, SessionFeedback
from tandem.notifications.models import Notification, NotificationKind
from tandem.notifications.reminders import reminders_send
from tandem.notifications.texts import notification_text
from tandem.programs.models import CadenceDuty, Enrolment


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def near_checkpoint(active_pair):
    """The pair's mentee started 25 days ago (month 1 in 5 days); the program started 60 days ago."""
    p = active_pair
    p.mentee.hire_date = _days(-25)
    p.mentee.save(update_fields=["hire_date"])
    return p


def _reasons(p) -> dict[int, set[str]]:
    _program, rows = rs.at_risk_list(actor=actor_for(p.owner.user), program_id=p.program.pk)
    return {row.person.pk: {r.code for r in row.reasons} for row in rows}


def _session(p, *, status: str, days_ago: int) -> Session:
    return Session.objects.create(mentorship=p.mentorship, status=status,
                                  starts_at=timezone.now() - datetime.timedelta(days=days_ago))


def test_a_participant_with_no_signal_is_not_listed(near_checkpoint):
    assert _reasons(near_checkpoint) == {}


def test_a_missed_session_in_the_last_30_days_lists_the_mentee(near_checkpoint):
    p = near_checkpoint
    _session(p, status="missed", days_ago=40)  # too long ago
    assert _reasons(p) == {}
    _session(p, status="missed", days_ago=3)
    _session(p, status="held", days_ago=2)
    _program, rows = rs.at_risk_list(actor=actor_for(p.owner.user), program_id=p.program.pk)
    assert [r.person for r in rows] == [p.mentee]
    assert rows[0].checkpoint == 30 and rows[0].checkpoint_date == _days(5)
    assert [r.message for r in rows[0].reasons] == ["1 missed session in the last 30 days"]


def test_low_satisfaction_counts_only_the_participants_own_feedback(near_checkpoint):
    p = near_checkpoint
    held = _session(p, status="held", days_ago=5)
    # the mentor rating the session low is not the mentee's satisfaction
    SessionFeedback.objects.create(session=held, side="mentor", author=p.mentor, rating=1, created_at=timezone.now())
    assert _reasons(p) == {}
    SessionFeedback.objects.create(session=held, side="mentee", author=p.mentee, rating=2, created_at=timezone.now())
    assert _reasons(p) == {p.mentee.pk: {"low_satisfaction"}}


def test_a_mean_rating_above_the_bar_is_not_low(near_checkpoint):
    p = near_checkpoint
    for days_ago, rating in ((9, 2), (5, 4)):
        s = _session(p, status="held", days_ago=days_ago)
        SessionFeedback.objects.create(session=s, side="mentee", author=p.mentee, rating=rating,
                                       created_at=timezone.now())
    assert _reasons(p) == {}  # mean 3.0 > 2.5


def test_overdue_open_action_items_of_the_participant_list_them(near_checkpoint):
    p = near_checkpoint
    ActionItem.objects.create(mentorship=p.mentorship, title="Mine, done", owner=p.mentee, due_on=_days(-3),
                              status="done")
    ActionItem.objects.create(mentorship=p.mentorship, title="Mentor's", owner=p.mentor, due_on=_days(-3))
    ActionItem.objects.create(mentorship=p.mentorship, title="Not due yet", owner=p.mentee, due_on=_days(3))
    assert _reasons(p) == {}
    ActionItem.objects.create(mentorship=p.mentorship, title="Late", owner=p.mentee, due_on=_days(-1))
    assert _reasons(p) == {p.mentee.pk: {"overdue_items"}}


def test_no_grai_review_for_a_week_counts_only_in_a_program_that_asks_for_them(near_checkpoint):
    p = near_checkpoint
    assert _reasons(p) == {}  # the program has no GRAI duty: no reviews expected
    CadenceDuty.objects.create(program=p.program, code="weekly_grai", name="Weekly GRAI", period="weekly",
                               requirement="grai_review", concerns="mentee")
    assert _reasons(p) == {p.mentee.pk: {"no_grai"}}
    from tandem.assessments.grai_models import GraiReview

    GraiReview.objects.create(mentorship=p.mentorship, author=p.mentee, side="mentee", period_start=_days(-2),
                              goal="g", result="r", analysis="a", insight="i")
    assert _reasons(p) == {}


def test_without_the_grai_module_the_reason_is_no_data(near_checkpoint, monkeypatch):
    import sys

    p = near_checkpoint
    CadenceDuty.objects.create(program=p.program, code="weekly_grai", name="Weekly GRAI", period="weekly",
                               requirement="grai_review", concerns="mentee")
    monkeypatch.setitem(sys.modules, "tandem.assessments.grai_selectors", None)  # import fails
    assert _reasons(p) == {}


def test_only_participants_near_a_checkpoint_are_listed(near_checkpoint):
    p = near_checkpoint
    _session(p, status="missed", days_ago=2)
    p.mentee.hire_date = _days(-40)  # month 1 was 10 days ago, month 3 is 51 days away
    p.mentee.save(update_fields=["hire_date"])
    assert _reasons(p) == {}
    p.mentee.hire_date = _days(-3)  # day 7 in 4 days
    p.mentee.save(update_fields=["hire_date"])
    assert _reasons(p) == {p.mentee.pk: {"missed_sessions"}}


def test_a_withdrawn_or_departed_participant_is_not_listed(near_checkpoint):
    p = near_checkpoint
    _session(p, status="missed", days_ago=2)
    p.mentee.left_on = _days(-1)
    p.mentee.save(update_fields=["left_on"])
    assert _reasons(p) == {}
    p.mentee.left_on = None
    p.mentee.save(update_fields=["left_on"])
    Enrolment.objects.filter(program=p.program, person=p.mentee).update(status="withdrawn")
    assert _reasons(p) == {}


def test_the_at_risk_page_shows_the_reasons_and_an_empty_state(client, near_checkpoint):
    p = near_checkpoint
    client.force_login(p.owner.user)
    assert "Nobody is at risk" in client.get(f"/programs/{p.program.pk}/at-risk/").content.decode()
    _session(p, status="missed", days_ago=2)
    html = client.get(f"/programs/{p.program.pk}/at-risk/").content.decode()
    assert p.mentee.full_name in html and 'data-reason="missed_sessions"' in html and "month 1" in html
    body = client.get(f"/api/programs/{p.program.pk}/at-risk").json()
    assert body["count"] == 1 and body["items"][0]["reasons"][0]["code"] == "missed_sessions"


def test_the_weekly_reminder_tells_the_program_manager_once(near_checkpoint):
    p = near_checkpoint
    _session(p, status="missed", days_ago=2)
    with_hr = reminders_send()
    again = reminders_send()
    sent = Notification.objects.filter(kind=NotificationKind.AT_RISK)
    assert [n.recipient_id for n in sent] == [p.owner.pk]
    assert with_hr.get("at_risk") == 1 and "at_risk" not in again
    note = sent.get()
    assert note.params == {"count": 1, "program": p.program.name, "checkpoint": "month 1"}
    assert notification_text(note.kind, note.params) == (
        f"1 participant of {p.program.name} is at risk before the month 1 checkpoint")
    assert note.url == f"/programs/{p.program.pk}/at-risk/"


def _at_risk_queries(client, p, extra: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PersonFactory

    for _ in range(extra):
        Enrolment.objects.create(program=p.program, person=PersonFactory(hire_date=_days(-20)), role="mentee")
    with CaptureQueriesContext(connection) as api:
        assert client.get(f"/api/programs/{p.program.pk}/at-risk").status_code == 200
    with CaptureQueriesContext(connection) as page:
        assert client.get(f"/programs/{p.program.pk}/at-risk/").status_code == 200
    return len(api), len(page)


def test_the_at_risk_list_costs_the_same_queries_for_3_or_12_participants(client, near_checkpoint):
    p = near_checkpoint
    CadenceDuty.objects.create(program=p.program, code="weekly_grai", name="Weekly GRAI", period="weekly",
                               requirement="grai_review", concerns="mentee")
    _session(p, status="missed", days_ago=2)
    ActionItem.objects.create(mentorship=p.mentorship, title="Late", owner=p.mentee, due_on=_days(-1))
    client.force_login(p.owner.user)
    few = _at_risk_queries(client, p, 2)
    many = _at_risk_queries(client, p, 9)
    assert few == many
    assert client.get(f"/api/programs/{p.program.pk}/at-risk").json()["count"] == 12
