"""The back office shows pairings and agreements but changes them only through the services."""

from __future__ import annotations

import pytest

from tandem.mentorships.models import Agreement, MentorshipStatus
from tests.mentorships.lifecycle_fixtures import sign_all, to_agreement_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, make_person):
    boss = make_person(groups=["hr_admin"])
    boss.user.is_staff = boss.user.is_superuser = True
    boss.user.save()
    client.force_login(boss.user)
    return client


def test_a_signed_agreement_cannot_be_edited_in_the_back_office(admin_client_, world):
    m = sign_all(world, to_agreement_stage(world))
    a = Agreement.objects.get(mentorship=m)
    page = admin_client_.get(f"/admin/mentorships/agreement/{a.pk}/change/")
    assert page.status_code == 200
    r = admin_client_.post(f"/admin/mentorships/agreement/{a.pk}/change/", {"goals": "rewritten", "version": 1})
    assert r.status_code == 403
    a.refresh_from_db()
    assert a.goals == "" and a.fully_signed_at is not None


def test_the_pairing_admin_links_to_its_page_and_shows_the_history(admin_client_, world):
    m = sign_all(world, to_agreement_stage(world))
    html = admin_client_.get(f"/admin/mentorships/mentorship/{m.pk}/change/").content.decode()
    assert f"/mentorships/{m.pk}/" in html and "agreement" in html
    r = admin_client_.post(f"/admin/mentorships/mentorship/{m.pk}/change/", {"status": "completed"})
    assert r.status_code == 403
    m.refresh_from_db()
    assert m.status == MentorshipStatus.ACTIVE
