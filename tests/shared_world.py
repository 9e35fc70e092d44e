"""A test world built once per module instead of once per test, as Django's `setUpTestData` does.

The permission matrices run hundreds of requests against the same small organisation; building it for
each of them was most of their time. `built_once` builds it inside a transaction that stays open for
the module's tests and is rolled back after the last one; each test still runs inside its own
savepoint (pytest-django's `db` fixture nests in the open transaction), so a test's writes are undone
before the next test, and it gets a deep copy of the built objects, so that changing one in memory
does not leak either. Nothing is ever committed: other modules never see this world.

    @pytest.fixture(scope="module")
    def _org_built(django_db_setup, django_db_blocker):
        yield from built_once(django_db_blocker, build_org)

    @pytest.fixture
    def org(_org_built, db):
        return copy.deepcopy(_org_built)

Not for tests that need real commits (`transactional_db`, `live_server`, on-commit handlers that must
run): they cannot run inside the open transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction


def built_once(django_db_blocker: Any, build: Callable[[], Any]) -> Iterator[Any]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # durable blocks inside tests behave as under Django's TestCase
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            world = build()
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
