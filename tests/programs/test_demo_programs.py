from __future__ import annotations

import pytest

from tandem.programs.blueprints import all_blueprints
from tandem.programs.models import Program, ProgramStatus
from tandem.web.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_open_program_from_each_template_with_its_timeline_and_people():
    seed_demo(size=320)
    programs = {p.template_code: p for p in Program.objects.filter(status=ProgramStatus.OPEN)}
    assert set(programs) == {bp.code for bp in all_blueprints()}
    for bp in all_blueprints():
        program = programs[bp.code]
        assert program.phases.count() == len(bp.phases)
        assert program.cadence_duties.count() == len(bp.duties)
        assert program.enrolments.filter(role="mentee").exists(), bp.code
    assert Program.objects.get(name="Graduate cohort 2026").template_code == "graduate_cohort"
    assert programs["graduate_cohort"].signer_parties[2:] == ["department_head", "program_team"]
