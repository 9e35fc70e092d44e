"""Importing another system's file through a column mapping (issue 14 §5), and the import's other
promises: unchanged rows, employee IDs in any case, names for codes, short messages, invitations."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.accounts.models import Invitation
from tandem.core.errors import ApplicationError, ValidationFailed
from tandem.people import import_mapping, import_services, importing
from tandem.people.models import (
    Department,
    ImportJob,
    ImportMapping,
    ImportStatus,
    JobProfile,
    Person,
)
from tests.factories import CompetencyFactory, DepartmentFactory, JobProfileFactory, PersonFactory

IBM = Path(__file__).resolve().parent.parent / "data" / "ibm-hr-attrition-30.csv"

IBM_MAPPING = {
    "employee_id": {"source": "EmployeeNumber"},
    "full_name": {"pattern": "Employee {EmployeeNumber}"},
    "email": {"pattern": "employee{EmployeeNumber}@example.com"},
    "department_code": {"source": "Department", "values": {"Research & Development": "RND"}},
    "job_profile_code": {"source": "JobRole"},
}


def ibm_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("hris-export.csv", IBM.read_bytes(), content_type="text/csv")


def upload(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def ibm_org(db):
    DepartmentFactory(code="RND", name="Research")
    DepartmentFactory(code="SALES", name="Sales")  # the sample's "Sales" matches it by name
    for title in ("Laboratory Technician", "Research Scientist", "Sales Executive", "Manager",
                  "Manufacturing Director", "Healthcare Representative", "Research Director",
                  "Sales Representative"):
        JobProfileFactory(code=title.upper().replace(" ", "-")[:40], title=title)


@pytest.fixture
def run(hr_person, django_capture_on_commit_callbacks):
    def run(kind: str, file: SimpleUploadedFile, **kwargs) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_services.import_job_create(user=hr_person.user, kind=kind, uploaded_file=file, **kwargs)
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def saved_mapping(hr_person, ibm_org):
    table = import_mapping.read_sample(IBM.read_bytes(), IBM.name)
    return import_mapping.import_mapping_create(user=hr_person.user, name="IBM HRIS", kind="people",
                                                table=table, columns=IBM_MAPPING)


# -- the other system's file without a mapping ---------------------------------------------------


def test_the_hris_export_without_a_mapping_fails_by_column_says_to_map_it_and_writes_nothing(ibm_org, run):
    job = run("people", ibm_upload())

    assert job.status == ImportStatus.FAILED
    assert "Column mappings" in job.errors[0]["message"] and job.errors[0]["row"] is None
    unknown = [e for e in job.errors if e["message"].startswith("Unknown column")]
    assert {e["column"] for e in unknown} >= {"EmployeeNumber", "Department", "JobRole"}
    missing = {e["column"] for e in job.errors if e["message"] == "The required column is missing."}
    assert missing == {"employee_id", "full_name", "email", "department_code"}
    assert not Person.objects.exclude(user__isnull=False).exists()


# -- mapping it ------------------------------------------------------------------------------------


def test_a_saved_mapping_imports_the_hris_export_with_patterns_value_maps_and_names(saved_mapping, run):
    job = run("people", ibm_upload(), mapping=saved_mapping)

    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created_count, job.updated_count, job.total_rows) == (30, 0, 30)
    first = Person.objects.get(employee_id="1")
    assert first.full_name == "Employee 1" and first.email == "employee1@example.com"
    assert first.department.code == "SALES"  # "Sales": the department's name
    assert first.job_profile.title == "Sales Executive"  # a job profile's title is accepted too
    assert Person.objects.get(employee_id="2").department.code == "RND"  # through the value map
    assert job.mapping_id == saved_mapping.pk and job.mapping_spec == saved_mapping.columns


def test_importing_the_same_export_again_with_the_mapping_reports_30_unchanged(saved_mapping, run):
    run("people", ibm_upload(), mapping=saved_mapping)

    job = run("people", ibm_upload(), mapping=saved_mapping)

    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 30)


def test_a_mapping_without_the_required_columns_is_refused_before_importing_and_names_them(hr_person, ibm_org):
    with pytest.raises(ApplicationError) as exc:
        import_services.import_job_create(
            user=hr_person.user, kind="people", uploaded_file=ibm_upload(),
            mapping_columns={"employee_id": {"source": "EmployeeNumber"}, "department_code": {"source": "Department"}},
        )

    assert exc.value.code == "mapping_incomplete"
    assert "full_name, email" in str(exc.value.message)
    assert exc.value.data["missing"] == ["full_name", "email"]
    assert not ImportJob.objects.exists()


def test_a_mapping_of_another_kind_is_refused(saved_mapping, hr_person):
    with pytest.raises(ApplicationError) as exc:
        import_services.import_job_create(user=hr_person.user, kind="ratings", uploaded_file=ibm_upload(),
                                          mapping=saved_mapping)

    assert exc.value.code == "mapping_kind"


def test_a_mapping_reading_a_column_the_file_lacks_fails_the_file_with_the_column_named(ibm_org, run):
    columns = {**IBM_MAPPING, "hire_date": {"source": "HireDate"}}

    job = run("people", ibm_upload(), mapping_columns=columns)

    assert job.status == ImportStatus.FAILED
    assert len(job.errors) == 1
    assert "“HireDate”" in job.errors[0]["message"] and "EmployeeNumber" in job.errors[0]["message"]
    assert not Person.objects.filter(employee_id="1").exists()


def test_a_value_the_value_map_does_not_cover_is_reported_on_its_row_with_the_mapped_column(ibm_org, run):
    Department.objects.filter(code="SALES").delete()

    job = run("people", ibm_upload(), mapping_columns=IBM_MAPPING)

    assert job.status == ImportStatus.FAILED
    sales_rows = {n for n, line in enumerate(IBM.read_text("utf-8-sig").splitlines(), start=1)
                  if line.split(",")[4] == "Sales"}
    assert len(sales_rows) == 5 and {e["row"] for e in job.errors} == sales_rows  # the Sales rows, as numbered
    assert job.errors[0]["column"] == "department_code ← Department"
    assert job.errors[0]["value"] == "Sales"
    assert not Person.objects.filter(employee_id="2").exists()  # all or nothing


@pytest.mark.parametrize(
    ("columns", "field", "message_part"),
    [
        ({"nickname": {"source": "Age"}}, "nickname", "Not a column of this import"),
        ({"email": {"source": "Age", "pattern": "x"}}, "email", "not both"),
        ({"full_name": {"pattern": "Employee {EmployeeNumber"}}, "full_name", "in braces"),
        ({"full_name": {"pattern": "Employee {}"}}, "full_name", "in braces"),
        ({"full_name": {"pattern": "Employee\x00"}}, "full_name", "control characters"),
        ({"email": {"values": {"a": "b"}}}, "email", "needs a source"),
        ({"department_code": {"source": "Department", "values": {"Sales": "S", "SALES": "T"}}},
         "department_code", "mapped twice"),
        ({"department_code": {"source": "x" * 201}}, "department_code", "At most 200"),
    ],
)
def test_a_mapping_with_mistakes_is_refused_with_a_message_per_column(db, columns, field, message_part):
    with pytest.raises(ValidationFailed) as exc:
        import_mapping.mapping_clean("people", columns)

    assert field in exc.value.errors
    assert message_part in " ".join(exc.value.errors[field])


def test_a_mapping_saved_from_a_sample_must_read_its_columns(hr_person, ibm_org):
    table = import_mapping.read_sample(IBM.read_bytes(), IBM.name)

    with pytest.raises(ValidationFailed) as exc:
        import_mapping.import_mapping_create(user=hr_person.user, name="x", kind="people", table=table,
                                             columns={"full_name": {"pattern": "{FirstName} {LastName}"}})

    assert "“FirstName”" in " ".join(exc.value.errors["full_name"])


def test_a_new_mapping_starts_from_the_columns_it_can_recognise(hr_person, ibm_org):
    table = import_mapping.read_sample(IBM.read_bytes(), IBM.name)

    mapping = import_mapping.import_mapping_create(user=hr_person.user, name="Guess", kind="people", table=table)

    assert mapping.columns == {"employee_id": {"source": "EmployeeNumber"},
                               "department_code": {"source": "Department"},
                               "job_profile_code": {"source": "JobRole"}}
    assert mapping.samples["Department"] == ["Sales", "Research & Development"]
    assert len(mapping.source_columns) == 35


def test_two_mappings_cannot_share_a_name(saved_mapping, hr_person):
    table = import_mapping.read_sample(IBM.read_bytes(), IBM.name)

    with pytest.raises(ValidationFailed) as exc:
        import_mapping.import_mapping_create(user=hr_person.user, name="IBM HRIS", kind="people", table=table)

    assert "exists already" in exc.value.errors["name"][0]
    assert ImportMapping.objects.count() == 1


def test_a_later_edit_of_the_mapping_does_not_change_a_past_import(saved_mapping, run):
    job = run("people", ibm_upload(), mapping=saved_mapping)
    import_mapping.import_mapping_update(mapping=saved_mapping, name="IBM HRIS",
                                         columns={**IBM_MAPPING, "full_name": {"pattern": "E{EmployeeNumber}"}})

    job.refresh_from_db()
    assert job.mapping_spec["full_name"] == {"pattern": "Employee {EmployeeNumber}"}


def test_value_maps_written_as_lines_read_back(db):
    values = import_mapping.values_from_text("Research & Development = RND\n\n Sales=SALES \n")

    assert values == {"Research & Development": "RND", "Sales": "SALES"}
    assert import_mapping.values_from_text(import_mapping.values_to_text(values)) == values
    with pytest.raises(ValidationFailed):
        import_mapping.values_from_text("no equals sign")


# -- the import's promises -------------------------------------------------------------------------


def test_employee_ids_match_whatever_their_case(run):
    dept = DepartmentFactory(code="ENG", name="Engineering")
    boss = PersonFactory(employee_id="E001", department=dept, email="boss@example.com", full_name="Boss")

    job = run("people", upload(
        "employee_id,full_name,email,department_code,manager_employee_id\n"
        "e001,Boss Renamed,boss@example.com,ENG,\n"
        "E002,New Hire,new@example.com,ENG,e001\n"
    ))

    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created_count, job.updated_count) == (1, 1)
    boss.refresh_from_db()
    assert boss.full_name == "Boss Renamed" and boss.employee_id == "E001"  # the saved ID is kept
    assert Person.objects.get(employee_id="E002").manager == boss


def test_the_same_employee_id_in_two_cases_is_a_duplicate_in_the_file(run):
    DepartmentFactory(code="ENG")

    job = run("people", upload(
        "employee_id,full_name,email,department_code\nA1,One,one@example.com,ENG\na1,Two,two@example.com,ENG\n"
    ))

    assert job.status == ImportStatus.FAILED
    assert (job.errors[0]["row"], job.errors[0]["value"]) == (3, "a1")
    assert "appears again" in job.errors[0]["message"]


def test_ratings_find_people_by_employee_id_in_any_case_and_competencies_by_name(run):
    person = PersonFactory(employee_id="R100")
    CompetencyFactory(code="python", name="Python programming")

    job = run("ratings", upload(
        "employee_id,competency_code,level,source,rated_on\nr100,python programming,3,manager,2024-01-01\n",
        "ratings.csv",
    ))

    assert job.status == ImportStatus.DONE, job.errors
    assert person.ratings.get().level == 3


def test_departments_and_job_profiles_imported_twice_report_unchanged(run):
    CompetencyFactory(code="python")
    departments = "code,name,parent_code\nHQ,Head office,\nENG,Engineering,HQ\n"
    profiles = "code,title,competency_code,target_level\nDEV,Developer,python,4\n"
    run("departments", upload(departments, "d.csv"))
    run("job_profiles", upload(profiles, "j.csv"))

    again = run("departments", upload(departments, "d.csv"))
    again_profiles = run("job_profiles", upload(profiles, "j.csv"))
    changed = run("job_profiles", upload(profiles.replace(",4", ",5"), "j.csv"))

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert (again_profiles.updated_count, again_profiles.unchanged_count) == (0, 1)
    assert (changed.updated_count, changed.unchanged_count) == (1, 0)
    assert JobProfile.objects.get(code="DEV").requirements.get().target_level == 5


def test_a_ratings_file_imported_twice_reports_its_rows_unchanged(run):
    PersonFactory(employee_id="R1")
    CompetencyFactory(code="python")
    ratings = "employee_id,competency_code,level,source,rated_on\nR1,python,3,manager,2024-01-01\n"
    run("ratings", upload(ratings, "r.csv"))

    job = run("ratings", upload(ratings, "r.csv"))

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 1)


def test_a_10000_character_bad_value_is_not_echoed_back_in_the_message(run):
    DepartmentFactory(code="ENG")
    huge = "Europe/" + "x" * 10_000

    job = run("people", upload(
        f"employee_id,full_name,email,department_code,time_zone,languages\nA1,A,a@example.com,ENG,{huge},{huge}\n"
    ))

    assert job.status == ImportStatus.FAILED
    assert len(job.errors) == 2
    for error in job.errors:
        assert len(error["message"]) < 200 and len(error["value"]) <= 200
        assert error["value"].endswith("…")


def test_a_10000_character_column_name_is_cut_in_the_error(run):
    job = run("people", upload("employee_id,full_name,email,department_code," + "y" * 10_000 + "\nA,B,c@d.com,E,1\n"))

    assert job.status == ImportStatus.FAILED
    assert max(len(e["column"]) for e in job.errors) <= 80


def test_a_failed_import_reports_100_percent_never_99(run):
    DepartmentFactory(code="ENG")
    rows = "".join(f"A{i},N{i},a{i}@example.com,ENG\n" for i in range(99)) + "B,N,bad,ENG\n"

    job = run("people", upload("employee_id,full_name,email,department_code\n" + rows))

    assert job.status == ImportStatus.FAILED and job.percent == 100


# -- the invitation option --------------------------------------------------------------------------


def test_the_people_import_can_invite_the_people_it_creates_and_no_one_else(run, mailoutbox):
    dept = DepartmentFactory(code="ENG")
    PersonFactory(employee_id="OLD", department=dept, email="old@example.com")

    job = run("people", upload(
        "employee_id,full_name,email,department_code\n"
        "OLD,Old Hand,old@example.com,ENG\nN1,New One,n1@example.com,ENG\nN2,New Two,n2@example.com,ENG\n"
    ), invite_new=True)

    assert job.status == ImportStatus.DONE, job.errors
    assert job.invited_count == 2
    assert sorted(Invitation.objects.values_list("person__employee_id", flat=True)) == ["N1", "N2"]
    assert sorted(m.to[0] for m in mailoutbox) == ["n1@example.com", "n2@example.com"]


def test_without_the_option_nobody_is_invited_and_a_failed_import_invites_nobody(run):
    DepartmentFactory(code="ENG")
    run("people", upload("employee_id,full_name,email,department_code\nN1,New,n1@example.com,ENG\n"))
    failed = run("people", upload("employee_id,full_name,email,department_code\nN2,New,bad,ENG\n"), invite_new=True)

    assert failed.status == ImportStatus.FAILED and failed.invited_count == 0
    assert not Invitation.objects.exists()


def test_only_the_people_import_offers_invitations(hr_person):
    with pytest.raises(ApplicationError) as exc:
        import_services.import_job_create(user=hr_person.user, kind="departments",
                                          uploaded_file=upload("code,name\nA,B\n"), invite_new=True)

    assert exc.value.code == "import_invite_kind"


def test_apply_mapping_keeps_an_excel_date_cell_as_it_is(db):
    import datetime

    table = importing.Table(header=["Start"], header_row=1, rows=[(2, [datetime.date(2020, 1, 2)])], excel=True)

    mapped = import_mapping.apply_mapping(table, "people", {
        "employee_id": {"pattern": "X"}, "full_name": {"pattern": "X"}, "email": {"pattern": "x@example.com"},
        "department_code": {"pattern": "ENG"}, "hire_date": {"source": "start"},
    })

    assert mapped.header == ["employee_id", "full_name", "email", "department_code", "hire_date"]
    assert mapped.rows[0][1][-1] == datetime.date(2020, 1, 2)


def test_two_saved_people_whose_ids_differ_only_in_case_are_reported_not_guessed(run):
    dept = DepartmentFactory(code="ENG")
    PersonFactory(employee_id="E1", department=dept)
    PersonFactory(employee_id="e1", department=dept)

    job = run("people", upload("employee_id,full_name,email,department_code\nE1,X,x@example.com,ENG\n"))

    assert job.status == ImportStatus.FAILED
    assert "different cases" in job.errors[0]["message"]
