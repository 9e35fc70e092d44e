"""The iCalendar output: the per-person feed and a session's .ics (RFC 5545, strict vobject)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from tandem.calendars import services as calendar_services
from tandem.calendars.models import CalendarFeed
from tandem.mentorships import log_services, series_services
from tandem.mentorships import services as mentorship_services
from tandem.mentorships.log_models import Session, SessionStatus
from tests.calendars.conftest import parse_strictly, shown_sessions, zone_changing_soon
from tests.factories import actor_of

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = datetime.UTC


def at(days: int, hour: int, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=days), datetime.time(hour), zone)


def feed_url(p, person=None) -> str:
    _feed, raw = calendar_services.calendar_feed_create(actor=actor_of(person or p.mentee))
    return f"/calendar/{raw}.ics"


@pytest.fixture
def busy(active_pair):
    """A weekly series by the mentor (Berlin) with one occurrence moved and one cancelled, a single
    session by the mentee in New York, an open action item for the mentee, private texts."""
    p = active_pair
    p.mentee.time_zone = "America/New_York"
    p.mentee.save(update_fields=["time_zone"])
    series = series_services.session_series_schedule(
        mentorship=p.mentorship, actor=actor_of(p.mentor), starts_at=at(1, 9, BERLIN), count=6, frequency="weekly",
        location="Room 7", meeting_link="https://meet.example.com/weekly")
    rows = list(series.sessions.order_by("starts_at"))
    log_services.session_update(session=rows[1], actor=actor_of(p.mentee),
                                starts_at=rows[1].starts_at + datetime.timedelta(days=1, hours=2))
    log_services.session_update(session=rows[2], actor=actor_of(p.mentor), status="cancelled", reason="Ill")
    log_services.session_update(session=rows[0], actor=actor_of(p.mentee), questions="PRIVATE-QUESTION")
    single = log_services.session_schedule(mentorship=p.mentorship, actor=actor_of(p.mentee),
                                           starts_at=at(3, 16, NEW_YORK), notes="PRIVATE-NOTE")
    item = log_services.action_item_create(mentorship=p.mentorship, actor=actor_of(p.mentor), title="Read the book",
                                           owner="mentee", due_on=timezone.localdate() + datetime.timedelta(days=9))
    p.series, p.rows, p.single, p.item = series, rows, single, item
    return p


def tandem_shows(p) -> dict[tuple[str, datetime.datetime], str]:
    """The sessions Tandem shows: (the calendar UID they belong to, start in UTC) → status."""
    out = {}
    for s in Session.objects.filter(mentorship=p.mentorship):
        uid = f"series-{s.series_id}@testserver" if s.series_id else f"session-{s.pk}@testserver"
        out[(uid, s.starts_at.astimezone(UTC))] = "CANCELLED" if s.status == SessionStatus.CANCELLED else "CONFIRMED"
    return out


def test_the_feed_validates_strictly_and_shows_exactly_the_sessions_tandem_shows(client, busy, settings):
    settings.BASE_URL = "http://testserver"
    p = busy
    r = client.get(feed_url(p))
    assert r.status_code == 200
    assert r["Content-Type"] == "text/calendar; charset=utf-8"
    text = r.content.decode()
    vcal, ical = parse_strictly(text)
    assert shown_sessions(text) == tandem_shows(p)
    # one master with an RRULE, overrides for the moved, the cancelled and the changed occurrence
    series_events = [e for e in vcal.vevent_list if e.uid.value == f"series-{p.series.pk}@testserver"]
    master = [e for e in series_events if not hasattr(e, "recurrence_id")]
    assert len(master) == 1 and master[0].rrule.value == "FREQ=WEEKLY;COUNT=6"
    overridden = {e.recurrence_id.value.astimezone(UTC) for e in series_events if hasattr(e, "recurrence_id")}
    assert overridden == {p.rows[i].starts_at for i in (0, 1, 2)}
    moved = next(e for e in series_events if hasattr(e, "recurrence_id")
                 and e.recurrence_id.value.astimezone(UTC) == p.rows[1].starts_at)
    assert moved.dtstart.value.astimezone(UTC) == p.rows[1].starts_at + datetime.timedelta(days=1, hours=2)
    assert moved.sequence.value == "1"
    # the all-day action item
    item = next(e for e in vcal.vevent_list if e.uid.value == f"action-item-{p.item.pk}@testserver")
    assert item.dtstart.value == p.item.due_on and item.transp.value == "TRANSPARENT"
    assert "Read the book" in item.summary.value
    # icalendar reads the same events
    assert len(ical.walk("VEVENT")) == len(vcal.vevent_list)


def test_the_feed_has_a_vtimezone_for_each_zone_and_both_parsers_read_the_right_offsets(client, busy):
    p = busy
    text = client.get(feed_url(p)).content.decode()
    vcal, ical = parse_strictly(text)
    tzids = sorted(tz.tzid.value for tz in vcal.vtimezone_list)
    assert tzids == ["America/New_York", "Europe/Berlin"]
    expected = {s.starts_at for s in Session.objects.all()}
    for ev in ical.walk("VEVENT"):
        if isinstance(ev["DTSTART"].dt, datetime.datetime):
            assert ev["DTSTART"].params["TZID"] in tzids
    got_v = {e.dtstart.value.astimezone(UTC) for e in vcal.vevent_list
             if isinstance(e.dtstart.value, datetime.datetime) and hasattr(e, "recurrence_id") or
             (isinstance(e.dtstart.value, datetime.datetime) and not hasattr(e, "rrule"))}
    assert got_v <= expected


def test_sessions_across_a_clock_change_read_at_their_wall_clock_time_in_vobject_and_icalendar(client, active_pair):
    p = active_pair
    key, _after = zone_changing_soon()
    zone = zoneinfo.ZoneInfo(key)
    p.mentor.time_zone = key
    p.mentor.save(update_fields=["time_zone"])
    first = at(1, 9, zone)
    weeks = (_after - first.date()).days // 7 + 2
    series = series_services.session_series_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor),
                                                     starts_at=first, count=weeks, frequency="weekly")
    for s in series.sessions.all()[:1]:  # an override too
        log_services.session_update(session=s, actor=actor_of(p.mentor), location="Elsewhere")
    text = client.get(feed_url(p, p.mentor)).content.decode()
    vcal, ical = parse_strictly(text)
    master = next(e for e in vcal.vevent_list if hasattr(e, "rrule"))
    instants = sorted(d.astimezone(UTC) for d in master.getrruleset())
    assert instants == sorted(s.original_starts_at for s in series.sessions.all())
    # icalendar's view of every DTSTART is the same instant
    for ev in ical.walk("VEVENT"):
        start = ev["DTSTART"].dt
        assert start.astimezone(zone).time() == datetime.time(9)


def test_a_change_raises_the_sequence_in_the_sessions_ics(client, active_pair):
    p = active_pair
    s = log_services.session_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor), starts_at=at(2, 10, BERLIN))
    client.force_login(p.mentee.user)
    url = f"/api/sessions/{s.pk}/ics"
    before, _ = parse_strictly(client.get(url).content)
    log_services.session_update(session=s, actor=actor_of(p.mentor), starts_at=at(2, 11, BERLIN))
    after, _ = parse_strictly(client.get(url).content)
    log_services.session_update(session=s, actor=actor_of(p.mentor), status="cancelled", reason="Clash")
    cancelled, _ = parse_strictly(client.get(url).content)
    assert [c.vevent.sequence.value for c in (before, after, cancelled)] == ["0", "1", "2"]
    assert before.vevent.uid.value == after.vevent.uid.value == f"session-{s.pk}@testserver"
    assert cancelled.vevent.status.value == "CANCELLED"
    assert after.vevent.dtstart.value.astimezone(UTC) == at(2, 11, BERLIN).astimezone(UTC)


def test_the_session_page_offers_the_ics_download(client, active_pair):
    p = active_pair
    s = log_services.session_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor), starts_at=at(2, 10, BERLIN))
    client.force_login(p.mentor.user)
    page = client.get(f"/mentorships/{p.mentorship.pk}/log/sessions/{s.pk}/").content.decode()
    link = f"/mentorships/{p.mentorship.pk}/log/sessions/{s.pk}/calendar.ics"
    assert link in page
    r = client.get(link)
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment;")
    parse_strictly(r.content)


def test_no_private_log_text_reaches_a_calendar(client, busy):
    p = busy
    client.force_login(p.mentee.user)
    texts = [client.get(feed_url(p)).content.decode(),
             client.get(f"/api/sessions/{p.rows[0].pk}/ics").content.decode(),
             client.get(f"/api/sessions/{p.single.pk}/ics").content.decode()]
    for text in texts:
        assert "PRIVATE-QUESTION" not in text and "PRIVATE-NOTE" not in text and "Ill" not in text
        assert "ORGANIZER" not in text and "ATTENDEE" not in text and p.mentor.email not in text


def test_the_feed_needs_no_sign_in_is_private_and_cheap(client, busy, django_assert_max_num_queries):
    p = busy
    url = feed_url(p)
    # the token, its last use, sessions, action items, and the duties checklist's own few
    with django_assert_max_num_queries(9):
        r = client.get(url)
    assert r.status_code == 200 and "sessionid" not in r.cookies
    assert r["Cache-Control"].startswith("private")
    # the same bytes until something changes: a conditional request gets a 304
    again = client.get(url, HTTP_IF_NONE_MATCH=r["ETag"])
    assert again.status_code == 304
    log_services.session_update(session=p.single, actor=actor_of(p.mentee), location="Cafe")
    assert client.get(url, HTTP_IF_NONE_MATCH=r["ETag"]).status_code == 200


def test_the_feed_reads_a_fixed_number_of_queries_whatever_the_sessions(client, busy, django_assert_max_num_queries,
                                                                        django_assert_num_queries):
    p = busy
    url = feed_url(p)
    client.get(url)  # last_used_at written once
    with django_assert_max_num_queries(8) as ctx:
        client.get(url)
    for i in range(5):
        log_services.session_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor), starts_at=at(20 + i, 8, BERLIN))
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get(url)


@pytest.mark.parametrize("token", ["cal_nope", "nope", "cal_" + "x" * 300, "tdm_abc", "cal_%E2%80%AE"])
def test_an_unknown_token_is_a_404(client, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_nul_byte_in_the_token_is_refused_not_a_500(client):
    assert client.get("/calendar/cal_%00.ics").status_code in (400, 404)


def test_a_revoked_or_replaced_feed_is_a_404(client, active_pair):
    p = active_pair
    first = feed_url(p)
    assert client.get(first).status_code == 200
    second = feed_url(p)  # regenerate: the first stops working
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    calendar_services.calendar_feed_revoke(actor=actor_of(p.mentee))
    assert client.get(second).status_code == 404
    assert CalendarFeed.objects.filter(person=p.mentee, revoked_at=None).count() == 0


def test_a_deactivated_login_stops_the_feed(client, active_pair):
    p = active_pair
    url = feed_url(p)
    p.mentee.user.is_active = False
    p.mentee.user.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_only_a_hash_of_the_token_is_stored(active_pair):
    feed, raw = calendar_services.calendar_feed_create(actor=actor_of(active_pair.mentee))
    assert raw not in {feed.key_hash, feed.prefix} and len(feed.key_hash) == 64
    assert raw.startswith(feed.prefix)


def test_an_ended_pairs_past_sessions_stay_and_those_after_the_end_show_cancelled(client, active_pair):
    p = active_pair
    past = Session.objects.create(mentorship=p.mentorship, starts_at=timezone.now() - datetime.timedelta(days=3),
                                  status=SessionStatus.HELD, created_by=p.mentor, time_zone="Europe/Berlin")
    future = log_services.session_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor),
                                           starts_at=at(5, 10, BERLIN))
    item = log_services.action_item_create(mentorship=p.mentorship, actor=actor_of(p.mentor), title="Write it up",
                                           owner="mentee", due_on=timezone.localdate() + datetime.timedelta(days=9))
    mentorship_services.mentorship_end_early(mentorship=p.mentorship, actor=actor_of(p.mentee), reason="Moved on")
    text = client.get(feed_url(p)).content.decode()
    vcal, _ = parse_strictly(text)
    by_uid = {e.uid.value: e for e in vcal.vevent_list}
    assert by_uid[f"session-{past.pk}@testserver"].status.value == "CONFIRMED"
    gone = by_uid[f"session-{future.pk}@testserver"]
    assert gone.status.value == "CANCELLED" and gone.sequence.value == "1"
    assert f"action-item-{item.pk}@testserver" not in by_uid


def test_the_feed_leaves_out_other_pairs_and_pairs_not_started(client, active_pair, make_pair):
    p = active_pair
    other = make_pair()
    theirs = log_services.session_schedule(mentorship=other.mentorship, actor=actor_of(other.mentor),
                                           starts_at=at(2, 10, BERLIN))
    mine = log_services.session_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor),
                                         starts_at=at(2, 10, BERLIN))
    text = client.get(feed_url(p)).content.decode()
    assert f"session-{mine.pk}@" in text and f"session-{theirs.pk}@" not in text
    # the mentor's feed shows the mentee's name, the mentee's the mentor's
    vcal, _ = parse_strictly(text)
    assert p.mentor.full_name in vcal.vevent.summary.value


def test_the_feed_speaks_the_language_it_was_made_in(client, active_pair):
    from django.utils import translation

    p = active_pair
    log_services.session_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor), starts_at=at(2, 10, BERLIN))
    with translation.override("ru"):
        _feed, raw = calendar_services.calendar_feed_create(actor=actor_of(p.mentee))
    assert CalendarFeed.objects.get(revoked_at=None).language == "ru"
    assert client.get(f"/calendar/{raw}.ics").status_code == 200
