"""Import pages and API: permissions, upload, status polling, errors as JSON, templates."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.people.models import ImportJob, ImportStatus, Person
from tests.factories import DepartmentFactory

PEOPLE = "employee_id,full_name,email,department_code\nW1,Web One,w1@example.com,WEB\n"
PEOPLE_WITH_ERROR = PEOPLE + "W2,Web Two,not-an-email,WEB\n"


def upload(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def web_dept(db):
    return DepartmentFactory(code="WEB", name="Web")


@pytest.fixture
def staff_client(client, make_person):
    """Signed in as an ordinary person (not HR)."""
    client.force_login(make_person().user)
    return client


# -- pages -----------------------------------------------------------------------------------


def test_hr_sees_the_import_page_with_column_help_and_templates(hr_client):
    response = hr_client.get(reverse("import_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "manager_employee_id" in page and "competency_code" in page
    assert reverse("import_template", args=["people"]) in page


@pytest.mark.parametrize("name", ["import_list", "import_detail", "import_status", "import_template"])
def test_a_person_who_is_not_hr_gets_403_on_every_import_page(staff_client, name):
    job = ImportJob.objects.create(kind="people", file_name="x.csv", file="imports/x.csv")
    args = {"import_list": [], "import_template": ["people"]}.get(name, [job.pk])

    response = staff_client.get(reverse(name, args=args))

    assert response.status_code == 403


def test_upload_on_the_page_redirects_to_the_detail_which_lists_the_errors(
    hr_client, web_dept, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(reverse("import_list"), {"kind": "people", "file": upload(PEOPLE_WITH_ERROR)})

    # then
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import_detail", args=[job.pk])
    page = hr_client.get(response["Location"]).content.decode()
    assert "nothing was written" in page
    assert "not-an-email" in page and "<code>email</code>" in page
    assert not Person.objects.filter(employee_id__in=["W1", "W2"]).exists()


def test_uploading_a_txt_file_is_refused_with_a_message_and_creates_no_job(hr_client):
    response = hr_client.post(reverse("import_list"), {"kind": "people", "file": upload(PEOPLE, "people.txt")})

    assert response.status_code == 400
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_oversized_upload_is_refused_and_creates_no_job(hr_client, settings):
    settings.IMPORT_MAX_BYTES = 20

    response = hr_client.post(reverse("import_list"), {"kind": "people", "file": upload(PEOPLE)})

    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_fake_xlsx_is_refused_at_upload(hr_client):
    response = hr_client.post(reverse("import_list"), {"kind": "people", "file": upload(PEOPLE, "people.xlsx")})

    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_the_status_fragment_reports_progress_and_keeps_polling_while_the_job_runs(hr_client):
    job = ImportJob.objects.create(
        kind="people", file_name="x.csv", file="imports/x.csv",
        status=ImportStatus.VALIDATING, total_rows=200, processed_rows=50,
    )

    response = hr_client.get(reverse("import_status", args=[job.pk]), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-valuenow="25"' in html and "50 of 200 rows" in html
    assert 'hx-trigger="every 1s"' in html
    assert "HX-Refresh" not in response


def test_the_status_fragment_stops_polling_and_reloads_the_page_when_the_job_ends(hr_client):
    job = ImportJob.objects.create(
        kind="people", file_name="x.csv", file="imports/x.csv", status=ImportStatus.DONE, total_rows=3,
    )

    response = hr_client.get(reverse("import_status", args=[job.pk]), HTTP_HX_REQUEST="true")

    assert 'aria-valuenow="100"' in response.content.decode()
    assert "hx-trigger" not in response.content.decode()
    assert response["HX-Refresh"] == "true"


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        ("departments", ["code", "name", "parent_code", "head_employee_id"]),
        ("job_profiles", ["code", "title", "description", "competency_code", "target_level"]),
        ("ratings", ["employee_id", "competency_code", "level", "source", "rated_on", "rated_by_employee_id", "note"]),
    ],
)
def test_the_csv_template_has_the_columns_of_its_kind(hr_client, kind, header):
    response = hr_client.get(reverse("import_template", args=[kind]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == header


def test_the_people_template_can_be_imported_back_as_a_header(hr_client):
    response = hr_client.get(reverse("import_template", args=["people"]))

    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:4] == ["employee_id", "full_name", "email", "department_code"]
    assert len(header) == 15  # left_on: the leaving date (insights)


# -- API -------------------------------------------------------------------------------------


def test_api_post_returns_201_and_then_the_errors_as_json_by_row_and_column(
    hr_client, web_dept, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        created = hr_client.post("/api/imports", {"kind": "people", "file": upload(PEOPLE_WITH_ERROR)})
    job = hr_client.get(f"/api/imports/{created.json()['id']}").json()

    # then
    assert created.status_code == 201
    assert job["status"] == "failed" and job["error_count"] == 1
    assert job["errors"] == [
        {"row": 3, "column": "email", "value": "not-an-email", "message": "Enter a valid email address."}
    ]
    assert not Person.objects.filter(employee_id="W1").exists()


def test_api_import_of_a_valid_file_reports_the_counts(hr_client, web_dept, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = hr_client.post("/api/imports", {"kind": "people", "file": upload(PEOPLE)})

    job = hr_client.get(f"/api/imports/{created.json()['id']}").json()
    assert (job["status"], job["percent"], job["created_count"], job["updated_count"]) == ("done", 100, 1, 0)
    assert Person.objects.filter(employee_id="W1").exists()


def test_api_refuses_a_wrong_kind_with_a_clear_message(hr_client):
    response = hr_client.post("/api/imports", {"kind": "cats", "file": upload(PEOPLE)})

    assert response.status_code == 400
    assert response.json()["code"] == "import_kind"
    assert not ImportJob.objects.exists()


def test_a_person_who_is_not_hr_gets_403_from_the_import_api(staff_client):
    job = ImportJob.objects.create(kind="people", file_name="x.csv", file="imports/x.csv")

    posted = staff_client.post("/api/imports", {"kind": "people", "file": upload(PEOPLE)})
    fetched = staff_client.get(f"/api/imports/{job.pk}")

    assert (posted.status_code, fetched.status_code) == (403, 403)
    assert ImportJob.objects.count() == 1


def test_the_import_api_needs_authentication(client, db):
    assert client.get("/api/imports/1").status_code == 401
