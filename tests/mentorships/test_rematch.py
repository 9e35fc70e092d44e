"""Re-matching a pair (issue 14 §2): the program team ends the current pair, with what happens to it
shown first, and pairs the mentee with another mentor who has a free slot."""

from __future__ import annotations

import pytest

from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.mentorships import services
from tandem.mentorships.models import Mentorship, MentorshipOrigin, Transition
from tandem.mentorships.models import MentorshipStatus as S
from tandem.notifications.models import Notification
from tandem.programs.models import Enrolment, ProgramStatus
from tests.factories import actor_of
from tests.programs import admin_fixtures
from tests.programs.admin_fixtures import ADMINS, ROLES, login

pytestmark = pytest.mark.django_db
admin_world = admin_fixtures.admin_world  # the fixtures, as names pytest finds here
make_pair = admin_fixtures.make_pair


def test_rematching_an_active_pair_ends_it_early_and_proposes_the_new_one(admin_world,
                                                                        django_capture_on_commit_callbacks):
    w = admin_world
    with django_capture_on_commit_callbacks(execute=True):
        new = services.mentorship_rematch(mentorship=w.mentorship, mentor=w.spare, actor=actor_of(w.owner),
                                          reason="Different time zones")
    w.mentorship.refresh_from_db()
    assert w.mentorship.status == S.ENDED_EARLY
    assert "Different time zones" in Transition.objects.filter(mentorship=w.mentorship).last().reason
    assert (new.mentor_id, new.mentee_id, new.status, new.origin) == (w.spare.pk, w.mentee.pk, S.INTRO,
                                                                      MentorshipOrigin.MANUAL)
    assert w.mentor.full_name in new.transitions.get().reason  # the history says who came before
    assert Notification.objects.filter(recipient=w.mentor, kind="ended_early").exists()  # the old mentor is told
    assert set(Notification.objects.filter(kind="paired", mentorship_id=new.pk)
               .values_list("recipient_id", flat=True)) == {w.spare.pk, w.mentee.pk}


def test_rematching_a_pair_that_never_started_cancels_it(admin_world):
    w = admin_world
    services.mentorship_rematch(mentorship=w.intro, mentor=w.spare, actor=actor_of(w.owner))
    w.intro.refresh_from_db()
    assert w.intro.status == S.CANCELLED
    assert Mentorship.objects.filter(mentee=w.second_mentee, mentor=w.spare, status=S.INTRO).exists()


def test_a_mentee_whose_pair_ended_can_be_paired_again(admin_world):
    w = admin_world
    services.mentorship_cancel(mentorship=w.intro, actor=actor_of(w.second_mentee), reason="")
    new = services.mentorship_rematch(mentorship=w.intro, mentor=w.spare, actor=actor_of(w.owner))
    assert new.status == S.INTRO and new.mentee_id == w.second_mentee.pk


def test_a_full_mentor_is_refused_and_nothing_changes(admin_world, make_person):
    w = admin_world
    w.spare.mentor_capacity = 0
    w.spare.save(update_fields=["mentor_capacity"])
    with pytest.raises(Conflict) as exc:
        services.mentorship_rematch(mentorship=w.mentorship, mentor=w.spare, actor=actor_of(w.owner))
    assert exc.value.code == "mentor_full"
    w.mentorship.refresh_from_db()
    assert w.mentorship.status == S.ACTIVE


@pytest.mark.parametrize("who", ["not_enrolled", "same_mentor", "the_mentee"])
def test_the_new_mentor_must_be_another_enrolled_mentor(admin_world, make_person, who):
    w = admin_world
    mentor = {"not_enrolled": make_person(mentor_capacity=3), "same_mentor": w.mentor, "the_mentee": w.mentee}[who]
    with pytest.raises(ValidationFailed):
        services.mentorship_rematch(mentorship=w.mentorship, mentor=mentor, actor=actor_of(w.owner))
    assert Mentorship.objects.filter(mentee=w.mentee).count() == 1


@pytest.mark.parametrize("status", [ProgramStatus.DRAFT, ProgramStatus.CLOSED])
def test_no_rematch_in_a_draft_or_closed_program(admin_world, status):
    w = admin_world
    type(w.program).objects.filter(pk=w.program.pk).update(status=status)
    with pytest.raises(Conflict):
        services.mentorship_rematch(mentorship=w.intro, mentor=w.spare, actor=actor_of(w.owner))


@pytest.mark.parametrize("role", ["mentor", "mentee", "pm_owning_nothing"])
def test_only_the_program_team_rematches(admin_world, role):
    w = admin_world
    with pytest.raises(Forbidden):
        services.mentorship_rematch(mentorship=w.mentorship, mentor=w.spare, actor=actor_of(w.people[role]))


def test_the_page_spells_out_the_consequence_and_lists_mentors_with_a_free_slot(client, admin_world):
    w = admin_world
    login(client, w, "owner")
    page = client.get(f"/mentorships/{w.mentorship.pk}/rematch/").content.decode()
    assert "ends early" in page and w.mentor.full_name in page
    assert w.spare.full_name in page
    assert f'value="{w.mentor.employee_id}"' not in page  # the current mentor is not offered
    response = client.post(f"/mentorships/{w.mentorship.pk}/rematch/", {"mentor": w.spare.employee_id})
    new = Mentorship.objects.get(mentee=w.mentee, mentor=w.spare)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()


def test_the_page_refuses_an_unknown_mentor_with_a_message(client, admin_world):
    w = admin_world
    login(client, w, "owner")
    response = client.post(f"/mentorships/{w.mentorship.pk}/rematch/", {"mentor": "NOPE"})
    assert response.status_code == 400 and "Choose a mentor" in response.content.decode()
    nul = client.post(f"/mentorships/{w.mentorship.pk}/rematch/", {"mentor": w.spare.employee_id, "reason": "a\x00"})
    assert nul.status_code == 400
    assert not Mentorship.objects.filter(mentor=w.spare).exists()


def test_the_api_rematches(client, admin_world):
    w = admin_world
    login(client, w, "owner")
    url = f"/api/mentorships/{w.mentorship.pk}/rematch"
    unknown = client.post(url, {"mentor": "nobody"}, content_type="application/json")
    assert unknown.status_code == 400
    body = client.post(url, {"mentor": w.spare.employee_id, "reason": "Better fit"},
                       content_type="application/json")
    assert body.status_code == 201
    assert (body.json()["mentor"], body.json()["status"]) == (w.spare.employee_id, "intro")
    again = client.post(url, {"mentor": w.spare.employee_id}, content_type="application/json")
    assert again.status_code == 409  # the mentee already has the new open pair


@pytest.mark.parametrize("role", ROLES)
def test_rematch_permission_matrix(client, admin_world, role):
    w = admin_world
    login(client, w, role)
    page = client.get(f"/mentorships/{w.mentorship.pk}/rematch/")
    api = client.post(f"/api/mentorships/{w.mentorship.pk}/rematch", {"mentor": w.spare.employee_id},
                      content_type="application/json")
    if role in ADMINS:
        assert (page.status_code, api.status_code) == (200, 201)
    elif role == "anonymous":
        assert page.status_code == 302 and api.status_code == 401
    else:
        assert page.status_code in (403, 404) and api.status_code in (403, 404), role
        assert not Mentorship.objects.filter(mentor=w.spare).exists()


def test_the_detail_page_offers_the_rematch_to_the_team_only(client, admin_world):
    w = admin_world
    login(client, w, "owner")
    assert f"/mentorships/{w.mentorship.pk}/rematch/" in client.get(w.mentorship.get_absolute_url()).content.decode()
    login(client, w, "mentee")
    assert "/rematch/" not in client.get(w.mentorship.get_absolute_url()).content.decode()


def test_a_withdrawn_mentee_cannot_be_rematched(admin_world):
    w = admin_world
    Enrolment.objects.filter(program=w.program, person=w.second_mentee).update(status="withdrawn")
    with pytest.raises(Conflict):
        services.mentorship_rematch(mentorship=w.intro, mentor=w.spare, actor=actor_of(w.owner))


def test_the_program_manager_ends_a_pair_early_and_both_sides_are_told(client, admin_world,
                                                                       django_capture_on_commit_callbacks):
    w = admin_world
    login(client, w, "owner")
    page = client.get(w.mentorship.get_absolute_url()).content.decode()
    assert "End the mentorship early? The other side is told" in page  # asked before it acts
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/mentorships/{w.mentorship.pk}/end_early/", {"reason": "The mentee changed role"})
    w.mentorship.refresh_from_db()
    assert w.mentorship.status == S.ENDED_EARLY
    told = set(Notification.objects.filter(kind="ended_early", mentorship_id=w.mentorship.pk)
               .values_list("recipient_id", flat=True))
    assert told == {w.mentor.pk, w.mentee.pk}
