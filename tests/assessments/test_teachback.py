"""Teach-back practicum: scheduling, every scoring rule, the result, attempts, ratings, gaps."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tandem.assessments import teachback_selectors as sel
from tandem.assessments import teachback_services as tbs
from tandem.assessments.errors import AssessmentErrorCode as Code
from tandem.assessments.models import CriterionScore, KnowledgeGap, TeachBack, TeachBackScore
from tandem.core.errors import ApplicationError
from tandem.people.models import CompetencyRating, CurrentLevel
from tests.assessments.conftest import build_tb_world, with_tb_helpers
from tests.factories import actor_of
from tests.shared_world import built_once


@pytest.fixture(scope="module")
def _tb_world_built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, build_tb_world)


@pytest.fixture
def tb_world(_tb_world_built, db):
    """The conftest's world, built once for this module (tests/shared_world.py); each test's writes
    are undone, and its helpers work on the test's own copy."""
    return with_tb_helpers(copy.deepcopy(_tb_world_built))


def _codes(w):
    return [c.code for c in sel.rubric_of(program=w.program)]


def _refused(fn, code):
    with pytest.raises(ApplicationError) as exc:
        fn()
    assert exc.value.code == code, exc.value.as_dict()
    assert 400 <= exc.value.status < 500
    return exc.value


def test_default_rubric_has_the_five_criteria_and_the_source_000_rules(tb_world):
    s = tbs.settings_for(tb_world.program)
    assert (s.pass_mark, s.max_attempts, s.window_hours) == (Decimal("4.50"), 3, 24)
    assert _codes(tb_world) == ["clarity", "depth", "questions", "examples", "engagement"]


def test_scheduling_offers_the_templates_days_46_48_50(tb_world):
    days = sel.offered_days(program=tb_world.program)
    assert [d.day for d in days] == [46, 48, 50]
    assert days[0].date == tb_world.program.day_date(46)
    # from the phases the program page has read already: the same days, no query
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tandem.programs.selectors import phases_of

    phases = phases_of(program=tb_world.program)
    with CaptureQueriesContext(connection) as ctx:
        assert sel.offered_days(program=tb_world.program, phases=phases) == days
    assert len(ctx.captured_queries) == 0


def test_the_program_page_shows_the_teach_back_days(client, tb_world):
    client.force_login(tb_world.owner.user)
    page = client.get(f"/programs/{tb_world.program.pk}/").content.decode()
    assert "Teach-back days:" in page and "day 46 (" in page and "day 50 (" in page


def test_attempts_are_numbered_in_order(tb_world):
    w = tb_world
    first = w.schedule(w.tom, day=46)
    second = w.schedule(w.tom, day=48)
    assert (first.attempt, second.attempt) == (1, 2)
    assert w.schedule(w.rachel, day=46).attempt == 1


def test_trainee_cannot_be_in_their_own_audience(tb_world):
    w = tb_world
    _refused(lambda: w.schedule(w.tom, audience=[w.tom, *w.learners]), Code.TRAINEE_IN_AUDIENCE)
    assert not TeachBack.objects.exists()


def test_audience_must_be_enrolled_in_the_program(tb_world):
    w = tb_world
    _refused(lambda: w.schedule(w.tom, audience=[w.outsider, *w.learners]), Code.AUDIENCE_NOT_ENROLLED)
    _refused(lambda: w.schedule(w.outsider), Code.TRAINEE_NOT_ENROLLED)
    assert not TeachBack.objects.exists()


def test_only_the_organiser_schedules(tb_world):
    w = tb_world
    for person in (w.other_pm, w.tom, w.learners[0]):
        with pytest.raises(ApplicationError) as exc:
            tbs.teachback_schedule(program=w.program, actor=actor_of(person), trainee_id=w.tom.pk, topic="x",
                                   competency_id=w.competency.pk, starts_at=w.program.starts_on, audience_ids=[])
        assert exc.value.status == 403
    assert not TeachBack.objects.exists()


@pytest.mark.parametrize("field,value", [
    ("topic", ""), ("topic", "a\x00b"), ("length_minutes", 0), ("length_minutes", 10**9),
    ("video_link", "javascript:alert(1)"), ("competency_id", 10**12),
])
def test_bad_slot_input_is_a_field_error_and_saves_nothing(tb_world, field, value):
    w = tb_world
    starts = w.at(w.schedule(w.rachel), 72)  # a valid start, later
    TeachBack.objects.all().delete()
    kw = dict(program=w.program, actor=actor_of(w.owner), trainee_id=w.tom.pk, topic="Delegation",
              competency_id=w.competency.pk, starts_at=starts, length_minutes=180, room="",
              video_link="https://meet.example.com/x", audience_ids=[p.pk for p in w.learners])
    kw[field] = value
    with pytest.raises(ApplicationError) as exc:
        tbs.teachback_schedule(**kw)
    assert exc.value.status in (400, 422)
    assert not TeachBack.objects.exists()


def test_a_start_outside_the_program_is_refused(tb_world):
    w = tb_world
    import django.utils.timezone as tz

    starts = tz.make_aware(datetime.datetime.combine(w.program.ends_on + datetime.timedelta(days=3),
                                                     datetime.time(10)))
    with pytest.raises(ApplicationError) as exc:
        tbs.teachback_schedule(program=w.program, actor=actor_of(w.owner), trainee_id=w.tom.pk, topic="x",
                               competency_id=w.competency.pk, starts_at=starts, room="R",
                               audience_ids=[w.learners[0].pk])
    assert "starts_at" in exc.value.errors


def test_audience_member_scores_once_and_the_database_agrees(tb_world):
    w = tb_world
    tb = w.schedule(w.tom)
    vals = dict.fromkeys(_codes(w), 4)
    tbs.teachback_score(teach_back=tb, actor=actor_of(w.learners[0]), values=vals, now=w.at(tb, 1))
    _refused(lambda: tbs.teachback_score(teach_back=tb, actor=actor_of(w.learners[0]), values=vals,
                                         now=w.at(tb, 2)), Code.ALREADY_SCORED)
    assert TeachBackScore.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        TeachBackScore.objects.create(teach_back=tb, scorer=w.learners[0], trainee=w.tom)


def test_nobody_scores_themself_not_even_past_the_service(tb_world):
    w = tb_world
    tb = w.schedule(w.tom)
    _refused(lambda: tbs.teachback_score(teach_back=tb, actor=actor_of(w.tom), values=dict.fromkeys(_codes(w), 5),
                                         now=w.at(tb, 1)), Code.SELF_SCORING)
    with pytest.raises(IntegrityError), transaction.atomic():
        TeachBackScore.objects.create(teach_back=tb, scorer=w.tom, trainee=w.tom)


def test_only_the_registered_audience_scores(tb_world):
    w = tb_world
    tb = w.schedule(w.tom, audience=w.learners[:3])
    for person in (w.learners[4], w.rachel, w.owner, w.hr, w.outsider):
        _refused(lambda p=person: tbs.teachback_score(teach_back=tb, actor=actor_of(p),
                                                      values=dict.fromkeys(_codes(w), 5), now=w.at(tb, 1)),
                 Code.NOT_IN_AUDIENCE)
    assert not TeachBackScore.objects.exists()


def test_scoring_opens_at_the_start_and_closes_after_the_window(tb_world):
    w = tb_world
    tb = w.schedule(w.tom)
    vals = dict.fromkeys(_codes(w), 4)
    _refused(lambda: tbs.teachback_score(teach_back=tb, actor=actor_of(w.learners[0]), values=vals,
                                         now=w.at(tb, -0.5)), Code.SCORING_NOT_OPEN)
    # the end is 3 h after the start, the window 24 h after that
    tbs.teachback_score(teach_back=tb, actor=actor_of(w.learners[1]), values=vals, now=w.at(tb, 26.9))
    _refused(lambda: tbs.teachback_score(teach_back=tb, actor=actor_of(w.learners[2]), values=vals,
                                         now=w.at(tb, 27.1)), Code.SCORING_CLOSED)
    assert TeachBackScore.objects.count() == 1


@pytest.mark.parametrize("bad", [0, 6, -1, 10**9, "5.0", None, True, "x\x00"])
def test_every_criterion_is_scored_from_1_to_5(tb_world, bad):
    w = tb_world
    tb = w.schedule(w.tom)
    vals = dict.fromkeys(_codes(w), 4)
    vals["depth"] = bad
    with pytest.raises(ApplicationError) as exc:
        tbs.teachback_score(teach_back=tb, actor=actor_of(w.learners[0]), values=vals, now=w.at(tb, 1))
    assert exc.value.status == 400 and "depth" in exc.value.errors
    assert not TeachBackScore.objects.exists() and not CriterionScore.objects.exists()


def test_a_missing_or_unknown_criterion_is_refused(tb_world):
    w = tb_world
    tb = w.schedule(w.tom)
    vals = dict.fromkeys(_codes(w)[:-1], 4)
    with pytest.raises(ApplicationError) as exc:
        tbs.teachback_score(teach_back=tb, actor=actor_of(w.learners[0]), values={**vals, "charm": 5},
                            now=w.at(tb, 1))
    assert {"engagement", "charm"} <= set(exc.value.errors)
    assert not TeachBackScore.objects.exists()


def test_result_is_the_mean_of_criteria_means_and_tom_fails_with_3_2(tb_world):
    w = tb_world
    tb = w.schedule(w.tom)
    codes = _codes(w)
    # criteria means 3, 3, 3, 3, 4 → 3.2
    per = [{**dict.fromkeys(codes, 3), "engagement": 4}] * 6
    w.score_all(tb, per)
    tb.refresh_from_db()  # everyone scored: final at once
    assert tb.status == "failed" and tb.mean == Decimal("3.20") and not tb.last_attempt
    assert not CompetencyRating.objects.filter(person=w.tom, source="assessment").exists()


def test_result_waits_for_the_window_when_not_everyone_scored(tb_world):
    w = tb_world
    tb = w.schedule(w.rachel)
    w.score_all(tb, [5, 5])
    r = sel.result_of(teach_back=tb, now=w.at(tb, 5))
    assert not r.final and r.mean == Decimal("5.00") and r.passed is None
    r = sel.result_of(teach_back=tb, now=w.at(tb, 28))
    assert r.final and r.passed


def test_rachel_passes_on_the_third_attempt_and_gets_an_assessment_rating(tb_world):
    w = tb_world
    codes = _codes(w)
    results = []
    for day, scores in ((46, [4, 4, 4, 4, 5]), (48, [4, 4, 5, 4, 5]), (50, [5, 5, 4, 5, 4])):
        tb = w.schedule(w.rachel, day=day)
        w.score_all(tb, [dict(zip(codes, scores, strict=True))] * 6)
        tb.refresh_from_db()
        results.append((tb.attempt, tb.status, tb.mean))
    assert results == [(1, "failed", Decimal("4.20")), (2, "failed", Decimal("4.40")), (3, "passed", Decimal("4.60"))]
    rating = CompetencyRating.objects.get(person=w.rachel, competency=w.competency)
    assert (rating.source, rating.level) == ("assessment", 5)
    assert CurrentLevel.objects.get(person=w.rachel, competency=w.competency).level == 5


def test_a_pass_cancels_later_attempts_and_no_more_are_scheduled(tb_world):
    w = tb_world
    first, second = w.schedule(w.rachel, day=46), w.schedule(w.rachel, day=48)
    w.score_all(first, [5] * 6)
    second.refresh_from_db()
    assert second.status == "cancelled"
    _refused(lambda: w.schedule(w.rachel, day=50), Code.ALREADY_PASSED)


def test_a_failed_last_attempt_flags_the_trainee_and_ends_the_attempts(tb_world, django_capture_on_commit_callbacks):
    from tandem.core import events

    w = tb_world
    heard = []
    events.subscribe("teachback.result", lambda **kw: heard.append(kw))
    try:
        for day in (46, 48, 50):
            tb = w.schedule(w.tom, day=day)
            with django_capture_on_commit_callbacks(execute=True):
                w.score_all(tb, [3] * 6)
    finally:
        events._subscribers["teachback.result"].clear()
    tb.refresh_from_db()
    assert tb.last_attempt and tb.status == "failed"
    assert heard[-1]["final_failure"] is True and heard[-1]["trainee_id"] == w.tom.pk
    assert [h["final_failure"] for h in heard] == [False, False, True]
    assert list(sel.flagged_trainees(program=w.program)) == [tb]
    _refused(lambda: w.schedule(w.tom, day=50, hour=16), Code.ATTEMPTS_EXHAUSTED)


def test_unanswered_question_becomes_a_gap_on_the_trainees_study_list(tb_world):
    w = tb_world
    tb = w.schedule(w.tom)
    tbs.teachback_question_log(teach_back=tb, actor=actor_of(w.learners[0]), text="What about remote teams?",
                               unanswered=True, now=w.at(tb, 1))
    tbs.teachback_question_log(teach_back=tb, actor=actor_of(w.tom), text="Why delegate?", now=w.at(tb, 1))
    gaps = list(sel.gaps_of(person=w.tom))
    assert [(g.text, g.competency_id) for g in gaps] == [("What about remote teams?", w.competency.pk)]
    # outsiders and a closed window are refused
    _refused(lambda: tbs.teachback_question_log(teach_back=tb, actor=actor_of(w.outsider), text="?",
                                                now=w.at(tb, 1)), Code.NOT_A_PARTICIPANT)
    _refused(lambda: tbs.teachback_question_log(teach_back=tb, actor=actor_of(w.learners[0]), text="?",
                                                now=w.at(tb, 40)), Code.QUESTIONS_CLOSED)
    assert KnowledgeGap.objects.count() == 1


def test_cancelled_teach_back_takes_no_scores(tb_world):
    w = tb_world
    tb = w.schedule(w.tom)
    tbs.teachback_cancel(teach_back=tb, actor=actor_of(w.owner), now=w.at(tb, -2))
    _refused(lambda: tbs.teachback_score(teach_back=tb, actor=actor_of(w.learners[0]),
                                         values=dict.fromkeys(_codes(w), 4), now=w.at(tb, 1)),
             Code.TEACH_BACK_CANCELLED)
    # the attempt number is free again
    assert w.schedule(w.tom, day=48).attempt == 1


def test_rubric_is_editable_until_a_criterion_is_scored(tb_world):
    w = tb_world
    owner = actor_of(w.owner)
    c = tbs.rubric_criterion_add(program=w.program, actor=owner, name="Timing")
    tbs.rubric_criterion_rename(criterion=c, actor=owner, name="Time keeping")
    tb = w.schedule(w.tom)
    w.score_all(tb, [4])
    depth = sel.rubric_of(program=w.program)[1]
    _refused(lambda: tbs.rubric_criterion_remove(criterion=depth, actor=owner), Code.CRITERION_IN_USE)
    assert len(sel.rubric_of(program=w.program)) == 6
    with pytest.raises(ApplicationError):
        tbs.rubric_criterion_add(program=w.program, actor=actor_of(w.learners[0]), name="Charm")
