"""Cohort comparison: the API's shape, the figures against the statistics module, the anonymity
threshold on the page, in the API and in exports, and bad input."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.test import override_settings

from tandem.insights import stats
from tandem.insights.models import OutcomeRecord

URL = "/api/insights/cohorts/compare"


def metric(payload, name):
    return next(m for m in payload["metrics"] if m["metric"] == name)


def test_api_returns_per_metric_figures_with_n_ci_difference_lift_p_and_test(hr_client, cohorts):
    response = hr_client.get(URL, {"a": cohorts.a, "b": cohorts.b})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["a"]["group"] == cohorts.a and body["threshold"] == 5
    assert "not assigned at random" in body["observational_note"]
    retention = metric(body, "retention")
    assert set(retention) >= {"metric", "kind", "a", "b", "difference", "difference_ci", "lift", "p_value", "test"}
    assert retention["kind"] == "proportion" and retention["test"] == "two_proportion_z_pooled"
    assert retention["a"]["n"] == 40 and retention["b"]["n"] == 40
    assert retention["a"]["value"] == pytest.approx(0.75) and retention["b"]["value"] == pytest.approx(0.5)
    expected = stats.compare_proportions(stats.ProportionSummary(40, 30), stats.ProportionSummary(40, 20))
    assert retention["a"]["ci"] == pytest.approx([expected.a.interval.low, expected.a.interval.high])
    assert retention["difference_ci"] == pytest.approx(
        [expected.difference_interval.low, expected.difference_interval.high])
    assert retention["lift"] == pytest.approx(0.5)
    assert retention["p_value"] == pytest.approx(expected.p_value)
    assert {w["code"] for w in retention["warnings"]} == {"observational"}


def test_means_use_welch_on_the_sql_sums(hr_client, cohorts):
    body = hr_client.get(URL, {"a": cohorts.a, "b": cohorts.b}).json()
    satisfaction = metric(body, "satisfaction")
    a = [3.5 + (i % 4) * 0.5 for i in range(40)]
    b = [3.0 + (i % 3) * 0.5 for i in range(40)]
    from scipy import stats as scipy_stats

    peer = scipy_stats.ttest_ind(a, b, equal_var=False)
    assert satisfaction["test"] == "welch_t" and satisfaction["a"]["n"] == 40
    assert satisfaction["p_value"] == pytest.approx(float(peer.pvalue), abs=1e-9)
    ci = peer.confidence_interval(0.95)
    assert satisfaction["difference_ci"] == pytest.approx([float(ci.low), float(ci.high)], abs=1e-9)


def test_a_group_of_four_shows_no_figures_in_the_api(hr_client, cohorts):
    tiny = metric(hr_client.get(URL, {"a": cohorts.a, "b": cohorts.b}).json(), "tiny")
    assert tiny["suppressed"] is True
    assert tiny["a"] == {"n": None, "value": None, "ci": None} and tiny["b"] == {"n": None, "value": None, "ci": None}
    assert tiny["difference"] is None and tiny["lift"] is None and tiny["p_value"] is None
    assert tiny["warnings"][0]["code"] == "below_threshold"


@override_settings(INSIGHTS_MIN_GROUP=41)
def test_the_threshold_is_a_setting(hr_client, cohorts):
    body = hr_client.get(URL, {"a": cohorts.a, "b": cohorts.b}).json()
    assert all(m["suppressed"] for m in body["metrics"]) and body["threshold"] == 41


def test_small_groups_and_intervals_crossing_zero_are_warned(hr_client, cohorts):
    # cohort labels: 10 of the participants against 10 of the others
    for person in cohorts.participants[:10] + cohorts.others[:10]:
        OutcomeRecord.objects.filter(person=person, metric__name="retention").update(cohort="small")
    body = hr_client.get(URL, {"a": "cohort:small", "b": "cohort:others"}).json()
    codes = {w["code"] for w in metric(body, "retention")["warnings"]}
    assert {"small_group", "observational"} <= codes


def test_the_page_shows_lifts_intervals_warnings_and_hides_the_tiny_group(hr_client, cohorts):
    response = hr_client.get("/insights/compare/", {"a": cohorts.a, "b": cohorts.b})
    assert response.status_code == 200
    html = response.content.decode()
    assert "n = 40" in html and "+50.0 %" in html and "95 % CI" in html
    assert "Welch" in html and "Newcombe" in html and "not assigned at random" in html
    tiny_row = html[html.index('data-metric="tiny"'):]
    tiny_row = tiny_row[:tiny_row.index("</tr>")]
    assert "Fewer than 5 people" in tiny_row and "n = " not in tiny_row and "%" not in tiny_row
    assert "<svg" in html and 'style="' not in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_carry_n_and_hide_the_tiny_group(hr_client, cohorts, fmt):
    response = hr_client.get(f"/insights/compare/export.{fmt}", {"a": cohorts.a, "b": cohorts.b})
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [[("" if c is None else str(c)) for c in r] for r in sheet.iter_rows(values_only=True)]
    header, body = rows[0], {r[0]: r for r in rows[1:]}
    n_a = header.index("n A")
    assert body["Retention"][n_a] == "40"
    tiny = body["tiny"]
    assert tiny[n_a] == "" and tiny[header.index("Value A")] == "" and tiny[header.index("n B")] == ""
    assert "Fewer than 5" in tiny[-1]


@pytest.mark.parametrize("a, b, status, code", [
    ("", "cohort:x", 400, "insights_bad_group"),
    ("nonsense", "cohort:x", 400, "insights_bad_group"),
    ("program:abc", "cohort:x", 400, "insights_bad_group"),
    ("program:99999999999999999999", "cohort:x", 400, "insights_bad_group"),
    ("program:2147483647", "cohort:x", 404, "not_found"),
    ("cohort:a\x00b", "cohort:x", 400, "invalid_characters"),  # refused by core middleware first
    ("cohort:" + "x" * 81, "cohort:x", 400, "insights_bad_group"),
    ("cohort:x", "cohort:x", 400, "insights_same_groups"),
])
def test_bad_groups_are_4xx_with_a_code(hr_client, cohorts, a, b, status, code):
    response = hr_client.get(URL, {"a": a, "b": b})
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    page = hr_client.get("/insights/compare/", {"a": a, "b": b})
    assert page.status_code == status


def test_a_group_text_too_long_is_refused_by_the_schema(hr_client, cohorts):
    assert hr_client.get(URL, {"a": "cohort:" + "x" * 300, "b": "cohort:y"}).status_code == 422


def test_a_cohort_label_nobody_has_is_an_empty_comparison(hr_client, cohorts):
    body = hr_client.get(URL, {"a": "cohort:nobody", "b": "cohort:nobody either"}).json()
    assert body["metrics"] == []


def test_one_query_per_group_for_the_aggregates(hr_client, cohorts, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert hr_client.get(URL, {"a": cohorts.a, "b": cohorts.b}).status_code == 200
