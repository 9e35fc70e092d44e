"""Demo pairs at every stage of their life, made through the mentorship and plan services so the
demo obeys the same rules as users do: a request waiting for an answer, an introductory stage, an
agreement waiting for a signature, a plan under comment, pairs active for months with progress, a
completed pair and one that ended early. Only the timestamps of the history are moved back
afterwards, so the history reads as it would have happened."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from tandem.core.authz import Actor
from tandem.mentorships import plan_services, services
from tandem.mentorships.models import Mentorship, MentorshipOrigin, Transition
from tandem.people.models import Person
from tandem.people.selectors import person_competencies

DEMO_MESSAGE = "I'd like help with system design reviews and planning my first project."


def _actor(person: Person) -> Actor:
    return Actor(person.user) if person.user_id else _SystemActor(person)


class _SystemActor(Actor):
    """An actor for a demo person without a login (the demo signs in their name)."""

    def __init__(self, person: Person) -> None:
        super().__init__(user=_DemoUser())
        self.__dict__["person"] = person
        self.__dict__["groups"] = frozenset()


class _DemoUser:
    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None


def _backdate(m: Mentorship, start: datetime.datetime) -> None:
    """Spread the history from ``start`` to now, a step every few days."""
    rows = list(Transition.objects.filter(mentorship=m).order_by("id"))
    for k, t in enumerate(rows):
        Transition.objects.filter(pk=t.pk).update(at=start + datetime.timedelta(days=3 * k, hours=k))


def _to_agreement(program: Any, mentor: Person, mentee: Person, *, origin: str = MentorshipOrigin.REQUESTED,
                  message: str = "") -> Mentorship:
    if origin == MentorshipOrigin.REQUESTED:
        m = services.mentorship_request(program=program, mentee=mentee, mentor=mentor, message=message)
        services.mentorship_accept(mentorship=m, actor=_actor(mentor))
    else:
        m = services.mentorships_create_paired(program=program, pairs=[{"mentor": mentor.pk, "mentee": mentee.pk}],
                                               origin=origin, actor=None)[0]
    services.mentorship_confirm(mentorship=m, actor=_actor(mentee))
    services.mentorship_confirm(mentorship=m, actor=_actor(mentor))
    m.refresh_from_db()
    return m


def _sign(m: Mentorship, *, skip: set[str] = frozenset()) -> None:
    parties = services.agreement_parties(m)
    a = services.agreement_latest(m)
    for party in a.parties if a else []:
        person = parties.get(party)
        if person is not None and party not in skip:
            try:
                services.agreement_sign(mentorship=m, actor=_actor(person))
            except Exception:  # noqa: BLE001 - one person may hold two parties: signed already
                pass
    m.refresh_from_db()


def _active(program: Any, mentor: Person, mentee: Person, *, days_ago: int, goals: str = "") -> Mentorship:
    """A pair whose agreement took effect ``days_ago`` (not before the program started)."""
    m = _to_agreement(program, mentor, mentee)
    if m.status == "agreement":
        start = max(program.starts_on, timezone.localdate() - datetime.timedelta(days=days_ago))
        gaps = sorted((r for r in person_competencies(person=mentee) if r.gap), key=lambda r: -(r.gap or 0))
        data: dict[str, Any] = {"starts_on": start, "meeting_frequency": "monthly", "meeting_minutes": 60,
                                "competencies": [r.competency.code for r in gaps[:2]]}
        if goals:
            data["goals"] = goals
        services.agreement_save(mentorship=m, actor=_actor(mentee), data=data)
        _sign(m)
        _backdate(m, timezone.now() - datetime.timedelta(days=days_ago + 7))
    return m


def _plan(m: Mentorship, rng: random.Random, *, confirm: bool = True, ticked: int = 0, comment: str = "") -> None:
    mentee, mentor = m.mentee, m.mentor
    everything = person_competencies(person=mentee)
    rows = sorted([r for r in everything if r.gap], key=lambda r: -r.gap)[:3] or everything[:2]
    codes = [r.competency.code for r in rows]
    plan_services.needs_submit(mentorship=m, actor=_actor(mentee), competencies=codes, topics=[],
                               text="Concrete practice on real work, and feedback on how I do it.")
    start, end = plan_services.plan_term(m)
    span = max(14, (end - start).days)
    goals = []
    for k, r in enumerate(rows):
        target = min(5, (r.current or 1) + 1)
        goals.append({"title": f"Grow in {r.competency.name}", "competency": r.competency.code, "target_level": target,
                      "milestones": [
                          {"title": step, "due_on": (start + datetime.timedelta(days=span * (k + j + 1) // 8)).isoformat()}
                          for j, step in enumerate(["Read and summarise one good source",
                                                    "Try it on a real task and note what happened",
                                                    "Review the result together"])]})
    plan_services.plan_draft_save(mentorship=m, actor=_actor(mentor), goals=goals)
    if comment:
        plan_services.plan_comment_add(mentorship=m, actor=_actor(mentee), text=comment)
    if confirm:
        plan_services.plan_confirm(mentorship=m, actor=_actor(mentee))
        plan_services.plan_confirm(mentorship=m, actor=_actor(mentor))
    if ticked and m.status == "active":
        milestones = [ms for g in plan_services.plan_for(m).goals.all() for ms in g.milestones.order_by("due_on")]
        for ms in milestones[:ticked]:
            plan_services.milestone_update(milestone=ms, actor=_actor(mentee), done=True)


def seed_demo_mentorships(rng: random.Random, users: dict[str, Person], programs: Any) -> None:
    classic, reverse = programs.classic, programs.reverse
    mentors, mentees = programs.classic_mentors, programs.classic_mentees
    now = timezone.now()
    used: set[int] = {users["mentee"].pk}

    # The demo pair, active for about three months, with a confirmed plan and progress.
    main = _active(classic, users["mentor"], users["mentee"], days_ago=90,
                   goals="Lead a design review on my own; plan my work in weekly steps.")
    _plan(main, rng, ticked=3)

    # A request waiting for the demo mentor's answer.
    asker = next(p for p in mentees if p.pk not in used and p.manager_id != users["mentor"].manager_id)
    used.add(asker.pk)
    services.mentorship_request(program=classic, mentee=asker, mentor=users["mentor"], message=DEMO_MESSAGE)

    free_mentors = [p for p in mentors if p.pk != users["mentor"].pk]
    queue = [p for p in mentees if p.pk not in used]
    rng.shuffle(queue)

    def next_pair() -> tuple[Person, Person] | None:
        while queue:
            mentee = queue.pop()
            for mentor in rng.sample(free_mentors, len(free_mentors)):
                load, cap = services_slots(classic, mentor)
                if mentor.pk != mentee.pk and mentor.manager_id != mentee.manager_id and load < cap:
                    return mentor, mentee
        return None

    stages = ["intro", "agreement", "review", "active", "active", "active", "active", "completed", "ended_early",
              "active", "active", "active"]
    for stage in stages:
        pair = next_pair()
        if pair is None:
            break
        mentor, mentee = pair
        if stage == "intro":
            m = services.mentorship_request(program=classic, mentee=mentee, mentor=mentor)
            services.mentorship_accept(mentorship=m, actor=_actor(mentor),
                                       intro_at=now + datetime.timedelta(days=2, hours=3))
            continue
        if stage == "agreement":
            m = _to_agreement(classic, mentor, mentee)
            _sign(m, skip={"mentee", "line_manager"})  # the mentor signed; the mentee has not yet
            continue
        m = _active(classic, mentor, mentee, days_ago=rng.randint(20, 100))
        if stage == "review":
            _plan(m, rng, confirm=False, comment="Could the second goal start with a smaller step?")
        else:
            _plan(m, rng, ticked=rng.randint(0, 4))
        if stage == "completed":
            services.mentorship_complete(mentorship=m, actor=_actor(mentor), reason="We reached the goals we set.")
        elif stage == "ended_early":
            services.mentorship_end_early(mentorship=m, actor=_actor(mentee),
                                          reason="I moved to another team with a different focus.")

    # Reverse mentoring: one pair at the agreement stage (program templates sign mentor + mentee).
    juniors = list(Person.objects.filter(enrolments__program=reverse, enrolments__role="mentor").order_by("id")[:2])
    leaders = list(Person.objects.filter(enrolments__program=reverse, enrolments__role="mentee").order_by("id")[:2])
    if juniors and leaders and juniors[0].pk != leaders[0].pk:
        m = services.mentorships_create_paired(program=reverse, pairs=[{"mentor": juniors[0].pk,
                                                                        "mentee": leaders[0].pk}],
                                               origin=MentorshipOrigin.MANUAL, actor=None)[0]
        services.mentorship_confirm(mentorship=m, actor=_actor(leaders[0]))


def services_slots(program: Any, mentor: Person) -> tuple[int, int]:
    from tandem.matching.adapter import mentor_slots

    return mentor_slots(program).get(mentor.pk, (0, 0))
