"""Competency reviews: who rates whom, the window, one submission, levels 1–5 on the review's
competencies only, ratings written with their source (and so the mentor's quarterly duty done),
automatic campaigns from milestones (never twice), the notifications, the before/after change."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.assessments import review_selectors as sel
from tandem.assessments import review_services as rs
from tandem.assessments.review_errors import ReviewErrorCode as Code
from tandem.assessments.review_models import (
    RaterRole,
    Review,
    ReviewAnswer,
    ReviewAssignment,
    ReviewCampaign,
    ReviewKind,
)
from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.mentorships import duties
from tandem.mentorships.models import Mentorship
from tandem.notifications.models import Notification, NotificationKind
from tandem.notifications.reminders import reminders_send
from tandem.people.models import CompetencyRating, RatingSource
from tandem.programs.models import (
    CadenceDuty,
    MilestoneKind,
    Phase,
    ProgramMilestone,
    ProgramStatus,
)
from tests.factories import actor_of
from tests.mentorships.conftest import active_pair, make_pair

_FIXTURES = (active_pair, make_pair)  # pytest finds them by name

TODAY = timezone.localdate


def day(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def open_campaign(p, kind=ReviewKind.FOLLOW_UP, opens=0, closes=10):
    return rs.review_campaign_open(program=p.program, actor=actor_of(p.owner), kind=kind, opens_on=day(opens),
                                   closes_on=day(closes))


def assignment(p, role):
    return ReviewAssignment.objects.get(review__subject=p.mentee, role=role)


def answers(p, levels=(3, 3, 3, 3), note=""):
    return [{"competency_id": c.pk, "level": lv, "note": note} for c, lv in zip(p.competencies, levels, strict=True)]


def submit(p, who, role, levels=(3, 3, 3, 3), **kw):
    return rs.review_submit(assignment=assignment(p, role), actor=actor_of(who), answers=answers(p, levels), **kw)


# -- opening ---------------------------------------------------------------------------------


def test_opening_a_review_asks_the_mentee_the_mentor_and_the_line_manager(active_pair):
    p = active_pair
    c = open_campaign(p)
    review = Review.objects.get(campaign=c)
    assert review.subject == p.mentee
    assert set(review.competencies.all()) == set(p.competencies)
    assert {(a.role, a.rater_id) for a in review.assignments.all()} == {
        (RaterRole.SELF, p.mentee.pk), (RaterRole.MENTOR, p.mentor.pk), (RaterRole.MANAGER, p.line_manager.pk)}


def test_only_the_program_team_opens_a_review(active_pair, make_person):
    p = active_pair
    for who in (p.mentor, p.mentee, p.line_manager, make_person(groups=["program_manager"])):
        with pytest.raises(Forbidden):
            rs.review_campaign_open(program=p.program, actor=actor_of(who), kind="follow_up", opens_on=day(0),
                                    closes_on=day(5))
    assert not ReviewCampaign.objects.exists()


@pytest.mark.parametrize(("opens", "closes", "field"), [(5, 2, "closes_on"), (-20, -1, "closes_on"),
                                                         (0, 200, "closes_on")])
def test_a_window_must_be_in_order_not_past_and_not_too_long(active_pair, opens, closes, field):
    with pytest.raises(ValidationFailed) as exc:
        open_campaign(active_pair, opens=opens, closes=closes)
    assert field in exc.value.errors


def test_a_program_has_one_baseline(active_pair):
    open_campaign(active_pair, kind=ReviewKind.BASELINE)
    with pytest.raises(Conflict) as exc:
        open_campaign(active_pair, kind=ReviewKind.BASELINE)
    assert exc.value.code == Code.BASELINE_EXISTS


def test_a_program_without_reviewable_mentees_gets_no_campaign(active_pair):
    p = active_pair
    p.mentee.job_profile = None
    p.mentee.save(update_fields=["job_profile"])
    with pytest.raises(Conflict) as exc:
        open_campaign(p)
    assert exc.value.code == Code.NO_SUBJECTS and not ReviewCampaign.objects.exists()


# -- submitting ------------------------------------------------------------------------------


def test_each_answer_becomes_a_dated_rating_with_its_source(active_pair):
    p = active_pair
    open_campaign(p)
    submit(p, p.mentee, RaterRole.SELF, (4, 4, 3, 3))
    submit(p, p.mentor, RaterRole.MENTOR, (3, 3, 3, 4))
    submit(p, p.line_manager, RaterRole.MANAGER, (2, 3, 3, 4))
    for source, by in ((RatingSource.SELF, p.mentee), (RatingSource.MENTOR, p.mentor),
                       (RatingSource.MANAGER, p.line_manager)):
        rows = CompetencyRating.objects.filter(person=p.mentee, source=source, rated_on=TODAY())
        assert rows.count() == 4 and set(rows.values_list("rated_by", flat=True)) == {by.pk}
    assert CompetencyRating.objects.get(person=p.mentee, competency=p.competencies[0], source="self",
                                        rated_on=TODAY()).level == 4
    assert ReviewAnswer.objects.filter(rating__isnull=False).count() == 12


def test_a_mentor_never_submits_the_mentees_self_rating(active_pair):
    p = active_pair
    open_campaign(p)
    with pytest.raises(Forbidden) as exc:
        submit(p, p.mentor, RaterRole.SELF)
    assert exc.value.code == Code.NOT_YOUR_ASSIGNMENT
    assert not CompetencyRating.objects.filter(source="self").exists()
    assert assignment(p, RaterRole.SELF).submitted_at is None


def test_a_mentor_whose_mentorship_ended_can_no_longer_rate(active_pair):
    p = active_pair
    open_campaign(p)
    Mentorship.objects.filter(pk=p.mentorship.pk).update(status="ended_early")
    with pytest.raises(Forbidden) as exc:
        submit(p, p.mentor, RaterRole.MENTOR)
    assert exc.value.code == Code.RATER_NOT_RELATED


def test_one_submission_per_assignment(active_pair):
    p = active_pair
    open_campaign(p)
    submit(p, p.mentee, RaterRole.SELF)
    with pytest.raises(Conflict) as exc:
        submit(p, p.mentee, RaterRole.SELF, (5, 5, 5, 5))
    assert exc.value.code == Code.ALREADY_SUBMITTED
    assert CompetencyRating.objects.filter(source="self").count() == 4


def test_answers_only_while_the_window_is_open(active_pair):
    p = active_pair
    open_campaign(p, opens=2, closes=9)
    with pytest.raises(Conflict) as exc:
        submit(p, p.mentee, RaterRole.SELF)
    assert exc.value.code == Code.NOT_OPEN_YET
    ReviewCampaign.objects.update(opens_on=day(-9), closes_on=day(-1))
    with pytest.raises(Conflict) as exc:
        submit(p, p.mentee, RaterRole.SELF)
    assert exc.value.code == Code.CLOSED
    assert not ReviewAnswer.objects.exists()


@pytest.mark.parametrize("level", [0, 6, "x", None, True, 3.5])
def test_levels_are_1_to_5(active_pair, level):
    p = active_pair
    open_campaign(p)
    bad = answers(p)
    bad[1]["level"] = level
    with pytest.raises(ValidationFailed) as exc:
        rs.review_submit(assignment=assignment(p, "self"), actor=actor_of(p.mentee), answers=bad)
    assert f"competency.{p.competencies[1].pk}" in exc.value.errors
    assert not ReviewAnswer.objects.exists() and not CompetencyRating.objects.filter(source="self").exists()


def test_only_the_reviews_competencies_and_every_one_of_them(active_pair):
    from tests.factories import CompetencyFactory

    p = active_pair
    open_campaign(p)
    other = CompetencyFactory()
    extra = [*answers(p), {"competency_id": other.pk, "level": 3}]
    with pytest.raises(ValidationFailed) as exc:
        rs.review_submit(assignment=assignment(p, "self"), actor=actor_of(p.mentee), answers=extra)
    assert "answers.4.competency_id" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        rs.review_submit(assignment=assignment(p, "self"), actor=actor_of(p.mentee), answers=answers(p)[:3])
    assert exc.value.errors == {f"competency.{p.competencies[3].pk}": ["Rate this competency."]}


def test_a_nul_byte_in_a_note_is_refused_with_a_message(active_pair):
    p = active_pair
    open_campaign(p)
    with pytest.raises(ValidationFailed) as exc:
        rs.review_submit(assignment=assignment(p, "self"), actor=actor_of(p.mentee), answers=answers(p, note="a\x00b"))
    assert f"note.{p.competencies[0].pk}" in exc.value.errors


def test_peer_answers_stay_in_the_review_and_are_not_ratings(active_pair, make_person):
    p = active_pair
    c = open_campaign(p)
    peer = make_person()
    review = Review.objects.get(campaign=c)
    rs.review_peer_add(review=review, actor=actor_of(p.owner), peer=peer)
    with pytest.raises(Conflict):
        rs.review_peer_add(review=review, actor=actor_of(p.owner), peer=peer)
    with pytest.raises(Conflict):
        rs.review_peer_add(review=review, actor=actor_of(p.owner), peer=p.mentee)
    with pytest.raises(Forbidden):
        rs.review_peer_add(review=review, actor=actor_of(p.mentor), peer=make_person())
    before = CompetencyRating.objects.count()
    submit(p, peer, RaterRole.PEER, (5, 5, 5, 5))
    assert CompetencyRating.objects.count() == before
    assert list(ReviewAnswer.objects.filter(assignment__role="peer").values_list("level", flat=True)) == [5] * 4


def test_the_mentors_review_satisfies_the_quarterly_assessment_duty(active_pair):
    p = active_pair
    CadenceDuty.objects.create(program=p.program, code="quarterly_assessment", name="Quarterly assessment",
                               period="quarterly", requirement="mentor_assessment", required=True, concerns="mentor")

    def this_quarter():
        return next(s for s in duties.checklist(p.mentorship, today=TODAY())
                    if s.duty_code == "quarterly_assessment" and s.period_start <= TODAY() <= s.period_end)

    assert this_quarter().state != duties.DONE
    open_campaign(p)
    submit(p, p.line_manager, RaterRole.MANAGER)  # the manager's ratings are not the mentor's duty
    assert this_quarter().state != duties.DONE
    submit(p, p.mentor, RaterRole.MENTOR)
    assert this_quarter().state == duties.DONE


# -- automatic campaigns ---------------------------------------------------------------------


def _milestone(p, due_day, name="Review"):
    phase = Phase.objects.create(program=p.program, order=1, name="All", start_day=1, end_day=p.program.length_days)
    return ProgramMilestone.objects.create(phase=phase, name=name, kind=MilestoneKind.COMPETENCY_REVIEW,
                                           due_day=due_day, concerns="pair")


def test_milestones_open_campaigns_on_their_day_once(active_pair, django_capture_on_commit_callbacks):
    p = active_pair  # the program started 60 days ago
    p.program.status = ProgramStatus.RUNNING
    p.program.save(update_fields=["status"])
    today_n = p.program.day_of(TODAY())
    first = _milestone(p, 1, "Start")
    mid = _milestone(p, today_n - 2, "Quarter")
    last = _milestone(p, today_n + 100, "End")
    with django_capture_on_commit_callbacks(execute=True):
        opened = rs.review_campaigns_due()
    # day 1 was 60 days ago: its window is over, it is not opened late; the quarter's day was 2 days ago
    assert [ReviewCampaign.objects.get(pk=i).milestone for i in opened] == [mid]
    c = ReviewCampaign.objects.get(milestone=mid)
    assert (c.kind, c.opens_on, c.closes_on) == (ReviewKind.FOLLOW_UP, day(-2), day(-2 + rs.WINDOW_DAYS))
    assert rs.review_campaigns_due() == []  # idempotent
    assert ReviewCampaign.objects.count() == 1
    # the last milestone's day: the final review
    assert rs.review_campaigns_due(today=day(100)) and ReviewCampaign.objects.get(milestone=last).kind == "final"
    assert not ReviewCampaign.objects.filter(milestone=first).exists()


def test_a_program_starting_today_gets_its_baseline(active_pair):
    p = active_pair
    p.program.starts_on = TODAY()
    p.program.status = ProgramStatus.RUNNING
    p.program.save(update_fields=["starts_on", "status"])
    assert len(rs.review_campaigns_due()) == 1
    c = ReviewCampaign.objects.get()
    assert (c.kind, c.milestone, c.opens_on) == (ReviewKind.BASELINE, None, TODAY())
    assert rs.review_campaigns_due() == [] and rs.review_campaigns_due(today=day(3)) == []


def test_a_first_month_milestone_is_the_baseline(active_pair):
    p = active_pair
    p.program.starts_on = day(-2)
    p.program.status = ProgramStatus.RUNNING
    p.program.save(update_fields=["starts_on", "status"])
    ms = _milestone(p, 3, "Self-assessment at the start")
    assert rs.review_campaigns_due(today=day(-1)) == []  # day 2: not yet, and no separate baseline
    assert len(rs.review_campaigns_due()) == 1
    assert ReviewCampaign.objects.get().kind == ReviewKind.BASELINE and ReviewCampaign.objects.get().milestone == ms


def test_the_daily_job_is_registered():
    from tandem.notifications.scheduler import JOBS

    job = JOBS["review_campaigns_due"]
    assert job.task == "tandem.assessments.review_services.review_campaigns_due_job" and job.daily_at is not None


# -- notifications ---------------------------------------------------------------------------


def test_opening_tells_each_rater_once(active_pair, django_capture_on_commit_callbacks, make_person):
    p = active_pair
    with django_capture_on_commit_callbacks(execute=True):
        c = open_campaign(p, closes=10)
    opened = Notification.objects.filter(kind=NotificationKind.REVIEW_OPENED)
    assert set(opened.values_list("recipient_id", flat=True)) == {p.mentee.pk, p.mentor.pk, p.line_manager.pk}
    n = opened.get(recipient=p.mentor)
    assert n.params == {"subject": p.mentee.full_name, "due": day(10).isoformat()}
    with django_capture_on_commit_callbacks(execute=True):  # a peer added later hears; the others not again
        rs.review_peer_add(review=Review.objects.get(campaign=c), actor=actor_of(p.owner), peer=make_person())
    assert opened.count() == 4


def test_three_days_before_close_those_who_have_not_answered_are_reminded_once(active_pair):
    p = active_pair
    open_campaign(p, opens=-5, closes=3)
    submit(p, p.mentee, RaterRole.SELF)
    now = timezone.now()
    reminders_send(now=now)
    waiting = Notification.objects.filter(kind=NotificationKind.REVIEW_WAITING)
    assert set(waiting.values_list("recipient_id", flat=True)) == {p.mentor.pk, p.line_manager.pk}
    reminders_send(now=now + datetime.timedelta(hours=2))
    assert waiting.count() == 2


def test_no_reminder_a_week_before_close(active_pair):
    open_campaign(active_pair, opens=-1, closes=7)
    reminders_send(now=timezone.now())
    assert not Notification.objects.filter(kind=NotificationKind.REVIEW_WAITING).exists()


# -- before / after --------------------------------------------------------------------------


def test_competency_change_takes_first_and_latest_self_and_rated_levels(active_pair):
    p = active_pair  # the fixture rated each competency (manager) 40 days ago: 2, 2, 2, 3
    CompetencyRating.objects.create(person=p.mentee, competency=p.competencies[0], level=2, source="self",
                                    rated_by=p.mentee, rated_on=day(-41))
    open_campaign(p)
    submit(p, p.mentee, RaterRole.SELF, (4, 3, 3, 3))
    submit(p, p.mentor, RaterRole.MENTOR, (4, 2, 3, 3))
    _start, _end, rows = sel.competency_change(person=p.mentee, program=p.program)
    first = rows[0]
    assert first.competency == p.competencies[0] and first.target == 5
    assert (first.self_.before.level, first.self_.after.level, first.self_.change) == (2, 4, 2)
    assert (first.rated.before.source, first.rated.after.source, first.rated.change) == ("manager", "mentor", 2)
    assert first.rated.before.on == day(-40) and first.rated.after.on == TODAY()
    # a single self-rating is a "before" with no change yet
    assert (rows[1].self_.n, rows[1].self_.change) == (1, None)


def test_program_change_counts_the_people_behind_each_mean(active_pair):
    p = active_pair
    open_campaign(p)
    submit(p, p.mentor, RaterRole.MENTOR, (4, 2, 3, 3))
    res = sel.program_change(program=p.program)
    row = next(r for r in res["rows"] if r.competency == p.competencies[0])
    assert (row.rated_n, row.rated_before, row.rated_after, row.rated_change) == (1, 2.0, 4.0, 2.0)
    assert (row.self_n, row.self_change) == (0, None)
    assert res["people"] == 1


def test_a_mentor_paired_after_the_opening_joins_the_open_review(make_pair):
    p = make_pair("intro")
    c = open_campaign(p)
    assert not ReviewAssignment.objects.filter(review__campaign=c, role=RaterRole.MENTOR).exists()
    Mentorship.objects.filter(pk=p.mentorship.pk).update(status="active")
    assert rs.review_mentor_join(mentorship_id=p.mentorship.pk) == 1
    assert ReviewAssignment.objects.get(review__campaign=c, role=RaterRole.MENTOR).rater == p.mentor
    assert rs.review_mentor_join(mentorship_id=p.mentorship.pk) == 0  # once


def test_the_mentor_reads_the_opened_review_in_the_notification_centre(active_pair, client,
                                                                       django_capture_on_commit_callbacks):
    p = active_pair
    with django_capture_on_commit_callbacks(execute=True):
        open_campaign(p, closes=10)
    client.force_login(p.mentor.user)
    page = client.get("/notifications/").content.decode()
    assert f"Your ratings for the competency review of {p.mentee.full_name} are asked until" in page
    a = assignment(p, RaterRole.MENTOR)
    assert f"/reviews/assignments/{a.pk}/" in page
