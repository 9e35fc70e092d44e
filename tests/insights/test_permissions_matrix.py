"""Every role against every insights page and endpoint (core/authz.py, insights section)."""

from __future__ import annotations


import pytest

from tests.factories import PersonFactory, UserFactory, make_person
from tests.insights.conftest import build_cohorts
from tests.mentorships.conftest import build_pair
from tests.shared_world import shared_world

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "head", "mentor", "mentee", "other_pair",
         "colleague", "no_person"]


def build_world():
    cohorts = build_cohorts(build_pair())
    p = cohorts.pair
    other = build_pair()
    return cohorts, {
        "hr": make_person(groups=["hr_admin"]),
        "owner": p.owner,
        "pm_owning_nothing": make_person(groups=["program_manager"]),
        "head": p.head,
        "mentor": p.mentor,
        "mentee": p.mentee,
        "other_pair": other.mentee,
        "colleague": PersonFactory(user=UserFactory()),
    }


# The cohorts and the people, built once for this module (tests/shared_world.py); each test's writes are
# undone. One deep copy for both: ``people["mentee"]`` is ``cohorts.pair.mentee``.
_built, _cohorts_and_people = shared_world(build_world)


@pytest.fixture
def cohorts(_cohorts_and_people):
    return _cohorts_and_people[0]


@pytest.fixture
def people(_cohorts_and_people):
    return _cohorts_and_people[1]


def login(client, people, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role != "anonymous":
        client.force_login(people[role].user)
    return client


def expected(role, allowed, *, api, hidden=frozenset()):
    if role == "anonymous":
        return 401 if api else 302
    if role in allowed:
        return 200
    return 404 if role in hidden else 403


@pytest.mark.parametrize("role", ROLES)
def test_every_insights_page_and_endpoint(client, cohorts, people, role):
    login(client, people, role)
    pk = cohorts.program.pk
    program_groups = {"a": cohorts.a, "b": cohorts.b}
    cohort_groups = {"a": "cohort:mentored", "b": "cohort:others"}
    # roles that cannot even see the program get a 404 for its ROI (they may not know it exists)
    not_seeing = {"head", "other_pair", "colleague", "no_person"}
    cases = [
        ("GET", "/api/insights/cohorts/compare", program_groups, {"hr", "owner"}, True, set()),
        ("GET", "/api/insights/cohorts/compare", cohort_groups, {"hr"}, True, set()),
        ("GET", "/insights/compare/", program_groups, {"hr", "owner"}, False, set()),
        ("GET", "/insights/compare/", cohort_groups, {"hr"}, False, set()),
        ("GET", "/insights/compare/export.csv", program_groups, {"hr", "owner"}, False, set()),
        ("GET", "/insights/compare/export.xlsx", cohort_groups, {"hr"}, False, set()),
        ("GET", f"/api/programs/{pk}/roi", None, {"hr", "owner"}, True, not_seeing),
        ("POST", f"/api/programs/{pk}/roi", {}, {"hr", "owner"}, True, not_seeing),
        ("GET", f"/programs/{pk}/roi/", None, {"hr", "owner"}, False, not_seeing),
    ]
    for method, url, data, allowed, api, hidden in cases:
        if method == "GET":
            response = client.get(url, data or {})
        else:
            response = client.post(url, data, content_type="application/json")
        want = expected(role, allowed, api=api, hidden=hidden)
        assert response.status_code == want, (role, method, url, data, response.status_code)
        if want != 200 and api:
            body = response.json()
            assert "metrics" not in body and "benefit_first_year" not in body


@pytest.mark.parametrize("role", ["hr", "owner", "pm_owning_nothing", "head", "mentee", "no_person"])
def test_the_nav_link_and_program_slot_show_only_to_those_who_may_use_them(client, cohorts, people, role):
    login(client, people, role)
    home = client.get("/").content.decode()
    assert ('href="/insights/compare/"' in home) == (role in {"hr", "owner", "pm_owning_nothing"})
    detail = client.get(f"/programs/{cohorts.program.pk}/")
    if detail.status_code == 200:
        assert (f"/programs/{cohorts.program.pk}/roi/" in detail.content.decode()) == (role in {"hr", "owner"})
