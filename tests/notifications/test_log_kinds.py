"""The rest of the log's events: a new message tells the other side (once, as a mention, when it
@-mentions them), a resource shared and a series of sessions tell the other side (one notification
for a series, not one per session), and both sides hear when each may read the other's feedback.
The preferences page groups the kinds and sets both channels for each."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.core import events
from tandem.mentorships import log_services as log
from tandem.mentorships.log_models import Session, SessionSeries
from tandem.notifications.models import Notification, NotificationPreference
from tandem.notifications.texts import notification_text
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


def made(capture, action):
    before = set(Notification.objects.values_list("pk", flat=True))
    with capture(execute=True):
        action()
    return [(n.kind, n.recipient_id) for n in Notification.objects.exclude(pk__in=before).order_by("id")]


def test_a_message_tells_the_other_side_once(active_pair, django_capture_on_commit_callbacks):
    p = active_pair
    got = made(django_capture_on_commit_callbacks, lambda: log.message_post(
        mentorship=p.mentorship, actor=actor_of(p.mentee), text="Here is my draft"))
    assert got == [("message_posted", p.mentor.pk)]
    n = Notification.objects.get(kind="message_posted")
    assert n.url == f"/mentorships/{p.mentorship.pk}/log/"
    assert notification_text(n.kind, n.params) == f"{p.mentee.full_name} wrote to you in your coaching log"

    first = p.mentor.full_name.split()[0]
    got = made(django_capture_on_commit_callbacks, lambda: log.message_post(
        mentorship=p.mentorship, actor=actor_of(p.mentee), text=f"@{first} could you read it?"))
    assert got == [("mentioned", p.mentor.pk)]


def test_a_shared_resource_tells_the_other_side(active_pair, django_capture_on_commit_callbacks):
    p = active_pair
    got = made(django_capture_on_commit_callbacks, lambda: events.emit(
        "resource.shared", mentorship_id=p.mentorship.pk, resource_id=99999, actor_id=p.mentor.pk,
        title="Negotiation\nchecklist"))
    assert got == [("resource_shared", p.mentee.pk)]
    n = Notification.objects.get(kind="resource_shared")
    assert notification_text(n.kind, n.params) == f"{p.mentor.full_name} shared “Negotiation checklist” in your coaching log"
    # without a title it still reads well
    made(django_capture_on_commit_callbacks, lambda: events.emit(
        "resource.shared", mentorship_id=p.mentorship.pk, resource_id=99998, actor_id=p.mentee.pk))
    n = Notification.objects.get(kind="resource_shared", recipient=p.mentor)
    assert notification_text(n.kind, n.params) == f"{p.mentee.full_name} shared a file or link in your coaching log"


def test_a_series_of_sessions_is_one_notification(active_pair, django_capture_on_commit_callbacks):
    p = active_pair
    first = timezone.now() + datetime.timedelta(days=2)
    series = SessionSeries.objects.create(mentorship=p.mentorship, frequency="weekly", count=4, created_by=p.mentor)
    sessions = [Session.objects.create(mentorship=p.mentorship, series=series, created_by=p.mentor,
                                       starts_at=first + datetime.timedelta(weeks=i)) for i in range(4)]
    got = made(django_capture_on_commit_callbacks, lambda: events.emit(
        "session.series_scheduled", mentorship_id=p.mentorship.pk, series_id=series.pk, actor_id=p.mentor.pk))
    assert got == [("series_scheduled", p.mentee.pk)]
    n = Notification.objects.get(kind="series_scheduled")
    assert n.params["count"] == 4
    assert n.url == f"/mentorships/{p.mentorship.pk}/log/sessions/{sessions[0].pk}/"
    assert notification_text(n.kind, n.params).startswith(f"{p.mentor.full_name} scheduled 4 sessions, the first on")


def test_cancelling_the_rest_of_a_series_tells_the_other_side_once_in_their_plural(
        active_pair, django_capture_on_commit_callbacks):
    from django.utils import translation

    from tandem.mentorships import series_services

    p = active_pair
    first = timezone.now() + datetime.timedelta(days=2)
    series = SessionSeries.objects.create(mentorship=p.mentorship, frequency="weekly", count=3, created_by=p.mentor)
    sessions = [Session.objects.create(mentorship=p.mentorship, series=series, created_by=p.mentor,
                                       starts_at=first + datetime.timedelta(weeks=i),
                                       original_starts_at=first + datetime.timedelta(weeks=i)) for i in range(3)]
    # when the mentee cancels the rest, the mentor (only) hears of it once, with a link to the first one
    got = made(django_capture_on_commit_callbacks, lambda: series_services.session_series_cancel_rest(
        series=series, actor=actor_of(p.mentee), reason="Project deadline"))
    assert got == [("series_cancelled", p.mentor.pk)]
    n = Notification.objects.get(kind="series_cancelled")
    assert n.params["count"] == 3
    assert n.url == f"/mentorships/{p.mentorship.pk}/log/sessions/{sessions[0].pk}/"
    assert notification_text(n.kind, n.params).startswith(
        f"{p.mentee.full_name} cancelled 3 sessions of your series, from")
    assert notification_text(n.kind, {**n.params, "count": 1}).startswith(
        f"{p.mentee.full_name} cancelled 1 session of your series")
    # Russian has its own forms: 1 встреча / 3 встречи / 5 встреч
    with translation.override("ru"):
        forms = {c: notification_text(n.kind, {**n.params, "count": c}) for c in (1, 3, 5)}
    assert len(set(f.replace(str(c), "#", 1) for c, f in forms.items())) == 3, forms


def test_both_sides_hear_when_the_feedback_can_be_read(active_pair, django_capture_on_commit_callbacks):
    p = active_pair
    s = log.session_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor),
                             starts_at=timezone.now() - datetime.timedelta(hours=1))
    log.session_update(session=s, actor=actor_of(p.mentor), status="held")
    got = made(django_capture_on_commit_callbacks, lambda: log.feedback_leave(
        session=s, actor=actor_of(p.mentor), rating=4))
    assert [k for k, _r in got] == []  # one side answered: nothing to read yet
    got = made(django_capture_on_commit_callbacks, lambda: log.feedback_leave(
        session=s, actor=actor_of(p.mentee), rating=5))
    assert sorted(got) == sorted([("feedback_shared", p.mentor.pk), ("feedback_shared", p.mentee.pk)])
    n = Notification.objects.get(kind="feedback_shared", recipient=p.mentor)
    assert p.mentee.full_name in notification_text(n.kind, n.params)


def test_a_kind_off_in_tandem_but_on_by_email_is_emailed_and_not_listed(active_pair,
                                                                         django_capture_on_commit_callbacks,
                                                                         client, mailoutbox):
    p = active_pair
    NotificationPreference.objects.create(person=p.mentor, app_kinds_off=["message_posted"])
    made(django_capture_on_commit_callbacks, lambda: log.message_post(
        mentorship=p.mentorship, actor=actor_of(p.mentee), text="Hello"))
    n = Notification.objects.get(kind="message_posted")
    assert not n.in_app and n.emailed_at is not None
    assert [m.to for m in mailoutbox] == [[p.mentor.email]]
    client.force_login(p.mentor.user)
    assert "wrote to you" not in client.get("/notifications/").content.decode()
    assert client.get("/api/notifications").json()["count"] == 0
    r = client.post("/api/notifications/read", {"ids": [n.pk]}, content_type="application/json")
    assert r.status_code == 404


def test_both_channels_off_make_no_notification(active_pair, django_capture_on_commit_callbacks):
    p = active_pair
    NotificationPreference.objects.create(person=p.mentor, app_kinds_off=["message_posted"],
                                          email_kinds_off=["message_posted"])
    assert made(django_capture_on_commit_callbacks, lambda: log.message_post(
        mentorship=p.mentorship, actor=actor_of(p.mentee), text="Hello")) == []


def test_the_settings_page_groups_the_kinds_and_saves_both_channels(client, make_person):
    me = make_person()
    client.force_login(me.user)
    page = client.get("/account/notifications/").content.decode()
    for heading in ("Requests and pairing", "Sessions", "The coaching log", "Reminders"):
        assert f"<h2>{heading}</h2>" in page
    assert page.count('name="app_kinds"') == page.count('name="email_kinds"') > 20
    r = client.post("/account/notifications/", {
        "language": "", "email_mode": "immediate", "app_kinds_shown": "1",
        "app_kinds": ["session_soon", "message_posted"], "email_kinds": ["session_soon"]})
    assert r.status_code == 302
    pref = NotificationPreference.objects.get(person=me)
    assert pref.wants_in_app("session_soon") and pref.wants_in_app("message_posted")
    assert not pref.wants_in_app("action_item_overdue")
    assert pref.wants_email("session_soon") and not pref.wants_email("message_posted")
    page = client.get("/account/notifications/").content.decode()
    assert 'name="app_kinds" value="message_posted" checked' in page
    assert 'name="email_kinds" value="message_posted" checked' not in page


def test_unknown_kinds_in_either_channel_are_refused_and_nothing_is_saved(client, make_person):
    me = make_person()
    client.force_login(me.user)
    r = client.post("/account/notifications/", {"language": "", "email_mode": "digest", "app_kinds_shown": "1",
                                                 "app_kinds": ["nonsense\x00"]})
    assert r.status_code in (200, 400)
    assert not NotificationPreference.objects.filter(person=me).exists()
