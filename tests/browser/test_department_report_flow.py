"""Department support in Chromium: a department head opens their department's support report,
chooses the stage, and sees their own figures (each with its n) against the median of the
departments, the graduates' rating, and never another department by name."""

from __future__ import annotations

import random

import pytest

from tandem.assessments import survey_services
from tandem.insights import departments_demo
from tandem.programs.models import Program
from tests.factories import CompetencyFactory, DepartmentFactory, JobProfileFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_department_head_sees_their_department_s_support_report(page, sign_in, make_person):
    survey_services.survey_templates_install()  # a transactional test flushed the data migration's rows
    JobProfileFactory(code="GT")
    CompetencyFactory(code="COMM")
    teams = {}
    for code in list(departments_demo.WELL) + list(departments_demo.PASSIVE):
        teams[code] = DepartmentFactory(code=code, name=f"Team {code}")
        PersonFactory(department=teams[code], mentor_capacity=5)
    head = make_person(department=teams["SAL-EMEA"])
    teams["SAL-EMEA"].head = head
    teams["SAL-EMEA"].save(update_fields=["head"])
    manager = make_person(groups=["program_manager"])
    departments_demo.seed(random.Random(2), {"manager": manager})
    program = Program.objects.get(name=departments_demo.NAME)
    operation = program.phases.order_by("order")[1]

    sign_in(head.user.username)
    page.goto("/departments/SAL-EMEA/support/")
    page.select_option("select[name=stage]", str(operation.pk))
    page.click("form.insights-pick button[type=submit]")
    page.wait_for_url(f"**stage={operation.pk}**")
    assert "Team SAL-EMEA: support for graduates" in page.inner_text("h1")
    sessions = page.locator("tr[data-measure='sessions']")
    assert "0 of 5 (0 %)" in sessions.inner_text() and "100 %" in sessions.inner_text()  # against the median
    assert "of 5 (n = 5 answers)" in page.inner_text("tr[data-measure='rating']")
    assert "Named passive in this stage." in page.inner_text(".department-passive")
    assert "rank 5 of 5 departments" in page.inner_text(".department-score")
    body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    for other in ("Team ENG-PLT", "Team CS", "Team FIN", "Team OPS-LOG"):
        assert other not in body
    with page.expect_download() as download:
        page.click("a:has-text('Download CSV')")
    assert download.value.suggested_filename.endswith(".csv")
