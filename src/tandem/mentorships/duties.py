"""The duties checklist: each ACTIVE mentorship's periods of its program's cadence policy, with a
state computed from the coaching log — never ticked by hand (source 002's responsibility list).

Periods
-------
Weeks, months and quarters are the calendar's (ISO weeks from Monday; "November", "Q4"): that is
how the pair and the program team speak of them ("November's in-depth session"). The first period
is cut to start on the day the mentorship took effect (``Mentorship.started_on``); the last one ends
on ``ended_on`` when the pairing is over. A cut period shorter than half a period joins its
neighbour (a pair that starts on 25 November owes one in-depth session for 25 November –
31 December, not one within six days). Years are the pairing's own (year 1 starts on
``started_on``): a 12-month program starting in August owes one yearly case, not two calendar
halves. ``once`` is one period from ``started_on`` to the end of the term. Periods run to the end of
the term (the agreement in force, or the program's end) and, for a pair still active past it, to
today; an ended pair stops accruing on ``ended_on``.

States
------
A period is ``done`` when the log holds ``min_count`` entries satisfying the duty's requirement in
it. Otherwise, for a required duty: ``overdue`` once the period is over, ``due`` while it runs,
``upcoming`` before it starts. A duty that is not required is a ``suggested`` one unless done —
never overdue (``timing`` says whether the suggestion's period is past). A requirement nobody has
registered an evaluator for is ``untracked``: the page says so rather than pretending.

Evaluators
----------
Each requirement code has an evaluator registered with :func:`register_requirement`; other apps
register theirs in their ``AppConfig.ready()`` (assessments registers ``grai_review``). An
evaluator takes the mentorships and the window of days and returns, per mentorship ID,
:class:`Evidence` rows — one query for all of them, whatever the number of pairs. The period arithmetic, the filters of a duty's ``params`` (``min_minutes``) and ``concerns`` (whose
entries count), and the states are here, once.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.mentorships.models import Agreement, Mentorship, MentorshipStatus

UPCOMING = "upcoming"
DUE = "due"
DONE = "done"
OVERDUE = "overdue"
SUGGESTED = "suggested"
UNTRACKED = "untracked"

STATES = (OVERDUE, DUE, UNTRACKED, UPCOMING, SUGGESTED, DONE)
#: How a state reads on pages and in exports.
STATE_LABELS = {
    UPCOMING: _("Upcoming"),
    DUE: _("Due"),
    DONE: _("Done"),
    OVERDUE: _("Overdue"),
    SUGGESTED: _("Suggested"),
    UNTRACKED: _("Not tracked yet"),
}
#: Compliance order: what needs attention first.
STATE_RANK = {s: k for k, s in enumerate(STATES)}

PAST, CURRENT, FUTURE = "past", "current", "future"

# Mentorships whose periods exist: active ones and those that ran and ended (their history).
_RAN = (MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)


@dataclass(frozen=True)
class Evidence:
    """One entry of the log that may satisfy a duty: what (``kind``, ``id``) and on which day.

    ``minutes`` (sessions) is checked against the duty's ``min_minutes``; ``side`` ("mentor" /
    "mentee", or None when the entry is the pair's) against its ``concerns``; entries sharing a
    ``group`` count once (a mentor's ratings of several competencies on one day are one assessment)."""

    kind: str
    id: int
    on: datetime.date
    minutes: int | None = None
    side: str | None = None
    group: Any = None

    @property
    def key(self) -> Any:
        return self.group if self.group is not None else (self.kind, self.id)


#: ``evaluator(mentorships, start, end) -> {mentorship_id: [Evidence, ...]}`` (one query, batched).
Evaluator = Callable[[Sequence[Mentorship], datetime.date, datetime.date], Mapping[int, Iterable[Evidence]]]

_REGISTRY: dict[str, Evaluator] = {}


def register_requirement(code: str, fn: Evaluator) -> None:
    """Say how ``code`` (a ``programs.models.DutyRequirement`` value) is met. Registering the same
    code again replaces the evaluator (apps' ``ready()`` may run twice in tests)."""
    _REGISTRY[code] = fn


def is_tracked(code: str) -> bool:
    return code in _REGISTRY


@dataclass(frozen=True)
class PeriodState:
    """One duty in one period of one mentorship, with its state computed from the log."""

    duty_id: int
    duty_code: str
    duty_name: str
    required: bool
    requirement: str
    concerns: str
    period: str
    period_start: datetime.date
    period_end: datetime.date
    state: str
    count: int
    needed: int
    timing: str
    evidence: tuple[tuple[str, int], ...] = field(default=())

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def tracked(self) -> bool:
        return self.state != UNTRACKED

    @property
    def missed(self) -> bool:
        """A suggestion whose period went by without it."""
        return self.state == SUGGESTED and self.timing == PAST

    @property
    def needs_attention(self) -> bool:
        return self.state in (OVERDUE, DUE)


# -- periods ---------------------------------------------------------------------------------


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month ``months`` after ``day``'s month."""
    n = day.year * 12 + day.month - 1 + months
    return datetime.date(n // 12, n % 12 + 1, 1)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def periods(period: str, start: datetime.date, end: datetime.date, *,
            open_end: bool = False) -> list[tuple[datetime.date, datetime.date]]:
    """The periods of ``period`` covering ``start`` .. ``end`` (inclusive), the first and last cut
    to them — unless ``open_end`` (the pairing goes on past ``end``: the last period keeps its full
    length).

    >>> periods("monthly", datetime.date(2026, 10, 10), datetime.date(2026, 12, 31))[0]
    (datetime.date(2026, 10, 10), datetime.date(2026, 10, 31))
    >>> periods("monthly", datetime.date(2026, 10, 25), datetime.date(2026, 12, 31))[0]
    (datetime.date(2026, 10, 25), datetime.date(2026, 11, 30))
    """
    if end < start:
        return []
    if period == "once":
        return [(start, end)]
    out = []
    if period == "weekly":
        cursor = start - datetime.timedelta(days=start.weekday())
        step: Callable[[datetime.date], datetime.date] = lambda d: d + datetime.timedelta(days=7)
    elif period == "monthly":
        cursor = _month_start(start)
        step = lambda d: _add_months(d, 1)
    elif period == "quarterly":
        cursor = datetime.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
        step = lambda d: _add_months(d, 3)
    elif period == "yearly":
        cursor = start
        step = lambda d: _add_years(d, 1)
    else:
        return [(start, end)]
    full = _FULL_DAYS[period]
    while cursor <= end:
        nxt = step(cursor)
        last = nxt - datetime.timedelta(days=1)
        out.append((max(cursor, start), last if open_end else min(last, end)))
        cursor = nxt
    # a stub shorter than half a period at either end joins its neighbour: a pair that starts on
    # 25 November owes November's session together with December's, not within six days
    if len(out) > 1 and (out[0][1] - out[0][0]).days + 1 < full / 2:
        out[:2] = [(out[0][0], out[1][1])]
    if not open_end and len(out) > 1 and (out[-1][1] - out[-1][0]).days + 1 < full / 2:
        out[-2:] = [(out[-2][0], out[-1][1])]
    return out


#: A period's usual length in days, to tell a stub at the start or the end of a pairing.
_FULL_DAYS = {"weekly": 7, "monthly": 30, "quarterly": 91, "yearly": 365}


def _local_day(value: datetime.datetime) -> datetime.date:
    """The day a moment falls on in the organisation's zone (the same for every reader, so the
    program team and the pair see the same checklist)."""
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def _local_day_sql(field: str) -> TruncDate:
    """:func:`_local_day` of a column, computed by the database: a program's log comes back as
    dates, not as hundreds of thousands of time stamps to parse and convert."""
    return TruncDate(field, tzinfo=timezone.get_default_timezone())


# -- the built-in evaluators: the coaching log and the ratings -------------------------------


def _window(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_default_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def _sessions(ms: Sequence[Mentorship], start: datetime.date, end: datetime.date, *,
              in_depth: bool) -> dict[int, list[Evidence]]:
    from tandem.mentorships.log_models import Session, SessionStatus

    low, high = _window(start, end)
    qs = Session.objects.filter(mentorship_id__in=[m.pk for m in ms], status=SessionStatus.HELD,
                                starts_at__gte=low, starts_at__lt=high)
    if in_depth:
        # a topic, the mentee's questions AND the mentor's advice recorded (source 002)
        has_topic = Exists(Session.topics.through.objects.filter(session_id=OuterRef("pk")))
        qs = qs.filter(has_topic).exclude(Q(questions="") | Q(advice=""))
    out: dict[int, list[Evidence]] = defaultdict(list)
    kind = "session"
    rows = qs.order_by().annotate(day=_local_day_sql("starts_at")).values_list("id", "mentorship_id", "day",
                                                                               "duration_minutes")
    for sid, mid, day, minutes in rows:
        out[mid].append(Evidence(kind=kind, id=sid, on=day, minutes=minutes))
    return out


def evaluate_session(ms: Sequence[Mentorship], start: datetime.date, end: datetime.date) -> dict[int, list[Evidence]]:
    """Sessions held (the duty's ``min_minutes`` is checked on each)."""
    return _sessions(ms, start, end, in_depth=False)


def evaluate_session_in_depth(ms: Sequence[Mentorship], start: datetime.date,
                              end: datetime.date) -> dict[int, list[Evidence]]:
    """Held sessions with a topic, the mentee's questions and the mentor's advice: a session whose
    advice was not recorded does not count."""
    return _sessions(ms, start, end, in_depth=True)


def _ratings(ms: Sequence[Mentorship], start: datetime.date, end: datetime.date, *,
             source: str) -> dict[int, list[Evidence]]:
    from tandem.people.models import CompetencyRating

    by_mentee: dict[int, list[Mentorship]] = defaultdict(list)
    for m in ms:
        by_mentee[m.mentee_id].append(m)
    qs = CompetencyRating.objects.filter(person_id__in=list(by_mentee), source=source,
                                         rated_on__gte=start, rated_on__lte=end)
    out: dict[int, list[Evidence]] = defaultdict(list)
    rows = qs.order_by().values_list("id", "person_id", "rated_by_id", "rated_on")
    for rid, person_id, rated_by, on in rows:
        for m in by_mentee[person_id]:
            if source == "mentor" and rated_by != m.mentor_id:
                continue  # another mentor's rating (an earlier pairing) is not this mentor's duty done
            if source == "self" and rated_by not in (None, m.mentee_id):
                continue
            side = "mentor" if source == "mentor" else "mentee"
            out[m.pk].append(Evidence(kind="rating", id=rid, on=on, side=side, group=("rating", on)))
    return out


def evaluate_mentor_assessment(ms: Sequence[Mentorship], start: datetime.date,
                               end: datetime.date) -> dict[int, list[Evidence]]:
    """The mentor's competency ratings of the mentee (source ``mentor``); one day's ratings are one
    assessment."""
    return _ratings(ms, start, end, source="mentor")


def evaluate_self_assessment(ms: Sequence[Mentorship], start: datetime.date,
                             end: datetime.date) -> dict[int, list[Evidence]]:
    """The mentee's self-ratings (source ``self``); one day's ratings are one self-assessment."""
    return _ratings(ms, start, end, source="self")


def evaluate_feedback(ms: Sequence[Mentorship], start: datetime.date, end: datetime.date) -> dict[int, list[Evidence]]:
    """Feedback left on a held session, by the side that left it, on the day it was left."""
    from tandem.mentorships.log_models import SessionFeedback

    low, high = _window(start, end)
    qs = SessionFeedback.objects.filter(session__mentorship_id__in=[m.pk for m in ms],
                                        created_at__gte=low, created_at__lt=high)
    out: dict[int, list[Evidence]] = defaultdict(list)
    rows = qs.order_by().annotate(day=_local_day_sql("created_at")).values_list("id", "session__mentorship_id",
                                                                                "side", "day")
    for fid, mid, side, day in rows:
        out[mid].append(Evidence(kind="feedback", id=fid, on=day, side=side))
    return out


def evaluate_resource_shared(ms: Sequence[Mentorship], start: datetime.date,
                             end: datetime.date) -> dict[int, list[Evidence]]:
    """Files and links shared in the log (the mentee's resource library, source 002), by the side
    that shared them, on the day they were shared."""
    from tandem.mentorships.library_models import Resource

    low, high = _window(start, end)
    qs = Resource.objects.filter(mentorship_id__in=[m.pk for m in ms], created_at__gte=low, created_at__lt=high)
    out: dict[int, list[Evidence]] = defaultdict(list)
    rows = qs.order_by().annotate(day=_local_day_sql("created_at")).values_list("id", "mentorship_id", "side", "day")
    for rid, mid, side, day in rows:
        out[mid].append(Evidence(kind="resource", id=rid, on=day, side=side))
    return out


register_requirement("session", evaluate_session)
register_requirement("resource_shared", evaluate_resource_shared)
register_requirement("session_in_depth", evaluate_session_in_depth)
register_requirement("mentor_assessment", evaluate_mentor_assessment)
register_requirement("self_assessment", evaluate_self_assessment)
register_requirement("feedback", evaluate_feedback)


# -- the checklist -----------------------------------------------------------------------------


def _terms(ms: Sequence[Mentorship]) -> dict[int, datetime.date]:
    """The last day of each mentorship's term: the agreement in force (one query for all), or the
    program's end."""
    ends: dict[int, datetime.date] = {}
    rows = (Agreement.objects.filter(mentorship_id__in=[m.pk for m in ms], fully_signed_at__isnull=False)
            .order_by("mentorship_id", "version").values_list("mentorship_id", "ends_on"))
    for mid, ends_on in rows:
        ends[mid] = ends_on  # the highest version wins
    return {m.pk: ends.get(m.pk) or m.program.ends_on for m in ms}


def span(m: Mentorship, *, today: datetime.date,
         term_end: datetime.date | None) -> tuple[datetime.date, datetime.date, bool] | None:
    """The days the mentorship owes duties in: from ``started_on`` to ``ended_on`` when it is over,
    else to the end of its term — or to today, open-ended, when it is still active past its term.
    None when it never started. The flag says the end is open (the pairing goes on)."""
    if m.status not in _RAN or m.started_on is None:
        return None
    if m.status != MentorshipStatus.ACTIVE:
        last = m.ended_on or today
        return (m.started_on, max(m.started_on, last), False)
    if term_end is None or term_end < today:
        return (m.started_on, max(m.started_on, today), True)
    return (m.started_on, max(m.started_on, term_end), False)


def _state(*, required: bool, tracked: bool, met: bool, timing: str) -> str:
    if not tracked:
        return UNTRACKED
    if met:
        return DONE
    if not required:
        return SUGGESTED
    return {PAST: OVERDUE, CURRENT: DUE, FUTURE: UPCOMING}[timing]


def _count(evidence: list[Evidence], *, concerns: str) -> tuple[int, list[Evidence]]:
    """How many distinct entries count for a duty of ``concerns``: the concerned side's own (entries
    without a side are the pair's and count for anyone); for the pair, the fewer of the two sides'."""
    if concerns in ("mentor", "mentee"):
        used = [e for e in evidence if e.side in (None, concerns)]
        return len({e.key for e in used}), used
    if concerns == "pair" and any(e.side for e in evidence):
        sides: dict[str, set[Any]] = {"mentor": set(), "mentee": set()}
        shared: set[Any] = set()
        for e in evidence:
            sides.get(e.side or "", shared).add(e.key)
        return min(len(sides["mentor"] | shared), len(sides["mentee"] | shared)), evidence
    return len({e.key for e in evidence}), evidence


def _evaluate(ms: Sequence[Mentorship], duties_by_program: Mapping[int, Sequence[Any]], *,
              today: datetime.date) -> dict[int, list[PeriodState]]:
    terms = _terms(ms) if ms else {}
    spans = {m.pk: span(m, today=today, term_end=terms.get(m.pk)) for m in ms}
    running = [m for m in ms if spans[m.pk] is not None]
    out: dict[int, list[PeriodState]] = {m.pk: [] for m in ms}
    if not running:
        return out
    low = min(spans[m.pk][0] for m in running)  # type: ignore[index]
    # an open-ended pairing's last period runs past today: look that far for its entries too
    high = max(spans[m.pk][1] + datetime.timedelta(days=366 if spans[m.pk][2] else 0)  # type: ignore[index]
               for m in running)
    needed = {d.requirement for m in running for d in duties_by_program.get(m.program_id, ())}
    facts: dict[str, Mapping[int, Iterable[Evidence]]] = {}
    for code in sorted(needed):
        fn = _REGISTRY.get(code)
        if fn is not None:
            facts[code] = fn(running, low, high)
    names: dict[int, str] = {}  # each duty's name in the reader's language, looked up once, not per period
    for m in running:
        start, end, open_end = spans[m.pk]  # type: ignore[misc]
        for duty in duties_by_program.get(m.program_id, ()):
            if duty.pk not in names:
                names[duty.pk] = duty.tr("name")
            tracked = duty.requirement in facts
            mine = sorted(facts[duty.requirement].get(m.pk, ()), key=lambda e: (e.on, e.id)) if tracked else []
            min_minutes = duty.min_minutes
            if min_minutes:
                mine = [e for e in mine if e.minutes is None or e.minutes >= min_minutes]
            need = duty.min_count
            days = [e.on for e in mine]  # sorted: each period's entries are one slice of them
            for p_start, p_end in periods(duty.period, start, end, open_end=open_end):
                inside = mine[bisect_left(days, p_start):bisect_right(days, p_end)]
                count, used = _count(inside, concerns=duty.concerns)
                timing = PAST if p_end < today else FUTURE if p_start > today else CURRENT
                out[m.pk].append(PeriodState(
                    duty_id=duty.pk, duty_code=duty.code, duty_name=names[duty.pk], required=duty.required,
                    requirement=duty.requirement, concerns=duty.concerns, period=duty.period,
                    period_start=p_start, period_end=p_end,
                    state=_state(required=duty.required, tracked=tracked, met=count >= need, timing=timing),
                    count=count, needed=need, timing=timing,
                    evidence=tuple(sorted({(e.kind, e.id) for e in used})),
                ))
    return out


def _duties_of(program_ids: Iterable[int]) -> dict[int, list[Any]]:
    from tandem.programs.models import CadenceDuty

    out: dict[int, list[Any]] = defaultdict(list)
    for d in CadenceDuty.objects.filter(program_id__in=set(program_ids)).order_by("program", "-required", "order", "id"):
        out[d.program_id].append(d)
    return out


def checklist(mentorship: Mentorship, *, today: datetime.date | None = None) -> list[PeriodState]:
    """Every period of every duty of the mentorship's program, by duty (in the policy's order) then
    by period. Empty before the mentorship took effect."""
    return checklists([mentorship], today=today)[mentorship.pk]


def checklists(mentorships: Sequence[Mentorship], *, today: datetime.date | None = None) -> dict[int, list[PeriodState]]:
    """:func:`checklist` for many pairs at once: one query for the duties, one for the terms and one
    per requirement, whatever the number of pairs. ``mentorship.program`` should be loaded."""
    today = today or timezone.localdate()
    ms = list(mentorships)
    return _evaluate(ms, _duties_of(m.program_id for m in ms), today=today)


def headline(states: Sequence[PeriodState]) -> list[PeriodState]:
    """Per duty, the period that speaks for it now: the current one, else the last one that went by
    (an ended pair's), else the first upcoming one. When the period just gone by ended overdue and
    the current one is not done yet, that overdue period speaks: it needs attention first."""
    by_duty: dict[int, list[PeriodState]] = defaultdict(list)
    for s in states:
        by_duty[s.duty_id].append(s)
    out = []
    for rows in by_duty.values():
        current = [s for s in rows if s.timing == CURRENT]
        past = [s for s in rows if s.timing == PAST]
        pick = current[0] if current else (past[-1] if past else rows[0])
        if pick.timing == CURRENT and pick.state != DONE and past and past[-1].state == OVERDUE:
            pick = past[-1]
        out.append(pick)
    return out


@dataclass(frozen=True)
class ComplianceRow:
    """One pair × one duty of a program's compliance view: the period that speaks for it now and how
    many of its periods so far were overdue."""

    mentorship: Mentorship
    state: PeriodState
    overdue_count: int
    done_count: int


def program_compliance(program: Any, *, today: datetime.date | None = None,
                       mentorships: Sequence[Mentorship] | None = None) -> list[ComplianceRow]:
    """Per ACTIVE pair × duty the current (or last) state, what needs attention first (overdue, then
    due …), then by mentee's name. A fixed number of queries for any number of pairs."""
    from tandem.mentorships import duty_selectors

    today = today or timezone.localdate()
    ms = list(mentorships) if mentorships is not None else list(duty_selectors.active_pairs(program=program))
    for m in ms:
        m.program = program  # one program: no query per pair for its end date
    states = _evaluate(ms, _duties_of([program.pk]), today=today)
    rows = []
    for m in ms:
        mine = states[m.pk]
        overdue: dict[int, int] = defaultdict(int)
        done: dict[int, int] = defaultdict(int)
        for s in mine:
            if s.state == OVERDUE:
                overdue[s.duty_id] += 1
            elif s.state == DONE and s.timing != FUTURE:
                done[s.duty_id] += 1
        for s in headline(mine):
            rows.append(ComplianceRow(mentorship=m, state=s, overdue_count=overdue[s.duty_id],
                                      done_count=done[s.duty_id]))
    rows.sort(key=lambda r: (STATE_RANK[r.state.state], -r.overdue_count, r.mentorship.mentee.full_name.casefold(),
                             r.mentorship.pk, r.state.duty_id))
    return rows


def due_and_overdue(*, today: datetime.date | None = None, batch: int = 500) -> Iterator[tuple[int, PeriodState]]:
    """For reminders: ``(mentorship_id, period)`` of every ACTIVE pair's required duty whose current
    period is due, or whose period just gone by ended overdue (not every overdue period since the
    start: a reminder about last spring helps nobody). A fixed number of queries per ``batch`` pairs."""
    from tandem.mentorships import duty_selectors

    today = today or timezone.localdate()
    ids = list(duty_selectors.active_pair_ids())
    for k in range(0, len(ids), batch):
        chunk = list(duty_selectors.pairs_by_ids(ids[k:k + batch]))
        for mid, states in checklists(chunk, today=today).items():
            by_duty: dict[int, list[PeriodState]] = defaultdict(list)
            for s in states:
                by_duty[s.duty_id].append(s)
            for rows in by_duty.values():
                current = [s for s in rows if s.timing == CURRENT]
                past = [s for s in rows if s.timing == PAST]
                if past and past[-1].state == OVERDUE:
                    yield mid, past[-1]
                if current and current[0].state == DUE:
                    yield mid, current[0]
