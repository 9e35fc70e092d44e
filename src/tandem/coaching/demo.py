"""Demo data of coaching prompts (called from ``web/demo.py``'s ``APP_DEMOS``).

The rules and texts are the migrations' defaults; the log demo (``mentorships/log_demo.py``, run
before this one) gives the demo mentor a *stuck* and a *disengaged* pair. This step makes sure at
least one prompt fires for the demo mentor: if none does (the log demo changed, or is not there),
it gives the mentee of the mentor's first active pair two overdue action items through the log's
own services — once: it looks for them by title before writing.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from tandem.coaching.detect import prompts_for
from tandem.core.authz import Actor
from tandem.mentorships import log_services
from tandem.mentorships.log_models import ActionItem
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.mentorships.plan_services import plan_term
from tandem.people.models import Person

FALLBACK_TITLES = ("Draft the stakeholder map", "Book a slot with the team lead")


def _firing(mentor: Person, today: datetime.date) -> list[Mentorship]:
    pairs = Mentorship.objects.filter(mentor=mentor, status=MentorshipStatus.ACTIVE).select_related(
        "mentor", "mentee", "program").order_by("started_on", "id")
    return [m for m in pairs if prompts_for(m, today=today)]


def seed(rng: random.Random, users: dict[str, Person]) -> None:
    mentor = users["mentor"]
    today = timezone.localdate()
    if _firing(mentor, today):
        return
    m = (Mentorship.objects.filter(mentor=mentor, status=MentorshipStatus.ACTIVE)
         .select_related("mentor", "mentee", "program").order_by("started_on", "id").first())
    if m is None or mentor.user is None:
        return
    start, _end = plan_term(m)
    due = max(start, today - datetime.timedelta(days=5))
    if due >= today:
        return  # a pair started today cannot have anything overdue yet
    for title in FALLBACK_TITLES:
        if not ActionItem.objects.filter(mentorship=m, title=title).exists():
            log_services.action_item_create(mentorship=m, actor=Actor(mentor.user), title=title, owner="mentee",
                                            due_on=due)
