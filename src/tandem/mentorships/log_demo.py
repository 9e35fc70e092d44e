"""Demo data of the coaching log (called from ``web/demo.py``'s ``APP_DEMOS``): months of sessions,
messages, action items and feedback for the demo pair and the other active pairs, written through
the log services so the demo obeys the same rules as users do.

Time travel: the services stamp what they write with "now" (a message's ``created_at``, a session's
``status_changed_at``, feedback's ``created_at``, an item's ``done_at``) and hold a session only
once it has started. Sessions are scheduled at their real past start (inside the agreement's term,
which the service checks) and held then; afterwards the timestamps the services set to "now" are
moved back with a direct ``update()`` on the rows just created, so the timeline reads as it would
have happened. Nothing else is written outside the services.

What the demo shows:

- The demo pair (``mentor`` / ``mentee`` logins): every month since it started with an in-depth
  session (topic, the mentee's questions, the mentor's advice), except one month whose session was
  held with no advice recorded (that month's in-depth duty is overdue); a cancelled and a missed
  session; the next session scheduled with the mentee's questions prepared; this month's in-depth
  duty due, the quarter's assessment done by a mentor rating; messages with @-mentions; action
  items done, open and overdue; feedback from both sides. With the classic program's policy that
  is every state of the checklist: done, overdue, due, upcoming, suggested and not tracked yet.
- Two more pairs of the demo mentor, for the coaching prompts: one *stuck* (several of the
  mentee's action items overdue on the same goal, no progress for weeks) and one *disengaged*
  (missed and cancelled sessions, no message for more than five weeks).
- The other active pairs of the demo programs: a few months of sessions, messages and items each.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from tandem.mentorships import duties, log_services, plan_services, services
from tandem.mentorships.demo import _actor, _backdate, _plan, _sign, _to_agreement
from tandem.mentorships.log_models import ActionItem, Mention, Message, Session, SessionFeedback
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.people import services as people_services
from tandem.people.models import Person, Topic
from tandem.people.selectors import person_competencies
from tandem.programs.models import EnrolmentStatus

QUESTIONS = [
    "How do I run a design review without taking over the discussion?",
    "What should I cut when the sprint is overloaded?",
    "How do I give feedback to a senior colleague on their code?",
    "How do you decide when a prototype is good enough to show?",
    "What do you look at first when an estimate turns out wrong?",
    "How do I say no to a request from another team without souring things?",
]
ADVICE = [
    "Open with the decision you need and the two options you see; ask the quietest person first.",
    "List what the sprint promised, mark what only you can do, and hand the rest back with dates.",
    "Ask what they were aiming for before saying what you noticed; keep it to one point.",
    "Show it when someone can disagree with it usefully — earlier than feels comfortable.",
    "Compare the plan with what happened, day by day; the gap is usually in the first two days.",
    "Say what you can do instead and by when; a clear 'not now' is kinder than a vague yes.",
]
NOTES = ["We went through last week's review together.", "Short session; we agreed to pick it up next time.",
         "Walked through the incident timeline.", ""]
ITEMS = ["Write a one-page summary of the review", "Draft the estimate with the team",
         "Book a slot with the architecture group", "Read the chapter on negotiation we discussed",
         "Prepare three questions for the next session", "Share the runbook draft"]
FEEDBACK = ["Useful: concrete next steps.", "Good session, a bit rushed at the end.", "Clear and practical.",
            "Helped me see what to try first.", "We should prepare the examples beforehand."]


def _when(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_default_timezone())


def _topic_codes(rng: random.Random, k: int = 2) -> list[str]:
    codes = list(Topic.objects.order_by("order", "code").values_list("code", flat=True))
    return rng.sample(codes, min(k, len(codes))) if codes else []


def _first_name(person: Person) -> str:
    words = [w for w in person.full_name.split() if not w.endswith(".")] or person.full_name.split()
    return words[0] if words else person.full_name


class _Log:
    """Writes one pair's log through the services, then moves the services' "now" stamps back."""

    def __init__(self, m: Mentorship, rng: random.Random) -> None:
        self.m, self.rng = m, rng
        self.mentor, self.mentee = _actor(m.mentor), _actor(m.mentee)
        self.now = timezone.now()

    def session(self, day: datetime.date, *, outcome: str = "held", advice: bool = True, questions: bool = True,
                topics: bool = True, minutes: int = 60, feedback: tuple[int | None, int | None] = (None, None),
                reason: str = "") -> Session:
        """A session on ``day`` at 10:00: ``outcome`` held / missed / cancelled / scheduled."""
        rng = self.rng
        at = _when(day, rng.choice([9, 10, 14, 16]))
        s = log_services.session_schedule(
            mentorship=self.m, actor=self.mentee, starts_at=at, duration_minutes=minutes,
            format=rng.choice(["video", "video", "in_person"]),
            meeting_link="https://meet.example.com/tandem-" + str(self.m.pk),
            topics=_topic_codes(rng) if topics else [], questions=rng.choice(QUESTIONS) if questions else "")
        stamp = at - datetime.timedelta(days=rng.randint(3, 9))
        Session.objects.filter(pk=s.pk).update(created_at=min(stamp, self.now), updated_at=min(stamp, self.now))
        if outcome == "scheduled":
            return s
        if outcome == "cancelled":
            log_services.session_update(session=s, actor=self.mentor, status="cancelled",
                                        reason=reason or "A release took the whole afternoon.")
        else:
            log_services.session_update(session=s, actor=self.mentor, status=outcome,
                                        advice=rng.choice(ADVICE) if advice and outcome == "held" else "",
                                        notes=rng.choice(NOTES) if outcome == "held" else "")
        done_at = min(at + datetime.timedelta(minutes=minutes + 20), self.now)
        Session.objects.filter(pk=s.pk).update(status_changed_at=done_at, updated_at=done_at)
        if outcome == "held":
            for actor, rating, side in ((self.mentor, feedback[0], "mentor"), (self.mentee, feedback[1], "mentee")):
                if rating:
                    fb = log_services.feedback_leave(session=s, actor=actor, rating=rating, text=rng.choice(FEEDBACK))
                    left = min(at + datetime.timedelta(hours=rng.randint(2, 30)), self.now)
                    SessionFeedback.objects.filter(pk=fb.pk).update(created_at=left)
        return s

    def message(self, day: datetime.date, text: str, *, by: str = "mentor", hour: int = 12) -> Message:
        actor = self.mentor if by == "mentor" else self.mentee
        msg = log_services.message_post(mentorship=self.m, actor=actor, text=text)
        at = min(_when(day, hour), self.now)
        Message.objects.filter(pk=msg.pk).update(created_at=at)
        Mention.objects.filter(message=msg).update(created_at=at)
        return msg

    def item(self, created: datetime.date, title: str, *, owner: str = "mentee", due: datetime.date,
             status: str = "open", goal_id: int | None = None, session: Session | None = None) -> ActionItem:
        by = self.mentor if owner == "mentee" else self.mentee
        it = log_services.action_item_create(mentorship=self.m, actor=by, title=title, owner=owner, due_on=due,
                                             goal_id=goal_id, session_id=session.pk if session else None)
        at = min(_when(created, 15), self.now)
        ActionItem.objects.filter(pk=it.pk).update(created_at=at, updated_at=at)
        if status != "open":
            owner_actor = self.mentee if owner == "mentee" else self.mentor
            log_services.action_item_update(item=it, actor=owner_actor, status=status)
            finished = min(_when(min(due, self.now.date()), 17), self.now)
            ActionItem.objects.filter(pk=it.pk).update(done_at=finished if status == "done" else None,
                                                       updated_at=finished)
        return it


def _goal_ids(m: Mentorship) -> list[int]:
    return list(plan_services.plan_for(m).goals.order_by("id").values_list("id", flat=True))


def _mentor_rating(m: Mentorship, day: datetime.date, rng: random.Random) -> None:
    """The mentor's assessment of the mentee against the job profile: a rating per gap, one day."""
    rows = [r for r in person_competencies(person=m.mentee) if r.gap][:3]
    for r in rows:
        people_services.rating_record(person=m.mentee, competency=r.competency,
                                      level=min(5, (r.current or 1) + rng.choice([0, 1])), source="mentor",
                                      rated_by=m.mentor, rated_on=day, note="Quarterly review with the mentor.")


def _month_periods(m: Mentorship, today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    return duties.periods("monthly", m.started_on, today, open_end=True)


def _day_in(start: datetime.date, end: datetime.date, rng: random.Random, *, before: datetime.date) -> datetime.date | None:
    """A weekday between ``start`` and ``end`` strictly before ``before`` (None if there is none)."""
    days = [start + datetime.timedelta(days=k) for k in range((end - start).days + 1)]
    days = [d for d in days if d < before and d.weekday() < 5]
    return rng.choice(days) if days else None


# -- the demo pair ------------------------------------------------------------------------------


def _seed_demo_pair(m: Mentorship, rng: random.Random) -> None:
    today = timezone.localdate()
    log = _Log(m, rng)
    months = _month_periods(m, today)
    goals = _goal_ids(m)
    first = m.started_on
    # every month that went by: an in-depth session, held and recorded; the second month's was held
    # without advice recorded (so that month's in-depth duty shows overdue)
    past = [p for p in months if p[1] < today]
    for k, (start, end) in enumerate(past):
        day = _day_in(start, end, rng, before=today)
        if day is None:
            continue
        held = log.session(day, advice=(k != 1), minutes=60, feedback=(rng.choice([4, 5]), rng.choice([4, 5])))
        if k == 0:
            log.item(day, "Summarise the last design review in one page", owner="mentee",
                     due=day + datetime.timedelta(days=10), status="done", goal_id=goals[0] if goals else None,
                     session=held)
        if k == 1:
            log.item(day, "Book a slot with the architecture group", owner="mentor",
                     due=day + datetime.timedelta(days=7), status="done", session=held)
        # a cancelled and a missed session along the way
        if k == 1:
            extra = _day_in(start, end, rng, before=today)
            if extra and extra != day:
                log.session(extra, outcome="cancelled", reason="The release moved to that afternoon.")
        if k == 2:
            extra = _day_in(start, end, rng, before=today)
            if extra and extra != day:
                log.session(extra, outcome="missed", advice=False)
    # this month: nothing held yet (the in-depth duty is due), the next session scheduled in the
    # future with the mentee's questions prepared — holding it with advice turns the month done
    nxt = today + datetime.timedelta(days=2 if today.weekday() < 3 else 4)
    _, term_end = plan_services.plan_term(m)
    if nxt <= term_end:
        log.session(nxt, outcome="scheduled", topics=True, questions=True)
        if nxt + datetime.timedelta(days=30) <= term_end:
            log.session(nxt + datetime.timedelta(days=28), outcome="scheduled", questions=False)
    # the quarter's assessment: a mentor rating in the first quarter the pair went through
    quarters = duties.periods("quarterly", first, today, open_end=True)
    start, end = quarters[0]
    rating_day = _day_in(start, end, rng, before=today) or first
    _mentor_rating(m, rating_day, rng)
    # messages, some @-mentioning the other side
    mentee_name, mentor_name = _first_name(m.mentee), _first_name(m.mentor)
    lines = [
        (first + datetime.timedelta(days=2), "mentor", (f"Welcome, @{mentee_name}! Bring one real review you found hard "
                                                      "to our first session.")),
        (first + datetime.timedelta(days=3), "mentee", "Thanks! I'll bring the payments service review."),
        (first + datetime.timedelta(days=20), "mentee", (f"@{mentor_name} could we move next week's session to "
                                                       "Thursday?")),
        (first + datetime.timedelta(days=21), "mentor", "Thursday works."),
        (today - datetime.timedelta(days=12), "mentor", (f"@{mentee_name} here is the checklist I mentioned: start "
                                                       "from the failure modes, then the interfaces.")),
        (today - datetime.timedelta(days=4), "mentee", "I tried the checklist on Monday's review — it helped."),
    ]
    for day, by, text in lines:
        if first <= day <= today:
            log.message(day, text, by=by)
    # action items: done (above), open, and overdue
    open_due = min(term_end, today + datetime.timedelta(days=9))
    log.item(today - datetime.timedelta(days=6), "Lead the next design review on your own", owner="mentee",
             due=open_due, goal_id=goals[0] if goals else None)
    overdue = max(first, today - datetime.timedelta(days=5))
    if overdue < today:
        log.item(max(first, today - datetime.timedelta(days=20)), "Write the estimate for the migration with the team",
                 owner="mentee", due=overdue, goal_id=goals[1] if len(goals) > 1 else None)
    log.item(today - datetime.timedelta(days=3), "Send the architecture notes", owner="mentor",
             due=min(term_end, today + datetime.timedelta(days=3)))


# -- the demo mentor's other pairs (coaching prompts: stuck, disengaged) ------------------------


def _free_mentees(program: Any, mentor: Person, k: int) -> list[Person]:
    busy = set(Mentorship.objects.filter(status__in=["requested", "intro", "agreement", "active"])
               .values_list("mentee_id", flat=True)) | set(
        Mentorship.objects.filter(status__in=["requested", "intro", "agreement", "active"])
        .values_list("mentor_id", flat=True))
    people = (Person.objects.filter(enrolments__program=program, enrolments__role="mentee",
                                    enrolments__status=EnrolmentStatus.ACTIVE)
              .exclude(pk__in=busy).exclude(pk=mentor.pk).exclude(manager_id=mentor.manager_id)
              .exclude(user__isnull=False).order_by("id"))
    return list(people[:k])


def _pair_with_demo_mentor(program: Any, mentor: Person, mentee: Person, *, days_ago: int,
                           rng: random.Random) -> Mentorship:
    """Paired by the program's manager (the demo mentor's request queue stays as it is), confirmed,
    agreement signed ``days_ago``."""
    m = _to_agreement(program, mentor, mentee, origin=MentorshipOrigin.MANUAL)
    if m.status == MentorshipStatus.AGREEMENT:
        start = max(program.starts_on, timezone.localdate() - datetime.timedelta(days=days_ago))
        gaps = sorted((r for r in person_competencies(person=mentee) if r.gap), key=lambda r: -(r.gap or 0))
        services.agreement_save(mentorship=m, actor=_actor(mentee), data={
            "starts_on": start, "meeting_frequency": "biweekly", "meeting_minutes": 60,
            "competencies": [r.competency.code for r in gaps[:2]]})
        _sign(m)
        _backdate(m, timezone.now() - datetime.timedelta(days=days_ago + 7))
    m.refresh_from_db()
    if m.status == MentorshipStatus.ACTIVE:
        _plan(m, rng, ticked=0)
    return m


def _seed_stuck(m: Mentorship, rng: random.Random) -> None:
    """Sessions keep happening, but the mentee's items on one goal are all overdue, untouched."""
    today = timezone.localdate()
    log = _Log(m, rng)
    goals = _goal_ids(m)
    goal = goals[0] if goals else None
    first = m.started_on
    days = [first + datetime.timedelta(days=d) for d in range(3, (today - first).days, 14)]
    for day in days:
        log.session(day, feedback=(3, rng.choice([2, 3])))
    for k, title in enumerate(["Draft the first section of the proposal", "Ask two stakeholders for input",
                               "Rewrite the proposal's summary", "Present the outline to the team lead"]):
        created = first + datetime.timedelta(days=5 + 7 * k)
        due = min(today - datetime.timedelta(days=3 + 4 * k), created + datetime.timedelta(days=10))
        if first <= created < due < today:
            it = log.item(created, title, owner="mentee", due=due, goal_id=goal)
            if k == 0:
                log_services.action_item_update(item=it, actor=log.mentor, comment="How is this one going? "
                                                "Anything blocking it?")
    mentee_name = _first_name(m.mentee)
    log.message(today - datetime.timedelta(days=9), f"@{mentee_name} shall we look at what is holding the proposal "
                                                    "up on Thursday?", by="mentor")
    log.message(today - datetime.timedelta(days=8), "Yes — I keep starting it and stopping.", by="mentee")


def _seed_disengaged(m: Mentorship, rng: random.Random) -> None:
    """One good start, then missed and cancelled sessions and silence for weeks."""
    today = timezone.localdate()
    log = _Log(m, rng)
    first = m.started_on
    log.session(first + datetime.timedelta(days=3), feedback=(4, 4))
    log.message(first + datetime.timedelta(days=4), "Thanks for today — see you in two weeks.", by="mentee")
    last_message = max(first + datetime.timedelta(days=6), today - datetime.timedelta(days=40))
    if last_message < today:
        log.message(last_message, f"@{_first_name(m.mentee)} are we still on for Tuesday?", by="mentor")
    for k, outcome in enumerate(["missed", "cancelled", "missed"]):
        day = first + datetime.timedelta(days=17 + 14 * k)
        if day < today:
            log.session(day, outcome=outcome, advice=False, reason="Something came up.")
    due = max(first + datetime.timedelta(days=10), today - datetime.timedelta(days=30))
    if due < today:
        log.item(first + datetime.timedelta(days=3), "Choose the first goal to work on", owner="mentee", due=due)


# -- everyone else ----------------------------------------------------------------------------


def _seed_other(m: Mentorship, rng: random.Random) -> None:
    """A few months of a steady pair: sessions every two to four weeks (now and then one without
    advice, or missed), a message or two, an item per session, feedback most of the time."""
    today = timezone.localdate()
    log = _Log(m, rng)
    goals = _goal_ids(m)
    day = m.started_on + datetime.timedelta(days=rng.randint(2, 8))
    n = 0
    while day < today:
        if day.weekday() >= 5:
            day += datetime.timedelta(days=7 - day.weekday())
            continue
        if day >= today:
            break
        outcome = rng.choices(["held", "missed", "cancelled"], weights=[8, 1, 1])[0]
        s = log.session(day, outcome=outcome, advice=rng.random() > 0.15,
                        feedback=(rng.choice([None, 4, 5]), rng.choice([None, 3, 4, 5])))
        if outcome == "held":
            due = day + datetime.timedelta(days=rng.randint(5, 15))
            _, term_end = plan_services.plan_term(m)
            if due <= term_end:
                status = "done" if due < today and rng.random() < 0.7 else "open"
                log.item(day, rng.choice(ITEMS), owner=rng.choice(["mentee", "mentee", "mentor"]), due=due,
                         status=status, goal_id=rng.choice(goals) if goals and rng.random() < 0.6 else None, session=s)
            if rng.random() < 0.6:
                log.message(min(today, day + datetime.timedelta(days=1)),
                            f"@{_first_name(m.mentee)} notes from today are in the session." if rng.random() < 0.5
                            else "Thanks for the session.", by=rng.choice(["mentor", "mentee"]))
        n += 1
        day += datetime.timedelta(days=rng.choice([14, 21, 28]))
    if rng.random() < 0.5:
        _mentor_rating(m, max(m.started_on, today - datetime.timedelta(days=rng.randint(1, 40))), rng)


def seed(rng: random.Random, users: dict[str, Person]) -> None:
    """The coaching log of the demo: see the module's docstring."""
    mentor, mentee = users.get("mentor"), users.get("mentee")
    main = (Mentorship.objects.select_related("program", "mentor", "mentee")
            .filter(mentor=mentor, mentee=mentee, status=MentorshipStatus.ACTIVE).first()) if mentor and mentee else None
    if main is not None and main.started_on:
        _seed_demo_pair(main, rng)
        # The demo mentor takes two more pairs (set by the program's manager): one stuck, one disengaged.
        # Their capacity is raised to hold them — a direct update of the demo person, documented here.
        Person.objects.filter(pk=mentor.pk).update(mentor_capacity=max(mentor.mentor_capacity or 0, 4))
        for (kind, days_ago), person in zip((("stuck", 70), ("disengaged", 80)),
                                            _free_mentees(main.program, mentor, 2), strict=False):
            m = _pair_with_demo_mentor(main.program, mentor, person, days_ago=days_ago, rng=rng)
            if m.status == MentorshipStatus.ACTIVE and m.started_on:
                (_seed_stuck if kind == "stuck" else _seed_disengaged)(m, rng)
    done = {main.pk} if main else set()
    done |= set(Mentorship.objects.filter(mentor=mentor).values_list("pk", flat=True)) if mentor else set()
    others = (Mentorship.objects.select_related("program", "mentor", "mentee")
              .filter(status=MentorshipStatus.ACTIVE, started_on__isnull=False).exclude(pk__in=done).order_by("id"))
    for m in others[:12]:
        _seed_other(m, rng)
