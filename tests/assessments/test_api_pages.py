"""The API and pages speak the rules: codes and statuses, nothing saved on bad input, results
without aggregates below the threshold on the page, the API and the export."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from tandem.assessments import survey_services, teachback_services
from tandem.assessments.models import SurveyTemplate, TeachBackScore
from tests.factories import actor_of


@pytest.fixture
def live(tb_world):
    w = tb_world
    now = timezone.now()
    tb = teachback_services.teachback_schedule(
        program=w.program, actor=actor_of(w.owner), trainee_id=w.tom.pk, topic="Delegation",
        competency_id=w.competency.pk, starts_at=now - datetime.timedelta(hours=1), room="R4",
        audience_ids=[p.pk for p in w.learners], now=now - datetime.timedelta(days=1))
    return w, tb


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _codes(w):
    return [c.code for c in teachback_services.RubricCriterion.objects.filter(program=w.program)]


@pytest.mark.parametrize("scores", [{"clarity": 6}, {"clarity": "5"}, {"clarity": True}, {"clarity": 10**30},
                                    {"clarity": 0}])
def test_api_refuses_bad_scores_and_saves_nothing(client, live, scores):
    w, tb = live
    client.force_login(w.learners[0].user)
    r = _post(client, f"/api/teach-backs/{tb.pk}/scores", {"scores": {**dict.fromkeys(_codes(w), 4), **scores}})
    assert r.status_code in (400, 422) and r.json()["code"] == "validation_failed"
    assert not TeachBackScore.objects.exists()


def test_api_scores_once_then_409_already_scored(client, live):
    w, tb = live
    client.force_login(w.learners[0].user)
    body = {"scores": dict.fromkeys(_codes(w), 5)}
    assert _post(client, f"/api/teach-backs/{tb.pk}/scores", body).status_code == 201
    r = _post(client, f"/api/teach-backs/{tb.pk}/scores", body)
    assert r.status_code == 409 and r.json()["code"] == "already_scored"


def test_api_result_has_mean_pass_distribution_and_gaps(client, live):
    w, tb = live
    for learner in w.learners:
        teachback_services.teachback_score(teach_back=tb, actor=actor_of(learner), values=dict.fromkeys(_codes(w), 5))
    teachback_services.teachback_question_log(teach_back=tb, actor=actor_of(w.tom), text="Budget rules?",
                                              unanswered=True)
    client.force_login(w.tom.user)
    r = client.get(f"/api/teach-backs/{tb.pk}/result").json()
    assert (r["final"], r["passed"], r["mean"], r["attempt"], r["scorers"]) == (True, True, 5.0, 1, 6)
    assert r["criteria"][0]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 6}
    assert [g["text"] for g in r["gaps"]] == ["Budget rules?"]
    slots = client.get(f"/api/programs/{w.program.pk}/teach-backs").json()
    assert slots[0]["attempt"] == 1 and len(slots[0]["audience"]) == 6 and slots[0]["trainee"]["id"] == w.tom.pk


def test_scoring_page_form_works_and_shows_errors(client, live):
    w, tb = live
    client.force_login(w.learners[1].user)
    page = client.get(f"/teach-backs/{tb.pk}/").content.decode()
    assert 'type="radio" name="clarity" value="5"' in page
    r = client.post(f"/teach-backs/{tb.pk}/score/", {"clarity": "9"})
    assert r.status_code == 400 and not TeachBackScore.objects.exists()
    r = client.post(f"/teach-backs/{tb.pk}/score/", dict.fromkeys(_codes(w), "4"))
    assert r.status_code == 302 and TeachBackScore.objects.count() == 1
    assert "You have scored this teach-back" in client.get(f"/teach-backs/{tb.pk}/").content.decode()


def test_organiser_schedules_from_the_page_on_an_offered_day(client, tb_world):
    w = tb_world
    client.force_login(w.owner.user)
    page = client.get(f"/programs/{w.program.pk}/teach-backs/").content.decode()
    day48 = w.program.day_date(48).isoformat()
    assert f'value="{day48}"' in page
    r = client.post(f"/programs/{w.program.pk}/teach-backs/new/", {
        "trainee": w.rachel.pk, "topic": "Feedback", "competency": w.competency.pk, "day": day48, "time": "10:00",
        "length_minutes": 180, "room": "R2", "audience": [p.pk for p in w.learners[:3]]})
    assert r.status_code == 302, r.content.decode()[:2000]
    r = client.post(f"/programs/{w.program.pk}/teach-backs/new/", {
        "trainee": w.rachel.pk, "topic": "Feedback", "competency": w.competency.pk, "day": day48, "time": "11:00",
        "length_minutes": 180, "room": "R2", "audience": [w.rachel.pk]})
    assert r.status_code == 400 and "own audience" in r.content.decode()


def test_below_threshold_nothing_on_page_api_or_export(client, tb_world):
    w = tb_world
    s = survey_services.survey_send(template=SurveyTemplate.objects.get(code="program_nps"), actor=actor_of(w.owner),
                                    program=w.program)
    for p in w.learners[:3]:
        survey_services.survey_respond(survey=s, actor=actor_of(p), answers={"recommend": 10, "why": "SECRET-WHY"})
    survey_services.survey_close(survey=s, actor=actor_of(w.owner))
    client.force_login(w.owner.user)
    api = client.get(f"/api/surveys/{s.pk}/results").json()
    assert api["shown"] is False and api["reason"] == "below_threshold"
    assert not {"questions", "breakdown", "mean", "nps"} & set(api)
    api = client.get(f"/api/surveys/{s.pk}/results?breakdown=department").json()
    assert "breakdown" not in api and "questions" not in api
    page = client.get(f"/surveys/{s.pk}/results/").content.decode()
    assert "Not enough answers yet" in page and "SECRET-WHY" not in page and "promoters" not in page
    csv = client.get(f"/surveys/{s.pk}/results.csv").content.decode()
    assert "SECRET-WHY" not in csv and "10" not in csv.split("\n", 1)[1]


def test_survey_answer_page_and_double_answer(client, tb_world):
    w = tb_world
    s = survey_services.survey_send(template=SurveyTemplate.objects.get(code="participant_satisfaction"),
                                    actor=actor_of(w.owner), program=w.program)
    client.force_login(w.learners[0].user)
    assert "Anonymous" in client.get(f"/surveys/{s.pk}/").content.decode()
    r = client.post(f"/surveys/{s.pk}/", {"overall": "7", "useful": "4", "organisation": "well"})
    assert r.status_code == 400 and "from 1 to 5" in r.content.decode()
    r = client.post(f"/surveys/{s.pk}/", {"overall": "5", "useful": "4", "organisation": "well", "helped": ["plan"]})
    assert r.status_code == 302
    r = client.post(f"/surveys/{s.pk}/", {"overall": "5", "useful": "4", "organisation": "well"})
    assert r.status_code == 409
