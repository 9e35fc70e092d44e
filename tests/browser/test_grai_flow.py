"""GRAI reviews in Chromium: the mentee writes a review from the mentorship page's link, the mentor
comments, the mentee sees the comment (and its notification); the program's manager sees who is
behind — without the texts."""

from __future__ import annotations

import pytest

from tandem.mentorships.models import Mentorship
from tests.mentorships.conftest import active_pair, make_pair

_FIXTURES = (active_pair, make_pair)  # pytest finds them by name

pytestmark = pytest.mark.django_db(transaction=True)


def _as(browser, live_server, person):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", person.user.username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def test_the_mentee_writes_the_mentor_comments_and_the_program_sees_who_is_behind(browser, live_server, make_pair):
    p, late = make_pair(), make_pair()
    Mentorship.objects.filter(pk=late.mentorship.pk).update(program=p.program)  # a second pair, silent
    m = p.mentorship

    # the mentee opens GRAI from the mentorship page and writes this week's review
    mentee = _as(browser, live_server, p.mentee)
    mentee.goto(f"/mentorships/{m.pk}/")
    mentee.click(".grai-slot a")
    mentee.wait_for_url(f"**/mentorships/{m.pk}/grai/")
    mentee.fill("#id_goal", "Handle the returns queue alone")
    mentee.fill("#id_result", "One day alone, help needed on day two")
    mentee.fill("#id_analysis", "Refund rules for damaged goods")
    mentee.fill("#id_insight", "Learn the three common refund cases first")
    mentee.click(".grai-form button[type=submit]")
    mentee.wait_for_selector(".grai-review .grai-insight")
    assert "Learn the three common refund cases first" in mentee.inner_text(".grai-review .grai-insight")

    # the mentor comments
    mentor = _as(browser, live_server, p.mentor)
    mentor.goto(f"/mentorships/{m.pk}/grai/")
    mentor.fill(".grai-comment-form textarea", "Good insight: let's go through them on Thursday.")
    mentor.click(".grai-comment-form button[type=submit]")
    mentor.wait_for_selector(".grai-comment")

    # the mentee sees the comment, and a notification leads there
    mentee.goto("/notifications/")
    mentee.click(f"a[href*='/mentorships/{m.pk}/grai/']")
    mentee.wait_for_selector(".grai-comment")
    assert "let's go through them on Thursday" in mentee.inner_text(".grai-comment")

    # the program's manager: the silent pair first, dates and counts only
    owner = _as(browser, live_server, p.owner)
    owner.goto(f"/programs/{p.program.pk}/")
    owner.click(".grai-slot a")
    owner.wait_for_selector("table.grai-behind")
    rows = owner.locator("table.grai-behind tbody tr")
    assert rows.count() == 2
    assert late.mentee.full_name in rows.nth(0).inner_text()
    assert p.mentee.full_name in rows.nth(1).inner_text() and "written" in rows.nth(1).inner_text()
    assert "refund" not in owner.content().lower()
