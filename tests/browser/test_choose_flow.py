from __future__ import annotations

import pytest

from tandem.mentorships.models import Mentorship, MentorshipStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_mentee_picks_a_recommended_mentor_who_accepts_and_both_confirm(page, sign_in, choose_program, browser, live_server):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    mentee.user.username, mentor.user.username = "mentee1", "mentor1"
    mentee.user.save(), mentor.user.save()
    # the mentee sees three recommendations with reasons and requests one
    sign_in("mentee1")
    page.goto(f"/programs/{program.pk}/recommendations/")
    assert page.locator("article.card").count() == 3
    card = page.locator("article.card", has_text=mentor.full_name)
    assert card.locator("ul.reasons li").count() >= 1
    card.locator("textarea").fill("Could we talk about planning?")
    card.locator("button[type=submit]").click()
    page.wait_for_selector("text=Waiting for the mentor to answer your request.")
    # the mentor accepts
    ctx = browser.new_context(base_url=live_server.url)
    mpage = ctx.new_page()
    mpage.goto("/accounts/login/")
    mpage.fill("#id_username", "mentor1")
    mpage.fill("#id_password", "pw-123456")
    mpage.click("button[type=submit]")
    mpage.wait_for_url("**/")
    mpage.goto(f"/programs/{program.pk}/requests/")
    assert "Could we talk about planning?" in mpage.inner_text("main")
    mpage.click("button:has-text('Accept')")
    mpage.wait_for_selector("text=Accepted.")
    mpage.click("button:has-text(\"Confirm: let's start\")")
    mpage.wait_for_selector("text=Waiting for the other side.")
    ctx.close()
    # the mentee confirms and the mentorship starts
    page.goto(f"/programs/{program.pk}/recommendations/")
    page.click("button:has-text(\"Confirm: let's start\")")
    page.wait_for_selector("text=The mentorship has started.")
    assert Mentorship.objects.get().status == MentorshipStatus.ACTIVE
