"""Every role against every department support page and endpoint (core/authz.py:
can_view_department_support, can_view_own_department_support): the program's report is HR's and the
program manager's; a department's own view is HR's and its head's; everyone else gets 403 (or 404
for a program they cannot see at all)."""

from __future__ import annotations

import pytest

from tests.factories import PersonFactory, UserFactory
from tests.insights.departments_fixtures import cohort

_FIXTURES = (cohort,)  # pytest finds them by name

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "head_a", "head_b", "mentor", "graduate",
         "colleague", "no_person", "pm_without_person"]
PROGRAM_OK = {"hr", "owner"}
DEPARTMENT_A_OK = {"hr", "head_a"}
# cannot see the program at all: 404 on its report
NOT_SEEING_PROGRAM = {"head_a", "head_b", "colleague", "no_person"}


@pytest.fixture
def people(cohort, make_person):
    return {
        "hr": make_person(groups=["hr_admin"]),
        "owner": cohort.owner,
        "pm_owning_nothing": make_person(groups=["program_manager"]),
        "head_a": cohort.heads["A"],
        "head_b": cohort.heads["B"],
        "mentor": cohort.mentors["A"],
        "graduate": cohort.grads["A"][0],
        "colleague": PersonFactory(user=UserFactory(), department=cohort.deps["A"]),
    }


def _login(client, people, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role == "pm_without_person":
        client.force_login(UserFactory(groups=["program_manager"]))
    elif role != "anonymous":
        client.force_login(people[role].user)


@pytest.mark.parametrize("role", ROLES)
def test_every_department_support_page_and_endpoint(client, cohort, people, role):
    _login(client, people, role)
    pk, stage = cohort.program.pk, cohort.rotation.pk
    q = f"?program={pk}&stage={stage}"
    cases = [
        (f"/api/programs/{pk}/department-support?stage={stage}", True, "program"),
        (f"/programs/{pk}/department-support/?stage={stage}", False, "program"),
        (f"/programs/{pk}/department-support/export.csv?stage={stage}", False, "program"),
        (f"/programs/{pk}/department-support/export.xlsx?stage={stage}", False, "program"),
        (f"/api/departments/DEP-A/support{q}", True, "department"),
        (f"/departments/DEP-A/support/{q}", False, "department"),
        (f"/departments/DEP-A/support/export.csv{q}", False, "department"),
        (f"/departments/DEP-A/support/export.xlsx{q}", False, "department"),
    ]
    for url, api, kind in cases:
        response = client.get(url)
        if role == "anonymous":
            want = 401 if api else 302
        elif kind == "program":
            want = 200 if role in PROGRAM_OK else 404 if role in NOT_SEEING_PROGRAM else 403
        else:
            want = 200 if role in DEPARTMENT_A_OK else 403
        assert response.status_code == want, (role, url, response.status_code)
        if want != 200 and api:
            body = response.json()
            assert "departments" not in body and "own" not in body


def test_the_head_of_a_parent_department_sees_a_sub_department(client, cohort, make_person):
    from tests.factories import DepartmentFactory

    parent = DepartmentFactory(code="PARENT")
    child = cohort.deps["C"]
    child.parent = parent
    from tandem.people.services import department_save

    department_save(department=child)
    head = make_person(department=parent)
    parent.head = head
    parent.save(update_fields=["head"])
    client.force_login(head.user)
    assert client.get(f"/api/departments/DEP-C/support?program={cohort.program.pk}").status_code == 200
    assert client.get(f"/api/departments/DEP-D/support?program={cohort.program.pk}").status_code == 403


def test_a_head_finds_their_departments_support_report_from_home(client, cohort, make_person):
    dep = cohort.deps["C"]
    head = make_person(department=dep)
    dep.head = head
    dep.save(update_fields=["head"])
    client.force_login(head.user)
    home = client.get("/").content.decode()
    assert f'href="/departments/{dep.code}/support/"' in home
    assert client.get(f"/departments/{dep.code}/support/?program={cohort.program.pk}").status_code == 200
