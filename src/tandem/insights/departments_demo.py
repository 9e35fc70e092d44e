"""Demo data of department support (run by ``web/demo.py``'s APP_DEMOS): last autumn's graduate
cohort, five graduates in each of five departments. Three departments supported them well (every
graduate paired, sessions held, reviewed by the mentor, rated 4–5); two were passive — Sales EMEA
paired two of five and held no session, Logistics paired three, held one session each and reviewed
nobody — and their graduates rated them low. The department support survey closed in the
operation stage; the placement round was published in the conversion stage, and one of Logistics'
graduates has since left.

Built through the services (program from the ``graduate_cohort`` template, enrolment, pairs through
the coaching log's demo writer, ratings, the survey, the selection round), the people created as an
HR import would create them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from tandem.people.models import Department, JobProfile, Person

NAME = "Graduate cohort 2025 (autumn intake)"
STARTED_DAYS_AGO = 170
PER_DEPARTMENT = 5
# code: (pairs, held sessions per pair, reviewed graduates, rating range)
WELL = {"ENG-PLT": (5, 3, 4, (4, 5)), "CS": (5, 2, 5, (4, 5)), "FIN": (5, 2, 3, (3, 5))}
PASSIVE = {"SAL-EMEA": (2, 0, 0, (1, 3)), "OPS-LOG": (3, 1, 0, (2, 3))}


def seed(rng: Any, users: dict[str, Any]) -> None:
    from tandem.assessments import survey_services
    from tandem.assessments.models import SurveyTemplate
    from tandem.mentorships import services as mentorship_services
    from tandem.mentorships.demo import _actor, _sign, _to_agreement
    from tandem.mentorships.log_demo import _Log
    from tandem.mentorships.models import MentorshipOrigin
    from tandem.people import services as people_services
    from tandem.people.models import Competency, RatingSource
    from tandem.programs import services as program_services
    from tandem.programs.models import EnrolmentRole, ProgramStatus

    owner = users.get("manager")
    plan = WELL | PASSIVE
    departments = {d.code: d for d in Department.objects.filter(code__in=list(plan))}
    if owner is None or len(departments) < len(plan):
        return
    today = timezone.localdate()
    start = today - datetime.timedelta(days=STARTED_DAYS_AGO)
    day = lambda n: start + datetime.timedelta(days=n - 1)  # noqa: E731 - program day n
    profile = JobProfile.objects.filter(code="GT").first()
    program = program_services.program_create_from_template(
        template_code="graduate_cohort", name=NAME, starts_on=start, owner=owner, actor=owner.user,
        description="Last autumn's graduates: which departments supported them through rotation and placement.")
    rows = []
    for code in plan:
        for i in range(PER_DEPARTMENT):
            number = f"GA-{code}-{i + 1}"
            rows.append(Person(employee_id=number, full_name=f"Graduate {number}",
                               email=f"{number.lower()}@tandem.example", department=departments[code],
                               job_profile=profile, hire_date=start))
    Person.objects.bulk_create(rows)
    grads = {code: list(Person.objects.filter(employee_id__startswith=f"GA-{code}-").order_by("employee_id"))
             for code in plan}
    program_services.enrolment_add(program=program, people=[g for gs in grads.values() for g in gs],
                                   role=EnrolmentRole.MENTEE)
    mentors = {}
    for code in plan:
        mentor = (Person.objects.filter(department=departments[code], left_on__isnull=True, is_active=True,
                                        user__isnull=True).exclude(employee_id__startswith="GA-")
                  .exclude(enrolments__program=program).order_by("-mentor_capacity", "id").first())
        if mentor is None:
            return
        mentors[code] = mentor
    program_services.enrolment_add(program=program, people=list(mentors.values()), role=EnrolmentRole.MENTOR,
                                   capacity=PER_DEPARTMENT)
    program_services.program_set_status(program=program, status=ProgramStatus.OPEN)
    program_services.program_set_status(program=program, status=ProgramStatus.RUNNING)
    competency = Competency.objects.filter(code="COMM").first() or Competency.objects.order_by("id").first()

    # the operation stage (days 22–150): pairs, sessions, reviews
    for code, (pairs, held, reviewed, _rating) in plan.items():
        mentor = mentors[code]
        for i, graduate in enumerate(grads[code][:pairs]):
            m = _to_agreement(program, mentor, graduate, origin=MentorshipOrigin.MANUAL)
            mentorship_services.agreement_save(mentorship=m, actor=_actor(graduate), data={
                "starts_on": day(24), "meeting_frequency": "monthly", "meeting_minutes": 60,
                "goals": "Learn the department's work during the rotation and settle in."})
            _sign(m)
            if m.status != "active":
                continue
            log = _Log(m, rng)
            for s in range(held):
                log.session(day(40 + 30 * s + i), outcome="held", feedback=(4, 4))
            if held == 0:
                log.session(day(60 + i), outcome="missed", advice=False)
            if i < reviewed and competency is not None:
                people_services.rating_record(person=graduate, competency=competency, level=rng.randint(2, 4),
                                              source=RatingSource.MENTOR, rated_by=mentor, rated_on=day(120 + i))

    # the graduates' rating: the department support survey, sent on day 130, closed on day 144
    template = SurveyTemplate.objects.filter(code="department_support").first()
    if template is None:
        survey_services.survey_templates_install()
        template = SurveyTemplate.objects.filter(code="department_support").first()
    if template is not None:
        sent = timezone.make_aware(datetime.datetime.combine(day(130), datetime.time(9, 0)))
        survey = survey_services.survey_send(template=template, actor=_actor(owner), program=program, now=sent)
        for code, (_p, _h, _r, (low, high)) in plan.items():
            for graduate in grads[code]:
                score = rng.randint(low, high)
                survey_services.survey_respond(
                    survey=survey, actor=_actor(graduate), now=sent + datetime.timedelta(days=rng.randint(1, 10)),
                    answers={"time": score, "tasks": max(1, min(5, score + rng.choice([-1, 0, 0, 1]))),
                             "overall": score})

    _placement_round(program, departments, grads, owner)
    # one of Logistics' graduates left after the placement
    leaver = grads["OPS-LOG"][-1]
    leaver.left_on, leaver.is_active = today - datetime.timedelta(days=3), False
    leaver.save(update_fields=["left_on", "is_active"])


def _placement_round(program: Any, departments: dict[str, Department], grads: dict[str, list[Person]],
                     owner: Person) -> None:
    """Each graduate ranks their rotation department first; each department ranks its own graduates
    first: the stable matching places everyone at home. Published now (the conversion stage)."""
    from tandem.matching.flows.rounds import (
        applicant_ranking_save,
        department_ranking_save,
        round_close_and_publish,
        round_create,
    )

    r = round_create(program=program, name="Autumn 2025 placement", deadline=timezone.now() + datetime.timedelta(days=1),
                     seats={d: PER_DEPARTMENT for d in departments.values()}, user=owner.user)
    codes = list(departments)
    for code, people in grads.items():
        order = [departments[code]] + [departments[c] for c in codes if c != code]
        for graduate in people:
            applicant_ranking_save(round=r, applicant=graduate, departments=order)
        others = [g for c, gs in grads.items() if c != code for g in gs]
        department_ranking_save(round=r, department=departments[code], applicants=people + others)
    round_close_and_publish(round=r, user=owner.user, force=True)
