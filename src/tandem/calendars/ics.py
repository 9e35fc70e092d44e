"""iCalendar (RFC 5545) for sessions, series, action items and duties, built with ``icalendar``.

What a calendar client shows is exactly what Tandem shows:

- A session is a ``VEVENT`` with ``UID:session-<pk>@<host>``, its start in the organiser's zone
  (``TZID`` with a ``VTIMEZONE``), ``SEQUENCE`` from ``Session.sequence`` (raised by every change)
  and ``STATUS:CANCELLED`` once cancelled. A session still scheduled in a mentorship that ended
  before its day shows as cancelled (with the next ``SEQUENCE``): it will not take place.
- A series is one ``VEVENT`` with ``UID:series-<pk>@<host>`` and an ``RRULE`` (``COUNT``) from the
  first occurrence, plus one override (``RECURRENCE-ID`` = the occurrence's original start) for each
  occurrence that was moved, cancelled, held, missed or otherwise changed, and an ``EXDATE`` for a
  start of the rule that has no session. The master carries the unchanged occurrences' details.
- Action items and duties are all-day, transparent events on their due dates.
- Descriptions carry no private log text (questions, advice, notes): the title, the link to Tandem
  and the meeting link or place only. No ``ORGANIZER`` / ``ATTENDEE`` (no one's e-mail address).

``VTIMEZONE`` blocks are written here from the zone's transitions over the years the events span,
one ``RDATE`` per line: the long folded ``RDATE`` lists ``icalendar`` writes are misread by
``vobject`` (all of a summer's times an hour off), and observance onsets are given in the local
time before the change, as RFC 5545 §3.6.5 asks.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tandem.mentorships.log_models import ActionItem, Session, SessionStatus
from tandem.mentorships.models import MentorshipStatus
from tandem.mentorships.series_services import occurrences, zone_of
from tandem.people.models import Person

PRODID = "-//Tandem//Mentoring calendar//EN"
UTC = datetime.UTC
_ENDED = (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)
_FREQ = {"weekly": {"freq": "weekly"}, "biweekly": {"freq": "weekly", "interval": 2},
         "monthly": {"freq": "monthly"}}


def uid_host() -> str:
    """The right-hand side of every UID: ``CALENDAR_UID_HOST``, else the host of ``BASE_URL``."""
    return (getattr(settings, "CALENDAR_UID_HOST", "") or urlsplit(settings.BASE_URL).hostname
            or "tandem.invalid")


def _absolute(path: str) -> str:
    return settings.BASE_URL.rstrip("/") + path


# -- what a session shows ----------------------------------------------------------------------


def shown_status(s: Session) -> tuple[str, int]:
    """The ``STATUS`` and ``SEQUENCE`` a calendar shows for a session."""
    if s.status == SessionStatus.CANCELLED:
        return "CANCELLED", s.sequence
    m = s.mentorship
    if (s.status == SessionStatus.SCHEDULED and m.status in _ENDED and m.ended_on is not None
            and s.starts_at.astimezone(zone_of(s.time_zone)).date() > m.ended_on):
        return "CANCELLED", s.sequence + 1
    return "CONFIRMED", s.sequence


def _other(s: Session, viewer: Person | None) -> Person:
    m = s.mentorship
    return m.mentor if viewer is not None and viewer.pk == m.mentee_id else m.mentee


def _summary(s: Session, viewer: Person | None) -> str:
    return _("Mentoring session with %(name)s") % {"name": _other(s, viewer).full_name}


def _aware_in(value: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return value.astimezone(UTC) if zone.key == "UTC" else value.astimezone(zone)


def _details(ev: icalendar.Event, s: Session, viewer: Person | None, *, url: str) -> None:
    """What every session's event says besides its times and status (no private log text)."""
    ev.add("summary", _summary(s, viewer))
    place = s.location or s.meeting_link
    if place:
        ev.add("location", place)
    lines = [_("In Tandem: %(url)s") % {"url": url}]
    if s.meeting_link:
        lines.append(_("Meeting link: %(url)s") % {"url": s.meeting_link})
    ev.add("description", "\n".join(lines))
    ev.add("url", url)
    ev.add("transp", "OPAQUE")


def _session_url(s: Session) -> str:
    return _absolute(reverse("mentorship_log_session", args=[s.mentorship_id, s.pk]))


def _stamp(ev: icalendar.Event, s: Any) -> None:
    """No ``METHOD``: ``DTSTAMP`` is when the row was last revised (RFC 5545 §3.8.7.2), so a feed
    is the same bytes until something in it changes (and its ETag answers 304)."""
    ev.add("dtstamp", s.updated_at.astimezone(UTC))
    ev.add("created", s.created_at.astimezone(UTC))
    ev.add("last-modified", s.updated_at.astimezone(UTC))


def _session_event(s: Session, viewer: Person | None, *, uid: str,
                   zone: zoneinfo.ZoneInfo, recurrence_id: datetime.datetime | None = None) -> icalendar.Event:
    status, sequence = shown_status(s)
    ev = icalendar.Event()
    ev.add("uid", uid)
    if recurrence_id is not None:
        ev.add("recurrence-id", _aware_in(recurrence_id, zone))
    ev.add("dtstart", _aware_in(s.starts_at, zone))
    ev.add("dtend", _aware_in(s.ends_at, zone))
    ev.add("sequence", sequence)
    ev.add("status", status)
    _details(ev, s, viewer, url=_session_url(s))
    _stamp(ev, s)
    return ev


def _unchanged(s: Session) -> bool:
    """Still exactly as the series made it (so the master's details and the rule describe it)."""
    return (s.sequence == 0 and s.status == SessionStatus.SCHEDULED and s.original_starts_at is not None
            and s.starts_at == s.original_starts_at and shown_status(s)[0] == "CONFIRMED")


def _series_events(rows: Sequence[Session], viewer: Person | None) -> list[icalendar.Event]:
    """The master (``RRULE``) and its overrides for the occurrences of one series."""
    series = rows[0].series
    zone = zone_of(series.time_zone)
    uid = f"series-{series.pk}@{uid_host()}"
    originals = sorted(s.original_starts_at for s in rows if s.original_starts_at is not None)
    if not originals:
        return [_session_event(s, viewer, uid=f"session-{s.pk}@{uid_host()}", zone=zone_of(s.time_zone))
                for s in rows]
    rule = occurrences(originals[0], zone=zone, frequency=series.frequency, count=series.count)
    rule = [d.astimezone(UTC) for d in rule]
    by_start = {s.original_starts_at.astimezone(UTC): s for s in rows if s.original_starts_at is not None}
    in_rule = [s for start in rule if (s := by_start.get(start)) is not None]
    template = next((s for s in in_rule if _unchanged(s)), None)
    events: list[icalendar.Event] = []
    if template is None:
        base, master_sequence = in_rule[0] if in_rule else rows[0], max(shown_status(s)[1] for s in rows)
    else:
        base, master_sequence = template, 0
    master = icalendar.Event()
    master.add("uid", uid)
    master.add("dtstart", _aware_in(rule[0], zone))
    master.add("dtend", _aware_in(rule[0] + datetime.timedelta(minutes=base.duration_minutes), zone))
    master.add("rrule", {**_FREQ[series.frequency], "count": series.count})
    missing = [start for start in rule if start not in by_start]
    if missing:
        master.add("exdate", [_aware_in(d, zone) for d in missing])
    master.add("sequence", master_sequence)
    master.add("status", "CONFIRMED")
    _details(master, base, viewer, url=_absolute(reverse("mentorship_log", args=[base.mentorship_id])))
    revised = max(s.updated_at for s in rows).astimezone(UTC)
    master.add("dtstamp", revised)
    master.add("created", series.created_at.astimezone(UTC))
    master.add("last-modified", revised)
    events.append(master)
    rule_starts = set(rule)
    for s in rows:
        if s.original_starts_at is not None and s.original_starts_at.astimezone(UTC) in rule_starts:
            if template is not None and _unchanged(s):
                continue
            events.append(_session_event(s, viewer, uid=uid, zone=zone, recurrence_id=s.original_starts_at))
        else:  # not an occurrence of the rule (cannot happen through the services): on its own
            events.append(_session_event(s, viewer, uid=f"session-{s.pk}@{uid_host()}",
                                         zone=zone_of(s.time_zone)))
    return events


def session_events(sessions: Iterable[Session], viewer: Person | None) -> list[icalendar.Event]:
    """Events for sessions (with ``mentorship`` and ``series`` loaded): single sessions on their
    own, each series as its rule and overrides."""
    single: list[Session] = []
    by_series: dict[int, list[Session]] = defaultdict(list)
    for s in sessions:
        (by_series[s.series_id] if s.series_id else single).append(s)
    events = [_session_event(s, viewer, uid=f"session-{s.pk}@{uid_host()}", zone=zone_of(s.time_zone))
              for s in single]
    for rows in by_series.values():
        events.extend(_series_events(rows, viewer))
    return events


# -- all-day events: action items and duties ---------------------------------------------------


def _all_day(uid: str, day: datetime.date, summary: str, url: str, stamp: datetime.datetime) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("uid", uid)
    ev.add("dtstart", day)
    ev.add("dtend", day + datetime.timedelta(days=1))
    ev.add("summary", summary)
    ev.add("description", _("In Tandem: %(url)s") % {"url": url})
    ev.add("url", url)
    ev.add("transp", "TRANSPARENT")
    ev.add("dtstamp", stamp.astimezone(UTC))
    return ev


def action_item_events(items: Iterable[ActionItem]) -> list[icalendar.Event]:
    out = []
    for it in items:
        url = _absolute(reverse("mentorship_log", args=[it.mentorship_id]) + f"#item-{it.pk}")
        ev = _all_day(f"action-item-{it.pk}@{uid_host()}", it.due_on, _("Due: %(title)s") % {"title": it.title},
                      url, it.updated_at)
        ev.add("last-modified", it.updated_at.astimezone(UTC))
        out.append(ev)
    return out


def duty_events(duties: Iterable[Any]) -> list[icalendar.Event]:
    """``duties``: :class:`tandem.calendars.selectors.DutyDue` rows (stamped with their period's
    start: what a period says changes with the log, not with the clock)."""
    out = []
    for d in duties:
        uid = f"duty-{d.mentorship.pk}-{slugify(d.duty) or 'duty'}-{d.period_start.isoformat()}@{uid_host()}"
        out.append(_all_day(uid, d.period_end, _("Duty due: %(duty)s") % {"duty": d.label},
                            _absolute(d.mentorship.get_absolute_url()),
                            datetime.datetime.combine(d.period_start, datetime.time(), UTC)))
    return out


# -- time zones --------------------------------------------------------------------------------


def _offset(dt: datetime.datetime) -> datetime.timedelta:
    off = dt.utcoffset()
    assert off is not None
    return off


def _transitions(zone: zoneinfo.ZoneInfo, start: datetime.datetime,
                 end: datetime.datetime) -> list[tuple[datetime.datetime, datetime.timedelta, datetime.timedelta]]:
    """Every change of ``zone``'s UTC offset between ``start`` and ``end`` (aware, UTC): the exact
    second it happens, the offset before and after."""
    out = []
    day = datetime.timedelta(days=1)
    t = start
    before = _offset(t.astimezone(zone))
    while t < end:
        n = t + day
        after = _offset(n.astimezone(zone))
        if after != before:
            lo, hi = int(t.timestamp()), int(n.timestamp())
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset(datetime.datetime.fromtimestamp(mid, UTC).astimezone(zone)) == before:
                    lo = mid
                else:
                    hi = mid
            out.append((datetime.datetime.fromtimestamp(hi, UTC), before, after))
            before = after
        t = n
    return out


def vtimezone(zone: zoneinfo.ZoneInfo, first: datetime.date, last: datetime.date) -> icalendar.Timezone:
    """A ``VTIMEZONE`` for ``zone`` valid from the start of ``first``'s year to the end of
    ``last``'s: an observance for the offset in force at the start, then one ``STANDARD`` /
    ``DAYLIGHT`` per kind of change with every onset as its own ``RDATE`` (local time before the
    change)."""
    start = datetime.datetime(first.year, 1, 1, tzinfo=UTC)
    end = datetime.datetime(last.year + 1, 1, 1, tzinfo=UTC)
    tz = icalendar.Timezone()
    tz.add("tzid", zone.key)
    at_start = start.astimezone(zone)
    initial = icalendar.TimezoneDaylight() if at_start.dst() else icalendar.TimezoneStandard()
    initial.add("dtstart", at_start.replace(tzinfo=None))
    initial.add("tzoffsetfrom", _offset(at_start))
    initial.add("tzoffsetto", _offset(at_start))
    initial.add("tzname", at_start.tzname() or zone.key)
    tz.add_component(initial)
    groups: dict[tuple[Any, ...], list[datetime.datetime]] = defaultdict(list)
    for instant, before, after in _transitions(zone, start, end):
        local = instant.astimezone(zone)
        key = (before, after, local.tzname() or zone.key, bool(local.dst()))
        groups[key].append((instant + before).replace(tzinfo=None))
    for (before, after, name, dst), onsets in groups.items():
        comp = icalendar.TimezoneDaylight() if dst else icalendar.TimezoneStandard()
        comp.add("dtstart", onsets[0])
        for onset in onsets[1:]:
            comp.add("rdate", onset)
        comp.add("tzoffsetfrom", before)
        comp.add("tzoffsetto", after)
        comp.add("tzname", name)
        tz.add_component(comp)
    return tz


def _zones_and_span(events: Sequence[icalendar.Event]) -> tuple[set[str], datetime.date | None, datetime.date | None]:
    zones: set[str] = set()
    days: list[datetime.date] = []
    for ev in events:
        for name in ("dtstart", "dtend", "recurrence-id"):
            prop = ev.get(name)
            if prop is None:
                continue
            value = prop.dt
            if isinstance(value, datetime.datetime):
                key = getattr(value.tzinfo, "key", None)
                if key and key != "UTC":
                    zones.add(key)
                days.append(value.date())
            else:
                days.append(value)
    return zones, min(days, default=None), max(days, default=None)


def calendar(events: Sequence[icalendar.Event], *, name: str = "") -> bytes:
    """A ``VCALENDAR`` of ``events`` with a ``VTIMEZONE`` for each ``TZID`` they use."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    zones, first, last = _zones_and_span(events)
    for key in sorted(zones):
        # a series' RRULE may run past its last row's day: a year's margin either side
        cal.add_component(vtimezone(zoneinfo.ZoneInfo(key), datetime.date(first.year - 1, 1, 1),
                                    datetime.date(last.year + 1, 1, 1)))
    for ev in events:
        cal.add_component(ev)
    return cal.to_ical()
