"""Spreadsheet import: parsing, validation (all or nothing), re-import by key, and writes."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.people import import_services, importing
from tandem.people.models import (
    CompetencyRating,
    CurrentLevel,
    Department,
    ImportJob,
    ImportStatus,
    JobProfile,
    JobProfileRequirement,
    Person,
)
from tests.factories import (
    CompetencyFactory,
    DepartmentFactory,
    JobProfileFactory,
    LanguageFactory,
    LocationFactory,
    PersonFactory,
)

PEOPLE_HEADER = "employee_id,full_name,email,department_code,manager_employee_id,job_profile_code,languages,hire_date"


def csv_upload(text: str, name: str = "file.csv", *, bom: bool = False) -> SimpleUploadedFile:
    data = text.encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data, content_type="text/csv")


def xlsx_upload(rows: list[list], name: str = "file.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def run_import(hr_person, django_capture_on_commit_callbacks):
    """Upload through the service and run the queued task (tests use the inline task backend)."""

    def run(kind: str, upload: SimpleUploadedFile) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_services.import_job_create(user=hr_person.user, kind=kind, uploaded_file=upload)
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def org(db):
    eng = DepartmentFactory(code="ENG", name="Engineering")
    DepartmentFactory(code="OPS", name="Operations")
    JobProfileFactory(code="DEV", title="Developer")
    LanguageFactory(code="en", name="English")
    LanguageFactory(code="de", name="German")
    LocationFactory(name="Berlin")
    return eng


def people_csv(*rows: str) -> SimpleUploadedFile:
    return csv_upload("\n".join([PEOPLE_HEADER, *rows]) + "\n", "people.csv")


VALID_PEOPLE = (
    "A2,Bob Builder,bob@example.com,ENG,A1,DEV,en;de,2021-02-03",
    "A1,Alice Boss,alice@example.com,ENG,,DEV,en,2019-01-01",
    "A3,Carol Ops,carol@example.com,OPS,A1,,,",
)


def only_error(job: ImportJob) -> dict:
    assert job.status == ImportStatus.FAILED
    assert len(job.errors) == 1, job.errors
    return job.errors[0]


# -- people ----------------------------------------------------------------------------------


def test_valid_people_csv_creates_people_with_department_manager_job_profile_and_languages(org, run_import):
    # when
    job = run_import("people", people_csv(*VALID_PEOPLE))

    # then
    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created_count, job.updated_count, job.total_rows) == (3, 0, 3)
    bob = Person.objects.get(employee_id="A2")
    assert bob.department.code == "ENG"
    assert bob.manager.employee_id == "A1"  # the manager is defined later in the file
    assert bob.job_profile.code == "DEV"
    assert sorted(bob.languages.values_list("code", flat=True)) == ["de", "en"]
    assert bob.hire_date == datetime.date(2021, 2, 3)
    carol = Person.objects.get(employee_id="A3")
    assert carol.job_profile is None and carol.hire_date is None and carol.time_zone == "UTC"


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_reader(request, monkeypatch):
    if request.param == "openpyxl":
        monkeypatch.setattr(importing, "CalamineWorkbook", None)
    elif importing.CalamineWorkbook is None:
        pytest.skip("python-calamine is not installed")
    return request.param


def test_people_xlsx_reads_the_first_sheet_with_excel_dates_and_numbers(org, run_import, xlsx_reader):
    # given: numbers and dates typed into Excel cells
    rows = [
        ["Employee ID", "Full Name", "EMAIL", "department_code", "hire_date", "mentor_capacity", "time_zone"],
        [1001, "Dora Xlsx", "dora@example.com", "ENG", datetime.datetime(2020, 5, 17), 3, "Europe/Berlin"],
        [1002, "Eve Xlsx", "eve@example.com", "OPS", 44000, None, None],
    ]

    # when
    job = run_import("people", xlsx_upload(rows))

    # then
    assert job.status == ImportStatus.DONE, job.errors
    dora = Person.objects.get(employee_id="1001")
    assert dora.hire_date == datetime.date(2020, 5, 17)
    assert dora.mentor_capacity == 3 and dora.time_zone == "Europe/Berlin"
    assert Person.objects.get(employee_id="1002").hire_date == datetime.date(2020, 6, 18)  # Excel serial


def test_reimporting_the_same_people_file_reports_unchanged_and_creates_no_duplicates(org, run_import):
    # given
    run_import("people", people_csv(*VALID_PEOPLE))
    count = Person.objects.count()

    # when
    job = run_import("people", people_csv(*VALID_PEOPLE))

    # then: "3 unchanged", not "3 updated"
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 3)
    assert Person.objects.count() == count
    assert Person.objects.get(employee_id="A2").languages.count() == 2


def test_reimport_changes_fields_and_keeps_what_columns_left_out_say_nothing_about(org, run_import):
    # given
    run_import("people", people_csv(*VALID_PEOPLE))

    # when: a file without the manager, job profile and hire date columns
    job = run_import("people", csv_upload(
        "employee_id,full_name,email,department_code,languages\n"
        "A2,Bob Renamed,bob@new.example.com,OPS,de\n"
    ))

    # then
    assert job.status == ImportStatus.DONE and job.updated_count == 1
    bob = Person.objects.get(employee_id="A2")
    assert (bob.full_name, bob.email, bob.department.code) == ("Bob Renamed", "bob@new.example.com", "OPS")
    assert bob.manager.employee_id == "A1" and bob.job_profile.code == "DEV"
    assert bob.hire_date == datetime.date(2021, 2, 3)
    assert list(bob.languages.values_list("code", flat=True)) == ["de"]


@pytest.mark.parametrize(
    ("bad_row", "column", "value"),
    [
        ("A9,Bad Email,not-an-email,ENG,,,,", "email", "not-an-email"),
        ("A9,Bad Dept,x@example.com,NOPE,,,,", "department_code", "NOPE"),
        ("A9,Bad Date,x@example.com,ENG,,,,31/12/2020", "hire_date", "31/12/2020"),
        ("A9,No Date,x@example.com,ENG,,,,2021-02-30", "hire_date", "2021-02-30"),
        ("A9,Bad Lang,x@example.com,ENG,,,xx,", "languages", "xx"),
        ("A9,Bad Profile,x@example.com,ENG,,NOPE,,", "job_profile_code", "NOPE"),
        ("A9,Bad Manager,x@example.com,ENG,ZZZ,,,", "manager_employee_id", "ZZZ"),
        ("A9,Self Managed,x@example.com,ENG,A9,,,", "manager_employee_id", "A9"),
        (",No Id,x@example.com,ENG,,,,", "employee_id", ""),
    ],
)
def test_one_bad_row_fails_the_import_names_row_and_column_and_writes_nothing(org, run_import, bad_row, column, value):
    # given: a valid row, then the bad one on spreadsheet row 3
    before = Person.objects.count()

    # when
    job = run_import("people", people_csv("A1,Alice Boss,alice@example.com,ENG,,DEV,en,2019-01-01", bad_row))

    # then
    error = only_error(job)
    assert (error["row"], error["column"], error["value"]) == (3, column, value)
    assert error["message"]
    assert Person.objects.count() == before  # not even the valid row


@pytest.mark.parametrize(
    ("column", "value", "message_part"),
    [
        ("time_zone", "Mars/Base", "time zone"),
        ("communication_style", "loud", "direct"),
        ("mentor_capacity", "21", "0 to 20"),
        ("mentoring_hours_per_month", "lots", "whole number"),
    ],
)
def test_optional_people_columns_are_validated(org, run_import, column, value, message_part):
    job = run_import("people", csv_upload(
        f"employee_id,full_name,email,department_code,{column}\nA1,Alice,a@example.com,ENG,{value}\n"
    ))

    error = only_error(job)
    assert (error["row"], error["column"], error["value"]) == (2, column, value)
    assert message_part in error["message"]
    assert not Person.objects.filter(employee_id="A1").exists()


def test_a_duplicate_employee_id_in_the_file_is_reported_on_the_second_row(org, run_import):
    job = run_import("people", people_csv(
        "A1,Alice,alice@example.com,ENG,,,,", "A1,Alice Again,alice2@example.com,ENG,,,,"
    ))

    error = only_error(job)
    assert (error["row"], error["column"]) == (3, "employee_id")
    assert "row 2" in error["message"]


def test_a_manager_cycle_is_rejected_on_every_row_in_it(org, run_import):
    job = run_import("people", people_csv(
        "A1,Alice,alice@example.com,ENG,A2,,,", "A2,Bob,bob@example.com,ENG,A3,,,", "A3,Carol,carol@example.com,ENG,A1,,,"
    ))

    assert job.status == ImportStatus.FAILED
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (2, "manager_employee_id"), (3, "manager_employee_id"), (4, "manager_employee_id")
    }
    assert "cycle" in job.errors[0]["message"]
    assert not Person.objects.filter(employee_id__in=["A1", "A2", "A3"]).exists()


def test_a_manager_cycle_through_a_saved_person_is_rejected(org, run_import):
    # given: saved B reports to saved A
    a = PersonFactory(employee_id="A1", department=org)
    PersonFactory(employee_id="B1", department=org, manager=a)

    # when: the file makes A report to B
    job = run_import("people", csv_upload(
        "employee_id,full_name,email,department_code,manager_employee_id\nA1,Alice,alice@example.com,ENG,B1\n"
    ))

    assert only_error(job)["column"] == "manager_employee_id"
    assert Person.objects.get(employee_id="A1").manager is None


def test_an_email_of_another_saved_person_is_rejected(org, run_import):
    PersonFactory(employee_id="S1", email="taken@example.com", department=org)

    job = run_import("people", people_csv("A1,Alice,TAKEN@example.com,ENG,,,,"))

    error = only_error(job)
    assert (error["column"], error["value"]) == ("email", "TAKEN@example.com")
    assert "S1" in error["message"]


def test_two_saved_people_can_swap_email_addresses(org, run_import):
    PersonFactory(employee_id="S1", email="one@example.com", department=org)
    PersonFactory(employee_id="S2", email="two@example.com", department=org)

    job = run_import("people", csv_upload(
        "employee_id,full_name,email,department_code\nS1,One,two@example.com,ENG\nS2,Two,one@example.com,ENG\n"
    ))

    assert job.status == ImportStatus.DONE, job.errors
    assert Person.objects.get(employee_id="S1").email == "two@example.com"
    assert Person.objects.get(employee_id="S2").email == "one@example.com"


# -- file-level problems ---------------------------------------------------------------------


def test_a_missing_required_column_is_a_file_level_error(org, run_import):
    job = run_import("people", csv_upload("employee_id,full_name,department_code\nA1,Alice,ENG\n"))

    error = only_error(job)
    assert (error["row"], error["column"]) == (1, "email")
    assert "missing" in error["message"]


def test_an_unknown_column_is_refused_so_a_typo_never_drops_data(org, run_import):
    job = run_import("people", csv_upload("employee_id,full_name,email,department_code,emial\nA1,A,a@example.com,ENG,x\n"))

    error = only_error(job)
    assert (error["row"], error["column"]) == (1, "emial")
    assert "Unknown column" in error["message"]


@pytest.mark.parametrize("content", ["", "\n\n", "employee_id,full_name,email,department_code\n"])
def test_an_empty_file_or_a_header_without_rows_fails_with_a_message(org, run_import, content):
    job = run_import("people", SimpleUploadedFile("people.csv", content.encode() or b"\n"))

    assert only_error(job)["message"]


def test_a_semicolon_csv_with_a_bom_and_windows_line_ends_is_read(org, run_import):
    text = "employee_id;full_name;email;department_code;languages\r\nA1;Zoë Ünicode;zoe@example.com;ENG;en,de\r\n"

    job = run_import("people", csv_upload(text, bom=True))

    assert job.status == ImportStatus.DONE, job.errors
    zoe = Person.objects.get(employee_id="A1")
    assert zoe.full_name == "Zoë Ünicode"
    assert zoe.languages.count() == 2


def test_a_broken_xlsx_fails_with_a_message(org, run_import, xlsx_reader):
    job = run_import("people", SimpleUploadedFile("people.xlsx", b"PK\x03\x04 but not a workbook"))

    assert "XLSX" in only_error(job)["message"]


def test_an_xlsx_with_blank_rows_keeps_the_spreadsheet_row_numbers(org, run_import, xlsx_reader):
    rows = [[], ["employee_id", "full_name", "email", "department_code"], ["X1", "Ok", "ok@example.com", "ENG"],
            [], ["X2", "Bad", "bad", "ENG"]]

    job = run_import("people", xlsx_upload(rows))

    assert (only_error(job)["row"], only_error(job)["column"]) == (5, "email")


def test_a_file_that_is_not_utf8_fails_with_advice(org, run_import):
    upload = SimpleUploadedFile("people.csv", "employee_id,full_name\nA1,Zoë\n".encode("latin-1"))

    job = run_import("people", upload)

    assert "UTF-8" in only_error(job)["message"]


def test_blank_lines_keep_the_spreadsheet_row_numbers(org, run_import):
    job = run_import("people", people_csv("A1,Alice,alice@example.com,ENG,,,,", "", "A2,Bob,bad-email,ENG,,,,"))

    assert only_error(job)["row"] == 4


def test_stored_errors_are_capped_but_the_total_is_kept(org, run_import, monkeypatch):
    monkeypatch.setattr(importing, "MAX_STORED_ERRORS", 5)
    rows = [f"A{i},Person {i},bad-{i},ENG,,,," for i in range(12)]

    job = run_import("people", people_csv(*rows))

    assert job.status == ImportStatus.FAILED
    assert (len(job.errors), job.error_count) == (5, 12)
    assert [e["row"] for e in job.errors] == [2, 3, 4, 5, 6]


def test_validation_reports_progress_as_it_goes(org):
    rows = "".join(f"A{i},P {i},p{i}@example.com,ENG\n" for i in range(200))
    table = importing.read_table(("employee_id,full_name,email,department_code\n" + rows).encode(), "p.csv")
    seen: list[tuple[int, int]] = []

    importing.importer_for("people", table).validate(progress=lambda done, total: seen.append((done, total)))

    assert len(seen) >= 10
    assert seen[-1] == (200, 200)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)


# -- departments -----------------------------------------------------------------------------


def test_departments_import_with_a_parent_defined_later_in_the_file(db, run_import):
    job = run_import("departments", csv_upload(
        "code,name,parent_code\nBE,Backend,ENG\nENG,Engineering,HQ\nHQ,Head office,\n"
    ))

    assert job.status == ImportStatus.DONE, job.errors
    be, eng, hq = (Department.objects.get(code=c) for c in ("BE", "ENG", "HQ"))
    assert be.parent == eng and eng.parent == hq and hq.parent is None
    assert be.path == f"/{hq.pk}/{eng.pk}/{be.pk}/"


def test_reimporting_departments_updates_by_code_and_sets_heads(db, run_import):
    # given
    run_import("departments", csv_upload("code,name,parent_code\nHQ,Head office,\nENG,Engineering,HQ\n"))
    head = PersonFactory(employee_id="H1", department=Department.objects.get(code="HQ"))

    # when
    job = run_import("departments", csv_upload(
        "code,name,parent_code,head_employee_id\nHQ,Headquarters,,H1\nENG,Engineering,,\n"
    ))

    # then
    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 0, 2)
    hq, eng = Department.objects.get(code="HQ"), Department.objects.get(code="ENG")
    assert (hq.name, hq.head) == ("Headquarters", head)
    assert eng.parent is None and eng.path == f"/{eng.pk}/"
    assert Department.objects.filter(code__in=["HQ", "ENG"]).count() == 2


def test_a_department_cycle_is_rejected_and_nothing_is_written(db, run_import):
    job = run_import("departments", csv_upload("code,name,parent_code\nA,Alpha,B\nB,Beta,C\nC,Gamma,A\nD,Delta,\n"))

    assert job.status == ImportStatus.FAILED
    assert {e["row"] for e in job.errors} == {2, 3, 4}
    assert all(e["column"] == "parent_code" for e in job.errors)
    assert not Department.objects.filter(code__in=["A", "B", "C", "D"]).exists()


def test_a_department_head_must_exist(db, run_import):
    job = run_import("departments", csv_upload("code,name,head_employee_id\nA,Alpha,NOBODY\n"))

    assert (only_error(job)["column"], only_error(job)["value"]) == ("head_employee_id", "NOBODY")


# -- job profiles ----------------------------------------------------------------------------


def test_job_profiles_import_with_one_row_per_requirement(db, run_import):
    CompetencyFactory(code="python")
    CompetencyFactory(code="sql")

    job = run_import("job_profiles", csv_upload(
        "code,title,description,competency_code,target_level\n"
        "DEV,Developer,Writes code,python,4\n"
        "DEV,,,sql,3\n"
        "PM,Product manager,,,\n"
    ))

    assert (job.status, job.created_count) == (ImportStatus.DONE, 2), job.errors
    dev = JobProfile.objects.get(code="DEV")
    assert dev.description == "Writes code"
    assert dict(dev.requirements.values_list("competency__code", "target_level")) == {"python": 4, "sql": 3}
    assert not JobProfile.objects.get(code="PM").requirements.exists()


def test_reimporting_a_job_profile_replaces_its_requirements(db, run_import):
    CompetencyFactory(code="python")
    CompetencyFactory(code="sql")
    header = "code,title,competency_code,target_level\n"
    run_import("job_profiles", csv_upload(header + "DEV,Developer,python,4\nDEV,,sql,3\n"))

    job = run_import("job_profiles", csv_upload(header + "DEV,Senior developer,python,5\n"))

    assert (job.created_count, job.updated_count) == (0, 1)
    dev = JobProfile.objects.get(code="DEV")
    assert dev.title == "Senior developer"
    assert list(dev.requirements.values_list("competency__code", "target_level")) == [("python", 5)]
    assert JobProfileRequirement.objects.count() == 1


def test_job_profile_requirements_are_validated(db, run_import):
    CompetencyFactory(code="python")

    job = run_import("job_profiles", csv_upload(
        "code,title,competency_code,target_level\nDEV,Developer,python,6\nDEV,,cobol,3\nQA,,,\n"
    ))

    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (2, "target_level"), (3, "competency_code"), (4, "title")
    ]
    assert not JobProfile.objects.filter(code__in=["DEV", "QA"]).exists()


# -- ratings ---------------------------------------------------------------------------------

RATINGS_HEADER = "employee_id,competency_code,level,source,rated_on,rated_by_employee_id,note\n"


@pytest.fixture
def rated(org):
    CompetencyFactory(code="python")
    CompetencyFactory(code="sql")
    PersonFactory(employee_id="M1", department=org)
    return PersonFactory(employee_id="P1", department=org)


def test_ratings_import_appends_history_and_refreshes_the_current_level(rated, run_import):
    job = run_import("ratings", csv_upload(
        RATINGS_HEADER
        + "P1,python,2,self,2024-01-10,,\n"
        + "P1,python,3,manager,2024-01-05,M1,Solid\n"
        + "P1,sql,4,self,2024-02-01,,\n"
    ))

    assert (job.status, job.created_count) == (ImportStatus.DONE, 3), job.errors
    assert CompetencyRating.objects.filter(person=rated).count() == 3
    current = {c.competency.code: (c.level, c.source) for c in CurrentLevel.objects.filter(person=rated)}
    # a manager rating beats a newer self-rating; a self-rating counts when it is the only one
    assert current == {"python": (3, "manager"), "sql": (4, "self")}


def test_importing_the_same_ratings_file_twice_appends_nothing(rated, run_import):
    content = RATINGS_HEADER + "P1,python,2,self,2024-01-10,,\nP1,python,2,self,2024-01-10,,again\n"
    first = run_import("ratings", csv_upload(content))

    second = run_import("ratings", csv_upload(content))

    assert (first.created_count, second.created_count) == (1, 0)
    assert second.status == ImportStatus.DONE
    assert CompetencyRating.objects.filter(person=rated).count() == 1


def test_a_rating_with_level_6_a_future_date_or_an_unknown_source_is_rejected(rated, run_import):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    job = run_import("ratings", csv_upload(
        RATINGS_HEADER
        + "P1,python,6,self,2024-01-10,,\n"
        + f"P1,python,3,self,{tomorrow},,\n"
        + "P1,python,3,boss,2024-01-10,,\n"
        + "NOBODY,python,3,self,2024-01-10,,\n"
    ))

    assert [(e["row"], e["column"]) for e in job.errors] == [
        (2, "level"), (3, "rated_on"), (4, "source"), (5, "employee_id")
    ]
    assert "future" in job.errors[1]["message"]
    assert not CompetencyRating.objects.exists()
