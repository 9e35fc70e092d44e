"""What schemathesis found at the December run (issue 13, docs/api-fuzzing.md): valid requests, by
the OpenAPI document, that the server refused ("schema looser than validation"). Each test states
the rule the server enforces and checks that the document states it too, and where it is a reading
rule (``2.0`` is an integer) that the server now reads the request as the document says."""

from __future__ import annotations

import datetime
import re

import pytest

from tandem.config.api import NO_NUL_VALUE, api
from tandem.core import validators
from tandem.insights import roi
from tandem.insights.inputs_selectors import BY
from tandem.programs.models import MatchingMode, Phase, Program, ProgramStatus, ProgramType
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema()


def _component(document, name):
    return document["components"]["schemas"][name]


def _body(document, path, method="post"):
    ref = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return _component(document, ref.rsplit("/", 1)[1])


def _string_branch(prop):
    """A property's string schema (``str | None`` is an anyOf of it and null)."""
    for branch in prop.get("anyOf", [prop]):
        if branch.get("type") == "string":
            return branch
    raise AssertionError(f"no string in {prop}")


def _admits(schema, text):
    return re.search(schema["pattern"], text) is not None


@pytest.fixture
def manager(client):
    person = PersonFactory(user=UserFactory(groups=["program_manager"]))
    client.force_login(person.user)
    return person


@pytest.fixture
def program(manager):
    return Program.objects.create(
        name="Fuzzed", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
        status=ProgramStatus.OPEN, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
        owner=manager, default_mentor_capacity=1)


# -- integers written 1.0 ------------------------------------------------------------------------


def test_an_integer_written_with_a_fraction_of_zero_is_read_as_the_integer(client, program):
    """JSON Schema's ``integer`` takes ``107.0``; the strict fields refused it (422 "valid integer")."""
    response = client.post(f"/api/programs/{program.pk}/phases",
                           {"name": "Start", "start_day": 1.0, "end_day": 3e1}, content_type="application/json")
    assert response.status_code == 201, response.content
    phase = Phase.objects.get(program=program)
    assert (phase.start_day, phase.end_day) == (1, 30)


@pytest.mark.parametrize("value", [1.5, True, "1"])
def test_an_integer_field_still_refuses_fractions_booleans_and_strings(client, program, value):
    response = client.post(f"/api/programs/{program.pk}/phases",
                           {"name": "Start", "start_day": value, "end_day": 30}, content_type="application/json")
    assert response.status_code == 422, response.content
    assert "start_day" in response.content.decode()
    assert not Phase.objects.filter(program=program).exists()


def test_a_float_field_takes_an_integral_number(program, hr_client):
    response = hr_client.post(f"/api/programs/{program.pk}/roi", {"attribution": 1.0},
                              content_type="application/json")
    assert response.status_code == 200, response.content


# -- dates in the window -------------------------------------------------------------------------


def _date_schemas(document):
    for name, component in document["components"]["schemas"].items():
        for field, prop in component.get("properties", {}).items():
            for branch in prop.get("anyOf", [prop]):
                if branch.get("format") in ("date", "date-time") and "formatMinimum" in branch:
                    yield f"{name}.{field}", branch


def test_every_date_in_a_window_states_the_window_as_a_pattern(document):
    """The server refuses a date outside 1900-01-01 .. 2200-12-31; ``formatMinimum`` is not JSON
    Schema, so schemathesis sent year 1 and 9999 and got 422s."""
    found = dict(_date_schemas(document))
    assert len(found) > 20
    for where, schema in found.items():
        assert "pattern" in schema, where
        low, high = validators.DATE_MIN, validators.DATE_MAX
        suffix = "" if schema["format"] == "date" else "T10:00:00Z"
        for day in (low, high, datetime.date(2027, 1, 31)):
            assert _admits(schema, day.isoformat() + suffix), (where, day)
        for day in (low - datetime.timedelta(days=1), high + datetime.timedelta(days=1), datetime.date(9999, 1, 1)):
            assert not _admits(schema, day.isoformat() + suffix), (where, day)
            assert validators.date_problem(day)


def test_a_program_dated_at_the_window_edges_is_created(client, manager):
    response = client.post("/api/programs", {"name": "Edges", "program_type": "classic", "matching_mode": "choose",
                                             "starts_on": "1900-01-01", "ends_on": "2200-12-31"},
                           content_type="application/json")
    assert response.status_code == 201, response.content


# -- NUL bytes, everywhere -----------------------------------------------------------------------


def test_every_string_an_operation_takes_refuses_a_nul_byte_in_the_document(document):
    """The input guard answers 400 to a NUL anywhere in the request; the document said nothing."""
    components = document["components"]["schemas"]
    checked = 0

    def walk(node, seen):
        nonlocal checked
        if isinstance(node, list):
            for item in node:
                walk(item, seen)
            return
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            if name not in seen and name != NO_NUL_VALUE:
                seen.add(name)
                walk(components[name], seen)
            return
        if node.get("type") == "string" and "enum" not in node and "const" not in node and "format" not in node:
            assert "pattern" in node, node
            assert not _admits(node, "a\x00b"), node
            checked += 1
        if node.get("type") == "object":
            assert node.get("propertyNames", {}).get("pattern"), node
            assert node.get("additionalProperties") is not True, node
        for key, value in node.items():
            if key == "properties":
                walk(list(value.values()), seen)
            elif key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf"):
                walk(value, seen)

    for operations in document["paths"].values():
        for op in operations.values():
            for parameter in op.get("parameters", []):
                walk(parameter["schema"], set())
            for media in op.get("requestBody", {}).get("content", {}).values():
                walk(media["schema"], set())
    assert checked > 100


def test_an_unknown_field_with_a_nul_byte_is_refused_as_the_document_says(client, program, document):
    body = _body(document, "/api/programs/{program_id}/phases")
    assert body["additionalProperties"] == {"$ref": f"#/components/schemas/{NO_NUL_VALUE}"}
    response = client.post(f"/api/programs/{program.pk}/phases",
                           {"name": "Start", "start_day": 1, "end_day": 2, "extra": "a\x00"},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


# -- text with control characters, links -----------------------------------------------------------


def test_multi_line_text_documents_the_control_characters_it_refuses(client, program, document):
    schema = _body(document, "/api/programs/{program_id}/phases")["properties"]["description"]
    assert _admits(schema, "two\nlines\tand a tab\r\n")
    assert not _admits(schema, "a bell \x07")
    response = client.post(f"/api/programs/{program.pk}/phases",
                           {"name": "Start", "start_day": 1, "end_day": 2, "description": "a bell \x07"},
                           content_type="application/json")
    assert response.status_code == 422
    assert "description" in response.content.decode()


@pytest.mark.parametrize("component", ["SessionIn", "SessionPatch"])
def test_a_meeting_link_documents_that_it_is_an_https_link(document, component):
    """``SingleLine | None = Field(pattern=…)`` validated the link but documented SingleLine's pattern."""
    schema = _string_branch(_component(document, component)["properties"]["meeting_link"])
    assert _admits(schema, "https://meet.example.com/abc")
    assert _admits(schema, "")
    for refused in ("meet.example.com", "http://meet.example.com", "https://a b", "https://a\x85b"):
        assert not _admits(schema, refused), refused


# -- notifications ---------------------------------------------------------------------------------


def test_marking_notifications_read_documents_ids_or_all(document, client, manager):
    """``{}`` and ``{"all": false}`` were valid by the document and a 400 by the service."""
    schema = _component(document, "MarkReadIn")
    ids = schema["properties"]["ids"]["anyOf"][0]
    assert (ids["minItems"], ids["maxItems"]) == (1, 500)

    def documented(body):
        return any(all(k in body for k in branch["required"])
                   and all(body[k] == sub.get("const", body[k]) and (sub.get("type") != "array" or isinstance(body[k], list))
                           for k, sub in branch.get("properties", {}).items() if k in body)
                   for branch in schema["anyOf"])

    for body in ({}, {"all": False}, {"ids": None}):
        assert not documented(body), body
        assert client.post("/api/notifications/read", body, content_type="application/json").status_code == 400
    for body in ({"all": True}, {"ids": [1]}):
        assert documented(body), body
    assert client.post("/api/notifications/read", {"all": True}, content_type="application/json").status_code == 200


# -- insights parameters -------------------------------------------------------------------------


def _query(document, path, name):
    for parameter in document["paths"][path]["get"]["parameters"]:
        if parameter["name"] == name:
            return _string_branch(parameter["schema"])
    raise AssertionError(name)


def test_a_group_to_compare_is_documented_as_the_selector_reads_it(document, program, hr_client):
    schema = _query(document, "/api/insights/cohorts/compare", "a")
    for text in (f"program:{program.pk}", f"nonparticipants:{program.pk}", "cohort:2024 teach-back"):
        assert _admits(schema, text), text
    for text in ("", "program:", "program:x", "team:1", "cohort: ", "cohort:a\nb"):
        assert not _admits(schema, text), text
        response = hr_client.get("/api/insights/cohorts/compare", {"a": text, "b": f"program:{program.pk}"})
        assert response.status_code == 400, (text, response.content)


def test_retention_documents_that_it_compares_with_programs_only(document, program, hr_client):
    schema = _query(document, "/api/programs/{program_id}/retention", "compare")
    assert _admits(schema, "") and _admits(schema, "nonparticipants:3") and _admits(schema, "program:12")
    assert not _admits(schema, "cohort:2024")
    response = hr_client.get(f"/api/programs/{program.pk}/retention", {"compare": "cohort:2024"})
    assert response.status_code == 400


def test_inputs_outputs_documents_its_groupings(document, hr_client):
    schema = _query(document, "/api/insights/inputs-outputs", "by")
    assert schema["enum"] == list(BY)
    assert hr_client.get("/api/insights/inputs-outputs", {"by": "team"}).status_code == 400
    for name in ("from", "to"):
        day = _query(document, "/api/insights/inputs-outputs", name)
        assert _admits(day, "") and _admits(day, "2000-01-01") and _admits(day, "2100-12-31")
        for text in ("1999-12-31", "2101-01-01", "2026-1-5", "0"):
            assert not _admits(day, text), text
            assert hr_client.get("/api/insights/inputs-outputs", {name: text}).status_code == 400, text


@pytest.mark.parametrize(("path", "name"), [("/api/programs/{program_id}/department-support", "stage"),
                                            ("/api/departments/{code}/support", "stage"),
                                            ("/api/departments/{code}/support", "program")])
def test_a_stage_or_program_number_is_documented_as_a_number(document, path, name):
    schema = _query(document, path, name)
    for text in ("", "7", " 12 "):
        assert _admits(schema, text), text
    for text in ("abc", "-1", "1.5", "99999999999"):
        assert not _admits(schema, text), text


def test_the_roi_inputs_document_their_ranges(document, program, hr_client):
    schema = _component(document, "RoiIn")["properties"]
    for name, (low, high) in roi.RoiInputs.LIMITS.items():
        assert (schema[name]["minimum"], schema[name]["maximum"]) == (low, high), name
    response = hr_client.post(f"/api/programs/{program.pk}/roi", {"attribution": 1.5}, content_type="application/json")
    assert response.status_code == 422


# -- survey templates ------------------------------------------------------------------------------


def test_a_survey_template_documents_what_the_service_checks(document, hr_client):
    """Every generated template was a 400: codes, kinds, purposes, English text and the question count."""
    from tandem.assessments.models import QuestionKind, SurveyPurpose

    template = _component(document, "TemplateIn")["properties"]
    question = _component(document, "SurveyQuestionIn")["properties"]
    assert question["kind"]["enum"] == list(QuestionKind.values)
    assert template["purpose"]["enum"] == list(SurveyPurpose.values)
    assert (template["questions"]["minItems"], template["questions"]["maxItems"]) == (1, 40)
    assert _admits(template["code"], "exit-survey_2") and not _admits(template["code"], "Exit Survey")
    english = template["name"]["anyOf"]
    assert not _admits(english[0], "   ") and _admits(english[0], "Exit survey")
    assert english[1]["required"] == ["en"]
    good = {"code": "exit", "name": "Exit", "questions": [{"code": "q1", "kind": "text", "text": "Why?"}]}
    assert hr_client.post("/api/survey-templates", good, content_type="application/json").status_code == 201
    for bad in ({**good, "code": "Exit Survey"}, {**good, "name": "   "}, {**good, "questions": []},
                {**good, "questions": [{"code": "q1", "kind": "essay", "text": "Why?"}]}):
        response = hr_client.post("/api/survey-templates", bad, content_type="application/json")
        assert response.status_code == 400, (bad, response.content)


def test_an_optional_body_is_documented_as_an_object_not_null(document):
    """``null`` as the body is a 400 (the parser takes objects only); the document offered it."""
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body is not None:
                assert {"type": "null"} not in body.get("anyOf", []), (method, path)
    publish = document["paths"]["/api/rounds/{round_id}/close-and-publish"]["post"]["requestBody"]
    assert publish["required"] is False
    assert publish["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PublishIn"}


def test_a_program_documents_who_else_may_sign_its_agreements(document, client, manager):
    """``"mentor"`` was a valid signer by the document and a 400 from the service (it signs anyway)."""
    from tandem.programs.models import OPTIONAL_SIGNERS

    items = _component(document, "ProgramIn")["properties"]["agreement_signers"]["items"]
    assert items["enum"] == [p.value for p in OPTIONAL_SIGNERS]
    response = client.post("/api/programs", {"name": "Signers", "program_type": "classic", "matching_mode": "choose",
                                             "starts_on": "2027-01-01", "ends_on": "2027-12-31",
                                             "agreement_signers": ["mentor"]}, content_type="application/json")
    assert response.status_code == 422 and not Program.objects.exists()
