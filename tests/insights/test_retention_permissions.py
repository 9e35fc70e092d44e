"""Every role against every retention page and endpoint (core/authz.py: can_view_retention,
can_view_at_risk): HR and the program's manager only; the mentors and mentees never."""

from __future__ import annotations

import pytest

from tests.factories import PersonFactory, UserFactory

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "head", "mentor", "mentee", "other_pair",
         "colleague", "no_person", "pm_without_person"]
# roles that cannot even see the program get a 404 (they may not know it exists)
NOT_SEEING = {"head", "other_pair", "colleague", "no_person"}


@pytest.fixture
def people(active_pair, make_person, make_pair):
    p = active_pair
    return {
        "hr": make_person(groups=["hr_admin"]),
        "owner": p.owner,
        "pm_owning_nothing": make_person(groups=["program_manager"]),
        "head": p.head,
        "mentor": p.mentor,
        "mentee": p.mentee,
        "other_pair": make_pair().mentee,
        "colleague": PersonFactory(user=UserFactory()),
    }


def _login(client, people, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role == "pm_without_person":
        client.force_login(UserFactory(groups=["program_manager"]))
    elif role != "anonymous":
        client.force_login(people[role].user)


@pytest.mark.parametrize("role", ROLES)
def test_every_retention_page_and_endpoint(client, active_pair, people, role):
    _login(client, people, role)
    pk = active_pair.program.pk
    cases = [
        (f"/api/programs/{pk}/retention", True),
        (f"/api/programs/{pk}/at-risk", True),
        (f"/programs/{pk}/retention/", False),
        (f"/programs/{pk}/retention/export.csv", False),
        (f"/programs/{pk}/retention/export.xlsx", False),
        (f"/programs/{pk}/at-risk/", False),
    ]
    for url, api in cases:
        response = client.get(url)
        if role == "anonymous":
            want = 401 if api else 302
        elif role in {"hr", "owner"}:
            want = 200
        else:
            want = 404 if role in NOT_SEEING else 403
        assert response.status_code == want, (role, url, response.status_code)
        if want != 200 and api:
            body = response.json()
            assert "groups" not in body and "items" not in body


@pytest.mark.parametrize("role", ["hr", "owner", "pm_owning_nothing", "mentor", "mentee"])
def test_the_program_page_links_retention_only_for_those_who_may_see_it(client, active_pair, people, role):
    _login(client, people, role)
    html = client.get(f"/programs/{active_pair.program.pk}/").content.decode()
    assert (f'href="/programs/{active_pair.program.pk}/retention/"' in html) == (role in {"hr", "owner"})
