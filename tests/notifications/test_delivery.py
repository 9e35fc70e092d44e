"""E-mail in the recipient's language and time zone, and each person's choices: immediate e-mails
or a daily digest (sent once however often it runs), and which kinds arrive by e-mail at all."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from tandem.matching.flows import choose
from tandem.mentorships import services as ms
from tandem.notifications import services
from tandem.notifications.models import Notification, NotificationPreference
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


def prefer(person, **kw):
    return NotificationPreference.objects.create(person=person, **kw)


def test_each_email_goes_out_in_its_recipients_language(choose_program, django_capture_on_commit_callbacks):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    prefer(mentor, language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor, message="Помогите")
    (to_mentor,) = mail.outbox
    assert to_mentor.to == [mentor.email]
    assert "просит вас стать наставником" in to_mentor.subject and "Здравствуйте" in to_mentor.body
    with django_capture_on_commit_callbacks(execute=True):
        ms.mentorship_accept(mentorship=m, actor=actor_of(mentor))
    to_mentee = mail.outbox[1]
    assert to_mentee.to == [mentee.email]
    assert to_mentee.subject == f"{mentor.full_name} accepted your request" and "Hello" in to_mentee.body


def test_times_in_an_email_are_in_the_recipients_time_zone(choose_program, django_capture_on_commit_callbacks):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    mentor.time_zone = "Asia/Tokyo"
    mentor.save(update_fields=["time_zone"])
    prefer(mentor, language="ru")
    m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    ms.mentorship_accept(mentorship=m, actor=actor_of(mentor))
    intro = datetime.datetime(2031, 1, 10, 9, 0, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        ms.mentorship_schedule_intro(mentorship=m, actor=actor_of(mentee), intro_at=intro)
    (email,) = mail.outbox
    assert email.to == [mentor.email]
    assert "18:00" in email.body and "января 2031" in email.body  # 09:00 UTC is 18:00 in Tokyo
    assert f"/mentorships/{m.pk}/" in email.body


def test_a_kind_turned_off_still_notifies_in_the_app_but_sends_no_email(choose_program,
                                                                        django_capture_on_commit_callbacks):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    prefer(mentor, email_kinds_off=["requested"])
    with django_capture_on_commit_callbacks(execute=True):
        choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    assert mail.outbox == []
    (n,) = Notification.objects.all()
    assert n.recipient == mentor and not n.email_wanted
    call_command("send_digests")
    assert mail.outbox == []


def test_a_digest_person_gets_one_email_with_everything_once_however_often_it_runs(
        choose_program, django_capture_on_commit_callbacks):
    program, mentee = choose_program["program"], choose_program["mentee"]
    mentor, other_mentor = choose_program["mentors"][0], choose_program["mentors"][1]
    prefer(mentor, email_mode="digest", language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        ms.mentorship_cancel(mentorship=m, actor=actor_of(mentee), reason="Changed my mind")
    assert mail.outbox == []  # nothing immediately
    assert Notification.objects.filter(recipient=mentor).count() == 2
    call_command("send_digests")
    call_command("send_digests")
    assert services.digests_send() == 0
    (digest,) = mail.outbox
    assert digest.to == [mentor.email]
    assert "просит вас стать наставником" in digest.body and mentee.full_name in digest.body
    assert f"/programs/{program.pk}/requests/" in digest.body
    assert not Notification.objects.filter(recipient=mentor, emailed_at__isnull=True).exists()
    # someone on immediate e-mails meanwhile hears at once, and is not in any digest
    with django_capture_on_commit_callbacks(execute=True):
        choose.mentorship_request(program=program, mentee=mentee, mentor=other_mentor)
    call_command("send_digests")
    assert [e.to for e in mail.outbox[1:]] == [[other_mentor.email]]


def test_an_immediate_person_is_not_sent_a_digest_and_an_email_is_never_sent_twice(
        choose_program, django_capture_on_commit_callbacks):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    with django_capture_on_commit_callbacks(execute=True):
        choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    (n,) = Notification.objects.all()
    assert n.emailed_at is not None and len(mail.outbox) == 1
    assert services.notification_email_send(notification_id=n.pk) == 0  # a retried task
    call_command("send_digests")
    assert len(mail.outbox) == 1


def test_a_failed_digest_stays_pending_for_the_next_run(choose_program, django_capture_on_commit_callbacks,
                                                       settings):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    prefer(mentor, email_mode="digest")
    with django_capture_on_commit_callbacks(execute=True):
        choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.EmailBackend"
    assert services.digests_send() == 0
    assert Notification.objects.get().emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.digests_send() == 1
    assert Notification.objects.get().emailed_at is not None


# -- the settings page --------------------------------------------------------------------------


def test_a_person_chooses_language_digest_and_kinds_on_their_account_page(client, make_person):
    me = make_person()
    client.force_login(me.user)
    page = client.get("/account/notifications/").content.decode()
    assert 'name="email_mode"' in page and 'value="requested"' in page
    assert 'href="/account/notifications/"' in client.get("/").content.decode()  # linked from the top bar
    r = client.post("/account/notifications/", {"language": "ru", "email_mode": "digest",
                                                 "email_kinds": ["requested", "started"]})
    assert r.status_code == 302
    pref = NotificationPreference.objects.get(person=me)
    assert (pref.language, pref.email_mode) == ("ru", "digest")
    assert pref.wants_email("requested") and pref.wants_email("started") and not pref.wants_email("plan_commented")


@pytest.mark.parametrize("data", [
    {"language": "xx", "email_mode": "digest"}, {"language": "", "email_mode": "hourly"},
    {"language": "", "email_mode": "digest", "email_kinds": ["nonsense"]},
    {"language": "ru\x00", "email_mode": "digest"},
])
def test_bad_settings_are_refused_and_nothing_is_saved(client, make_person, data):
    me = make_person()
    client.force_login(me.user)
    r = client.post("/account/notifications/", data)
    assert r.status_code in (200, 400)
    assert not NotificationPreference.objects.filter(person=me).exists()
