from __future__ import annotations

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


from tests.matching.conftest import choose_program  # noqa: E402,F401  (used by several test packages)
