"""GRAI review services: validation, one review per period, NUL bytes, who may write, events, and the
duties checklist turning the GRAI duty done."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.assessments import grai_services as gs
from tandem.assessments.grai_models import GraiComment, GraiReview
from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.mentorships import duties
from tandem.mentorships.models import Mentorship
from tandem.programs.models import CadenceDuty
from tests.factories import actor_of
from tests.mentorships.conftest import active_pair, make_pair

_FIXTURES = (active_pair, make_pair)  # pytest finds them by name

TEXTS = {"goal": "Close 20 tickets", "result": "Closed 17", "analysis": "Two escalations took long",
         "insight": "Ask the senior earlier"}


def _submit(p, who=None, **kw):
    who = who or p.mentee
    return gs.grai_review_submit(mentorship=p.mentorship, actor=actor_of(who), **{**TEXTS, **kw})


def test_mentee_writes_a_review_of_this_week_and_the_mentor_is_not_the_author(active_pair, django_capture_on_commit_callbacks):
    p = active_pair
    with django_capture_on_commit_callbacks() as callbacks:
        r = _submit(p)
    today = timezone.localdate()
    assert (r.author, r.side, r.cadence) == (p.mentee, "mentee", "weekly")
    assert r.period_start == today - datetime.timedelta(days=today.weekday())
    assert len(callbacks) == 1  # grai.submitted, on commit


@pytest.mark.parametrize("field", ["goal", "result", "analysis", "insight"])
def test_each_of_the_four_answers_is_required(active_pair, field):
    with pytest.raises(ValidationFailed) as exc:
        _submit(active_pair, **{field: "   "})
    assert field in exc.value.errors
    assert not GraiReview.objects.exists()


def test_a_nul_byte_or_an_overlong_answer_is_refused_and_nothing_is_saved(active_pair):
    with pytest.raises(ValidationFailed) as exc:
        _submit(active_pair, goal="a\x00b", insight="x" * 2001)
    assert set(exc.value.errors) == {"goal", "insight"}
    assert exc.value.status == 400
    assert not GraiReview.objects.exists()


def test_one_review_per_author_and_period_a_second_is_a_conflict(active_pair):
    p = active_pair
    today = timezone.localdate()
    _submit(p, period_start=today)
    monday = today - datetime.timedelta(days=today.weekday())
    with pytest.raises(Conflict) as exc:
        _submit(p, period_start=monday)  # another day of the same week
    assert exc.value.code == "grai_already_written"
    # the mentor may write their own review of the same week
    mine = _submit(p, who=p.mentor, period_start=monday)
    assert mine.side == "mentor"
    assert GraiReview.objects.count() == 2


def test_a_period_still_to_come_or_before_the_start_is_refused(active_pair):
    p = active_pair
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as exc:
        _submit(p, period_start=today + datetime.timedelta(days=8))
    assert exc.value.code == "grai_period_in_future"
    with pytest.raises(ValidationFailed) as exc:
        _submit(p, period_start=p.mentorship.started_on - datetime.timedelta(days=40))
    assert exc.value.code == "grai_period_before_start"
    with pytest.raises(ValidationFailed) as exc:
        _submit(p, period_start="not a date")
    assert "period_start" in exc.value.errors
    assert not GraiReview.objects.exists()


def test_the_program_cadence_sets_the_period(active_pair):
    p = active_pair
    CadenceDuty.objects.create(program=p.program, code="grai", name="GRAI", period="monthly",
                               requirement="grai_review", concerns="mentee")
    today = timezone.localdate()
    assert _submit(p, who=p.mentor).period_start == today.replace(day=1)
    CadenceDuty.objects.filter(program=p.program).update(params={"cadence": "daily"})
    r = _submit(p, period_start=today - datetime.timedelta(days=1))
    assert (r.cadence, r.period_start) == ("daily", today - datetime.timedelta(days=1))


def test_only_the_pair_writes_and_only_while_active(active_pair, make_person):
    p = active_pair
    for outsider in (p.owner, p.line_manager, make_person(groups=["hr_admin"])):
        with pytest.raises(Forbidden):
            _submit(p, who=outsider)
    Mentorship.objects.filter(pk=p.mentorship.pk).update(status="completed")
    p.mentorship.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        _submit(p)
    assert exc.value.code == "grai_log_not_writable"
    assert not GraiReview.objects.exists()


def test_only_the_author_changes_a_review(active_pair):
    p = active_pair
    r = _submit(p)
    with pytest.raises(Forbidden) as exc:
        gs.grai_review_update(review=r, actor=actor_of(p.mentor), insight="mine now")
    assert exc.value.code == "grai_not_your_review"
    with pytest.raises(ValidationFailed):
        gs.grai_review_update(review=r, actor=actor_of(p.mentee), insight="\x00")
    gs.grai_review_update(review=r, actor=actor_of(p.mentee), insight="Ask earlier, in writing")
    r.refresh_from_db()
    assert (r.insight, r.goal) == ("Ask earlier, in writing", TEXTS["goal"])


def test_the_mentor_comments_and_the_mentee_is_told(active_pair, django_capture_on_commit_callbacks):
    from tandem.notifications.models import Notification

    p = active_pair
    r = _submit(p)
    with django_capture_on_commit_callbacks(execute=True):
        c = gs.grai_comment_add(review=r, actor=actor_of(p.mentor), text="Good catch on the escalations.")
    assert (c.author, c.review) == (p.mentor, r)
    n = Notification.objects.filter(recipient=p.mentee, kind="grai_commented").get()
    assert n.url == f"/mentorships/{p.mentorship.pk}/grai/"
    with pytest.raises(ValidationFailed):
        gs.grai_comment_add(review=r, actor=actor_of(p.mentor), text="\x00")
    with pytest.raises(Forbidden):
        gs.grai_comment_add(review=r, actor=actor_of(p.owner), text="From the program team")
    assert GraiComment.objects.count() == 1


def test_the_grai_duty_turns_done_with_the_mentees_review(active_pair):
    p = active_pair
    CadenceDuty.objects.create(program=p.program, code="weekly_grai", name="Weekly GRAI", period="weekly",
                               requirement="grai_review", concerns="mentee")
    today = timezone.localdate()

    def this_week():
        states = [s for s in duties.checklist(p.mentorship, today=today) if s.duty_code == "weekly_grai"]
        return next(s for s in states if s.period_start <= today <= s.period_end)

    assert this_week().state == duties.DUE
    _submit(p, who=p.mentor)  # the mentor's own review is not the mentee's duty
    assert this_week().state == duties.DUE
    r = _submit(p)
    s = this_week()
    assert s.state == duties.DONE
    assert ("grai", r.pk) in s.evidence


@pytest.mark.django_db
def test_the_cohort_templates_daily_share_is_a_daily_grai_review(hr_person):
    """Source 003: the daily share (日分享) is a GRAI review with the mentor; a program made from the
    graduate cohort template asks for one each day and counts five a week."""
    from tandem.programs import services as program_services
    from tandem.programs.blueprints.catalogue import GRADUATE_COHORT

    program = program_services.program_create_from_template(
        template_code=GRADUATE_COHORT.code, name="Cohort 2027", starts_on=datetime.date(2027, 1, 4), owner=hr_person)
    duty = CadenceDuty.objects.get(program=program, requirement="grai_review")
    assert duty.params == {"cadence": "daily", "min_count": 5}
    assert gs.cadence_of(program) == "daily"
    # the cadence is a GRAI review's alone, and one of daily / weekly / monthly
    errors: dict = {}
    assert program_services.duty_params_check(errors, "grai_review", {"cadence": "hourly"}) == {}
    assert "cadence" in errors["params"][0]
    errors = {}
    program_services.duty_params_check(errors, "session", {"cadence": "daily"})
    assert "Unknown parameter" in errors["params"][0]
