"""A pair whose log the tests fill, and helpers to write it through the log's own services.

Dates: the agreement runs from 30 days ago to 150 days from now (``tests/mentorships/conftest``);
``prompts_for(today=…)`` looks at the log from a later day when a test needs time to pass.
"""

from __future__ import annotations

import datetime
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.utils import timezone

from tandem.coaching import detect
from tandem.mentorships import log_services, plan_services
from tests.factories import actor_of
from tests.mentorships.conftest import make_pair  # noqa: F401  (the fixture)

DEFAULTS = import_module("tandem.coaching.migrations.0002_default_prompts")


@pytest.fixture(autouse=True)
def default_prompts(db):
    """The migration's rules and texts. Seeded again (it is idempotent): a transactional test that
    ran earlier in the same worker (the browser tests) flushes what the migrations wrote."""
    DEFAULTS.seed(apps, None)


def today() -> datetime.date:
    return timezone.localdate()


def day(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def situations(m, *, on: datetime.date | None = None, language: str | None = None) -> dict[str, detect.Suggestion]:
    return {s.situation: s for s in detect.prompts_for(m, today=on or today(), language=language)}


class Log:
    """Writes the pair's log through ``log_services`` (the rules users obey)."""

    def __init__(self, pair: SimpleNamespace) -> None:
        self.p = pair
        self.m = pair.mentorship

    def actor(self, side: str):
        return actor_of(self.p.mentor if side == "mentor" else self.p.mentee)

    def item(self, *, by: str = "mentor", owner: str = "mentee", due: int = -3, title: str = "Draft the memo"):
        return log_services.action_item_create(mentorship=self.m, actor=self.actor(by), title=title, owner=owner,
                                               due_on=day(due))

    def message(self, text: str = "Hello", *, by: str = "mentee"):
        return log_services.message_post(mentorship=self.m, actor=self.actor(by), text=text)

    def past_session(self, *, days_ago: int = 2, status: str = "held"):
        start = timezone.now() - datetime.timedelta(days=days_ago)
        s = log_services.session_schedule(mentorship=self.m, actor=self.actor("mentor"), starts_at=start)
        return log_services.session_update(session=s, actor=self.actor("mentor"), status=status)

    def feedback(self, session, *, mentor: int | None = None, mentee: int | None = None):
        if mentor is not None:
            log_services.feedback_leave(session=session, actor=self.actor("mentor"), rating=mentor)
        if mentee is not None:
            log_services.feedback_leave(session=session, actor=self.actor("mentee"), rating=mentee)

    def plan(self, *, goal: str = "Negotiation", milestones: int = 2):
        plan_services.needs_submit(mentorship=self.m, actor=self.actor("mentee"),
                                   competencies=[self.p.competencies[0].code], topics=[], text="Needs")
        plan_services.plan_draft_save(mentorship=self.m, actor=self.actor("mentor"), goals=[{
            "title": goal, "competency": self.p.competencies[0].code, "target_level": 4,
            "milestones": [{"title": f"Step {i}", "due_on": day(10 + i).isoformat()} for i in range(milestones)]}])
        return self.m.plan.goals.get()


@pytest.fixture
def pair(make_pair) -> SimpleNamespace:  # noqa: F811
    return make_pair("active")


@pytest.fixture
def log(pair) -> Log:
    """The pair's log, with a fresh message so that the pair is not "quiet" to begin with."""
    writer = Log(pair)
    writer.message("Looking forward to our next session.", by="mentor")
    return writer
