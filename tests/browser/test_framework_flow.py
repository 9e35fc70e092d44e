"""HR builds the competency framework in pages: a competency with descriptors in three languages, a
job profile's target for it, then the O*NET example framework (issue 14 §6)."""

from __future__ import annotations

import pytest

from tandem.people.models import Competency, JobProfileRequirement
from tandem.people.onet import ATTRIBUTION
from tests.factories import CompetencyGroupFactory, JobProfileFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_creates_a_competency_targets_it_in_a_job_profile_and_loads_the_example(page, sign_in):
    CompetencyGroupFactory(code="SOFT", name="Soft skills")
    profile = JobProfileFactory(code="ANALYST", title="Analyst")
    PersonFactory(user=UserFactory(username="hr", groups=["hr_admin"]))
    sign_in("hr")

    # the framework, from the navigation
    page.click("nav.mainnav >> text=Framework")
    page.wait_for_selector("text=No competency framework yet.")
    page.click("text=New competency")
    page.fill("#id_code", "listening")
    page.select_option("#id_group", label="Soft skills")
    page.fill("#id_name", "Listening")
    page.click("summary:has-text('other languages')")
    page.fill("#id_name_ru", "Слушание")
    page.fill("#id_level_2_en", "Asks a follow-up question")
    page.fill("#id_level_2_zh", "追问一个问题")
    page.fill("#id_level_2_ru", "Задаёт уточняющий вопрос")
    page.fill("#id_level_4_ru", "Только по-русски")  # no English for level 4: refused
    page.click("form.form button[type=submit]")
    page.wait_for_selector("text=Describe level 4 in English too")
    page.fill("#id_level_4_en", "Summarises what others said")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("text=Competency added.")
    assert "Asks a follow-up question" in page.inner_text("main")
    comp = Competency.objects.get(code="listening")
    assert comp.levels.count() == 2

    # the job profile's target for it
    page.goto("/framework/job-profiles/")
    page.click("text=Analyst")
    page.select_option("#add_competency", label="Listening")
    page.select_option("#add_level", "4")
    page.click("text=Save target levels")
    page.wait_for_selector("text=Target levels saved")
    assert JobProfileRequirement.objects.get(job_profile=profile, competency=comp).target_level == 4

    # the example framework, after a confirmation
    page.goto("/framework/")
    page.click("text=Load the O*NET example framework")
    page.wait_for_selector("text=This adds 35 skills")
    assert Competency.objects.count() == 1  # nothing yet: the page only asks
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=35 competencies added")
    assert Competency.objects.filter(code__startswith="onet-").count() == 35
    assert ATTRIBUTION in page.inner_text("[data-testid=onet-attribution]")
