"""The plan over the API: the loop, the boundaries (source 002), and bad input changing nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.mentorships.models import MentorshipStatus as S
from tandem.mentorships.plan_models import Goal, GoalMilestone, NeedsForm, PlanComment, PlanVersion
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def day(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def as_(client, person):
    client.force_login(person.user)
    return client


def api(client, method, url, body=None):
    kw = {"content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(url, body, **kw) if body is not None else getattr(client, method)(url)


def goals_of(p, level=4):
    return [{"title": "Present with confidence", "competency": p.competencies[0].code, "target_level": level,
             "milestones": [{"title": "Outline a talk", "due_on": day(-3)},
                            {"title": "Rehearse", "due_on": day(14)}]}]


def ready_plan(client, p):
    """Needs submitted by the mentee and a first draft saved by the mentor (over the API)."""
    base = f"/api/mentorships/{p.mentorship.pk}"
    r = api(as_(client, p.mentee), "put", f"{base}/needs",
            {"competencies": [p.competencies[0].code], "topics": [], "preferred_style": "advice", "text": "Boards"})
    assert r.status_code == 200, r.content
    r = api(as_(client, p.mentor), "post", f"{base}/plan", {"goals": goals_of(p)})
    assert r.status_code == 200, r.content
    return base, r.json()


def state(p):
    return (list(Goal.objects.values_list("id", "title", "target_level")),
            list(GoalMilestone.objects.values_list("id", "title", "due_on", "done_at", "note")),
            PlanComment.objects.count(), PlanVersion.objects.count(),
            list(NeedsForm.objects.values_list("text", "preferred_style")))


def test_the_whole_loop_over_the_api_gives_version_1_then_version_2(client, active_pair):
    p = active_pair
    base = f"/api/mentorships/{p.mentorship.pk}"
    # the needs form starts from the mentee's largest gaps
    needs = api(as_(client, p.mentee), "get", f"{base}/needs").json()
    assert needs["competencies"] == [c.code for c in p.competencies[:3]] and needs["submitted_at"] is None
    base, plan = ready_plan(client, p)
    assert plan["status"] == "review" and plan["goals"][0]["progress"] == {
        "done": 0, "total": 2, "percent": 0, "next_due_on": day(14), "overdue": 1}
    # the mentee comments on a milestone, the mentor revises it
    ms = plan["goals"][0]["milestones"][1]
    r = api(as_(client, p.mentee), "post", f"{base}/plan/comments", {"text": "Twice?", "milestone_id": ms["id"]})
    assert r.status_code == 201 and r.json()["goal_id"] == plan["goals"][0]["id"]
    goals = goals_of(p)
    goals[0]["id"] = plan["goals"][0]["id"]
    goals[0]["milestones"][0]["id"] = plan["goals"][0]["milestones"][0]["id"]
    goals[0]["milestones"][1] |= {"id": ms["id"], "title": "Rehearse twice"}
    assert api(as_(client, p.mentor), "post", f"{base}/plan", {"goals": goals}).status_code == 200
    # both confirm
    assert api(as_(client, p.mentor), "post", f"{base}/plan/confirm").json()["status"] == "review"
    body = api(as_(client, p.mentee), "post", f"{base}/plan/confirm").json()
    assert body["status"] == "confirmed" and [v["number"] for v in body["versions"]] == [1]
    assert body["goals"][0]["milestones"][1]["id"] == ms["id"]  # the line kept its id
    # a change goes round the loop again
    goals[0]["target_level"] = 5
    assert api(as_(client, p.mentor), "post", f"{base}/plan", {"goals": goals}).json()["status"] == "review"
    api(as_(client, p.mentee), "post", f"{base}/plan/confirm")
    api(as_(client, p.mentor), "post", f"{base}/plan/confirm")
    versions = api(client, "get", f"{base}/plan/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["content"]["goals"][0]["target_level"] == 5
    assert versions[1]["content"]["goals"][0]["milestones"][1]["title"] == "Rehearse twice"


def test_the_mentee_ticks_a_milestone_and_both_see_the_progress(client, active_pair):
    p = active_pair
    base, plan = ready_plan(client, p)
    ms = plan["goals"][0]["milestones"][0]
    r = api(as_(client, p.mentee), "patch", f"/api/milestones/{ms['id']}", {"done": True, "note": "On the train"})
    assert r.status_code == 200 and r.json()["done"] is True and r.json()["overdue"] is False
    for who in (p.mentee, p.mentor, p.line_manager):
        progress = api(as_(client, who), "get", f"{base}/plan").json()["goals"][0]["progress"]
        assert (progress["done"], progress["total"], progress["percent"], progress["overdue"]) == (1, 2, 50, 0)


def test_a_mentor_patching_the_mentees_milestone_gets_403_and_nothing_changes(client, active_pair):
    p = active_pair
    base, plan = ready_plan(client, p)
    ms_id = plan["goals"][0]["milestones"][0]["id"]
    before = state(p)
    r = api(as_(client, p.mentor), "patch", f"/api/milestones/{ms_id}", {"done": True, "note": "did it for you"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert api(as_(client, p.line_manager), "patch", f"/api/milestones/{ms_id}", {"done": True}).status_code == 403
    assert state(p) == before


def test_a_line_manager_sees_progress_but_not_comments_notes_or_needs(client, active_pair):
    p = active_pair
    base, plan = ready_plan(client, p)
    api(as_(client, p.mentee), "post", f"{base}/plan/comments", {"text": "I am scared of my manager"})
    api(client, "patch", f"/api/milestones/{plan['goals'][0]['milestones'][0]['id']}", {"note": "private note"})
    for who in (p.line_manager, p.head, p.owner):
        c = as_(client, who)
        body = api(c, "get", f"{base}/plan").json()
        assert body["comments"] is None
        assert body["goals"][0]["progress"]["total"] == 2
        assert all(ms["note"] is None for ms in body["goals"][0]["milestones"])
        assert "scared" not in str(body) and "private note" not in str(body)
        assert api(c, "get", f"{base}/plan/comments").status_code == 403
        assert api(c, "get", f"{base}/needs").status_code == 403
    mentor_view = api(as_(client, p.mentor), "get", f"{base}/plan").json()
    assert [c["text"] for c in mentor_view["comments"]] == ["I am scared of my manager"]
    assert mentor_view["goals"][0]["milestones"][0]["note"] == "private note"


@pytest.mark.parametrize("who", ["stranger", "pm_owning_nothing", "no_person"])
def test_someone_elses_plan_does_not_exist_for_you(client, active_pair, who):
    p = active_pair
    base, plan = ready_plan(client, p)
    ms_id = plan["goals"][0]["milestones"][0]["id"]
    before = state(p)
    user = {"stranger": lambda: PersonFactory(user=UserFactory()).user,
            "pm_owning_nothing": lambda: PersonFactory(user=UserFactory(groups=["program_manager"])).user,
            "no_person": lambda: UserFactory()}[who]()
    client.force_login(user)
    for method, url, body in [("get", f"{base}/plan", None), ("get", f"{base}/needs", None),
                              ("get", f"{base}/plan/comments", None), ("get", f"{base}/plan/versions", None),
                              ("post", f"{base}/plan/comments", {"text": "hi"}),
                              ("post", f"{base}/plan/confirm", None), ("post", f"{base}/plan", {"goals": []}),
                              ("put", f"{base}/needs", {"text": "mine"}),
                              ("patch", f"/api/milestones/{ms_id}", {"done": True})]:
        assert api(client, method, url, body).status_code == 404, (method, url)
    assert state(p) == before


@pytest.mark.parametrize("status", [S.REQUESTED, S.INTRO])
def test_a_mentor_only_requested_or_at_the_introduction_cannot_write_a_plan(client, make_pair, status):
    p = make_pair(status)
    base = f"/api/mentorships/{p.mentorship.pk}"
    r = api(as_(client, p.mentee), "put", f"{base}/needs", {"competencies": [p.competencies[0].code]})
    assert r.status_code == 409 and r.json()["code"] == "plan_not_editable"
    r = api(as_(client, p.mentor), "post", f"{base}/plan", {"goals": goals_of(p)})
    assert r.status_code == 409 and r.json()["code"] == "plan_not_editable"
    assert not Goal.objects.exists() and not NeedsForm.objects.exists()


def test_confirming_an_unchanged_plan_is_409_plan_unchanged_and_nothing_saved(client, active_pair):
    p = active_pair
    base, _ = ready_plan(client, p)
    api(as_(client, p.mentor), "post", f"{base}/plan/confirm")
    api(as_(client, p.mentee), "post", f"{base}/plan/confirm")
    before = state(p)
    r = api(client, "post", f"{base}/plan/confirm")
    assert r.status_code == 409 and r.json()["code"] == "plan_unchanged" and r.json()["version"] == 1
    assert state(p) == before


def test_confirming_twice_is_409_already_confirmed(client, active_pair):
    p = active_pair
    base, _ = ready_plan(client, p)
    assert api(as_(client, p.mentee), "post", f"{base}/plan/confirm").status_code == 200
    r = api(client, "post", f"{base}/plan/confirm")
    assert r.status_code == 409 and r.json()["code"] == "already_confirmed"


def test_a_milestone_after_the_agreements_end_is_422_with_a_clear_message_and_nothing_saved(client, active_pair):
    p = active_pair
    base, _ = ready_plan(client, p)
    before = state(p)
    goals = goals_of(p)
    goals[0]["milestones"].append({"title": "Celebrate", "due_on": day(200)})
    r = api(as_(client, p.mentor), "post", f"{base}/plan", {"goals": goals})
    assert r.status_code == 422 and r.json()["code"] == "milestone_after_agreement_end"
    assert "Celebrate" in r.json()["message"] and p.term[1].isoformat() in r.json()["message"]
    assert "goals.0.milestones.2.due_on" in r.json()["errors"]
    assert state(p) == before


@pytest.mark.parametrize("payload", [
    {"goals": [{"title": "a\u0000b", "competency": "X", "target_level": 3}]},
    {"goals": [{"title": "x" * 201, "competency": "X", "target_level": 3}]},
    {"goals": [{"title": "", "competency": "X", "target_level": 3}]},
    {"goals": [{"title": "ok", "competency": "X", "target_level": 0}]},
    {"goals": [{"title": "ok", "competency": "X", "target_level": 6}]},
    {"goals": [{"title": "ok", "competency": "X", "target_level": True}]},
    {"goals": [{"title": "ok", "competency": "X", "target_level": "3"}]},
    {"goals": [{"title": "ok", "competency": "X", "target_level": 99999999999999999999}]},
    {"goals": [{"id": 99999999999999999999, "title": "ok", "competency": "X", "target_level": 3}]},
    {"goals": [{"title": "ok", "competency": "X", "target_level": 3,
                "milestones": [{"title": "m", "due_on": "10000-01-01"}]}]},
    {"goals": [{"title": "ok", "competency": "X", "target_level": 3, "milestones": [{"title": "m"}]}]},
    {"goals": [{"title": "ok", "competency": "X", "target_level": 3}] * 21},
    {"goals": "everything"},
])
def test_bad_draft_input_is_a_4xx_and_nothing_is_saved(client, active_pair, payload):
    p = active_pair
    base, _ = ready_plan(client, p)
    before = state(p)
    r = api(as_(client, p.mentor), "post", f"{base}/plan", payload)
    assert 400 <= r.status_code < 500 and "code" in r.json()
    assert state(p) == before


@pytest.mark.parametrize("method, path, payload", [
    ("post", "plan/comments", {"text": "nul\u0000byte"}),
    ("post", "plan/comments", {"text": "x" * 2001}),
    ("post", "plan/comments", {"text": ""}),
    ("post", "plan/comments", {"text": "hi", "goal_id": 99999999999999999999}),
    ("post", "plan/comments", {"text": "hi", "goal_id": 987654}),
    ("put", "needs", {"text": "x" * 4001}),
    ("put", "needs", {"text": "nul\u0000"}),
    ("put", "needs", {"preferred_style": "shouting"}),
    ("put", "needs", {"competencies": ["x" * 41]}),
    ("put", "needs", {"competencies": ["NOPE"]}),
])
def test_bad_comments_and_needs_are_4xx_and_nothing_is_saved(client, active_pair, method, path, payload):
    p = active_pair
    base, _ = ready_plan(client, p)
    before = state(p)
    r = api(as_(client, p.mentee), method, f"{base}/{path}", payload)
    assert 400 <= r.status_code < 500 and "code" in r.json()
    assert state(p) == before


@pytest.mark.parametrize("payload", [{"done": "yes"}, {"done": 1}, {"note": "x" * 1001}, {"note": "a\u0000"}])
def test_bad_milestone_patches_are_4xx_and_nothing_is_saved(client, active_pair, payload):
    p = active_pair
    base, plan = ready_plan(client, p)
    before = state(p)
    ms_id = plan["goals"][0]["milestones"][0]["id"]
    r = api(as_(client, p.mentee), "patch", f"/api/milestones/{ms_id}", payload)
    assert 400 <= r.status_code < 500
    assert state(p) == before
    assert api(client, "patch", "/api/milestones/99999999999999999999", {"done": True}).status_code in (404, 422)


def test_the_plan_endpoint_reads_in_a_fixed_number_of_queries(client, active_pair, django_assert_max_num_queries):
    p = active_pair
    base, plan = ready_plan(client, p)
    as_(client, p.mentor)
    client.get(f"{base}/plan")  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(f"{base}/plan")
    goals = [{"title": f"G{i}", "competency": p.competencies[i % 4].code, "target_level": 3,
              "milestones": [{"title": f"S{j}", "due_on": day(j)} for j in range(4)]} for i in range(8)]
    api(client, "post", f"{base}/plan", {"goals": goals})
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(f"{base}/plan").json()["goals"]) == 8
    assert len(large) == len(small)
