"""Recurring sessions: series_services, the log page's repeat option and the API's ``repeat``."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from dateutil import rrule
from django.utils import timezone

from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.mentorships import log_services, series_services
from tandem.mentorships.log_models import Session, SessionSeries, SessionStatus
from tests.calendars.conftest import zone_changing_soon
from tests.factories import actor_of

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def tomorrow_at(zone: zoneinfo.ZoneInfo, hour: int = 9) -> datetime.datetime:
    d = timezone.localdate() + datetime.timedelta(days=1)
    return datetime.datetime.combine(d, datetime.time(hour), zone)


def series_of(p, *, who=None, count=4, frequency="weekly", **extra):
    return series_services.session_series_schedule(
        mentorship=p.mentorship, actor=actor_of(who or p.mentor), starts_at=tomorrow_at(BERLIN), count=count,
        frequency=frequency, **extra)


# -- occurrences: the same instants as RFC 5545's RRULE --------------------------------------------


@pytest.mark.parametrize("frequency, interval, freq", [("weekly", 1, rrule.WEEKLY), ("biweekly", 2, rrule.WEEKLY),
                                                       ("monthly", 1, rrule.MONTHLY)])
@pytest.mark.parametrize("first", [datetime.datetime(2026, 3, 1, 9, 0), datetime.datetime(2026, 10, 18, 18, 30),
                                   datetime.datetime(2027, 1, 31, 8, 0), datetime.datetime(2026, 3, 29, 2, 30)])
def test_occurrences_are_what_an_rrule_expands_to(frequency, interval, freq, first):
    # given the same start as a calendar's DTSTART;TZID=Europe/Berlin
    z = BERLIN
    # when
    ours = series_services.occurrences(first.replace(tzinfo=z), zone=z, frequency=frequency, count=12)
    theirs = list(rrule.rrule(freq, interval=interval, count=12, dtstart=first))
    # then: the same wall-clock times, and the instants of those times in the zone
    assert [d.replace(tzinfo=None) for d in ours] == theirs
    assert [d.astimezone(datetime.UTC) for d in ours] == [d.replace(tzinfo=z).astimezone(datetime.UTC)
                                                          for d in theirs]


def test_a_weekly_series_keeps_nine_oclock_across_the_spring_clock_change():
    ours = series_services.occurrences(datetime.datetime(2026, 3, 22, 9, tzinfo=BERLIN), zone=BERLIN,
                                       frequency="weekly", count=2)
    assert [d.astimezone(datetime.UTC).hour for d in ours] == [8, 7]
    assert [d.hour for d in ours] == [9, 9]


def test_a_monthly_series_on_the_31st_skips_the_months_without_one():
    ours = series_services.occurrences(datetime.datetime(2027, 1, 31, 9, tzinfo=BERLIN), zone=BERLIN,
                                       frequency="monthly", count=3)
    assert [d.date() for d in ours] == [datetime.date(2027, 1, 31), datetime.date(2027, 3, 31),
                                        datetime.date(2027, 5, 31)]


# -- the service ----------------------------------------------------------------------------------------


def test_a_series_schedules_one_session_per_occurrence_announced_once(active_pair, captured,
                                                                      django_capture_on_commit_callbacks):
    p = active_pair
    with django_capture_on_commit_callbacks(execute=True):
        series = series_of(p, count=4, location="Room 4", meeting_link="https://meet.example.com/x",
                           duration_minutes=45)
    rows = list(series.sessions.order_by("starts_at"))
    assert len(rows) == 4 and series.count == 4 and series.frequency == "weekly"
    assert series.time_zone == p.mentor.time_zone == "Europe/Berlin"
    assert [s.original_starts_at for s in rows] == [s.starts_at for s in rows]
    assert [s.starts_at - rows[0].starts_at for s in rows] == [datetime.timedelta(weeks=i) for i in range(4)]
    assert {(s.location, s.meeting_link, s.duration_minutes, s.status) for s in rows} == {
        ("Room 4", "https://meet.example.com/x", 45, SessionStatus.SCHEDULED)}
    names = [n for n, _kw in captured]
    assert names == ["session.series_scheduled"]
    assert captured[0][1]["session_ids"] == [s.pk for s in rows]
    assert captured[0][1]["other_id"] == p.mentee.pk


def test_the_series_keeps_its_wall_clock_time_in_the_organisers_zone_across_a_clock_change(active_pair):
    p = active_pair
    key, after_change = zone_changing_soon()
    zone = zoneinfo.ZoneInfo(key)
    p.mentor.time_zone = key
    p.mentor.save(update_fields=["time_zone"])
    first = tomorrow_at(zone, 9)
    weeks = (after_change - first.date()).days // 7 + 2
    series = series_services.session_series_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor),
                                                     starts_at=first, count=weeks, frequency="weekly")
    rows = list(series.sessions.order_by("starts_at"))
    assert {s.starts_at.astimezone(zone).time() for s in rows} == {datetime.time(9)}
    offsets = {s.starts_at.astimezone(zone).utcoffset() for s in rows}
    assert len(offsets) == 2, "the series crosses the clock change"
    assert {s.time_zone for s in rows} == {key} and series.time_zone == key


def test_without_a_frequency_the_series_follows_the_agreement(active_pair):
    p = active_pair
    p.agreement.meeting_frequency = "biweekly"
    p.agreement.save(update_fields=["meeting_frequency"])
    series = series_services.session_series_schedule(mentorship=p.mentorship, actor=actor_of(p.mentee),
                                                     starts_at=tomorrow_at(BERLIN), count=3)
    assert series.frequency == "biweekly"
    starts = list(series.sessions.order_by("starts_at").values_list("starts_at", flat=True))
    assert starts[1] - starts[0] == datetime.timedelta(weeks=2)


def test_a_series_running_past_the_agreements_term_is_refused_with_how_many_fit(active_pair):
    p = active_pair
    days_left = (p.term[1] - timezone.localdate()).days
    fits = (days_left - 1) // 7 + 1
    with pytest.raises(log_services.OutsideTerm) as exc:
        series_of(p, count=fits + 1)
    assert exc.value.code == "series_beyond_agreement_term"
    assert f"Only {fits} sessions of the {fits + 1}" in str(exc.value.message)
    assert p.term[1].isoformat() in str(exc.value.message)
    assert not Session.objects.exists() and not SessionSeries.objects.exists()
    # and as many as fit are fine
    assert series_of(p, count=fits).sessions.count() == fits


@pytest.mark.parametrize("count", [0, 1, 61, True, "3", None, 10**20])
def test_a_series_needs_two_to_sixty_sessions(active_pair, count):
    with pytest.raises(ValidationFailed) as exc:
        series_of(active_pair, count=count)
    assert "count" in exc.value.errors
    assert not Session.objects.exists()


def test_an_unknown_frequency_is_refused(active_pair):
    with pytest.raises(ValidationFailed) as exc:
        series_of(active_pair, frequency="daily")
    assert "frequency" in exc.value.errors and not Session.objects.exists()


def test_the_mentors_series_cannot_carry_the_mentees_questions(active_pair):
    with pytest.raises(Forbidden):
        series_of(active_pair, questions="What should I read?")
    assert not Session.objects.exists() and not SessionSeries.objects.exists()


def test_the_mentees_questions_go_with_the_first_session_only(active_pair):
    p = active_pair
    series = series_of(p, who=p.mentee, questions="What should I read?")
    assert list(series.sessions.order_by("starts_at").values_list("questions", flat=True)) == [
        "What should I read?", "", "", ""]


def test_moving_one_occurrence_keeps_its_place_in_the_series_and_raises_its_sequence(active_pair):
    p = active_pair
    series = series_of(p)
    second = series.sessions.order_by("starts_at")[1]
    original = second.starts_at
    log_services.session_update(session=second, actor=actor_of(p.mentee),
                                starts_at=original + datetime.timedelta(hours=2))
    second.refresh_from_db()
    assert second.original_starts_at == original and second.sequence == 1
    assert second.starts_at == original + datetime.timedelta(hours=2)


def test_cancel_the_rest_cancels_this_and_the_later_scheduled_occurrences_once(active_pair, captured,
                                                                               django_capture_on_commit_callbacks):
    p = active_pair
    series = series_of(p, count=5)
    rows = list(series.sessions.order_by("starts_at"))
    log_services.session_update(session=rows[3], actor=actor_of(p.mentor), status="cancelled", reason="Holiday")
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = series_services.session_series_cancel_rest(series=series, actor=actor_of(p.mentee),
                                                               reason="Project ends", from_session=rows[1])
    assert [s.pk for s in cancelled] == [rows[1].pk, rows[2].pk, rows[4].pk]
    got = {s.pk: (s.status, s.cancel_reason, s.sequence) for s in Session.objects.filter(series=series)}
    assert got[rows[0].pk] == (SessionStatus.SCHEDULED, "", 0)
    assert got[rows[3].pk] == (SessionStatus.CANCELLED, "Holiday", 1)
    for s in (rows[1], rows[2], rows[4]):
        assert got[s.pk] == (SessionStatus.CANCELLED, "Project ends", 1)
    assert [n for n, _kw in captured] == ["session.series_cancelled"]
    with pytest.raises(Conflict):
        series_services.session_series_cancel_rest(series=series, actor=actor_of(p.mentee), reason="Again",
                                                   from_session=rows[1])


@pytest.mark.parametrize("reason", ["", "   ", "a\x00b", "x" * 501])
def test_cancel_the_rest_needs_a_reason(active_pair, reason):
    p = active_pair
    series = series_of(p)
    with pytest.raises(ValidationFailed):
        series_services.session_series_cancel_rest(series=series, actor=actor_of(p.mentor), reason=reason)
    assert not Session.objects.filter(status=SessionStatus.CANCELLED).exists()


# -- the API and the page ------------------------------------------------------------------------------


def _post(client, p, who, body):
    client.force_login(who.user)
    return client.post(f"/api/mentorships/{p.mentorship.pk}/sessions", body, content_type="application/json")


def test_the_api_schedules_a_series_with_repeat(client, active_pair):
    p = active_pair
    r = _post(client, p, p.mentee, {"starts_at": tomorrow_at(BERLIN).isoformat(), "repeat": {"count": 3}})
    assert r.status_code == 201, r.content
    body = r.json()
    series = SessionSeries.objects.get()
    assert body["series_id"] == series.pk and series.count == 3
    assert series.frequency == p.agreement.meeting_frequency
    assert body["id"] == series.sessions.order_by("starts_at").first().pk
    r = client.get(f"/api/session-series/{series.pk}")
    assert r.status_code == 200 and [s["id"] for s in r.json()["sessions"]] == list(
        series.sessions.order_by("original_starts_at").values_list("pk", flat=True))


@pytest.mark.parametrize("repeat", [{"count": 1}, {"count": 61}, {"count": "3"}, {"count": True},
                                    {"count": 3, "frequency": "daily"}, {"frequency": "weekly"}, [],
                                    {"count": 10**30}])
def test_the_api_refuses_a_bad_repeat_and_changes_nothing(client, active_pair, repeat):
    p = active_pair
    r = _post(client, p, p.mentor, {"starts_at": tomorrow_at(BERLIN).isoformat(), "repeat": repeat})
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "validation_failed"
    assert not Session.objects.exists()


def test_the_api_says_when_a_series_runs_past_the_term(client, active_pair):
    p = active_pair
    r = _post(client, p, p.mentor, {"starts_at": tomorrow_at(BERLIN).isoformat(),
                                    "repeat": {"count": 60, "frequency": "weekly"}})
    assert r.status_code == 422
    assert r.json()["code"] == "series_beyond_agreement_term" and "choose" in r.json()["message"]
    assert not Session.objects.exists()


def test_the_log_page_schedules_a_repeating_session(client, active_pair):
    p = active_pair
    client.force_login(p.mentor.user)
    page = client.get(f"/mentorships/{p.mentorship.pk}/log/")
    assert 'name="repeat"' in page.content.decode() and 'name="repeat_count"' in page.content.decode()
    start = tomorrow_at(BERLIN).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/mentorships/{p.mentorship.pk}/log/sessions/",
                    {"starts_at": start, "duration_minutes": 60, "format": "video", "repeat": "monthly",
                     "repeat_count": 3})
    assert r.status_code == 302, r.content.decode()[:2000]
    series = SessionSeries.objects.get()
    assert series.frequency == "monthly" and series.sessions.count() == 3
    first = series.sessions.order_by("starts_at").first()
    assert r.url.endswith(f"/sessions/{first.pk}/")
    page = client.get(r.url).content.decode()
    assert "Session 1 of 3" in page and "Cancel the rest of the series" in page


def test_the_log_page_asks_how_many_sessions_a_repeat_has(client, active_pair):
    p = active_pair
    client.force_login(p.mentor.user)
    start = tomorrow_at(BERLIN).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/mentorships/{p.mentorship.pk}/log/sessions/",
                    {"starts_at": start, "duration_minutes": 60, "format": "video", "repeat": "weekly"})
    assert r.status_code == 422 and "Say how many sessions the series has." in r.content.decode()
    assert not Session.objects.exists()


def test_the_session_page_cancels_the_rest_of_the_series(client, active_pair):
    p = active_pair
    series = series_of(p, count=3)
    rows = list(series.sessions.order_by("starts_at"))
    client.force_login(p.mentee.user)
    url = f"/mentorships/{p.mentorship.pk}/log/sessions/{rows[1].pk}/cancel-rest/"
    r = client.post(url, {"reason": "Moving team"})
    assert r.status_code == 302
    assert list(Session.objects.filter(series=series).order_by("starts_at").values_list("status", flat=True)) == [
        "scheduled", "cancelled", "cancelled"]
    # a blank reason changes nothing and says why
    r = client.post(f"/mentorships/{p.mentorship.pk}/log/sessions/{rows[0].pk}/cancel-rest/", {"reason": " "},
                    follow=True)
    assert "Say why the sessions are cancelled." in r.content.decode()
    assert Session.objects.get(pk=rows[0].pk).status == "scheduled"
