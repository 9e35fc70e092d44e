"""On a 390 × 844 phone no page is wider than the screen: the profile's radar and its gaps table fit
(a wide table scrolls in its own box), and the account menu opens in place (issue 14 §7)."""

from __future__ import annotations

import datetime

import pytest

from tandem.people.models import CompetencyRating
from tests.factories import CompetencyFactory, JobProfileFactory, PersonFactory, RequirementFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_profile_fits_a_phone(browser, live_server):
    # given a person with five competencies on their job profile, rated (so the radar is drawn)
    profile = JobProfileFactory()
    comps = [CompetencyFactory(name=f"A rather long competency name {i}") for i in range(5)]
    for c in comps:
        RequirementFactory(job_profile=profile, competency=c, target_level=4)
    # a long address (one unbreakable word) must not widen the page either
    me = PersonFactory(with_user=True, job_profile=profile, email="anastasia.konstantinopolskaya-vanderbilt@example-company.com")
    for i, c in enumerate(comps):
        CompetencyRating.objects.create(person=me, competency=c, level=1 + i % 4, source="manager",
                                        rated_on=datetime.date(2026, 10, 21))
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", me.user.username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/")

    for path in ("/", f"/people/{me.employee_id}/", "/notifications/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # Chart.js sizes the radar to its box once it has run (a busy machine draws it late): the
        # page must settle within the screen's width
        try:
            page.wait_for_function("() => document.documentElement.scrollWidth <= 390", timeout=5_000)
        except Exception:
            pass  # the assertion below says by how much it does not fit
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(f"/people/{me.employee_id}/")
    assert page.locator("canvas[data-chart=radar]").bounding_box()["width"] <= 390
    # the British reader sees the rating's date as 21/10/2026
    assert "21/10/2026" in page.inner_text("main")
    # the account menu opens in place and its links are on screen
    page.click("summary.me")
    box = page.locator("text=API tokens").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    context.close()


def test_a_description_without_spaces_does_not_widen_the_page(browser, live_server):
    from tandem.programs.models import Program

    owner = PersonFactory(with_user=True)
    owner.user.is_staff = True
    owner.user.save()
    program = Program.objects.create(name="Long", program_type="classic", matching_mode="choose",
                                     starts_on="2026-01-01", ends_on="2026-12-31", owner=owner,
                                     description="x" * 4000)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", owner.user.username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/programs/{program.pk}/")
    assert "xxxx" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    context.close()
