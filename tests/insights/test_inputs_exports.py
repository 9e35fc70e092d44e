"""Inputs versus outputs: the CSV and XLSX exports, refused parameters, query counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tandem.insights import inputs_selectors as sel
from tests.factories import actor_of
from tests.insights import inputs_world
from tests.insights.inputs_world import FROM, MONTHS, TO, build_world

world = inputs_world.world  # the fixture

PARAMS = {"by": "department", "from": FROM, "to": TO}


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_holds_the_shown_groups_with_n_and_intervals(world, hr_client):
    response = hr_client.get("/insights/inputs-outputs/export.csv", PARAMS)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Department", "Pairs", "Mentees"]
    assert header[3:7] == ["Mentoring hours per pair per month", "Mentoring hours per pair per month: n",
                           "Mentoring hours per pair per month: CI low", "Mentoring hours per pair per month: CI high"]
    labels = [r[0] for r in body]
    assert labels[0].startswith("All: ") and sorted(labels[1:]) == ["Ops", "Sales"]
    sales = next(r for r in body if r[0] == "Sales")
    assert sales[1:3] == ["5", "5"]
    assert float(sales[3]) == pytest.approx(3 / MONTHS, abs=1e-4) and sales[4] == "5"
    sat = header.index("Satisfaction (session feedback, 1–5)")
    assert float(sales[sat]) == pytest.approx(2.2) and sales[sat + 1] == "5"
    assert "case practice" in sales[-1]
    for r in body:  # every value has its n next to it; a hidden survey output says why instead
        for i in range(3, len(header) - 1, 4):
            assert (r[i + 1] == "") == (r[i] == "" or r[i].startswith("fewer than"))


def test_the_xlsx_holds_the_same_table(world, hr_client):
    response = hr_client.get("/insights/inputs-outputs/export.xlsx", PARAMS)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    values = list(ws.values)
    assert values[0][0] == "Department"
    assert sorted(r[0] for r in values[2:]) == ["Ops", "Sales"]
    assert all("Tiny" not in str(c) for r in values for c in r)


def test_nothing_below_the_threshold_in_any_export(world, hr_client, settings):
    settings.INSIGHTS_MIN_GROUP = 16  # the whole scope has 15 pairs
    rows = csv_rows(hr_client.get("/insights/inputs-outputs/export.csv", PARAMS))
    assert rows[1:] == []
    body = hr_client.get("/api/insights/inputs-outputs", PARAMS).json()
    assert body["groups"] == [] and body["scope"]["pairs"] is None
    assert all(t["hours"] is None and t["hours_n"] is None for t in body["trend"])
    html = hr_client.get("/insights/inputs-outputs/", PARAMS).content.decode()
    assert "nothing is shown" in html and "Sales" not in html


@pytest.mark.parametrize(("params", "field"), [
    ({"by": "team"}, "by"),
    ({"from": "2026-13-01"}, "from"),
    ({"from": "yesterday"}, "from"),
    ({"to": "2026-01-01\x00"}, None),  # refused before the view, for every request
    ({"from": "2026-03-01", "to": "2026-01-01"}, "from"),
    ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
    ({"from": "1990-01-01"}, "from"),
    ({"program": "abc"}, "program"),
    ({"program": "99999999999"}, "program"),
])
def test_bad_parameters_are_a_400_with_a_message(world, hr_client, params, field):
    response = hr_client.get("/api/insights/inputs-outputs", params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["message"] and body.get("field") == field
    page = hr_client.get("/insights/inputs-outputs/", params)
    assert page.status_code == 400
    if field is not None:
        assert body["message"] in page.content.decode()
    assert hr_client.get("/insights/inputs-outputs/export.csv", params).status_code == 400


def test_an_unknown_program_is_a_404(world, hr_client):
    assert hr_client.get("/api/insights/inputs-outputs", {"program": 987654}).status_code == 404


def test_the_trend_shows_each_month_with_its_n(world, hr_client):
    body = hr_client.get("/api/insights/inputs-outputs", PARAMS).json()
    trend = {t["month"]: t for t in body["trend"]}
    assert list(trend) == ["2026-01-01", "2026-02-01", "2026-03-01"]
    # January: Sales 5 × 60 + Ops 5 × 90 minutes, 10 pairs; February: Sales 5 + Tiny 5 pairs × 60
    assert trend["2026-01-01"]["hours"] == pytest.approx(12.5) and trend["2026-01-01"]["hours_n"] == 10
    assert trend["2026-02-01"]["hours"] == pytest.approx(10.0) and trend["2026-02-01"]["hours_n"] == 10
    assert trend["2026-03-01"]["hours"] == pytest.approx(5.0) and trend["2026-03-01"]["hours_n"] == 5
    # feedback sits on each pair's first session: January 10 ratings (Sales + Ops), February 5 (Tiny)
    assert trend["2026-01-01"]["satisfaction"] == pytest.approx((11 + 23) / 10)
    assert trend["2026-01-01"]["satisfaction_n"] == 10
    assert trend["2026-03-01"]["satisfaction"] is None and trend["2026-03-01"]["satisfaction_n"] is None


def test_the_query_count_does_not_grow_with_the_data(world, hr_person, make_person):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            sel.inputs_outputs(actor=actor_of(hr_person), by="mentor", start=FROM, end=TO)
        return len(ctx.captured_queries)

    before = count()
    build_world(make_person)  # as many pairs, mentors and departments again
    assert count() == before


def test_groups_are_paginated_on_the_page_and_in_the_api(world, hr_client, monkeypatch):
    from tandem.insights import inputs_api, inputs_views

    monkeypatch.setattr(inputs_views, "PER_PAGE", 1)
    monkeypatch.setattr(inputs_api, "PAGE_SIZE", 1)
    html = hr_client.get("/insights/inputs-outputs/", {**PARAMS, "page": 2}).content.decode()
    assert "Page 2 of 2" in html
    first = hr_client.get("/api/insights/inputs-outputs", PARAMS).json()
    second = hr_client.get("/api/insights/inputs-outputs", {**PARAMS, "page": 2}).json()
    assert first["count"] == 2 and first["pages"] == 2 and len(first["groups"]) == 1
    assert {first["groups"][0]["label"], second["groups"][0]["label"]} == {"Sales", "Ops"}
    assert hr_client.get("/api/insights/inputs-outputs", {**PARAMS, "page": 0}).status_code == 422  # schema check
