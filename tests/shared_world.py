"""A test world built once per module instead of once per test, as Django's `setUpTestData` does.

The permission matrices run hundreds of requests against the same small organisation; building it for
each of them was most of their time. `built_once` builds it inside a transaction that stays open for
the module's tests and is rolled back after the last one; each test still runs inside its own
savepoint (pytest-django's `db` fixture nests in the open transaction), so a test's writes are undone
before the next test, and it gets a deep copy of the built objects, so that changing one in memory
does not leak either. Nothing is ever committed: other modules never see this world.

    _built, org = shared_world(build_org)   # the module's fixtures: `org` is the test's copy

Not for tests that need real commits (`transactional_db`, `live_server`, on-commit handlers that must
run): they cannot run inside the open transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
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


def shared_world(build: Callable[[], Any]) -> tuple[Any, Any]:
    """The two fixtures a module assigns (``_built, world = shared_world(build_world)``): the world built
    once for the module (registered as ``_shared_world``, one per module), and a deep copy of it for each
    test, named as the module names it. The copy asks for the built world before ``db``, so the test's
    transaction opens inside the module's."""

    @pytest.fixture(scope="module", name="_shared_world")
    def built(django_db_setup, django_db_blocker):
        yield from built_once(django_db_blocker, build)

    @pytest.fixture
    def world(_shared_world, db):
        return copy.deepcopy(_shared_world)

    return built, world
