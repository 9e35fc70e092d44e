"""The ROI calculator: the formula, source 000's claims checked, editable inputs, bad input."""

from __future__ import annotations

import pytest

from tandem.insights import roi


def test_formula_with_source_000_inputs():
    r = roi.roi_compute(roi.SOURCE_000)
    assert r.cost_first_year == 2400
    assert r.benefit_mistakes == 38400 and r.benefit_hours == 18 * 12 * 50
    assert r.benefit_retention == pytest.approx(25000 * 0.26)
    assert r.multiple_first_year == pytest.approx(55700 / 2400)
    assert r.multiple_five_years == pytest.approx(5 * 55700 / 2400)


def test_what_it_takes_reaches_the_claims():
    a = roi.what_it_takes(roi.SOURCE_000)
    credited = roi.roi_compute(roi.RoiInputs(attribution=a.attribution_for_first_year))
    assert credited.multiple_first_year == pytest.approx(8.3)
    grown = roi.roi_compute(roi.RoiInputs(attribution=a.attribution_for_first_year,
                                          persistence=a.persistence_for_five_years))
    assert grown.multiple_five_years == pytest.approx(42.0)
    assert a.persistence_for_five_years > 1  # 42 / 8.3 > 5 years of the same benefit
    assert a.hourly_rate_for_first_year is None  # even at $0 an hour the formula exceeds 8.3×


def test_zero_cost_has_no_multiple_rather_than_infinity():
    r = roi.roi_compute(roi.RoiInputs(time_cost=0))
    assert r.multiple_first_year is None and r.multiple_five_years is None


def test_roi_page_and_api_for_the_program_manager(client, cohorts):
    client.force_login(cohorts.pair.owner.user)
    url = f"/api/programs/{cohorts.program.pk}/roi"
    body = client.get(url).json()
    # the retention difference is measured on the program: 30/40 − 20/40
    assert body["inputs"]["retention_difference"] == pytest.approx(0.25)
    assert body["measured_retention"]["n_a"] == 40
    assert body["claimed_first_year"] == 8.3 and "Multiple" in body["formula"]
    changed = client.post(url, {"hourly_rate": 0, "time_cost": 4800}, content_type="application/json").json()
    assert changed["inputs"]["hourly_rate"] == 0 and changed["cost_first_year"] == 4800
    page = client.get(f"/programs/{cohorts.program.pk}/roi/")
    assert page.status_code == 200 and "8.3×" in page.content.decode()
    posted = client.post(f"/programs/{cohorts.program.pk}/roi/", {**body["inputs"], "hourly_rate": "100"})
    assert posted.status_code == 200 and "$2,400" in posted.content.decode()


@pytest.mark.parametrize("payload", [
    {"hourly_rate": -1}, {"attribution": 2}, {"time_cost": 1e300}, {"hourly_rate": True}, {"hourly_rate": "5"},
])
def test_bad_roi_input_is_422_and_nothing_breaks(hr_client, cohorts, payload):
    response = hr_client.post(f"/api/programs/{cohorts.program.pk}/roi", payload, content_type="application/json")
    assert response.status_code == 422, response.content


def test_bad_roi_form_input_is_400_with_the_message(hr_client, cohorts):
    response = hr_client.post(f"/programs/{cohorts.program.pk}/roi/", {"hourly_rate": "nan"})
    assert response.status_code == 400 and "errorlist" in response.content.decode()


def test_nan_in_a_json_body_is_refused(hr_client, cohorts):
    response = hr_client.post(f"/api/programs/{cohorts.program.pk}/roi", '{"hourly_rate": NaN}',
                              content_type="application/json")
    assert response.status_code in (400, 422)
