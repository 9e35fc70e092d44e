"""The directory at company scale (issue 13 §7): a deep page reads only its own rows with their
joins; the search is served by indexes on PostgreSQL; what people see is unchanged."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.people import selectors
from tandem.people.models import Person
from tests.factories import JobProfileFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(hr_person):
    PersonFactory.create_batch(60)
    PersonFactory(full_name="Zed Inactive", is_active=False)
    return list(Person.objects.filter(is_active=True).order_by("full_name", "id"))


def shown(response):
    return [p.pk for p in response.context["page"].object_list]


@pytest.mark.parametrize("sort", ["name", "-name", "department", "hired", "employee_id"])
def test_every_page_of_the_directory_shows_the_people_of_that_page_in_order(hr_client, many, sort):
    order = list(selectors.person_list(sort=sort).values_list("pk", flat=True))
    pages = [shown(hr_client.get("/people/", {"page": n, "sort": sort})) for n in (1, 2, 3)]
    assert pages == [order[:25], order[25:50], order[50:]]
    page = hr_client.get("/people/", {"page": 2, "sort": sort}).context["page"]
    assert (page.number, page.paginator.num_pages, page.paginator.count) == (2, 3, len(many))
    assert page.has_previous() and page.has_next()


def test_a_deep_page_reads_its_rows_with_their_joins_by_key_not_past_an_offset_of_joined_rows(hr_client, many):
    with CaptureQueriesContext(connection) as ctx:
        response = hr_client.get("/people/", {"page": 3})
    assert response.status_code == 200 and len(shown(response)) == len(many) - 50
    joined = [q["sql"].upper() for q in ctx
              if 'FROM "PEOPLE_PERSON"' in q["sql"].upper() and 'JOIN "PEOPLE_DEPARTMENT"' in q["sql"].upper()]
    assert joined and all("OFFSET" not in sql for sql in joined)
    walks = [q["sql"].upper() for q in ctx if "OFFSET 50" in q["sql"].upper()]
    assert len(walks) == 1 and "JOIN" not in walks[0]  # the order's keys only


def test_out_of_range_and_garbage_page_numbers_still_show_a_page(hr_client, many):
    assert shown(hr_client.get("/people/", {"page": 999})) == [p.pk for p in many[50:]]
    assert shown(hr_client.get("/people/", {"page": "x"})) == [p.pk for p in many[:25]]
    assert shown(hr_client.get("/people/", {"q": "no such person at all"})) == []


def test_search_still_matches_a_job_title_name_employee_id_and_for_hr_an_email(hr_client):
    wizard = JobProfileFactory(title="Data Wizard")
    by_title = PersonFactory(job_profile=wizard, full_name="Ann Other")
    by_name = PersonFactory(full_name="Wizardry Smith")
    by_email = PersonFactory(full_name="Bo Mail", email="the.wizard@example.com")
    by_id = PersonFactory(full_name="Cy Id", employee_id="WIZARD")
    PersonFactory(full_name="Nobody Else")
    assert set(shown(hr_client.get("/people/", {"q": "wizard"}))) == {by_title.pk, by_name.pk, by_email.pk, by_id.pk}
    assert {p.pk for p in selectors.person_list(q="wizard")} == {by_title.pk, by_name.pk, by_id.pk}
    assert list(selectors.person_list(q="nothing matches this")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_directory_search_uses_the_trigram_and_employee_id_indexes_on_postgresql(hr_person):
    def name(i):
        return hashlib.md5(str(i).encode()).hexdigest()[:12]

    Person.objects.bulk_create([Person(employee_id=f"X{i:05}", full_name=f"{name(i)} {name(-i)}",
                                       email=f"{name(i + 1)}@example.com", department=hr_person.department)
                                for i in range(20000)], batch_size=5000)
    with connection.cursor() as cursor:
        for index in ("person_full_name_trgm", "person_email_trgm"):  # as autovacuum does
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE people_person")
        for q, email in ((name(42)[2:9], True), (name(43)[1:8], False)):
            qs = selectors.person_list(q=q, search_email=email)
            sql, params = qs.order_by().values("pk").query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            wanted = ["person_full_name_trgm", "person_employee_id_upper"] + (["person_email_trgm"] if email else [])
            for index in wanted:
                assert index in plan, plan
            assert "Seq Scan on people_person" not in plan, plan
    found = selectors.person_list(q=name(42)[2:9], search_email=True).values_list("employee_id", flat=True)
    assert {"X00042", "X00041"} <= set(found)  # the name, and the e-mail address of the one before
