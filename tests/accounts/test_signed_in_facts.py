"""A signed-in request reads the user, their person, groups and headed departments in one query
(core.authz.signed_in_user through the authentication backend), and what it reads is what the
separate reads gave: the rights of the next request follow every change."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core import authz
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fresh_facts(user) -> tuple[frozenset, tuple]:
    """What the Actor read before: its own queries."""
    from tandem.people.models import Person

    groups = frozenset(user.groups.values_list("name", flat=True))
    person = Person.objects.filter(user=user).first()
    paths = tuple(sorted(person.headed_departments.values_list("path", flat=True))) if person else ()
    return groups, paths


def test_facts_equal_separate_reads_for_a_head_of_two_departments(make_person):
    person = make_person(groups=["hr_admin", "program_manager"])
    a = DepartmentFactory(head=person)
    DepartmentFactory(parent=a)
    b = DepartmentFactory(head=person)
    user = authz.signed_in_user(person.user_id)
    actor = authz.Actor(user)
    assert actor.person == person and actor.person.department == person.department
    assert (actor.groups, actor.headed_paths) == _fresh_facts(person.user)
    assert set(actor.headed_paths) == {a.path, b.path}
    assert actor.is_hr and actor.is_program_manager and actor.is_department_head


def test_a_user_without_a_person_keeps_their_groups_and_heads_nothing(db):
    user = UserFactory(groups=["program_manager"])
    actor = authz.Actor(authz.signed_in_user(user.pk))
    assert actor.person is None
    assert actor.groups == frozenset({"program_manager"}) and actor.headed_paths == ()
    assert authz.signed_in_user(10**9) is None


def test_a_page_reads_groups_and_headed_departments_with_the_user(client, make_person):
    person = make_person(groups=["hr_admin"])
    DepartmentFactory(head=person)
    client.force_login(person.user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/people/").status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    user_reads = [s for s in sqls if 'FROM "auth_user"' in s and '"people_person"' in s]
    assert len(user_reads) == 1, sqls  # user and person together
    assert not [s for s in sqls if s.lstrip().startswith('SELECT "auth_group"."name"')], sqls
    assert not [s for s in sqls if 'FROM "people_department" WHERE "people_department"."head_id"' in s], sqls


def test_the_next_request_follows_a_change_of_groups_and_of_headship(client, make_person):
    person = make_person(groups=["hr_admin"])
    client.force_login(person.user)
    assert client.get("/audit/").status_code == 200
    person.user.groups.remove(Group.objects.get(name="hr_admin"))
    assert client.get("/audit/").status_code == 403
    dep = DepartmentFactory()
    user = authz.signed_in_user(person.user_id)
    assert authz.Actor(user).headed_paths == ()
    dep.head = person
    dep.save(update_fields=["head"])
    assert authz.Actor(authz.signed_in_user(person.user_id)).headed_paths == (dep.path,)


def test_a_deactivated_person_is_signed_out_on_the_next_request(client, make_person):
    person = make_person()
    client.force_login(person.user)
    assert client.get("/").status_code == 200
    person.is_active = False
    person.save(update_fields=["is_active"])
    r = client.get("/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
