"""Recurring sessions: a :class:`SessionSeries` and one :class:`Session` per occurrence.

Each occurrence is scheduled through :func:`log_services.session_schedule` (the same validation,
the same rights), so it can be moved, held or cancelled alone with ``session_update``. The whole
series is announced once (``session.series_scheduled``), not each occurrence.

- **Frequency**: weekly, every two weeks or monthly; by default the agreement in force's
  ``meeting_frequency`` (source 001: the pair agrees how often they meet).
- **Wall-clock time**: occurrences keep the first one's local time in the organiser's zone across
  daylight-saving changes (09:00 in Berlin stays 09:00 in March and in November). A monthly series
  follows RFC 5545: a month without the day (the 31st, the 30th in February) has no occurrence, so
  the calendar's ``RRULE`` and the rows are the same sessions. A local time that a clock change
  skips is read with the offset before the gap, as RFC 5545 says.
- **Term**: every occurrence must fall within the agreement's term. A series that would run past it
  is refused with how many fit (the count is not capped silently: the pair chooses).
- **Cancel the rest**: :func:`session_series_cancel_rest` cancels the scheduled occurrences from
  one on (or from now), each with the reason and a raised ``SEQUENCE``, announced once.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core import authz, events
from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.mentorships import log_services, selectors
from tandem.mentorships.errors import SeriesErrorCode
from tandem.mentorships.log_models import Session, SessionSeries, SessionStatus
from tandem.mentorships.models import Mentorship
from tandem.mentorships.plan_services import plan_term
from tandem.mentorships.services import _locked

FREQUENCIES = ("weekly", "biweekly", "monthly")
COUNT_MIN = 2
COUNT_MAX = 60


class SeriesBeyondTerm(log_services.OutsideTerm):
    code = SeriesErrorCode.SERIES_BEYOND_TERM


def zone_of(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone called ``name``, or UTC when it is empty or unknown."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def occurrences(first: datetime.datetime, *, zone: zoneinfo.ZoneInfo, frequency: str,
                count: int) -> list[datetime.datetime]:
    """The starts of a series (aware, in ``zone``), exactly as RFC 5545 expands
    ``DTSTART;TZID=zone:<first> RRULE:FREQ=…;COUNT=count``.

    >>> import zoneinfo, datetime
    >>> z = zoneinfo.ZoneInfo("Europe/Berlin")
    >>> [d.strftime("%m-%d %H:%M %z") for d in occurrences(datetime.datetime(2026, 3, 22, 9, tzinfo=z),
    ...                                                      zone=z, frequency="weekly", count=2)]
    ['03-22 09:00 +0100', '03-29 09:00 +0200']
    """
    local = first.astimezone(zone).replace(tzinfo=None)
    starts: list[datetime.datetime] = []
    if frequency in ("weekly", "biweekly"):
        step = datetime.timedelta(days=7 if frequency == "weekly" else 14)
        starts = [local + step * i for i in range(count)]
    else:
        year, month = local.year, local.month
        while len(starts) < count:
            try:
                starts.append(local.replace(year=year, month=month))
            except ValueError:  # no such day this month: RFC 5545 skips it
                pass
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    # fold=0: an ambiguous time is its first occurrence, a skipped one takes the offset before the gap
    return [d.replace(tzinfo=zone) for d in starts]


def _frequency(m: Mentorship, frequency: Any, errors: dict[str, list[str]]) -> str:
    if frequency in (None, ""):
        agreement = selectors.agreement_in_force(mentorship=m)
        if agreement is None:
            errors["frequency"] = [_("Choose how often the session repeats.")]
            return ""
        return agreement.meeting_frequency
    if frequency not in FREQUENCIES:
        errors["frequency"] = [_("Choose every week, every two weeks or every month.")]
        return ""
    return str(frequency)


def _count(count: Any, errors: dict[str, list[str]]) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or not COUNT_MIN <= count <= COUNT_MAX:
        errors["count"] = [_("Choose between %(low)s and %(high)s sessions.") % {"low": COUNT_MIN, "high": COUNT_MAX}]
        return 0
    return count


@transaction.atomic
def session_series_schedule(*, mentorship: Mentorship, actor: authz.Actor, starts_at: Any, count: Any,
                            frequency: str | None = None, duration_minutes: Any = 60, format: str = "video",
                            meeting_link: str = "", location: str = "", topics: list[str] | None = None,
                            questions: str = "", notes: str = "") -> SessionSeries:
    """Either side schedules ``count`` sessions, ``frequency`` apart (default: the agreement's), all
    within the agreement's term. The mentee's questions and the notes go with the first session."""
    m = _locked(mentorship)
    log_services._writable(actor, m)
    errors: dict[str, list[str]] = {}
    freq = _frequency(m, frequency, errors)
    n = _count(count, errors)
    when = log_services._aware(starts_at, field="starts_at", errors=errors)
    organiser = log_services._me(actor)
    zone = zone_of(organiser.time_zone)
    if errors:
        raise ValidationFailed(errors)
    starts = occurrences(when, zone=zone, frequency=freq, count=n)
    term_start, term_end = plan_term(m)
    fits = sum(1 for s in starts if term_start <= timezone.localtime(s).date() <= term_end)
    if fits < n and term_start <= timezone.localtime(starts[0]).date() <= term_end:
        if fits < COUNT_MIN:
            message = _("The agreement's term ends on %(end)s: there is no room for a second session. "
                        "Schedule a single session instead.") % {"end": term_end.isoformat()}
        else:
            message = ngettext(
                "Only %(fits)s session of the %(n)s fits before the agreement's term ends on %(end)s: "
                "choose %(fits)s or fewer.",
                "Only %(fits)s sessions of the %(n)s fit before the agreement's term ends on %(end)s: "
                "choose %(fits)s or fewer.", fits) % {"fits": fits, "n": n, "end": term_end.isoformat()}
        raise SeriesBeyondTerm({"count": [message]}, message=message)
    series = SessionSeries.objects.create(mentorship=m, frequency=freq, count=n, time_zone=zone.key,
                                          created_by=organiser)
    rows = []
    for i, start in enumerate(starts):
        # the first occurrence is checked like any session (outside the term: refused there)
        rows.append(log_services.session_schedule(
            mentorship=m, actor=actor, starts_at=start, duration_minutes=duration_minutes, format=format,
            meeting_link=meeting_link, location=location, topics=topics,
            questions=questions if i == 0 else "", notes=notes if i == 0 else "", series=series))
    side = authz.log_side(actor, m)
    other = m.mentee if side == "mentor" else m.mentor
    events.emit("session.series_scheduled", mentorship_id=m.pk, series_id=series.pk,
                session_ids=[s.pk for s in rows], first_session_id=rows[0].pk, actor_id=organiser.pk,
                other_id=other.pk)
    return series


@transaction.atomic
def session_series_cancel_rest(*, series: SessionSeries, actor: authz.Actor, reason: Any,
                               from_session: Session | None = None) -> list[Session]:
    """Cancel the scheduled occurrences from ``from_session`` on (by their place in the series), or
    those still to come. Held, missed and already cancelled ones stay as they are."""
    m = _locked(series.mentorship)
    side = log_services._writable(actor, m)
    errors: dict[str, list[str]] = {}
    why = log_services._text(reason, field="reason", limit=log_services.REASON_LIMIT, errors=errors,
                             single_line=True)
    if not why and "reason" not in errors:
        errors["reason"] = [_("Say why the sessions are cancelled.")]
    if errors:
        raise ValidationFailed(errors)
    rows = Session.objects.select_for_update().filter(series=series, status=SessionStatus.SCHEDULED)
    if from_session is not None:
        if from_session.series_id != series.pk:
            raise NotFound(_("That session is not in this series."))
        rows = rows.filter(original_starts_at__gte=from_session.original_starts_at or from_session.starts_at)
    else:
        rows = rows.filter(starts_at__gte=timezone.now())
    rows = list(rows.order_by("original_starts_at", "id"))
    if not rows:
        raise Conflict(_("No scheduled session is left to cancel in this series."),
                       code=SeriesErrorCode.NOTHING_TO_CANCEL)
    now = timezone.now()
    for s in rows:
        s.status = SessionStatus.CANCELLED
        s.cancel_reason = why
        s.status_changed_at = now
        s.sequence += 1
        s.save(update_fields=["status", "cancel_reason", "status_changed_at", "sequence", "updated_at"])
    other = m.mentee if side == "mentor" else m.mentor
    events.emit("session.series_cancelled", mentorship_id=m.pk, series_id=series.pk,
                session_ids=[s.pk for s in rows], actor_id=log_services._me(actor).pk, other_id=other.pk)
    return rows

