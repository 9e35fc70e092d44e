"""Survey template editing: new templates and new versions (texts in en / zh-hans / ru, threshold
at least 3), clear field errors, old versions read-only, sent surveys keep their version."""

from __future__ import annotations

import pytest
from django.utils import translation

from tandem.assessments import survey_services as svc
from tandem.assessments.models import SurveyQuestion, SurveyTemplate, SurveyTemplateVersion
from tandem.core.errors import Forbidden, ValidationFailed
from tests.factories import actor_of

QUESTIONS = [
    {"code": "clear", "kind": "scale", "text": {"en": "The goals were clear.", "zh-hans": "目标清晰。",
                                                 "ru": "Цели были понятны."}},
    {"code": "format", "kind": "single", "required": False, "text": {"en": "Which format suited you?"},
     "choices": [{"code": "online", "label": {"en": "Online", "ru": "Онлайн"}},
                 {"code": "office", "label": {"en": "In the office", "zh-hans": "线下"}}]},
]


def create(person, **kw):
    args = {"code": "onboarding_check", "name": {"en": "Onboarding check", "zh-hans": "入职检查", "ru": "Проверка адаптации"},
            "description": {"en": "A short check."}, "purpose": "other", "anonymous": True, "threshold": 4,
            "questions": QUESTIONS} | kw
    return svc.survey_template_create(actor=actor_of(person), **args)


def test_a_new_template_has_version_1_with_its_texts_in_three_languages(hr_person):
    t = create(hr_person)
    v = t.versions.get()
    assert (v.number, t.threshold, t.anonymous) == (1, 4, True)
    clear, fmt = v.questions.order_by("order")
    with translation.override("ru"):
        assert (t.tr("name"), clear.tr("text"), fmt.choice_list()) == (
            "Проверка адаптации", "Цели были понятны.", [("online", "Онлайн"), ("office", "In the office")])
    with translation.override("zh-hans"):
        assert (t.tr("name"), clear.tr("text"), fmt.choice_list()[1]) == ("入职检查", "目标清晰。", ("office", "线下"))
    assert fmt.required is False and clear.required is True


@pytest.mark.parametrize("kw,field", [
    ({"threshold": 2}, "threshold"),
    ({"threshold": "five"}, "threshold"),
    ({"code": "Not a slug!"}, "code"),
    ({"code": "program_nps"}, "code"),  # taken by a shipped template
    ({"name": {"ru": "Только по-русски"}}, "name.en"),
    ({"name": {"en": "Bad\x00name"}}, "name.en"),
    ({"purpose": "nonsense"}, "purpose"),
    ({"purpose": "mentor_effectiveness", "anonymous": False}, "anonymous"),
    ({"questions": []}, "questions"),
    ({"questions": ["not an object"]}, "questions.0"),
    ({"questions": [{"code": "a", "kind": "slider", "text": "Q"}]}, "questions.0.kind"),
    ({"questions": [{"code": "a", "kind": "scale", "text": ""}]}, "questions.0.text.en"),
    ({"questions": [{"code": "a", "kind": "scale", "text": "Q\x00"}]}, "questions.0.text.en"),
    ({"questions": [{"code": "a", "kind": "scale", "text": "Q"}, {"code": "a", "kind": "text", "text": "R"}]},
     "questions.1.code"),
    ({"questions": [{"code": "a", "kind": "single", "text": "Q", "choices": [{"code": "x", "label": "X"}]}]},
     "questions.0.choices"),
    ({"questions": [{"code": "a", "kind": "multiple", "text": "Q",
                     "choices": [{"code": "x", "label": "X"}, {"code": "x", "label": "Y"}]}]}, "questions.0.choices.1.code"),
    ({"questions": [{"code": "a", "kind": "scale", "text": "Q", "choices": [{"code": "x", "label": "X"}]}]},
     "questions.0.choices"),
])
def test_bad_templates_are_refused_field_by_field_and_save_nothing(hr_person, kw, field):
    before = (SurveyTemplate.objects.count(), SurveyTemplateVersion.objects.count())
    with pytest.raises(ValidationFailed) as e:
        create(hr_person, **kw)
    assert field in e.value.errors, e.value.errors
    assert (SurveyTemplate.objects.count(), SurveyTemplateVersion.objects.count()) == before


def test_a_new_version_leaves_the_old_one_and_its_surveys_as_they_were(hr_person, survey_world):
    w = survey_world
    t = create(w.owner)  # the program manager who created it writes its next version
    first = svc.survey_send(template=t, actor=actor_of(w.owner), program=w.program)
    v2 = svc.survey_template_revise(template=t, actor=actor_of(w.owner), questions=[
        {"code": "clear", "kind": "scale", "text": {"en": "The goals were clear to me."}}])
    second = svc.survey_send(template=t, actor=actor_of(w.owner), program=w.program)
    assert (first.version.number, second.version.number, v2.number) == (1, 2, 2)
    assert list(SurveyQuestion.objects.filter(version=first.version).values_list("text", flat=True)) == [
        "The goals were clear.", "Which format suited you?"]
    svc.survey_respond(survey=first, actor=actor_of(w.mentees[0]), answers={"clear": 5, "format": "online"})


def test_only_hr_and_program_managers_edit_templates(survey_world):
    w = survey_world
    for person in (w.mentees[0], w.mentor_a, w.outsider):
        with pytest.raises(Forbidden):
            create(person)
        with pytest.raises(Forbidden):
            svc.survey_template_revise(template=SurveyTemplate.objects.get(code="program_nps"), actor=actor_of(person),
                                       questions=QUESTIONS)
    assert create(w.other_pm).code == "onboarding_check"  # a program manager who owns nothing: templates are shared


# -- the pages --------------------------------------------------------------------------------------


def _form(rows, **meta):
    data = {"rows": str(len(rows)), **meta}
    for i, r in enumerate(rows):
        for k, v in r.items():
            data[f"q{i}_{k}"] = v
    return data


def test_hr_creates_a_template_on_its_page(client, hr_person):
    client.force_login(hr_person.user)
    assert client.get("/survey-templates/new/").status_code == 200
    r = client.post("/survey-templates/new/", _form(
        [{"code": "fit", "kind": "single", "required": "on", "text_en": "How did the pairing fit?",
          "text_ru": "Подошла ли пара?", "choices": "good | Good | 好 | Хорошо\npoor | Poorly"},
         {"code": "", "kind": "", "text_en": "", "choices": ""}],  # an empty row is dropped
        code="pair_fit", name_en="Pair fit", name_zh="配对", name_ru="Подбор пары", purpose="other",
        anonymous="on", threshold="5"))
    t = SurveyTemplate.objects.get(code="pair_fit")
    assert r.status_code == 302 and r["Location"] == f"/survey-templates/{t.pk}/"
    q = t.versions.get().questions.get()
    assert (q.kind, q.required, q.translations) == ("single", True, {"ru": {"text": "Подошла ли пара?"}})
    assert q.choices == [{"code": "good", "label": "Good", "translations": {"zh-hans": "好", "ru": "Хорошо"}},
                         {"code": "poor", "label": "Poorly", "translations": {}}]
    page = client.get(f"/survey-templates/{t.pk}/").content.decode()
    assert "How did the pairing fit?" in page and "v1" in page


def test_the_template_page_says_which_question_is_wrong_and_keeps_what_was_typed(client, hr_person):
    client.force_login(hr_person.user)
    r = client.post("/survey-templates/new/", _form(
        [{"code": "ok", "kind": "scale", "text_en": "Fine question"},
         {"code": "bad", "kind": "single", "text_en": "Long " * 61, "choices": "only | One"}],
        code="x_form", name_en="X", purpose="other", threshold="2"))
    page = r.content.decode()
    assert r.status_code == 422
    assert "Question 2 · question · en: Keep this under 300 characters." in page
    assert "Question 2 · choices: Give from 2 to 20 choices." in page
    assert "smallest group shown: The smallest group shown is a number from 3 to 100." in page
    assert 'value="Fine question"' in page
    assert not SurveyTemplate.objects.filter(code="x_form").exists()


def test_a_new_version_on_the_page_starts_from_the_latest_and_keeps_the_old_one_read_only(client, survey_world):
    w = survey_world
    t = SurveyTemplate.objects.get(code="program_nps")
    client.force_login(w.hr.user)  # a shipped template: HR writes its next version
    page = client.get(f"/survey-templates/{t.pk}/").content.decode()
    assert 'name="q0_code" value="recommend"' in page  # the form starts from v1's questions
    data = _form([{"code": "recommend", "kind": "nps", "required": "on", "text_en": "Would you recommend it?"}])
    r = client.post(f"/survey-templates/{t.pk}/", data)
    assert r.status_code == 302
    assert list(t.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    v1 = t.versions.get(number=1)
    assert v1.questions.count() == 2  # unchanged: v1 had "recommend" and "why"
    assert t.versions.get(number=2).questions.get().text == "Would you recommend it?"
