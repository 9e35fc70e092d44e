"""A program's state as a program manager expects it (issue 14 §2): a draft is invisible to
participants and cannot be matched; closing is confirmed on a page that says what happens to the
open pairs; a closed program's page keeps its real history; after a bulk match each person finds
the new pair and the next step on their home page."""

from __future__ import annotations

import pytest

from tandem.core.errors import Conflict
from tandem.matching.flows import bulk
from tandem.mentorships import services as mentorship_services
from tandem.mentorships.models import Mentorship, MentorshipOrigin
from tandem.mentorships.models import MentorshipStatus as S
from tandem.programs import services as program_services
from tandem.programs.models import Program, ProgramStatus
from tests.factories import actor_of
from tests.programs import admin_fixtures
from tests.programs.admin_fixtures import login

pytestmark = pytest.mark.django_db
admin_world = admin_fixtures.admin_world  # the fixtures, as names pytest finds here
make_pair = admin_fixtures.make_pair


def _draft(w) -> Program:
    Program.objects.filter(pk=w.program.pk).update(status=ProgramStatus.DRAFT)
    w.program.refresh_from_db()
    return w.program


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_a_participant_never_sees_a_draft_program(client, admin_world, role):
    w = admin_world
    program = _draft(w)
    login(client, w, role)
    assert program.name not in client.get("/programs/").content.decode()
    assert client.get(f"/programs/{program.pk}/").status_code == 403
    assert client.get(f"/api/programs/{program.pk}").status_code == 404
    assert all(p["id"] != program.pk for p in client.get("/api/programs").json()["items"])
    assert client.get(f"/programs/{program.pk}/recommendations/").status_code == 403
    assert client.get(f"/api/programs/{program.pk}/recommendations").status_code == 404
    assert f"/programs/{program.pk}/" not in client.get("/").content.decode()


@pytest.mark.parametrize("role", ["owner", "hr"])
def test_the_program_team_sees_its_draft_and_is_told_it_is_hidden(client, admin_world, role):
    w = admin_world
    program = _draft(w)
    login(client, w, role)
    page = client.get(f"/programs/{program.pk}/")
    assert page.status_code == 200 and 'id="draft-note"' in page.content.decode()


def test_an_open_program_is_visible_to_its_participants(client, admin_world):
    login(client, admin_world, "mentee")
    assert client.get(f"/programs/{admin_world.program.pk}/").status_code == 200


def test_a_draft_program_cannot_be_bulk_matched(admin_world):
    program = _draft(admin_world)
    with pytest.raises(Conflict) as exc:
        bulk.bulk_preview_request(program=program, user=admin_world.owner.user)
    assert exc.value.code == "program_draft"


def test_the_program_page_closes_only_through_the_confirmation_page(client, admin_world):
    w = admin_world
    login(client, w, "owner")
    page = client.get(f"/programs/{w.program.pk}/").content.decode()
    status_form = page[page.index(f'action="/programs/{w.program.pk}/status/"'):]
    status_form = status_form[:status_form.index("</form>")]
    assert 'value="closed"' not in status_form  # the plain status change offers no closing
    assert f'href="/programs/{w.program.pk}/close/"' in page


def test_the_close_confirmation_spells_out_what_happens_to_each_pair(client, admin_world,
                                                                     django_capture_on_commit_callbacks):
    w = admin_world
    login(client, w, "owner")
    page = client.get(f"/programs/{w.program.pk}/close/").content.decode()
    assert "1 active mentorship will be completed" in page
    assert "1 pair that has not started will be cancelled" in page
    assert w.second_mentee.full_name in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/programs/{w.program.pk}/close/").status_code == 302
    statuses = dict(Mentorship.objects.filter(program=w.program).values_list("pk", "status"))
    assert statuses == {w.mentorship.pk: S.COMPLETED, w.intro.pk: S.CANCELLED}


def test_a_closed_programs_page_shows_its_real_history(client, admin_world, django_capture_on_commit_callbacks):
    w = admin_world
    with django_capture_on_commit_callbacks(execute=True):
        program_services.program_close(program=w.program, actor=actor_of(w.owner))
    login(client, w, "owner")
    page = client.get(f"/programs/{w.program.pk}/").content.decode()
    start = page.index('id="figures"')
    figures = page[start:page.index("id=\"timeline\"", start)]
    assert '<span class="n">2</span><span class="l">mentors' in figures
    assert '<span class="n">2</span><span class="l">mentees' in figures
    assert '<span class="n">2</span><span class="l">pairs in all' in figures
    assert '<span class="n">1</span><span class="l">completed' in figures


def test_the_api_previews_closing_then_closes(client, admin_world, django_capture_on_commit_callbacks):
    w = admin_world
    login(client, w, "owner")
    preview = client.get(f"/api/programs/{w.program.pk}/closing").json()
    assert [p["mentorship_id"] for p in preview["ended"]] == [w.mentorship.pk]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/api/programs/{w.program.pk}/status", {"status": "closed"},
                           content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "closed"
    refused = client.post(f"/api/programs/{w.program.pk}/status", {"status": "open"}, content_type="application/json")
    assert refused.status_code == 400


def test_a_pm_owning_nothing_cannot_close_through_the_api(client, admin_world):
    login(client, admin_world, "pm_owning_nothing")
    response = client.post(f"/api/programs/{admin_world.program.pk}/status", {"status": "closed"},
                           content_type="application/json")
    assert response.status_code == 403
    admin_world.program.refresh_from_db()
    assert admin_world.program.status == ProgramStatus.OPEN


def test_after_a_bulk_match_each_side_finds_the_pair_and_the_next_step_at_home(client, admin_world, make_person):
    w = admin_world
    newcomer = make_person()
    w.program.enrolments.create(person=newcomer, role="mentee")
    (m,) = mentorship_services.mentorships_create_paired(
        program=w.program, pairs=[{"mentor": w.spare.pk, "mentee": newcomer.pk}], origin=MentorshipOrigin.BULK,
        actor=actor_of(w.owner))
    for person, other in ((newcomer, w.spare), (w.spare, newcomer)):
        client.force_login(person.user)
        home = client.get("/").content.decode()
        assert other.full_name in home
        assert f'href="/mentorships/{m.pk}/#confirm">Meet for an introduction, then confirm' in home
        detail = client.get(f"/mentorships/{m.pk}/").content.decode()
        assert 'id="confirm"' in detail
    client.force_login(newcomer.user)
    client.post(f"/mentorships/{m.pk}/confirm/")
    assert "You confirmed; waiting for the other side" in client.get("/").content.decode()
