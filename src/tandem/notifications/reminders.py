"""Reminders, each sent exactly once.

:func:`reminders_send` (the scheduler runs it every few minutes) looks at what is due *now*, not at
what happens in the next few minutes, so one run after a downtime catches up what was missed:

- a session within 24 hours: both sides; the key is the session's *current* start, so a moved
  session is reminded again at its new time (the old key no longer matches anything);
- a held session's feedback: the side that has not answered, ``FEEDBACK_AFTER`` after it was held
  (for a week; older ones are left alone);
- an action item due tomorrow (in the owner's time zone; on the day itself if that reminder was
  missed) and overdue (for ``OVERDUE_FOR`` days after the due date): its owner, once per due date;
- a duty of the checklist due (in its period's last ``DUTY_AHEAD`` days) or overdue: whom
  ``concerns`` names, once per period (``tandem.mentorships.duties.due_and_overdue``);
- an agreement version waiting ``WAIT_DAYS`` days for a party's signature, a plan waiting as long
  for a side's comment or confirmation: those who have not acted, once per version / draft;
- pairs of a program with overdue duties: its manager and HR, once a week per program;
- participants of a program at risk before a retention checkpoint: its manager, once a week per
  program and checkpoint;
- a selection round closing: its graduates and the heads of its departments, two weeks before the
  deadline and again in its last two days (a head heading two departments hears once).

Each reminder inserts its :class:`~tandem.notifications.models.SentReminder` key first and creates
its notification in the same transaction: the unique key makes a second run, a worker restarted
mid-job or two workers at once skip it (on PostgreSQL the second insert waits for the first
transaction, then fails on the key). Each person's per-kind choices (in Tandem, by e-mail) apply.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tandem.notifications import reminder_selectors as rs
from tandem.notifications import selectors
from tandem.notifications.models import (
    EmailMode,
    Notification,
    NotificationKind,
    NotificationPreference,
    SentReminder,
)

log = logging.getLogger(__name__)
K = NotificationKind

SOON = datetime.timedelta(hours=24)
FEEDBACK_AFTER = datetime.timedelta(hours=3)
FEEDBACK_FOR = datetime.timedelta(days=7)
OVERDUE_FOR = 30  # days
DUTY_AHEAD = 7  # days before a period's end
WAIT_DAYS = 3


def _today_of(person: Any, now: datetime.datetime) -> datetime.date:
    try:
        tz = zoneinfo.ZoneInfo(person.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return now.astimezone(tz).date()


def _pair_params(m: Any, person: Any) -> dict[str, Any]:
    other = m.mentee if person.pk == m.mentor_id else m.mentor
    return {"name": other.full_name, "mentor": m.mentor.full_name, "mentee": m.mentee.full_name,
            "program": m.program.name}


class _Run:
    """One run: the preferences of everyone reminded, read once per person."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now
        self.prefs: dict[int, NotificationPreference] = {}
        self.sent: dict[str, int] = {}

    def pref(self, person_id: int) -> NotificationPreference:
        if person_id not in self.prefs:
            self.prefs.update(selectors.preferences_for(person_ids=[person_id]))
        return self.prefs[person_id]

    def preload(self, person_ids: Iterable[int]) -> None:
        missing = sorted(set(person_ids) - set(self.prefs))
        if missing:
            self.prefs.update(selectors.preferences_for(person_ids=missing))

    def remind(self, *, kind: str, subject: str, occasion: str, person: Any, m: Any | None, params: dict[str, Any],
               url: str, object_id: int | None = None) -> Notification | None:
        if person is None or not person.is_active:
            return None
        pref = self.pref(person.pk)
        in_app, email = pref.wants_in_app(kind), pref.wants_email(kind)
        if not (in_app or email):
            return None  # the person turned this kind off entirely
        if SentReminder.objects.filter(kind=kind, subject=subject, recipient_id=person.pk, occasion=occasion).exists():
            return None
        return remind_once(kind=kind, subject=subject, occasion=occasion, person=person,
                           mentorship_id=m.pk if m is not None else None,
                           params=params, url=url, object_id=object_id, in_app=in_app, email=email,
                           immediate=pref.email_mode == EmailMode.IMMEDIATE, now=self.now, counts=self.sent)


def remind_once(*, kind: str, subject: str, occasion: str, person: Any, mentorship_id: int | None,
                params: dict[str, Any], url: str, object_id: int | None, in_app: bool, email: bool,
                immediate: bool, now: datetime.datetime, counts: dict[str, int] | None = None) -> Notification | None:
    """Insert the reminder's key, then its notification, in one transaction; None if the key was
    already there (sent by an earlier run or by another worker right now)."""
    from tandem.notifications.tasks import send_notification_email

    try:
        with transaction.atomic():
            key = SentReminder.objects.create(kind=kind, subject=subject, recipient_id=person.pk,
                                              occasion=occasion[:40], sent_at=now)
            n = Notification.objects.create(recipient_id=person.pk, kind=kind, params=params, url=url[:300],
                                            mentorship_id=mentorship_id, object_id=object_id, in_app=in_app,
                                            email_wanted=email)
            SentReminder.objects.filter(pk=key.pk).update(notification=n)
            if email and immediate:
                # inside the transaction: with the database queue, the e-mail's task commits with the
                # reminder or not at all (a worker killed in between loses neither)
                send_notification_email.enqueue(n.pk)
    except IntegrityError:
        return None
    if counts is not None:
        counts[kind] = counts.get(kind, 0) + 1
    return n


def _url(name: str, *args: int, fallback: str) -> str:
    try:
        return reverse(name, args=list(args))
    except NoReverseMatch:
        return fallback


# -- each kind ------------------------------------------------------------------------------------


def _sessions_soon(run: _Run) -> None:
    sessions = list(rs.sessions_starting(after=run.now, until=run.now + SOON))
    run.preload(p for s in sessions for p in (s.mentorship.mentor_id, s.mentorship.mentee_id))
    for s in sessions:
        m = s.mentorship
        url = _url("mentorship_log_session", m.pk, s.pk, fallback=f"/mentorships/{m.pk}/log/")
        for person in (m.mentor, m.mentee):
            run.remind(kind=K.SESSION_SOON, subject=f"session:{s.pk}", occasion=s.starts_at.astimezone(datetime.UTC)
                       .isoformat(), person=person, m=m, url=url, object_id=s.pk,
                       params={**_pair_params(m, person), "when": s.starts_at.isoformat()})


def _feedback_waiting(run: _Run) -> None:
    sessions = list(rs.sessions_held_between(since=run.now - FEEDBACK_FOR, until=run.now - FEEDBACK_AFTER))
    run.preload(p for s in sessions for p in (s.mentorship.mentor_id, s.mentorship.mentee_id))
    for s in sessions:
        m = s.mentorship
        answered = {f.side for f in s.feedback.all()}
        url = _url("mentorship_log_session", m.pk, s.pk, fallback=f"/mentorships/{m.pk}/log/")
        for side, person in (("mentor", m.mentor), ("mentee", m.mentee)):
            if side in answered:
                continue
            run.remind(kind=K.FEEDBACK_WAITING, subject=f"session:{s.pk}", occasion="held", person=person, m=m,
                       url=url, object_id=s.pk, params={**_pair_params(m, person), "when": s.starts_at.isoformat()})


def _action_items(run: _Run) -> None:
    utc_today = run.now.astimezone(datetime.UTC).date()
    items = list(rs.action_items_open_due(first=utc_today - datetime.timedelta(days=OVERDUE_FOR + 1),
                                          last=utc_today + datetime.timedelta(days=2)))
    run.preload(it.owner_id for it in items)
    for it in items:
        m = it.mentorship
        today = _today_of(it.owner, run.now)
        left = (it.due_on - today).days
        if left in (0, 1):
            kind = K.ACTION_ITEM_DUE
        elif -OVERDUE_FOR <= left < 0:
            kind = K.ACTION_ITEM_OVERDUE
        else:
            continue
        run.remind(kind=kind, subject=f"action_item:{it.pk}", occasion=it.due_on.isoformat(), person=it.owner, m=m,
                   url=_url("mentorship_log", m.pk, fallback=f"/mentorships/{m.pk}/log/") + f"#item-{it.pk}",
                   object_id=it.pk,
                   params={**_pair_params(m, it.owner), "title": it.title, "due": it.due_on.isoformat()})


def _duty_people(m: Any, concerns: str) -> list[Any]:
    people = {
        "mentor": [m.mentor], "mentee": [m.mentee], "pair": [m.mentor, m.mentee],
        "line_manager": [m.mentee.manager], "department_head": [m.mentee.department.head],
        "program_team": [m.program.owner],
    }.get(str(concerns), [m.mentor])
    return [p for p in people if p is not None]


def _duties(run: _Run) -> None:
    try:
        from tandem.mentorships.duties import due_and_overdue
    except ImportError:
        log.info("duty reminders skipped: tandem.mentorships.duties.due_and_overdue is not there yet")
        return
    today = run.now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    wanted = []
    overdue_pairs: set[int] = set()
    for mentorship_id, state in due_and_overdue(today=today):
        if not getattr(state, "required", True):
            continue
        if getattr(state, "requirement", "") == "grai_review" and state.state == "due":
            continue  # the GRAI step reminds of it, naming the period (_grai)
        if state.state == "overdue":
            overdue_pairs.add(mentorship_id)
        if state.state == "due" and (state.period_end - today).days < DUTY_AHEAD:
            wanted.append((mentorship_id, K.DUTY_DUE, state))
        elif state.state == "overdue" and (today - state.period_end).days <= OVERDUE_FOR:
            wanted.append((mentorship_id, K.DUTY_OVERDUE, state))
    pairs = rs.mentorships_by_id(sorted({mid for mid, _k, _s in wanted} | overdue_pairs))
    _program_overdue(run, [pairs[mid] for mid in sorted(overdue_pairs) if mid in pairs], today)
    for mentorship_id, kind, state in wanted:
        m = pairs.get(mentorship_id)
        if m is None:
            continue
        url = _url("mentorship_duties", m.pk, fallback=f"/mentorships/{m.pk}/duties/")
        for person in _duty_people(m, getattr(state, "concerns", "mentor")):
            run.remind(kind=kind, subject=f"duty:{m.pk}:{state.duty_id}", occasion=state.period_start.isoformat(),
                       person=person, m=m, url=url,
                       params={**_pair_params(m, person), "duty": state.duty_name,
                               "due": state.period_end.isoformat()})


def _program_overdue(run: _Run, overdue: list[Any], today: datetime.date) -> None:
    """Once a week, each program's manager and HR hear how many of its pairs have overdue duties."""
    by_program: dict[int, list[Any]] = {}
    for m in overdue:
        by_program.setdefault(m.program_id, []).append(m)
    if not by_program:
        return
    hr = rs.hr_people()
    year, week, _day = today.isocalendar()
    for program_id, pairs in sorted(by_program.items()):
        program = pairs[0].program
        url = _url("program_duties", program_id, fallback=f"/programs/{program_id}/duties/")
        people = {p.pk: p for p in [program.owner, *hr] if p is not None}
        for person in people.values():
            run.remind(kind=K.PROGRAM_OVERDUE, subject=f"program:{program_id}", occasion=f"{year}-W{week:02d}",
                       person=person, m=None, url=url, object_id=program_id,
                       params={"program": program.name, "count": len(pairs)})


ROUND_AHEAD = datetime.timedelta(days=14)
ROUND_LAST = datetime.timedelta(days=2)


def _rounds(run: _Run) -> None:
    """A selection round closing: its graduates and the heads of its departments, two weeks before
    the deadline and again in its last two days."""
    for r, graduates, heads in rs.rounds_closing(after=run.now, until=run.now + ROUND_AHEAD):
        occasion = r.deadline.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M")
        if r.deadline - run.now <= ROUND_LAST:
            occasion += "/last"
        params = {"round": r.name, "program": r.program.name, "when": r.deadline.isoformat()}
        home = _url("round_detail", r.program_id, r.pk, fallback=f"/programs/{r.program_id}/rounds/{r.pk}/")
        for person in graduates:
            # the round's page, at the graduate's ranking (the ranking URLs themselves take only a POST)
            run.remind(kind=K.ROUND_CLOSING, subject=f"round:{r.pk}", occasion=occasion, person=person, m=None,
                       url=f"{home}#my-ranking", object_id=r.pk, params=params)
        for department, head in heads:
            run.remind(kind=K.ROUND_CLOSING, subject=f"round:{r.pk}", occasion=occasion, person=head, m=None,
                       url=f"{home}#dept-{department.code}", object_id=r.pk, params=params)


def _agreements(run: _Run) -> None:
    from tandem.mentorships.services import agreement_parties

    for a in rs.agreements_waiting(created_before=run.now - datetime.timedelta(days=WAIT_DAYS)):
        m = a.mentorship
        signed = {s.party for s in a.signatures.all()}
        holders = agreement_parties(m)
        url = _url("mentorship_agreement", m.pk, fallback=f"/mentorships/{m.pk}/agreement/")
        for party in a.parties or []:
            person = holders.get(party)
            if party in signed or person is None:
                continue
            run.remind(kind=K.AGREEMENT_WAITING, subject=f"agreement:{a.pk}", occasion=f"v{a.version}",
                       person=person, m=m, url=url, object_id=a.pk,
                       params={**_pair_params(m, person), "version": a.version})


def _plans(run: _Run) -> None:
    for plan in rs.plans_in_review(updated_before=run.now - datetime.timedelta(days=WAIT_DAYS)):
        m = plan.mentorship
        url = _url("mentorship_plan", m.pk, fallback=f"/mentorships/{m.pk}/plan/")
        for person, confirmed in ((m.mentee, plan.mentee_confirmed_at), (m.mentor, plan.mentor_confirmed_at)):
            if confirmed is not None:
                continue
            run.remind(kind=K.PLAN_WAITING, subject=f"plan:{plan.pk}",
                       occasion=plan.updated_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                       person=person, m=m, url=url, object_id=plan.pk, params=_pair_params(m, person))


REVIEW_AHEAD = 3  # days before a competency review closes


def _reviews(run: _Run) -> None:
    """A competency review closing within REVIEW_AHEAD days: each rater who has not answered, once."""
    from tandem.assessments.review_selectors import assignments_waiting

    today = run.now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    for a in assignments_waiting(closes_from=today, closes_until=today + datetime.timedelta(days=REVIEW_AHEAD),
                                 today=today):
        c = a.review.campaign
        run.remind(kind=K.REVIEW_WAITING, subject=f"review:{a.review_id}", occasion=f"closes:{c.closes_on}",
                   person=a.rater, m=None, url=_url("review_assignment", a.pk, fallback="/reviews/"), object_id=a.pk,
                   params={"subject": a.review.subject.full_name, "due": c.closes_on.isoformat()})


def _at_risk(run: _Run) -> None:
    """Once a week, each open or running program's manager hears how many of its participants are at
    risk before a retention checkpoint (tandem.insights.retention_selectors), once per checkpoint."""
    from django.utils import translation

    from tandem.insights.retention_selectors import at_risk_summaries, checkpoint_label

    today = run.now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    year, week, _day = today.isocalendar()
    for summary in at_risk_summaries(today=today):
        program, owner = summary.program, summary.program.owner
        if owner is None:
            continue
        with translation.override(run.pref(owner.pk).email_language):
            label = checkpoint_label(summary.checkpoint)
        run.remind(kind=K.AT_RISK, subject=f"program:{program.pk}:day{summary.checkpoint}",
                   occasion=f"{year}-W{week:02d}", person=owner, m=None, object_id=program.pk,
                   url=_url("program_at_risk", program.pk, fallback=f"/programs/{program.pk}/at-risk/"),
                   params={"count": summary.count, "program": program.name, "checkpoint": label})


def _grai(run: _Run) -> None:
    """A GRAI review of the current period still missing as the period ends (programs whose cadence
    requires one, tandem.assessments.grai_selectors.reviews_due): the mentee, once per period."""
    from django.utils import translation
    from django.utils.formats import date_format

    from tandem.assessments.grai_selectors import reviews_due

    today = run.now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    for due in reviews_due(today=today):
        m, person = due.mentorship, due.mentorship.mentee
        with translation.override(run.pref(person.pk).email_language):
            period = (date_format(due.period_start, "YEAR_MONTH_FORMAT") if due.cadence == "monthly" else
                      f"{date_format(due.period_start, 'SHORT_DATE_FORMAT')} – "
                      f"{date_format(due.period_end, 'SHORT_DATE_FORMAT')}" if due.cadence == "weekly" else
                      date_format(due.period_start, "SHORT_DATE_FORMAT"))
        run.remind(kind=K.GRAI_DUE, subject=f"grai:{m.pk}", occasion=due.period_start.isoformat(), person=person,
                   m=m, url=_url("mentorship_grai", m.pk, fallback=f"/mentorships/{m.pk}/grai/"),
                   params={**_pair_params(m, person), "period": period})


def _surveys(run: _Run) -> None:
    """An open survey nearing its close (3 days before, or halfway for a short one,
    tandem.assessments.survey_selectors.surveys_to_remind): each recipient who has not answered, once."""
    from django.utils import translation

    from tandem.assessments.survey_selectors import surveys_to_remind

    for survey, people in surveys_to_remind(now=run.now):
        run.preload(p.pk for p in people)
        due = timezone.localdate(survey.closes_at).isoformat()
        for person in people:
            with translation.override(run.pref(person.pk).email_language):
                title = survey.version.template.tr("name")
            run.remind(kind=K.SURVEY_WAITING, subject=f"survey:{survey.pk}", occasion="waiting", person=person,
                       m=None, url=_url("survey_answer", survey.pk, fallback="/assessments/"), object_id=survey.pk,
                       params={"title": title, "due": due})


STEPS = (_sessions_soon, _feedback_waiting, _action_items, _duties, _agreements, _plans, _rounds, _reviews, _at_risk,
         _grai, _surveys)


def reminders_send(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send every reminder due now that has not gone out yet; returns how many of each kind.
    Safe to run as often as you like, from any number of workers at once."""
    run = _Run(now or timezone.now())
    for step in STEPS:
        try:
            step(run)
        except Exception:  # one kind failing must not hold up the others; its reminders come next run
            log.exception("reminders: %s failed", step.__name__)
    if run.sent:
        log.info("reminders sent: %s", ", ".join(f"{k} {n}" for k, n in sorted(run.sent.items())))
    return {str(k): n for k, n in run.sent.items()}
