"""Program administration (issue 14 §2): withdraw or remove an enrolment, with what happens to its
open pairs spelled out first; export the enrolments; a mentor's load across programs."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tandem.core.errors import Conflict, ValidationFailed
from tandem.mentorships.models import Mentorship, Transition
from tandem.mentorships.models import MentorshipStatus as S
from tandem.notifications.models import Notification
from tandem.programs import services
from tandem.programs.models import Enrolment, EnrolmentStatus
from tests.factories import actor_of
from tests.programs import admin_fixtures
from tests.programs.admin_fixtures import ADMINS, ROLES, enrolment_of, login

pytestmark = pytest.mark.django_db
admin_world = admin_fixtures.admin_world  # the fixtures, as names pytest finds here
make_pair = admin_fixtures.make_pair


def _withdraw_url(w, e):
    return f"/programs/{w.program.pk}/enrolments/{e.pk}/withdraw/"


def test_the_confirmation_page_names_the_pairs_a_mentor_withdrawal_closes(client, admin_world):
    w = admin_world
    login(client, w, "owner")
    page = client.get(_withdraw_url(w, enrolment_of(w, w.mentor, "mentor"))).content.decode()
    assert "1 open pair that has not started will be cancelled" in page
    assert "1 active mentorship will end early" in page
    assert w.mentee.full_name in page and w.second_mentee.full_name in page
    assert Mentorship.objects.filter(mentor=w.mentor, status__in=[S.ACTIVE, S.INTRO]).count() == 2  # nothing yet


def test_withdrawing_a_mentor_ends_the_active_pair_cancels_the_other_and_tells_the_mentees(
        client, admin_world, django_capture_on_commit_callbacks):
    w = admin_world
    login(client, w, "owner")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_withdraw_url(w, enrolment_of(w, w.mentor, "mentor")), {"reason": "Moved abroad"})
    assert response.status_code == 302
    w.mentorship.refresh_from_db()
    w.intro.refresh_from_db()
    assert (w.mentorship.status, w.intro.status) == (S.ENDED_EARLY, S.CANCELLED)
    reason = Transition.objects.filter(mentorship=w.mentorship).last().reason
    assert w.mentor.full_name in reason and "Moved abroad" in reason
    assert enrolment_of(w, w.mentor, "mentor").status == EnrolmentStatus.WITHDRAWN
    told = set(Notification.objects.filter(kind__in=["ended_early", "cancelled"]).values_list("recipient_id", flat=True))
    assert {w.mentee.pk, w.second_mentee.pk} <= told


def test_withdrawing_a_mentee_cancels_their_pair_and_tells_the_mentor(admin_world, django_capture_on_commit_callbacks):
    w = admin_world
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.enrolment_withdraw(enrolment=enrolment_of(w, w.second_mentee), actor=actor_of(w.owner))
    assert counts == {"cancelled": 1, "ended_early": 0}
    w.intro.refresh_from_db()
    assert w.intro.status == S.CANCELLED
    assert Notification.objects.filter(recipient=w.mentor, kind="cancelled", mentorship_id=w.intro.pk).exists()


def test_a_withdrawal_emits_enrolment_changed_and_the_pairs_events(admin_world, monkeypatch):
    seen = []
    monkeypatch.setattr(services.events, "emit", lambda name, **kw: seen.append((name, kw)))
    services.enrolment_withdraw(enrolment=enrolment_of(admin_world, admin_world.second_mentee),
                                actor=actor_of(admin_world.owner))
    assert ("enrolment.changed", {"program_id": admin_world.program.pk,
                                  "person_ids": [admin_world.second_mentee.pk]}) in seen
    assert [kw["mentorship_id"] for name, kw in seen if name == "mentorship.cancelled"] == [admin_world.intro.pk]


def test_withdrawing_twice_is_a_conflict(admin_world):
    e = enrolment_of(admin_world, admin_world.second_mentee)
    services.enrolment_withdraw(enrolment=e, actor=actor_of(admin_world.owner))
    with pytest.raises(Conflict):
        services.enrolment_withdraw(enrolment=e, actor=actor_of(admin_world.owner))


def test_a_nul_byte_in_the_reason_is_a_400_with_a_message_and_nothing_changes(client, admin_world):
    w = admin_world
    login(client, w, "owner")
    e = enrolment_of(w, w.second_mentee)
    response = client.post(_withdraw_url(w, e), {"reason": "bad\x00"})
    assert response.status_code == 400
    assert "control characters" in response.content.decode() or "character" in response.content.decode()
    e.refresh_from_db()
    assert e.status == EnrolmentStatus.ACTIVE
    api = client.post(f"/api/programs/{w.program.pk}/enrolments/{e.pk}/withdraw", {"reason": "bad\x00"},
                      content_type="application/json")
    assert api.status_code in (400, 422)
    e.refresh_from_db()
    assert e.status == EnrolmentStatus.ACTIVE


def test_a_withdrawn_person_enrolled_again_comes_back_without_their_old_pair(admin_world):
    w = admin_world
    services.enrolment_withdraw(enrolment=enrolment_of(w, w.second_mentee), actor=actor_of(w.owner))
    added, _kept = services.enrolment_add(program=w.program, people=[w.second_mentee], role="mentee")
    assert added == 1 and enrolment_of(w, w.second_mentee).status == EnrolmentStatus.ACTIVE
    w.intro.refresh_from_db()
    assert w.intro.status == S.CANCELLED


def test_an_enrolment_made_by_mistake_can_be_removed_but_not_one_with_pairs(admin_world, make_person):
    w = admin_world
    stray = make_person()
    services.enrolment_add(program=w.program, people=[stray], role="mentee")
    services.enrolment_remove(enrolment=enrolment_of(w, stray))
    assert not Enrolment.objects.filter(program=w.program, person=stray).exists()
    with pytest.raises(Conflict):
        services.enrolment_remove(enrolment=enrolment_of(w, w.mentee))
    assert Enrolment.objects.filter(program=w.program, person=w.mentee).exists()


def test_the_api_previews_then_withdraws(client, admin_world):
    w = admin_world
    login(client, w, "owner")
    e = enrolment_of(w, w.mentor, "mentor")
    base = f"/api/programs/{w.program.pk}/enrolments/{e.pk}"
    preview = client.get(f"{base}/withdrawal").json()
    assert [p["mentorship_id"] for p in preview["cancelled"]] == [w.intro.pk]
    assert [p["mentorship_id"] for p in preview["ended"]] == [w.mentorship.pk]
    done = client.post(f"{base}/withdraw", {"reason": "Leaving"}, content_type="application/json")
    assert done.status_code == 200 and done.json() == {"cancelled": 1, "ended_early": 1}
    again = client.post(f"{base}/withdraw", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_withdrawn"


def test_the_api_lists_enrolments_with_open_pairs_paginated(client, admin_world):
    w = admin_world
    login(client, w, "owner")
    body = client.get(f"/api/programs/{w.program.pk}/enrolments?role=mentor").json()
    rows = {r["employee_id"]: r for r in body["items"]}
    assert body["count"] == 2
    assert rows[w.mentor.employee_id]["open_pairs"] == 2 and rows[w.spare.employee_id]["open_pairs"] == 0


def _csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_enrolment_export_lists_everyone_withdrawn_ones_too(client, admin_world):
    w = admin_world
    services.enrolment_withdraw(enrolment=enrolment_of(w, w.second_mentee), actor=actor_of(w.owner))
    login(client, w, "owner")
    rows = _csv_rows(client.get(f"/programs/{w.program.pk}/enrolments/export.csv"))
    assert rows[0][:4] == ["Name", "Employee ID", "Role", "Status"]
    by_id = {r[1]: r for r in rows[1:]}
    assert len(by_id) == 4
    assert by_id[w.second_mentee.employee_id][3] == "Withdrawn"
    assert by_id[w.mentor.employee_id][7] == "1"  # the active pair; the withdrawn mentee's pair was cancelled
    xlsx = client.get(f"/programs/{w.program.pk}/enrolments/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content)).active
    assert sheet.max_row == 5
    api = client.get(f"/api/programs/{w.program.pk}/enrolments/export?format=csv")
    assert api.status_code == 200 and len(_csv_rows(api)) == 5


def test_a_mentors_row_shows_their_load_here_and_in_all_programs(client, admin_world):
    w = admin_world
    login(client, w, "owner")
    page = client.get(f"/programs/{w.program.pk}/?role=mentor").content.decode()
    assert "2 of 2 here" in page
    assert "2 of 3 in all programs" in page
    assert f"/programs/mentors/{w.mentor.employee_id}/" in page


def test_the_mentor_page_shows_active_and_open_pairs_per_program(client, admin_world):
    w = admin_world
    login(client, w, "owner")
    page = client.get(f"/programs/mentors/{w.mentor.employee_id}/").content.decode()
    assert w.program.name in page and "2 / 3" in page
    body = client.get(f"/api/mentors/{w.mentor.employee_id}/load").json()
    assert (body["open_pairs"], body["capacity"], body["free"]) == (2, 3, 1)
    assert body["programs"] == [{"program_id": w.program.pk, "program": w.program.name, "program_status": "open",
                                 "active_pairs": 1, "open_pairs": 2, "capacity": 2}]


# -- the permission matrix -------------------------------------------------------------------


def _requests(w):
    e = enrolment_of(w, w.second_mentee)
    pid = w.program.pk
    return [
        ("get", f"/programs/{pid}/enrolments/{e.pk}/withdraw/", None),
        ("post", f"/programs/{pid}/enrolments/{e.pk}/withdraw/", {"reason": ""}),
        ("post", f"/programs/{pid}/enrolments/{e.pk}/remove/", {}),
        ("get", f"/programs/{pid}/enrolments/export.csv", None),
        ("get", f"/programs/{pid}/close/", None),
        ("get", f"/api/programs/{pid}/enrolments", None),
        ("get", f"/api/programs/{pid}/enrolments/{e.pk}/withdrawal", None),
        ("post", f"/api/programs/{pid}/enrolments/{e.pk}/withdraw", {}),
        ("get", f"/api/programs/{pid}/enrolments/export", None),
        ("get", f"/api/programs/{pid}/closing", None),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_program_team_administers_enrolments(client, admin_world, role):
    w = admin_world
    login(client, w, role)
    for method, url, data in _requests(w):
        kwargs = {"content_type": "application/json"} if "/api/" in url and method == "post" else {}
        response = getattr(client, method)(url, data or {}, **kwargs) if method == "post" else client.get(url)
        if role in ADMINS:
            assert response.status_code in (200, 302, 409), (role, url, response.status_code)
        elif role == "anonymous":
            assert response.status_code in (302, 401), (role, url)
        else:
            assert response.status_code in (403, 404), (role, url, response.status_code)
    if role not in ADMINS:
        assert enrolment_of(w, w.second_mentee).status == EnrolmentStatus.ACTIVE


@pytest.mark.parametrize("role,allowed", [("hr", True), ("owner", True), ("mentor", True),
                                          ("pm_owning_nothing", False), ("mentee", False), ("colleague", False),
                                          ("no_person", False)])
def test_a_mentors_load_is_for_hr_their_program_manager_and_themselves(client, admin_world, role, allowed):
    w = admin_world
    login(client, w, role)
    page = client.get(f"/programs/mentors/{w.mentor.employee_id}/")
    api = client.get(f"/api/mentors/{w.mentor.employee_id}/load")
    assert (page.status_code, api.status_code) == ((200, 200) if allowed else (403, 403))


def test_someone_elses_enrolment_id_is_not_found(client, admin_world, make_pair):
    w = admin_world
    other = make_pair()
    foreign = enrolment_of(other, other.mentee)
    login(client, w, "owner")
    assert client.get(f"/programs/{w.program.pk}/enrolments/{foreign.pk}/withdraw/").status_code == 404
    api = client.post(f"/api/programs/{w.program.pk}/enrolments/{foreign.pk}/withdraw", {},
                      content_type="application/json")
    assert api.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == EnrolmentStatus.ACTIVE


def test_validation_message_reaches_the_page(admin_world):
    with pytest.raises(ValidationFailed):
        services.enrolment_withdraw(enrolment=enrolment_of(admin_world, admin_world.mentee), reason="x" * 301)


def test_the_enrolled_rows_link_each_person_escape_names_and_offer_withdrawal_while_open(client, admin_world):
    w = admin_world
    w.mentee.full_name = "Ann <b>Mentee</b>"
    w.mentee.job_profile = None
    w.mentee.save(update_fields=["full_name", "job_profile"])
    login(client, w, "owner")
    page = client.get(f"/programs/{w.program.pk}/?role=mentee").content.decode()
    row = re.search(r'<tr id="enrolment-\d+"><td><a href="/people/%s/">Ann &lt;b&gt;Mentee&lt;/b&gt;</a></td>'
                    r'<td>[^<]+</td><td>—</td><td><a class="button secondary small" href="/programs/%d/enrolments/\d+/withdraw/">'
                    r'Withdraw</a></td></tr>' % (w.mentee.employee_id, w.program.pk), page)
    assert row, page[page.find('id="enrolled"'):][:1500]
    type(w.program).objects.filter(pk=w.program.pk).update(status="closed")
    page = client.get(f"/programs/{w.program.pk}/?role=mentee").content.decode()
    assert "Ann &lt;b&gt;Mentee&lt;/b&gt;" in page and "/withdraw/" not in page
