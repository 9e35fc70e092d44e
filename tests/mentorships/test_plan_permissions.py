"""Source 002's boundaries on the plan, as a matrix: every role × every plan page and endpoint.

The pair writes (each their own part); the line manager, the department head, the program team
and HR read the summary (goals and progress) and are refused the private parts with a 403;
everyone else finds nothing (404); anonymous callers are asked to sign in."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.mentorships import plan_services as ps
from tandem.mentorships.plan_models import Goal, GoalMilestone, PlanComment, PlanVersion
from tests.factories import PersonFactory, UserFactory, actor_of

pytestmark = pytest.mark.django_db

ROLES = ["mentor", "mentee", "line_manager", "head", "program_manager", "hr", "colleague", "pm_owning_nothing",
         "no_person", "anonymous"]
SUMMARY = {"line_manager", "head", "program_manager", "hr"}
OUTSIDE = {"colleague", "pm_owning_nothing", "no_person"}

# endpoint → the roles allowed (2xx); SUMMARY roles not listed get 403, OUTSIDE 404, anonymous 401/302
API = {
    ("get", "plan"): {"mentor", "mentee"} | SUMMARY,
    ("get", "plan/versions"): {"mentor", "mentee"} | SUMMARY,
    ("get", "needs"): {"mentor", "mentee"},
    ("get", "plan/comments"): {"mentor", "mentee"},
    ("post", "plan/comments"): {"mentor", "mentee"},
    ("put", "needs"): {"mentee"},
    ("post", "plan"): {"mentor"},
    ("patch", "milestone"): {"mentee"},
    ("post", "plan/confirm"): {"mentor", "mentee"},
}
PAGES = {
    "": {"mentor", "mentee"} | SUMMARY,
    "versions/": {"mentor", "mentee"} | SUMMARY,
    "needs/": {"mentor", "mentee"},
    "edit/": {"mentor"},
}


def day(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def user_for(p, role):
    people = {"mentor": p.mentor, "mentee": p.mentee, "line_manager": p.line_manager, "head": p.head,
              "program_manager": p.owner}
    if role in people:
        return people[role].user
    return {"hr": lambda: PersonFactory(user=UserFactory(groups=["hr_admin"])).user,
            "colleague": lambda: PersonFactory(user=UserFactory()).user,
            "pm_owning_nothing": lambda: PersonFactory(user=UserFactory(groups=["program_manager"])).user,
            "no_person": lambda: UserFactory(),
            "anonymous": lambda: None}[role]()


def expected(role, allowed, *, page=False):
    if role in allowed:
        return "ok"
    if role == "anonymous":
        return 302 if page else 401
    if role in OUTSIDE:
        return 404
    return 403


@pytest.mark.parametrize("role", ROLES)
def test_plan_api_boundaries(client, active_pair, role):
    # given a plan under review with a comment
    p = active_pair
    ps.needs_submit(mentorship=p.mentorship, actor=actor_of(p.mentee), competencies=[p.competencies[0].code],
                    topics=[], text="Needs")
    ps.plan_draft_save(mentorship=p.mentorship, actor=actor_of(p.mentor), goals=[
        {"title": "G", "competency": p.competencies[0].code, "target_level": 3,
         "milestones": [{"title": "M", "due_on": day(5)}]}])
    ps.plan_comment_add(mentorship=p.mentorship, actor=actor_of(p.mentee), text="Private")
    goal, ms = Goal.objects.get(), GoalMilestone.objects.get()
    user = user_for(p, role)
    if user is not None:
        client.force_login(user)
    base = f"/api/mentorships/{p.mentorship.pk}"
    bodies = {
        ("post", "plan/comments"): {"text": "hello"},
        ("put", "needs"): {"competencies": [p.competencies[1].code], "text": "changed"},
        ("post", "plan"): {"goals": [{"id": goal.pk, "title": "G2", "competency": p.competencies[0].code,
                                      "target_level": 3, "milestones": [{"id": ms.pk, "title": "M", "due_on": day(5)}]}]},
        ("patch", "milestone"): {"done": True},
    }
    # when / then
    for (method, path), allowed in API.items():
        url = f"/api/milestones/{ms.pk}" if path == "milestone" else f"{base}/{path}"
        body = bodies.get((method, path))
        r = (getattr(client, method)(url, body, content_type="application/json") if body is not None
             else getattr(client, method)(url))
        want = expected(role, allowed)
        if want == "ok":
            assert 200 <= r.status_code < 300, (method, path, r.status_code, r.content)
        else:
            assert r.status_code == want, (method, path, r.status_code, r.content)
        if (method, path) == ("get", "plan") and r.status_code == 200:
            assert (r.json()["comments"] is None) == (role not in {"mentor", "mentee"})
    if role not in {"mentor", "mentee"}:
        assert PlanComment.objects.count() == 1 and PlanVersion.objects.count() == 0
        assert Goal.objects.get().title == "G" and GoalMilestone.objects.get().done_at is None


@pytest.mark.parametrize("role", ROLES)
def test_plan_page_boundaries(client, active_pair, role):
    p = active_pair
    ps.needs_submit(mentorship=p.mentorship, actor=actor_of(p.mentee), competencies=[p.competencies[0].code],
                    topics=[], text="Needs")
    user = user_for(p, role)
    if user is not None:
        client.force_login(user)
    for path, allowed in PAGES.items():
        r = client.get(f"/mentorships/{p.mentorship.pk}/plan/{path}")
        want = expected(role, allowed, page=True)
        assert r.status_code == (200 if want == "ok" else want), (path, r.status_code)
