"""A round's forecast and progress are computed once per change of what they read and kept in the
process (people.figures.kept): after each ranking, seat, enrolment or publication the manager sees
what computing afresh gives (issue 13 §7). PostgreSQL only: values are kept only there."""
from __future__ import annotations

import pytest
from django.db import connection

from tandem.matching.flows import rounds as flow
from tandem.matching.models import RoundSeat
from tandem.people import figures
from tandem.programs.models import Enrolment, EnrolmentRole
from tests.kept_checks import assert_follows_every_step, fresh
from tests.matching.test_rounds import cohort  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="values are kept on PostgreSQL only"),
]


def _shown(rnd):
    f = flow.round_forecast(round=rnd)
    return (f.placed, f.unplaced_graduates, f.unfilled_places, f.places,
            sorted((d["department"].pk, d["filled"]) for d in f.departments)), flow.round_progress(round=rnd)


def test_the_kept_forecast_follows_every_change(cohort, make_person):  # noqa: F811
    c = cohort
    figures._KEPT.clear()
    first = _shown(c.round)
    assert ("rounds", ("forecast", c.round.pk)) in figures._KEPT
    assert _shown(c.round) == first == fresh(lambda: _shown(c.round))
    g = c.grads
    steps = [
        lambda: flow.applicant_ranking_save(round=c.round, applicant=g[0], departments=[c.a]),
        lambda: flow.department_ranking_save(round=c.round, department=c.a, applicants=[g[0]]),
        lambda: flow.applicant_ranking_save(round=c.round, applicant=g[1], departments=[c.a, c.b]),
        lambda: flow.department_ranking_save(round=c.round, department=c.b, applicants=[g[1]]),
        lambda: RoundSeat.objects.filter(round=c.round, department=c.a).update(seats=0),  # past the services
        lambda: Enrolment.objects.create(program=c.program, person=make_person(), role=EnrolmentRole.MENTEE),
        lambda: Enrolment.objects.filter(program=c.program, person=g[1]).update(status="withdrawn"),
    ]
    assert_follows_every_step(lambda: _shown(c.round), steps, first)  # each step changes what the manager sees
