"""The department list: its member counts (the departments page) and the API list, which has none."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.people import selectors
from tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_department_list_counts_the_active_people_directly_in_each_department():
    # given a department with a team, people who left, and an empty department
    root = DepartmentFactory()
    team = DepartmentFactory(parent=root)
    empty = DepartmentFactory()
    PersonFactory(department=root)
    PersonFactory(department=team), PersonFactory(department=team)
    PersonFactory(department=team, is_active=False)
    # when
    counts = {d.pk: d.direct_members for d in selectors.department_list()}
    # then: the team's people are not the root's, the leaver is not counted, nobody reads as 0
    assert counts[root.pk] == 1
    assert counts[team.pk] == 2
    assert counts[empty.pk] == 0


def test_api_department_list_does_not_read_the_people(client, make_person):
    # given departments with people in them
    for _ in range(3):
        dep = DepartmentFactory()
        PersonFactory(department=dep), PersonFactory(department=dep)
    client.force_login(make_person().user)
    # when
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/departments")
    # then: the departments (and their heads), without grouping everyone by department to count members
    assert response.status_code == 200
    assert response.json()["count"] >= 3
    listing = [q["sql"] for q in ctx.captured_queries  # (the signed-in user's read names their department)
               if 'FROM "people_department"' in q["sql"] and 'FROM "auth_user"' not in q["sql"]]
    assert len(listing) == 3  # the page's keys, its rows (core.schemas.PageNumberPagination) and the count
    assert not any("GROUP BY" in sql for sql in listing)
