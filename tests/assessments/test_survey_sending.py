"""Surveys sent by themselves (a program's survey milestones, a pair's N-th held session), once each;
the recipients told in their language; one reminder, only to those who have not answered."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.assessments import survey_services as svc
from tandem.assessments.models import Survey, SurveySchedule, SurveyTemplate
from tandem.core.errors import ApplicationError, Forbidden, ValidationFailed
from tandem.mentorships import log_services
from tandem.notifications.models import Notification, NotificationKind, NotificationPreference
from tandem.notifications.reminders import reminders_send
from tandem.programs.models import MilestoneKind, Phase, ProgramMilestone
from tests.factories import actor_of


def tpl(code):
    return SurveyTemplate.objects.get(code=code)


@pytest.fixture
def milestone(survey_world):
    """A survey milestone on the program's day 121: today (the program started 120 days ago)."""
    w = survey_world
    phase = Phase.objects.create(program=w.program, order=1, name="Middle", start_day=1, end_day=240)
    return ProgramMilestone.objects.create(phase=phase, name="Mid-point survey", kind=MilestoneKind.SURVEY,
                                           due_day=w.program.day_of(timezone.localdate()))


def schedule(w, code="participant_satisfaction", **kw):
    return svc.survey_schedule_add(program=w.program, actor=actor_of(w.owner), template=tpl(code), **kw)


def hold_session(pair, hours_ago=3):
    s = log_services.session_schedule(mentorship=pair, actor=actor_of(pair.mentee),
                                      starts_at=timezone.now() - datetime.timedelta(hours=hours_ago))
    log_services.session_update(session=s, actor=actor_of(pair.mentor), status="held")
    return s


def test_a_milestone_survey_is_sent_on_its_day_to_everyone_enrolled_and_only_once(survey_world, milestone):
    # given
    w = survey_world
    sch = schedule(w, milestone_id=milestone.pk, open_days=10)
    # when
    first = svc.surveys_due()
    second = svc.surveys_due()
    # then
    assert len(first) == 1 and second == []
    s = Survey.objects.get(pk=first[0])
    assert s.schedule_id == sch.pk and s.mentorship_id is None and s.sent_by_id is None
    assert s.recipients.count() == 10  # 8 mentees and 2 mentors
    assert timezone.localdate(s.closes_at) == timezone.localdate() + datetime.timedelta(days=10)


def test_a_milestone_survey_waits_for_its_day_and_is_caught_up_while_it_would_be_open(survey_world, milestone):
    w = survey_world
    schedule(w, milestone_id=milestone.pk, open_days=5)
    now = timezone.now()
    assert svc.surveys_due(now=now - datetime.timedelta(days=1)) == []  # the day before
    assert svc.surveys_due(now=now + datetime.timedelta(days=6)) == []  # it would have closed already
    assert len(svc.surveys_due(now=now + datetime.timedelta(days=3))) == 1  # a missed day, caught up


def test_the_database_refuses_a_second_sending_of_a_schedule(survey_world, milestone):
    w = survey_world
    sch = schedule(w, milestone_id=milestone.pk)
    svc.surveys_due()
    s = Survey.objects.get(schedule=sch)
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(version=s.version, program=w.program, closes_at=s.closes_at, schedule=sch)


def test_after_the_nth_held_session_the_mentee_rates_their_mentor_once(survey_world, django_capture_on_commit_callbacks):
    w = survey_world
    pair = w.pairs[0]
    schedule(w, "mentor_effectiveness", after_sessions=2)
    with django_capture_on_commit_callbacks(execute=True):
        hold_session(pair, hours_ago=30)
    assert not Survey.objects.filter(mentorship=pair).exists()  # one session is not enough
    with django_capture_on_commit_callbacks(execute=True):
        hold_session(pair, hours_ago=3)
    s = Survey.objects.get(mentorship=pair)
    r = s.recipients.get()
    assert (r.person_id, r.subject_id) == (pair.mentee_id, pair.mentor_id)
    with django_capture_on_commit_callbacks(execute=True):
        hold_session(pair, hours_ago=2)
    assert svc.surveys_due() == []  # the daily job does not send it again either
    assert Survey.objects.filter(mentorship=pair).count() == 1
    assert not Survey.objects.filter(mentorship=w.pairs[1]).exists()  # other pairs have held no session


def test_the_daily_job_catches_up_pairs_whose_sessions_were_held_before_the_schedule(survey_world):
    w = survey_world
    hold_session(w.pairs[2])  # no callbacks run: as if the event had been missed
    schedule(w, "mentor_effectiveness", after_sessions=1)
    sent = svc.surveys_due()
    assert [Survey.objects.get(pk=pk).mentorship_id for pk in sent] == [w.pairs[2].pk]


@pytest.mark.parametrize("kw,field", [
    ({}, "milestone"),
    ({"after_sessions": 0}, "after_sessions"),
    ({"after_sessions": "x"}, "after_sessions"),
    ({"after_sessions": 2, "open_days": 91}, "open_days"),
    ({"milestone_id": 10**9}, "milestone"),
])
def test_a_schedule_must_say_when(survey_world, kw, field):
    with pytest.raises(ValidationFailed) as e:
        schedule(survey_world, **kw)
    assert field in e.value.errors
    assert not SurveySchedule.objects.exists()


def test_a_schedule_needs_a_survey_milestone_of_this_program(survey_world, milestone):
    ProgramMilestone.objects.filter(pk=milestone.pk).update(kind=MilestoneKind.CHECKPOINT)
    with pytest.raises(ValidationFailed) as e:
        schedule(survey_world, milestone_id=milestone.pk)
    assert "milestone" in e.value.errors


def test_a_milestone_and_a_session_count_together_are_refused(survey_world, milestone):
    with pytest.raises(ValidationFailed):
        schedule(survey_world, milestone_id=milestone.pk, after_sessions=2)


def test_scheduling_the_same_survey_twice_is_a_conflict(survey_world, milestone):
    schedule(survey_world, milestone_id=milestone.pk)
    with pytest.raises(ApplicationError) as e:
        schedule(survey_world, milestone_id=milestone.pk)
    assert e.value.status == 409


def test_only_the_program_team_schedules(survey_world):
    w = survey_world
    for person in (w.other_pm, w.mentees[0], w.outsider):
        with pytest.raises(Forbidden):
            svc.survey_schedule_add(program=w.program, actor=actor_of(person), template=tpl("program_nps"),
                                    after_sessions=1)
    svc.survey_schedule_add(program=w.program, actor=actor_of(w.hr), template=tpl("program_nps"), after_sessions=1)


def test_removing_a_schedule_stops_sending_and_keeps_what_was_sent(survey_world, milestone):
    w = survey_world
    sch = schedule(w, milestone_id=milestone.pk)
    [sent] = svc.surveys_due()
    svc.survey_schedule_remove(schedule=sch, actor=actor_of(w.owner))
    assert Survey.objects.filter(pk=sent).exists()


# -- telling people ---------------------------------------------------------------------------------


def test_each_recipient_is_told_once_in_their_own_language(survey_world, django_capture_on_commit_callbacks):
    w = survey_world
    ru, zh = w.mentees[0], w.mentees[1]
    NotificationPreference.objects.create(person=ru, language="ru")
    NotificationPreference.objects.create(person=zh, language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        s = svc.survey_send(template=tpl("participant_satisfaction"), actor=actor_of(w.owner), program=w.program)
    told = Notification.objects.filter(kind=NotificationKind.SURVEY_OPENED, object_id=s.pk)
    assert told.count() == 10
    assert told.get(recipient=ru).params == {"title": "Удовлетворённость участников",
                                             "due": timezone.localdate(s.closes_at).isoformat()}
    assert told.get(recipient=zh).params["title"] == "参与者满意度"
    assert told.get(recipient=w.mentees[2]).params["title"] == "Participant satisfaction"
    assert told.get(recipient=ru).url == f"/surveys/{s.pk}/"
    assert svc.survey_sent_notify(survey_id=s.pk) == 0  # once


def test_a_scheduled_survey_tells_its_recipients_too(survey_world, milestone, django_capture_on_commit_callbacks):
    w = survey_world
    schedule(w, milestone_id=milestone.pk)
    with django_capture_on_commit_callbacks(execute=True):
        [sid] = svc.surveys_due()
    assert Notification.objects.filter(kind=NotificationKind.SURVEY_OPENED, object_id=sid).count() == 10


def test_one_reminder_before_closing_and_only_to_those_who_have_not_answered(survey_world):
    w = survey_world
    sent = timezone.now() - datetime.timedelta(days=10)
    s = svc.survey_send(template=tpl("program_nps"), actor=actor_of(w.owner), program=w.program, now=sent,
                        closes_at=sent + datetime.timedelta(days=14))
    for p in w.mentees[:3]:
        svc.survey_respond(survey=s, actor=actor_of(p), answers={"recommend": 8}, now=sent)
    waiting = Notification.objects.filter(kind=NotificationKind.SURVEY_WAITING, object_id=s.pk)
    # 5 days before closing: too early
    reminders_send(now=s.closes_at - datetime.timedelta(days=5))
    assert not waiting.exists()
    # 2 days before: the 7 who have not answered, once
    reminders_send(now=s.closes_at - datetime.timedelta(days=2))
    reminders_send(now=s.closes_at - datetime.timedelta(days=1))
    assert waiting.count() == 7
    assert not waiting.filter(recipient__in=w.mentees[:3]).exists()
    assert waiting.filter(recipient=w.mentor_a).get().params["due"] == timezone.localdate(s.closes_at).isoformat()


def test_a_short_survey_is_reminded_halfway(survey_world):
    w = survey_world
    sent = timezone.now()
    s = svc.survey_send(template=tpl("program_nps"), actor=actor_of(w.owner), program=w.program, now=sent,
                        closes_at=sent + datetime.timedelta(days=2))
    waiting = Notification.objects.filter(kind=NotificationKind.SURVEY_WAITING, object_id=s.pk)
    reminders_send(now=sent + datetime.timedelta(hours=20))
    assert not waiting.exists()
    reminders_send(now=sent + datetime.timedelta(hours=25))
    assert waiting.count() == 10


def test_a_closed_survey_is_not_reminded(survey_world):
    w = survey_world
    sent = timezone.now() - datetime.timedelta(days=12)
    s = svc.survey_send(template=tpl("program_nps"), actor=actor_of(w.owner), program=w.program, now=sent,
                        closes_at=sent + datetime.timedelta(days=14))
    svc.survey_close(survey=s, actor=actor_of(w.owner))
    reminders_send()
    assert not Notification.objects.filter(kind=NotificationKind.SURVEY_WAITING).exists()


def test_the_demo_schedules_surveys_at_the_programs_survey_milestones_and_after_sessions_once(db, make_person):
    from tandem.assessments import demo
    from tandem.programs.services import program_create_from_template

    owner = make_person(groups=["program_manager"])
    program = program_create_from_template(template_code="classic_12m", name="Classic", owner=owner,
                                           starts_on=timezone.localdate() - datetime.timedelta(days=10))
    milestones = ProgramMilestone.objects.filter(phase__program=program, kind=MilestoneKind.SURVEY).count()
    tpls = {t.code: t for t in SurveyTemplate.objects.all()}
    demo._schedules(program, actor_of(owner), tpls)
    demo._schedules(program, actor_of(owner), tpls)  # seeding twice adds nothing
    schedules = SurveySchedule.objects.filter(program=program)
    assert milestones >= 1
    assert schedules.filter(milestone__isnull=False).count() == milestones
    assert list(schedules.filter(after_sessions__isnull=False).values_list("after_sessions", flat=True)) == [3]


# -- a schedule's results across its one-mentee surveys ------------------------------------------

ME = {"listens": 4, "advice": 5, "available": 4, "overall": 5, "comment": "PRIVATE-COMMENT"}


def _after_session_round(w, answering, *, mentor_for_all=None):
    from tandem.assessments import survey_selectors as sel
    from tandem.mentorships.models import Mentorship

    if mentor_for_all is not None:
        Mentorship.objects.filter(pk__in=[p.pk for p in w.pairs]).update(mentor=mentor_for_all)
        for p in w.pairs:
            p.refresh_from_db()
    sch = schedule(w, "mentor_effectiveness", after_sessions=1, open_days=5)
    for pair in w.pairs:
        hold_session(pair)
    sent = timezone.now()
    ids = svc.surveys_due(now=sent)
    assert len(ids) == 8
    for s in Survey.objects.filter(pk__in=ids).select_related("mentorship"):
        if s.mentorship.mentee in answering:
            svc.survey_respond(survey=s, actor=actor_of(s.mentorship.mentee), answers=ME, now=sent)
    later = sent + datetime.timedelta(days=62)  # every survey closed before the start of that month
    return sch, sel, later


def test_one_mentee_surveys_are_shown_together_from_the_threshold_of_people(survey_world):
    w = survey_world
    sch, sel, later = _after_session_round(w, w.mentees[:4])
    res = sel.schedule_results(schedule=sch, now=later)
    assert res["shown"] is False and res["n_people"] == 4 and "questions" not in res


def test_a_schedules_results_count_only_surveys_closed_before_this_month(survey_world):
    w = survey_world
    sch, sel, later = _after_session_round(w, w.mentees)
    assert sel.schedule_results(schedule=sch, now=timezone.now())["shown"] is False  # still open
    res = sel.schedule_results(schedule=sch, now=later)
    assert res["shown"] and res["n_people"] == 8 and res["surveys"] == 8
    overall = next(q for q in res["questions"] if q["code"] == "overall")
    assert (overall["n"], overall["mean"], overall["distribution"]["5"]) == (8, 5, 8)


def test_by_mentor_refused_when_a_mentor_has_fewer_mentees_than_the_threshold(survey_world):
    w = survey_world
    sch, sel, later = _after_session_round(w, w.mentees)  # Mentor A 6, Mentor B 2
    res = sel.schedule_results(schedule=sch, by_mentor=True, now=later)
    assert res["shown"] and res["breakdown"]["shown"] is False and "cells" not in res["breakdown"]


def test_by_mentor_shown_with_the_number_of_people(survey_world, client):
    w = survey_world
    sch, sel, later = _after_session_round(w, w.mentees, mentor_for_all=w.mentor_a)
    res = sel.schedule_results(schedule=sch, by_mentor=True, now=later)
    [cell] = res["breakdown"]["cells"]
    assert (cell["label"], cell["n_people"], cell["n_responses"]) == ("Mentor A", 8, 8)
    # the page and the API, today: nothing closed before this month yet, so nothing shown
    client.force_login(w.owner.user)
    body = client.get(f"/api/survey-schedules/{sch.pk}/results?by=mentor").json()
    assert body["shown"] is False and not {"questions", "breakdown"} & set(body)
    page = client.get(f"/survey-schedules/{sch.pk}/results/?by=mentor").content.decode()
    assert "Not enough answers yet" in page and "PRIVATE-COMMENT" not in page
    client.force_login(w.mentor_a.user)
    assert client.get(f"/api/survey-schedules/{sch.pk}/results").status_code in (403, 404)
    assert client.get(f"/survey-schedules/{sch.pk}/results/").status_code in (403, 404)


def test_the_mentee_reads_the_opened_survey_in_the_notification_centre(survey_world, client,
                                                                       django_capture_on_commit_callbacks):
    w = survey_world
    with django_capture_on_commit_callbacks(execute=True):
        s = svc.survey_send(template=tpl("program_nps"), actor=actor_of(w.owner), program=w.program)
    client.force_login(w.mentees[0].user)
    page = client.get("/notifications/").content.decode()
    assert "The survey “Program NPS” waits for your answers until" in page
    assert f"/surveys/{s.pk}/" in page
