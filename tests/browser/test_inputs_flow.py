"""Inputs and outputs in Chromium: a program manager goes from the comparison page to inputs and
outputs, chooses a period, reads the table (every figure with its n), the flags with their evidence
and suggestions and the trend charts, then switches to per-mentor rows."""

from __future__ import annotations

import pytest

from tests.insights.inputs_world import FROM, TO, build_world

pytestmark = pytest.mark.django_db(transaction=True)


def _default_rules() -> None:
    """The default suggestion rules come from a data migration; a transactional test's flush (any
    browser test before this one) removed them, so put them back as the migration does."""
    import importlib

    from django.apps import apps

    importlib.import_module("tandem.insights.migrations.0002_inputs").add_default_rules(apps, None)


def test_a_program_manager_reads_inputs_against_outputs_and_the_flags(page, sign_in, make_person):
    _default_rules()
    world = build_world(make_person)

    sign_in(world.pm.user.username)
    page.goto("/insights/compare/")
    page.click("a[href='/insights/inputs-outputs/']")
    page.wait_for_url("**/insights/inputs-outputs/")
    page.select_option("select[name=by]", "department")
    page.fill("input[name=from]", FROM)
    page.fill("input[name=to]", TO)
    page.click("form.insights-pick button[type=submit]")
    page.wait_for_url("**/insights/inputs-outputs/?*")
    rows = page.locator("tr.inputs-row")
    assert rows.count() == 3  # the whole scope, Sales, Ops (the tiny departments are not shown)
    sales = page.locator("tr.inputs-row", has_text="Sales")
    assert sales.locator("td[data-metric]").count() == 9  # seven from the log, two from surveys
    assert sales.locator("td[data-metric]:has-text('n = 5')").count() == 7
    # nobody answered a survey here: the survey columns say so instead of a value
    for metric in ("survey_satisfaction", "nps"):
        assert "fewer than" in sales.locator(f"td[data-metric='{metric}']").inner_text()
    flags = page.locator("li.inputs-flag[data-rule='low-gain-despite-hours']")
    assert flags.count() == 1 and "Sales" in flags.inner_text() and "case practice" in flags.inner_text()
    assert "n = 5" in flags.inner_text()
    assert page.locator(".inputs-trend-hours svg circle.inputs-point").count() == 3
    assert "Tiny1" not in page.content() and "Tiny2" not in page.content()

    page.select_option("select[name=by]", "mentor")
    page.click("form.insights-pick button[type=submit]")
    page.wait_for_url("**by=mentor**")
    assert page.locator("tr.inputs-row").count() == 4  # the whole scope and three mentors
    csv = page.locator("a:has-text('Download CSV')")
    assert "by=mentor" in csv.get_attribute("href")
