"""Coaching prompts in Chromium: the mentor of a stuck pair sees open questions on the pair's page
(why they show, folded away with a click), folded on the log page; the mentee never sees them;
once the mentee completes an item the prompt goes away; the card fits a phone's width."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from tandem.mentorships import log_services
from tests.coaching.conftest import Log
from tests.mentorships.conftest import make_pair  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _as(browser, live_server, person, **context):
    ctx = browser.new_context(base_url=live_server.url, locale="en-US", **context)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", person.user.username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def test_the_mentor_of_a_stuck_pair_gets_open_questions(browser, live_server, make_pair):  # noqa: F811
    # the migrations' rules and texts (a transactional test before this one flushed them)
    import_module("tandem.coaching.migrations.0002_default_prompts").seed(apps, None)
    p = make_pair("active")
    log = Log(p)
    log.message("See you on Thursday.", by="mentor")
    first = log.item(title="Call the supplier")
    log.item(title="Write the summary")
    m = p.mentorship

    mentor = _as(browser, live_server, p.mentor)
    mentor.goto(f"/mentorships/{m.pk}/")
    card = mentor.locator(".coaching-prompts")
    assert "Open questions to get unstuck" in card.inner_text()
    assert "2 of the mentee's action items are overdue." in card.inner_text()
    question = card.get_by_text("What have you tried so far, and what happened?")
    assert question.is_visible()
    card.locator("summary").first.click()
    assert not question.is_visible()  # folded away for this visit

    mentor.goto(f"/mentorships/{m.pk}/log/")
    card = mentor.locator(".coaching-prompts")
    question = card.get_by_text("What have you tried so far, and what happened?")
    assert "Open questions to get unstuck" in card.inner_text() and not question.is_visible()
    card.locator("summary").first.click()
    assert question.is_visible()

    # the mentee sees neither the card nor the word
    mentee = _as(browser, live_server, p.mentee)
    for url in (f"/mentorships/{m.pk}/", f"/mentorships/{m.pk}/log/"):
        mentee.goto(url)
        assert mentee.locator(".coaching-prompts").count() == 0
        assert "unstuck" not in mentee.inner_text("main")

    # the mentee completes an item: one overdue item is not "stuck" any more
    log_services.action_item_update(item=first, actor=log.actor("mentee"), status="done")
    mentor.goto(f"/mentorships/{m.pk}/")
    assert "Nothing in the log calls for a coaching prompt right now." in mentor.inner_text(".coaching-prompts")


def test_the_prompt_fits_a_phone(browser, live_server, make_pair):  # noqa: F811
    import_module("tandem.coaching.migrations.0002_default_prompts").seed(apps, None)
    p = make_pair("active")
    log = Log(p)
    log.message("Hi", by="mentor")
    log.item(title="Call the supplier")
    log.item(title="Write the summary")
    phone = _as(browser, live_server, p.mentor, viewport={"width": 360, "height": 740})
    phone.goto(f"/mentorships/{p.mentorship.pk}/")
    card = phone.locator(".coaching-prompts")
    assert card.is_visible()
    box = card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360 + 1
    assert phone.evaluate("document.querySelector('.coaching-prompts').scrollWidth "
                          "<= document.querySelector('.coaching-prompts').clientWidth + 1")
