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


# -- the December evening: rules between fields, blank texts, links, kinds -----------------------


def _type_admits(kind, value):
    return {"null": value is None, "integer": isinstance(value, int) and not isinstance(value, bool),
            "array": isinstance(value, list), "object": isinstance(value, dict),
            "string": isinstance(value, str)}[kind]


def _admits_value(schema, value):
    """The keywords the oneOf branches and properties below use: type, enum, pattern, minLength,
    minItems, maxItems, uniqueItems, minimum, anyOf, additionalProperties (no JSON Schema library in
    the project)."""
    if "anyOf" in schema and not any(_admits_value(branch, value) for branch in schema["anyOf"]):
        return False
    if "type" in schema and not _type_admits(schema["type"], value):
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return False
        if len(value) < schema.get("minLength", 0):
            return False
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            return False
        if schema.get("uniqueItems") and len(set(map(str, value))) != len(value):
            return False
    if isinstance(value, int) and value < schema.get("minimum", value):
        return False
    extra = schema.get("additionalProperties")
    if isinstance(value, dict) and isinstance(extra, dict) and "$ref" not in extra:
        return all(_admits_value(extra, v) for v in value.values())
    return True


def _documented(schema, body):
    """Whether ``body`` is valid by a component's properties, required fields and oneOf."""
    def fits(part):
        return all(k in body for k in part.get("required", [])) and all(
            _admits_value(sub, body[k]) for k, sub in part.get("properties", {}).items() if k in body)

    return fits(schema) and ([fits(b) for b in schema.get("oneOf", [{}])].count(True) == 1)


from tests.matching.test_rounds_ux import cohort  # noqa: E402,F401  (fixture: a selection round)
from tests.mentorships.conftest import make_pair  # noqa: E402,F401  (fixture: a pair and its program)


def _as(client, person):
    client.force_login(person.user)
    return client


def test_a_transition_documents_which_moves_need_a_reason(document, client, make_pair):  # noqa: F811 (fixture imported above)
    """``{"to": "ended_early"}`` (no reason, or a blank one) was valid by the document and a 400."""
    from tandem.mentorships import lifecycle
    from tandem.mentorships.models import MentorshipStatus as S

    schema = _component(document, "TransitionIn")
    needs = {to for (_frm, to), e in lifecycle.TRANSITIONS.items() if e.reason_required}
    assert needs == {S.AGREEMENT, S.ACTIVE, S.ENDED_EARLY}
    assert S.REQUESTED not in schema["properties"]["to"]["enum"]  # no edge leads there: always refused
    for to in needs:
        for body in ({"to": to}, {"to": to, "reason": ""}, {"to": to, "reason": " \n\t\u3000"}):
            assert not _documented(schema, body), body
        assert _documented(schema, {"to": to, "reason": "  Moved to another city\n"})
    for to in set(schema["properties"]["to"]["enum"]) - needs:
        assert _documented(schema, {"to": to}) and _documented(schema, {"to": to, "reason": ""}), to

    p = make_pair()
    url = f"/api/mentorships/{p.mentorship.pk}/transitions"
    _as(client, p.mentee)
    for body in ({"to": "ended_early"}, {"to": "ended_early", "reason": "   "}):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400 and "reason" in response.json()["errors"], response.content
    for body in ({"to": "requested"}, {"to": "ended_early", "reason": "a bell \x07"}):
        assert client.post(url, body, content_type="application/json").status_code == 422, body
    p.mentorship.refresh_from_db()
    assert p.mentorship.status == S.ACTIVE
    response = client.post(url, {"to": "ended_early", "reason": "Moved to another city"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == S.ENDED_EARLY
    q = make_pair()
    response = _as(client, q.mentee).post(f"/api/mentorships/{q.mentorship.pk}/transitions", {"to": "completed"},
                                          content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == S.COMPLETED


def test_the_log_documents_that_a_search_has_words(document, client, make_pair):  # noqa: F811 (fixture imported above)
    """``?q=`` was valid by the document (``str | None`` lost the search's minLength) and a 422."""
    schema = _query(document, "/api/mentorships/{mentorship_id}/log", "q")
    assert (schema["minLength"], schema["maxLength"]) == (1, 200)
    p = make_pair()
    url = f"/api/mentorships/{p.mentorship.pk}/log"
    _as(client, p.mentee)
    assert client.get(url, {"q": ""}).status_code == 422
    assert client.get(url, {"q": "goals"}).status_code == 200
    assert "items" in client.get(url).json()


def test_a_survey_schedule_documents_a_milestone_or_a_number_of_sessions(document, program, hr_client):
    schema = _component(document, "ScheduleIn")
    template = {"code": "pulse", "name": "Pulse", "questions": [{"code": "q1", "kind": "text", "text": "How?"}]}
    assert hr_client.post("/api/survey-templates", template, content_type="application/json").status_code == 201
    url = f"/api/programs/{program.pk}/survey-schedules"
    for body in ({"template": "pulse"}, {"template": "pulse", "milestone_id": None, "after_sessions": None},
                 {"template": "pulse", "milestone_id": 1, "after_sessions": 3}):
        assert not _documented(schema, body), body
        response = hr_client.post(url, body, content_type="application/json")
        assert response.status_code == 400 and "milestone" in response.json()["errors"], (body, response.content)
    for body in ({"template": "pulse", "after_sessions": 0}, {"template": "pulse", "after_sessions": 101},
                 {"template": "Pulse Survey", "after_sessions": 3}, {"template": "pulse", "after_sessions": "3"}):
        assert hr_client.post(url, body, content_type="application/json").status_code == 422, body
    body = {"template": "pulse", "after_sessions": 3}
    assert _documented(schema, body) and _documented(schema, {"template": "pulse", "milestone_id": 7})
    assert hr_client.post(url, body, content_type="application/json").status_code == 201


def test_a_shared_link_documents_the_links_the_service_takes(document, client, make_pair):  # noqa: F811 (fixture imported above)
    """The document's ``^https://`` admitted links that URLValidator (and the old field pattern) refused."""
    from django.core.validators import URLValidator

    from tandem.mentorships.library_models import Resource

    body = document["paths"]["/api/mentorships/{mentorship_id}/resources"]["post"]["requestBody"]["content"]
    url = body["application/json"]["schema"]["properties"]["url"]
    assert body["multipart/form-data"]["schema"]["properties"]["title"]["pattern"].startswith("^[^\\x00-\\x1f")
    good = ("https://hbr.org/negotiation", "https://a.b-c.example.com:8443/p?q=1#top", "https://x.org/Переговоры")
    bad = ("https://localhost/x", "https://x", "https://-a.org", "http://x.org", "https://x.org/a b",
           "https://x.org/\x85", "HTTPS://x.org", " https://x.org", "https://x.org/\u3000", "https://x.org/\ufeff")
    for link in good:
        assert _admits(url, link), link
        URLValidator(schemes=["https"])(link)
    for link in bad:
        assert not _admits(url, link), link
    p = make_pair()
    _as(client, p.mentor)
    share = f"/api/mentorships/{p.mentorship.pk}/resources"
    for link in bad:
        assert client.post(share, {"url": link}, content_type="application/json").status_code == 422, link
    assert not Resource.objects.exists()
    for link in good:
        assert client.post(share, {"url": link}, content_type="application/json").status_code == 201, link


def test_every_link_the_document_admits_passes_the_service_check(document):
    from django.core.validators import URLValidator
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tandem.mentorships.library_api import HTTPS_URL

    check = URLValidator(schemes=["https"])

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(HTTPS_URL, fullmatch=True).filter(lambda s: len(s) <= 500))
    def passes(link):
        check(link)

    passes()


def test_a_review_campaign_documents_its_kinds(document, program, hr_client):
    from tandem.assessments.review_models import ReviewKind

    assert _component(document, "CampaignIn")["properties"]["kind"]["enum"] == list(ReviewKind.values)
    response = hr_client.post(f"/api/programs/{program.pk}/reviews",
                              {"kind": "weekly", "opens_on": "2030-01-01", "closes_on": "2030-01-31"},
                              content_type="application/json")
    assert response.status_code == 400 and "kind" in response.json()["errors"]


def _form(document, path):
    return document["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]


def test_imports_document_their_kinds_and_no_null_form_fields(document, hr_client):
    """A form has no null: ``mapping_id`` documented as ``integer | null`` had schemathesis send ``null``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tandem.config.api import FORM_CONTENT_TYPES
    from tandem.people.models import ImportJob, ImportKind

    for path in ("/api/imports", "/api/import-mappings"):
        assert _form(document, path)["kind"]["enum"] == list(ImportKind.values)
    assert _form(document, "/api/imports")["mapping_id"]["type"] == "integer"
    forms = 0
    for operations in document["paths"].values():
        for op in operations.values():
            for content_type, media in op.get("requestBody", {}).get("content", {}).items():
                if content_type in FORM_CONTENT_TYPES:
                    forms += 1
                    for name, prop in media["schema"].get("properties", {}).items():
                        assert {"type": "null"} not in prop.get("anyOf", []), (content_type, name)
                        assert prop.get("type") != "null" and "default" not in prop or prop["default"] is not None
    assert forms >= 3
    people = b"employee_id,full_name,email\nW1,Wim,w1@example.com\n"
    for data, status, code in (({"kind": "cats"}, 400, "import_kind"), ({"kind": "people", "mapping_id": "null"}, 422, None)):
        response = hr_client.post("/api/imports", {**data, "file": SimpleUploadedFile("p.csv", people)})
        assert response.status_code == status, response.content
        assert code is None or response.json()["code"] == code
    assert not ImportJob.objects.exists()
    name = _form(document, "/api/import-mappings")["name"]
    assert not _admits(name, "   ") and not _admits(name, "a\nb") and _admits(name, " HR system ")
    response = hr_client.post("/api/import-mappings", {"name": "   ", "kind": "people",
                                                        "file": SimpleUploadedFile("p.csv", people)})
    assert response.status_code == 422 and "name" in response.content.decode()


def test_invitations_document_people_or_a_program(document, hr_client, program):
    schema = _component(document, "InvitationsIn")
    person = PersonFactory()
    for body in ({}, {"employee_ids": []}, {"employee_ids": [person.employee_id], "program_id": program.pk},
                 {"employee_ids": [], "program_id": None}):
        assert not _documented(schema, body), body
        assert hr_client.post("/api/invitations", body, content_type="application/json").status_code == 400, body
    assert not _admits(schema["properties"]["employee_ids"]["items"], " ")
    response = hr_client.post("/api/invitations", {"employee_ids": [" "]}, content_type="application/json")
    assert response.status_code == 422
    body = {"employee_ids": [person.employee_id]}
    assert _documented(schema, body) and _documented(schema, {"program_id": program.pk})
    response = hr_client.post("/api/invitations", body, content_type="application/json")
    assert response.status_code == 201, response.content


def test_rankings_document_the_list_or_the_ranks(document, client, cohort):  # noqa: F811 (fixture imported above)
    mine = _component(document, "ApplicantRankingIn")
    theirs = _component(document, "DepartmentRankingIn")
    for schema, ordered in ((mine, "departments"), (theirs, "applicants")):
        for body in ({}, {ordered: ["A"], "ranks": {"A": 1}}, {ordered: None, "ranks": None}, {ordered: ["A", "A"]},
                     {"ranks": {"A": 0}}):
            assert not _documented(schema, body), body
        assert _documented(schema, {ordered: ["A", "B"]}) and _documented(schema, {"ranks": {"A": 2}})
    url = f"/api/rounds/{cohort.round.pk}/my-ranking"
    _as(client, cohort.grads[0])
    for body in ({}, {"departments": ["SAL"], "ranks": {"SAL": 1}}, {"departments": ["SAL", "SAL"]},
                 {"ranks": {"SAL": 0}}):
        response = client.put(url, body, content_type="application/json")
        assert response.status_code == 400 and "departments" in response.json()["errors"], (body, response.content)
    response = client.put(url, {"departments": ["FIN", "SAL"]}, content_type="application/json")
    assert response.status_code == 200 and response.json()["ranked"] == ["FIN", "SAL"]
    url = f"/api/rounds/{cohort.round.pk}/departments/SAL/ranking"
    _as(client, cohort.head_a)
    response = client.put(url, {"applicants": [cohort.grads[0].employee_id], "ranks": {}},
                          content_type="application/json")
    assert response.status_code == 400 and "applicants" in response.json()["errors"]


def test_anonymising_documents_what_confirm_must_be(document, hr_client):
    """``confirm`` must repeat the path's employee ID: no JSON Schema says that, the answers do."""
    op = document["paths"]["/api/people/{employee_id}/anonymise"]["post"]
    assert "confirm" in op["responses"]["400"]["description"]
    assert "already_anonymised" in op["responses"]["409"]["description"]
    assert op["responses"]["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    person = PersonFactory(is_active=False)
    response = hr_client.post(f"/api/people/{person.employee_id}/anonymise", {"confirm": "someone else"},
                              content_type="application/json")
    assert response.status_code == 400 and "confirm" in response.json()["errors"]


def test_a_self_assessment_documents_that_both_texts_are_required(document, client, manager):
    """``"strengths": " "`` was valid by the document and a 400 ("Name at least one strength")."""
    schema = _component(document, "SelfAssessmentIn")
    for name in ("strengths", "development_areas"):
        prop = schema["properties"][name]
        assert name in schema["required"] and prop["maxLength"] == 4000
        for text in ("", "   ", "\n\t", "\x1c", "\x85", "\ufeff", "a\x00"):
            assert not _admits(prop, text), (name, text)
        assert _admits(prop, "  Listening\n")
    url = f"/api/people/{manager.employee_id}/self-assessments"
    for body in ({"strengths": "   ", "development_areas": "Delegation"},
                 {"strengths": "Listening", "development_areas": "\n"}):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 422, response.content
    response = client.post(url, {"strengths": " Listening ", "development_areas": "Delegation"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["strengths"] == "Listening"


# -- found in the evening runs: blank codes and IDs, a cohort's label, a program number, choices --


@pytest.mark.parametrize(("component", "field"), [("ConstraintIn", "mentee"), ("ConstraintIn", "mentor"),
                                                  ("PairIn", "mentee"), ("PairIn", "mentor"),
                                                  ("FromTemplateIn", "template_code"), ("RoundIn", "name")])
def test_a_blank_id_code_or_name_is_documented_as_refused(document, component, field):
    schema = _component(document, component)["properties"][field]
    for text in ("", "   ", "\t"):
        assert not _admits(schema, text), text
    assert _admits(schema, "E1253") and _admits(schema, " ENG ")


def test_blank_ids_codes_and_names_are_refused_as_documented(client, manager, program, hr_client):
    """Each was valid by the document and a 400 naming nobody ("Unknown employee ID: ")."""
    for method in (hr_client.post, hr_client.delete):
        response = method(f"/api/programs/{program.pk}/match-constraints", {"mentee": "", "mentor": " "},
                          content_type="application/json")
        assert response.status_code == 400, response.content
    response = hr_client.post("/api/programs/from-template", {"template_code": " ", "name": "X", "starts_on": "2027-01-01"},
                              content_type="application/json")
    assert response.status_code == 400 and "template_code" in response.json()["errors"]
    response = hr_client.post(f"/api/programs/{program.pk}/rounds",
                              {"name": "  ", "deadline": "2030-01-01T10:00:00Z", "seats": []}, content_type="application/json")
    assert response.status_code == 422 and "name" in response.content.decode()
    response = _as(client, manager).put(f"/api/people/{manager.employee_id}/topics", {"can_teach": [""]},
                                        content_type="application/json")
    assert response.status_code == 400 and "topics" in response.json()["errors"]


def test_topic_codes_are_documented_as_not_blank(document):
    for name in ("can_teach", "want_to_learn"):
        items = _component(document, "TopicsIn")["properties"][name]["items"]
        assert not _admits(items, "") and not _admits(items, " ") and _admits(items, "negotiation")


def test_a_cohort_label_and_a_program_number_are_documented_as_read(document, program, hr_client):
    group = _query(document, "/api/insights/cohorts/compare", "b")
    assert _admits(group, "cohort:" + "x" * 80) and _admits(group, "cohort: 2024 intake ")
    for text in ("cohort:" + "x" * 81, "cohort: "):
        assert not _admits(group, text)
    response = hr_client.get("/api/insights/cohorts/compare", {"a": f"program:{program.pk}", "b": "cohort:" + "x" * 81})
    assert response.status_code == 400
    number = _query(document, "/api/insights/inputs-outputs", "program")
    for text in ("", "7", " 12 ", "0012"):
        assert _admits(number, text), text
    for text in ("0", "0000000000000000000", "abc", "-1", "99999999999"):
        assert not _admits(number, text), text
        assert hr_client.get("/api/insights/inputs-outputs", {"program": text}).status_code == 400, text
    # up to 999,999,999 documented (as program:<id>); beyond, the reader's 404 for no such program
    assert not _admits(number, "1234567890")


def test_a_question_documents_that_only_choice_questions_have_choices(document, hr_client):
    schema = _component(document, "SurveyQuestionIn")
    two = [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]
    question = {"code": "q1", "text": "Why?"}
    for body in ({**question, "kind": "nps", "choices": two}, {**question, "kind": "single", "choices": two[:1]},
                 {**question, "kind": "multiple"}):
        assert not _documented(schema, body), body
        response = hr_client.post("/api/survey-templates", {"code": "t", "name": "T", "questions": [body]},
                                  content_type="application/json")
        assert response.status_code == 400 and "questions.0.choices" in response.json()["errors"], response.content
    for body in ({**question, "kind": "nps"}, {**question, "kind": "text", "choices": []},
                 {**question, "kind": "single", "choices": two}):
        assert _documented(schema, body), body
    response = hr_client.post("/api/survey-templates", {"code": "t", "name": "T", "questions": [
        {**question, "kind": "single", "choices": two}]}, content_type="application/json")
    assert response.status_code == 201, response.content


def test_rankings_document_that_a_blank_code_or_id_ranks_nobody(document, client, cohort):  # noqa: F811 (fixture imported above)
    for name, ordered in (("ApplicantRankingIn", "departments"), ("DepartmentRankingIn", "applicants")):
        schema = _component(document, name)
        ranks = next(b for b in schema["oneOf"] if "ranks" in b["required"])["properties"]["ranks"]
        assert not _admits(ranks["propertyNames"], "") and _admits(ranks["propertyNames"], "SAL")
        items = _string_branch({"anyOf": [schema["properties"][ordered]["anyOf"][0]["items"]]})
        assert not _admits(items, " ") and _admits(items, "E1")
    _as(client, cohort.head_a)
    response = client.put(f"/api/rounds/{cohort.round.pk}/departments/SAL/ranking", {"ranks": {"": 2}},
                          content_type="application/json")
    assert response.status_code == 400 and "applicants" in response.json()["errors"]


def test_a_shared_link_documents_a_null_session(document, client, make_pair):  # noqa: F811 (fixture imported above)
    """LinkIn takes ``"session_id": null``; the document said integer only (ST201 in the mentee's run)."""
    body = document["paths"]["/api/mentorships/{mentorship_id}/resources"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"]["properties"]["session_id"]["type"] == ["integer", "null"]
    p = make_pair()
    response = _as(client, p.mentor).post(f"/api/mentorships/{p.mentorship.pk}/resources",
                                          {"url": "https://hbr.org/a", "session_id": None}, content_type="application/json")
    assert response.status_code == 201 and response.json()["session_id"] is None
