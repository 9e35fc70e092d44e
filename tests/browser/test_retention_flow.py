"""Retention in Chromium: a program manager opens the retention curve from the program page (both
groups' curves with their bands, the checkpoints, the table with each figure's n at risk), then the
at-risk list with its reasons."""

from __future__ import annotations

import random

import pytest

from tandem.insights import retention_demo
from tandem.programs.models import Program
from tests.factories import DepartmentFactory, JobProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_program_manager_opens_the_retention_curve_and_the_at_risk_list(page, sign_in, make_person):
    DepartmentFactory()
    JobProfileFactory(code="GT")
    manager = make_person(groups=["program_manager"])
    retention_demo.seed(random.Random(3), {"manager": manager})
    program = Program.objects.get(name=retention_demo.NAME)

    sign_in(manager.user.username)
    page.goto(f"/programs/{program.pk}/")
    page.click(f"#insights a[href='/programs/{program.pk}/retention/']")
    page.wait_for_url(f"**/programs/{program.pk}/retention/")
    assert page.locator("svg path.retention-line").count() == 2
    assert page.locator("svg path.retention-band").count() == 2
    assert page.locator("svg line.retention-checkpoint").count() == 4
    assert page.locator("svg line.retention-talk").count() >= 1  # the template's alumni talks
    month6 = page.locator("tr.retention-row[data-day='182']").first
    assert "n at risk =" in month6.inner_text() and "%" in month6.inner_text()
    assert "n = 47" in page.inner_text(".retention-groups")

    page.click("a:has-text('At-risk list')")
    page.wait_for_url(f"**/programs/{program.pk}/at-risk/")
    rows = page.locator("tr.at-risk-row")
    assert rows.count() == 4
    assert "No GRAI review written yet" in rows.first.inner_text() and "month 1" in rows.first.inner_text()
