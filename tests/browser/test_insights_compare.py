"""Issue 12's first browser journey: HR compares two cohorts and sees the lifts with their
intervals and the warnings (a small group hidden, the observational note)."""

from __future__ import annotations

import pytest

from tests.insights.conftest import cohorts  # noqa: F401  (fixture)
from tests.mentorships.conftest import active_pair, make_pair  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_compares_two_cohorts_and_sees_lifts_with_intervals_and_warnings(page, sign_in, make_person, cohorts):
    hr = make_person(groups=["hr_admin"])
    sign_in(hr.user.username)
    page.goto("/insights/compare/")
    page.select_option("select[name=a]", cohorts.a)
    page.select_option("select[name=b]", cohorts.b)
    page.click("form.insights-pick button[type=submit]")
    page.wait_for_selector("table.insights-table")
    row = page.locator("tr[data-metric=retention]").inner_text()
    # retention 30/40 against 20/40: each n, the lift and the intervals
    assert "n = 40" in row and "+50.0 %" in row and "95 % CI" in row
    main = page.inner_text("main")
    assert "not assigned at random" in main  # an observational comparison, said so
    tiny = page.locator("tr[data-metric=tiny]").inner_text()
    assert "Fewer than 5 people" in tiny and "n = " not in tiny  # below the threshold: no figure at all
    assert page.locator("tr[data-metric=retention] svg").count() == 1  # the interval chart
