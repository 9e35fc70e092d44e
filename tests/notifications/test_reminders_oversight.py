"""Reminders for the people around the pairs: a program's manager and HR hear weekly how many of
its pairs have overdue duties; a selection round's graduates and department heads hear that it
closes soon. And the daily digest goes out in each person's own morning, once a day."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone

from tandem.matching.models import RoundSeat, SelectionRound
from tandem.notifications import services
from tandem.notifications.models import Notification, NotificationPreference
from tandem.notifications.reminders import reminders_send
from tandem.notifications.texts import notification_text
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramType
from tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta(days=1)


def test_a_programs_manager_and_hr_hear_weekly_of_its_pairs_with_overdue_duties(active_pair, hr_person,
                                                                                 make_person, monkeypatch):
    from tandem.mentorships import duties

    p = active_pair
    other_pm = make_person(groups=["program_manager"])
    today = timezone.localdate()
    overdue = SimpleNamespace(duty_id=3, duty_code="x", duty_name="Monthly session", required=True,
                              requirement="session", concerns="mentor", state="overdue",
                              period_start=today - 40 * D, period_end=today - 10 * D)
    monkeypatch.setattr(duties, "due_and_overdue", lambda *, today: iter([(p.mentorship.pk, overdue)]),
                        raising=False)
    now = timezone.now()

    reminders_send(now=now)
    reminders_send(now=now + datetime.timedelta(hours=2))

    got = Notification.objects.filter(kind="program_overdue")
    assert sorted(n.recipient_id for n in got) == sorted([p.owner.pk, hr_person.pk])
    assert not got.filter(recipient=other_pm).exists() and not got.filter(recipient=p.mentee).exists()
    n = got.first()
    assert n.mentorship_id is None and n.url == f"/programs/{p.program.pk}/duties/"
    assert notification_text(n.kind, n.params) == f"1 pair in {p.program.name} has overdue duties"
    # a week later, still overdue: told again
    reminders_send(now=now + 7 * D)
    assert Notification.objects.filter(kind="program_overdue", recipient=p.owner).count() == 2


@pytest.fixture
def open_round():
    program = Program.objects.create(
        name="Cohort", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        starts_on="2026-01-01", ends_on="2027-12-31", owner=PersonFactory())
    grad = PersonFactory()
    Enrolment.objects.create(program=program, person=grad, role="mentee")
    head = PersonFactory()
    team = DepartmentFactory(code="OPS")
    team.head = head
    team.save(update_fields=["head"])
    r = SelectionRound.objects.create(program=program, name="Spring round", deadline=timezone.now() + 10 * D)
    RoundSeat.objects.create(round=r, department=team, seats=1)
    RoundSeat.objects.create(round=r, department=DepartmentFactory(), seats=1)  # no head: nobody to tell
    return SimpleNamespace(round=r, grad=grad, head=head, program=program)


def test_a_round_closing_tells_its_graduates_and_heads_two_weeks_ahead_and_in_its_last_days(open_round):
    c = open_round
    now = timezone.now()
    reminders_send(now=now)
    reminders_send(now=now + D)
    first = Notification.objects.filter(kind="round_closing")
    assert sorted(n.recipient_id for n in first) == sorted([c.grad.pk, c.head.pk])
    by = {n.recipient_id: n for n in first}
    # links open the round's page (a GET) at the reader's ranking
    assert by[c.grad.pk].url == f"/programs/{c.program.pk}/rounds/{c.round.pk}/#my-ranking"
    assert by[c.head.pk].url == f"/programs/{c.program.pk}/rounds/{c.round.pk}/#dept-OPS"
    assert "Spring round" in notification_text("round_closing", by[c.grad.pk].params)

    reminders_send(now=now + 9 * D)  # the last two days
    reminders_send(now=now + 9 * D + datetime.timedelta(hours=3))
    assert Notification.objects.filter(kind="round_closing", recipient=c.grad).count() == 2
    reminders_send(now=now + 11 * D)  # closed
    assert Notification.objects.filter(kind="round_closing").count() == 4


def test_the_digest_goes_out_in_each_persons_morning_once_a_day(active_pair, django_capture_on_commit_callbacks):
    p = active_pair
    for person, zone in ((p.mentor, "Asia/Tokyo"), (p.mentee, "America/New_York")):
        person.time_zone = zone
        person.save(update_fields=["time_zone"])
        NotificationPreference.objects.create(person=person, email_mode="digest")
    for person in (p.mentor, p.mentee):
        Notification.objects.create(recipient=person, kind="mentioned", params={"name": "X"}, email_wanted=True)
    mail.outbox.clear()
    day = timezone.now().date() + D
    at = lambda hour: datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)

    # 21:00 UTC: 06:00 in Tokyo (too early), 16:00 in New York (had none today: sent)
    assert services.digests_send_morning(now=at(21) - D) == 1
    assert [e.to for e in mail.outbox] == [[p.mentee.email]]
    # 23:00 UTC: 08:00 in Tokyo
    assert services.digests_send_morning(now=at(23) - D) == 1
    # news for New York the same evening waits for the next morning there
    Notification.objects.create(recipient=p.mentee, kind="mentioned", params={"name": "Y"}, email_wanted=True)
    assert services.digests_send_morning(now=at(23) - D) == 0
    assert services.digests_send_morning(now=at(11)) == 0  # 06:00 in New York
    assert services.digests_send_morning(now=at(12)) == 1  # 07:00 in New York
    assert len(mail.outbox) == 3
