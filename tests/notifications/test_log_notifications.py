"""The coaching log's events reach the people they concern: a session scheduled, moved or cancelled
tells the other side; an @-mention tells the person named; an action item tells its owner."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.mentorships import log_services as log
from tandem.notifications.models import Notification
from tandem.notifications.texts import notification_text
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


def made(capture, action):
    before = set(Notification.objects.values_list("pk", flat=True))
    with capture(execute=True):
        result = action()
    return result, list(Notification.objects.exclude(pk__in=before))


def test_a_session_scheduled_moved_and_cancelled_tells_the_other_side(active_pair,
                                                                      django_capture_on_commit_callbacks):
    p = active_pair
    when = timezone.now() + datetime.timedelta(days=3)
    s, notes = made(django_capture_on_commit_callbacks, lambda: log.session_schedule(
        mentorship=p.mentorship, actor=actor_of(p.mentor), starts_at=when))
    assert [(n.kind, n.recipient_id) for n in notes] == [("session_scheduled", p.mentee.pk)]
    assert notes[0].url == f"/mentorships/{p.mentorship.pk}/log/sessions/{s.pk}/"
    assert p.mentor.full_name in notification_text(notes[0].kind, notes[0].params)
    _, notes = made(django_capture_on_commit_callbacks, lambda: log.session_update(
        session=s, actor=actor_of(p.mentee), starts_at=when + datetime.timedelta(days=1)))
    assert [(n.kind, n.recipient_id) for n in notes] == [("session_rescheduled", p.mentor.pk)]
    _, notes = made(django_capture_on_commit_callbacks, lambda: log.session_update(
        session=s, actor=actor_of(p.mentor), status="cancelled", reason="Ill today"))
    assert [(n.kind, n.recipient_id) for n in notes] == [("session_cancelled", p.mentee.pk)]


def test_an_at_mention_tells_the_person_named_and_nobody_else(active_pair, django_capture_on_commit_callbacks):
    p = active_pair
    p.mentee.full_name = "Dr. Anna Petrova"
    p.mentee.save(update_fields=["full_name"])
    first = "Anna"
    _, notes = made(django_capture_on_commit_callbacks, lambda: log.message_post(
        mentorship=p.mentorship, actor=actor_of(p.mentor), text=f"@{first} try the checklist before Friday"))
    kinds = {(n.kind, n.recipient_id) for n in notes}
    assert ("mentioned", p.mentee.pk) in kinds
    assert not any(r in (p.line_manager.pk, p.owner.pk, p.mentor.pk) for _k, r in kinds)


def test_an_action_item_for_the_mentee_tells_the_mentee_but_ones_own_item_tells_nobody(
        active_pair, django_capture_on_commit_callbacks):
    p = active_pair
    due = p.term[1] - datetime.timedelta(days=1)
    _, notes = made(django_capture_on_commit_callbacks, lambda: log.action_item_create(
        mentorship=p.mentorship, actor=actor_of(p.mentor), title="Draft the team charter", owner="mentee",
        due_on=due))
    assert [(n.kind, n.recipient_id) for n in notes] == [("action_item_assigned", p.mentee.pk)]
    assert "Draft the team charter" in notification_text(notes[0].kind, notes[0].params)
    _, notes = made(django_capture_on_commit_callbacks, lambda: log.action_item_create(
        mentorship=p.mentorship, actor=actor_of(p.mentor), title="Send the article", owner="mentor", due_on=due))
    assert notes == []
