"""Bad input never reaches a 500, on PostgreSQL too: NUL bytes, out-of-range integers, unknown
API routes, oversized bodies and server errors answer a clear 4xx (JSON under /api/)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

NUL = "\x00"


@pytest.fixture
def hr(hr_client, hr_person):
    return hr_client, hr_person


# -- NUL bytes ---------------------------------------------------------------------------------

PAGE_GETS = [
    "/people/?q=a%00b",
    "/people/?department=a%00b",
    "/people/E%00X/",
    "/people/E%00X/edit/",
    "/programs/?page=1%002",
    "/imports/?page=%00",
]


@pytest.mark.parametrize("url", PAGE_GETS)
def test_nul_byte_in_a_page_url_is_a_translated_400_page(hr, url):
    client, _person = hr
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content[:300]
    assert "text/html" in response["Content-Type"]
    assert b"not allowed" in response.content


API_GETS = [
    "/api/people?q=a%00b",
    "/api/people/E%00X",
    "/api/people/E%00X/ratings",
    "/api/rounds/1/departments/A%00B/ranking",
]


@pytest.mark.parametrize("url", API_GETS)
def test_nul_byte_in_an_api_url_is_a_json_400_with_its_own_code(hr, url):
    client, _person = hr
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "invalid_characters"
    assert response.json()["message"]


def test_nul_byte_in_a_json_body_is_refused_and_nothing_is_written(hr):
    client, person = hr
    from tandem.people.models import CompetencyRating
    from tests.factories import CompetencyFactory

    competency = CompetencyFactory()
    response = client.post(
        f"/api/people/{person.employee_id}/ratings",
        {"competency": competency.code, "level": 3, "source": "assessment", "note": "bad" + NUL},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "invalid_characters"
    assert not CompetencyRating.objects.exists()


def test_escaped_nul_in_a_json_key_is_refused_too(hr):
    client, person = hr
    response = client.put(
        f"/api/people/{person.employee_id}/topics",
        '{"can_teach\\u0000": [], "want_to_learn": []}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


def test_the_refusal_page_comes_in_the_visitors_language(hr):
    client, _person = hr
    response = client.get("/people/?q=%00", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert b'<html lang="ru"' in response.content


def test_nul_byte_in_the_login_username_is_a_400_not_a_500(db):
    client = Client()
    response = client.post("/accounts/login/", {"username": "hr" + NUL, "password": "x"})
    assert response.status_code == 400
    assert b"not allowed" in response.content


def test_nul_byte_in_a_profile_form_is_refused(hr):
    client, person = hr
    response = client.post(f"/people/{person.employee_id}/edit/", {"bio": "x" + NUL})
    assert response.status_code == 400
    person.refresh_from_db()
    assert NUL not in person.bio


def test_nul_byte_in_a_search_of_the_directory_on_htmx_gets_a_fragment(hr):
    client, _person = hr
    response = client.get("/people/?q=%00", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert b"<html" not in response.content.lower()


def test_nul_byte_in_a_session_cookie_is_treated_as_signed_out(db):
    client = Client()
    client.cookies["sessionid"] = "abcdefgh" + NUL + "ijkl"
    response = client.get("/people/")
    assert response.status_code in (302, 400)


def test_nul_byte_in_a_bearer_token_is_a_400_not_a_500(db):
    response = Client().get("/api/me", HTTP_AUTHORIZATION="Bearer tdm_abc\x00def")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


def test_nul_byte_in_a_multipart_field_or_file_name_is_refused(hr):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tandem.people.models import ImportJob

    client, _person = hr
    csv = b"employee_id,full_name,email,department_code\n"
    response = client.post("/api/imports", {"kind": "people\x00", "file": SimpleUploadedFile("p.csv", csv)})
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"
    response = client.post("/imports/", {"kind": "people", "file": SimpleUploadedFile("p\x00.csv", csv)})
    assert response.status_code < 500  # Django's multipart parser drops a NUL from file names
    assert all("\x00" not in name for name in ImportJob.objects.values_list("file_name", flat=True))


def test_text_without_nul_still_works(hr):
    client, _person = hr
    assert client.get("/people/?q=%E2%80%94ada").status_code == 200
    assert client.get("/api/people?q=ada").status_code == 200


# -- the API always answers its own JSON error format -------------------------------------------


def test_unknown_api_route_is_json_not_found(hr):
    client, _person = hr
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and response.json()["message"]


def test_wrong_method_on_an_api_route_is_json(hr):
    client, _person = hr
    response = client.delete("/api/people")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_oversized_json_body_is_json_413_and_nothing_is_written(hr, settings):
    from tandem.people.models import CompetencyRating
    from tests.factories import CompetencyFactory

    client, person = hr
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    competency = CompetencyFactory()
    response = client.post(
        f"/api/people/{person.employee_id}/ratings",
        {"competency": competency.code, "level": 3, "source": "assessment", "note": "x" * 2000},
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not CompetencyRating.objects.exists()


def test_oversized_form_on_a_page_is_a_413_page(hr, settings):
    client, person = hr
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(f"/people/{person.employee_id}/edit/", {"bio": "x" * 2000})
    assert response.status_code == 413
    assert "text/html" in response["Content-Type"]


def test_a_malformed_multipart_upload_is_a_json_400(hr):
    client, _person = hr
    response = client.generic("POST", "/api/imports", b"--x\r\nbroken", content_type="multipart/form-data; boundary=")
    assert response.status_code == 400
    assert response.json()["code"] in ("malformed_request", "bad_request")


def test_server_error_in_the_api_is_json_in_the_error_format(hr, monkeypatch):
    from tandem.people import api as people_api

    client, _person = hr

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(people_api.selectors, "department_list", broken)
    client.raise_request_exception = False
    response = client.get("/api/departments")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "boom" not in response.content.decode()
