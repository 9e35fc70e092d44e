"""Integers beyond the database's range, absurd dates, booleans as numbers and control characters
in names are refused with a 422 naming the field (on PostgreSQL too), and nothing is written."""

from __future__ import annotations

import datetime

import pytest

from tandem.core import validators
from tandem.core.errors import ValidationFailed
from tandem.matching.models import SelectionRound
from tandem.people.models import CompetencyRating
from tandem.programs.models import Program
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999"


def field_errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.content[:400]
    body = response.json()
    assert body["code"] == "validation_failed"
    return {e["field"]: e["message"] for e in body["errors"]}


@pytest.fixture
def manager_client(client, choose_program):
    client.force_login(choose_program["owner"].user)
    return client


def program_body(**overrides):
    return {"name": "Spring", "program_type": "classic", "matching_mode": "choose",
            "starts_on": "2026-03-01", "ends_on": "2026-09-30", **overrides}


# -- integers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [BIG, str(2**40), "0"])
def test_people_page_beyond_the_database_range_is_a_422_not_a_500(hr_client, page):
    hr_client.raise_request_exception = False
    errors = field_errors(hr_client.get(f"/api/people?page={page}"))
    assert "page" in errors


@pytest.mark.parametrize("url", [
    f"/api/programs/{BIG}", f"/api/imports/{BIG}", f"/api/rounds/{BIG}", f"/api/programs/{2**40}/recommendations",
    f"/programs/{BIG}/", f"/imports/{BIG}/",
])
def test_ids_beyond_the_database_range_are_not_found(hr_client, url):
    hr_client.raise_request_exception = False
    assert hr_client.get(url).status_code == 404


def test_page_numbers_beyond_the_range_on_pages_show_the_last_page(hr_client):
    for url in (f"/people/?page={BIG}", f"/programs/?page={BIG}", f"/imports/?page={BIG}"):
        assert hr_client.get(url).status_code == 200, url


@pytest.mark.parametrize("seats", [2**31, 2**15, 0])
def test_round_with_seats_beyond_the_column_is_a_422_and_no_round(manager_client, choose_program, seats):
    program = choose_program["program"]
    code = DepartmentFactory().code
    response = manager_client.post(
        f"/api/programs/{program.pk}/rounds",
        {"name": "R", "deadline": "2027-01-01T00:00:00Z", "seats": [{"department": code, "seats": seats}]},
        content_type="application/json",
    )
    assert "seats.0.seats" in field_errors(response)
    assert not SelectionRound.objects.exists()


def test_program_capacity_of_2_to_the_31_is_a_422(manager_client):
    before = Program.objects.count()
    errors = field_errors(manager_client.post(
        "/api/programs", program_body(default_mentor_capacity=2**31), content_type="application/json"))
    assert "default_mentor_capacity" in errors
    assert Program.objects.count() == before


# -- booleans are not numbers --------------------------------------------------------------------


def test_boolean_as_a_program_capacity_is_refused(manager_client):
    before = Program.objects.count()
    errors = field_errors(manager_client.post(
        "/api/programs", program_body(default_mentor_capacity=True), content_type="application/json"))
    assert "default_mentor_capacity" in errors
    assert Program.objects.count() == before


def test_boolean_as_a_rating_level_is_refused(hr_client, choose_program):
    mentee, competency = choose_program["mentee"], choose_program["competency"]
    errors = field_errors(hr_client.post(
        f"/api/people/{mentee.employee_id}/ratings",
        {"competency": competency.code, "level": True, "source": "assessment"}, content_type="application/json"))
    assert "level" in errors
    assert not CompetencyRating.objects.exists()


def test_boolean_as_seats_is_refused(manager_client, choose_program):
    code = DepartmentFactory().code
    response = manager_client.post(
        f"/api/programs/{choose_program['program'].pk}/rounds",
        {"name": "R", "deadline": "2027-01-01T00:00:00Z", "seats": [{"department": code, "seats": True}]},
        content_type="application/json",
    )
    assert "seats.0.seats" in field_errors(response)


# -- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_rating_dated_at_the_ends_of_the_calendar_is_refused(hr_client, choose_program, day):
    mentee, competency = choose_program["mentee"], choose_program["competency"]
    errors = field_errors(hr_client.post(
        f"/api/people/{mentee.employee_id}/ratings",
        {"competency": competency.code, "level": 3, "source": "assessment", "rated_on": day},
        content_type="application/json"))
    assert "1900-01-01" in errors["rated_on"] and "2200-12-31" in errors["rated_on"]
    assert not CompetencyRating.objects.exists()


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "2026-02-01"), ("2026-01-01", "9999-12-31")])
def test_program_dated_at_the_ends_of_the_calendar_is_refused(manager_client, start, end):
    before = Program.objects.count()
    errors = field_errors(manager_client.post(
        "/api/programs", program_body(starts_on=start, ends_on=end), content_type="application/json"))
    assert {"starts_on", "ends_on"} & errors.keys()
    assert Program.objects.count() == before


@pytest.mark.parametrize("deadline", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
def test_round_deadline_at_the_ends_of_the_calendar_is_refused(manager_client, choose_program, deadline):
    code = DepartmentFactory().code
    response = manager_client.post(
        f"/api/programs/{choose_program['program'].pk}/rounds",
        {"name": "R", "deadline": deadline, "seats": [{"department": code, "seats": 1}]},
        content_type="application/json",
    )
    assert "deadline" in field_errors(response)
    assert not SelectionRound.objects.exists()


def test_the_date_window_check_for_services():
    validators.check_date(datetime.date(2026, 5, 1), field="rated_on")
    with pytest.raises(ValidationFailed) as caught:
        validators.check_date(datetime.date(1, 1, 1), field="rated_on")
    assert "rated_on" in caught.value.errors


# -- control characters ---------------------------------------------------------------------------


def test_round_name_with_a_line_break_is_refused(manager_client, choose_program):
    code = DepartmentFactory().code
    response = manager_client.post(
        f"/api/programs/{choose_program['program'].pk}/rounds",
        {"name": "Results\r\nBcc: everyone@example.com", "deadline": "2027-01-01T00:00:00Z",
         "seats": [{"department": code, "seats": 1}]},
        content_type="application/json",
    )
    assert "line breaks" in field_errors(response)["name"]
    assert not SelectionRound.objects.exists()


def test_program_name_with_a_tab_is_refused(manager_client):
    errors = field_errors(manager_client.post(
        "/api/programs", program_body(name="Spring\tcohort"), content_type="application/json"))
    assert "name" in errors


def test_rating_note_keeps_line_breaks_but_not_other_control_characters(hr_client, choose_program):
    mentee, competency = choose_program["mentee"], choose_program["competency"]
    url = f"/api/people/{mentee.employee_id}/ratings"
    body = {"competency": competency.code, "level": 3, "source": "assessment"}
    assert "note" in field_errors(hr_client.post(url, {**body, "note": "a\x1bb"}, content_type="application/json"))
    ok = hr_client.post(url, {**body, "note": "line one\nline two"}, content_type="application/json")
    assert ok.status_code == 201, ok.content


@pytest.mark.parametrize(("text", "ok"), [
    ("Graduates 2026 — autumn", True), ("Ünïcode 名字", True), ("a\nb", False), ("a\rb", False),
    ("a\u2028b", False), ("a\tb", False), ("a\x00b", False), ("a\x85b", False),
])
def test_single_line_rule(text, ok):
    assert (validators.single_line_problem(text) is None) is ok


def test_openapi_states_the_bounds(client):
    doc = client.get("/api/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert schemas["SeatIn"]["properties"]["seats"]["maximum"] == 2**15 - 1  # a smallint column
    assert schemas["RatingIn"]["properties"]["level"]["maximum"] == 5
    assert "pattern" in schemas["RoundIn"]["properties"]["name"]
    page = next(p for p in doc["paths"]["/api/people"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] == 2**31 - 1
