"""The demo reproduces source 000's table (171 / 171 managers)."""

from __future__ import annotations

import random

import pytest

from tandem.core.authz import actor_for
from tandem.insights import demo, selectors
from tandem.programs.models import Program
from tests.factories import DepartmentFactory


def test_demo_comparison_reproduces_source_000(make_person, hr_person):
    DepartmentFactory()
    demo.seed(random.Random(1), {"manager": make_person(groups=["program_manager"])})
    program = Program.objects.get(name__startswith="Teach-back")
    result = selectors.cohort_comparison(actor=actor_for(hr_person.user), a=f"program:{program.pk}",
                                         b=f"nonparticipants:{program.pk}")
    got = {r.metric.name: (r.a.n, r.a.value, r.b.n, r.b.value) for r in result.rows}
    expected = {"retention": (0.78, 0.52), "promotion": (0.43, 0.18), "team_nps": (82, 67),
                "satisfaction": (4.3, 3.6), "proposals": (8.7, 3.2), "crisis_handling": (0.89, 0.71)}
    for name, (a, b) in expected.items():
        n_a, value_a, n_b, value_b = got[name]
        assert (n_a, n_b) == (171, 171)
        tolerance = 0.005 if a < 1 else 1e-9  # proportions are whole people out of 171
        assert value_a == pytest.approx(a, abs=tolerance) and value_b == pytest.approx(b, abs=tolerance)
    cohorts = selectors.cohort_comparison(actor=actor_for(hr_person.user), a="cohort:2024 teach-back",
                                          b="cohort:2024 comparison")
    assert {r.metric.name: (r.a.n, r.a.value) for r in cohorts.rows} == {k: v[:2] for k, v in got.items()}
