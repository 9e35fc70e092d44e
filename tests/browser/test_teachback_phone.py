"""The teach-back on a phone (390 × 844): an audience member scores with big buttons, the trainee
then sees the result, the distribution per criterion and their knowledge gaps; a survey below
the anonymity threshold says "not enough answers yet" and its API result has no aggregate."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.assessments import survey_services, teachback_services
from tandem.assessments.models import RubricCriterion, SurveyTemplate, TeachBack
from tandem.programs.models import Enrolment, Program
from tandem.programs.services import program_create_from_template
from tests.factories import CompetencyFactory, PersonFactory, UserFactory, actor_of

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _world():
    owner = PersonFactory(user=UserFactory(username="pm", groups=["program_manager"]), full_name="Paula Manager")
    program = program_create_from_template(template_code="new_manager_60", name="New managers",
                                           starts_on=timezone.localdate() - datetime.timedelta(days=45), owner=owner)
    Program.objects.filter(pk=program.pk).update(status="running")
    tom = PersonFactory(user=UserFactory(username="tom"), full_name="Tom Trainee")
    learners = [PersonFactory(user=UserFactory(username=f"learner{i}"), full_name=f"Lee Learner{i}") for i in range(5)]
    for p in (tom, *learners):
        Enrolment.objects.create(program=program, person=p, role="mentee")
    now = timezone.now()
    tb = teachback_services.teachback_schedule(
        program=program, actor=actor_of(owner), trainee_id=tom.pk, topic="Delegation",
        competency_id=CompetencyFactory(name="Coaching the team").pk, starts_at=now - datetime.timedelta(hours=1),
        room="Room 4", audience_ids=[p.pk for p in learners], now=now - datetime.timedelta(days=1))
    return program, owner, tom, learners, tb


def _phone(browser, live_server, username):
    ctx = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE, device_scale_factor=2,
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return ctx, page


def test_audience_scores_on_a_phone_then_the_trainee_sees_result_distribution_and_gaps(browser, live_server):
    program, owner, tom, learners, tb = _world()
    codes = [c.code for c in RubricCriterion.objects.filter(program=program).order_by("order")]

    # an audience member on a phone: logs a question the trainee could not answer, then scores
    ctx, page = _phone(browser, live_server, "learner0")
    page.goto("/assessments/")
    page.click("a.button:has-text('Delegation')")
    page.wait_for_selector("h1:has-text('Delegation')")
    page.fill("#id_text", "How do I delegate upwards?")
    page.check("#id_unanswered")
    page.click("button:has-text('Log the question')")
    page.wait_for_selector("text=Question logged")
    # big buttons, nothing wider than the screen
    box = page.locator(".tb-choice").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for code in codes:
        page.locator(f".tb-choice:has(input[name='{code}'][value='5'])").tap()
    page.click("button:has-text('Send my scores')")
    page.wait_for_selector("text=You have scored this teach-back")
    ctx.close()

    for learner, value in zip(learners[1:], (5, 4, 4, 5), strict=True):
        teachback_services.teachback_score(teach_back=tb, actor=actor_of(learner), values=dict.fromkeys(codes, value))
    assert TeachBack.objects.get(pk=tb.pk).status == "passed"

    # the trainee, on the same phone
    ctx, page = _phone(browser, live_server, "tom")
    page.goto(f"/teach-backs/{tb.pk}/result/")
    assert page.locator(".tb-verdict").inner_text() == "Passed"
    assert page.locator(".tb-mean .n").inner_text() == "4.60"
    first = page.locator(".tb-dist").first
    assert "n = 5" in first.inner_text()
    # the bars are drawn (widths set from data-width by tandem.js, no inline style in the HTML)
    widths = first.locator(".bar > span").evaluate_all("els => els.map(e => e.style.width)")
    assert widths[3] == "66.7%" and widths[4] == "100%"
    assert page.locator("#gaps").inner_text().count("How do I delegate upwards?") == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ctx.close()


def test_survey_below_threshold_shows_not_enough_answers_and_api_has_no_aggregate(browser, live_server):
    program, owner, tom, learners, tb = _world()
    survey_services.survey_templates_install()  # a transactional test flushed the data migration's rows
    s = survey_services.survey_send(template=SurveyTemplate.objects.get(code="program_nps"), actor=actor_of(owner),
                                    program=program)
    for p in learners[:2]:
        survey_services.survey_respond(survey=s, actor=actor_of(p), answers={"recommend": 9, "why": "HIDDEN"})
    survey_services.survey_close(survey=s, actor=actor_of(owner))
    ctx, page = _phone(browser, live_server, "pm")
    page.goto(f"/surveys/{s.pk}/results/")
    assert "Not enough answers yet" in page.locator(".survey-hidden").inner_text()
    assert "HIDDEN" not in page.content()
    body = page.request.get(f"/api/surveys/{s.pk}/results").json()
    assert body["shown"] is False and body["reason"] == "below_threshold"
    assert not {"questions", "breakdown", "mean", "nps", "distribution"} & set(body)
    ctx.close()
