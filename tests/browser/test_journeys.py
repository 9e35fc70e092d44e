from __future__ import annotations

import pytest
from django.utils import timezone

from tandem.people import services
from tandem.people.models import RatingSource
from tests.factories import DepartmentFactory, PersonFactory, RequirementFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_mentee_signs_in_and_sees_their_gaps_on_their_profile(page, sign_in):
    req = RequirementFactory(target_level=5, competency__name="Negotiation")
    me = PersonFactory(user=UserFactory(username="mia"), full_name="Mia Chen", job_profile=req.job_profile)
    services.rating_record(person=me, competency=req.competency, level=2, source=RatingSource.MANAGER,
                           rated_by=None, rated_on=timezone.localdate())
    sign_in("mia")
    page.click("text=Open my profile")
    page.wait_for_selector("h1:has-text('Mia Chen')")
    row = page.locator("tr", has_text="Negotiation")
    assert row.locator("td").nth(1).inner_text() == "5"
    assert row.locator("td").nth(2).inner_text() == "2"
    assert "3" in row.locator("td").nth(3).inner_text()


def test_hr_searches_the_directory_as_they_type_and_opens_a_profile(page, sign_in):
    dep = DepartmentFactory(name="Logistics")
    PersonFactory(full_name="Boris Volkov", department=dep)
    PersonFactory(full_name="Anna Smith", department=dep)
    PersonFactory(user=UserFactory(username="hr", groups=["hr_admin"]), full_name="Helen HR")
    sign_in("hr")
    page.goto("/people/")
    page.fill("input[name=q]", "Boris")
    page.wait_for_selector("#results >> text=1 person")
    assert "Anna Smith" not in page.inner_text("#results")
    assert "q=Boris" in page.url  # the search is in the address bar, so it can be shared
    page.click("#results >> text=Boris Volkov")
    page.wait_for_selector("h1:has-text('Boris Volkov')")


def test_wrong_password_shows_an_error_on_the_login_page(page):
    UserFactory(username="ann")
    page.goto("/accounts/login/")
    page.fill("#id_username", "ann")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert "correct username and password" in page.inner_text(".errorlist")


def test_switching_language_translates_the_interface(page, sign_in):
    PersonFactory(user=UserFactory(username="ivan"))
    sign_in("ivan")
    page.select_option("#langpick", "ru")  # choosing does not change the page by itself (WCAG 3.2.2) …
    assert page.is_visible("nav >> text=People")
    page.click(".langform [type=submit]")  # … the button applies it
    page.wait_for_selector("nav >> text=Люди")
    page.select_option("#langpick", "zh-hans")
    page.click(".langform [type=submit]")
    page.wait_for_selector("nav >> text=人员")


def test_the_menu_folds_on_a_phone_and_opens_with_the_button(browser, live_server):
    PersonFactory(user=UserFactory(username="ann"))
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "ann")
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert not page.is_visible("nav.mainnav")
    page.click("label.navbutton")
    assert page.is_visible("nav.mainnav >> text=People")
    context.close()
