"""Who writes a survey template's next version: it changes what every program using the template asks
from then on, so HR, and the program manager who created it — not any program manager (a shipped
template has no creator: HR only). Others start a new template from its questions."""

from __future__ import annotations

import json

import pytest

from tandem.assessments import survey_services as svc
from tandem.assessments.models import SurveyTemplate
from tandem.core.errors import Forbidden
from tests.factories import actor_of

QUESTIONS = [{"code": "clear", "kind": "scale", "text": {"en": "The goals were clear."}}]


def _own(person, code="own_check"):
    return svc.survey_template_create(actor=actor_of(person), code=code, name={"en": "Own check"},
                                      questions=QUESTIONS)


def _form(text):
    return {"rows": "1", "q0_code": "clear", "q0_kind": "scale", "q0_required": "on", "q0_text_en": text}


def test_the_creator_is_recorded_and_they_and_hr_write_new_versions(survey_world):
    w = survey_world
    t = _own(w.owner)
    assert t.created_by == w.owner
    assert svc.survey_template_revise(template=t, actor=actor_of(w.owner), questions=QUESTIONS).number == 2
    assert svc.survey_template_revise(template=t, actor=actor_of(w.hr), questions=QUESTIONS).number == 3


@pytest.mark.parametrize("whose", ["shipped", "another_managers"])
def test_another_program_manager_cannot_version_it_anywhere_and_nothing_is_saved(client, survey_world, whose):
    w = survey_world
    t = SurveyTemplate.objects.get(code="program_nps") if whose == "shipped" else _own(w.other_pm)
    before = t.versions.count()
    with pytest.raises(Forbidden):
        svc.survey_template_revise(template=t, actor=actor_of(w.owner), questions=QUESTIONS)
    client.force_login(w.owner.user)
    page = client.get(f"/survey-templates/{t.pk}/")
    html = page.content.decode()
    # they read its versions, get no form for the next one, and a way to start their own
    assert page.status_code == 200 and "survey-version" in html
    assert "Save as a new version" not in html and f"/survey-templates/new/?from={t.pk}" in html
    assert client.post(f"/survey-templates/{t.pk}/", _form("Changed behind HR's back")).status_code == 403
    api = client.post(f"/api/survey-templates/{t.pk}/versions", json.dumps({"questions": QUESTIONS}),
                      content_type="application/json")
    assert api.status_code == 403 and "created this template" in api.json()["message"]
    assert t.versions.count() == before


def test_hr_versions_a_shipped_template_and_the_page_offers_them_the_form(client, survey_world):
    w = survey_world
    t = SurveyTemplate.objects.get(code="program_nps")
    client.force_login(w.hr.user)
    assert "Save as a new version" in client.get(f"/survey-templates/{t.pk}/").content.decode()
    assert client.post(f"/survey-templates/{t.pk}/", _form("Would you recommend it?")).status_code == 302
    assert t.versions.count() == 2


def test_a_new_template_starts_from_another_ones_questions(client, survey_world):
    w = survey_world
    t = SurveyTemplate.objects.get(code="program_nps")
    client.force_login(w.owner.user)
    html = client.get(f"/survey-templates/new/?from={t.pk}").content.decode()
    latest = [q.code for q in t.versions.get().questions.order_by("order")]
    assert all(f'value="{code}"' in html for code in latest)
    assert client.get("/survey-templates/new/?from=999999").status_code == 404
    assert client.get("/survey-templates/new/?from=abc").status_code == 200  # ignored: a blank form
