"""The duties checklist follows the coaching log (tandem.mentorships.duties): states are computed,
never ticked. The pair's mentorship is set to have started on a fixed day and ``today`` is given,
so the periods are the same whenever the tests run."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.mentorships import duties, log_services
from tandem.mentorships.log_models import Session, SessionFeedback, SessionStatus
from tandem.mentorships.models import Mentorship
from tandem.people.models import CompetencyRating, RatingSource
from tandem.programs.models import CadenceDuty
from tests.factories import TopicFactory, actor_of

D = datetime.date
START = D(2026, 9, 15)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


@pytest.fixture
def pair(active_pair):
    Mentorship.objects.filter(pk=active_pair.mentorship.pk).update(started_on=START)
    active_pair.mentorship.refresh_from_db()
    return active_pair


def duty(p, code="monthly_in_depth", *, period="monthly", requirement="session_in_depth", required=True,
         concerns="mentor", **params):
    return CadenceDuty.objects.create(program=p.program, code=code, name=code.replace("_", " "), period=period,
                                      requirement=requirement, required=required, concerns=concerns, params=params)


def session(p, day, *, advice="Try the 5 whys.", questions="How do I start?", topic=True, status="held", minutes=60):
    s = Session.objects.create(mentorship=p.mentorship, starts_at=at(day), duration_minutes=minutes,
                               questions=questions, advice=advice, status=status)
    if topic:
        s.topics.add(TopicFactory())
    return s


def states(p, today, code=None):
    rows = duties.checklist(p.mentorship, today=today)
    return {(s.period_start, s.period_end): s for s in rows if code is None or s.duty_code == code}


def test_periods_are_calendar_months_with_the_first_cut_to_the_start():
    assert duties.periods("monthly", START, D(2026, 11, 20)) == [
        (D(2026, 9, 15), D(2026, 9, 30)), (D(2026, 10, 1), D(2026, 10, 31)), (D(2026, 11, 1), D(2026, 11, 20))]
    assert duties.periods("quarterly", D(2026, 8, 1), D(2027, 3, 31)) == [
        (D(2026, 8, 1), D(2026, 9, 30)), (D(2026, 10, 1), D(2026, 12, 31)), (D(2027, 1, 1), D(2027, 3, 31))]
    assert duties.periods("weekly", D(2026, 11, 4), D(2026, 11, 20))[0] == (D(2026, 11, 4), D(2026, 11, 8))
    # years are the pairing's own: one yearly case in a 12-month pairing that starts in September
    assert duties.periods("yearly", START, D(2027, 9, 14)) == [(START, D(2027, 9, 14))]
    assert duties.periods("once", START, D(2027, 3, 1)) == [(START, D(2027, 3, 1))]


def test_a_stub_shorter_than_half_a_period_joins_its_neighbour():
    # started on 25 November: November's six days go with December
    assert duties.periods("monthly", D(2026, 11, 25), D(2027, 1, 31)) == [
        (D(2026, 11, 25), D(2026, 12, 31)), (D(2027, 1, 1), D(2027, 1, 31))]
    # the term ends on 3 February: those three days go with January
    assert duties.periods("monthly", D(2026, 12, 1), D(2027, 2, 3))[-1] == (D(2027, 1, 1), D(2027, 2, 3))
    # a quarter's first 16 days go with the next quarter
    assert duties.periods("quarterly", START, D(2027, 3, 31))[0] == (START, D(2026, 12, 31))


def test_a_pair_active_past_its_term_keeps_full_periods_to_today():
    # open-ended: the current month is the whole month, not cut at today, and not joined to the last
    assert duties.periods("monthly", START, D(2027, 2, 2), open_end=True)[-1] == (D(2027, 2, 1), D(2027, 2, 28))


def test_no_session_this_month_is_due_and_overdue_once_the_month_is_over(pair):
    # given a monthly in-depth duty and no session at all
    duty(pair)
    # when November runs, then it is due; September and October went by without one: overdue
    now = states(pair, D(2026, 11, 10))
    assert now[(D(2026, 11, 1), D(2026, 11, 30))].state == duties.DUE
    assert now[(D(2026, 10, 1), D(2026, 10, 31))].state == duties.OVERDUE
    assert now[(D(2026, 12, 1), D(2026, 12, 31))].state == duties.UPCOMING
    # and once November is over, November is overdue too
    later = states(pair, D(2026, 12, 2))
    assert later[(D(2026, 11, 1), D(2026, 11, 30))].state == duties.OVERDUE


def test_a_held_session_without_advice_does_not_count_for_the_in_depth_duty(pair):
    duty(pair)
    session(pair, D(2026, 11, 5), advice="")
    assert states(pair, D(2026, 11, 10))[(D(2026, 11, 1), D(2026, 11, 30))].state == duties.DUE


@pytest.mark.parametrize("missing", ["questions", "topic"])
def test_a_session_without_questions_or_topic_does_not_count_either(pair, missing):
    duty(pair)
    session(pair, D(2026, 11, 5), **({"questions": ""} if missing == "questions" else {"topic": False}))
    assert states(pair, D(2026, 11, 10))[(D(2026, 11, 1), D(2026, 11, 30))].state == duties.DUE


def test_a_held_session_with_topic_questions_and_advice_makes_the_month_done(pair):
    duty(pair)
    s = session(pair, D(2026, 11, 5))
    november = states(pair, D(2026, 11, 10))[(D(2026, 11, 1), D(2026, 11, 30))]
    assert november.state == duties.DONE
    assert november.count == 1 and november.needed == 1
    assert november.evidence == (("session", s.pk),)


@pytest.mark.parametrize("status", [SessionStatus.SCHEDULED, SessionStatus.CANCELLED, SessionStatus.MISSED])
def test_a_session_not_held_does_not_count(pair, status):
    duty(pair, "monthly_session", requirement="session")
    session(pair, D(2026, 11, 5), status=status)
    assert states(pair, D(2026, 11, 10))[(D(2026, 11, 1), D(2026, 11, 30))].state == duties.DUE


def test_a_session_shorter_than_min_minutes_does_not_count(pair):
    duty(pair, "weekly_session", period="weekly", requirement="session", concerns="pair", min_minutes=90)
    session(pair, D(2026, 11, 3), minutes=60)  # week of 2 November
    session(pair, D(2026, 11, 10), minutes=90)  # week of 9 November
    s = states(pair, D(2026, 11, 12))
    assert s[(D(2026, 11, 2), D(2026, 11, 8))].state == duties.OVERDUE
    assert s[(D(2026, 11, 9), D(2026, 11, 15))].state == duties.DONE


def test_min_count_needs_that_many_sessions(pair):
    duty(pair, "two_a_month", requirement="session", min_count=2)
    session(pair, D(2026, 11, 3))
    nov = (D(2026, 11, 1), D(2026, 11, 30))
    assert states(pair, D(2026, 11, 10))[nov].state == duties.DUE
    session(pair, D(2026, 11, 9))
    assert states(pair, D(2026, 11, 10))[nov].state == duties.DONE


def test_the_duty_turns_done_when_the_mentor_records_advice_through_the_log(active_pair):
    # the real services, with the pair's real start (30 days ago) and today
    p = active_pair
    duty(p)
    topic = TopicFactory()
    when = timezone.now() - datetime.timedelta(hours=3)
    s = log_services.session_schedule(mentorship=p.mentorship, actor=actor_of(p.mentee), starts_at=when,
                                      topics=[topic.code], questions="How do I prepare a design review?")
    log_services.session_update(session=s, actor=actor_of(p.mentor), status="held")

    def this_period():
        today = timezone.localdate()
        return next(x for x in duties.checklist(p.mentorship, today=today)
                    if x.period_start <= timezone.localtime(when, timezone.get_default_timezone()).date() <= x.period_end)

    assert this_period().state in (duties.DUE, duties.OVERDUE)  # held, but no advice yet
    log_services.session_update(session=s, actor=actor_of(p.mentor), advice="Start from the failure modes.")
    assert this_period().state == duties.DONE


def test_a_mentor_rating_in_the_quarter_satisfies_the_assessment_duty(pair):
    duty(pair, "quarterly_assessment", period="quarterly", requirement="mentor_assessment")
    q4 = (START, D(2026, 12, 31))  # September's 16 days go with Q4
    assert states(pair, D(2026, 11, 10))[q4].state == duties.DUE
    for comp in pair.competencies[:2]:  # two competencies rated the same day: one assessment
        CompetencyRating.objects.create(person=pair.mentee, competency=comp, level=3, source=RatingSource.MENTOR,
                                        rated_by=pair.mentor, rated_on=D(2026, 11, 2))
    s = states(pair, D(2026, 11, 10))
    assert s[q4].state == duties.DONE and s[q4].count == 1 and len(s[q4].evidence) == 2
    # the next quarter owes its own
    nxt = next(x for x in duties.checklist(pair.mentorship, today=D(2026, 11, 10)) if x.period_start == D(2027, 1, 1))
    assert nxt.state == duties.UPCOMING


def test_a_rating_by_someone_else_does_not_satisfy_the_mentor_assessment(pair):
    duty(pair, "quarterly_assessment", period="quarterly", requirement="mentor_assessment")
    CompetencyRating.objects.create(person=pair.mentee, competency=pair.competencies[0], level=3,
                                    source=RatingSource.MANAGER, rated_by=pair.line_manager, rated_on=D(2026, 11, 2))
    CompetencyRating.objects.create(person=pair.mentee, competency=pair.competencies[0], level=3,
                                    source=RatingSource.MENTOR, rated_by=pair.line_manager, rated_on=D(2026, 11, 3))
    assert states(pair, D(2026, 11, 10))[(START, D(2026, 12, 31))].state == duties.DUE


def test_a_self_rating_by_the_mentee_satisfies_the_self_assessment(pair):
    duty(pair, "self_check", period="quarterly", requirement="self_assessment", concerns="mentee")
    CompetencyRating.objects.create(person=pair.mentee, competency=pair.competencies[0], level=3,
                                    source=RatingSource.SELF, rated_by=pair.mentee, rated_on=D(2026, 10, 20))
    assert states(pair, D(2026, 11, 10))[(START, D(2026, 12, 31))].state == duties.DONE


def test_feedback_counts_only_for_the_side_it_concerns(pair):
    duty(pair, "mentor_feedback", requirement="feedback", concerns="mentor")
    duty(pair, "pair_feedback", requirement="feedback", concerns="pair")
    s = session(pair, D(2026, 11, 3))
    SessionFeedback.objects.create(session=s, side="mentee", author=pair.mentee, rating=5, created_at=at(D(2026, 11, 4)))
    nov = (D(2026, 11, 1), D(2026, 11, 30))
    assert states(pair, D(2026, 11, 10), "mentor_feedback")[nov].state == duties.DUE
    assert states(pair, D(2026, 11, 10), "pair_feedback")[nov].state == duties.DUE
    SessionFeedback.objects.create(session=s, side="mentor", author=pair.mentor, rating=4, created_at=at(D(2026, 11, 5)))
    assert states(pair, D(2026, 11, 10), "mentor_feedback")[nov].state == duties.DONE
    assert states(pair, D(2026, 11, 10), "pair_feedback")[nov].state == duties.DONE


def test_a_link_the_mentor_shares_in_the_log_meets_the_resource_duty(pair):
    # given a monthly "recommend a resource" suggestion for the mentor
    from tandem.mentorships import library_services
    from tandem.mentorships.library_models import Resource

    duty(pair, "recommend", requirement="resource_shared", required=False, concerns="mentor")
    nov = (D(2026, 11, 1), D(2026, 11, 30))
    # a link the mentee shares is not the mentor's recommendation
    library_services.resource_share(mentorship=pair.mentorship, actor=actor_of(pair.mentee),
                                    title="My notes", url="https://example.org/notes")
    Resource.objects.update(created_at=at(D(2026, 11, 4)))
    assert states(pair, D(2026, 11, 10), "recommend")[nov].state == duties.SUGGESTED
    # when the mentor shares one through the log, November's period is done
    r = library_services.resource_share(mentorship=pair.mentorship, actor=actor_of(pair.mentor),
                                        title="Negotiation checklist", url="https://example.org/checklist")
    Resource.objects.filter(pk=r.pk).update(created_at=at(D(2026, 11, 5)))
    row = states(pair, D(2026, 11, 10), "recommend")[nov]
    assert row.state == duties.DONE and row.evidence == (("resource", r.pk),)


def test_suggestions_are_never_overdue(pair):
    duty(pair, "share_session", requirement="session", required=False)
    session(pair, D(2026, 10, 7))
    s = states(pair, D(2026, 11, 10))
    assert s[(START, D(2026, 9, 30))].state == duties.SUGGESTED and s[(START, D(2026, 9, 30))].missed
    assert s[(D(2026, 10, 1), D(2026, 10, 31))].state == duties.DONE
    assert s[(D(2026, 11, 1), D(2026, 11, 30))].state == duties.SUGGESTED
    assert not any(x.state in (duties.OVERDUE, duties.DUE, duties.UPCOMING) for x in s.values())


def test_an_unregistered_requirement_is_not_tracked_rather_than_faked(pair):
    duty(pair, "yearly_case", period="yearly", requirement="shared_case")
    rows = duties.checklist(pair.mentorship, today=D(2026, 11, 10))
    assert rows and {r.state for r in rows} == {duties.UNTRACKED}


def test_a_registered_evaluator_is_used(pair, monkeypatch):
    # given another app registers how "contact_brokered" is met
    monkeypatch.setattr(duties, "_REGISTRY", dict(duties._REGISTRY))

    def brokered(ms, start, end):
        return {m.pk: [duties.Evidence(kind="contact", id=7, on=D(2026, 10, 2), side="mentor")] for m in ms}

    duties.register_requirement("contact_brokered", brokered)
    duty(pair, "broker", period="yearly", requirement="contact_brokered")
    (row,) = duties.checklist(pair.mentorship, today=D(2026, 11, 10))
    assert row.state == duties.DONE and row.evidence == (("contact", 7),)


def test_ended_pairs_stop_accruing(pair):
    duty(pair)
    Mentorship.objects.filter(pk=pair.mentorship.pk).update(status="completed", ended_on=D(2026, 10, 20))
    pair.mentorship.refresh_from_db()
    rows = duties.checklist(pair.mentorship, today=D(2027, 3, 1))
    assert [(r.period_start, r.period_end) for r in rows] == [(START, D(2026, 9, 30)), (D(2026, 10, 1), D(2026, 10, 20))]
    assert list(duties.due_and_overdue(today=D(2027, 3, 1))) == []


@pytest.mark.parametrize("status", ["requested", "intro", "agreement"])
def test_a_pair_that_has_not_started_owes_nothing(make_pair, status):
    p = make_pair(status)
    duty(p)
    assert duties.checklist(p.mentorship, today=D(2026, 11, 10)) == []


def test_periods_run_to_the_end_of_the_term(pair):
    duty(pair)
    rows = duties.checklist(pair.mentorship, today=D(2026, 11, 10))
    assert rows[-1].period_end == pair.agreement.ends_on


def test_due_and_overdue_lists_the_current_due_and_the_period_just_gone_overdue(pair):
    duty(pair)
    duty(pair, "suggestion", requirement="session", required=False)
    got = [(mid, s.duty_code, s.period_start, s.state) for mid, s in duties.due_and_overdue(today=D(2026, 11, 10))]
    assert got == [(pair.mentorship.pk, "monthly_in_depth", D(2026, 10, 1), duties.OVERDUE),
                   (pair.mentorship.pk, "monthly_in_depth", D(2026, 11, 1), duties.DUE)]


def test_headline_prefers_the_overdue_period_just_gone_by(pair):
    duty(pair)
    (head,) = duties.headline(duties.checklist(pair.mentorship, today=D(2026, 11, 10)))
    assert head.state == duties.OVERDUE and head.period_start == D(2026, 10, 1)
    session(pair, D(2026, 11, 4))
    (head,) = duties.headline(duties.checklist(pair.mentorship, today=D(2026, 11, 10)))
    assert head.state == duties.DONE and head.period_start == D(2026, 11, 1)


@pytest.mark.parametrize("zone, counts_for", [("UTC", D(2026, 10, 1)), ("Asia/Shanghai", D(2026, 11, 1))])
def test_a_session_counts_for_the_day_it_was_held_in_the_organisations_zone(pair, settings, zone, counts_for):
    # given: the organisation's zone, and a session held at 20:00 UTC on 31 October — 04:00 on
    # 1 November in Shanghai (the day is computed by the database, in that zone)
    settings.TIME_ZONE = zone
    duty(pair, "monthly_session", requirement="session")
    Session.objects.create(mentorship=pair.mentorship, starts_at=at(D(2026, 10, 31), hour=20), duration_minutes=60,
                           status=SessionStatus.HELD)
    # when
    rows = states(pair, D(2026, 11, 20), "monthly_session")
    # then: it is the session of October in UTC, of November in Shanghai
    done = [period for period, s in rows.items() if s.state == "done"]
    assert [start for start, _end in done] == [counts_for]
