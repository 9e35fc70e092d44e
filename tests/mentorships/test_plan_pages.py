"""The plan's pages: the needs form, the mentor's editor (small forms, no heavy JavaScript), comments
next to the line, confirmations, the mentee's ticks, the summary for the line manager."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.mentorships import plan_services as ps
from tandem.mentorships.models import MentorshipStatus as S
from tandem.mentorships.plan_models import Goal, GoalMilestone, PlanComment, PlanStatus, PlanVersion
from tests.factories import PersonFactory, UserFactory, actor_of

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def as_(client, person):
    client.force_login(person.user)
    return client


def url(p, rest=""):
    return f"/mentorships/{p.mentorship.pk}/plan/{rest}"


def with_draft(p):
    ps.needs_submit(mentorship=p.mentorship, actor=actor_of(p.mentee), competencies=[p.competencies[0].code],
                    topics=[], preferred_style="hands_on", text="I want to lead the stand-up.")
    ps.plan_draft_save(mentorship=p.mentorship, actor=actor_of(p.mentor), goals=[
        {"title": "Lead the stand-up", "competency": p.competencies[0].code, "target_level": 4,
         "milestones": [{"title": "Watch three stand-ups", "due_on": day(-2)},
                        {"title": "Lead one stand-up", "due_on": day(12)}]}])
    return Goal.objects.get(plan__mentorship=p.mentorship)


def state():
    return (list(Goal.objects.values_list("id", "title", "competency_id", "target_level")),
            list(GoalMilestone.objects.values_list("id", "title", "due_on", "done_at", "note")),
            PlanComment.objects.count(), PlanVersion.objects.count())


def test_the_needs_form_preselects_the_largest_gaps_and_sending_it_lets_the_mentor_draft(client, active_pair):
    p = active_pair
    page = as_(client, p.mentee).get(url(p, "needs/")).content.decode()
    assert all(_checked(page, c.code) for c in p.competencies[:3])  # gaps 3, 2, 1
    assert not _checked(page, p.competencies[3].code)  # no gap
    r = client.post(url(p, "needs/"), {"competencies": [p.competencies[1].code], "preferred_style": "questions",
                                       "text": "Board meetings"})
    assert r.status_code == 302
    assert ps.plan_for(p.mentorship).status == PlanStatus.DRAFTING
    # the mentor reads the needs but cannot change them
    page = as_(client, p.mentor).get(url(p, "needs/")).content.decode()
    assert "Board meetings" in page and "<form method=\"post\" class=\"form plan-needs-form\"" not in page
    assert client.post(url(p, "needs/"), {"text": "mine"}).status_code == 403


def _checked(page: str, code: str) -> bool:
    i = page.find(f'value="{code}"')
    return i >= 0 and "checked" in page[i:page.find(">", i)]


def test_the_mentor_builds_the_draft_with_small_forms(client, active_pair):
    p = active_pair
    goal = with_draft(p)
    c = as_(client, p.mentor)
    assert "Lead the stand-up" in c.get(url(p, "edit/")).content.decode()
    # add a goal with its first milestone
    r = c.post(url(p, "goals/add/"), {"new-title": "Give feedback", "new-competency": p.competencies[1].code,
                                      "new-target_level": "3", "new-milestone_title": "Read the guide",
                                      "new-due_on": day(5).isoformat()})
    assert r.status_code == 302
    new = Goal.objects.get(title="Give feedback")
    assert [ms.title for ms in new.milestones.all()] == ["Read the guide"]
    # add, edit and remove a milestone under the first goal
    c.post(url(p, f"goals/{goal.pk}/milestones/add/"), {f"a{goal.pk}-title": "Retro", f"a{goal.pk}-due_on": day(30)})
    retro = GoalMilestone.objects.get(title="Retro")
    c.post(url(p, f"milestones/{retro.pk}/"), {f"m{retro.pk}-title": "Run the retro",
                                               f"m{retro.pk}-due_on": day(31)})
    retro.refresh_from_db()
    assert (retro.title, retro.due_on, retro.goal_id) == ("Run the retro", day(31), goal.pk)
    c.post(url(p, f"milestones/{retro.pk}/"), {"remove": "1"})
    assert not GoalMilestone.objects.filter(pk=retro.pk).exists()
    # edit and remove a goal
    c.post(url(p, f"goals/{goal.pk}/"), {f"g{goal.pk}-title": "Lead the weekly stand-up",
                                         f"g{goal.pk}-competency": p.competencies[0].code, f"g{goal.pk}-target_level": 5})
    goal.refresh_from_db()
    assert (goal.title, goal.target_level) == ("Lead the weekly stand-up", 5)
    c.post(url(p, f"goals/{new.pk}/"), {"remove": "1"})
    assert list(Goal.objects.values_list("title", flat=True)) == ["Lead the weekly stand-up"]
    assert ps.plan_for(p.mentorship).status == PlanStatus.REVIEW


def test_a_milestone_after_the_agreements_end_shows_the_message_in_the_editor_and_saves_nothing(client, active_pair):
    p = active_pair
    goal = with_draft(p)
    before = state()
    r = as_(client, p.mentor).post(url(p, f"goals/{goal.pk}/milestones/add/"),
                                   {f"a{goal.pk}-title": "Celebrate", f"a{goal.pk}-due_on": day(400)})
    assert r.status_code == 422
    page = r.content.decode()
    assert "after the agreement ends" in page and p.term[1].isoformat() in page
    assert 'value="Celebrate"' in page  # the form as typed
    assert state() == before


@pytest.mark.parametrize("data", [
    {"new-title": "a\u0000b", "new-competency": "C", "new-target_level": "3"},
    {"new-title": "x" * 201, "new-competency": "C", "new-target_level": "3"},
    {"new-title": "ok", "new-competency": "NOPE", "new-target_level": "3"},
    {"new-title": "ok", "new-competency": "C", "new-target_level": "9"},
    {"new-title": "ok", "new-competency": "C", "new-target_level": "3", "new-milestone_title": "m",
     "new-due_on": "99999-01-01"},
])
def test_bad_editor_input_is_a_4xx_and_saves_nothing(client, active_pair, data):
    p = active_pair
    with_draft(p)
    before = state()
    data = {k: (p.competencies[1].code if v == "C" else v) for k, v in data.items()}
    r = as_(client, p.mentor).post(url(p, "goals/add/"), data)
    assert 400 <= r.status_code < 500
    assert state() == before


def test_comments_show_next_to_their_line_and_both_confirm_into_a_version(client, active_pair):
    p = active_pair
    goal = with_draft(p)
    ms = goal.milestones.get(title="Lead one stand-up")
    c = as_(client, p.mentee)
    c.post(url(p, "comments/"), {"text": "Can I lead it on a Friday?", "milestone": ms.pk})
    c.post(url(p, "comments/"), {"text": "Good goal", "goal": goal.pk})
    page = c.get(url(p)).content.decode()
    li = page[page.index(f'id="ms-{ms.pk}"'):]
    assert li.index("Can I lead it on a Friday?") < li.index("</li>")
    assert "Confirming means" in page
    assert c.post(url(p, "confirm/")).status_code == 302
    assert "You have already confirmed" in c.post(url(p, "confirm/"), follow=True).content.decode()
    as_(client, p.mentor).post(url(p, "confirm/"))
    assert PlanVersion.objects.get().number == 1
    page = client.get(url(p)).content.decode()
    assert "version 1" in page
    assert "Lead one stand-up" in client.get(url(p, "versions/1/")).content.decode()
    assert "Version 1" in client.get(url(p, "versions/")).content.decode()
    assert client.get(url(p, "versions/2/")).status_code == 404


def test_the_mentee_ticks_a_milestone_and_both_see_the_progress(client, active_pair):
    p = active_pair
    goal = with_draft(p)
    first = goal.milestones.get(title="Watch three stand-ups")
    page = as_(client, p.mentee).get(url(p)).content.decode()
    assert "1 overdue" in page and 'type="checkbox" name="done"' in page
    client.post(url(p, f"milestones/{first.pk}/progress/"), {"done": "on", "note": "Watched four"})
    first.refresh_from_db()
    assert first.done_at is not None and first.note == "Watched four"
    for who in (p.mentee, p.mentor, p.line_manager):
        page = as_(client, who).get(url(p)).content.decode()
        assert "1 of 2 milestones done (50%)" in page and "1 overdue" not in page


def test_the_mentor_cannot_tick_the_mentees_milestone_from_the_page(client, active_pair):
    p = active_pair
    goal = with_draft(p)
    ms = goal.milestones.first()
    before = state()
    page = as_(client, p.mentor).get(url(p)).content.decode()
    assert 'type="checkbox" name="done"' not in page
    assert client.post(url(p, f"milestones/{ms.pk}/progress/"), {"done": "on", "note": "x"}).status_code == 403
    assert state() == before


def test_the_line_manager_sees_the_summary_and_never_the_comments(client, active_pair):
    p = active_pair
    goal = with_draft(p)
    ps.plan_comment_add(mentorship=p.mentorship, actor=actor_of(p.mentee), text="My manager scares me",
                        goal_id=goal.pk)
    for who in (p.line_manager, p.head, p.owner):
        c = as_(client, who)
        r = c.get(url(p))
        page = r.content.decode()
        assert r.status_code == 200 and "Lead the stand-up" in page and "0 of 2 milestones done" in page
        assert "scares me" not in page and "lead the stand-up." not in page  # no comments, no needs text
        assert c.get(url(p, "needs/")).status_code == 403
        assert c.post(url(p, "comments/"), {"text": "hello"}).status_code == 403
        assert c.get(url(p, "edit/")).status_code == 403
    assert PlanComment.objects.count() == 1


@pytest.mark.parametrize("who", ["stranger", "pm_owning_nothing", "no_person"])
def test_someone_elses_plan_pages_do_not_exist_for_you(client, active_pair, who):
    p = active_pair
    goal = with_draft(p)
    ms = goal.milestones.first()
    before = state()
    user = {"stranger": lambda: PersonFactory(user=UserFactory()).user,
            "pm_owning_nothing": lambda: PersonFactory(user=UserFactory(groups=["program_manager"])).user,
            "no_person": lambda: UserFactory()}[who]()
    client.force_login(user)
    for path in ("", "needs/", "edit/", "versions/"):
        assert client.get(url(p, path)).status_code == 404, path
    for path, data in (("comments/", {"text": "hi"}), ("confirm/", {}), (f"milestones/{ms.pk}/progress/", {"done": "on"}),
                       (f"goals/{goal.pk}/", {"remove": "1"}), ("needs/", {"text": "x"})):
        assert client.post(url(p, path), data).status_code == 404, path
    assert state() == before


@pytest.mark.parametrize("status", [S.REQUESTED, S.INTRO])
def test_a_mentor_only_requested_or_at_the_introduction_cannot_open_the_editor(client, make_pair, status):
    p = make_pair(status)
    r = as_(client, p.mentor).get(url(p, "edit/"))
    assert r.status_code == 409
    assert client.post(url(p, "goals/add/"), {"new-title": "x", "new-competency": p.competencies[0].code,
                                              "new-target_level": "3"}).status_code == 409
    assert "once both of you have confirmed" in client.get(url(p)).content.decode()
    assert not Goal.objects.exists()


def test_empty_states_say_what_comes_next(client, active_pair):
    p = active_pair
    page = as_(client, p.mentee).get(url(p)).content.decode()
    assert "Fill in your needs" in page and "No confirmed version yet" in page
    assert "No comments on the plan as a whole yet" in page
    assert "Waiting for the mentee" in as_(client, p.mentor).get(url(p)).content.decode()
    assert "No plan yet" in as_(client, p.line_manager).get(url(p)).content.decode()
    assert "No confirmed version yet" in client.get(url(p, "versions/")).content.decode()


def test_bad_comment_and_needs_input_on_pages_saves_nothing(client, active_pair):
    p = active_pair
    with_draft(p)
    before = state()
    c = as_(client, p.mentee)
    for data in ({"text": "x" * 2001}, {"text": ""}, {"text": "ok", "goal": "99999999999999999999"},
                 {"text": "ok", "goal": "123456"}):
        r = c.post(url(p, "comments/"), data)
        assert r.status_code in (302, 400, 404)
    r = c.post(url(p, "comments/"), {"text": "nul\x00"})
    assert r.status_code == 400
    r = c.post(url(p, "needs/"), {"text": "x" * 4001})
    assert r.status_code == 422
    assert state() == before


def test_the_plan_page_reads_in_a_fixed_number_of_queries(client, active_pair):
    p = active_pair
    with_draft(p)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = as_(client, p.mentee)
    c.get(url(p))
    with CaptureQueriesContext(connection) as small:
        c.get(url(p))
    goals = [{"title": f"G{i}", "competency": p.competencies[i % 4].code, "target_level": 3,
              "milestones": [{"title": f"S{j}", "due_on": day(j + 1)} for j in range(4)]} for i in range(6)]
    ps.plan_draft_save(mentorship=p.mentorship, actor=actor_of(p.mentor), goals=goals)
    for g in Goal.objects.all():
        ps.plan_comment_add(mentorship=p.mentorship, actor=actor_of(p.mentor), text="ok", goal_id=g.pk)
    with CaptureQueriesContext(connection) as large:
        assert "G5" in c.get(url(p)).content.decode()
    assert len(large) == len(small)


def test_a_version_page_shows_what_changed_since_the_version_before(client, active_pair):
    p = active_pair
    with_draft(p)
    for who in (p.mentor, p.mentee):
        ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(who))
    goals = [{"title": "Lead the stand-up", "competency": p.competencies[0].code, "target_level": 4,
              "milestones": [{"title": "Watch three stand-ups", "due_on": day(-2)},
                             {"title": "Lead two stand-ups", "due_on": day(12)}]}]
    ps.plan_draft_save(mentorship=p.mentorship, actor=actor_of(p.mentor), goals=goals)
    for who in (p.mentor, p.mentee):
        ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(who))
    page = as_(client, p.line_manager).get(url(p, "versions/2/")).content.decode()
    assert "What changed since version 1" in page
    assert '<span class="diff-removed">− ' in page and "Lead one stand-up" in page
    assert '<span class="diff-added">+ ' in page and "Lead two stand-ups" in page
    assert "What changed" not in client.get(url(p, "versions/1/")).content.decode()


def test_before_the_mentorship_is_active_the_mentor_never_sees_the_mentees_gaps(client, make_pair):
    # source 002: a mentor's view of the mentee's competency model starts when the mentorship is active
    p = make_pair(S.AGREEMENT)
    c = as_(client, p.mentor)
    body = c.get(f"/api/mentorships/{p.mentorship.pk}/needs").json()
    assert body["competencies"] == [] and body["submitted_at"] is None  # no suggestion from the gaps
    with_draft(p)
    page = c.get(url(p, "edit/")).content.decode()
    assert "Lead the stand-up" in page and "gap 3" not in page
    assert "gap 3" not in c.get(url(p, "needs/")).content.decode()
    # the mentee sees their own gaps; once active, the mentor does too
    assert "gap 3" in as_(client, p.mentee).get(url(p, "needs/")).content.decode()


def test_once_active_the_mentor_drafts_with_the_mentees_gaps_in_view(client, active_pair):
    p = active_pair
    with_draft(p)
    assert "gap 3 (now 2, target 5)" in as_(client, p.mentor).get(url(p, "edit/")).content.decode()
