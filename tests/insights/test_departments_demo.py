"""The department support demo: three departments that supported their graduates well and two
passive ones, with the rating shown (every department has five answers) and placements kept."""

from __future__ import annotations

import random

from tandem.assessments import survey_services
from tandem.insights import departments_demo
from tandem.insights import departments_selectors as ds
from tandem.programs.models import Program
from tests.factories import CompetencyFactory, DepartmentFactory, JobProfileFactory, PersonFactory


def test_the_demo_names_the_passive_departments_and_ranks_the_supportive_ones_first(make_person):
    survey_services.survey_templates_install()
    JobProfileFactory(code="GT")
    CompetencyFactory(code="COMM")
    for code in list(departments_demo.WELL) + list(departments_demo.PASSIVE):
        team = DepartmentFactory(code=code, name=code)
        PersonFactory(department=team, mentor_capacity=5)
    manager = make_person(groups=["program_manager"])
    departments_demo.seed(random.Random(1), {"manager": manager})
    program = Program.objects.get(name=departments_demo.NAME)
    stages = ds.stages_of(program)
    operation = ds.stage_report(program=program, stage=stages[1])
    by_code = {operation.departments[r.department_id].code: r for r in operation.rows}
    assert {c for c, r in by_code.items() if r.passive} == set(departments_demo.PASSIVE)
    assert {c for c, r in by_code.items() if r.rank <= 3} == set(departments_demo.WELL)
    assert operation.rating.shown and all("rating" in r.figures for r in by_code.values())
    assert (by_code["SAL-EMEA"].figures["sessions"].k, by_code["SAL-EMEA"].figures["sessions"].n) == (0, 5)
    conversion = ds.stage_report(program=program, stage=stages[2])
    kept = {conversion.departments[r.department_id].code: r.figures["kept"] for r in conversion.rows}
    assert (kept["ENG-PLT"].k, kept["ENG-PLT"].n) == (5, 5)
    assert (kept["OPS-LOG"].k, kept["OPS-LOG"].n) == (4, 5)  # one left after the placement
