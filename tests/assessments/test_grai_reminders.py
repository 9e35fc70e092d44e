"""The GRAI reminder: as the period ends, the mentee whose review of it is missing is reminded once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.assessments import grai_services
from tandem.notifications.models import Notification
from tandem.notifications.reminders import reminders_send
from tandem.notifications.texts import notification_text
from tandem.programs.models import CadenceDuty
from tests.factories import actor_of
from tests.mentorships.conftest import active_pair, make_pair

_FIXTURES = (active_pair, make_pair)  # pytest finds them by name

pytestmark = pytest.mark.django_db


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _grai_duty(program):
    CadenceDuty.objects.create(program=program, code="weekly_grai", name="Weekly GRAI", period="weekly",
                               requirement="grai_review", concerns="mentee")


def test_the_mentee_is_reminded_once_on_the_last_days_of_the_week(active_pair):
    p = active_pair
    _grai_duty(p.program)
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    reminders_send(now=_at(monday + datetime.timedelta(days=2)))  # Wednesday: not yet
    assert not Notification.objects.filter(kind="grai_due").exists()
    reminders_send(now=_at(monday + datetime.timedelta(days=6)))  # Sunday
    reminders_send(now=_at(monday + datetime.timedelta(days=6)))
    n = Notification.objects.get(kind="grai_due")
    assert n.recipient == p.mentee and n.url == f"/mentorships/{p.mentorship.pk}/grai/"
    text = notification_text(n.kind, n.params)
    assert "Reminder: your GRAI review" in text and "–" in text
    # no duty reminder for the same thing
    assert not Notification.objects.filter(kind="duty_due", recipient=p.mentee).exists()


def test_no_reminder_once_the_review_is_written_or_without_a_grai_duty(active_pair, make_pair):
    p, other = active_pair, make_pair()
    _grai_duty(p.program)
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    grai_services.grai_review_submit(mentorship=p.mentorship, actor=actor_of(p.mentee), goal="g", result="r",
                                     analysis="a", insight="i")
    reminders_send(now=_at(monday + datetime.timedelta(days=6)))
    assert not Notification.objects.filter(kind="grai_due").exists()
    assert other.program.pk != p.program.pk
