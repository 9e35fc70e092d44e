"""Surveys: shipped templates, versions, validation, one answer each, anonymity that holds,
thresholds, differencing, NPS."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tandem.assessments import survey_selectors as sel
from tandem.assessments import survey_services as svc
from tandem.assessments.errors import AssessmentErrorCode as Code
from tandem.assessments.models import (
    SurveyAnswer,
    SurveyCompletion,
    SurveyResponse,
    SurveyTemplate,
)
from tandem.core.errors import ApplicationError
from tests.factories import actor_of

SAT = {"overall": 4, "useful": 5, "organisation": "well", "helped": ["plan", "sessions"], "change": "More time"}


def tpl(code):
    return SurveyTemplate.objects.get(code=code)


def send(w, code="participant_satisfaction", **kw):
    return svc.survey_send(template=tpl(code), actor=actor_of(w.owner), program=w.program, **kw)


def test_four_templates_ship_in_three_languages(db):
    from django.utils import translation

    codes = set(SurveyTemplate.objects.values_list("code", flat=True))
    assert {"participant_satisfaction", "mentor_effectiveness", "program_nps", "self_perception"} <= codes
    t = tpl("program_nps")
    with translation.override("ru"):
        assert str(t) == "NPS программы"
    with translation.override("zh-hans"):
        q = t.versions.get().questions.get(code="recommend")
        assert "推荐" in str(q)
    assert tpl("mentor_effectiveness").anonymous  # upward feedback: anonymous by default


def test_threshold_never_below_3_and_mentor_feedback_always_anonymous_in_the_database(db):
    t = tpl("participant_satisfaction")
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyTemplate.objects.filter(pk=t.pk).update(threshold=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyTemplate.objects.filter(code="mentor_effectiveness").update(anonymous=False)


def test_answers_keep_the_version_they_answered(survey_world):
    w = survey_world
    first = send(w)
    svc.survey_respond(survey=first, actor=actor_of(w.mentees[0]), answers=SAT)
    t = tpl("participant_satisfaction")
    v2 = svc.survey_template_revise(template=t, actor=actor_of(w.hr), questions=[
        {"code": "overall", "kind": "scale", "text": "How satisfied are you?"}])
    second = send(w)
    assert (first.version.number, second.version.number, v2.number) == (1, 2, 2)
    assert SurveyResponse.objects.get(survey=first).version.number == 1
    svc.survey_respond(survey=second, actor=actor_of(w.mentees[0]), answers={"overall": 3})
    assert SurveyResponse.objects.get(survey=second).version == v2


def test_one_answer_per_person_per_survey(survey_world):
    w = survey_world
    s = send(w)
    svc.survey_respond(survey=s, actor=actor_of(w.mentees[0]), answers=SAT)
    with pytest.raises(ApplicationError) as exc:
        svc.survey_respond(survey=s, actor=actor_of(w.mentees[0]), answers=SAT)
    assert exc.value.code == Code.ALREADY_ANSWERED and exc.value.status == 409
    assert SurveyResponse.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyCompletion.objects.create(survey=s, person=w.mentees[0], answered_on=timezone.localdate())


def test_only_recipients_answer_and_not_after_closing(survey_world):
    w = survey_world
    s = svc.survey_send(template=tpl("mentor_effectiveness"), actor=actor_of(w.owner), mentorship=w.pairs[0])
    for person in (w.mentees[1], w.mentor_a, w.owner, w.outsider):
        with pytest.raises(ApplicationError) as exc:
            svc.survey_respond(survey=s, actor=actor_of(person), answers={"overall": 5})
        assert exc.value.code == Code.NOT_A_RECIPIENT
    answers = {"listens": 5, "advice": 4, "available": 5, "overall": 5}
    with pytest.raises(ApplicationError) as exc:
        svc.survey_respond(survey=s, actor=actor_of(w.mentees[0]), answers=answers,
                           now=s.closes_at + datetime.timedelta(seconds=1))
    assert exc.value.code == Code.SURVEY_CLOSED
    assert not SurveyResponse.objects.exists() and not SurveyCompletion.objects.exists()


@pytest.mark.parametrize("code,value", [
    ("overall", 0), ("overall", 6), ("overall", 10**12), ("overall", True), ("overall", "4.5"),
    ("organisation", "excellent"), ("helped", ["plan", "plan"]), ("helped", ["magic"]),
    ("change", "x" * 2001), ("change", "bad\x00byte"), ("useful", None), ("ghost", 3),
])
def test_bad_answers_are_field_errors_and_save_nothing(survey_world, code, value):
    w = survey_world
    s = send(w)
    with pytest.raises(ApplicationError) as exc:
        svc.survey_respond(survey=s, actor=actor_of(w.mentees[0]), answers={**SAT, code: value})
    assert exc.value.status == 400 and code in exc.value.errors
    assert not SurveyResponse.objects.exists() and not SurveyCompletion.objects.exists()


def test_nps_range_is_0_to_10(survey_world):
    w = survey_world
    s = send(w, "program_nps")
    svc.survey_respond(survey=s, actor=actor_of(w.mentees[0]), answers={"recommend": 0})
    with pytest.raises(ApplicationError):
        svc.survey_respond(survey=s, actor=actor_of(w.mentees[1]), answers={"recommend": 11})


# -- anonymity ----------------------------------------------------------------------------------


def test_anonymous_rows_cannot_be_joined_back_to_their_authors(survey_world):
    """No column of an anonymous answer names, hashes or times its author; keys are random, so
    neither their order nor the default ordering follows the order of the who-answered rows."""
    w = survey_world
    s = send(w)
    for p in w.mentees:
        svc.survey_respond(survey=s, actor=actor_of(p), answers={**SAT, "change": f"note {p.pk}"})
    person_ids = {p.pk for p in w.mentees}
    person_cols = {f.column for f in SurveyResponse._meta.concrete_fields} | {
        f.column for f in SurveyAnswer._meta.concrete_fields}
    assert not any("time" in c or c.endswith("_at") or c.endswith("_on") or "respondent" == c for c in person_cols
                   if c != "respondent_id")
    for table in (SurveyResponse._meta.db_table, SurveyAnswer._meta.db_table):
        with connection.cursor() as cur:
            cur.execute(f"SELECT * FROM {table}")
            cols = [c[0] for c in cur.description]
            rows = cur.fetchall()
        for row in rows:
            rec = dict(zip(cols, row, strict=True))
            assert rec.get("respondent_id") is None
            assert not any(isinstance(v, datetime.datetime | datetime.date) for v in rec.values())
            # nothing equal to a person's ID or a hash of it beside the coarse breakdown keys
            for k, v in rec.items():
                if k in ("department_id", "job_profile_id", "subject_id", "survey_id", "version_id", "question_id",
                         "number", "response_id"):
                    continue
                assert str(v) not in {str(i) for i in person_ids}, (k, v)
    # random keys: the responses' key order does not replay the completions' order
    ordered = [r.pk for r in SurveyResponse.objects.filter(survey=s)]
    assert all(len(str(k)) == 36 for k in ordered)
    assert [c.answered_on for c in SurveyCompletion.objects.filter(survey=s)] == [timezone.localdate()] * 8


def test_named_surveys_keep_the_author(survey_world):
    w = survey_world
    s = send(w, "self_perception")
    svc.survey_respond(survey=s, actor=actor_of(w.mentees[0]), answers={
        "stage": "before", "confident": 2, "network": 2, "strengths": 3, "path": 2})
    assert SurveyResponse.objects.get().respondent == w.mentees[0]


def test_database_refuses_an_author_on_an_anonymous_response(survey_world):
    w = survey_world
    s = send(w)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(survey=s, version=s.version, anonymous=True, respondent=w.mentees[0])


# -- thresholds and differencing ---------------------------------------------------------------


def _answer_all(w, s, people, answers=SAT):
    for p in people:
        svc.survey_respond(survey=s, actor=actor_of(p), answers=answers)


def test_below_threshold_no_aggregate_at_all(survey_world):
    w = survey_world
    s = send(w)
    _answer_all(w, s, w.mentees[:4])
    s = svc.survey_close(survey=s, actor=actor_of(w.owner))
    res = sel.survey_results(survey=s)
    assert res["shown"] is False and res["reason"] == "below_threshold"
    assert not {"questions", "mean", "distribution", "breakdown", "texts"} & set(res)


def test_open_anonymous_survey_shows_results_only_once_closed(survey_world):
    w = survey_world
    s = send(w)
    _answer_all(w, s, w.mentees[:6])
    res = sel.survey_results(survey=s)
    assert res["shown"] is False and res["reason"] == "survey_open" and "questions" not in res
    s = svc.survey_close(survey=s, actor=actor_of(w.owner))
    res = sel.survey_results(survey=s)
    assert res["shown"] and res["n_responses"] == 6
    overall = next(q for q in res["questions"] if q["code"] == "overall")
    assert overall["mean"] == 4 and overall["n"] == 6 and overall["distribution"]["4"] == 6
    assert next(q for q in res["questions"] if q["code"] == "change")["texts"] == ["More time"] * 6


def test_breakdown_refused_when_a_group_or_its_complement_is_small(survey_world):
    """8 answers: Sales 5, Ops 3. Showing Sales (5) beside the total (8) would reveal Ops (3)."""
    w = survey_world
    s = send(w)
    _answer_all(w, s, w.mentees)
    s = svc.survey_close(survey=s, actor=actor_of(w.owner))
    res = sel.survey_results(survey=s, breakdown="department")
    assert res["shown"] and res["breakdown"]["shown"] is False
    assert res["breakdown"]["reason"] == Code.BREAKDOWN_REFUSED and "cells" not in res["breakdown"]
    # one job profile for everyone: the single cell is the total, nothing to subtract
    res = sel.survey_results(survey=s, breakdown="job_profile")
    assert res["breakdown"]["shown"] and [c["n_responses"] for c in res["breakdown"]["cells"]] == [8]


def test_breakdown_shown_when_every_cell_and_complement_reach_the_threshold(survey_world, make_person):
    w = survey_world
    extra = [make_person(department=w.ops) for _ in range(2)]
    for p in extra:
        Enrolment = w.program.enrolments.model
        Enrolment.objects.create(program=w.program, person=p, role="mentee")
    s = send(w)
    _answer_all(w, s, [*w.mentees, *extra])
    s = svc.survey_close(survey=s, actor=actor_of(w.owner))
    res = sel.survey_results(survey=s, breakdown="department")
    cells = res["breakdown"]["cells"]
    assert res["breakdown"]["shown"] and sorted(c["n_responses"] for c in cells) == [5, 5]


def test_nps_counts_promoters_passives_detractors(survey_world, make_person):
    w = survey_world
    s = send(w, "program_nps")
    people = w.mentees + [w.mentor_a, w.mentor_b]
    for p, v in zip(people, [10, 9, 9, 8, 7, 6, 3, 0, 10, 10], strict=True):
        svc.survey_respond(survey=s, actor=actor_of(p), answers={"recommend": v})
    s = svc.survey_close(survey=s, actor=actor_of(w.owner))
    q = sel.survey_results(survey=s)["questions"][0]
    assert (q["promoters"], q["passives"], q["detractors"], q["nps"], q["n"]) == (5, 2, 3, 20, 10)


# -- the mentor rating ------------------------------------------------------------------------


def _rate(w, mentorship, value, when):
    s = svc.survey_send(template=tpl("mentor_effectiveness"), actor=actor_of(w.owner), mentorship=mentorship, now=when)
    svc.survey_respond(survey=s, actor=actor_of(mentorship.mentee), now=when + datetime.timedelta(hours=1),
                       answers={"listens": value, "advice": value, "available": value, "overall": value})
    return s


def test_mentor_rating_counts_distinct_mentees_and_closed_surveys_only(survey_world):
    w = survey_world
    long_ago = timezone.now() - datetime.timedelta(days=70)
    for m in w.pairs[:6]:
        _rate(w, m, 5, long_ago)
    for _ in range(5):  # one mentee of B, five times: still one person
        _rate(w, w.pairs[6], 2, long_ago)
    ratings = sel.mentor_ratings([w.mentor_a.pk, w.mentor_b.pk])
    assert ratings[w.mentor_a.pk].shown and ratings[w.mentor_a.pk].mean == 5 and ratings[w.mentor_a.pk].people == 6
    assert not ratings[w.mentor_b.pk].shown and ratings[w.mentor_b.pk].mean is None
    # a survey still open does not count
    recent = _rate(w, w.pairs[7], 1, timezone.now())
    assert sel.mentor_ratings([w.mentor_b.pk])[w.mentor_b.pk].people == 1
    assert recent.closes_at > timezone.now()


def test_a_better_rated_mentor_ranks_higher_in_matching(survey_world, make_person):
    """The score matrix's rating criterion reads the anonymous aggregate: two mentors equal in every
    other respect, one rated 5 and one 2 by five mentees each, rank in that order."""
    from tandem.matching import adapter
    from tandem.matching.engine import score_matrix
    from tandem.mentorships.models import Mentorship

    w = survey_world
    long_ago = timezone.now() - datetime.timedelta(days=70)
    good = make_person(full_name="Good Mentor", department=w.sales, mentor_capacity=3)
    poor = make_person(full_name="Poor Mentor", department=w.sales, mentor_capacity=3)
    Enrolment = w.program.enrolments.model
    for mentor in (good, poor):
        Enrolment.objects.create(program=w.program, person=mentor, role="mentor")
    for i in range(10):
        p = make_person()
        Enrolment.objects.create(program=w.program, person=p, role="mentee")
        m = Mentorship.objects.create(program=w.program, mentee=p, mentor=good if i < 5 else poor,
                                      status="completed", origin="manual")
        _rate(w, m, 5 if i < 5 else 2, long_ago)
    newcomer = make_person(department=w.ops)
    pool = adapter.load_pool(w.program, mentees=[newcomer], mentors=[poor, good])
    assert list(pool.mentor_profiles.rating) == [2.0, 5.0]
    sm = score_matrix(pool.mentee_profiles, pool.mentor_profiles, adapter.weights_for(w.program))
    rating = sm.components[sm.criteria.index("rating")]
    assert rating[0, 1] > rating[0, 0]
    assert sm.total[0, 1] > sm.total[0, 0]
    # and the reason says so, in the mentee's words
    reasons = adapter.reason_sentences(pool, sm.explain(0, 1))
    assert "rated 5.0 of 5 by mentees" in reasons
