"""Column-mapping pages and API, the import page's codes and XLSX templates, the error table, and
who may use them (a permission matrix)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.accounts.models import Invitation
from tandem.people.models import Department, ImportJob, ImportMapping, ImportStatus, Person
from tests.factories import (
    CompetencyFactory,
    DepartmentFactory,
    JobProfileFactory,
    LocationFactory,
    UserFactory,
)

IBM = Path(__file__).resolve().parent.parent / "data" / "ibm-hr-attrition-30.csv"


def ibm_upload(name: str = "hris.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, IBM.read_bytes(), content_type="text/csv")


@pytest.fixture
def org(db):
    DepartmentFactory(code="RND", name="Research")
    DepartmentFactory(code="SALES", name="Sales")


@pytest.fixture
def mapping(hr_person, org):
    from tandem.people import import_mapping

    table = import_mapping.read_sample(IBM.read_bytes(), IBM.name)
    return import_mapping.import_mapping_create(
        user=hr_person.user, name="IBM HRIS", kind="people", table=table,
        columns={"employee_id": {"source": "EmployeeNumber"},
                 "full_name": {"pattern": "Employee {EmployeeNumber}"},
                 "email": {"pattern": "e{EmployeeNumber}@example.com"},
                 "department_code": {"source": "Department", "values": {"Research & Development": "RND"}}},
    )


def mapping_post(**overrides: str) -> dict[str, str]:
    data = {
        "name": "IBM HRIS",
        "source-employee_id": "EmployeeNumber",
        "pattern-full_name": "Employee {EmployeeNumber}",
        "pattern-email": "e{EmployeeNumber}@example.com",
        "source-department_code": "Department",
        "values-department_code": "Research & Development = RND",
    }
    data.update(overrides)
    return data


# -- who may use them --------------------------------------------------------------------------


@pytest.fixture
def clients(client, make_person, db):
    """Signed-in clients per role, built on demand."""

    def make(role: str):
        if role == "anonymous":
            return client
        if role == "hr":
            user = make_person(groups=["hr_admin"]).user
        elif role == "employee":
            user = make_person().user
        elif role == "program_manager":
            user = make_person(groups=["program_manager"]).user  # owns no program
        elif role == "no_person":
            user = UserFactory()
        elif role == "hr_no_person":
            user = UserFactory()
            user.groups.add(Group.objects.get_or_create(name="hr_admin")[0])
        client.force_login(user)
        return client

    return make


PAGES = [
    ("get", "import_mappings", False),
    ("get", "import_mapping", True),
    ("post", "import_mapping", True),
    ("post", "import_mapping_delete", True),
    ("get", "import_template_xlsx", False),
]


@pytest.mark.parametrize(("method", "name", "needs_id"), PAGES)
@pytest.mark.parametrize(("role", "expected"), [
    ("employee", 403), ("program_manager", 403), ("no_person", 403), ("anonymous", 302),
])
def test_only_hr_may_open_the_mapping_pages_and_templates(clients, mapping, method, name, needs_id, role, expected):
    args = [mapping.pk] if needs_id else (["people"] if name == "import_template_xlsx" else [])

    response = getattr(clients(role), method)(reverse(name, args=args), mapping_post())

    assert response.status_code == expected
    assert ImportMapping.objects.filter(pk=mapping.pk, name="IBM HRIS").exists()


@pytest.mark.parametrize("role", ["hr", "hr_no_person"])
def test_hr_opens_the_mapping_pages_even_without_a_linked_person(clients, mapping, role):
    client = clients(role)

    assert client.get(reverse("import_mappings")).status_code == 200
    assert client.get(reverse("import_mapping", args=[mapping.pk])).status_code == 200


def test_a_mapping_that_does_not_exist_is_404(hr_client, db):
    assert hr_client.get(reverse("import_mapping", args=[999999])).status_code == 404
    assert hr_client.post(reverse("import_mapping_delete", args=[999999])).status_code == 404


@pytest.mark.parametrize(("role", "expected"), [
    ("employee", 403), ("program_manager", 403), ("no_person", 403), ("anonymous", 401),
])
def test_only_hr_may_use_the_mapping_api(clients, mapping, role, expected):
    client = clients(role)

    responses = [
        client.get("/api/import-mappings"),
        client.get(f"/api/import-mappings/{mapping.pk}"),
        client.put(f"/api/import-mappings/{mapping.pk}", {"name": "x", "columns": {}}, content_type="application/json"),
        client.delete(f"/api/import-mappings/{mapping.pk}"),
        client.post("/api/import-mappings", {"name": "y", "kind": "people", "file": ibm_upload()}),
        client.post("/api/imports", {"kind": "people", "file": ibm_upload(), "mapping_id": mapping.pk}),
    ]

    assert [r.status_code for r in responses] == [expected] * 6
    assert ImportMapping.objects.get().name == "IBM HRIS" and not ImportJob.objects.exists()


# -- the pages -------------------------------------------------------------------------------


def test_hr_makes_a_mapping_from_a_sample_and_sees_its_columns_and_values(hr_client, org):
    response = hr_client.post(reverse("import_mappings"),
                              {"name": "IBM HRIS", "kind": "people", "file": ibm_upload()})

    mapping = ImportMapping.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import_mapping", args=[mapping.pk])
    page = hr_client.get(response["Location"]).content.decode()
    assert '<option value="EmployeeNumber" selected>' in page  # recognised as employee_id
    assert "Research &amp; Development" in page  # a value seen in the sample, for the value map
    assert "Map the required columns first: full_name, email." in page
    assert "Import a file with this mapping" in page and 'name="mapping"' not in page  # no import yet


def test_saving_the_mapping_on_the_page_then_importing_with_it(hr_client, mapping, django_capture_on_commit_callbacks):
    response = hr_client.post(reverse("import_mapping", args=[mapping.pk]),
                              mapping_post(**{"source-job_profile_code": "JobRole",
                                              "values-job_profile_code": ""}))
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.columns["job_profile_code"] == {"source": "JobRole"}
    JobProfileFactory(code="X", title="placeholder")
    for title in {line.split(",")[15] for line in IBM.read_text("utf-8-sig").splitlines()[1:]}:
        JobProfileFactory(code=title[:20].upper().replace(" ", "_"), title=title)

    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(reverse("import_list"),
                                  {"kind": "people", "file": ibm_upload(), "mapping": mapping.pk})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportStatus.DONE, job.errors
    assert job.created_count == 30
    page = hr_client.get(reverse("import_detail", args=[job.pk])).content.decode()
    assert "IBM HRIS" in page


def test_a_mapping_with_a_mistake_is_not_saved_and_the_page_says_why(hr_client, mapping):
    response = hr_client.post(reverse("import_mapping", args=[mapping.pk]),
                              mapping_post(**{"pattern-full_name": "Employee {EmployeeNumber",
                                              "values-department_code": "no equals sign",
                                              "name": ""}))

    assert response.status_code == 400
    page = response.content.decode()
    assert "in braces" in page and "value in your file = value in Tandem" in page
    assert "Give the mapping a name." in page
    mapping.refresh_from_db()
    assert mapping.columns["full_name"] == {"pattern": "Employee {EmployeeNumber}"}


def test_a_nul_in_the_mapping_name_is_a_400_with_a_message(hr_client, mapping):
    response = hr_client.post(reverse("import_mapping", args=[mapping.pk]), mapping_post(name="bad\x00name"))

    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.name == "IBM HRIS"


def test_a_tab_in_a_pattern_is_refused_with_a_message(hr_client, mapping):
    response = hr_client.post(reverse("import_mapping", args=[mapping.pk]),
                              mapping_post(**{"pattern-full_name": "Employee\t{EmployeeNumber}"}))

    assert response.status_code == 400
    assert "control characters" in response.content.decode()


def test_a_sample_that_is_not_a_spreadsheet_is_refused_on_the_page(hr_client, db):
    response = hr_client.post(reverse("import_mappings"), {
        "name": "x", "kind": "people", "file": SimpleUploadedFile("x.txt", b"hello")})

    assert response.status_code == 400
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not ImportMapping.objects.exists()


def test_uploading_with_a_mapping_missing_required_columns_is_refused_on_the_page(hr_client, org, hr_person):
    incomplete = ImportMapping.objects.create(name="half", kind="people",
                                              columns={"employee_id": {"source": "EmployeeNumber"}})

    response = hr_client.post(reverse("import_list"),
                              {"kind": "people", "file": ibm_upload(), "mapping": incomplete.pk})

    assert response.status_code == 400
    assert "Map the required columns first: full_name, email, department_code." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_deleting_a_mapping_keeps_the_imports_made_with_it(hr_client, mapping, hr_person):
    job = ImportJob.objects.create(kind="people", file_name="x.csv", file="imports/x.csv", mapping=mapping,
                                   mapping_spec=mapping.columns)

    response = hr_client.post(reverse("import_mapping_delete", args=[mapping.pk]))

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.mapping is None and job.mapping_spec["employee_id"] == {"source": "EmployeeNumber"}


def test_the_mapping_list_paginates_and_has_an_empty_state(hr_client, db):
    assert "No mappings yet" in hr_client.get(reverse("import_mappings")).content.decode()
    for i in range(30):
        ImportMapping.objects.create(name=f"m{i:02}", kind="people")

    page = hr_client.get(reverse("import_mappings")).content.decode()

    assert "m24" in page and "m25" not in page and "Page 1 of 2" in page


def test_the_invite_checkbox_on_the_page_invites_the_new_people(hr_client, org, django_capture_on_commit_callbacks):
    csv = "employee_id,full_name,email,department_code\nN1,New One,n1@example.com,RND\n"

    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(reverse("import_list"), {"kind": "people", "invite_new": "on",
                                                "file": SimpleUploadedFile("p.csv", csv.encode())})

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE and job.invited_count == 1
    assert Invitation.objects.get().person.employee_id == "N1"
    assert "invited to sign in" in hr_client.get(reverse("import_detail", args=[job.pk])).content.decode()


# -- the import page: codes, templates, the error table -------------------------------------------


def test_the_import_page_lists_the_saved_codes_it_needs(hr_client, db):
    DepartmentFactory(code="ENG", name="Engineering")
    JobProfileFactory(code="BE-DEV", title="Backend developer")
    LocationFactory(name="Lisbon")
    CompetencyFactory(code="python", name="Python")

    page = hr_client.get(reverse("import_list")).content.decode()

    for text in ("<code>ENG</code>", "Engineering", "<code>BE-DEV</code>", "Lisbon", "<code>python</code>"):
        assert text in page
    assert reverse("import_template_xlsx", args=["people"]) in page


def test_the_xlsx_template_has_an_example_row_help_notes_and_drop_downs_of_the_codes(hr_client, db):
    DepartmentFactory(code="ENG", name="Engineering")
    DepartmentFactory(code="OPS", name="Operations")

    response = hr_client.get(reverse("import_template_xlsx", args=["people"]))

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet, lists = book.worksheets
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["employee_id", "full_name", "email", "department_code"]
    example = {h: c.value for h, c in zip(header, sheet[2], strict=False)}
    saved = sorted(Department.objects.values_list("code", flat=True))
    assert example["department_code"] == saved[0] and example["email"] == "ada@example.com"
    assert "Code of an existing department" in sheet["D1"].comment.text
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert "D2:D5000" in validations  # department_code
    codes = [c.value for c in lists["A"][1:] if c.value is not None]
    assert codes == saved and {"ENG", "OPS"} <= set(codes)
    styles = next(col for col in lists.iter_cols(values_only=True) if col[0] == "communication_style")
    assert "analytical" in styles


def test_the_xlsx_template_of_an_unknown_kind_is_404(hr_client, db):
    assert hr_client.get(reverse("import_template_xlsx", args=["nothing"])).status_code == 404


def test_the_xlsx_template_imports_back_once_the_example_row_is_real(hr_client, db, django_capture_on_commit_callbacks):
    DepartmentFactory(code="ENG")
    content = hr_client.get(reverse("import_template_xlsx", args=["departments"])).content

    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(reverse("import_list"), {"kind": "departments",
                                                "file": SimpleUploadedFile("d.xlsx", content)})

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED  # the example's parent "HQ" does not exist: checked like any row
    assert job.errors[0]["column"] == "parent_code"


def test_a_long_value_in_the_error_table_is_cut_with_the_rest_on_demand(hr_client, db):
    value = "v" * 150
    job = ImportJob.objects.create(kind="people", file_name="x.csv", file="imports/x.csv", status="failed",
                                   error_count=1, errors=[{"row": 2, "column": "full_name", "value": value,
                                                           "message": "At most 160 characters."}])

    page = hr_client.get(reverse("import_detail", args=[job.pk])).content.decode()

    assert "<details><summary>" + "v" * 59 + "…</summary>" in page
    assert value in page  # the whole value, inside the details
    assert "99 %" not in page


def test_a_failed_import_page_never_says_99_percent(hr_client, db):
    job = ImportJob.objects.create(kind="people", file_name="x.csv", file="imports/x.csv", status="failed",
                                   total_rows=100, processed_rows=99, error_count=1,
                                   errors=[{"row": 2, "column": "email", "value": "x", "message": "bad"}])

    page = hr_client.get(reverse("import_detail", args=[job.pk])).content.decode()
    status = hr_client.get(reverse("import_status", args=[job.pk])).content.decode()

    assert "99 %" not in page and "99 %" not in status
    assert hr_client.get(f"/api/imports/{job.pk}").json()["percent"] == 100


def test_the_detail_of_an_unchanged_reimport_says_unchanged(hr_client, db):
    job = ImportJob.objects.create(kind="people", file_name="x.csv", file="imports/x.csv", status="done",
                                   total_rows=3, unchanged_count=3)

    page = hr_client.get(reverse("import_detail", args=[job.pk])).content.decode()

    assert "Nothing changed: every row matches what is saved." in page


# -- the API ---------------------------------------------------------------------------------


def test_api_imports_with_a_saved_mapping_id(hr_client, mapping, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post("/api/imports", {"kind": "people", "file": ibm_upload(), "mapping_id": mapping.pk})

    assert response.status_code == 201
    body = hr_client.get(f"/api/imports/{response.json()['id']}").json()
    assert body["status"] == "done" and body["created_count"] == 30 and body["mapping_id"] == mapping.pk


def test_api_imports_with_an_inline_mapping_and_reports_unchanged_the_second_time(
        hr_client, org, django_capture_on_commit_callbacks):
    inline = json.dumps({"employee_id": {"source": "EmployeeNumber"},
                         "full_name": {"pattern": "Employee {EmployeeNumber}"},
                         "email": {"pattern": "e{EmployeeNumber}@example.com"},
                         "department_code": {"source": "Department",
                                             "values": {"research & development": "RND"}}})
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = hr_client.post("/api/imports", {"kind": "people", "file": ibm_upload(), "mapping": inline})

    body = hr_client.get(f"/api/imports/{response.json()['id']}").json()
    assert (body["created_count"], body["updated_count"], body["unchanged_count"]) == (0, 0, 30)
    assert Person.objects.get(employee_id="2").department.code == "RND"


@pytest.mark.parametrize(("data", "code"), [
    ({"mapping": '{"employee_id": {"source": "EmployeeNumber"}}'}, "mapping_incomplete"),
    ({"mapping": "{not json"}, "mapping_invalid"),
    ({"mapping": '{"nickname": {"source": "Age"}}'}, "validation_failed"),
    ({"invite_new": "true", "kind": "ratings"}, "import_invite_kind"),
])
def test_api_refuses_a_bad_mapping_with_its_code(hr_client, org, data, code):
    response = hr_client.post("/api/imports", {"kind": "people", "file": ibm_upload(), **data})

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not ImportJob.objects.exists()


def test_api_lists_missing_required_columns_of_an_incomplete_mapping(hr_client, org):
    response = hr_client.post("/api/imports", {"kind": "people", "file": ibm_upload(),
                                               "mapping": '{"employee_id": {"source": "EmployeeNumber"}}'})

    assert response.json()["missing"] == ["full_name", "email", "department_code"]


def test_api_import_with_someone_elses_or_no_mapping_id_is_404(hr_client, org):
    response = hr_client.post("/api/imports", {"kind": "people", "file": ibm_upload(), "mapping_id": 987654})

    assert response.status_code == 404 and not ImportJob.objects.exists()


def test_api_creates_reads_updates_and_deletes_a_mapping(hr_client, org):
    created = hr_client.post("/api/import-mappings", {"name": "IBM", "kind": "people", "file": ibm_upload()})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["columns"]["employee_id"] == {"source": "EmployeeNumber"}
    assert body["missing"] == ["full_name", "email"]

    updated = hr_client.put(f"/api/import-mappings/{body['id']}", {
        "name": "IBM export", "columns": {**body["columns"], "full_name": {"pattern": "Employee {EmployeeNumber}"},
                                          "email": {"pattern": "e{EmployeeNumber}@example.com"}},
    }, content_type="application/json")
    assert updated.status_code == 200 and updated.json()["missing"] == []
    assert [m["name"] for m in hr_client.get("/api/import-mappings?kind=people").json()] == ["IBM export"]

    bad = hr_client.put(f"/api/import-mappings/{body['id']}", {"name": "IBM export", "columns": {
        "full_name": {"pattern": "{Nope}"}}}, content_type="application/json")
    assert bad.status_code == 400 and "Nope" in json.dumps(bad.json())

    assert hr_client.delete(f"/api/import-mappings/{body['id']}").status_code == 204
    assert not ImportMapping.objects.exists()


def test_the_mapping_list_and_the_import_page_take_the_same_queries_for_3_or_30_records(
        hr_client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert hr_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        ImportMapping.objects.create(name=f"a{i}", kind="people", created_by=UserFactory())
        DepartmentFactory(code=f"A{i}")
    few = (queries(reverse("import_mappings")), queries(reverse("import_list")))
    for i in range(27):
        ImportMapping.objects.create(name=f"b{i}", kind="people", created_by=UserFactory())
        DepartmentFactory(code=f"B{i}")

    assert (queries(reverse("import_mappings")), queries(reverse("import_list"))) == few


@pytest.mark.parametrize("kind", ["departments", "competencies", "job_profiles", "people", "ratings", "outcomes"])
def test_every_kind_has_an_xlsx_template_whose_header_is_its_columns(hr_client, db, kind):
    from tandem.people import importing

    response = hr_client.get(reverse("import_template_xlsx", args=[kind]))

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == importing.template_header(kind)


def test_a_failed_export_is_offered_the_saved_mapping_that_fits_and_imports_with_one_click(
        hr_client, mapping, django_capture_on_commit_callbacks):
    ImportMapping.objects.create(name="Other system", kind="people", source_columns=["Foo"],
                                 columns=mapping.columns)
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(reverse("import_list"), {"kind": "people", "file": ibm_upload()})
    failed = ImportJob.objects.get()
    assert failed.status == ImportStatus.FAILED

    page = hr_client.get(reverse("import_detail", args=[failed.pk])).content.decode()
    assert "Import it again with “IBM HRIS”" in page and "Other system" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(reverse("import_remap", args=[failed.pk]), {"mapping": mapping.pk})

    again = ImportJob.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("import_detail", args=[again.pk])
    assert again.status == ImportStatus.DONE and again.created_count == 30 and again.mapping == mapping
    failed.refresh_from_db()
    assert failed.status == ImportStatus.FAILED


@pytest.mark.parametrize(("role", "expected"), [
    ("employee", 403), ("program_manager", 403), ("no_person", 403), ("anonymous", 302),
])
def test_only_hr_may_import_a_file_again_with_a_mapping(clients, mapping, role, expected):
    job = ImportJob.objects.create(kind="people", file_name="x.csv", file="imports/x.csv", status="failed")

    response = clients(role).post(reverse("import_remap", args=[job.pk]), {"mapping": mapping.pk})

    assert response.status_code == expected
    assert ImportJob.objects.count() == 1


def test_importing_again_with_a_missing_mapping_or_job_is_404(hr_client, mapping):
    job = ImportJob.objects.create(kind="people", file_name="x.csv", file="imports/x.csv", status="failed")

    assert hr_client.post(reverse("import_remap", args=[job.pk]), {"mapping": "nope"}).status_code == 404
    assert hr_client.post(reverse("import_remap", args=[job.pk]), {"mapping": 99999}).status_code == 404
    assert hr_client.post(reverse("import_remap", args=[99999]), {"mapping": mapping.pk}).status_code == 404
    assert hr_client.get(reverse("import_remap", args=[job.pk])).status_code == 405


def test_a_running_import_cannot_be_imported_again_yet(hr_client, mapping):
    job = ImportJob.objects.create(kind="people", file_name="x.csv", file="imports/x.csv", status="queued")

    response = hr_client.post(reverse("import_remap", args=[job.pk]), {"mapping": mapping.pk}, follow=True)

    assert "This import is still running." in response.content.decode()
    assert ImportJob.objects.count() == 1
