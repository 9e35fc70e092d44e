"""The selection round as people run it (issue 14 §3): who has not ranked, nudges, what publishing
would do, second rounds and manual placements, explanations, ranks out of range, namesakes."""

from __future__ import annotations

import datetime
import json
import random
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import Conflict, ValidationFailed
from tandem.matching.flows import rounds as flow
from tandem.matching.models import ApplicantChoice, DepartmentChoice, Placement, SelectionRound
from tandem.notifications.models import Notification, NotificationKind, NotificationPreference
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    MatchingMode,
    Program,
    ProgramStatus,
    ProgramType,
)
from tests.factories import DepartmentFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(make_person):
    """A running mutual-selection program: graduates g0..g3, Sales (1 place, head Alice), Finance
    (2 places, head Bob), Operations (1 place, head Olga)."""
    manager = make_person(groups=["program_manager"], full_name="Pat Manager")
    program = Program.objects.create(
        name="Graduates", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        status=ProgramStatus.RUNNING, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
        owner=manager,
    )
    head_a, head_b, head_o = (make_person(full_name=n) for n in ("Alice Head", "Bob Head", "Olga Head"))
    dep_a = DepartmentFactory(name="Sales", code="SAL", head=head_a)
    dep_b = DepartmentFactory(name="Finance", code="FIN", head=head_b)
    dep_o = DepartmentFactory(name="Operations", code="OPS", head=head_o)
    grads = [make_person(full_name=f"Grad {i}") for i in range(4)]
    Enrolment.objects.bulk_create([Enrolment(program=program, person=g, role=EnrolmentRole.MENTEE) for g in grads])
    rnd = flow.round_create(program=program, name="Round 1", deadline=timezone.now() + datetime.timedelta(days=3),
                            seats={dep_a: 1, dep_b: 2, dep_o: 1}, user=manager.user)
    return SimpleNamespace(program=program, manager=manager, head_a=head_a, head_b=head_b, head_o=head_o,
                           a=dep_a, b=dep_b, o=dep_o, grads=grads, round=rnd)


def _url(c, name, round=None, **kw):
    return reverse(name, kwargs={"program_id": c.program.pk, "round_id": (round or c.round).pk, **kw})


def _ranking(c, person):
    return list(ApplicantChoice.objects.filter(round=c.round, applicant=person).order_by("rank")
                .values_list("department_id", flat=True))


def _nudges(person):
    return Notification.objects.filter(recipient=person, kind=NotificationKind.ROUND_CLOSING).count()


# -- who has not ranked, and nudges -------------------------------------------------------------


def test_manager_sees_which_graduates_and_departments_have_not_ranked(client, cohort):
    g = cohort.grads
    flow.applicant_ranking_save(round=cohort.round, applicant=g[0], departments=[cohort.a])
    flow.department_ranking_save(round=cohort.round, department=cohort.b, applicants=[g[0]])
    client.force_login(cohort.manager.user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    section = page[page.index('id="not-ranked"'):]
    assert "Grad 1" in section and "Grad 3" in section and "Grad 0" not in section
    assert "Sales" in section and "Operations" in section and "Finance" not in section.split("graduate")[0]
    assert "3 graduates" in section and "2 departments" in section
    api = client.get(f"/api/rounds/{cohort.round.pk}/not-ranked").json()
    assert api["graduates_count"] == 3
    assert [p["full_name"] for p in api["graduates"]] == ["Grad 1", "Grad 2", "Grad 3"]
    assert [d["department"] for d in api["departments"]] == ["OPS", "SAL"]
    assert client.get(f"/api/rounds/{cohort.round.pk}/not-ranked", {"limit": 1, "offset": 1}).json()["graduates"][0][
        "full_name"] == "Grad 2"


def test_when_everyone_has_ranked_the_list_says_so(client, cohort):
    for grad in cohort.grads:
        flow.applicant_ranking_save(round=cohort.round, applicant=grad, departments=[cohort.a])
    for dep in (cohort.a, cohort.b, cohort.o):
        flow.department_ranking_save(round=cohort.round, department=dep, applicants=cohort.grads[:1])
    client.force_login(cohort.manager.user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    assert "Everyone has ranked." in page and 'id="nudge"' not in page


def test_nudge_reminds_only_those_who_have_not_ranked_and_once_a_day(client, cohort, django_capture_on_commit_callbacks):
    g = cohort.grads
    flow.applicant_ranking_save(round=cohort.round, applicant=g[0], departments=[cohort.a])
    flow.department_ranking_save(round=cohort.round, department=cohort.b, applicants=[g[0]])
    client.force_login(cohort.manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(_url(cohort, "round_nudge"), follow=True)
    assert "Reminder sent to 5 people" in resp.content.decode()  # g1..g3, Alice (Sales), Olga (Operations)
    assert [_nudges(p) for p in g] == [0, 1, 1, 1]
    assert (_nudges(cohort.head_a), _nudges(cohort.head_b), _nudges(cohort.head_o)) == (1, 0, 1)
    n = Notification.objects.filter(recipient=g[1], kind=NotificationKind.ROUND_CLOSING).get()
    assert n.params["round"] == "Round 1" and n.params["when"] == cohort.round.deadline.isoformat()
    assert n.url.endswith("#my-ranking")
    # the same day: nobody twice
    resp = client.post(_url(cohort, "round_nudge"), follow=True)
    assert "5 people were already reminded today" in resp.content.decode()
    assert Notification.objects.filter(kind=NotificationKind.ROUND_CLOSING).count() == 5
    # the next day the manager may nudge again
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert flow.round_nudge(round=cohort.round, now=tomorrow).sent == 5
    assert _nudges(g[1]) == 2


def test_nudge_respects_a_person_who_turned_these_reminders_off(cohort):
    NotificationPreference.objects.create(person=cohort.grads[1], email_kinds_off=[NotificationKind.ROUND_CLOSING],
                                          app_kinds_off=[NotificationKind.ROUND_CLOSING])
    result = flow.round_nudge(round=cohort.round)
    assert result.not_wanted == 1 and _nudges(cohort.grads[1]) == 0


def test_nudge_is_refused_after_the_deadline_and_once_published(cohort):
    SelectionRound.objects.filter(pk=cohort.round.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    cohort.round.refresh_from_db()
    with pytest.raises(Conflict):
        flow.round_nudge(round=cohort.round)
    flow.round_close_and_publish(round=cohort.round)
    with pytest.raises(Conflict):
        flow.round_nudge(round=cohort.round)
    assert Notification.objects.filter(kind=NotificationKind.ROUND_CLOSING).count() == 0


def test_nudge_forecast_and_not_ranked_permission_matrix(client, cohort, make_person):
    hr = make_person(groups=["hr_admin"])
    other_manager = make_person(groups=["program_manager"])  # owns nothing
    employee = make_person()  # no role
    no_person = UserFactory()  # a login with no linked person
    rid = cohort.round.pk
    # (user, allowed): refused people get 403, or 404 where they cannot even see the round
    cases = [
        (cohort.manager.user, True), (hr.user, True), (other_manager.user, False), (cohort.grads[0].user, False),
        (cohort.head_a.user, False), (employee.user, False), (no_person, False),
    ]
    for user, allowed in cases:
        client.force_login(user)
        page = client.post(_url(cohort, "round_nudge")).status_code
        apis = [client.get(f"/api/rounds/{rid}/not-ranked").status_code,
                client.get(f"/api/rounds/{rid}/forecast").status_code,
                client.post(f"/api/rounds/{rid}/nudge").status_code]
        if allowed:
            assert (page, apis) == (302, [200, 200, 200]), user
        else:
            assert page in (403, 404) and all(s in (403, 404) for s in apis), (user, page, apis)
    client.logout()
    assert client.post(_url(cohort, "round_nudge")).status_code == 302  # to sign in
    assert client.post(f"/api/rounds/{rid}/nudge").status_code == 401
    # only the manager's and HR's nudges went out: 4 graduates + 3 heads, each once (the same day)
    assert Notification.objects.filter(kind=NotificationKind.ROUND_CLOSING).count() == 7


# -- what publishing would do ---------------------------------------------------------------------


def _random_rankings(c, rng):
    deps = [c.a, c.b, c.o]
    for grad in c.grads:
        flow.applicant_ranking_save(round=c.round, applicant=grad, departments=rng.sample(deps, rng.randint(0, 3)))
    for dep in deps:
        if rng.random() < 0.8:
            flow.department_ranking_save(round=c.round, department=dep,
                                         applicants=rng.sample(c.grads, rng.randint(1, 4)))


@pytest.mark.parametrize("seed", range(6))
def test_unmatched_counts_before_publishing_equal_what_publishing_does(cohort, seed):
    _random_rankings(cohort, random.Random(seed))
    forecast = flow.round_forecast(round=cohort.round)
    assert forecast.graduates == 4 and forecast.places == 4
    flow.round_close_and_publish(round=cohort.round, force=True)
    summary = flow.round_summary(round=cohort.round)
    assert (forecast.placed, forecast.unplaced_graduates) == (summary["placed"], summary["unplaced"])
    assert forecast.unfilled_places == 4 - summary["placed"]
    filled = {row["department"].pk: row["filled"] for row in forecast.departments}
    for dep in (cohort.a, cohort.b, cohort.o):
        assert filled[dep.pk] == Placement.objects.filter(round=cohort.round, department=dep).count()


def test_manager_page_and_api_show_the_forecast_with_its_n(client, cohort):
    g = cohort.grads
    flow.applicant_ranking_save(round=cohort.round, applicant=g[0], departments=[cohort.a])
    flow.department_ranking_save(round=cohort.round, department=cohort.a, applicants=[g[0]])
    client.force_login(cohort.manager.user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    assert 'id="forecast-placed">1 / 4<' in page and 'id="forecast-unplaced">3 / 4<' in page
    assert 'id="forecast-unfilled">3 / 4<' in page
    api = client.get(f"/api/rounds/{cohort.round.pk}/forecast").json()
    assert (api["placed"], api["unplaced_graduates"], api["unfilled_places"], api["places"]) == (1, 3, 3, 4)
    assert {d["department"]: d["filled"] for d in api["departments"]} == {"SAL": 1, "FIN": 0, "OPS": 0}


def test_forecast_of_a_round_with_no_rankings_places_nobody(cohort):
    forecast = flow.round_forecast(round=cohort.round)
    assert (forecast.placed, forecast.unplaced_graduates, forecast.unfilled_places) == (0, 4, 4)


# -- after publishing: manual placements, second rounds, the graduate's home --------------------------


def _publish_with_unplaced(c):
    """g0 → Sales; g1 ranked only Sales (full) → unplaced; g2, g3 ranked nothing → unplaced."""
    g = c.grads
    flow.applicant_ranking_save(round=c.round, applicant=g[0], departments=[c.a])
    flow.applicant_ranking_save(round=c.round, applicant=g[1], departments=[c.a])
    flow.department_ranking_save(round=c.round, department=c.a, applicants=[g[0], g[1]])
    flow.round_close_and_publish(round=c.round, force=True)


def test_manager_places_an_unplaced_graduate_by_hand(client, cohort):
    _publish_with_unplaced(cohort)
    g = cohort.grads
    client.force_login(cohort.manager.user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    assert "3 graduates are not placed" in page
    resp = client.post(_url(cohort, "round_place", employee_id=g[1].employee_id), {"department": "FIN"}, follow=True)
    assert "Grad 1 is placed in Finance" in resp.content.decode()
    p = Placement.objects.get(round=cohort.round, applicant=g[1])
    assert (p.department_id, p.manual, p.placed_by_id) == (cohort.b.pk, True, cohort.manager.user.pk)
    assert flow.round_summary(round=cohort.round)["placed"] == 2
    assert flow.placement_explanation(round=cohort.round, applicant=g[1])[-1] == (
        "After the matching, the program manager placed you in Finance.")
    assert flow.round_blocking_pairs(round=cohort.round) == []  # the matching's own result stays stable
    # a full department and an already placed graduate are refused, nothing changes
    resp = client.post(_url(cohort, "round_place", employee_id=g[2].employee_id), {"department": "SAL"})
    assert resp.status_code == 409 and "no free place left (1 of 1 taken)" in resp.content.decode()
    resp = client.post(_url(cohort, "round_place", employee_id=g[0].employee_id), {"department": "FIN"})
    assert resp.status_code == 409
    assert Placement.objects.get(round=cohort.round, applicant=g[0]).department_id == cohort.a.pk
    # the API places too
    resp = client.put(f"/api/rounds/{cohort.round.pk}/results/{g[2].employee_id}/placement",
                      json.dumps({"department": "OPS"}), content_type="application/json")
    assert resp.status_code == 200 and resp.json()["department"] == "OPS"


def test_manual_placement_is_refused_before_publication_and_for_others(client, cohort):
    with pytest.raises(Conflict):
        flow.placement_set_manually(round=cohort.round, applicant=cohort.grads[0], department=cohort.a)
    _publish_with_unplaced(cohort)
    for user in (cohort.grads[1].user, cohort.head_b.user):
        client.force_login(user)
        assert client.post(_url(cohort, "round_place", employee_id=cohort.grads[1].employee_id),
                           {"department": "FIN"}).status_code == 403
        resp = client.put(f"/api/rounds/{cohort.round.pk}/results/{cohort.grads[1].employee_id}/placement",
                          json.dumps({"department": "FIN"}), content_type="application/json")
        assert resp.status_code == 403
    assert Placement.objects.get(round=cohort.round, applicant=cohort.grads[1]).department_id is None


def test_second_round_takes_only_the_unplaced_graduates_and_the_free_places(client, cohort):
    _publish_with_unplaced(cohort)
    g = cohort.grads
    client.force_login(cohort.manager.user)
    deadline = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(_url(cohort, "round_second"), {"second-name": "Round 2", "second-deadline": deadline})
    second = SelectionRound.objects.get(follows=cohort.round)
    assert resp.status_code == 302 and resp["Location"].endswith(f"/rounds/{second.pk}/")
    assert {s.department_id: s.seats for s in second.seats.all()} == {cohort.b.pk: 2, cohort.o.pk: 1}  # Sales full
    assert list(flow.round_graduates(round=second)) == [g[1], g[2], g[3]]
    # the placed graduate cannot rank in it; an unplaced one can
    with pytest.raises(ValidationFailed):
        flow.applicant_ranking_save(round=second, applicant=g[0], departments=[cohort.b])
    flow.applicant_ranking_save(round=second, applicant=g[1], departments=[cohort.b])
    client.force_login(g[0].user)
    assert 'id="my-ranking"' not in client.get(_url(cohort, "round_detail", round=second)).content.decode()
    client.force_login(g[1].user)
    first_page = client.get(_url(cohort, "round_detail")).content.decode()
    assert "Rank again in the second round" in first_page
    assert 'id="my-ranking"' in client.get(_url(cohort, "round_detail", round=second)).content.decode()
    # only one second round
    with pytest.raises(Conflict):
        flow.round_create_second(round=cohort.round, name="Again", deadline=timezone.now() + datetime.timedelta(days=2))
    # the second round publishes its own placements for its own graduates
    flow.department_ranking_save(round=second, department=cohort.b, applicants=[g[1]])
    flow.round_close_and_publish(round=second, force=True)
    assert {p.applicant_id: p.department_id for p in Placement.objects.filter(round=second)} == {
        g[1].pk: cohort.b.pk, g[2].pk: None, g[3].pk: None}


def test_second_round_is_refused_before_publication_and_with_a_bad_name(client, cohort):
    with pytest.raises(Conflict):
        flow.round_create_second(round=cohort.round, name="R2", deadline=timezone.now() + datetime.timedelta(days=2))
    _publish_with_unplaced(cohort)
    client.force_login(cohort.manager.user)
    deadline = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(_url(cohort, "round_second"), {"second-name": "Round\x002", "second-deadline": deadline})
    assert resp.status_code == 400 and "NUL byte" in resp.content.decode()
    resp = client.post(f"/api/rounds/{cohort.round.pk}/second-round",
                       json.dumps({"name": "R2", "deadline": "2020-01-01T10:00:00+00:00"}),
                       content_type="application/json")
    assert resp.status_code in (400, 422)
    assert not SelectionRound.objects.filter(follows=cohort.round).exists()
    client.force_login(cohort.grads[1].user)
    assert client.post(_url(cohort, "round_second"), {"second-name": "R2", "second-deadline": deadline}
                       ).status_code == 403


def test_graduate_home_shows_their_placement(client, cohort):
    _publish_with_unplaced(cohort)
    client.force_login(cohort.grads[0].user)
    home = client.get("/").content.decode()
    section = home[home.index('id="my-placement"'):]
    assert "Placed in <strong>Sales</strong>" in section and "your 1st choice" in section and "Round 1" in section
    client.force_login(cohort.grads[2].user)
    assert "Not placed" in client.get("/").content.decode()
    client.force_login(cohort.head_a.user)  # not a graduate: no placement card
    assert 'id="my-placement"' not in client.get("/").content.decode()


def test_home_shows_no_placement_before_publication(client, cohort):
    flow.applicant_ranking_save(round=cohort.round, applicant=cohort.grads[0], departments=[cohort.a])
    client.force_login(cohort.grads[0].user)
    assert 'id="my-placement"' not in client.get("/").content.decode()


# -- explanations ----------------------------------------------------------------------------------


def test_explanation_never_blames_a_department_that_ranked_nobody(cohort):
    g = cohort.grads
    flow.applicant_ranking_save(round=cohort.round, applicant=g[0], departments=[cohort.o, cohort.b])
    flow.department_ranking_save(round=cohort.round, department=cohort.b, applicants=[g[0]])
    flow.applicant_ranking_save(round=cohort.round, applicant=g[1], departments=[cohort.o])
    flow.round_close_and_publish(round=cohort.round, force=True)  # Operations ranked nobody
    sentences = flow.placement_explanation(round=cohort.round, applicant=g[0])
    assert sentences == ["You got your 2nd choice: Finance.",
                         "Operations submitted no ranking, so it took no graduate in this round."]
    assert not any("did not rank you" in s for s in sentences)
    assert flow.placement_explanation(round=cohort.round, applicant=g[1]) == [
        "Not placed: none of the departments you ranked submitted a ranking.",
        "Operations submitted no ranking, so it took no graduate in this round."]


def test_explanation_still_says_did_not_rank_you_when_the_department_ranked_others(cohort):
    g = cohort.grads
    flow.applicant_ranking_save(round=cohort.round, applicant=g[0], departments=[cohort.o])
    flow.department_ranking_save(round=cohort.round, department=cohort.o, applicants=[g[1]])
    flow.round_close_and_publish(round=cohort.round, force=True)
    assert flow.placement_explanation(round=cohort.round, applicant=g[0]) == [
        "Not placed: no department you ranked also ranked you, with a free place.", "Operations did not rank you."]


# -- ranks out of range ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["-1", "0", "99", "1000000"])
def test_graduate_rank_out_of_range_is_refused_on_the_page_and_nothing_saved(client, cohort, bad):
    g = cohort.grads[0]
    flow.applicant_ranking_save(round=cohort.round, applicant=g, departments=[cohort.b])
    client.force_login(g.user)
    resp = client.post(_url(cohort, "round_rank_departments"), {f"rank-{cohort.a.pk}": bad, f"rank-{cohort.b.pk}": "1"})
    assert resp.status_code == 400
    assert f"Rank {bad} is out of range: give each choice a number from 1 to 3." in resp.content.decode()
    assert _ranking(cohort, g) == [cohort.b.pk]


@pytest.mark.parametrize("bad", [-1, 0, 99, 1_000_000])
def test_graduate_rank_out_of_range_is_refused_by_the_api_and_nothing_saved(client, cohort, bad):
    g = cohort.grads[0]
    flow.applicant_ranking_save(round=cohort.round, applicant=g, departments=[cohort.b])
    client.force_login(g.user)
    resp = client.put(f"/api/rounds/{cohort.round.pk}/my-ranking", json.dumps({"ranks": {"SAL": bad, "FIN": 1}}),
                      content_type="application/json")
    assert resp.status_code == 400
    assert "out of range" in resp.json()["errors"]["departments"][0]
    assert _ranking(cohort, g) == [cohort.b.pk]
    # within range the ranks form saves, in rank order
    resp = client.put(f"/api/rounds/{cohort.round.pk}/my-ranking", json.dumps({"ranks": {"SAL": 3, "FIN": 1}}),
                      content_type="application/json")
    assert resp.status_code == 200 and resp.json()["ranked"] == ["FIN", "SAL"]


@pytest.mark.parametrize("bad", ["-1", "0", "99", "1000000"])
def test_department_rank_out_of_range_is_refused_on_the_page_and_the_api(client, cohort, bad):
    g = cohort.grads
    flow.department_ranking_save(round=cohort.round, department=cohort.a, applicants=[g[2]])
    client.force_login(cohort.head_a.user)
    resp = client.post(_url(cohort, "round_rank_graduates", code="SAL"), {"shown": str(g[0].pk), f"rank-{g[0].pk}": bad})
    assert resp.status_code == 400
    assert f"Rank {bad} is out of range: give each choice a number from 1 to 4." in resp.content.decode()
    resp = client.put(f"/api/rounds/{cohort.round.pk}/departments/SAL/ranking",
                      json.dumps({"ranks": {g[0].employee_id: int(bad)}}), content_type="application/json")
    assert resp.status_code == 400 and "out of range" in resp.json()["errors"]["applicants"][0]
    assert list(DepartmentChoice.objects.filter(round=cohort.round, department=cohort.a)
                .values_list("applicant_id", flat=True)) == [g[2].pk]


def test_places_beyond_the_fields_maximum_are_refused_not_cut_down(client, cohort):
    with pytest.raises(ValidationFailed) as exc:
        flow.round_create(program=cohort.program, name="Big", deadline=timezone.now() + datetime.timedelta(days=2),
                          seats={cohort.a: 40_000})
    assert "at most 32767 places" in exc.value.errors["seats"][0]
    client.force_login(cohort.manager.user)
    deadline = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(reverse("round_list", kwargs={"program_id": cohort.program.pk}),
                       {"name": "Big", "deadline": deadline, f"seats-{cohort.a.pk}": "99999999"})
    assert resp.status_code == 200 and "at most 32767 places" in resp.content.decode()
    resp = client.post(f"/api/programs/{cohort.program.pk}/rounds", json.dumps({
        "name": "Big", "deadline": (timezone.now() + datetime.timedelta(days=2)).isoformat(),
        "seats": [{"department": "SAL", "seats": 1_000_000}]}), content_type="application/json")
    assert resp.status_code == 422
    assert SelectionRound.objects.count() == 1


# -- the ordered list ------------------------------------------------------------------------------


def test_graduate_saves_the_ordered_list_and_moves_without_javascript(client, cohort):
    g = cohort.grads[0]
    client.force_login(g.user)
    url = _url(cohort, "round_rank_departments")
    resp = client.post(url, {"form": "order", "order": [cohort.b.pk, cohort.a.pk]})
    assert resp.status_code == 302 and _ranking(cohort, g) == [cohort.b.pk, cohort.a.pk]
    client.post(url, {"form": "order", "order": [cohort.b.pk, cohort.a.pk], "move": f"up:{cohort.a.pk}"})
    assert _ranking(cohort, g) == [cohort.a.pk, cohort.b.pk]
    client.post(url, {"form": "order", "order": [cohort.a.pk, cohort.b.pk], "move": f"add:{cohort.o.pk}"})
    assert _ranking(cohort, g) == [cohort.a.pk, cohort.b.pk, cohort.o.pk]
    client.post(url, {"form": "order", "order": [cohort.a.pk, cohort.b.pk, cohort.o.pk], "move": f"remove:{cohort.a.pk}"})
    assert _ranking(cohort, g) == [cohort.b.pk, cohort.o.pk]
    page = client.get(_url(cohort, "round_detail")).content.decode()
    ranked = page[page.index('id="ranked"'):page.index('id="unranked"')]
    assert ranked.index("Finance") < ranked.index("Operations") and "Sales" not in ranked
    assert 'src="/static/tandem/rankings.js"' in page
    # a stranger in the list or a duplicate is refused with a 400, nothing saved
    for order in ([cohort.b.pk, DepartmentFactory().pk], [cohort.b.pk, cohort.b.pk], ["x"]):
        assert client.post(url, {"form": "order", "order": order}).status_code == 400
    assert _ranking(cohort, g) == [cohort.b.pk, cohort.o.pk]


def test_people_with_the_same_name_are_told_apart_in_the_ranking_list(client, cohort):
    dep_x, dep_y = DepartmentFactory(name="Legal"), DepartmentFactory(name="Marketing")
    twins = [PersonFactory(user=UserFactory(), full_name="Alex Kim", department=d) for d in (dep_x, dep_y)]
    Enrolment.objects.bulk_create([Enrolment(program=cohort.program, person=p, role=EnrolmentRole.MENTEE)
                                   for p in twins])
    client.force_login(cohort.head_a.user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    rows = [page[page.index(f'name="rank-{p.pk}"') - 1500:page.index(f'name="rank-{p.pk}"')] for p in twins]
    for person, row, dep in zip(twins, rows, (dep_x, dep_y), strict=True):
        assert person.employee_id in row and dep.name in row and ">AK<" in row
    assert f"Rank for Alex Kim ({twins[0].employee_id})" in page
    # the manager's list of who has not ranked tells them apart the same way
    client.force_login(cohort.manager.user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    section = page[page.index('id="graduates-not-ranked"'):]
    assert twins[0].employee_id in section and twins[1].employee_id in section
    assert "Legal" in section and "Marketing" in section


def test_round_page_queries_do_not_grow_with_the_cohort(client, cohort, django_assert_max_num_queries):
    Enrolment.objects.bulk_create([Enrolment(program=cohort.program, person=PersonFactory(), role=EnrolmentRole.MENTEE)
                                   for _ in range(30)])
    client.force_login(cohort.manager.user)
    with django_assert_max_num_queries(45):
        assert client.get(_url(cohort, "round_detail")).status_code == 200



def test_api_ranking_takes_either_the_list_or_the_ranks(client, cohort):
    client.force_login(cohort.grads[0].user)
    url = f"/api/rounds/{cohort.round.pk}/my-ranking"
    for body in ({}, {"departments": ["SAL"], "ranks": {"SAL": 1}}):
        resp = client.put(url, json.dumps(body), content_type="application/json")
        assert resp.status_code == 400 and resp.json()["code"] == "validation_failed"
    resp = client.put(url, json.dumps({"ranks": {"SAL": 1, "FIN": 1}}), content_type="application/json")
    assert resp.status_code == 400 and "same number" in resp.json()["errors"]["departments"][0]
    resp = client.put(url, json.dumps({"ranks": {"NOPE": 1}}), content_type="application/json")
    assert resp.status_code == 400 and "NOPE" in resp.json()["errors"]["departments"][0]
    assert _ranking(cohort, cohort.grads[0]) == []


def test_api_nudge_reports_who_was_reminded(client, cohort):
    flow.applicant_ranking_save(round=cohort.round, applicant=cohort.grads[0], departments=[cohort.a])
    client.force_login(cohort.manager.user)
    first = client.post(f"/api/rounds/{cohort.round.pk}/nudge").json()
    assert first == {"sent": 6, "already": 0, "not_wanted": 0, "recipients": 6}  # 3 graduates, 3 heads
    assert client.post(f"/api/rounds/{cohort.round.pk}/nudge").json()["already"] == 6
    flow.round_close_and_publish(round=cohort.round, force=True)
    resp = client.post(f"/api/rounds/{cohort.round.pk}/nudge")
    assert resp.status_code == 409 and resp.json()["code"] == "round_published"
