"""Demo data of assessments (called from ``web/demo.py``'s ``APP_DEMOS``), through the services.

- The new-managers program (started 50 days ago): a finished teach-back week on days 46, 48 and 50.
  One trainee (shown as "Tom" in source 000) fails with 3.2 on day 46 and twice more: a final
  failure, flagged to the program manager; a second ("Rachel") scores 4.2, 4.4, then 4.7 on day 50
  and passes (an ``assessment`` rating); a third passes at once. Questions they could not answer
  are on their study lists.
- Surveys: participant satisfaction in the engineering program, closed, above the threshold (with a
  breakdown); program NPS in the new-managers program, closed, below it ("not enough answers yet");
  an open NPS survey in the engineering program (results appear when it closes); mentor
  effectiveness answered by the engineering mentees two months ago (the rating matching reads);
  schedules in the engineering program: participant satisfaction at its survey milestones, mentor
  effectiveness to each mentee after their pair's third held session (the daily job sends them).
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from tandem.assessments import survey_services, teachback_services
from tandem.assessments.models import RubricCriterion, SurveyTemplate
from tandem.mentorships.demo import _actor  # the demo acts for people without a login too
from tandem.mentorships.models import Mentorship
from tandem.people.models import Competency, Person
from tandem.programs.models import Enrolment, EnrolmentStatus, Program

QUESTIONS = [
    ("How do I delegate to someone more senior than me?", True),
    ("What if the team disagrees with the decision?", False),
    ("How do budgets roll over between quarters?", True),
    ("Which metrics should a new manager look at first?", False),
    ("How do I handle a conflict between two team members?", True),
]


def _at(program: Program, day: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(program.day_date(day), datetime.time(hour, 0)))


def _teach_back_week(rng: random.Random, users: dict[str, Person]) -> None:
    program = Program.objects.filter(template_code="new_manager_60").order_by("id").first()
    if program is None:
        return
    owner = program.owner
    enrolled = list(Person.objects.filter(enrolments__program=program, enrolments__status=EnrolmentStatus.ACTIVE)
                    .distinct().order_by("id"))
    mentees = [p for p in enrolled if Enrolment.objects.filter(program=program, person=p, role="mentee").exists()]
    if len(enrolled) < 9 or len(mentees) < 3:
        return
    tom, rachel, quick = mentees[:3]
    competency = (Competency.objects.filter(code__icontains="lead").first() or Competency.objects.order_by("id").first())
    teachback_services.settings_for(program)
    codes = [c.code for c in RubricCriterion.objects.filter(program=program).order_by("order", "id")]

    def run(trainee: Person, day: int, per_learner: list[list[int]], topic: str, questions: int = 0) -> None:
        audience = [p for p in enrolled if p.pk != trainee.pk][:6]
        starts = _at(program, day, 9 if trainee is tom else 13 if trainee is rachel else 16)
        tb = teachback_services.teachback_schedule(
            program=program, actor=_actor(owner), trainee_id=trainee.pk, topic=topic, competency_id=competency.pk,
            starts_at=starts, length_minutes=180, room=f"Training room {day}", audience_ids=[p.pk for p in audience],
            now=starts - datetime.timedelta(days=3))
        for k, (text, unanswered) in enumerate(QUESTIONS[:questions]):
            teachback_services.teachback_question_log(
                teach_back=tb, actor=_actor(audience[k % len(audience)]), text=text, unanswered=unanswered,
                now=starts + datetime.timedelta(minutes=40 + 20 * k))
        for learner, values in zip(audience, per_learner, strict=False):
            teachback_services.teachback_score(teach_back=tb, actor=_actor(learner),
                                               values=dict(zip(codes, values, strict=False)),
                                               now=starts + datetime.timedelta(hours=3, minutes=10))

    six = lambda row: [row] * 6
    # Tom: 3.2 on day 46, then 3.9 and 4.1: the last attempt fails, the program manager is told
    run(tom, 46, six([3, 3, 3, 3, 4]), "Running a one-to-one", questions=3)
    run(tom, 48, [[4, 4, 3, 4, 4]] * 3 + [[4, 4, 4, 4, 4]] * 3, "Running a one-to-one", questions=2)
    run(tom, 50, [[4, 4, 4, 5, 4]] * 3 + [[4, 4, 4, 4, 4]] * 3, "Running a one-to-one")
    # Rachel: 4.2, 4.4, then 4.7 on day 50: passed
    run(rachel, 46, six([4, 4, 4, 4, 5]), "Delegation", questions=2)
    run(rachel, 48, six([4, 4, 5, 4, 5]), "Delegation")
    run(rachel, 50, [[5, 5, 5, 4, 5]] * 3 + [[5, 5, 5, 4, 4]] * 3, "Delegation")
    # a third trainee passes at the first attempt
    run(quick, 46, [[5, 5, 4, 5, 5]] * 4 + [[5, 4, 5, 5, 5]] * 2, "Giving feedback", questions=1)


def _answers_for(rng: random.Random, template: SurveyTemplate) -> dict:
    out: dict = {}
    for q in template.versions.order_by("-number").first().questions.all():
        if q.kind == "scale":
            out[q.code] = rng.choice([3, 4, 4, 4, 5, 5])
        elif q.kind == "nps":
            out[q.code] = rng.choice([6, 7, 8, 9, 9, 10, 10])
        elif q.kind == "single":
            out[q.code] = rng.choice([c["code"] for c in q.choices])
        elif q.kind == "multiple":
            out[q.code] = [c["code"] for c in q.choices if rng.random() < 0.4]
        elif rng.random() < 0.3:
            out[q.code] = rng.choice(["More time for sessions, please.", "The plan template helped a lot.",
                                      "Pair us earlier in the year."])
    return out


def _surveys(rng: random.Random, users: dict[str, Person]) -> None:
    now = timezone.now()
    classic = Program.objects.filter(template_code="classic_12m").order_by("id").first()
    new_managers = Program.objects.filter(template_code="new_manager_60").order_by("id").first()
    tpl = {t.code: t for t in SurveyTemplate.objects.all()}
    if classic is not None:
        owner = _actor(classic.owner)
        sent = now - datetime.timedelta(days=40)
        s = survey_services.survey_send(template=tpl["participant_satisfaction"], actor=owner, program=classic, now=sent)
        for r in s.recipients.select_related("person")[:40]:
            if rng.random() < 0.8:
                survey_services.survey_respond(survey=s, actor=_actor(r.person), answers=_answers_for(rng, s.template),
                                               now=sent + datetime.timedelta(days=rng.randint(1, 10)))
        if Mentorship.objects.filter(program=classic, status__in=("active", "completed")).exists():
            sent = now - datetime.timedelta(days=70)
            s = survey_services.survey_send(template=tpl["mentor_effectiveness"], actor=owner, program=classic, now=sent)
            for r in s.recipients.select_related("person"):
                if rng.random() < 0.9:
                    survey_services.survey_respond(survey=s, actor=_actor(r.person),
                                                   answers=_answers_for(rng, s.template),
                                                   now=sent + datetime.timedelta(days=rng.randint(1, 10)))
        s = survey_services.survey_send(template=tpl["program_nps"], actor=owner, program=classic)
        for r in s.recipients.select_related("person")[:6]:
            survey_services.survey_respond(survey=s, actor=_actor(r.person), answers=_answers_for(rng, s.template))
        _schedules(classic, owner, tpl)
    if new_managers is not None:
        sent = now - datetime.timedelta(days=20)
        s = survey_services.survey_send(template=tpl["program_nps"], actor=_actor(new_managers.owner),
                                        program=new_managers, now=sent)
        for r in s.recipients.select_related("person")[:3]:  # below the threshold of 5
            survey_services.survey_respond(survey=s, actor=_actor(r.person), answers=_answers_for(rng, s.template),
                                           now=sent + datetime.timedelta(days=2))
        sent = now - datetime.timedelta(days=49)
        s = survey_services.survey_send(template=tpl["self_perception"], actor=_actor(new_managers.owner),
                                        program=new_managers, now=sent)
        for r in s.recipients.select_related("person"):
            answers = _answers_for(rng, s.template) | {"stage": "before"}
            survey_services.survey_respond(survey=s, actor=_actor(r.person), answers=answers,
                                           now=sent + datetime.timedelta(days=1))


def _schedules(program: Program, owner: Any, tpl: dict[str, SurveyTemplate]) -> None:
    """Surveys that go out by themselves: participant satisfaction at the program's survey
    milestones, mentor effectiveness to each mentee after their pair's third held session."""
    from tandem.assessments import survey_selectors
    from tandem.core.errors import ApplicationError

    wanted: list[dict[str, Any]] = [{"template": tpl["mentor_effectiveness"], "after_sessions": 3, "open_days": 10}]
    wanted += [{"template": tpl["participant_satisfaction"], "milestone_id": ms.pk}
               for ms in survey_selectors.survey_milestones(program=program)]
    for kw in wanted:
        try:
            survey_services.survey_schedule_add(program=program, actor=owner, **kw)
        except ApplicationError:
            pass  # seeded already


def seed(rng: random.Random, users: dict[str, Person]) -> None:
    """A finished teach-back week and completed surveys above and below the threshold."""
    survey_services.survey_templates_install()
    _teach_back_week(rng, users)
    _surveys(rng, users)
