"""The inputs-versus-outputs demo: a department with low gain despite hours, a mentor whose
satisfaction is well below the rest, both flagged for the demo program manager."""

from __future__ import annotations

import random

from tandem.core.authz import actor_for
from tandem.insights import inputs_demo
from tandem.insights import inputs_selectors as sel
from tandem.programs.models import Program
from tests.factories import DepartmentFactory, JobProfileFactory, PersonFactory, RequirementFactory


def test_the_demo_flags_low_gain_despite_hours_and_a_mentor_below_the_rest(make_person):
    profile = JobProfileFactory()
    for _ in range(2):
        RequirementFactory(job_profile=profile, target_level=4)
    for code, n in (("SAL-EMEA", 6), ("CS", 6), ("ENG-DATA", 5)):
        team = DepartmentFactory(code=code, name=code)
        for _ in range(n):
            PersonFactory(department=team, job_profile=profile)
    for _ in range(6):
        PersonFactory(department=DepartmentFactory(), mentor_capacity=1)
    manager = make_person(groups=["program_manager"])
    inputs_demo.seed(random.Random(3), {"manager": manager})
    assert Program.objects.filter(name=inputs_demo.NAME).count() == 1
    actor = actor_for(manager.user)
    by_department = sel.inputs_outputs(actor=actor, by="department")
    fired = {(f.group, f.rule) for f in by_department.flags}
    assert ("SAL-EMEA", "low-gain-despite-hours") in fired
    assert not any(group == "CS" for group, _rule in fired if _rule == "low-gain-despite-hours")
    by_mentor = sel.inputs_outputs(actor=actor, by="mentor")
    assert [r for g, r in {(f.group, f.rule) for f in by_mentor.flags} if r == "satisfaction-below-others"]
    inputs_demo.seed(random.Random(3), {"manager": manager})  # twice: nothing more
    assert Program.objects.filter(name=inputs_demo.NAME).count() == 1
