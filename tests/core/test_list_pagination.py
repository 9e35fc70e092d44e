"""Every API list is paginated: its size does not grow with the organisation (issue 13 §7)."""

from __future__ import annotations

import pytest

from tandem.people.models import Topic
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(hr_client, hr_person):
    return hr_client


@pytest.mark.parametrize("url", ["/api/departments", "/api/job-profiles", "/api/competencies", "/api/topics",
                                 "/api/programs", "/api/tokens"])
def test_each_list_answers_one_page_with_the_total(hr, url):
    body = hr.get(url).json()
    assert set(body) == {"items", "count"}
    assert isinstance(body["items"], list) and body["count"] >= len(body["items"])


def test_a_large_catalogue_is_served_page_by_page_in_a_stable_order(hr):
    Topic.objects.bulk_create([Topic(code=f"t{i:04d}", name=f"Topic {i:04d}") for i in range(130)])
    first = hr.get("/api/topics").json()
    second = hr.get("/api/topics?page=2").json()
    assert first["count"] == second["count"] >= 130
    assert len(first["items"]) == 100
    codes = [t["code"] for t in first["items"] + second["items"]]
    assert len(codes) == len(set(codes)) == first["count"]


def test_departments_come_in_pages_too(hr):
    for i in range(5):
        DepartmentFactory()
    body = hr.get("/api/departments?page_size=2").json()
    assert len(body["items"]) == 2 and body["count"] >= 5


def test_a_page_past_the_end_is_empty_and_a_huge_page_is_refused(hr):
    assert hr.get("/api/topics?page=999").json()["items"] == []
    assert hr.get("/api/topics?page=99999999999999999999").status_code == 422
