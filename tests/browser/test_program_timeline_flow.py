"""Browser journey: a program manager builds a program from a template, adjusts its timeline and
enrols the people its eligibility rules select."""

from __future__ import annotations

import zoneinfo

import pytest
from django.utils import timezone

from tandem.programs.models import Enrolment, Program
from tests.factories import DepartmentFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_creates_a_program_from_a_template_edits_its_timeline_and_enrols_by_rules(page, sign_in):
    # given a program manager and a department of four engineers
    PersonFactory(user=UserFactory(username="pm", groups=["program_manager"]), full_name="Paula Manager")
    team = DepartmentFactory(name="Platform team")
    for name in ("Ann Lee", "Bo Chen", "Cy Park", "Di Novak"):
        PersonFactory(full_name=name, department=team)
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Berlin"))  # the manager's time zone
    sign_in("pm")
    # when she picks the reverse-mentoring template and names the program
    page.goto("/programs/")
    page.click("text=New program from a template")
    card = page.locator("[data-template=reverse_6m]")
    assert "weekly" in card.inner_text().lower()
    card.locator("input[name='reverse_6m-name']").fill("Reverse mentoring 2027")
    card.locator("input[name='reverse_6m-starts_on']").fill(today.isoformat())
    card.locator("button[type=submit]").click()
    # then the program page shows the template's timeline with today marked on day 1
    page.wait_for_selector("h1:has-text('Reverse mentoring 2027')")
    program = Program.objects.get(name="Reverse mentoring 2027")
    assert page.locator(".tl-phase").count() == 3
    assert page.locator(".tl-today").get_attribute("data-today-day") == "1"
    assert "Weekly 1.5-hour session" in page.inner_text("#cadence")
    # when she adds a phase by dates
    page.click("text=Edit timeline and cadence")
    page.click("text=Add a phase")
    page.fill("#id_name", "Kick-off week")
    page.fill("#id_start_day", "1")
    page.fill("#id_end_day", "7")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Phase added.")
    assert program.phases.filter(name="Kick-off week", start_day=1, end_day=7).exists()
    # and a bad one is refused with a message
    page.click("text=Add a phase")
    page.fill("#id_name", "Too long")
    page.fill("#id_start_day", "1")
    page.fill("#id_end_day", "999")
    page.click("button:has-text('Save')")
    assert "the phase must end by then" in page.inner_text(".errorlist")
    assert not program.phases.filter(name="Too long").exists()
    # when she sets the eligibility rule to the team, previews and enrols
    page.goto(f"/programs/{program.pk}/eligibility/")
    page.select_option("#id_departments", label="Platform team")
    page.click("button:has-text('Save rules')")
    page.wait_for_selector("#preview-count")
    assert "4 people meet the rules" in page.inner_text("#preview-count")
    page.click("button:has-text('Enrol them')")
    page.wait_for_selector("text=4 enrolled")
    assert Enrolment.objects.filter(program=program, role="mentee").count() == 4
