from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "pw"))
    return client


@pytest.mark.parametrize("url", [
    "/admin/", "/admin/people/person/", "/admin/people/department/", "/admin/people/competency/",
    "/admin/people/jobprofile/", "/admin/people/competencyrating/", "/admin/programs/program/",
    "/admin/mentorships/mentorship/", "/admin/people/importjob/", "/admin/matching/selectionround/",
])
def test_back_office_lists_open_for_staff(staff_client, url):
    PersonFactory()
    assert staff_client.get(url).status_code == 200


def test_ratings_cannot_be_edited_in_the_back_office(staff_client):
    from django.utils import timezone

    from tandem.people.services import rating_record
    from tests.factories import CompetencyFactory

    p = PersonFactory()
    r = rating_record(person=p, competency=CompetencyFactory(), level=3, source="manager", rated_by=None,
                      rated_on=timezone.localdate())
    response = staff_client.post(f"/admin/people/competencyrating/{r.pk}/change/", {"level": 5})
    r.refresh_from_db()
    assert r.level == 3 and response.status_code in (200, 403)
