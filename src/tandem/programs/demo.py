"""The programs part of the demo: the demo programs, their timelines and who is enrolled.

Created through the programs services, so the demo obeys the rules users do. ``web/demo.py``
calls :func:`seed_demo_programs` and then pairs people in the programs it returns.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from tandem.people.models import Department, Person, TopicInterest
from tandem.programs import services
from tandem.programs.models import EnrolmentRole, MatchingMode, Program, ProgramStatus, ProgramType


@dataclass
class DemoPrograms:
    classic: Program
    reverse: Program
    cohort: Program
    others: list[Program] = field(default_factory=list)
    classic_mentors: list[Person] = field(default_factory=list)
    classic_mentees: list[Person] = field(default_factory=list)


def _open(program: Program) -> Program:
    return services.program_set_status(program=program, status=ProgramStatus.OPEN)


def seed_demo_programs(users: dict[str, Person], today: datetime.date | None = None) -> DemoPrograms:
    today = today or datetime.date.today()
    owner = users["manager"]
    start = today - datetime.timedelta(days=30)
    classic = _open(services.program_create(
        name="Engineering mentoring 2026", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
        starts_on=start, ends_on=start + datetime.timedelta(days=365), owner=owner, default_mentor_capacity=2,
        description="Senior engineers guide engineers in their first years. Mentees choose from three recommendations.",
    ))
    reverse = _open(services.program_create(
        name="Reverse mentoring: digital tools for leaders", program_type=ProgramType.REVERSE,
        matching_mode=MatchingMode.BULK, starts_on=today, ends_on=today + datetime.timedelta(days=180), owner=owner,
        description="Juniors strong in tools and technology teach managers; matched in bulk by the program manager.",
    ))
    cohort = _open(services.program_create(
        name="Graduate cohort 2026", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        starts_on=today, ends_on=today + datetime.timedelta(days=60), owner=owner,
        description="Graduates and departments rank each other blind; placements follow the stable matching.",
    ))
    eng = Person.objects.filter(department__path__startswith=Department.objects.get(code="ENG").path)
    mentors = list(eng.filter(mentor_capacity__gt=0).exclude(pk=users["mentee"].pk))
    mentees = list(eng.filter(mentor_capacity=0, job_profile__code__in=["SE", "GT", "DA"]))
    services.enrolment_add(program=classic, people=mentors, role=EnrolmentRole.MENTOR)
    services.enrolment_add(program=classic, people=mentees, role=EnrolmentRole.MENTEE)
    leaders = list(Person.objects.filter(job_profile__code__in=["EM", "AM", "CSL", "PM"])[:25])
    juniors = list(Person.objects.filter(job_profile__code__in=["SE", "DA", "MS", "GT"], topic_tags__topic__code="tools_tech",
                                         topic_tags__interest=TopicInterest.CAN_TEACH).distinct()[:30])
    services.enrolment_add(program=reverse, people=leaders, role=EnrolmentRole.MENTEE)
    services.enrolment_add(program=reverse, people=juniors, role=EnrolmentRole.MENTOR, capacity=1)
    grads = list(Person.objects.filter(job_profile__code="GT")[:40])
    services.enrolment_add(program=cohort, people=grads, role=EnrolmentRole.MENTEE)
    return DemoPrograms(classic=classic, reverse=reverse, cohort=cohort, classic_mentors=mentors,
                        classic_mentees=mentees)
