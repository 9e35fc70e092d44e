"""Inputs versus outputs: survey satisfaction and NPS, against figures computed by hand.

On the world of ``inputs_world`` (one program owned by ``pm``; mentees in Sales 5, Ops 5, Tiny1 2,
Tiny2 3), the program's mentees answer two surveys that closed on 2026-02-15:

=========  =========================  ===============================  ======================
dept       NPS answers                satisfaction (overall, useful)   per-response means
=========  =========================  ===============================  ======================
Sales      10, 9, 8, 6, 3  → 0        (2,3) (2,2) (3,3) (1,2) (2,2)    2.5 2 3 1.5 2 → 2.2
Ops        10, 10, 9, 9, 7 → 80       (5,5) (4,5) (5,4) (4,4) (5,5)    5 4.5 4.5 4 5 → 4.6
Tiny1      0, 5            → −100     (5,5) (4,4)
Tiny2      9, 9, 9         → 100      (4,4) (4,5) (5,5)
whole      15: 9 promoters, 4 detractors → 100 × 5 / 15 = 33.3
=========  =========================  ===============================  ======================
"""

from __future__ import annotations

import csv
import datetime
import io
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from scipy import stats as scipy_stats

from tandem.assessments import survey_services
from tandem.assessments.models import Survey, SurveyResponse, SurveyTemplate
from tandem.core import authz
from tandem.core.errors import Forbidden
from tandem.insights import inputs
from tandem.insights import inputs_selectors as sel
from tandem.insights.inputs_models import SuggestionRule
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import DepartmentFactory, actor_of
from tests.insights.inputs_world import FROM, TO, at, build_world

NPS = {"Sales": [10, 9, 8, 6, 3], "Ops": [10, 10, 9, 9, 7], "Tiny1": [0, 5], "Tiny2": [9, 9, 9]}
SATISFACTION = {"Sales": [(2, 3), (2, 2), (3, 3), (1, 2), (2, 2)], "Ops": [(5, 5), (4, 5), (5, 4), (4, 4), (5, 5)],
                "Tiny1": [(5, 5), (4, 4)], "Tiny2": [(4, 4), (4, 5), (5, 5)]}
SENT, ANSWERED, CLOSES = at(2026, 2, 1), at(2026, 2, 5), at(2026, 2, 15)
Z = scipy_stats.norm.ppf(0.975)


def template(code):
    survey_services.survey_templates_install()
    return SurveyTemplate.objects.get(code=code)


def enrol(program, people):
    for person in people:
        Enrolment.objects.get_or_create(program=program, person=person, defaults={"role": "mentee"})


def send(owner, program, code, *, sent=SENT, closes=CLOSES, mentorship=None):
    return survey_services.survey_send(template=template(code), actor=actor_of(owner),
                                       program=None if mentorship else program, mentorship=mentorship,
                                       closes_at=closes, now=sent)


def answer(survey, person, answers, when=ANSWERED):
    survey_services.survey_respond(survey=survey, actor=actor_of(person), answers=answers, now=when)


def mentees(world, dept):
    return [m.mentee for m in world.pairs[dept]]


def answer_nps(world, survey, spec=NPS, when=ANSWERED):
    for dept, values in spec.items():
        for person, value in zip(mentees(world, dept), values, strict=False):
            answer(survey, person, {"recommend": value}, when)


def answer_satisfaction(world, survey, spec=SATISFACTION):
    for dept, values in spec.items():
        for person, (overall, useful) in zip(mentees(world, dept), values, strict=False):
            answer(survey, person, {"overall": overall, "useful": useful, "organisation": "ok"})


@pytest.fixture
def surveyed(db, make_person):
    w = build_world(make_person)
    enrol(w.program, [p for dept in w.pairs for p in mentees(w, dept)])
    w.nps = send(w.pm, w.program, "program_nps")
    answer_nps(w, w.nps)
    w.satisfaction = send(w.pm, w.program, "participant_satisfaction")
    answer_satisfaction(w, w.satisfaction)
    return w


def report(person, **kw):
    kw.setdefault("by", "department")
    return sel.inputs_outputs(actor=actor_of(person), start=kw.pop("start", FROM), end=kw.pop("end", TO), **kw)


def rows(r):
    return {g.label: g for g in r.groups}


def nps_ci(values):
    s = [100.0 if v >= 9 else -100.0 if v <= 6 else 0.0 for v in values]
    mean = sum(s) / len(s)
    var = sum((x - mean) ** 2 for x in s) / len(s)  # the trinomial variance: the scores' (ddof 0)
    half = Z * math.sqrt(var / len(s))
    return mean, (max(-100.0, mean - half), min(100.0, mean + half))


def test_nps_and_survey_satisfaction_per_department_match_the_hand_computation(surveyed, hr_person):
    r = report(hr_person)
    g = rows(r)
    sales, ops = g["Sales"].figures, g["Ops"].figures
    assert sales["nps"].value == pytest.approx(0.0) and sales["nps"].n == 5
    assert ops["nps"].value == pytest.approx(80.0) and ops["nps"].n == 5
    # Ops: p = 0.8, d = 0: Var = (0.8 − 0.64) / 5; 80 ± 1.96 × 100 × √0.032, clipped at 100
    assert ops["nps"].ci == pytest.approx((80 - Z * 100 * math.sqrt(0.032), 100.0))
    assert sales["nps"].ci == pytest.approx(nps_ci(NPS["Sales"])[1])
    assert sales["survey_satisfaction"].value == pytest.approx(2.2) and sales["survey_satisfaction"].n == 5
    assert ops["survey_satisfaction"].value == pytest.approx(4.6) and ops["survey_satisfaction"].n == 5
    # per-response means 2.5 2 3 1.5 2: sd² = 0.325, t(4) 2.776
    half = scipy_stats.t.ppf(0.975, 4) * math.sqrt(0.325 / 5)
    assert sales["survey_satisfaction"].ci == pytest.approx((2.2 - half, 2.2 + half))
    whole = r.whole.figures
    assert whole["nps"].value == pytest.approx(100 * 5 / 15) and whole["nps"].n == 15
    assert whole["nps"].ci == pytest.approx(nps_ci([v for vs in NPS.values() for v in vs])[1])
    every = [sum(p) / 2 for vs in SATISFACTION.values() for p in vs]
    assert whole["survey_satisfaction"].value == pytest.approx(sum(every) / 15)
    assert whole["survey_satisfaction"].n == 15


def test_every_shown_survey_figure_has_its_n_and_interval(surveyed, hr_person):
    for by in ("department", "program", "job_profile", "mentor"):
        r = report(hr_person, by=by)
        for row in [r.whole, *r.groups]:
            for m in inputs.SURVEY_METRICS:
                f = row.figures[m]
                if f.shown:
                    assert f.n >= 5 and f.ci is not None and f.ci[0] <= f.value <= f.ci[1]
                else:
                    assert f.n is None and f.value is None and f.ci is None and f.reason


def test_the_small_groups_say_fewer_than_n_answers_and_show_nothing(surveyed, hr_person):
    r = report(hr_person)
    assert {"Sales", "Ops"} == set(rows(r))  # Tiny1 (2) and Tiny2 (3): no pairs shown, no survey shown
    assert r.survey_hidden_groups == {"survey_satisfaction": 2, "nps": 2}
    # two hidden groups holding 5 answers together: nothing more needs hiding
    assert all(rows(r)[d].figures["nps"].shown for d in ("Sales", "Ops"))


def test_a_group_of_fewer_answers_than_the_largest_survey_threshold_is_hidden(surveyed, hr_person):
    Survey.objects.filter(pk=surveyed.nps.pk).update(threshold=6)  # a stricter survey: 5 answers are too few
    r = report(hr_person)
    for dept in ("Sales", "Ops"):
        f = rows(r)[dept].figures["nps"]
        assert not f.shown and f.reason == inputs.FEWER and f.threshold == 6
        assert sel.hidden_note(f) == "fewer than 6 answers"
    assert r.whole.figures["nps"].shown and r.whole.figures["nps"].threshold == 6
    assert rows(r)["Sales"].figures["survey_satisfaction"].shown  # that survey's threshold is still 5


def test_one_hidden_group_hides_the_next_smallest_too(db, make_person, hr_person):
    # given only Tiny1 answers among the tiny departments: one hidden group (2 answers) next to the total
    w = build_world(make_person)
    enrol(w.program, [p for dept in w.pairs for p in mentees(w, dept)])
    survey = send(w.pm, w.program, "program_nps")
    answer_nps(w, survey, {k: v for k, v in NPS.items() if k != "Tiny2"})
    # when
    r = report(hr_person)
    # then one of Sales and Ops (both 5 answers) is hidden as well, so Tiny1's answers cannot be recovered
    figures = {d: rows(r)[d].figures["nps"] for d in ("Sales", "Ops")}
    assert sorted(f.reason for f in figures.values()) == ["", inputs.PROTECTS]
    assert r.whole.figures["nps"].shown and r.whole.figures["nps"].n == 12
    hidden = next(f for f in figures.values() if not f.shown)
    assert hidden.value is None and hidden.n is None
    assert sel.hidden_note(hidden) == "not shown, so that a smaller group cannot be worked out"


def test_protect_survey_hides_the_next_smallest_only_while_one_group_is_hidden():
    def g(key, n, threshold=5, people=None):
        return inputs.SurveyGroup(key, inputs.Sums(n, 0.0, 0.0), n, n if people is None else people, threshold)

    # exactly one hidden: the smallest shown follows
    assert inputs.protect_survey([g(1, 2), g(2, 6), g(3, 9)], whole_shown=True, threshold=5) == {
        1: inputs.FEWER, 2: inputs.PROTECTS}
    # two hidden holding 5: enough
    assert inputs.protect_survey([g(1, 2), g(2, 3), g(3, 9)], whole_shown=True, threshold=5) == {
        1: inputs.FEWER, 2: inputs.FEWER}
    # enough answers but too few people (one mentee answering five times) is hidden, and protected
    assert inputs.protect_survey([g(1, 6, people=2), g(2, 7), g(3, 9)], whole_shown=True, threshold=5) == {
        1: inputs.FEWER, 2: inputs.PROTECTS}
    # the whole not shown: nothing to subtract from
    assert inputs.protect_survey([g(1, 2), g(2, 6)], whole_shown=False, threshold=5) == {1: inputs.FEWER}
    # answers that name no group (no mentor rated) count as hidden
    assert inputs.protect_survey([g(None, 4), g(2, 6), g(3, 9)], whole_shown=True, threshold=5,
                                 never_shown=frozenset({None})) == {None: inputs.FEWER, 2: inputs.PROTECTS}


def test_the_page_shows_nps_and_satisfaction_with_n_and_says_fewer_than_n_answers(surveyed, hr_person, client,
                                                                                  settings):
    settings.INSIGHTS_MIN_GROUP = 2  # Tiny1's and Tiny2's pairs are shown; their surveys' threshold is 5
    client.force_login(hr_person.user)
    html = client.get("/insights/inputs-outputs/", {"by": "department", "from": FROM, "to": TO}).content.decode()
    assert 'data-metric="nps"><strong>80</strong><br><span class="small">n = 5</span>' in html
    assert 'data-metric="survey_satisfaction"><strong>4.60</strong><br><span class="small">n = 5</span>' in html
    assert html.count('data-reason="fewer_answers">fewer than 5 answers</td>') == 4  # 2 outputs × Tiny1, Tiny2
    assert "<strong>-100</strong>" not in html and "<strong>100</strong>" not in html  # Tiny1's, Tiny2's NPS
    assert "promoters (9–10)" in html  # the method is stated
    assert "NPS per month" in html


def test_the_api_gives_each_survey_figure_its_n_or_the_reason(surveyed, hr_person, client):
    client.force_login(hr_person.user)
    body = client.get("/api/insights/inputs-outputs", {"by": "department", "from": FROM, "to": TO}).json()
    groups = {g["label"]: {f["metric"]: f for f in g["figures"]} for g in body["groups"]}
    assert groups["Ops"]["nps"] | {"ci": None} == {
        "metric": "nps", "label": "NPS (surveys, −100 to 100)", "shown": True, "value": pytest.approx(80.0), "n": 5,
        "ci": None, "reason": None, "threshold": 5, "note": None}
    assert body["scope"]["figures"][-1]["metric"] == "nps" and body["scope"]["figures"][-1]["n"] == 15
    feb = next(t for t in body["trend"] if t["month"] == "2026-02-01")
    assert feb["nps"] == pytest.approx(100 * 5 / 15) and feb["nps_n"] == 15 and feb["survey_satisfaction_n"] == 15
    assert all(t["nps"] is None and t["nps_n"] is None for t in body["trend"] if t["month"] != "2026-02-01")
    assert body["survey_hidden_groups"] == {"survey_satisfaction": 2, "nps": 2}
    text = str(body)
    assert "-100" not in text.replace("−100 to 100", "")  # Tiny1's NPS is nowhere


def test_the_api_names_the_reason_of_a_hidden_survey_figure(surveyed, hr_person, client, settings):
    settings.INSIGHTS_MIN_GROUP = 2
    client.force_login(hr_person.user)
    body = client.get("/api/insights/inputs-outputs", {"by": "department", "from": FROM, "to": TO}).json()
    tiny1 = next(g for g in body["groups"] if g["label"] == "Tiny1")
    nps = next(f for f in tiny1["figures"] if f["metric"] == "nps")
    assert nps == {"metric": "nps", "label": "NPS (surveys, −100 to 100)", "shown": False, "value": None, "n": None,
                   "ci": None, "reason": "fewer_answers", "threshold": 5, "note": "fewer than 5 answers"}


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_exports_hold_the_survey_figures_with_n_and_the_hidden_ones_in_words(surveyed, hr_client, settings):
    settings.INSIGHTS_MIN_GROUP = 2
    params = {"by": "department", "from": FROM, "to": TO}
    header, *body = csv_rows(hr_client.get("/insights/inputs-outputs/export.csv", params))
    col = header.index("NPS (surveys, −100 to 100)")
    assert header[col + 1:col + 4] == ["NPS (surveys, −100 to 100): n", "NPS (surveys, −100 to 100): CI low",
                                       "NPS (surveys, −100 to 100): CI high"]
    by = {r[0]: r for r in body}
    assert float(by["Ops"][col]) == pytest.approx(80.0) and by["Ops"][col + 1] == "5"
    assert by["Tiny1"][col:col + 4] == ["fewer than 5 answers", "", "", ""]
    assert by["Tiny2"][col:col + 4] == ["fewer than 5 answers", "", "", ""]
    sat = header.index("Satisfaction (surveys, 1–5)")
    assert float(by["Sales"][sat]) == pytest.approx(2.2) and by["Sales"][sat + 1] == "5"
    response = hr_client.get("/insights/inputs-outputs/export.xlsx", params)
    values = list(load_workbook(io.BytesIO(response.content)).active.values)
    xcol = list(values[0]).index("NPS (surveys, −100 to 100)")
    xrows = {r[0]: r for r in values[1:]}
    assert xrows["Ops"][xcol] == pytest.approx(80.0) and xrows["Ops"][xcol + 1] == 5
    assert xrows["Tiny1"][xcol] == "fewer than 5 answers" and xrows["Tiny1"][xcol + 1] in (None, "")


def test_the_export_hides_the_protecting_group_too(db, make_person, hr_client):
    w = build_world(make_person)
    enrol(w.program, [p for dept in w.pairs for p in mentees(w, dept)])
    answer_nps(w, send(w.pm, w.program, "program_nps"), {k: v for k, v in NPS.items() if k != "Tiny2"})
    header, *body = csv_rows(hr_client.get("/insights/inputs-outputs/export.csv",
                                           {"by": "department", "from": FROM, "to": TO}))
    col = header.index("NPS (surveys, −100 to 100)")
    cells = sorted(r[col] for r in body if r[0] in ("Sales", "Ops"))
    assert cells[1] == "not shown, so that a smaller group cannot be worked out"
    assert float(cells[0]) in (0.0, 100 * 4 / 5)  # Sales 0 or Ops 80, one of them only


def test_a_flag_on_nps_fires_with_its_evidence_and_never_under_the_threshold(surveyed, hr_person, settings):
    settings.INSIGHTS_MIN_GROUP = 2  # Tiny1 gets a row (2 pairs); its NPS (−100, 2 answers) stays hidden
    rule = SuggestionRule.objects.get(code="nps-below-others")
    rule.metric_a, rule.op_a, rule.value_a = "nps", "below", 50.0
    rule.save()
    r = report(hr_person)
    fired = {(f.group, f.rule): f for f in r.flags}
    assert ("Sales", "nps-below-others") in fired  # NPS 0 (n = 5)
    assert ("Ops", "nps-below-others") not in fired  # 80
    assert ("Tiny1", "nps-below-others") not in fired  # −100, but 2 answers
    assert {row.label for row in r.groups} >= {"Tiny1", "Tiny2"}  # their rows are shown, for the pairs
    assert "n = 5" in fired[("Sales", "nps-below-others")].evidence[0]


def test_the_default_survey_satisfaction_rule_compares_with_the_rest(surveyed, hr_person):
    r = report(hr_person)
    flag = next(f for f in r.flags if f.rule == "survey-satisfaction-below-others")
    assert flag.group == "Sales"
    # Sales 2.2 against the other ten responses' 4.55
    assert "2.20 against 4.55" in flag.evidence[0] and "n = 5 against 10" in flag.evidence[0]
    assert all(f.group == "Sales" for f in r.flags if f.rule == "survey-satisfaction-below-others")


def test_the_default_nps_rule_fires_when_the_interval_is_clear(db, make_person, hr_person):
    w = build_world(make_person)
    enrol(w.program, [p for dept in w.pairs for p in mentees(w, dept)])
    answer_nps(w, send(w.pm, w.program, "program_nps"),
               {"Sales": [0, 1, 2, 3, 4], "Ops": [10, 10, 10, 9, 9], "Tiny1": [9, 10], "Tiny2": [10, 9, 9]})
    fired = {(f.group, f.rule): f for f in report(hr_person).flags}
    flag = fired[("Sales", "nps-below-others")]
    assert "200 points below" in flag.evidence[0] and "-100 against 100" in flag.evidence[0]
    assert "matching" in flag.suggestion


def test_only_surveys_closed_in_the_period_count(surveyed, hr_person):
    # an open survey (closes in the future) and one closed before the period: neither counts
    now = timezone.now()
    still_open = send(surveyed.pm, surveyed.program, "program_nps", sent=now, closes=now + datetime.timedelta(days=7))
    answer_nps(surveyed, still_open, {"Sales": [0, 0, 0, 0, 0]}, when=now)
    earlier = send(surveyed.pm, surveyed.program, "program_nps", sent=at(2025, 12, 1), closes=at(2025, 12, 20))
    answer_nps(surveyed, earlier, {"Sales": [0, 0, 0, 0, 0]}, when=at(2025, 12, 2))
    r = report(hr_person)
    assert rows(r)["Sales"].figures["nps"].value == pytest.approx(0.0) and rows(r)["Sales"].figures["nps"].n == 5
    assert r.whole.figures["nps"].n == 15
    december = report(hr_person, start="2025-12-01", end="2025-12-31")
    assert december.whole.figures["nps"].n == 5  # the earlier survey's five detractors, and nothing else
    assert rows(december)["Sales"].figures["nps"].value == pytest.approx(-100.0)
    later = report(hr_person, start="2026-04-01", end="2026-06-30")
    assert not later.whole.figures["nps"].shown and later.whole.figures["nps"].reason == inputs.FEWER


def test_a_survey_closed_early_counts_on_the_day_it_was_closed(db, make_person, hr_person):
    w = build_world(make_person)
    enrol(w.program, [p for dept in w.pairs for p in mentees(w, dept)])
    now = timezone.now()
    survey = send(w.pm, w.program, "program_nps", sent=now, closes=now + datetime.timedelta(days=30))
    answer_nps(w, survey, when=now)
    today = timezone.localdate(now).isoformat()
    assert not report(hr_person, start=today, end=today).whole.figures["nps"].shown  # still open: nothing yet
    survey_services.survey_close(survey=survey, actor=actor_of(w.pm))
    assert report(hr_person, start=today, end=today).whole.figures["nps"].n == 15


def test_a_program_manager_sees_only_the_surveys_of_programs_they_own(surveyed, make_person):
    # given another manager's program with its own NPS survey, answered by the same Sales mentees
    other_pm = make_person(groups=["program_manager"])
    other = Program.objects.create(name="Other", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
                                   status=ProgramStatus.OPEN, starts_on=datetime.date(2025, 12, 1),
                                   ends_on=datetime.date(2026, 12, 1), owner=other_pm)
    people = mentees(surveyed, "Sales") + mentees(surveyed, "Ops")
    enrol(other, people)
    survey = send(other_pm, other, "program_nps")
    for p in people:
        answer(survey, p, {"recommend": 0})
    # when / then: the world's manager sees their program's answers only
    mine = report(surveyed.pm, by="program")
    assert {g.label for g in mine.groups} == {surveyed.program.name}
    assert mine.whole.figures["nps"].n == 15 and mine.whole.figures["nps"].value == pytest.approx(100 * 5 / 15)
    theirs = report(other_pm, by="program")
    assert theirs.whole.figures["nps"].n == 10 and theirs.whole.figures["nps"].value == pytest.approx(-100.0)
    with pytest.raises(Forbidden):
        report(other_pm, by="program", program=str(surveyed.program.pk))


def test_the_survey_scope_is_the_sql_form_of_can_view_survey_results(surveyed, make_person, hr_person):
    head = authz.actor_for(surveyed.head.user)  # heads Sales, manages no program
    for actor in (actor_of(surveyed.pm), actor_of(hr_person), head, actor_of(make_person(groups=["program_manager"]))):
        readable = set(Survey.objects.filter(authz.survey_results_q(actor)).values_list("pk", flat=True))
        assert readable == {s.pk for s in Survey.objects.all() if authz.can_view_survey_results(actor, s)}
    r = sel.inputs_outputs(actor=head, by="department", start=FROM, end=TO)
    assert not any(row.figures[m].shown for row in [r.whole, *r.groups] for m in inputs.SURVEY_METRICS)
    # the head is told why, not that there were fewer than 5 answers
    assert {sel.hidden_note(r.whole.figures[m]) for m in inputs.SURVEY_METRICS} == {
        "survey results are for HR and the program's manager"}


def test_per_mentor_counts_the_mentor_effectiveness_answers_of_their_mentees(surveyed, hr_person):
    survey = send(surveyed.pm, surveyed.program, "mentor_effectiveness")
    for dept, score in (("Sales", 2), ("Ops", 5), ("Tiny1", 4), ("Tiny2", 4)):
        for p in mentees(surveyed, dept):
            answer(survey, p, {"listens": score, "advice": score, "available": score, "overall": score})
    assert set(SurveyResponse.objects.filter(survey=survey).values_list("subject_id", flat=True)) == {
        m.pk for m in surveyed.mentors.values()}
    r = report(hr_person, by="mentor")
    g = {row.key: row for row in r.groups}
    m1, m2, m3 = (surveyed.mentors[k].pk for k in ("m1", "m2", "m3"))
    assert g[m1].figures["survey_satisfaction"].value == pytest.approx(2.0)
    assert g[m2].figures["survey_satisfaction"].value == pytest.approx(5.0)
    assert g[m3].figures["survey_satisfaction"].value == pytest.approx(4.0)
    assert g[m3].figures["survey_satisfaction"].n == 5
    # the program survey rates no mentor: no mentor's NPS, and no "—" row
    assert all(not row.figures["nps"].shown for row in r.groups) and None not in g
    assert r.whole.figures["survey_satisfaction"].n == 30  # 15 satisfaction + 15 mentor effectiveness responses


def test_one_mentee_answering_again_and_again_is_one_person(db, make_person, hr_person):
    # given three of m1's mentees each rate m1 after two sessions: 6 responses, 3 people
    w = build_world(make_person)
    for pair in w.pairs["Sales"][:3]:
        for sent in (at(2026, 1, 10), at(2026, 2, 10)):
            s = send(w.pm, w.program, "mentor_effectiveness", mentorship=pair, sent=sent,
                     closes=sent + datetime.timedelta(days=5))
            answer(s, pair.mentee, {"listens": 1, "advice": 1, "available": 1, "overall": 1},
                   when=sent + datetime.timedelta(days=1))
    # when
    r = report(hr_person, by="mentor")
    # then nothing about m1 shows, not even with 6 responses
    assert SurveyResponse.objects.filter(subject=w.mentors["m1"]).count() == 6
    m1 = next((row for row in r.groups if row.key == w.mentors["m1"].pk), None)
    assert m1 is None or not m1.figures["survey_satisfaction"].shown
    assert not r.whole.figures["survey_satisfaction"].shown


def test_a_month_alone_under_the_threshold_hides_the_other_month_of_the_trend(surveyed, hr_person):
    march = send(surveyed.pm, surveyed.program, "program_nps", sent=at(2026, 3, 1), closes=at(2026, 3, 10))
    answer_nps(surveyed, march, {"Sales": [10, 10]}, when=at(2026, 3, 2))
    r = report(hr_person)
    trend = {t.month.isoformat(): t for t in r.trend}
    assert trend["2026-03-01"].nps is None  # 2 answers
    assert trend["2026-02-01"].nps is None and trend["2026-02-01"].nps_n is None  # else March = total − February
    assert r.whole.figures["nps"].n == 17
    assert trend["2026-02-01"].survey_satisfaction_n == 15  # only one month of satisfaction: shown


def test_the_report_reads_surveys_in_a_fixed_number_of_queries(surveyed, hr_person):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            sel.inputs_outputs(actor=actor_of(hr_person), by="department", start=FROM, end=TO)
        return len(ctx.captured_queries)

    before = queries()
    # twice the surveys, and their answers spread over more departments
    again = send(surveyed.pm, surveyed.program, "program_nps")
    answer_nps(surveyed, again)
    extra = DepartmentFactory(name="Extra")
    SurveyResponse.objects.filter(survey=again).update(department=extra)
    assert queries() == before


def test_without_surveys_every_survey_figure_says_fewer_than_n_answers(db, make_person, hr_person):
    w = build_world(make_person)
    Mentorship.objects.create(program=w.program, mentor=w.mentors["m1"], mentee=make_person(),
                              status=MentorshipStatus.ACTIVE, origin=MentorshipOrigin.MANUAL,
                              started_on=datetime.date(2025, 12, 1))
    r = report(hr_person)
    assert r.survey_shown is False
    assert all(row.figures[m].reason == inputs.FEWER for row in [r.whole, *r.groups] for m in inputs.SURVEY_METRICS)
