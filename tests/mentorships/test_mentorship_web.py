"""The mentorship's pages and API: who sees what, and bad input changes nothing."""

from __future__ import annotations

import pytest

from tandem.mentorships import services as ms
from tandem.mentorships.models import Agreement, MentorshipStatus as S, Transition
from tests.factories import PersonFactory, UserFactory, actor_of
from tests.mentorships.lifecycle_fixtures import sign_all, to_agreement_stage

pytestmark = pytest.mark.django_db


def test_api_shows_status_parties_and_history_to_the_pair(client, world):
    m = sign_all(world, to_agreement_stage(world))
    client.force_login(world["mentee"].user)
    body = client.get(f"/api/mentorships/{m.pk}").json()
    assert body["status"] == "active" and body["mentor"] == world["mentor"].employee_id
    assert [h["to_status"] for h in body["history"]] == ["requested", "intro", "agreement", "active"]
    assert "completed" in body["next_statuses"]


@pytest.mark.parametrize("who", ["stranger", "pm_owning_nothing", "no_person"])
def test_someone_elses_mentorship_does_not_exist_for_you(client, world, who):
    m = to_agreement_stage(world)
    user = {"stranger": lambda: PersonFactory(user=UserFactory()).user,
            "pm_owning_nothing": lambda: PersonFactory(user=UserFactory(groups=["program_manager"])).user,
            "no_person": lambda: UserFactory()}[who]()
    client.force_login(user)
    assert client.get(f"/api/mentorships/{m.pk}").status_code == 404
    assert client.get(f"/mentorships/{m.pk}/").status_code == 404
    assert client.get(f"/mentorships/{m.pk}/agreement/").status_code == 404
    assert client.post(f"/api/mentorships/{m.pk}/agreement/sign").status_code == 404
    assert client.put(f"/api/mentorships/{m.pk}/agreement", {"goals": "mine now"},
                      content_type="application/json").status_code == 404
    assert Agreement.objects.get(mentorship=m).signatures.count() == 0


def test_api_transition_refuses_an_illegal_move_with_409_and_changes_nothing(client, world):
    m = to_agreement_stage(world)
    client.force_login(world["mentor"].user)
    r = client.post(f"/api/mentorships/{m.pk}/transitions", {"to": "completed"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    r = client.post(f"/api/mentorships/{m.pk}/transitions", {"to": "flying"}, content_type="application/json")
    assert r.status_code == 422
    m.refresh_from_db()
    assert m.status == S.AGREEMENT and Transition.objects.filter(mentorship=m).count() == 3


def test_api_end_early_with_a_reason(client, world):
    m = sign_all(world, to_agreement_stage(world))
    client.force_login(world["mentor"].user)
    r = client.post(f"/api/mentorships/{m.pk}/transitions", {"to": "ended_early"}, content_type="application/json")
    assert r.status_code == 400 and "reason" in r.json()["errors"]
    r = client.post(f"/api/mentorships/{m.pk}/transitions", {"to": "ended_early", "reason": "Moved abroad"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "ended_early"
    assert r.json()["history"][-1]["reason"] == "Moved abroad"


def test_api_agreement_edit_sign_and_versions(client, world):
    m = sign_all(world, to_agreement_stage(world))
    client.force_login(world["mentee"].user)
    r = client.put(f"/api/mentorships/{m.pk}/agreement", {"meeting_minutes": 90, "goals": "Run a workshop"},
                   content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["signatures"] == []
    assert client.post(f"/api/mentorships/{m.pk}/agreement/sign").json()["signatures"][0]["party"] == "mentee"
    r = client.post(f"/api/mentorships/{m.pk}/agreement/sign")
    assert r.status_code == 409 and r.json()["code"] == "already_signed"
    versions = client.get(f"/api/mentorships/{m.pk}/agreement/versions").json()
    assert [v["version"] for v in versions] == [2, 1] and versions[1]["fully_signed_at"]


@pytest.mark.parametrize("payload", [
    {"meeting_minutes": 5}, {"meeting_minutes": True}, {"meeting_format": "fax"}, {"goals": "a\x00b"},
    {"starts_on": "0001-01-01"}, {"ends_on": "9999-12-31"}, {"goals": "x" * 4001}, {"competencies": ["NOPE"]},
])
def test_api_bad_agreement_input_is_a_422_and_nothing_changes(client, world, payload):
    m = to_agreement_stage(world)
    client.force_login(world["mentee"].user)
    r = client.put(f"/api/mentorships/{m.pk}/agreement", payload, content_type="application/json")
    assert r.status_code in (400, 422), r.content
    a = Agreement.objects.get(mentorship=m)
    assert (a.version, a.meeting_minutes, a.goals, a.meeting_format) == (1, 60, "", "video")


def test_the_line_manager_sees_the_pair_and_signs_but_cannot_edit(client, world):
    m = to_agreement_stage(world)
    client.force_login(world["manager"].user)
    assert client.get(f"/mentorships/{m.pk}/").status_code == 200
    assert client.put(f"/api/mentorships/{m.pk}/agreement", {"goals": "x"}, content_type="application/json").status_code == 403
    assert client.post(f"/mentorships/{m.pk}/agreement/", {"goals": "x"}).status_code == 403
    assert client.post(f"/api/mentorships/{m.pk}/agreement/sign").json()["signatures"][0]["party"] == "line_manager"


def test_pages_walk_the_agreement_stage(client, world):
    m = to_agreement_stage(world)
    client.force_login(world["mentor"].user)
    html = client.get(f"/mentorships/{m.pk}/").content.decode()
    assert "Open the agreement" in html and "not signed yet" in html
    a = Agreement.objects.get(mentorship=m)
    form = {"starts_on": a.starts_on.isoformat(), "ends_on": a.ends_on.isoformat(), "meeting_frequency": "weekly",
            "meeting_minutes": "90", "meeting_format": "video", "goals": "Teach me the new CRM", "confidentiality": "",
            "clauses": ""}
    r = client.post(f"/mentorships/{m.pk}/agreement/", form)
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.goals == "Teach me the new CRM" and a.meeting_frequency == "weekly"
    client.post(f"/mentorships/{m.pk}/agreement/sign/")
    assert "signed by" in client.get(f"/mentorships/{m.pk}/agreement/").content.decode()
    bad = dict(form, meeting_minutes="5")
    r = client.post(f"/mentorships/{m.pk}/agreement/", bad)
    assert r.status_code == 200 and a.meeting_minutes != 5
    for who in ("mentee", "manager"):
        ms.agreement_sign(mentorship=m, actor=actor_of(world[who]))
    assert client.get(f"/mentorships/{m.pk}/agreement/print/").status_code == 200
    ms.agreement_save(mentorship=m, actor=actor_of(world["mentee"]), data={"meeting_minutes": 45})
    diff = client.get(f"/mentorships/{m.pk}/agreement/versions/2/?compare=1").content.decode()
    assert "diff-added" in diff and "45" in diff


def test_the_mentor_ends_early_from_the_page_and_the_reason_shows_in_the_history(client, world):
    m = sign_all(world, to_agreement_stage(world))
    client.force_login(world["mentor"].user)
    client.post(f"/mentorships/{m.pk}/end_early/", {"reason": ""})
    m.refresh_from_db()
    assert m.status == S.ACTIVE
    client.post(f"/mentorships/{m.pk}/end_early/", {"reason": "Changed teams"})
    m.refresh_from_db()
    assert m.status == S.ENDED_EARLY
    assert "Changed teams" in client.get(f"/mentorships/{m.pk}/").content.decode()


def test_my_mentorships_lists_current_and_earlier_pairs(client, world):
    m = to_agreement_stage(world)
    client.force_login(world["mentee"].user)
    html = client.get("/mentorships/").content.decode()
    assert world["mentor"].full_name in html and "Agree and sign the agreement" in html
    client.force_login(UserFactory())
    assert "not linked to a person" in client.get("/mentorships/").content.decode()
    assert m.pk


def test_the_pairs_history_lists_every_step_in_order(client, world):
    m = sign_all(world, to_agreement_stage(world))
    client.force_login(world["manager"].user)
    html = client.get(f"/mentorships/{m.pk}/").content.decode()
    steps = ["Requested", "Requested → Introductory meeting", "Introductory meeting → Agreement to sign",
             "Agreement version 1 drafted", "Signed agreement version 1 as Mentor",
             "Signed agreement version 1 as Mentee", "Signed agreement version 1 as Mentee&#x27;s line manager",
             "Agreement version 1 signed by every party", "Agreement to sign → Active"]
    positions = [html.find(s) for s in steps]
    assert all(p >= 0 for p in positions), list(zip(steps, positions))
    assert positions[-1] > positions[0]


def test_the_program_team_exports_the_pairs_and_sees_each_mentors_load_across_programs(client, world):
    m = sign_all(world, to_agreement_stage(world))
    world["mentee"].full_name = "=HYPERLINK(1)"
    world["mentee"].save(update_fields=["full_name"])
    client.force_login(world["owner"].user)
    html = client.get(f"/programs/{world['program'].pk}/pairs/").content.decode()
    assert "1 of 2" in html and f"/mentorships/{m.pk}/" in html
    csv_text = b"".join(client.get(f"/programs/{world['program'].pk}/pairs/export.csv").streaming_content).decode()
    assert world["mentor"].employee_id in csv_text and "Active" in csv_text
    assert "'=HYPERLINK" in csv_text  # a spreadsheet will not run it
    xlsx = client.get(f"/programs/{world['program'].pk}/pairs/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    client.force_login(world["mentee"].user)
    assert client.get(f"/programs/{world['program'].pk}/pairs/export.csv").status_code == 403
