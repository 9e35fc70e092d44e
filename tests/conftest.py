from __future__ import annotations

import os

import pytest

from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def make_person(db):
    """A person with a login; ``groups`` adds role groups (hr_admin, program_manager)."""

    def make(groups=(), **kwargs):
        user = UserFactory(groups=list(groups))
        return PersonFactory(user=user, **kwargs)

    return make


@pytest.fixture
def hr_person(make_person):
    return make_person(groups=["hr_admin"])


@pytest.fixture
def hr_client(client, hr_person):
    client.force_login(hr_person.user)
    return client


_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                      "live_server"}


def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL run (scripts/run-tests), leave out the tests that touch no database.

    pytest-django refuses database access to a test that neither has the django_db mark nor asks for a
    database fixture, so such a test cannot behave differently on the two databases: it ran on SQLite
    already (the gunicorn production check alone is 40 s). Tests marked `postgres` always run."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    kept, left_out = [], []
    for item in items:
        uses_db = (item.get_closest_marker("django_db") or item.get_closest_marker("postgres")
                   or _DATABASE_FIXTURES & set(item.fixturenames))
        (kept if uses_db else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


from tests.matching.conftest import choose_program  # noqa: E402,F401  (used by several test packages)
