"""Demo data of competency reviews (run by ``web/demo.py``'s APP_DEMOS), through the services.

- "Reverse mentoring 2025/26", finished 19 days ago (the reverse-mentoring template: a review on
  day 3 and on day 175): eight leaders reviewed by themselves and their line managers at the
  baseline and at the final review; levels visibly rose (the program's before/after chart).
- The engineering program (started 120 days ago): a baseline at its start, answered by most
  mentees and their managers; an open follow-up closing in three days, in which the demo mentee and
  their line manager have answered and the demo mentor's ratings are still waiting (the profile
  chart shows the change, the mentor sees the review on "My reviews").
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from tandem.assessments import review_services as services
from tandem.assessments.review_models import RaterRole, Review, ReviewAssignment
from tandem.mentorships.demo import _actor  # the demo acts for people without a login too
from tandem.people.models import JobProfileRequirement, Person
from tandem.programs import services as program_services
from tandem.programs.models import Enrolment, EnrolmentRole, Program, ProgramStatus


def _answer(a: ReviewAssignment, levels: dict[int, int], day: datetime.date) -> None:
    services.review_submit(assignment=a, actor=_actor(a.rater), today=day,
                           answers=[{"competency_id": cid, "level": lv} for cid, lv in levels.items()])


def _finished_program(rng: random.Random, users: dict[str, Person], today: datetime.date) -> None:
    owner = users["manager"]
    start = today - datetime.timedelta(days=200)
    program = program_services.program_create_from_template(
        template_code="reverse_6m", name="Reverse mentoring 2025/26", starts_on=start, owner=owner, actor=owner.user,
        description="Leaders learned digital tools from juniors; reviewed at the start and at the end.")
    enrolled = Enrolment.objects.filter(role=EnrolmentRole.MENTEE).values("person_id")
    with_targets = JobProfileRequirement.objects.values("job_profile_id")
    leaders = list(Person.objects.filter(job_profile__code__in=["AM", "CSL", "EM"], manager__isnull=False,
                                         job_profile_id__in=with_targets, is_active=True)
                   .exclude(pk__in=enrolled).exclude(pk__in=[p.pk for p in users.values() if p])
                   .order_by("id")[:8])
    if not leaders:
        return
    program_services.enrolment_add(program=program, people=leaders, role=EnrolmentRole.MENTEE)
    program_services.program_set_status(program=program, status=ProgramStatus.OPEN)
    day = program.day_date
    baseline = services.review_campaign_open(program=program, actor=_actor(owner), kind="baseline",
                                             opens_on=day(3), closes_on=day(17), today=day(3))
    before: dict[tuple[int, str, int], int] = {}  # (subject, role, competency) → the baseline level
    for review in Review.objects.filter(campaign=baseline).prefetch_related("competencies", "assignments__rater"):
        comps = [c.pk for c in review.competencies.all()]
        for a in review.assignments.all():
            levels = {c: rng.choice([1, 2, 2, 3]) for c in comps}
            before.update({(review.subject_id, a.role, c): lv for c, lv in levels.items()})
            _answer(a, levels, day(rng.randint(3, 12)))
    final = services.review_campaign_open(program=program, actor=_actor(owner), kind="final",
                                          opens_on=day(175), closes_on=day(189), today=day(175))
    for review in Review.objects.filter(campaign=final).prefetch_related("competencies", "assignments__rater"):
        comps = [c.pk for c in review.competencies.all()]
        for a in review.assignments.all():
            levels = {c: min(5, before.get((review.subject_id, a.role, c), 2) + rng.choice([1, 1, 2, 2, 3]))
                      for c in comps}
            _answer(a, levels, day(rng.randint(176, 186)))
    program = program_services.program_set_status(program=program, status=ProgramStatus.RUNNING)
    program_services.program_set_status(program=program, status=ProgramStatus.CLOSED)


def _engineering(rng: random.Random, users: dict[str, Person], today: datetime.date) -> None:
    program = Program.objects.filter(template_code="classic_12m").order_by("id").first()
    if program is None:
        return
    owner = _actor(program.owner)
    baseline = services.review_campaign_open(
        program=program, actor=owner, kind="baseline", opens_on=program.starts_on,
        closes_on=program.starts_on + datetime.timedelta(days=14), today=program.starts_on)
    reviews = list(Review.objects.filter(campaign=baseline).prefetch_related("competencies", "assignments__rater"))
    mentee = users.get("mentee")
    for review in reviews:
        comps = [c.pk for c in review.competencies.all()]
        demo = mentee is not None and review.subject_id == mentee.pk
        for a in review.assignments.all():
            if a.role == RaterRole.MENTOR or (not demo and rng.random() < 0.25):
                continue  # mentors were not paired yet at the start
            _answer(a, {c: rng.choice([1, 2, 2, 3]) if demo else rng.randint(1, 4) for c in comps},
                    program.starts_on + datetime.timedelta(days=rng.randint(1, 10)))
    follow_up = services.review_campaign_open(program=program, actor=owner, kind="follow_up",
                                              opens_on=today - datetime.timedelta(days=4),
                                              closes_on=today + datetime.timedelta(days=3), today=today)
    if mentee is None:
        return
    review = Review.objects.filter(campaign=follow_up, subject=mentee).prefetch_related("competencies").first()
    if review is None:
        return
    comps = [c.pk for c in review.competencies.all()]
    for a in review.assignments.exclude(role=RaterRole.MENTOR).select_related("rater"):
        _answer(a, {c: rng.choice([3, 3, 4]) for c in comps}, today - datetime.timedelta(days=rng.randint(1, 3)))


def seed(rng: random.Random, users: dict[str, Person]) -> None:
    """A finished program whose reviews rose; an open follow-up waiting for the demo mentor."""
    today = timezone.localdate()
    _finished_program(rng, users, today)
    _engineering(rng, users, today)
