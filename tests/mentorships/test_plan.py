"""The plan written together (source 002) in small steps (source 001): the services and selectors."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.core import authz
from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.mentorships import plan_selectors, plan_services as ps
from tandem.mentorships.errors import MentorshipErrorCode as Code
from tandem.mentorships.models import MentorshipStatus as S
from tandem.mentorships.plan_models import Goal, GoalMilestone, PlanComment, PlanStatus, PlanVersion
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def submit_needs(p, **kw):
    data = {"competencies": [p.competencies[0].code], "topics": [], "preferred_style": "questions",
            "text": "I freeze when I present to the board."}
    data.update(kw)
    return ps.needs_submit(mentorship=p.mentorship, actor=actor_of(p.mentee), **data)


def draft(p, goals=None):
    goals = goals if goals is not None else [
        {"title": "Present with confidence", "competency": p.competencies[0].code, "target_level": 4,
         "milestones": [{"title": "Outline a 5-minute talk", "due_on": day(-5)},
                        {"title": "Rehearse with the mentor", "due_on": day(10)},
                        {"title": "Present at the team meeting", "due_on": day(40)}]},
        {"title": "Plan a project", "competency": p.competencies[1].code, "target_level": 3,
         "milestones": [{"title": "Write a one-page plan", "due_on": day(20)}]},
    ]
    return ps.plan_draft_save(mentorship=p.mentorship, actor=actor_of(p.mentor), goals=goals)


def working_copy(p):
    return plan_selectors.draft_of(mentorship=p.mentorship)


def snapshot(p):
    plan = ps.plan_for(p.mentorship)
    plan.refresh_from_db()
    return (plan.status, plan.mentor_confirmed_at, plan.mentee_confirmed_at, working_copy(p),
            PlanVersion.objects.filter(plan=plan).count(), PlanComment.objects.filter(plan=plan).count(),
            list(GoalMilestone.objects.filter(goal__plan=plan).values_list("done_at", "note")))


def test_the_whole_loop_needs_draft_comment_revise_confirm_then_a_change_goes_round_again(active_pair):
    p = active_pair
    mentor, mentee = actor_of(p.mentor), actor_of(p.mentee)
    # the mentee says what they need: the mentor may now draft
    submit_needs(p)
    assert ps.plan_for(p.mentorship).status == PlanStatus.DRAFTING
    # the mentor drafts: the plan is under review
    plan = draft(p)
    assert plan.status == PlanStatus.REVIEW
    first = working_copy(p)
    assert [g["title"] for g in first] == ["Present with confidence", "Plan a project"]
    # the mentee comments on one milestone; the mentor revises that line
    rehearse = first[0]["milestones"][1]
    comment = ps.plan_comment_add(mentorship=p.mentorship, actor=mentee, text="Can we rehearse twice?",
                                  milestone_id=rehearse["id"])
    assert comment.goal_id == first[0]["id"]  # a comment on a milestone is on its goal too
    revised = working_copy(p)
    revised[0]["milestones"].insert(2, {"title": "Second rehearsal", "due_on": day(20)})
    draft(p, revised)
    # both confirm: version 1
    ps.plan_confirm(mentorship=p.mentorship, actor=mentee)
    plan = ps.plan_confirm(mentorship=p.mentorship, actor=mentor)
    assert plan.status == PlanStatus.CONFIRMED
    v1 = PlanVersion.objects.get(plan=plan)
    assert v1.number == 1
    assert [ms["title"] for ms in v1.content["goals"][0]["milestones"]] == [
        "Outline a 5-minute talk", "Rehearse with the mentor", "Second rehearsal", "Present at the team meeting"]
    # a later change reopens the loop: confirmations reset, the mentee must confirm again
    changed = working_copy(p)
    changed[1]["target_level"] = 4
    plan = draft(p, changed)
    assert (plan.status, plan.mentor_confirmed_at, plan.mentee_confirmed_at) == (PlanStatus.REVIEW, None, None)
    ps.plan_confirm(mentorship=p.mentorship, actor=mentor)
    assert ps.plan_for(p.mentorship).status == PlanStatus.REVIEW  # one side is not enough
    ps.plan_confirm(mentorship=p.mentorship, actor=mentee)
    assert list(PlanVersion.objects.filter(plan=plan).values_list("number", flat=True)) == [2, 1]
    assert PlanVersion.objects.get(plan=plan, number=2).content["goals"][1]["target_level"] == 4
    assert PlanVersion.objects.get(plan=plan, number=1).content["goals"][1]["target_level"] == 3  # history kept


def test_a_revision_keeps_the_ids_and_done_state_of_the_lines_that_stay(active_pair):
    p = active_pair
    submit_needs(p)
    draft(p)
    copy = working_copy(p)
    outline = copy[0]["milestones"][0]
    ps.milestone_update(milestone=GoalMilestone.objects.get(pk=outline["id"]), actor=actor_of(p.mentee), done=True,
                        note="Done on the train")
    # the mentor renames the goal, drops the last milestone and the second goal, adds a new one
    copy[0]["title"] = "Present to the board with confidence"
    copy[0]["milestones"].pop()
    copy[1] = {"title": "Delegate", "competency": p.competencies[2].code, "target_level": 3, "milestones": []}
    draft(p, copy)
    after = working_copy(p)
    assert after[0]["id"] == copy[0]["id"] and after[0]["title"] == "Present to the board with confidence"
    assert [ms["id"] for ms in after[0]["milestones"]] == [outline["id"], copy[0]["milestones"][1]["id"]]
    kept = GoalMilestone.objects.get(pk=outline["id"])
    assert kept.done_at is not None and kept.note == "Done on the train"
    assert after[1]["title"] == "Delegate" and Goal.objects.filter(plan__mentorship=p.mentorship).count() == 2


def test_a_version_holds_the_content_without_the_done_state(active_pair):
    p = active_pair
    submit_needs(p)
    draft(p)
    ms_id = working_copy(p)[0]["milestones"][0]["id"]
    ps.milestone_update(milestone=GoalMilestone.objects.get(pk=ms_id), actor=actor_of(p.mentee), done=True)
    ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentor))
    ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentee))
    content = PlanVersion.objects.get().content
    assert set(content["goals"][0]["milestones"][0]) == {"id", "title", "due_on"}


def test_progress_per_goal_counts_done_of_total_the_next_due_date_and_the_overdue(active_pair):
    p = active_pair
    submit_needs(p)
    draft(p)
    copy = working_copy(p)
    # given: first goal: outline (due 5 days ago, open → overdue), rehearse (done), present (open)
    ps.milestone_update(milestone=GoalMilestone.objects.get(pk=copy[0]["milestones"][1]["id"]),
                        actor=actor_of(p.mentee), done=True)
    # when
    with CaptureQueriesContext(connection) as small:
        view = plan_selectors.plan_view(mentorship=p.mentorship, private=True)
    # then
    first, second = view.goals
    assert (first.progress.done, first.progress.total, first.progress.percent) == (1, 3, 33)
    assert first.progress.next_due_on == day(40) and first.progress.overdue == 1  # the overdue one is not 'next'
    assert [ms.overdue for ms in first.milestones] == [True, False, False]
    assert (second.progress.done, second.progress.total, second.progress.next_due_on) == (0, 1, day(20))
    assert (view.progress.done, view.progress.total, view.progress.overdue) == (1, 4, 1)
    # a fixed number of queries, whatever the size of the plan
    big = working_copy(p) + [
        {"title": f"Goal {i}", "competency": p.competencies[i % 4].code, "target_level": 3,
         "milestones": [{"title": f"Step {j}", "due_on": day(j)} for j in range(5)]} for i in range(6)]
    draft(p, big)
    ps.plan_comment_add(mentorship=p.mentorship, actor=actor_of(p.mentor), text="Looks good")
    with CaptureQueriesContext(connection) as large:
        view = plan_selectors.plan_view(mentorship=p.mentorship, private=True)
    assert len(view.goals) == 8 and len(large) == len(small)
    with CaptureQueriesContext(connection) as summary:
        plan_selectors.plan_summary(mentorship=p.mentorship)
    assert len(summary) < len(large)


def test_the_summary_has_goals_and_progress_but_no_comments_notes_or_needs(active_pair):
    p = active_pair
    submit_needs(p)
    draft(p)
    ps.plan_comment_add(mentorship=p.mentorship, actor=actor_of(p.mentee), text="Private worry")
    view = plan_selectors.plan_summary(mentorship=p.mentorship)
    assert len(view.goals) == 2 and view.goals[0].progress.total == 3
    assert view.comments is None and view.all_comments is None and view.needs is None
    assert all(not g.comments and not any(ms.comments for ms in g.milestones) for g in view.goals)


def test_the_needs_form_is_preselected_from_the_largest_gaps(active_pair):
    p = active_pair
    initial = plan_selectors.needs_initial(mentorship=p.mentorship)
    # gaps are 3, 2, 1, 0: the three largest, largest first; none without a gap
    assert initial["competencies"] == [c.code for c in p.competencies[:3]]
    assert initial["submitted_at"] is None
    choices = plan_selectors.needs_competency_choices(mentorship=p.mentorship)
    assert [c.gap for c in choices[:4]] == [3, 2, 1, 0]
    # once submitted, the form shows what the mentee chose
    submit_needs(p, competencies=[p.competencies[3].code])
    assert plan_selectors.needs_initial(mentorship=p.mentorship)["competencies"] == [p.competencies[3].code]


def test_only_the_mentee_fills_the_needs_and_the_mentor_drafts_only_after_them(active_pair):
    p = active_pair
    with pytest.raises(Forbidden):
        ps.needs_submit(mentorship=p.mentorship, actor=actor_of(p.mentor), competencies=[], topics=[],
                        text="I need nothing")
    with pytest.raises(Conflict) as exc:
        draft(p)
    assert exc.value.code == Code.NEEDS_NOT_SUBMITTED
    assert not Goal.objects.exists()


def test_the_mentee_cannot_draft_and_nobody_else_comments_or_confirms(active_pair):
    p = active_pair
    submit_needs(p)
    with pytest.raises(Forbidden):
        ps.plan_draft_save(mentorship=p.mentorship, actor=actor_of(p.mentee), goals=[])
    draft(p)
    for outsider in (p.line_manager, p.head, p.owner):
        with pytest.raises(Forbidden):
            ps.plan_comment_add(mentorship=p.mentorship, actor=actor_of(outsider), text="Hi")
        with pytest.raises(Forbidden):
            ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(outsider))
    assert not PlanComment.objects.exists()
    assert ps.plan_for(p.mentorship).mentor_confirmed_at is None


def test_the_mentor_cannot_tick_or_annotate_the_mentees_milestone_and_nothing_changes(active_pair):
    p = active_pair
    submit_needs(p)
    draft(p)
    ms = GoalMilestone.objects.first()
    for other in (p.mentor, p.line_manager):
        with pytest.raises(Forbidden):
            ps.milestone_update(milestone=ms, actor=actor_of(other), done=True, note="ticked for you")
    ms.refresh_from_db()
    assert ms.done_at is None and ms.note == ""


def test_the_mentee_ticks_and_unticks_a_milestone_only_while_active(active_pair):
    p = active_pair
    submit_needs(p)
    draft(p)
    ms = GoalMilestone.objects.first()
    ps.milestone_update(milestone=ms, actor=actor_of(p.mentee), done=True)
    ms.refresh_from_db()
    assert ms.done_at is not None
    ps.milestone_update(milestone=ms, actor=actor_of(p.mentee), done=False)
    ms.refresh_from_db()
    assert ms.done_at is None
    p.mentorship.status = S.COMPLETED
    p.mentorship.save(update_fields=["status"])
    with pytest.raises(Conflict) as exc:
        ps.milestone_update(milestone=ms, actor=actor_of(p.mentee), done=True)
    assert exc.value.code == Code.NOT_ACTIVE


def test_confirming_an_unchanged_plan_is_refused_and_nothing_is_saved(active_pair):
    p = active_pair
    submit_needs(p)
    draft(p)
    ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentor))
    ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentee))
    before = snapshot(p)
    with pytest.raises(Conflict) as exc:
        ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentor))
    assert exc.value.code == Code.PLAN_UNCHANGED and exc.value.status == 409
    assert snapshot(p) == before


def test_a_revision_back_to_the_confirmed_content_restores_the_confirmed_plan(active_pair):
    p = active_pair
    submit_needs(p)
    draft(p)
    ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentor))
    ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentee))
    original = working_copy(p)
    changed = working_copy(p)
    changed[0]["title"] = "Something else"
    draft(p, changed)
    plan = draft(p, original)
    assert plan.status == PlanStatus.CONFIRMED and plan.mentor_confirmed_at is not None
    with pytest.raises(Conflict) as exc:
        ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentee))
    assert exc.value.code == Code.PLAN_UNCHANGED
    assert PlanVersion.objects.count() == 1


def test_confirming_twice_is_refused(active_pair):
    p = active_pair
    submit_needs(p)
    draft(p)
    ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentee))
    with pytest.raises(Conflict) as exc:
        ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentee))
    assert exc.value.code == Code.ALREADY_CONFIRMED
    assert ps.plan_for(p.mentorship).status == PlanStatus.REVIEW and not PlanVersion.objects.exists()


def test_nothing_to_confirm_before_a_draft_and_an_unchanged_draft_is_refused(active_pair):
    p = active_pair
    submit_needs(p)
    with pytest.raises(Conflict) as exc:
        ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentee))
    assert exc.value.code == Code.PLAN_NOT_IN_REVIEW
    draft(p)
    with pytest.raises(Conflict) as exc:
        draft(p, working_copy(p))
    assert exc.value.code == Code.PLAN_UNCHANGED


@pytest.mark.parametrize("due", [151, 400])
def test_a_milestone_after_the_agreements_end_is_refused_with_a_clear_message_and_nothing_saved(active_pair, due):
    p = active_pair
    submit_needs(p)
    draft(p)
    before = snapshot(p)
    copy = working_copy(p)
    copy[1]["milestones"].append({"title": "Retrospective", "due_on": day(due)})
    with pytest.raises(ValidationFailed) as exc:
        draft(p, copy)
    assert exc.value.code == Code.MILESTONE_AFTER_AGREEMENT_END and exc.value.status == 422
    message = exc.value.errors["goals.1.milestones.1.due_on"][0]
    assert "Retrospective" in message and p.term[1].isoformat() in message
    assert snapshot(p) == before


def test_a_milestone_before_the_mentorship_started_is_refused(active_pair):
    p = active_pair
    submit_needs(p)
    goals = [{"title": "Old", "competency": p.competencies[0].code, "target_level": 3,
              "milestones": [{"title": "Yesterday's news", "due_on": p.term[0] - datetime.timedelta(days=1)}]}]
    with pytest.raises(ValidationFailed) as exc:
        draft(p, goals)
    assert exc.value.code == Code.MILESTONE_AFTER_AGREEMENT_END
    assert not Goal.objects.exists()


def test_a_milestone_on_the_last_day_of_the_agreement_is_fine(active_pair):
    p = active_pair
    submit_needs(p)
    draft(p, [{"title": "Finish", "competency": p.competencies[0].code, "target_level": 3,
               "milestones": [{"title": "Last day", "due_on": p.term[1]}, {"title": "First", "due_on": p.term[0]}]}])
    assert GoalMilestone.objects.count() == 2


@pytest.mark.parametrize("goal, field", [
    ({"title": "", "competency": "C", "target_level": 3}, "goals.0.title"),
    ({"title": "x" * 201, "competency": "C", "target_level": 3}, "goals.0.title"),
    ({"title": "a\x00b", "competency": "C", "target_level": 3}, "goals.0.title"),
    ({"title": "two\nlines", "competency": "C", "target_level": 3}, "goals.0.title"),
    ({"title": "ok", "competency": "NOPE", "target_level": 3}, "goals.0.competency"),
    ({"title": "ok", "competency": "C", "target_level": 6}, "goals.0.target_level"),
    ({"title": "ok", "competency": "C", "target_level": True}, "goals.0.target_level"),
    ({"title": "ok", "competency": "C", "target_level": 3, "id": 999999}, "goals.0.id"),
    ({"title": "ok", "competency": "C", "target_level": 3, "milestones": [{"title": "m", "due_on": "soon"}]},
     "goals.0.milestones.0.due_on"),
    ({"title": "ok", "competency": "C", "target_level": 3, "milestones": [{"title": "m", "due_on": "9999-01-01"}]},
     "goals.0.milestones.0.due_on"),
])
def test_bad_draft_lines_are_refused_by_name_and_nothing_is_saved(active_pair, goal, field):
    p = active_pair
    submit_needs(p)
    draft(p)
    before = snapshot(p)
    goal = {**goal, "competency": p.competencies[0].code if goal["competency"] == "C" else goal["competency"]}
    with pytest.raises(ValidationFailed) as exc:
        draft(p, [goal])
    assert field in exc.value.errors
    assert snapshot(p) == before


def test_bad_comments_and_needs_are_refused_and_nothing_is_saved(active_pair):
    p = active_pair
    for text in ("", "   ", "x" * 2001, "nul\x00byte"):
        with pytest.raises(ValidationFailed):
            ps.plan_comment_add(mentorship=p.mentorship, actor=actor_of(p.mentee), text=text)
    assert not PlanComment.objects.exists()
    for kw in ({"text": "x" * 4001}, {"text": "a\x00"}, {"competencies": ["NOPE"]}, {"preferred_style": "shouting"},
               {"competencies": [], "text": ""}):
        with pytest.raises(ValidationFailed):
            submit_needs(p, **kw)
    assert ps.plan_for(p.mentorship).status == PlanStatus.NEEDS


def test_a_comment_on_another_plans_goal_is_not_found(active_pair, make_pair):
    p, other = active_pair, make_pair(S.ACTIVE)
    submit_needs(other)
    draft(other)
    foreign = Goal.objects.filter(plan__mentorship=other.mentorship).first()
    from tandem.core.errors import NotFound

    with pytest.raises(NotFound):
        ps.plan_comment_add(mentorship=p.mentorship, actor=actor_of(p.mentee), text="Hi", goal_id=foreign.pk)
    assert not PlanComment.objects.filter(plan__mentorship=p.mentorship).exists()


@pytest.mark.parametrize("status", [S.REQUESTED, S.INTRO])
def test_a_pair_only_requested_or_at_the_introduction_cannot_write_a_plan(make_pair, status):
    p = make_pair(status)
    assert not authz.can_draft_plan(actor_of(p.mentor), p.mentorship)
    assert not authz.can_submit_needs(actor_of(p.mentee), p.mentorship)
    with pytest.raises(Conflict) as exc:
        submit_needs(p)
    assert exc.value.code == Code.PLAN_NOT_EDITABLE
    with pytest.raises(Conflict):
        draft(p)
    assert not Goal.objects.exists()


def test_the_plan_is_written_while_the_agreement_is_signed_but_ticked_only_once_active(make_pair):
    p = make_pair(S.AGREEMENT)
    submit_needs(p)
    draft(p)
    ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentor))
    ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentee))
    assert PlanVersion.objects.count() == 1
    with pytest.raises(Conflict) as exc:
        ps.milestone_update(milestone=GoalMilestone.objects.first(), actor=actor_of(p.mentee), done=True)
    assert exc.value.code == Code.NOT_ACTIVE


def test_after_the_mentorship_ended_the_plan_is_read_only(active_pair):
    p = active_pair
    submit_needs(p)
    draft(p)
    p.mentorship.status = S.ENDED_EARLY
    p.mentorship.save(update_fields=["status"])
    with pytest.raises(Conflict) as exc:
        draft(p, [])
    assert exc.value.code == Code.PLAN_NOT_EDITABLE
    with pytest.raises(Conflict):
        ps.plan_comment_add(mentorship=p.mentorship, actor=actor_of(p.mentee), text="Late")
    assert len(plan_selectors.plan_view(mentorship=p.mentorship, private=True).goals) == 2


def test_each_step_announces_a_domain_event(active_pair, django_capture_on_commit_callbacks):
    from tandem.core import events

    seen = []
    names = ["needs.submitted", "plan.drafted", "plan.commented", "plan.confirmed", "milestone.updated"]

    def recorder(name):
        def record(**kw):
            seen.append((name, kw))
        return record

    handlers = {n: recorder(n) for n in names}
    for n, h in handlers.items():
        events.subscribe(n, h)
    try:
        p = active_pair
        with django_capture_on_commit_callbacks(execute=True):
            submit_needs(p)
            draft(p)
            ps.plan_comment_add(mentorship=p.mentorship, actor=actor_of(p.mentee), text="Hi")
            ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentee))
            ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(p.mentor))
            ps.milestone_update(milestone=GoalMilestone.objects.first(), actor=actor_of(p.mentee), done=True)
    finally:
        for n, h in handlers.items():
            events._subscribers[n].remove(h)
    assert [n for n, _ in seen] == ["needs.submitted", "plan.drafted", "plan.commented", "plan.confirmed",
                                    "plan.confirmed", "milestone.updated"]
    assert seen[3][1]["version"] is None and seen[4][1]["version"] == 1
    assert all(kw["mentorship_id"] == p.mentorship.pk for _, kw in seen)


@pytest.mark.django_db(transaction=True)
def test_both_confirming_at_the_same_moment_make_exactly_one_version(make_pair):
    """Real concurrency: two threads, two connections. Meaningful on PostgreSQL (row locks);
    SQLite serialises writers anyway."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("row-lock race is exercised on PostgreSQL")
    p = make_pair(S.ACTIVE)
    submit_needs(p)
    draft(p)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def confirm(person):
        from django.db import connections

        try:
            barrier.wait()
            ps.plan_confirm(mentorship=p.mentorship, actor=actor_of(person))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(who,)) for who in (p.mentor, p.mentee)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    plan = ps.plan_for(p.mentorship)
    assert plan.status == PlanStatus.CONFIRMED
    assert list(PlanVersion.objects.filter(plan=plan).values_list("number", flat=True)) == [1]
