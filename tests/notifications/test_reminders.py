"""Reminders go out once each: across runs, a run stopped half-way, a moved session; in each
person's language and time zone; never for a kind the person turned off."""

from __future__ import annotations

import datetime
import sys
import zoneinfo
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import formats, timezone, translation

from tandem.mentorships import log_services as log
from tandem.mentorships import plan_services
from tandem.mentorships.models import Agreement
from tandem.notifications import reminders, services
from tandem.notifications.models import Notification, NotificationPreference, SentReminder
from tandem.notifications.reminders import reminders_send
from tandem.notifications.texts import notification_text
from tests.factories import actor_of

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)


def kinds_of(person, kind=None):
    qs = Notification.objects.filter(recipient=person)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id"))


def prefer(person, **fields):
    NotificationPreference.objects.update_or_create(person=person, defaults=fields)


def schedule(p, starts_at, actor=None):
    return log.session_schedule(mentorship=p.mentorship, actor=actor_of(actor or p.mentor), starts_at=starts_at)


def test_a_session_within_24_hours_reminds_both_sides_once_however_often_the_job_runs(active_pair):
    p = active_pair
    now = timezone.now()
    s = schedule(p, now + 5 * H)
    far = schedule(p, now + 3 * D)

    first = reminders_send(now=now)
    again = reminders_send(now=now + 10 * datetime.timedelta(minutes=1))

    assert first.get("session_soon") == 2 and "session_soon" not in again
    for person in (p.mentor, p.mentee):
        (n,) = kinds_of(person, "session_soon")
        assert n.object_id == s.pk and n.url == f"/mentorships/{p.mentorship.pk}/log/sessions/{s.pk}/"
        assert n.read_at is None
    assert not SentReminder.objects.filter(subject=f"session:{far.pk}").exists()
    assert not kinds_of(p.line_manager, "session_soon")


def test_a_session_moved_to_another_time_is_reminded_again_at_its_new_time(active_pair):
    p = active_pair
    now = timezone.now()
    s = schedule(p, now + 5 * H)
    reminders_send(now=now)
    log.session_update(session=s, actor=actor_of(p.mentee), starts_at=now + 8 * H)

    reminders_send(now=now + H)
    reminders_send(now=now + 2 * H)

    notes = kinds_of(p.mentee, "session_soon")
    assert len(notes) == 2
    assert [n.params["when"] for n in notes] == [(now + 5 * H).isoformat(), (now + 8 * H).isoformat()]


def test_after_downtime_one_run_catches_up_a_session_that_came_within_24_hours(active_pair):
    # given: a session two days ahead; the job ran then, and no worker ran for 30 hours
    p = active_pair
    now = timezone.now()
    s = schedule(p, now + 2 * D)
    assert reminders_send(now=now) == {}
    # when: the first run after the downtime, 18 hours before the session
    sent = reminders_send(now=now + 30 * H)
    # then: its reminder goes out now, once
    assert sent["session_soon"] == 2
    assert [n.object_id for n in kinds_of(p.mentor, "session_soon")] == [s.pk]


def test_a_cancelled_session_or_one_of_an_ended_pair_is_not_reminded(active_pair):
    p = active_pair
    now = timezone.now()
    s = schedule(p, now + 5 * H)
    log.session_update(session=s, actor=actor_of(p.mentor), status="cancelled", reason="Travel")
    assert "session_soon" not in reminders_send(now=now)


def test_feedback_waits_only_for_the_side_that_has_not_answered(active_pair, monkeypatch):
    p = active_pair
    now = timezone.now()
    s = schedule(p, now - 2 * H)
    log.session_update(session=s, actor=actor_of(p.mentor), status="held")
    log.feedback_leave(session=s, actor=actor_of(p.mentor), rating=5, text="Good")

    assert "feedback_waiting" not in reminders_send(now=now + H)  # too soon after the session
    sent = reminders_send(now=now + 4 * H)
    reminders_send(now=now + 5 * H)

    assert sent["feedback_waiting"] == 1
    (n,) = kinds_of(p.mentee, "feedback_waiting")
    assert p.mentor.full_name in notification_text(n.kind, n.params)
    assert not kinds_of(p.mentor, "feedback_waiting")


def test_an_action_item_reminds_its_owner_the_day_before_and_once_overdue(active_pair):
    p = active_pair
    today = timezone.localdate()
    item = log.action_item_create(mentorship=p.mentorship, actor=actor_of(p.mentor), title="Draft the charter",
                                  owner="mentee", due_on=today + D)
    noon = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))

    reminders_send(now=noon)
    reminders_send(now=noon + H)
    reminders_send(now=noon + 2 * D)  # the day after the due date
    reminders_send(now=noon + 3 * D)

    assert [n.kind for n in kinds_of(p.mentee)
            if n.kind.startswith("action_item_") and n.kind != "action_item_assigned"] == [
        "action_item_due", "action_item_overdue"]
    assert not kinds_of(p.mentor, "action_item_due")
    assert "Draft the charter" in notification_text("action_item_due", kinds_of(p.mentee, "action_item_due")[0].params)

    # a done item is not overdue
    done = log.action_item_create(mentorship=p.mentorship, actor=actor_of(p.mentee), title="Read the book",
                                  owner="mentee", due_on=today)
    log.action_item_update(item=done, actor=actor_of(p.mentee), status="done")
    reminders_send(now=noon + 4 * D)
    assert [n.object_id for n in kinds_of(p.mentee, "action_item_overdue")] == [item.pk]


def test_a_kind_turned_off_sends_nothing_and_email_off_keeps_it_in_the_centre(active_pair, client):
    p = active_pair
    now = timezone.now()
    prefer(p.mentor, app_kinds_off=["session_soon"], email_kinds_off=["session_soon"])
    prefer(p.mentee, email_kinds_off=["session_soon"])
    schedule(p, now + 5 * H)
    mail.outbox.clear()

    reminders_send(now=now)

    assert not kinds_of(p.mentor, "session_soon") and not SentReminder.objects.filter(recipient=p.mentor).exists()
    (n,) = kinds_of(p.mentee, "session_soon")
    assert n.in_app and not n.email_wanted
    assert mail.outbox == []


def test_email_only_reminder_is_emailed_but_not_listed_in_the_centre(active_pair, client):
    p = active_pair
    now = timezone.now()
    prefer(p.mentee, app_kinds_off=["session_soon"])
    schedule(p, now + 5 * H)
    mail.outbox.clear()

    reminders_send(now=now)

    assert [e.to for e in mail.outbox] == [[p.mentor.email], [p.mentee.email]] or \
        sorted(e.to[0] for e in mail.outbox) == sorted([p.mentor.email, p.mentee.email])
    client.force_login(p.mentee.user)
    body = client.get("/api/notifications").json()
    assert all(item["kind"] != "session_soon" for item in body["items"])


def test_the_email_is_in_the_recipients_language_and_time_zone(active_pair):
    p = active_pair
    p.mentee.time_zone = "Asia/Vladivostok"  # UTC+10
    p.mentee.save(update_fields=["time_zone"])
    prefer(p.mentee, language="ru")
    tomorrow = timezone.now().date() + D
    starts = datetime.datetime.combine(tomorrow, datetime.time(2, 30), tzinfo=datetime.UTC)  # 12:30 there
    now = starts - 6 * H
    schedule(p, starts)
    mail.outbox.clear()

    reminders_send(now=now)

    (to_mentee,) = [e for e in mail.outbox if e.to == [p.mentee.email]]
    # the Russian e-mail (its greeting and date; the new sentence itself waits for the translators)
    with translation.override("ru"):
        local_day = formats.date_format(datetime.date(tomorrow.year, tomorrow.month, tomorrow.day), "DATE_FORMAT")
    assert to_mentee.body.startswith("Здравствуйте") and f"{local_day}, 12:30." in to_mentee.body
    assert "г.." not in to_mentee.body  # Russian dates end a sentence without a doubled full stop
    assert "02:30" not in to_mentee.body
    # the mentor's, in English and their own zone
    (to_mentor,) = [e for e in mail.outbox if e.to == [p.mentor.email]]
    mentor_time = starts.astimezone(zoneinfo.ZoneInfo(p.mentor.time_zone or "UTC"))
    with translation.override("en"):
        expected = formats.date_format(mentor_time, "DATETIME_FORMAT")
    assert f"Reminder: your session with {p.mentee.full_name} starts at {expected}" in to_mentor.body


def test_a_digest_person_gets_their_reminders_in_the_digest_not_at_once(active_pair):
    p = active_pair
    prefer(p.mentee, email_mode="digest")
    now = timezone.now()
    schedule(p, now + 5 * H)
    mail.outbox.clear()

    reminders_send(now=now)
    assert [e.to for e in mail.outbox] == [[p.mentor.email]]

    mail.outbox.clear()
    assert services.digests_send() == 1
    (digest,) = mail.outbox
    assert digest.to == [p.mentee.email] and p.mentor.full_name in digest.body
    assert f"/mentorships/{p.mentorship.pk}/log/sessions/" in digest.body


def test_a_run_stopped_half_way_leaves_no_duplicate_for_the_next_run(active_pair, monkeypatch):
    # given: two sessions soon; the run dies after the first reminder (a worker killed mid-job)
    p = active_pair
    now = timezone.now()
    schedule(p, now + 3 * H)
    schedule(p, now + 4 * H)
    real = reminders.remind_once
    calls = []

    def dies_on_the_second(**kw):
        calls.append(kw["subject"])
        if len(calls) == 2:
            raise SystemExit("killed")
        return real(**kw)

    monkeypatch.setattr(reminders, "remind_once", dies_on_the_second)
    with pytest.raises(SystemExit):
        reminders_send(now=now)
    assert SentReminder.objects.count() == 1

    # when: the worker is back and the job runs again (twice)
    monkeypatch.setattr(reminders, "remind_once", real)
    reminders_send(now=now + datetime.timedelta(minutes=5))
    reminders_send(now=now + datetime.timedelta(minutes=10))

    # then: four reminders in all (two sessions × two sides), each once
    assert SentReminder.objects.count() == 4
    assert Notification.objects.filter(kind="session_soon").count() == 4


def test_an_agreement_waiting_for_days_reminds_those_who_have_not_signed(make_pair):
    p = make_pair("agreement")
    agreement = Agreement.objects.get(mentorship=p.mentorship)
    from tandem.mentorships import services as mentorship_services

    mentorship_services.agreement_sign(mentorship=p.mentorship, actor=actor_of(p.mentor))
    now = timezone.now()
    assert "agreement_waiting" not in reminders_send(now=now)  # written today: not yet
    Agreement.objects.filter(pk=agreement.pk).update(created_at=now - 4 * D)

    reminders_send(now=now)
    reminders_send(now=now + H)

    reminded = sorted(n.recipient_id for n in Notification.objects.filter(kind="agreement_waiting"))
    assert reminded == sorted([p.mentee.pk, p.line_manager.pk])
    n = Notification.objects.filter(kind="agreement_waiting").first()
    assert n.url == f"/mentorships/{p.mentorship.pk}/agreement/"
    assert "1" in notification_text(n.kind, n.params)


def test_a_plan_under_comment_for_days_reminds_the_sides_that_have_not_confirmed(active_pair):
    from tandem.mentorships.plan_models import Plan, PlanStatus

    p = active_pair
    plan, _ = Plan.objects.get_or_create(mentorship=p.mentorship)
    now = timezone.now()
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.REVIEW, mentor_confirmed_at=now - 5 * D,
                                           mentee_confirmed_at=None, updated_at=now - 5 * D)
    reminders_send(now=now)
    reminders_send(now=now + H)
    assert [n.recipient_id for n in Notification.objects.filter(kind="plan_waiting")] == [p.mentee.pk]
    assert plan_services  # the plan's own services drive it in the app; here only its state matters


def _period(**kw):
    base = {"duty_id": 7, "duty_code": "in-depth", "duty_name": "Monthly in-depth session", "required": True,
            "requirement": "session_in_depth", "concerns": "mentor", "state": "due", "count": 0, "needed": 1,
            "evidence": ()}
    return SimpleNamespace(**{**base, **kw})


def test_duties_due_near_the_period_end_and_overdue_remind_whom_they_concern(active_pair, monkeypatch):
    from tandem.mentorships import duties

    p = active_pair
    today = timezone.localdate()
    states = [
        (p.mentorship.pk, _period(period_start=today - 20 * D, period_end=today + 3 * D)),
        (p.mentorship.pk, _period(duty_id=8, duty_name="Quarterly review", concerns="pair", state="overdue",
                                  period_start=today - 100 * D, period_end=today - 10 * D)),
        (p.mentorship.pk, _period(duty_id=9, period_start=today, period_end=today + 25 * D)),  # not near its end
        (p.mentorship.pk, _period(duty_id=10, required=False, state="due", period_start=today - 20 * D,
                                  period_end=today + 2 * D)),  # a suggestion: never a reminder
    ]
    monkeypatch.setattr(duties, "due_and_overdue", lambda *, today: iter(states), raising=False)

    reminders_send()
    reminders_send()

    got = sorted((n.kind, n.recipient_id, n.params["duty"]) for n in Notification.objects.filter(kind__startswith="duty_"))
    assert got == sorted([("duty_due", p.mentor.pk, "Monthly in-depth session"),
                          ("duty_overdue", p.mentor.pk, "Quarterly review"),
                          ("duty_overdue", p.mentee.pk, "Quarterly review")])


def test_without_the_duties_module_the_other_reminders_still_go_out(active_pair, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "tandem.mentorships.duties", None)  # import fails
    schedule(active_pair, timezone.now() + 5 * H)
    with caplog.at_level("INFO"):
        sent = reminders_send()
    assert sent["session_soon"] == 2
    assert "duty reminders skipped" in caplog.text
