from __future__ import annotations

import pytest

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_openapi_document_lists_the_endpoints(client):
    doc = client.get("/api/openapi.json").json()
    assert doc["info"]["title"] == "Tandem API"
    for path in ("/api/people", "/api/people/{employee_id}", "/api/tokens", "/api/imports"):
        assert path in doc["paths"], path


def test_interactive_docs_load_without_outside_assets(client):
    html = client.get("/api/docs").content.decode()
    assert client.get("/api/docs").status_code == 200
    assert "cdn." not in html and "unpkg" not in html


def test_people_api_is_paginated_and_filterable(hr_client):
    for _ in range(60):
        PersonFactory()
    body = hr_client.get("/api/people?page=2").json()
    assert body["count"] == 61 and len(body["items"]) == 11


def test_invalid_rating_payload_gets_422_with_the_field_named(hr_client, hr_person):
    response = hr_client.post(f"/api/people/{hr_person.employee_id}/ratings",
                              {"competency": "X", "level": 7, "source": "assessment"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "level"


def test_unknown_competency_is_404_with_a_message(hr_client, hr_person):
    response = hr_client.post(f"/api/people/{hr_person.employee_id}/ratings",
                              {"competency": "NOPE", "level": 3, "source": "assessment"}, content_type="application/json")
    assert response.status_code == 404 and "NOPE" in response.json()["message"]


def test_malformed_json_is_a_clear_400_not_a_500(hr_client, hr_person):
    response = hr_client.post(f"/api/people/{hr_person.employee_id}/ratings", "{not json",
                              content_type="application/json")
    assert response.status_code in (400, 422)


def test_unknown_topic_code_is_refused_and_the_old_topics_stay(client):
    from tandem.people import services
    from tandem.people.models import PersonTopic
    from tests.factories import TopicFactory, UserFactory

    me = PersonFactory(user=UserFactory())
    t = TopicFactory(code="trends")
    services.topics_set(person=me, can_teach=[t.pk], want_to_learn=[])
    client.force_login(me.user)
    response = client.put(f"/api/people/{me.employee_id}/topics", {"can_teach": ["nope"]},
                          content_type="application/json")
    assert response.status_code == 400 and "nope" in str(response.json()["errors"])
    assert PersonTopic.objects.filter(person=me).count() == 1


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_contact_details_in_the_people_list_cost_no_query_per_row(client, make_person):
    from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
    from tandem.programs.models import MatchingMode, Program, ProgramType

    # given a mentor with an active mentee and a manager with a report, among many colleagues
    mentor = make_person(mentor_capacity=2)
    mentee, report = PersonFactory(), PersonFactory(manager=mentor)
    program = Program.objects.create(name="P", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
                                     starts_on="2026-01-01", ends_on="2026-12-31", owner=PersonFactory())
    Mentorship.objects.create(program=program, mentor=mentor, mentee=mentee, status=MentorshipStatus.ACTIVE,
                              origin=MentorshipOrigin.REQUESTED)
    client.force_login(mentor.user)
    few, _ = _count_queries(client, "/api/people")
    for _ in range(30):
        PersonFactory()
    many, response = _count_queries(client, "/api/people")
    # then the query count does not grow with the rows, and each row shows email only where allowed
    assert many == few
    emails = {p["employee_id"]: p["email"] for p in response.json()["items"]}
    assert emails[mentee.employee_id] == mentee.email and emails[report.employee_id] == report.email
    assert emails[mentor.employee_id] == mentor.email
    assert sum(1 for e in emails.values() if e) == 3
