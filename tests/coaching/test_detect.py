"""Each situation fires on its signal and not without it; thresholds, windows and texts are data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from tandem.coaching import detect
from tandem.coaching.models import Prompt, PromptRule, PromptText
from tandem.mentorships import log_services, plan_services
from tandem.mentorships.models import Goal, GoalMilestone, Mentorship
from tests.coaching.conftest import day, situations, today

pytestmark = pytest.mark.django_db


def rule(signal: str) -> PromptRule:
    return PromptRule.objects.get(signal=signal)


# -- the default rules, one situation at a time ----------------------------------------------------


def test_a_calm_pair_gets_no_prompt(log):
    # given: a fresh message, nothing overdue, no plan, no sessions
    assert situations(log.m) == {}


def test_stuck_fires_on_two_overdue_items_of_the_mentee_and_not_on_one(log):
    log.item(title="Call the supplier")
    assert "stuck" not in situations(log.m)

    log.item(title="Write the summary")
    s = situations(log.m)["stuck"]
    assert s.text.title == "Open questions to get unstuck"
    assert s.reason == "2 of the mentee's action items are overdue."
    assert [t.signal for t in s.triggers] == ["overdue_items"]
    assert s.triggers[0].value == 2


def test_items_not_yet_due_done_or_the_mentors_own_are_not_overdue(log):
    log.item(due=5, title="Later")
    log.item(owner="mentor", title="Mine")
    done = log.item(title="Done one")
    log_services.action_item_update(item=done, actor=log.actor("mentee"), status="done")
    log.item(title="Only this one")
    assert "stuck" not in situations(log.m)
    # and the same items, looked at a week later: the first is overdue too
    assert situations(log.m, on=day(6))["stuck"].triggers[0].value == 2


def test_stuck_fires_when_a_goal_has_not_moved_for_three_weeks(log):
    goal = log.plan(goal="Negotiation")
    assert "stuck" not in situations(log.m, on=day(20))  # 2 weeks and 6 days

    s = situations(log.m, on=day(21))["stuck"]
    assert s.triggers[0].signal == "weeks_without_goal_progress"
    assert s.reason == "The goal “Negotiation” has not moved for 3 weeks."

    # a milestone ticked is progress: the clock starts again
    ms = goal.milestones.first()
    plan_services.milestone_update(milestone=ms, actor=log.actor("mentee"), done=True)
    assert "stuck" not in situations(log.m, on=day(20))


def test_a_goal_counts_from_the_mentorships_start_not_before(log, pair):
    goal = log.plan(goal="Negotiation")
    Goal.objects.filter(pk=goal.pk).update(created_at=timezone.now() - datetime.timedelta(days=200))
    # the mentorship started 30 days ago (the agreement's start): 4 weeks, not 28
    stuck = situations(log.m)["stuck"]
    assert stuck.triggers[0].value == (today() - pair.mentorship.started_on).days // 7


def test_a_reached_goal_is_not_stuck(log):
    goal = log.plan(goal="Negotiation", milestones=1)
    plan_services.milestone_update(milestone=goal.milestones.get(), actor=log.actor("mentee"), done=True)
    assert "stuck" not in situations(log.m, on=day(60))


def test_an_action_item_done_on_a_goal_moves_it(log):
    goal = log.plan(goal="Negotiation")
    item = log_services.action_item_create(mentorship=log.m, actor=log.actor("mentor"), title="Rehearse",
                                           owner="mentee", due_on=day(3), goal_id=goal.pk)
    Goal.objects.filter(pk=goal.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    assert "stuck" in situations(log.m)
    log_services.action_item_update(item=item, actor=log.actor("mentee"), status="done")
    assert "stuck" not in situations(log.m)


def test_progressing_fires_on_a_milestone_done_in_the_last_30_days(log):
    goal = log.plan()
    assert "progressing" not in situations(log.m)
    plan_services.milestone_update(milestone=goal.milestones.first(), actor=log.actor("mentee"), done=True)
    s = situations(log.m)["progressing"]
    assert s.text.title == "Reinforcing feedback on the progress"
    assert "1 milestone done in the last 30 days." in s.reason
    # a month later it is old news
    assert "progressing" not in situations(log.m, on=day(31))


def test_progressing_fires_on_good_feedback_from_both_sides(log):
    s = log.past_session()
    log.feedback(s, mentor=5, mentee=4)
    prog = situations(log.m)["progressing"]
    t = next(t for t in prog.triggers if t.signal == "mean_feedback")
    assert t.value == Decimal("4.5") and t.sample == 2
    assert t.sentence == "Sessions of the last 60 days rated 4.5 out of 5 on average (2 ratings)."


def test_progressing_does_not_fire_on_poor_feedback_or_a_single_rating(log):
    s = log.past_session(days_ago=3)
    log.feedback(s, mentee=5)
    assert "progressing" not in situations(log.m)  # one rating: below the minimum sample of 2
    log.feedback(s, mentor=2)
    assert "progressing" not in situations(log.m)  # 3.5 on average


def _goal_item(log, *, by: str, owner: str, title: str, goal):
    return log_services.action_item_create(mentorship=log.m, actor=log.actor(by), title=title, owner=owner,
                                           due_on=day(5), goal_id=goal.pk)


def test_dependent_fires_when_the_mentee_hands_items_on_their_goals_to_the_mentor(log):
    goal = log.plan()
    _goal_item(log, by="mentee", owner="mentor", title="Prepare my slides", goal=goal)
    assert "dependent" not in situations(log.m)
    _goal_item(log, by="mentee", owner="mentor", title="Write my status report", goal=goal)
    s = situations(log.m)["dependent"]
    assert s.text.title == "Setting a boundary: the mentee's thinking first"
    assert s.reason == "2 of the mentee's action items went to the mentor in the last 60 days."


def test_an_item_the_mentee_dropped_and_the_mentor_took_on_counts_as_handed_over(log):
    goal = log.plan()
    mine = log.item(due=5, title="Book the venue")
    log_services.action_item_update(item=mine, actor=log.actor("mentee"), status="dropped")
    log.item(by="mentor", owner="mentor", due=5, title="book the  venue")
    _goal_item(log, by="mentee", owner="mentor", title="Send my invitations", goal=goal)
    assert situations(log.m)["dependent"].triggers[0].value == 2
    # the mentor's own items are not the mentee's
    log.item(by="mentor", owner="mentor", due=5, title="Share the template")
    _goal_item(log, by="mentor", owner="mentor", title="Find a case study", goal=goal)
    assert situations(log.m)["dependent"].triggers[0].value == 2


def test_a_request_to_the_mentor_on_no_goal_is_not_a_handover(log):
    log.item(by="mentee", owner="mentor", due=5, title="Send me your architecture notes")
    log.item(by="mentee", owner="mentor", due=5, title="Book a slot with the architecture group")
    assert "dependent" not in situations(log.m)


def test_dependent_fires_when_the_mentee_mostly_asks_for_answers(log):
    for text in ("What should I say to the client?", "Подскажите, что ответить на письмо?",
                 "I tried two openings and the second worked.", "Here is my draft."):
        log.message(text)
    s = situations(log.m)["dependent"]
    t = s.triggers[0]
    assert t.signal == "answer_seeking_share" and t.value == 50 and t.sample == 4
    assert t.sentence == "50% of the mentee's messages of the last 30 days ask for the answer (2 of 4)."


def test_dependent_does_not_fire_on_a_few_questions_or_on_the_mentors_messages(log):
    for text in ("我应该怎么办？", "What should I do?", "Can you just tell me which one?"):
        log.message(text)
    assert "dependent" not in situations(log.m)  # 3 messages: below the minimum sample of 4
    for _ in range(3):
        log.message("What should I do?", by="mentor")
    assert "dependent" not in situations(log.m)
    log.message("I worked it out myself.")
    log.message("Here is what I found.")
    log.message("I booked the room.")
    log.message("Done, see the notes.")
    # 3 of 7 = 43 %
    assert "dependent" not in situations(log.m)


def test_disengaged_fires_on_two_missed_sessions_in_60_days(log):
    log.past_session(days_ago=10, status="missed")
    assert "disengaged" not in situations(log.m)
    log.past_session(days_ago=3, status="missed")
    s = situations(log.m)["disengaged"]
    assert s.text.title == "Re-contracting: agree again on how you work together"
    assert s.reason == "2 sessions missed in the last 60 days."
    # seven weeks later the first one is out of the 60-day window
    later = situations(log.m, on=day(51))["disengaged"]  # (quiet by then: no message for 51 days)
    assert [t.signal for t in later.triggers] == ["days_since_last_message"]


def test_disengaged_fires_after_three_weeks_without_a_message(log):
    assert "disengaged" not in situations(log.m, on=day(20))
    s = situations(log.m, on=day(21))["disengaged"]
    assert s.reason == "No message in the log for 21 days."
    # either side writing counts
    log.message("Still there?", by="mentor")
    assert "disengaged" not in situations(log.m, on=day(20))


def test_a_pair_that_never_wrote_counts_from_its_start(pair):
    m = pair.mentorship
    quiet = (today() - m.started_on).days
    assert quiet >= 21
    assert situations(m)["disengaged"].reason == f"No message in the log for {quiet} days."


def test_several_triggers_of_a_situation_are_all_said(log):
    log.message("x")
    log.past_session(days_ago=4, status="missed")
    log.past_session(days_ago=2, status="missed")
    s = situations(log.m, on=day(21))["disengaged"]
    assert [t.signal for t in s.triggers] == ["missed_sessions", "days_since_last_message"]
    assert s.reason == "2 sessions missed in the last 60 days. No message in the log for 21 days."


def test_only_an_active_mentorship_gets_prompts(log):
    log.item(title="a")
    log.item(title="b")
    assert "stuck" in situations(log.m)
    Mentorship.objects.filter(pk=log.m.pk).update(status="completed")
    log.m.refresh_from_db()
    assert detect.prompts_for(log.m, today=today()) == []


# -- thresholds, windows and texts come from the database --------------------------------------


def test_a_lower_threshold_in_the_database_fires_earlier(log):
    log.item(title="a")
    assert "stuck" not in situations(log.m)
    PromptRule.objects.filter(signal="overdue_items").update(threshold=1)
    assert situations(log.m)["stuck"].reason == "1 of the mentee's action items is overdue."


def test_a_disabled_rule_does_not_fire(log):
    for t in ("a", "b", "c"):
        log.item(title=t)
    PromptRule.objects.filter(signal="overdue_items").update(enabled=False)
    assert "stuck" not in situations(log.m)


def test_a_disabled_prompt_is_not_shown(log):
    log.item(title="a")
    log.item(title="b")
    Prompt.objects.filter(situation="stuck").update(enabled=False)
    assert "stuck" not in situations(log.m)


def test_the_window_is_data(log):
    goal = log.plan()
    plan_services.milestone_update(milestone=goal.milestones.first(), actor=log.actor("mentee"), done=True)
    GoalMilestone.objects.filter(goal=goal).update(done_at=F("done_at") - datetime.timedelta(days=10))
    assert "progressing" in situations(log.m)
    PromptRule.objects.filter(signal="milestones_done").update(window_days=7)
    assert "progressing" not in situations(log.m)


def test_an_at_most_rule_fires_below_its_threshold(log):
    # a rule HR adds: "progressing" when nothing of the mentee is overdue at all
    PromptRule.objects.create(situation="progressing", signal="overdue_items", operator="<=", threshold=0, order=99)
    assert situations(log.m)["progressing"].reason == "0 of the mentee's action items are overdue."
    log.item(title="late")
    assert "progressing" not in situations(log.m)


def test_a_new_rule_on_another_signal_takes_effect(log):
    s = log_services.session_schedule(mentorship=log.m, actor=log.actor("mentee"),
                                      starts_at=timezone.now() + datetime.timedelta(days=2))
    log_services.session_update(session=s, actor=log.actor("mentee"), status="cancelled", reason="Busy")
    assert "disengaged" not in situations(log.m)
    PromptRule.objects.create(situation="disengaged", signal="cancelled_sessions", threshold=1, window_days=30)
    assert "1 session cancelled in the last 30 days." in situations(log.m, on=day(2))["disengaged"].reason


def test_texts_in_chinese_and_russian(log):
    log.item(title="a")
    log.item(title="b")
    zh = situations(log.m, language="zh-hans")["stuck"].text
    ru = situations(log.m, language="ru")["stuck"].text
    assert zh.language == "zh-hans" and zh.title == "用提问引导，帮助走出停滞"
    assert "你觉得这个问题的核心是什么？" in zh.phrasing_list
    assert ru.language == "ru" and ru.title == "Открытые вопросы, чтобы сдвинуться с места"
    assert "Что вы уже пробовали и что из этого вышло?" in ru.phrasing_list


def test_every_default_prompt_ships_in_three_languages():
    for prompt in Prompt.objects.all():
        assert set(prompt.texts.values_list("language", flat=True)) == {"en", "zh-hans", "ru"}, prompt.code
        for text in prompt.texts.all():
            assert text.title and len(text.phrasing_list) >= 4 and text.why, (prompt.code, text.language)
    assert set(Prompt.objects.values_list("situation", flat=True)) == {"stuck", "progressing", "dependent",
                                                                       "disengaged"}


def test_a_text_edited_in_the_database_is_what_is_shown(log):
    log.item(title="a")
    log.item(title="b")
    PromptText.objects.filter(prompt__situation="stuck", language="ru").update(
        title="Вопросы", phrasings="Что дальше?\n\nС чего начнём?")
    ru = situations(log.m, language="ru")["stuck"].text
    assert ru.title == "Вопросы" and ru.phrasing_list == ["Что дальше?", "С чего начнём?"]


def test_a_language_without_a_text_falls_back_to_english(log):
    log.item(title="a")
    log.item(title="b")
    PromptText.objects.filter(prompt__situation="stuck", language="ru").delete()
    assert situations(log.m, language="ru")["stuck"].text.title == "Open questions to get unstuck"


def test_detection_reads_the_log_in_a_few_queries(log, django_assert_max_num_queries):
    log.plan()
    for t in ("a", "b", "c"):
        log.item(title=t)
    for i in range(5):
        log.message(f"What should I do about {i}?")
    s = log.past_session()
    log.feedback(s, mentor=5, mentee=5)
    m = Mentorship.objects.get(pk=log.m.pk)
    with django_assert_max_num_queries(11):
        found = detect.prompts_for(m, today=today())
    assert {"stuck", "progressing", "dependent"} <= {s.situation for s in found}


# -- the answer-seeking heuristic and the rules' validation ------------------------------------


@pytest.mark.parametrize("text", [
    "What should I tell the client?", "Can you just tell me which option is right?", "Could you write it for me?",
    "Should I escalate?", "Подскажите, как лучше ответить?", "Что мне делать с этим отчётом?",
    "Можете сделать за меня презентацию?", "我应该怎么办？", "你能帮我写一下邮件吗？", "告诉我该选哪个",
])
def test_these_ask_for_the_answer(text):
    assert detect.asks_for_answer(text)


@pytest.mark.parametrize("text", [
    "I tried two approaches; the second worked better.", "Here is my draft, what do you think of the structure?",
    "Я попробовал сам, получилось.", "我先自己试了两种方法。", "Thanks!", "",
])
def test_these_do_not(text):
    assert not detect.asks_for_answer(text)


@pytest.mark.parametrize(("signal", "threshold", "window", "sample", "field"), [
    ("no_such_signal", 1, None, None, "signal"),
    ("overdue_items", Decimal("2.5"), None, None, "threshold"),
    ("overdue_items", 5000, None, None, "threshold"),
    ("overdue_items", "NaN", None, None, "threshold"),
    ("overdue_items", None, None, None, "threshold"),
    ("overdue_items", 2, 30, None, "window_days"),
    ("missed_sessions", 2, None, None, "window_days"),
    ("missed_sessions", 2, 400, None, "window_days"),
    ("mean_feedback", Decimal("5.5"), 60, 2, "threshold"),
    ("mean_feedback", Decimal("0.5"), 60, 2, "threshold"),
    ("mean_feedback", 4, 60, None, "min_sample"),
    ("milestones_done", 1, 30, 3, "min_sample"),
    ("answer_seeking_share", 101, 30, 4, "threshold"),
])
def test_rule_params_are_validated_against_the_signal(signal, threshold, window, sample, field):
    problems = detect.rule_problems(signal=signal, threshold=threshold, window_days=window, min_sample=sample)
    assert field in problems


def test_the_default_rules_are_valid():
    for r in PromptRule.objects.all():
        assert detect.rule_problems(signal=r.signal, threshold=r.threshold, window_days=r.window_days,
                                    min_sample=r.min_sample) == {}, r
        assert r.signal in detect.SIGNALS
