"""The API reads its input as its OpenAPI document states it (issue 13: no operation whose schema is
looser than its validation). pydantic's lax mode would read ``"false"``, ``0`` or ``"no"`` as a
boolean and ``0`` or ``"1700000000"`` as a date (a Unix timestamp); schemathesis found such input
accepted (ST201). Each case: the wrong-typed input is a 422 naming the field, and nothing changes."""

from __future__ import annotations

import datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from tandem.core.schemas import SaneDate, SaneDateTime, StrictBool
from tandem.people.models import PersonTopic
from tandem.programs.models import CadenceDuty, MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import PersonFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

NOT_BOOLEANS = ["false", "true", 0, 1, "0", "no", None]
NOT_DATES = [0, 1700000000, "0", "1700000000", "2027-01-01T00:00:00", "01/02/2027", True]


# -- the types ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1, "0", "false", "yes", "on"])
def test_strict_bool_takes_json_booleans_only(value):
    with pytest.raises(ValidationError):
        TypeAdapter(StrictBool).validate_python(value)
    assert TypeAdapter(StrictBool).validate_python(False) is False


@pytest.mark.parametrize("value", NOT_DATES)
def test_a_date_is_written_yyyy_mm_dd_and_nothing_else(value):
    with pytest.raises(ValidationError):
        TypeAdapter(SaneDate).validate_python(value)


def test_a_date_written_yyyy_mm_dd_or_given_as_a_date_is_read():
    assert TypeAdapter(SaneDate).validate_python("2027-03-04") == datetime.date(2027, 3, 4)
    assert TypeAdapter(SaneDate).validate_python(datetime.date(2027, 3, 4)) == datetime.date(2027, 3, 4)


@pytest.mark.parametrize("value", [0, 1700000000, "1700000000", "20270101", "2027-01-01", 1.5])
def test_a_date_time_is_written_iso_and_not_as_a_timestamp(value):
    with pytest.raises(ValidationError):
        TypeAdapter(SaneDateTime).validate_python(value)


@pytest.mark.parametrize("value", ["2027-01-01T10:00", "2027-01-01T10:00:00Z", "2027-01-01T10:00:00.5+02:00"])
def test_an_iso_date_time_is_read(value):
    assert TypeAdapter(SaneDateTime).validate_python(value).date() == datetime.date(2027, 1, 1)


# -- the operations ----------------------------------------------------------------------------


@pytest.fixture
def manager(client):
    person = PersonFactory(user=UserFactory(groups=["program_manager"]))
    client.force_login(person.user)
    return person


@pytest.fixture
def program(manager):
    return Program.objects.create(
        name="Strict", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
        status=ProgramStatus.OPEN, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
        owner=manager, default_mentor_capacity=1)


PROGRAM = {"name": "Classic", "program_type": "classic", "matching_mode": "choose",
           "starts_on": "2027-01-01", "ends_on": "2027-12-31"}


def _refused(response, field):
    assert response.status_code == 422, response.content
    assert field in response.content.decode()


@pytest.mark.parametrize("value", NOT_BOOLEANS)
def test_a_program_with_agreement_required_not_a_boolean_is_refused(client, manager, value):
    response = client.post("/api/programs", {**PROGRAM, "agreement_required": value}, content_type="application/json")
    _refused(response, "agreement_required")
    assert not Program.objects.exists()


@pytest.mark.parametrize("value", NOT_DATES)
def test_a_program_with_a_start_not_written_as_a_date_is_refused(client, manager, value):
    response = client.post("/api/programs", {**PROGRAM, "starts_on": value}, content_type="application/json")
    _refused(response, "starts_on")
    assert not Program.objects.exists()


def test_a_program_with_json_booleans_and_iso_dates_is_created(client, manager):
    response = client.post("/api/programs", {**PROGRAM, "agreement_required": False}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Program.objects.get().agreement_required is False


@pytest.mark.parametrize("value", NOT_BOOLEANS)
def test_a_duty_with_required_not_a_boolean_is_refused(client, program, value):
    response = client.post(f"/api/programs/{program.pk}/cadence",
                           {"code": "talk", "name": "Talk", "period": "monthly", "requirement": "session",
                            "required": value}, content_type="application/json")
    _refused(response, "required")
    assert not CadenceDuty.objects.filter(program=program).exists()


@pytest.mark.parametrize("value", [0, "0", 1700000000, "2027-01-01T00:00:00"])
def test_eligibility_with_a_hire_date_not_written_as_a_date_is_refused(client, program, value):
    response = client.put(f"/api/programs/{program.pk}/eligibility", {"hired_from": value},
                          content_type="application/json")
    _refused(response, "hired_from")
    program.refresh_from_db()
    assert program.eligible_hired_from is None


@pytest.mark.parametrize("param", ["start", "end"])
@pytest.mark.parametrize("value", ["0", "1700000000", "2027-01-01T00:00:00"])
def test_competency_change_with_a_number_for_a_date_is_refused(hr_client, param, value):
    person = PersonFactory()
    response = hr_client.get(f"/api/people/{person.employee_id}/competency-change", {param: value})
    _refused(response, param)
    assert hr_client.get(f"/api/people/{person.employee_id}/competency-change",
                         {param: "2026-01-01"}).status_code == 200


@pytest.mark.parametrize("param", ["date_from", "date_to"])
def test_the_audit_trail_with_a_number_for_a_date_is_refused(hr_client, param):
    _refused(hr_client.get("/api/audit", {param: "0"}), param)
    assert hr_client.get("/api/audit", {param: "2026-01-01"}).status_code == 200


def test_a_duty_with_required_false_is_added(client, program):
    response = client.post(f"/api/programs/{program.pk}/cadence",
                           {"code": "talk", "name": "Talk", "period": "monthly", "requirement": "session",
                            "required": False}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert CadenceDuty.objects.get(program=program).required is False


# -- a body is a JSON object -------------------------------------------------------------------


@pytest.mark.parametrize("body", ["[null, null]", "[]", "7", '"text"', "true", "null"])
def test_a_body_that_is_not_an_object_is_refused_and_changes_nothing(hr_client, body):
    person = PersonFactory()
    topic = TopicFactory()
    PersonTopic.objects.create(person=person, topic=topic, interest="can_teach")
    response = hr_client.put(f"/api/people/{person.employee_id}/topics", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert list(PersonTopic.objects.values_list("person", "topic")) == [(person.pk, topic.pk)]  # not emptied


def test_an_roi_body_that_is_not_an_object_is_refused(client, program):
    assert client.post(f"/api/programs/{program.pk}/roi", "[null, null]",
                       content_type="application/json").status_code == 400
    assert client.post(f"/api/programs/{program.pk}/roi", {}, content_type="application/json").status_code == 200


@pytest.mark.parametrize("params", [[None, None], [], 1, "min_count"])
def test_a_duty_whose_params_are_not_an_object_is_refused(client, program, params):
    response = client.post(f"/api/programs/{program.pk}/cadence",
                           {"code": "talk", "name": "Talk", "period": "monthly", "requirement": "session",
                            "params": params}, content_type="application/json")
    _refused(response, "params")
    assert not CadenceDuty.objects.filter(program=program).exists()


def test_the_log_documents_its_search_answer(client):
    from tandem.config.api import api

    op = api.get_openapi_schema()["paths"]["/api/mentorships/{mentorship_id}/log"]["get"]
    answer = op["responses"][200]["content"]["application/json"]["schema"]
    names = {ref["$ref"].rsplit("/", 1)[1] for ref in answer["anyOf"]}
    assert names == {"LogOut", "LogSearchOut"}  # ?q=… answers the library's search, not the timeline


# -- booleans in a query string or a form: the words true / false ------------------------------


@pytest.mark.parametrize("value", ["1", "0", "yes", "no", "on", "off", "t", ""])
def test_a_query_boolean_is_the_word_true_or_false(value):
    from tandem.core.schemas import QueryBool

    with pytest.raises(ValidationError):
        TypeAdapter(QueryBool).validate_python(value)
    assert TypeAdapter(QueryBool).validate_python("true") is True
    assert TypeAdapter(QueryBool).validate_python("False") is False


@pytest.mark.parametrize("url", ["/api/notifications?unread={}", "/api/me/review-assignments?pending={}"])
@pytest.mark.parametrize("value", ["1", "yes", "off"])
def test_query_booleans_other_than_true_or_false_are_a_422(client, url, value):
    client.force_login(PersonFactory(user=UserFactory()).user)
    bad = client.get(url.format(value))
    assert bad.status_code == 422, bad.content
    assert client.get(url.format("true")).status_code == 200
    assert client.get(url.format("false")).status_code == 200


def test_an_import_form_boolean_other_than_true_or_false_is_refused_and_nothing_is_queued(hr_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tandem.people.models import ImportJob

    def upload(flag):
        f = SimpleUploadedFile("p.csv", b"employee_id,full_name,email,department_code\n", content_type="text/csv")
        return hr_client.post("/api/imports", {"kind": "people", "file": f, "invite_new": flag})

    assert upload("on").status_code == 422
    assert not ImportJob.objects.exists()
    assert upload("true").status_code == 201
