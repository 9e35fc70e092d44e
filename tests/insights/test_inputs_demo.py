"""The inputs-versus-outputs demo: a department with low gain despite hours, a mentor whose
satisfaction is well below the rest, both flagged for the demo program manager."""

from __future__ import annotations

import random

import pytest

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


def test_the_demo_shows_survey_nps_and_satisfaction_and_fewer_than_n_answers_for_a_small_group(make_person):
    profile = JobProfileFactory()
    for code, n in (("SAL-EMEA", 6), ("CS", 6), ("ENG-DATA", 5)):
        team = DepartmentFactory(code=code, name=code)
        for _ in range(n):
            PersonFactory(department=team, job_profile=profile)
    for _ in range(6):
        PersonFactory(department=DepartmentFactory(), mentor_capacity=1)
    manager = make_person(groups=["program_manager"])
    inputs_demo.seed(random.Random(3), {"manager": manager})
    report = sel.inputs_outputs(actor=actor_for(manager.user), by="department")
    rows = {r.label: r.figures for r in report.groups}
    # satisfaction: every department (6, 6 and 5 responses), hand-computed from inputs_demo.SURVEYS
    assert rows["SAL-EMEA"]["survey_satisfaction"].value == pytest.approx((8 + 9 + 7 + 8 + 9 + 7) / 12)
    assert rows["ENG-DATA"]["survey_satisfaction"].n == 5
    # NPS: Data & Analytics has 3 answers, and one of the other two is hidden with it
    assert sel.hidden_note(rows["ENG-DATA"]["nps"]) == "fewer than 5 answers"
    shown = {d: rows[d]["nps"] for d in ("SAL-EMEA", "CS") if rows[d]["nps"].shown}
    assert len(shown) == 1
    expected = {"SAL-EMEA": 100 * (3 - 1) / 6, "CS": 100 * 5 / 6}
    (dept, f), = shown.items()
    assert f.value == pytest.approx(expected[dept]) and f.n == 6
    assert report.whole.figures["nps"].n == 15 and report.whole.figures["survey_satisfaction"].n == 17
