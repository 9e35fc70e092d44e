"""Fixtures of the calendars tests: the mentorships tests' pairs, parsers and event capture."""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
import pytest
import vobject
from django.utils import timezone

from tandem.core import events
from tests.mentorships.conftest import active_pair, make_pair  # noqa: F401  (fixtures)

#: zones whose clock changes fall in March, April, September, October and November: one of them
#: changes within any 140 days
DST_ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Santiago")


def zone_changing_soon(days: int = 140) -> tuple[str, datetime.date]:
    """A zone whose UTC offset changes within ``days`` from today, and the first day after the change."""
    today = timezone.localdate()
    for key in DST_ZONES:
        z = zoneinfo.ZoneInfo(key)

        def noon(d: datetime.date, z: zoneinfo.ZoneInfo = z) -> datetime.timedelta | None:
            return datetime.datetime.combine(d, datetime.time(12), z).utcoffset()

        first = noon(today + datetime.timedelta(days=1))
        for n in range(2, days):
            d = today + datetime.timedelta(days=n)
            if noon(d) != first:
                return key, d
    raise AssertionError("no clock change found")  # pragma: no cover


@pytest.fixture
def captured():
    """Domain events delivered after commit, as (name, payload)."""
    got: list[tuple[str, dict]] = []
    names = ["session.scheduled", "session.series_scheduled", "session.series_cancelled", "session.cancelled",
             "session.rescheduled"]
    handlers = []
    for name in names:
        def h(_name=name, **kw):
            got.append((_name, kw))
        events.subscribe(name, h)
        handlers.append((name, h))
    yield got
    for name, h in handlers:
        events._subscribers[name].remove(h)


def parse_strictly(body: bytes | str):
    """The calendar as both parsers read it (vobject with validation: it raises on any breach)."""
    text = body.decode() if isinstance(body, bytes) else body
    return vobject.readOne(text, validate=True), icalendar.Calendar.from_ical(text)


def shown_sessions(text: str) -> dict[tuple[str, datetime.datetime], str]:
    """What a calendar client shows: every instance (UID, start in UTC) → STATUS, with each
    ``RRULE`` expanded (vobject's rruleset: EXDATE applied) and overridden by ``RECURRENCE-ID``."""
    cal = vobject.readOne(text, validate=True)
    masters: dict[str, object] = {}
    overrides: dict[str, list] = {}
    for ev in cal.vevent_list:
        uid = ev.uid.value
        if hasattr(ev, "recurrence_id"):
            overrides.setdefault(uid, []).append(ev)
        else:
            masters[uid] = ev
    out: dict[tuple[str, datetime.datetime], str] = {}
    for uid, ev in masters.items():
        if not isinstance(ev.dtstart.value, datetime.datetime):
            continue  # all-day (action items, duties)
        status = ev.status.value if hasattr(ev, "status") else "CONFIRMED"
        starts = list(ev.getrruleset()) if hasattr(ev, "rrule") else [ev.dtstart.value]
        replaced = {o.recurrence_id.value.astimezone(datetime.UTC) for o in overrides.get(uid, [])}
        for start in starts:
            utc = start.astimezone(datetime.UTC)
            if utc not in replaced:
                out[(uid, utc)] = status
        for o in overrides.get(uid, []):
            out[(uid, o.dtstart.value.astimezone(datetime.UTC))] = o.status.value
    return out


@pytest.fixture(autouse=True)
def uid_host(settings):
    """UIDs end in ``@testserver`` (the ``CALENDAR_UID_HOST`` setting; by default BASE_URL's host)."""
    settings.CALENDAR_UID_HOST = "testserver"
