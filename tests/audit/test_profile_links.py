from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_hr_finds_a_persons_data_export_and_trail_from_the_profile_and_others_do_not(client, make_person):
    person = make_person()
    client.force_login(make_person(groups=["hr_admin"]).user)
    html = client.get(f"/people/{person.employee_id}/").content.decode()
    assert f"/people/{person.employee_id}/data-export" in html and f"?person={person.employee_id}" in html
    assert client.get(f"/people/{person.employee_id}/data-export?format=json").status_code == 200
    client.force_login(make_person().user)
    assert "data-export" not in client.get(f"/people/{person.employee_id}/").content.decode()
