"""The blind mutual-selection journey: a graduate ranks, a head ranks, the manager publishes, the
graduate reads their placement."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.matching.flows import rounds as flow
from tandem.programs.models import Enrolment, EnrolmentRole, MatchingMode, Program, ProgramType
from tests.factories import DepartmentFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_graduate_and_head_rank_blind_then_the_manager_publishes(page, sign_in):
    manager = PersonFactory(user=UserFactory(username="pat", groups=["program_manager"]), full_name="Pat Manager")
    program = Program.objects.create(
        name="Graduate cohort", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31), owner=manager,
    )
    head = PersonFactory(user=UserFactory(username="hana"), full_name="Hana Head")
    sales = DepartmentFactory(name="Sales", code="SAL", head=head)
    finance = DepartmentFactory(name="Finance", code="FIN")
    grad = PersonFactory(user=UserFactory(username="gina"), full_name="Gina Graduate")
    other = PersonFactory(full_name="Oscar Other")
    Enrolment.objects.bulk_create([Enrolment(program=program, person=p, role=EnrolmentRole.MENTEE) for p in (grad, other)])
    rnd = flow.round_create(program=program, name="Spring round", deadline=timezone.now() + datetime.timedelta(days=2),
                            seats={sales: 1, finance: 1}, user=None)
    flow.department_ranking_save(round=rnd, department=finance, applicants=[other])
    url = f"/programs/{program.pk}/rounds/{rnd.pk}/"

    # the graduate ranks Sales first, Finance second, with the keyboard-usable selects
    sign_in("gina")
    page.goto(url)
    page.select_option(f"#rank-{sales.pk}", "1")
    page.select_option(f"#rank-{finance.pk}", "2")
    page.click("text=Save my ranking")
    page.wait_for_selector("text=Your ranking is saved")
    assert page.input_value(f"#rank-{sales.pk}") == "1"
    assert "Oscar Other" not in page.content()
    page.click("text=Sign out")

    # the head presents Sales and ranks Gina; never sees the graduates' rankings
    sign_in("hana")
    page.goto(url)
    page.fill("#pitch-SAL", "Close deals from week one.")
    page.click("text=Save pitch")
    page.wait_for_selector("text=Pitch saved")
    page.fill(f"#g-SAL-{grad.pk}", "1")  # a position input per graduate (one page of graduates at a time)
    page.click("text=Save the ranking")
    page.wait_for_selector("text=The ranking for Sales is saved")
    assert "Your rank for" not in page.content()
    page.click("text=Sign out")

    # the manager closes early (explicitly) and publishes
    sign_in("pat")
    page.goto(url)
    assert "1 / 2" in page.inner_text("#manage")  # Gina has ranked, Oscar has not
    page.check("input[name=force]")
    page.click("text=Close and publish")
    page.wait_for_selector("text=The round is closed and the placements are published")
    page.locator("#results tr", has_text="Oscar Other").locator("text=Explain").click()
    page.wait_for_selector(".explanation >> text=did not rank any department")
    page.click("text=Sign out")

    # the graduate sees their placement and which choice it was
    sign_in("gina")
    page.goto(url)
    text = page.inner_text(".placement")
    assert "Sales" in text and "1st choice" in text
