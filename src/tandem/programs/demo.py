"""The programs part of the demo: one program from each ready-made template, their eligibility
rules and who is enrolled.

Created through the programs services, so the demo obeys the rules users do. ``web/demo.py``
calls :func:`seed_demo_programs` and then pairs people in the programs it returns.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from tandem.people.models import Department, JobProfile, Person, TopicInterest
from tandem.programs import services
from tandem.programs.models import EnrolmentRole, MatchingMode, Program, ProgramMilestone, ProgramStatus


@dataclass
class DemoPrograms:
    classic: Program
    reverse: Program
    cohort: Program
    new_managers: Program
    classic_mentors: list[Person] = field(default_factory=list)
    classic_mentees: list[Person] = field(default_factory=list)

    @property
    def all(self) -> list[Program]:
        return [self.classic, self.reverse, self.cohort, self.new_managers]


def _open(program: Program) -> Program:
    return services.program_set_status(program=program, status=ProgramStatus.OPEN)


def _tick_past(program: Program, owner: Person, today: datetime.date, kinds: set[str]) -> None:
    """The program team has ticked the program-level milestones of these kinds that are past."""
    for m in ProgramMilestone.objects.filter(phase__program=program, kind__in=kinds):
        if program.day_date(m.due_day) < today:
            services.milestone_set_done(milestone=m, done=True, by=owner)


def seed_demo_programs(users: dict[str, Person], today: datetime.date | None = None) -> DemoPrograms:
    today = today or datetime.date.today()
    owner = users["manager"]
    make = services.program_create_from_template
    classic = _open(make(
        template_code="classic_12m", name="Engineering mentoring 2026", starts_on=today - datetime.timedelta(days=120),
        owner=owner, actor=owner.user,
        description="Senior engineers guide engineers in their first years. Mentees choose from three recommendations.",
    ))
    reverse = _open(make(
        template_code="reverse_6m", name="Reverse mentoring: digital tools for leaders", starts_on=today,
        owner=owner, actor=owner.user, matching_mode=MatchingMode.BULK,
        description="Juniors strong in tools and technology teach managers; matched in bulk by the program manager.",
    ))
    cohort = _open(make(
        template_code="graduate_cohort", name="Graduate cohort 2026", starts_on=today, owner=owner, actor=owner.user,
        description="Graduates and departments rank each other blind; placements follow the stable matching.",
    ))
    new_managers = _open(make(
        template_code="new_manager_60", name="New managers 2026: 60 days with teach-back",
        starts_on=today - datetime.timedelta(days=50), owner=owner, actor=owner.user,
    ))
    # Eligibility: who each program is for (the classic program's mentees; the cohort's graduates).
    eng = Department.objects.get(code="ENG")
    services.program_set_eligibility(program=classic, departments=[eng],
                                     job_profiles=JobProfile.objects.filter(code__in=["SE", "GT", "DA"]))
    services.program_set_eligibility(program=cohort, job_profiles=JobProfile.objects.filter(code="GT"))
    services.program_set_eligibility(program=new_managers, job_profiles=JobProfile.objects.filter(code__in=["EM", "CSL"]),
                                     hired_from=today - datetime.timedelta(days=8 * 365))
    engineers = Person.objects.filter(department__path__startswith=eng.path)
    mentors = list(engineers.filter(mentor_capacity__gt=0).exclude(pk=users["mentee"].pk))
    mentees = list(engineers.filter(mentor_capacity=0, job_profile__code__in=["SE", "GT", "DA"]))
    services.enrolment_add(program=classic, people=mentors, role=EnrolmentRole.MENTOR)
    services.enrolment_add(program=classic, people=mentees, role=EnrolmentRole.MENTEE)
    leaders = list(Person.objects.filter(job_profile__code__in=["EM", "AM", "CSL", "PM"])[:25])
    juniors = list(Person.objects.filter(job_profile__code__in=["SE", "DA", "MS", "GT"], topic_tags__topic__code="tools_tech",
                                         topic_tags__interest=TopicInterest.CAN_TEACH).distinct()[:30])
    services.enrolment_add(program=reverse, people=leaders, role=EnrolmentRole.MENTEE)
    services.enrolment_add(program=reverse, people=juniors, role=EnrolmentRole.MENTOR, capacity=1)
    services.enrolment_add_eligible(program=cohort, role=EnrolmentRole.MENTEE)
    services.enrolment_add_eligible(program=new_managers, role=EnrolmentRole.MENTEE)
    coaches = list(Person.objects.filter(job_profile__code__in=["HRBP", "PM"], mentor_capacity__gt=0)
                   .exclude(pk=owner.pk)[:4])
    services.enrolment_add(program=new_managers, people=coaches, role=EnrolmentRole.MENTOR, capacity=3)
    _tick_past(new_managers, owner, today, {"checkpoint", "teach_back", "competency_review"})
    _tick_past(classic, owner, today, {"checkpoint"})
    return DemoPrograms(classic=classic, reverse=reverse, cohort=cohort, new_managers=new_managers,
                        classic_mentors=mentors, classic_mentees=mentees)
