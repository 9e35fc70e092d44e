"""The program manager's survey journey: schedule a survey after the pairs' sessions on the program's
surveys page, then start a template of their own from a shipped one (which only HR changes) and give it a
new version (the old one stays, read-only)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tandem.assessments import survey_services
from tandem.assessments.models import SurveySchedule, SurveyTemplate
from tandem.programs.models import Program
from tests.factories import PersonFactory, UserFactory


def test_a_program_manager_schedules_a_survey_and_versions_a_template(page, sign_in):
    survey_services.survey_templates_install()  # a transactional test flushed the data migration's rows
    owner = PersonFactory(user=UserFactory(username="pm", groups=["program_manager"]), full_name="Paula Manager")
    today = timezone.localdate()
    program = Program.objects.create(name="Classic", program_type="classic", matching_mode="bulk", status="running",
                                     starts_on=today - datetime.timedelta(days=30),
                                     ends_on=today + datetime.timedelta(days=150), owner=owner)
    sign_in("pm")
    # schedule: the mentor-effectiveness survey to each mentee after their pair's 3rd held session
    page.goto(f"/programs/{program.pk}/surveys/")
    form = page.locator("form[action$='/surveys/schedules/']")
    form.locator("select[name=template]").select_option("mentor_effectiveness")
    form.locator("select[name=when]").select_option("sessions")
    form.locator("input[name=after_sessions]").fill("3")
    form.locator("input[name=open_days]").fill("10")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/programs/{program.pk}/surveys/")
    row = page.locator("#sched-h + p + .table-wrap tbody tr").first
    assert "After 3 held sessions" in row.inner_text() and "10 days" in row.inner_text()
    assert SurveySchedule.objects.get().after_sessions == 3
    # a shipped template is HR's to change: the manager starts their own from its questions
    page.get_by_role("link", name="Survey templates").click()
    page.get_by_role("link", name="Program NPS").click()
    assert page.get_by_role("button", name="Save as a new version").count() == 0
    page.get_by_role("link", name="Start a new template from these questions").click()
    assert page.locator("input[name=q0_code]").input_value() == "recommend"
    page.fill("input[name=code]", "classic_nps")
    page.fill("input[name=name_en]", "Classic program NPS")
    page.get_by_role("button", name="Create the template").click()
    assert "Template created" in page.locator(".messages").inner_text()
    # their own template: a new version of its first question
    page.fill("input[name=q0_text_en]", "Would you recommend this program to a colleague? (0–10)")
    page.get_by_role("button", name="Save as a new version").click()
    assert "Version 2 saved" in page.locator(".messages").inner_text()
    versions = page.locator("details.survey-version")
    assert versions.count() == 2
    assert "Would you recommend this program" in versions.nth(0).inner_text()
    versions.nth(1).locator("summary").click()  # v1, folded, opens: kept as it was
    assert "How likely are you to recommend" in versions.nth(1).inner_text()
    mine = SurveyTemplate.objects.get(code="classic_nps")
    assert (mine.created_by, mine.versions.count()) == (owner, 2)
    assert SurveyTemplate.objects.get(code="program_nps").versions.count() == 1  # the shipped one, untouched
