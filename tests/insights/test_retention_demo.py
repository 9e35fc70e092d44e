"""The retention demo: a graduate cohort with leavers before the checkpoints, a comparison group,
and participants at risk for the demo program manager."""

from __future__ import annotations

import random

from tandem.core.authz import actor_for
from tandem.insights import retention_demo
from tandem.insights import retention_selectors as rs
from tandem.programs.models import Program
from tests.factories import DepartmentFactory, JobProfileFactory, PersonFactory


def test_the_demo_cohort_has_leavers_before_each_checkpoint_and_a_comparison(make_person):
    team = DepartmentFactory()
    team.head = make_person(department=team)
    team.save(update_fields=["head"])
    JobProfileFactory(code="GT")
    manager = make_person(groups=["program_manager"], department=team)
    for _ in range(2):
        PersonFactory(department=team, mentor_capacity=2)
    retention_demo.seed(random.Random(1), {"manager": manager})
    program = Program.objects.get(name=retention_demo.NAME)
    report = rs.program_retention(actor=actor_for(manager.user), program_id=program.pk)
    own, other = report.groups
    assert not own.suppressed and not other.suppressed
    assert own.n == retention_demo.COHORT + len(retention_demo.LATE_INTAKE) and other.n == retention_demo.COHORT
    figures = {c.day: c for c in own.result.checkpoints}
    # leavers before every checkpoint: retention falls at each one, and the comparison falls faster
    assert 1.0 > figures[7].retention > figures[30].retention > figures[91].retention > figures[182].retention
    assert {c.day: c.retention for c in other.result.checkpoints}[182] < figures[182].retention
    assert report.alumni_talks  # the template's alumni talks sit at the checkpoints
    _program, rows = rs.at_risk_list(actor=actor_for(manager.user), program_id=program.pk)
    assert len(rows) == 4 and {r.checkpoint for r in rows} == {30}
    reasons = sorted(sorted(x.code for x in r.reasons) for r in rows)
    paired = ["low_satisfaction", "missed_sessions", "no_grai", "overdue_items"]
    assert reasons == sorted([["no_grai"], ["no_grai"], paired, paired])
