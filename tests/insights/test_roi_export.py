"""The ROI calculator's CSV / XLSX export (issue 12 §6: every insights page exports both): the
inputs and results with the program's default inputs, the measured retention difference with its
n, and the same access as the page."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.factories import PersonFactory, UserFactory


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


def test_the_roi_csv_holds_the_inputs_the_results_and_the_measured_difference(client, cohorts):
    client.force_login(cohorts.pair.owner.user)
    response = client.get(f"/programs/{cohorts.program.pk}/roi/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = {r[2]: r for r in _csv(response)[1:]}
    assert float(rows["time_cost"][3]) == 2400.0
    assert float(rows["retention_difference"][3]) == 0.25  # 30/40 − 20/40, measured on the program
    assert float(rows["cost_first_year"][3]) == 2400.0
    assert float(rows["multiple_first_year"][3]) == pytest.approx(55450 / 2400)
    assert rows["measured_n_a"][3] == "40" and rows["measured_n_b"][3] == "40"


def test_the_roi_xlsx_holds_the_same_rows(client, cohorts):
    client.force_login(cohorts.pair.owner.user)
    response = client.get(f"/programs/{cohorts.program.pk}/roi/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = {r[2]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["benefit_first_year"][3] == pytest.approx(55450)
    assert rows["benefit_year_5"][3] == pytest.approx(55450)


def test_without_a_measured_difference_the_export_keeps_the_sources_figure(client, active_pair):
    client.force_login(active_pair.owner.user)
    rows = {r[2]: r for r in _csv(client.get(f"/programs/{active_pair.program.pk}/roi/export.csv"))[1:]}
    assert float(rows["retention_difference"][3]) == 0.26
    assert "measured_n_a" not in rows


@pytest.mark.parametrize(("role", "want"), [("pm_owning_nothing", 403), ("mentor", 403), ("mentee", 403),
                                            ("colleague", 404), ("no_person", 404)])
def test_the_roi_export_is_refused_to_everyone_but_hr_and_the_manager(client, active_pair, make_person, role, want):
    if role == "no_person":
        client.force_login(UserFactory())
    else:
        person = {"pm_owning_nothing": lambda: make_person(groups=["program_manager"]),
                  "mentor": lambda: active_pair.mentor, "mentee": lambda: active_pair.mentee,
                  "colleague": lambda: PersonFactory(user=UserFactory())}[role]()
        client.force_login(person.user)
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/programs/{active_pair.program.pk}/roi/export.{fmt}").status_code == want


def test_the_roi_page_links_to_both_exports(client, active_pair):
    client.force_login(active_pair.owner.user)
    body = client.get(f"/programs/{active_pair.program.pk}/roi/").content.decode()
    assert f"/programs/{active_pair.program.pk}/roi/export.csv" in body
    assert f"/programs/{active_pair.program.pk}/roi/export.xlsx" in body
