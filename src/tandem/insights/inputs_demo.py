"""Demo data of inputs versus outputs (run by ``web/demo.py``'s APP_DEMOS): a program of the demo
program manager's that makes the page meaningful over the last months —

- **Sales EMEA** (``SAL-EMEA``): six pairs meeting every two weeks (hours on target) whose mentor
  ratings barely move — source 002's "low gain despite hours": the advice is too general;
- **Customer Service** (``CS``): six pairs meeting monthly, sharing resources, gaining a level or two;
- **Data & Analytics** (``ENG-DATA``): five pairs with one mentor whose mentees rate the sessions
  2 of 5 — a mentor well below the company's satisfaction.

Surveys (through ``assessments.survey_services``, sent and answered "then" with the services'
``now``, so they closed weeks ago): the program's NPS and participant satisfaction, answered by the
mentees. Satisfaction shows for all three departments; the NPS of Data & Analytics has three answers
("fewer than 5 answers"), and, as it is the only hidden department, the next smallest department's NPS is
hidden too (else the total would give it away): one department shows its NPS.

Written through the services (pairing, agreement, the coaching log's demo writer, ratings, the
library, surveys), with the services' "now" stamps moved back by the log writer. Seeding twice adds nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from tandem.people.models import JobProfileRequirement, Person
from tandem.programs.models import EnrolmentRole, Program, ProgramStatus

NAME = "Sales and service mentoring 2026"
STARTED_DAYS_AGO = 140
# department code → (pairs, mentors, days between sessions, mentee feedback choices, rating change choices, resources)
GROUPS = {
    "SAL-EMEA": (6, 3, 14, (4, 4, 5), (0, 0, 0, 0, 1), 0),
    "CS": (6, 2, 30, (4, 5, 5), (1, 2, 1), 2),
    "ENG-DATA": (5, 1, 30, (1, 2, 2, 3), (1, 1, 0), 1),
}


SURVEY_SENT_DAYS_AGO, SURVEY_OPEN_DAYS = 40, 14
# department code → (NPS answers, satisfaction answers (overall, useful)), one per mentee in order
SURVEYS = {
    "SAL-EMEA": ((9, 10, 8, 6, 9, 7), ((4, 4), (4, 5), (3, 4), (4, 4), (5, 4), (4, 3))),
    "CS": ((10, 9, 9, 10, 8, 9), ((5, 5), (5, 4), (4, 5), (5, 5), (4, 4), (5, 5))),
    "ENG-DATA": ((3, 6, 5), ((2, 2), (3, 2), (2, 3), (2, 2), (3, 3))),
}


def _mentees(code: str, count: int) -> list[Person]:
    return list(Person.objects.filter(department__code=code, user__isnull=True, is_active=True, left_on__isnull=True)
                .exclude(mentorships_as_mentee__isnull=False).exclude(mentorships_as_mentor__isnull=False)
                .order_by("id")[:count])


def _mentors(count: int, exclude: set[int]) -> list[Person]:
    return list(Person.objects.filter(mentor_capacity__gt=0, user__isnull=True, is_active=True, left_on__isnull=True)
                .exclude(pk__in=exclude).exclude(mentorships_as_mentor__isnull=False)
                .exclude(mentorships_as_mentee__isnull=False).order_by("id")[:count])


def seed(rng: Any, users: dict[str, Any]) -> None:
    from tandem.programs import services as program_services

    owner = users.get("manager")
    if owner is None or Program.objects.filter(name=NAME).exists():
        return
    today = timezone.localdate()
    start = today - datetime.timedelta(days=STARTED_DAYS_AGO)
    plan: list[tuple[str, list[Person], list[Person]]] = []
    taken: set[int] = set()
    for code, (pairs, mentors, *_rest) in GROUPS.items():
        mentees = _mentees(code, pairs)
        taken |= {p.pk for p in mentees}
        chosen = _mentors(mentors, taken)
        taken |= {p.pk for p in chosen}
        if len(mentees) < pairs or len(chosen) < mentors:
            continue
        plan.append((code, mentees, chosen))
    if not plan:
        return
    program = program_services.program_create_from_template(
        template_code="classic_12m", name=NAME, starts_on=start, owner=owner, actor=owner.user,
        description="Mentoring for sales and service teams: what goes in (hours, cadence, resources) against "
                    "what comes out (competency gain, satisfaction).")
    program_services.program_set_status(program=program, status=ProgramStatus.OPEN)
    program_services.program_set_status(program=program, status=ProgramStatus.RUNNING)
    for code, mentees, mentors in plan:
        per_mentor = -(-len(mentees) // len(mentors))
        Person.objects.filter(pk__in=[m.pk for m in mentors]).update(mentor_capacity=max(per_mentor, 2))
        program_services.enrolment_add(program=program, people=mentees, role=EnrolmentRole.MENTEE)
        program_services.enrolment_add(program=program, people=mentors, role=EnrolmentRole.MENTOR)
        for i, mentee in enumerate(mentees):
            _pair(rng, program, mentors[i % len(mentors)], mentee, GROUPS[code], today)
    _surveys(program, owner, {code: mentees for code, mentees, _mentors in plan})


def _surveys(program: Program, owner: Person, mentees: dict[str, list[Person]]) -> None:
    """The program's NPS and satisfaction surveys, sent and answered weeks ago (so they have closed)."""
    from tandem.assessments import survey_services
    from tandem.assessments.models import SurveyTemplate
    from tandem.mentorships.demo import _actor

    survey_services.survey_templates_install()
    sent = timezone.now() - datetime.timedelta(days=SURVEY_SENT_DAYS_AGO)
    answered = sent + datetime.timedelta(days=3)
    closes = sent + datetime.timedelta(days=SURVEY_OPEN_DAYS)
    templates = {t.code: t for t in SurveyTemplate.objects.filter(code__in=("program_nps", "participant_satisfaction"))}
    if len(templates) < 2:
        return
    nps = survey_services.survey_send(template=templates["program_nps"], actor=_actor(owner), program=program,
                                      closes_at=closes, now=sent)
    satisfaction = survey_services.survey_send(template=templates["participant_satisfaction"], actor=_actor(owner),
                                               program=program, closes_at=closes, now=sent)
    for code, people in mentees.items():
        scores, ratings = SURVEYS.get(code, ((), ()))
        for person, score in zip(people, scores, strict=False):
            survey_services.survey_respond(survey=nps, actor=_actor(person), now=answered,
                                           answers={"recommend": score, "why": "The sessions with my mentor."})
        for person, (overall, useful) in zip(people, ratings, strict=False):
            survey_services.survey_respond(survey=satisfaction, actor=_actor(person), now=answered,
                                           answers={"overall": overall, "useful": useful, "organisation": "well"})


def _pair(rng: Any, program: Program, mentor: Person, mentee: Person, spec: tuple, today: datetime.date) -> None:
    from tandem.mentorships import library_services
    from tandem.mentorships import services as mentorship_services
    from tandem.mentorships.demo import _actor, _sign, _to_agreement
    from tandem.mentorships.log_demo import _Log
    from tandem.mentorships.models import MentorshipOrigin
    from tandem.people import services as people_services

    _pairs, _mentors, every, feedback, changes, resources = spec
    mentor.refresh_from_db()
    m = _to_agreement(program, mentor, mentee, origin=MentorshipOrigin.MANUAL)
    begins = today - datetime.timedelta(days=STARTED_DAYS_AGO - 10)
    mentorship_services.agreement_save(mentorship=m, actor=_actor(mentee), data={
        "starts_on": begins, "meeting_frequency": "biweekly" if every < 30 else "monthly", "meeting_minutes": 60,
        "goals": "Grow in the role's key competencies."})
    _sign(m)
    if m.status != "active":
        return
    log = _Log(m, rng)
    day = begins + datetime.timedelta(days=3)
    while day < today - datetime.timedelta(days=2):
        log.session(day, minutes=60, feedback=(rng.choice([4, 5]), rng.choice(feedback)))
        day += datetime.timedelta(days=every)
    for k in range(resources):
        library_services.resource_share(mentorship=m, actor=_actor(m.mentor), title=f"Reading {k + 1}",
                                        url=f"https://library.example.com/cases/{m.pk}-{k + 1}")
    requirements = list(JobProfileRequirement.objects.filter(job_profile_id=mentee.job_profile_id)
                        .select_related("competency").order_by("id")[:2])
    for req in requirements:
        first = max(1, min(4, req.target_level - 2))
        people_services.rating_record(person=mentee, competency=req.competency, level=first, source="mentor",
                                      rated_by=mentor, rated_on=begins + datetime.timedelta(days=5),
                                      note="First assessment with the mentor.")
        people_services.rating_record(person=mentee, competency=req.competency,
                                      level=min(5, first + rng.choice(changes)), source="mentor", rated_by=mentor,
                                      rated_on=today - datetime.timedelta(days=7), note="Quarterly review.")
