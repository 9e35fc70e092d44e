"""Demo data for retention (run by ``web/demo.py``'s APP_DEMOS): a graduate cohort that started
seven months ago, with leavers before day 7 and months 1, 3 and 6, and a comparison group of
graduates hired in the same weeks who did not take part; a late intake whose day 7 and month 1
are close, some of them without a GRAI review, two of them paired with a mentor and already
missing a session, rating it low and letting an item slip — the demo program manager's at-risk list.

Built through the programs services (the program from the ``graduate_cohort`` template, with its
alumni talks and checkpoints at day 7 and months 1, 3 and 6; enrolment; eligibility); the people
are created as an HR import would create them, with their hire and leaving dates.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from tandem.people.models import Department, JobProfile, Person
from tandem.programs import services as program_services
from tandem.programs.models import EnrolmentRole, ProgramStatus

NAME = "Graduate cohort 2026 (spring intake)"
STARTED_DAYS_AGO = 210
COHORT = 40
# days after day 0 on which people left: before day 7, month 1, 3 and 6 (participants, comparison)
PARTICIPANT_LEAVERS = (2, 5, 12, 19, 26, 44, 70, 120, 160)
COMPARISON_LEAVERS = (1, 4, 6, 9, 15, 22, 28, 35, 50, 64, 80, 101, 130, 150, 175)
LATE_INTAKE = (3, 4, 5, 20, 22, 24, 26)  # hired that many days ago


def _people(rng: random.Random, prefix: str, count: int, *, hired: list[datetime.date],
            left_after: dict[int, int], profile: JobProfile | None, departments: list[Department]) -> list[Person]:
    rows = []
    for i in range(count):
        number = f"{prefix}{i + 1:03d}"
        left = hired[i] + datetime.timedelta(days=left_after[i]) if i in left_after else None
        rows.append(Person(employee_id=number, full_name=f"Graduate {number}", email=f"{number.lower()}@tandem.example",
                           department=rng.choice(departments), job_profile=profile, hire_date=hired[i],
                           left_on=left, is_active=left is None))
    Person.objects.bulk_create(rows)
    return list(Person.objects.filter(employee_id__in=[r.employee_id for r in rows]).order_by("employee_id"))


def seed(rng: Any, users: dict[str, Any]) -> None:
    owner = users.get("manager")
    if owner is None:
        return
    today = timezone.localdate()
    start = today - datetime.timedelta(days=STARTED_DAYS_AGO)
    departments = list(Department.objects.order_by("code")) or []
    if not departments:
        return
    profile = JobProfile.objects.filter(code="GT").first()
    program = program_services.program_create_from_template(
        template_code="graduate_cohort", name=NAME, starts_on=start, owner=owner, actor=owner.user,
        description="Last spring's graduates: who stayed at day 7 and months 1, 3 and 6, against graduates "
                    "hired in the same weeks who did not take part.")
    # the cohort: hired on the first day, leavers spread over the first six months
    hired = [start] * COHORT
    picks = rng.sample(range(COHORT), len(PARTICIPANT_LEAVERS))
    cohort = _people(rng, "GS", COHORT, hired=hired, left_after=dict(zip(picks, PARTICIPANT_LEAVERS, strict=True)),
                     profile=profile, departments=departments)
    # the comparison: graduates hired in the program's first two weeks, not enrolled
    hired_b = [start + datetime.timedelta(days=rng.randint(0, 13)) for _ in range(COHORT)]
    picks_b = rng.sample(range(COHORT), len(COMPARISON_LEAVERS))
    _people(rng, "GC", COHORT, hired=hired_b, left_after=dict(zip(picks_b, COMPARISON_LEAVERS, strict=True)),
            profile=profile, departments=departments)
    # a late intake: day 7 or month 1 is near (the at-risk list: those past their first week have no GRAI review)
    late = _people(rng, "GL", len(LATE_INTAKE), hired=[today - datetime.timedelta(days=d) for d in LATE_INTAKE],
                   left_after={}, profile=profile, departments=departments)
    program_services.enrolment_add(program=program, people=cohort + late, role=EnrolmentRole.MENTEE)
    program_services.program_set_eligibility(program=program, job_profiles=[profile] if profile else [],
                                             hired_from=start, hired_to=today)
    program_services.program_set_status(program=program, status=ProgramStatus.OPEN)
    program_services.program_set_status(program=program, status=ProgramStatus.RUNNING)
    _struggling_pairs(rng, program, late[3:5], today)


def _struggling_pairs(rng: Any, program: Any, mentees: list[Person], today: datetime.date) -> None:
    """Two of the late intake with a mentor, through the coaching log's demo writer (the services,
    with their stamps moved back): a missed session, a held one the graduate rated 2 of 5, an
    action item of theirs two days overdue."""
    from tandem.mentorships import services as mentorship_services
    from tandem.mentorships.demo import _actor, _sign, _to_agreement
    from tandem.mentorships.log_demo import _Log
    from tandem.mentorships.models import MentorshipOrigin

    mentors = list(Person.objects.filter(mentor_capacity__gt=0, left_on__isnull=True, is_active=True,
                                         user__isnull=True).exclude(enrolments__program=program)
                   .order_by("id")[:len(mentees)])
    if len(mentors) < len(mentees):
        return
    program_services.enrolment_add(program=program, people=mentors, role=EnrolmentRole.MENTOR)
    day = lambda n: today - datetime.timedelta(days=n)
    for mentor, mentee in zip(mentors, mentees, strict=True):
        m = _to_agreement(program, mentor, mentee, origin=MentorshipOrigin.MANUAL)  # paired by the manager
        mentorship_services.agreement_save(mentorship=m, actor=_actor(mentee), data={
            "starts_on": mentee.hire_date + datetime.timedelta(days=2), "meeting_frequency": "weekly",
            "meeting_minutes": 60, "goals": "Settle in: the team, the product, the first small task."})
        _sign(m)
        if m.status != "active":
            continue
        log = _Log(m, rng)
        log.session(day(9), outcome="missed", advice=False)
        log.session(day(4), outcome="held", feedback=(4, 2))
        log.item(day(8), "Read the onboarding handbook and list three questions", due=day(2))
