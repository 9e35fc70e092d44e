"""Blind mutual-selection rounds: services, selectors, pages and API."""

from __future__ import annotations

import datetime
import json
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import Conflict, ValidationFailed
from tandem.matching.engine.stable import blocking_pairs
from tandem.matching.flows import rounds as flow
from tandem.matching.models import (
    ApplicantChoice,
    DepartmentChoice,
    Placement,
    RoundStatus,
    SelectionRound,
)
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    MatchingMode,
    Program,
    ProgramStatus,
    ProgramType,
)
from tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(make_person):
    """A mutual-selection program with 4 graduates (g0..g3), departments A (1 place) and B (2 places)."""
    manager = make_person(groups=["program_manager"], full_name="Pat Manager")
    program = Program.objects.create(
        name="Graduates", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        status=ProgramStatus.RUNNING,  # a draft is invisible to its participants
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31), owner=manager,
    )
    head_a = make_person(full_name="Alice Head")
    head_b = make_person(full_name="Bob Head")
    dep_a = DepartmentFactory(name="Sales", code="SAL", head=head_a)
    dep_b = DepartmentFactory(name="Finance", code="FIN", head=head_b)
    grads = [make_person(full_name=f"Grad {i}") for i in range(4)]
    Enrolment.objects.bulk_create([Enrolment(program=program, person=g, role=EnrolmentRole.MENTEE) for g in grads])
    rnd = flow.round_create(program=program, name="Round 1", deadline=timezone.now() + datetime.timedelta(days=3),
                            seats={dep_a: 1, dep_b: 2}, user=manager.user)
    return SimpleNamespace(program=program, manager=manager, head_a=head_a, head_b=head_b, a=dep_a, b=dep_b,
                           grads=grads, round=rnd)


def _past_deadline(rnd):
    SelectionRound.objects.filter(pk=rnd.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    rnd.refresh_from_db()


def _designed_case(c):
    """Graduates: g0 A>B, g1 A>B, g2 A>B, g3 B only. A: g2>g0>g1. B: g0>g1>g3 (g2 not ranked).

    Applicant-optimal stable result: g2->A, g0->B, g1->B, g3 unplaced.
    """
    g = c.grads
    for grad in g[:3]:
        flow.applicant_ranking_save(round=c.round, applicant=grad, departments=[c.a, c.b])
    flow.applicant_ranking_save(round=c.round, applicant=g[3], departments=[c.b])
    flow.department_ranking_save(round=c.round, department=c.a, applicants=[g[2], g[0], g[1]])
    flow.department_ranking_save(round=c.round, department=c.b, applicants=[g[0], g[1], g[3]])


# -- services ------------------------------------------------------------------------------


def test_round_create_validates_deadline_seats_and_program_mode(cohort):
    with pytest.raises(ValidationFailed) as exc:
        flow.round_create(program=cohort.program, name="Late", deadline=timezone.now() - datetime.timedelta(hours=1),
                          seats={cohort.a: 0}, user=None)
    assert set(exc.value.errors) == {"deadline", "seats"}
    cohort.program.matching_mode = MatchingMode.BULK
    with pytest.raises(ValidationFailed):
        flow.round_create(program=cohort.program, name="X", deadline=timezone.now() + datetime.timedelta(days=1),
                          seats={cohort.a: 1}, user=None)
    with pytest.raises(ValidationFailed):
        flow.round_create(program=cohort.program, name="X", deadline=timezone.now() + datetime.timedelta(days=1),
                          seats=[(cohort.a, 1), (cohort.a, 2)], user=None)
    assert SelectionRound.objects.count() == 1


def test_applicant_ranking_is_replaced_whole(cohort):
    g = cohort.grads[0]
    flow.applicant_ranking_save(round=cohort.round, applicant=g, departments=[cohort.a, cohort.b])
    flow.applicant_ranking_save(round=cohort.round, applicant=g, departments=[cohort.b])
    assert [(c.department_id, c.rank) for c in flow.applicant_ranking(round=cohort.round, applicant=g)] == [
        (cohort.b.pk, 1)]


@pytest.mark.parametrize("case", ["duplicate", "not_in_round", "after_deadline", "after_publication"])
def test_invalid_applicant_ranking_is_refused_and_nothing_is_written(cohort, case):
    g = cohort.grads[0]
    flow.applicant_ranking_save(round=cohort.round, applicant=g, departments=[cohort.a])
    departments = [cohort.a, cohort.b]
    expected: type[Exception] = ValidationFailed
    if case == "duplicate":
        departments = [cohort.b, cohort.b]
    elif case == "not_in_round":
        departments = [cohort.b, DepartmentFactory(name="Legal")]
    elif case == "after_deadline":
        _past_deadline(cohort.round)
        expected = Conflict
    else:
        flow.round_close_and_publish(round=cohort.round, user=None, force=True)
        expected = Conflict
    with pytest.raises(expected):
        flow.applicant_ranking_save(round=cohort.round, applicant=g, departments=departments)
    assert list(ApplicantChoice.objects.filter(applicant=g).values_list("department_id", "rank")) == [(cohort.a.pk, 1)]


def test_only_graduates_of_the_program_rank_and_are_ranked(cohort):
    outsider = PersonFactory(full_name="Not Enrolled")
    with pytest.raises(ValidationFailed):
        flow.applicant_ranking_save(round=cohort.round, applicant=outsider, departments=[cohort.a])
    with pytest.raises(ValidationFailed) as exc:
        flow.department_ranking_save(round=cohort.round, department=cohort.a, applicants=[cohort.grads[0], outsider])
    assert "Not Enrolled" in exc.value.errors["applicants"][0]
    with pytest.raises(ValidationFailed):
        flow.department_ranking_save(round=cohort.round, department=cohort.a,
                                     applicants=[cohort.grads[0], cohort.grads[0]])
    with pytest.raises(ValidationFailed):
        flow.department_ranking_save(round=cohort.round, department=DepartmentFactory(), applicants=[cohort.grads[0]])
    assert not DepartmentChoice.objects.exists()


def test_publish_places_graduates_by_the_applicant_optimal_stable_matching(cohort):
    _designed_case(cohort)
    _past_deadline(cohort.round)
    flow.round_close_and_publish(round=cohort.round, user=cohort.manager.user)
    got = {p.applicant.full_name: (p.department.name if p.department else None, p.applicant_rank, p.department_rank)
           for p in Placement.objects.select_related("applicant", "department")}
    assert got == {
        "Grad 0": ("Finance", 2, 1),
        "Grad 1": ("Finance", 2, 2),
        "Grad 2": ("Sales", 1, 1),
        "Grad 3": (None, None, None),
    }
    cohort.round.refresh_from_db()
    assert cohort.round.status == RoundStatus.PUBLISHED and cohort.round.published_at is not None
    assert flow.round_blocking_pairs(round=cohort.round) == []
    inst, matching = flow._published_instance(cohort.round)
    assert blocking_pairs(inst.applicant_prefs, inst.reviewer_prefs, inst.capacities, matching) == []


def test_publish_before_the_deadline_needs_force_and_double_publish_is_refused(cohort):
    with pytest.raises(Conflict):
        flow.round_close_and_publish(round=cohort.round, user=None)
    assert not Placement.objects.exists()
    flow.round_close_and_publish(round=cohort.round, user=None, force=True)
    assert Placement.objects.count() == 4  # every graduate gets a row, placed or not
    with pytest.raises(Conflict):
        flow.round_close_and_publish(round=cohort.round, user=None, force=True)
    assert Placement.objects.count() == 4


def test_explanation_sentences_for_placed_and_unplaced_graduates(cohort):
    _designed_case(cohort)
    flow.round_close_and_publish(round=cohort.round, user=None, force=True)
    g0, g3 = cohort.grads[0], cohort.grads[3]
    assert flow.placement_explanation(round=cohort.round, applicant=g0) == [
        "You got your 2nd choice: Finance.",
        ("Sales ranked 1 graduate above you and filled its 1 place with graduates it ranked higher "
         "(its lowest admitted: rank 1; you: rank 2)."),
    ]
    assert flow.placement_explanation(round=cohort.round, applicant=cohort.grads[2]) == [
        "You got your 1st choice: Sales."]
    lines = flow.placement_explanation(round=cohort.round, applicant=g3)
    assert lines[0] == "Not placed: no department you ranked also ranked you, with a free place."
    assert lines[1].startswith("Finance ranked 2 graduates above you and filled its 2 places")


def test_explanation_says_when_a_department_did_not_rank_the_graduate(cohort):
    g = cohort.grads
    flow.applicant_ranking_save(round=cohort.round, applicant=g[0], departments=[cohort.a, cohort.b])
    flow.department_ranking_save(round=cohort.round, department=cohort.b, applicants=[g[0]])
    flow.department_ranking_save(round=cohort.round, department=cohort.a, applicants=[g[1]])  # ranked others
    flow.round_close_and_publish(round=cohort.round, user=None, force=True)
    assert flow.placement_explanation(round=cohort.round, applicant=g[0]) == [
        "You got your 2nd choice: Finance.", "Sales did not rank you."]
    assert flow.placement_explanation(round=cohort.round, applicant=g[1]) == [
        "Not placed: you did not rank any department."]


def test_progress_counts_submissions(cohort):
    flow.applicant_ranking_save(round=cohort.round, applicant=cohort.grads[0], departments=[cohort.a])
    flow.department_ranking_save(round=cohort.round, department=cohort.b, applicants=[cohort.grads[1]])
    assert flow.round_progress(round=cohort.round) == {
        "graduates": 4, "graduates_submitted": 1, "departments": 2, "departments_submitted": 1}


# -- pages ---------------------------------------------------------------------------------


def _url(c, name, **kw):
    return reverse(name, kwargs={"program_id": c.program.pk, "round_id": c.round.pk, **kw})


def test_graduate_ranks_departments_on_the_page(client, cohort):
    g = cohort.grads[0]
    client.force_login(g.user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    assert "Sales" in page and "Finance" in page and f'name="order" value="{cohort.a.pk}"' in page
    resp = client.post(_url(cohort, "round_rank_departments"), {f"rank-{cohort.a.pk}": "2", f"rank-{cohort.b.pk}": "1"})
    assert resp.status_code == 302
    assert [c.department_id for c in flow.applicant_ranking(round=cohort.round, applicant=g)] == [cohort.b.pk, cohort.a.pk]
    # equal numbers are refused and nothing changes
    resp = client.post(_url(cohort, "round_rank_departments"), {f"rank-{cohort.a.pk}": "1", f"rank-{cohort.b.pk}": "1"})
    assert resp.status_code == 400
    assert [c.department_id for c in flow.applicant_ranking(round=cohort.round, applicant=g)] == [cohort.b.pk, cohort.a.pk]


def test_graduates_never_see_department_rankings_nor_other_graduates_choices(client, cohort):
    _designed_case(cohort)
    cohort.round.seats.filter(department=cohort.a).update(pitch="Join the best sales team")
    client.force_login(cohort.grads[3].user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    assert "Join the best sales team" in page
    for other in cohort.grads[:3]:
        assert other.full_name not in page
    assert "Finance" in page
    # the API hides the departments' rankings from graduates
    assert client.get(f"/api/rounds/{cohort.round.pk}/departments/FIN/ranking").status_code == 403
    assert client.get(f"/api/rounds/{cohort.round.pk}/results").json() == []


def test_head_ranks_graduates_but_not_for_another_department(client, cohort):
    client.force_login(cohort.head_a.user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    assert "Grad 0" in page and 'id="dept-SAL"' in page and 'id="dept-FIN"' not in page
    g = cohort.grads
    client.post(_url(cohort, "round_rank_graduates", code="SAL"), {f"rank-{g[1].pk}": "1", f"rank-{g[0].pk}": "2"})
    assert [c.applicant_id for c in flow.department_ranking(round=cohort.round, department=cohort.a)] == [g[1].pk, g[0].pk]
    resp = client.post(_url(cohort, "round_rank_graduates", code="FIN"), {f"rank-{g[1].pk}": "1"})
    assert resp.status_code == 403
    resp = client.put(f"/api/rounds/{cohort.round.pk}/departments/FIN/ranking",
                      json.dumps({"applicants": [g[0].employee_id]}), content_type="application/json")
    assert resp.status_code == 403
    assert not DepartmentChoice.objects.filter(department=cohort.b).exists()


def test_head_does_not_see_graduates_rankings_before_publication(client, cohort):
    _designed_case(cohort)
    client.force_login(cohort.head_b.user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    assert "Your rank for" not in page and 'name="rank-' in page
    assert client.get(f"/api/rounds/{cohort.round.pk}/results").json() == []
    assert client.get(f"/api/rounds/{cohort.round.pk}/my-ranking").status_code == 403


def test_head_edits_the_pitch(client, cohort):
    client.force_login(cohort.head_b.user)
    client.post(_url(cohort, "round_pitch", code="FIN"), {"pitch": "Numbers tell stories."})
    assert cohort.round.seats.get(department=cohort.b).pitch == "Numbers tell stories."
    assert client.post(_url(cohort, "round_pitch", code="SAL"), {"pitch": "x"}).status_code == 403


def test_graduate_cannot_rank_as_a_department(client, cohort):
    client.force_login(cohort.grads[0].user)
    assert client.post(_url(cohort, "round_rank_graduates", code="SAL"), {}).status_code == 403
    resp = client.put(f"/api/rounds/{cohort.round.pk}/departments/SAL/ranking",
                      json.dumps({"applicants": []}), content_type="application/json")
    assert resp.status_code == 403


def test_manager_sees_progress_publishes_and_explains(client, cohort, django_capture_on_commit_callbacks):
    _designed_case(cohort)
    client.force_login(cohort.manager.user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    assert "4 / 4" in page and "2 / 2" in page and "Close and publish" in page
    client.post(_url(cohort, "round_publish"))  # before the deadline, no force: refused
    assert not Placement.objects.exists()
    # the request queues the publication and the page shows it waiting; the task runs once that commits
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(_url(cohort, "round_publish"), {"force": "1"}, follow=True).content.decode()
        assert "placements are being computed" in page and 'id="publication-status"' in page
        assert "Close and publish" not in page
    page = client.get(_url(cohort, "round_detail")).content.decode()
    assert "no blocking pair exists" in page and "Grad 3" in page
    page = client.get(_url(cohort, "round_explain", employee_id=cohort.grads[3].employee_id)).content.decode()
    assert "Not placed: no department you ranked also ranked you, with a free place." in page


def test_after_publication_each_side_sees_only_its_own_result(client, cohort):
    _designed_case(cohort)
    flow.round_close_and_publish(round=cohort.round, user=None, force=True)
    client.force_login(cohort.grads[0].user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    assert "Finance" in page and "2nd choice" in page and "Grad 1" not in page
    assert client.get(_url(cohort, "round_explain", employee_id=cohort.grads[0].employee_id)).status_code == 403
    client.force_login(cohort.head_a.user)
    page = client.get(_url(cohort, "round_detail")).content.decode()
    assert "Grad 2" in page and "Grad 0" not in page


# -- API -----------------------------------------------------------------------------------


def test_api_round_lifecycle_and_results_visibility(client, cohort, django_capture_on_commit_callbacks):
    g = cohort.grads
    client.force_login(cohort.manager.user)
    resp = client.post(f"/api/programs/{cohort.program.pk}/rounds", json.dumps({
        "name": "API round", "deadline": (timezone.now() + datetime.timedelta(days=2)).isoformat(),
        "seats": [{"department": "SAL", "seats": 1}, {"department": "FIN", "seats": 2}]}),
        content_type="application/json")
    assert resp.status_code == 201, resp.content
    rid = resp.json()["id"]
    assert [s["department"] for s in resp.json()["seats"]] == ["FIN", "SAL"]
    for grad in g[:3]:
        client.force_login(grad.user)
        r = client.put(f"/api/rounds/{rid}/my-ranking", json.dumps({"departments": ["SAL", "FIN"]}),
                       content_type="application/json")
        assert r.status_code == 200, r.content
    client.force_login(g[3].user)
    r = client.put(f"/api/rounds/{rid}/my-ranking", json.dumps({"departments": ["FIN", "FIN"]}),
                   content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "validation_failed"
    r = client.put(f"/api/rounds/{rid}/my-ranking", json.dumps({"departments": ["NOPE"]}),
                   content_type="application/json")
    assert r.status_code == 400
    client.put(f"/api/rounds/{rid}/my-ranking", json.dumps({"departments": ["FIN"]}), content_type="application/json")
    client.force_login(cohort.head_a.user)
    client.put(f"/api/rounds/{rid}/departments/SAL/ranking",
               json.dumps({"applicants": [g[2].employee_id, g[0].employee_id, g[1].employee_id]}),
               content_type="application/json")
    client.force_login(cohort.head_b.user)
    client.put(f"/api/rounds/{rid}/departments/FIN/ranking",
               json.dumps({"applicants": [g[0].employee_id, g[1].employee_id, g[3].employee_id]}),
               content_type="application/json")
    client.force_login(g[0].user)
    assert client.post(f"/api/rounds/{rid}/close-and-publish", json.dumps({"force": True}),
                       content_type="application/json").status_code == 403
    client.force_login(cohort.manager.user)
    assert client.post(f"/api/rounds/{rid}/close-and-publish", json.dumps({}),
                       content_type="application/json").status_code == 409
    with django_capture_on_commit_callbacks(execute=True):  # the task runs once the request commits
        r = client.post(f"/api/rounds/{rid}/close-and-publish", json.dumps({"force": True}),
                        content_type="application/json")
        assert r.status_code == 202 and r.json()["status"] == "open"
        assert r.json()["publication"]["status"] == "queued"
    assert client.get(r["Location"]).json()["status"] == "done"
    assert client.get(f"/api/rounds/{rid}").json()["status"] == "published"
    assert client.post(f"/api/rounds/{rid}/close-and-publish", json.dumps({"force": True}),
                       content_type="application/json").status_code == 409
    assert len(client.get(f"/api/rounds/{rid}/results").json()) == 4
    r = client.get(f"/api/rounds/{rid}/results/{g[3].employee_id}/explanation")
    assert r.json()["stable"] is True and r.json()["sentences"][0].startswith("Not placed")
    client.force_login(g[0].user)
    mine = client.get(f"/api/rounds/{rid}/results").json()
    assert mine == [{"applicant": g[0].employee_id, "applicant_name": "Grad 0", "department": "FIN",
                     "department_name": "Finance", "applicant_rank": 2, "department_rank": None}]
    assert client.get(f"/api/rounds/{rid}/results/{g[0].employee_id}/explanation").status_code == 403
    client.force_login(cohort.head_b.user)
    theirs = client.get(f"/api/rounds/{rid}/results").json()
    assert {p["applicant"] for p in theirs} == {g[0].employee_id, g[1].employee_id}
    assert all(p["applicant_rank"] is None for p in theirs)


def test_outsiders_cannot_see_a_round(client, cohort, make_person):
    client.force_login(make_person(full_name="Stranger").user)
    assert client.get(f"/api/rounds/{cohort.round.pk}").status_code == 404
    assert client.get(_url(cohort, "round_detail")).status_code == 403


def test_round_list_and_create_form_for_the_manager(client, cohort):
    client.force_login(cohort.manager.user)
    url = reverse("round_list", kwargs={"program_id": cohort.program.pk})
    assert "Round 1" in client.get(url).content.decode()
    deadline = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(url, {"name": "Round 2", "deadline": deadline, f"seats-{cohort.a.pk}": "2"})
    assert resp.status_code == 302
    created = SelectionRound.objects.get(name="Round 2")
    assert [(s.department_id, s.seats) for s in created.seats.all()] == [(cohort.a.pk, 2)]
    resp = client.post(url, {"name": "Round 3", "deadline": deadline})
    assert resp.status_code == 200 and "At least one department" in resp.content.decode()


def test_a_round_name_with_a_line_break_is_refused_by_the_service_too(db):
    from tandem.core.errors import ValidationFailed
    from tandem.matching.flows import rounds
    from tandem.programs.models import MatchingMode, Program, ProgramType
    from tests.factories import DepartmentFactory, PersonFactory

    program = Program.objects.create(name="C", program_type=ProgramType.COHORT,
                                     matching_mode=MatchingMode.MUTUAL_SELECTION, starts_on="2026-01-01",
                                     ends_on="2027-12-31", owner=PersonFactory())
    deadline = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ValidationFailed) as exc:
        rounds.round_create(program=program, name="Spring\r\nBcc: everyone", deadline=deadline,
                            seats={DepartmentFactory(): 1})
    assert "name" in exc.value.errors
    assert not program.selection_rounds.exists()
