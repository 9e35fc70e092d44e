"""A program with participants and non-participants carrying outcome records."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from tandem.insights import services
from tandem.insights.services import OutcomeValue
from tandem.programs.models import Enrolment
from tests.factories import PersonFactory
from tests.mentorships.conftest import active_pair, make_pair  # noqa: F401

DAY = datetime.date(2025, 6, 30)


def outcomes(metric, cohort, people_values):
    services.outcome_records_write(metric=metric, cohort=cohort, values=[
        OutcomeValue(p.pk, v, DAY) for p, v in people_values])


@pytest.fixture
def cohorts(active_pair):
    """The pair's program gets 40 participants (the mentee among them) and 40 others; retention
    30/40 vs 20/40, a satisfaction mean, and a 'tiny' metric only 4 participants have."""
    return build_cohorts(active_pair)


def build_cohorts(p):
    """The world of ``cohorts`` around the pair ``p`` (``build_pair()``), as a plain function: for a
    world built once per module (tests/shared_world.py)."""
    participants = [p.mentee] + [PersonFactory() for _ in range(39)]
    for person in participants[1:]:
        Enrolment.objects.create(program=p.program, person=person, role="mentee")
    others = [PersonFactory() for _ in range(40)]
    retention = services.outcome_metric_define(name="retention", kind="proportion", label="Retention")
    satisfaction = services.outcome_metric_define(name="satisfaction", kind="mean")
    tiny = services.outcome_metric_define(name="tiny", kind="proportion")
    outcomes(retention, "mentored", [(x, 1.0 if i < 30 else 0.0) for i, x in enumerate(participants)])
    outcomes(retention, "others", [(x, 1.0 if i < 20 else 0.0) for i, x in enumerate(others)])
    outcomes(satisfaction, "mentored", [(x, 3.5 + (i % 4) * 0.5) for i, x in enumerate(participants)])
    outcomes(satisfaction, "others", [(x, 3.0 + (i % 3) * 0.5) for i, x in enumerate(others)])
    outcomes(tiny, "mentored", [(x, 1.0) for x in participants[:4]])
    outcomes(tiny, "others", [(x, 0.0) for x in others])
    return SimpleNamespace(pair=p, program=p.program, participants=participants, others=others,
                           a=f"program:{p.program.pk}", b=f"nonparticipants:{p.program.pk}")
