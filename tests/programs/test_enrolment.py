"""Eligibility rules, enrolment by filter and by spreadsheet import; who may do what."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.core.errors import ValidationFailed
from tandem.programs import selectors, services
from tandem.programs.models import Enrolment, Phase
from tests.factories import DepartmentFactory, JobProfileFactory, LanguageFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def manager(make_person):
    return make_person(groups=["program_manager"])


@pytest.fixture
def program(manager):
    return services.program_create(name="Graduates", program_type="cohort", matching_mode="bulk",
                                   starts_on=D(2027, 1, 1), ends_on=D(2027, 6, 30), owner=manager)


@pytest.fixture
def org():
    eng = DepartmentFactory(code="ENG")
    mobile = DepartmentFactory(code="ENG-MOB", parent=eng)
    sales = DepartmentFactory(code="SAL")
    grad, senior = JobProfileFactory(code="GT"), JobProfileFactory(code="SSE")
    ru = LanguageFactory(code="ru", name="Russian")
    people = {
        "eng_grad": PersonFactory(department=eng, job_profile=grad, hire_date=D(2026, 9, 1)),
        "mobile_grad": PersonFactory(department=mobile, job_profile=grad, hire_date=D(2026, 10, 1)),
        "old_grad": PersonFactory(department=mobile, job_profile=grad, hire_date=D(2020, 1, 1)),
        "eng_senior": PersonFactory(department=eng, job_profile=senior, hire_date=D(2026, 9, 1)),
        "sales_grad": PersonFactory(department=sales, job_profile=grad, hire_date=D(2026, 9, 1)),
    }
    people["mobile_grad"].languages.add(ru)
    return {"eng": eng, "grad": grad, "ru": ru, **people}


def test_eligibility_selects_department_subtrees_job_profiles_and_a_hire_window(program, org):
    services.program_set_eligibility(program=program, departments=[org["eng"]], job_profiles=[org["grad"]],
                                     hired_from=D(2026, 6, 1), hired_to=D(2026, 12, 31))
    chosen = set(selectors.eligible_people(program=program))
    assert chosen == {org["eng_grad"], org["mobile_grad"]}
    services.program_set_eligibility(program=program, departments=[org["eng"]], job_profiles=[org["grad"]],
                                     languages=[org["ru"]])
    assert list(selectors.eligible_people(program=program)) == [org["mobile_grad"]]


def test_a_hire_window_that_ends_before_it_starts_is_refused(program):
    with pytest.raises(ValidationFailed):
        services.program_set_eligibility(program=program, hired_from=D(2027, 1, 1), hired_to=D(2026, 1, 1))
    program.refresh_from_db()
    assert program.eligible_hired_from is None


def test_the_manager_previews_who_the_rules_select_then_enrols_them(client, manager, program, org):
    client.force_login(manager.user)
    response = client.post(f"/programs/{program.pk}/eligibility/", {
        "departments": [org["eng"].pk], "job_profiles": [org["grad"].pk], "hired_from": "2026-06-01"})
    assert response.status_code == 302
    preview = client.get(f"/programs/{program.pk}/eligibility/").content.decode()
    assert "2 people meet the rules" in preview
    assert org["eng_grad"].full_name in preview and org["sales_grad"].full_name not in preview
    assert not Enrolment.objects.exists()  # a preview writes nothing
    client.post(f"/programs/{program.pk}/enrol/eligible/", {"role": "mentee"})
    enrolled = set(Enrolment.objects.filter(program=program, role="mentee").values_list("person_id", flat=True))
    assert enrolled == {org["eng_grad"].pk, org["mobile_grad"].pk}
    again = client.get(f"/programs/{program.pk}/eligibility/").content.decode()
    assert "0 people meet the rules" in again


def test_enrolling_by_filter_without_rules_enrols_nobody(client, manager, program, org):
    client.force_login(manager.user)
    client.post(f"/programs/{program.pk}/enrol/eligible/", {"role": "mentee"})
    assert not Enrolment.objects.exists()


def _csv(text: str, name="people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_import_enrols_mentors_with_capacity_and_mentees(client, manager, program, org):
    client.force_login(manager.user)
    body = (f"employee_id,role,capacity\n{org['eng_senior'].employee_id},mentor,3\n"
            f"{org['eng_grad'].employee_id},mentee,\n{org['mobile_grad'].employee_id},Mentee,\n")
    response = client.post(f"/programs/{program.pk}/enrol/import/", {"file": _csv(body)})
    assert response.status_code == 302
    mentor = Enrolment.objects.get(program=program, role="mentor")
    assert (mentor.person, mentor.capacity) == (org["eng_senior"], 3)
    assert Enrolment.objects.filter(program=program, role="mentee").count() == 2


def test_an_import_with_a_bad_row_reports_row_and_column_and_enrols_nobody(client, manager, program, org):
    client.force_login(manager.user)
    body = (f"employee_id,role,capacity\n{org['eng_senior'].employee_id},mentor,3\n"
            f"NOBODY,mentee,\n{org['eng_grad'].employee_id},boss,\n{org['mobile_grad'].employee_id},mentor,99\n"
            f"{org['eng_senior'].employee_id},mentor,\n")
    response = client.post(f"/programs/{program.pk}/enrol/import/", {"file": _csv(body)})
    assert response.status_code == 400
    html = response.content.decode()
    assert not Enrolment.objects.exists()
    rows = [(e["row"], e["column"]) for e in _errors(program, body)]
    assert rows == [(3, "employee_id"), (4, "role"), (5, "capacity"), (6, "employee_id")]
    assert "NOBODY" in html and "No active person has this employee ID." in html and "boss" in html


def _errors(program, body):
    with pytest.raises(ValidationFailed) as exc:
        services.enrolment_import(program=program, data=body.encode(), file_name="x.csv")
    return exc.value.errors


def test_the_import_reads_xlsx_and_refuses_unknown_columns(manager, program, org):
    book = openpyxl.Workbook()
    book.active.append(["Employee ID", "Role"])
    book.active.append([org["eng_grad"].employee_id, "mentee"])
    out = io.BytesIO()
    book.save(out)
    assert services.enrolment_import(program=program, data=out.getvalue(), file_name="x.xlsx") == {
        "added": 1, "already_enrolled": 0}
    errors = _errors(program, "employee_id,role,colour\nE1,mentee,red\n")
    assert errors[0]["row"] == 1 and errors[0]["column"] == "colour"
    errors = _errors(program, "employee_id\nE1\n")
    assert errors[0]["column"] == "role"
    with pytest.raises(ValidationFailed):
        services.enrolment_import(program=program, data=b"\xff\xfe", file_name="x.csv")
    with pytest.raises(ValidationFailed):
        services.enrolment_import(program=program, data=b"id", file_name="x.pdf")


# -- permissions -----------------------------------------------------------------------------


@pytest.fixture
def phase(program):
    return services.phase_create(program=program, name="Start", start_day=1, end_day=30)


def _edit_urls(program, phase, n=0):
    return [
        ("post", f"/programs/{program.pk}/phases/new/", {"name": "P", "start_day": 1, "end_day": 2}),
        ("post", f"/programs/{program.pk}/phases/{phase.pk}/edit/", {"name": "P", "start_day": 1, "end_day": 2}),
        ("post", f"/programs/{program.pk}/phases/{phase.pk}/milestones/new/",
         {"name": "M", "kind": "plan", "due_day": 2, "concerns": "pair"}),
        ("post", f"/programs/{program.pk}/cadence/new/",
         {"code": f"c{n}", "name": "C", "period": "weekly", "requirement": "session", "concerns": "pair"}),
        ("post", f"/programs/{program.pk}/eligibility/", {"hired_from": "2026-01-01"}),
        ("post", f"/programs/{program.pk}/enrol/eligible/", {"role": "mentee"}),
        ("get", f"/programs/{program.pk}/timeline/", None),
        ("get", f"/programs/{program.pk}/enrol/import/", None),
    ]


def test_hr_and_the_owning_manager_may_edit_the_timeline(client, hr_person, manager, program, phase):
    for n, person in enumerate((hr_person, manager)):
        client.force_login(person.user)
        for method, url, data in _edit_urls(program, phase, n):
            response = getattr(client, method)(url, data) if data is not None else client.get(url)
            assert response.status_code in (200, 302), (person, url, response.status_code)
    assert Phase.objects.filter(program=program).count() == 3


def test_a_manager_who_owns_nothing_gets_403_and_changes_nothing(client, make_person, program, phase):
    other = make_person(groups=["program_manager"])
    client.force_login(other.user)
    assert client.get(f"/programs/{program.pk}/").status_code == 200  # managers may look
    for method, url, data in _edit_urls(program, phase):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 403, url
    response = client.post(f"/api/programs/{program.pk}/phases", {"name": "P", "start_day": 1, "end_day": 2},
                           content_type="application/json")
    assert response.status_code == 403
    assert Phase.objects.filter(program=program).count() == 1 and program.eligible_hired_from is None


def test_a_mentee_sees_the_timeline_and_cadence_read_only(client, make_person, program, phase):
    mentee = make_person()
    services.enrolment_add(program=program, people=[mentee], role="mentee")
    services.milestone_create(phase=phase, name="Agreement signed", kind="agreement", due_day=10)
    services.duty_create(program=program, code="weekly", name="Weekly session", period="weekly",
                         requirement="session")
    services.program_set_status(program=program, status="open")  # a draft is hidden from participants
    client.force_login(mentee.user)
    html = client.get(f"/programs/{program.pk}/").content.decode()
    assert "Agreement signed" in html and "Weekly session" in html
    assert f"/programs/{program.pk}/timeline/" not in html and "Mark done" not in html
    assert client.get(f"/api/programs/{program.pk}/phases").status_code == 200
    assert client.get(f"/api/programs/{program.pk}/cadence").json()[0]["requirement"] == "session"
    for method, url, data in _edit_urls(program, phase):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 403, url
    milestone = phase.milestones.get()
    assert client.post(f"/programs/{program.pk}/milestones/{milestone.pk}/done/", {"done": "1"}).status_code == 403
    milestone.refresh_from_db()
    assert milestone.done_at is None


def test_someone_outside_the_program_cannot_read_its_timeline(client, make_person, program, phase):
    client.force_login(make_person().user)
    assert client.get(f"/programs/{program.pk}/").status_code == 403
    assert client.get(f"/api/programs/{program.pk}/phases").status_code == 404
    assert client.get(f"/api/programs/{program.pk}/cadence").status_code == 404


def test_a_phase_of_another_program_is_not_found(client, manager, program, phase):
    other = services.program_create(name="Other", program_type="classic", matching_mode="choose",
                                    starts_on=D(2027, 1, 1), ends_on=D(2027, 3, 1), owner=manager)
    client.force_login(manager.user)
    assert client.get(f"/programs/{other.pk}/phases/{phase.pk}/edit/").status_code == 404


# -- the API ---------------------------------------------------------------------------------


def test_the_api_sets_eligibility_previews_and_enrols(client, manager, program, org):
    client.force_login(manager.user)
    response = client.put(f"/api/programs/{program.pk}/eligibility", {
        "department_codes": ["ENG"], "job_profile_codes": ["GT"], "hired_from": "2026-06-01"},
        content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["eligible_not_enrolled"] == {"mentor": 2, "mentee": 2}
    response = client.post(f"/api/programs/{program.pk}/enrolments/eligible", {"role": "mentee"},
                           content_type="application/json")
    assert response.json() == {"added": 2, "already_enrolled": 0}
    assert client.get(f"/api/programs/{program.pk}/eligibility").json()["eligible_not_enrolled"]["mentee"] == 0


def test_the_api_refuses_unknown_codes_and_a_reversed_window(client, manager, program, org):
    client.force_login(manager.user)
    response = client.put(f"/api/programs/{program.pk}/eligibility", {"department_codes": ["NOPE"]},
                          content_type="application/json")
    assert response.status_code == 400 and "NOPE" in str(response.json()["errors"])
    response = client.put(f"/api/programs/{program.pk}/eligibility",
                          {"hired_from": "2027-01-01", "hired_to": "2026-01-01"}, content_type="application/json")
    assert response.status_code == 400
    program.refresh_from_db()
    assert program.eligible_hired_from is None and not program.eligible_departments.exists()


def test_the_api_import_reports_rows_and_enrols_nobody_on_error(client, manager, program, org):
    client.force_login(manager.user)
    bad = _csv(f"employee_id,role\n{org['eng_grad'].employee_id},mentee\nNOBODY,mentee\n")
    response = client.post(f"/api/programs/{program.pk}/enrolments/import", {"file": bad})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 3, "column": "employee_id", "value": "NOBODY",
                                          "message": "No active person has this employee ID."}]
    assert not Enrolment.objects.exists()
    good = _csv(f"employee_id,role\n{org['eng_grad'].employee_id},mentee\n")
    response = client.post(f"/api/programs/{program.pk}/enrolments/import", {"file": good})
    assert response.json() == {"added": 1, "already_enrolled": 0}


def test_the_api_adds_a_duty_and_ticks_a_milestone(client, manager, program, phase):
    client.force_login(manager.user)
    response = client.post(f"/api/programs/{program.pk}/cadence", {
        "code": "weekly", "name": "Weekly session", "period": "weekly", "requirement": "session",
        "concerns": "pair", "params": {"min_count": 1, "min_minutes": 90}}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["params"] == {"min_count": 1, "min_minutes": 90}
    for bad in ({"code": "Bad Code", "name": "X", "period": "weekly", "requirement": "session"},
                {"code": "x", "name": "X", "period": "daily", "requirement": "session"},
                {"code": "x", "name": "X", "period": "weekly", "requirement": "session", "params": {"min_count": 99}},
                {"code": "x", "name": "X", "period": "weekly", "requirement": "shared_case",
                 "params": {"min_minutes": 30}},
                {"code": "weekly", "name": "Again", "period": "weekly", "requirement": "session"}):
        response = client.post(f"/api/programs/{program.pk}/cadence", bad, content_type="application/json")
        assert 400 <= response.status_code < 500, bad
    assert program.cadence_duties.count() == 1
    milestone = services.milestone_create(phase=phase, name="Launch", kind="checkpoint", due_day=2)
    response = client.patch(f"/api/programs/{program.pk}/milestones/{milestone.pk}", {"done": True},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "done"


def test_a_mentee_cannot_change_eligibility_or_tick_through_the_api(client, make_person, program, phase):
    mentee = make_person()
    services.enrolment_add(program=program, people=[mentee], role="mentee")
    milestone = services.milestone_create(phase=phase, name="Launch", kind="checkpoint", due_day=2)
    services.program_set_status(program=program, status="open")  # a draft is hidden from participants
    client.force_login(mentee.user)
    assert client.put(f"/api/programs/{program.pk}/eligibility", {"hired_from": "2026-01-01"},
                      content_type="application/json").status_code == 403
    assert client.patch(f"/api/programs/{program.pk}/milestones/{milestone.pk}", {"done": True},
                        content_type="application/json").status_code == 403
    assert client.post(f"/api/programs/{program.pk}/cadence", {"code": "x", "name": "X", "period": "weekly",
                                                               "requirement": "session"},
                       content_type="application/json").status_code == 403
    milestone.refresh_from_db()
    assert milestone.done_at is None and not program.cadence_duties.exists()


def test_the_program_page_summarises_the_eligibility_rules_for_its_manager(client, manager, program, org):
    services.program_set_eligibility(program=program, departments=[org["eng"]], job_profiles=[org["grad"]],
                                     hired_from=D(2026, 6, 1))
    client.force_login(manager.user)
    summary = client.get(f"/programs/{program.pk}/").content.decode()
    assert 'id="eligibility-summary"' in summary and org["eng"].name in summary and org["grad"].title in summary
