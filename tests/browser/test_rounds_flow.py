"""The blind mutual-selection journey: a graduate ranks, a head ranks, the manager publishes, the
graduate reads their placement."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.matching.flows import rounds as flow
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    MatchingMode,
    Program,
    ProgramStatus,
    ProgramType,
)
from tests.factories import DepartmentFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_graduate_and_head_rank_blind_then_the_manager_publishes(page, sign_in):
    manager = PersonFactory(user=UserFactory(username="pat", groups=["program_manager"]), full_name="Pat Manager")
    program = Program.objects.create(
        name="Graduate cohort", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        status=ProgramStatus.RUNNING,  # a draft is invisible to its participants
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

    # the graduate orders the departments with the keyboard only: add both, move Finance up, then down again
    sign_in("gina")
    page.goto(url)
    sales_item, finance_item = f"#rank-item-{sales.pk}", f"#rank-item-{finance.pk}"
    page.focus(f"{sales_item} [data-move=add]")
    page.keyboard.press("Enter")
    page.focus(f"{finance_item} [data-move=add]")
    page.keyboard.press("Enter")
    assert page.locator("#ranked .rank-name").all_inner_texts() == ["Sales", "Finance"]
    page.focus(f"{finance_item} [data-move=up]")
    page.keyboard.press("Enter")
    assert page.locator("#ranked .rank-name").all_inner_texts() == ["Finance", "Sales"]
    assert "Finance: number 1 of 2" in page.inner_text("#ranking-status")  # said to screen readers
    page.keyboard.press("Tab")  # from Finance's "move up" to its "move down"
    page.keyboard.press("Space")
    assert page.locator("#ranked .rank-name").all_inner_texts() == ["Sales", "Finance"]
    page.click("#save-ranking")
    page.wait_for_selector("text=Your ranking is saved")
    assert page.locator("#ranked .rank-name").all_inner_texts() == ["Sales", "Finance"]
    assert [c.department_id for c in flow.applicant_ranking(round=rnd, applicant=grad)] == [sales.pk, finance.pk]
    assert "Oscar Other" not in page.content()
    page.click("summary.me")  # the account menu
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
    page.click("summary.me")  # the account menu
    page.click("text=Sign out")

    # the manager closes early (explicitly) and publishes
    sign_in("pat")
    page.goto(url)
    assert "1 / 2" in page.inner_text("#manage")  # Gina has ranked, Oscar has not
    # who has not ranked yet, and a nudge (once a day)
    assert "Oscar Other" in page.inner_text("#graduates-not-ranked")
    assert "Gina Graduate" not in page.inner_text("#not-ranked")
    page.click("#nudge")
    page.wait_for_selector("text=Reminder sent to 1 person who has not ranked yet")
    assert "Already reminded today: 1 person" in page.inner_text("#not-ranked")
    page.check("input[name=force]")
    page.click("text=Close and publish")
    page.wait_for_selector("text=The round is closed and the placements are published")
    page.locator("#results tr", has_text="Oscar Other").locator("text=Explain").click()
    page.wait_for_selector(".explanation >> text=did not rank any department")
    page.click("summary.me")  # the account menu
    page.click("text=Sign out")

    # the graduate sees their placement and which choice it was
    sign_in("gina")
    page.goto(url)
    text = page.inner_text(".placement")
    assert "Sales" in text and "1st choice" in text


def test_the_round_page_follows_a_publication_computed_by_the_worker(page, sign_in):
    from tandem.matching.models import PublicationStatus, RoundPublication

    # given a round whose close-and-publish was requested and waits for the worker (created here: the
    # tests' task backend would run it at once)
    manager = PersonFactory(user=UserFactory(username="pat2", groups=["program_manager"]), full_name="Pat Manager")
    program = Program.objects.create(
        name="Cohort async", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        status=ProgramStatus.RUNNING,  # a draft is invisible to its participants
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31), owner=manager,
    )
    sales = DepartmentFactory(name="Sales", code="SAL2")
    grad = PersonFactory(full_name="Gina Graduate")
    Enrolment.objects.create(program=program, person=grad, role=EnrolmentRole.MENTEE)
    rnd = flow.round_create(program=program, name="Async round", deadline=timezone.now() + datetime.timedelta(days=2),
                            seats={sales: 1}, user=None)
    flow.applicant_ranking_save(round=rnd, applicant=grad, departments=[sales])
    flow.department_ranking_save(round=rnd, department=sales, applicants=[grad])
    publication = RoundPublication.objects.create(round=rnd, requested_by=manager.user, force=True)
    sign_in("pat2")
    page.goto(f"/programs/{program.pk}/rounds/{rnd.pk}/")
    page.wait_for_selector("#publication-status[data-status=queued]")
    assert page.locator("text=Close and publish").count() == 0
    # when the worker publishes it, the page reloads itself with the results
    flow.round_publication_run(publication_id=publication.pk)
    assert RoundPublication.objects.get(pk=publication.pk).status == PublicationStatus.DONE
    page.wait_for_selector("#results")
    assert "Gina Graduate" in page.inner_text("#results") and "Sales" in page.inner_text("#results")
