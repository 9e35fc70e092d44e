"""Issue 10's journey, in Chromium: the mentee prepares questions for a scheduled session; the mentor
holds it and records advice and an action item for the mentee; the mentee sees the reminder in the
notification centre, completes the item, and both leave feedback; the month's in-depth duty turns
done; an @-mention notifies; a search in Russian and in Chinese finds the session."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.mentorships.log_models import Session
from tandem.notifications.reminders import reminders_send
from tandem.programs.models import CadenceDuty
from tests.factories import TopicFactory
from tests.mentorships.conftest import active_pair, make_pair  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def _as(browser, live_server, person):
    context = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", person.user.username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def test_a_week_between_meetings(browser, live_server, active_pair):
    p = active_pair
    m = p.mentorship
    CadenceDuty.objects.create(program=p.program, code="in-depth", name="Monthly in-depth session",
                               period="monthly", requirement="session_in_depth", required=True)
    TopicFactory(code="negotiation", name="Negotiation")
    first_name = p.mentee.full_name.split()[0]

    # the mentor schedules tomorrow's session on the topic
    mentor = _as(browser, live_server, p.mentor)
    mentor.goto(f"/mentorships/{m.pk}/log/")
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    mentor.fill("input[name=starts_at]", tomorrow.strftime("%Y-%m-%dT10:00"))
    mentor.check("input[name=topics][value=negotiation]")
    mentor.click("form[action$='/log/sessions/'] button[type=submit]")
    mentor.wait_for_selector("text=Session scheduled. The other side is told.")
    session = Session.objects.get(mentorship=m)

    # the mentee hears of it and prepares questions; this month's in-depth duty is still due
    mentee = _as(browser, live_server, p.mentee)
    mentee.goto(f"/mentorships/{m.pk}/duties/")
    assert mentee.locator("tr.duty-row-done").count() == 0
    assert mentee.locator("tr.duty-row-due").count() == 1
    mentee.goto("/notifications/")
    assert "session" in mentee.inner_text("main").lower()
    mentee.goto(f"/mentorships/{m.pk}/log/sessions/{session.pk}/")
    mentee.fill("#q", "Как вести переговоры с поставщиком? 我想练习谈判技巧")
    mentee.click("#questions button[type=submit]")
    mentee.wait_for_selector("#questions .log-text")

    # the session takes place (it is now an hour old), the mentor holds it and records advice + an item
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    mentor.goto(f"/mentorships/{m.pk}/log/sessions/{session.pk}/")
    assert "переговоры" in mentor.inner_text("#questions")
    mentor.click("button:has-text('Mark as held')")
    mentor.wait_for_selector(".session-status-held")
    mentor.fill("#a", "Перед переговорами составьте список уступок. 先列出可以让步的条件。")
    mentor.click("#advice button[type=submit]")
    mentor.wait_for_selector("#advice .log-text")
    due = timezone.localdate() + datetime.timedelta(days=1)
    items = mentor.locator("#items form")
    items.locator("input[name=title]").fill("List three concessions")
    items.locator("select[name=owner]").select_option("mentee")
    items.locator("input[name=due_on]").fill(due.isoformat())
    items.locator("button[type=submit]").click()
    mentor.wait_for_selector("#items li:has-text('List three concessions')")
    # and an @-mention in the log
    mentor.goto(f"/mentorships/{m.pk}/log/")
    mentor.fill("textarea[name=text]", f"@{first_name} the checklist is in our log")
    mentor.click("form[action$='/log/messages/'] button[type=submit]")
    mentor.wait_for_selector(".log-message:has-text('the checklist is in our log')")

    # the reminder job runs (the worker's periodic scheduler): the item is due tomorrow
    reminders_send()
    mentee.goto("/notifications/")
    centre = mentee.inner_text("main")
    assert "List three concessions" in centre
    assert "mentioned" in centre.lower()
    assert "due" in centre.lower()

    # the mentee completes the item and leaves feedback
    mentee.goto(f"/mentorships/{m.pk}/log/sessions/{session.pk}/")
    item = mentee.locator("#items li", has_text="List three concessions")
    item.locator("button:has-text('Done')").first.click()
    mentee.wait_for_selector("#items .item-done, #items :text('Done')")
    mentee.check("#feedback input[name=rating][value='5']")
    mentee.fill("#feedback input[name=text]", "Very useful")
    mentee.click("#feedback button[type=submit]")
    mentee.wait_for_selector("text=You will see the other side's feedback once they have answered.")

    mentor.goto(f"/mentorships/{m.pk}/log/sessions/{session.pk}/")
    mentor.check("#feedback input[name=rating][value='4']")
    mentor.fill("#feedback input[name=text]", "Well prepared")
    mentor.click("#feedback button[type=submit]")
    mentor.wait_for_selector("text=Very useful")  # both answered: each sees the other's

    # the month's in-depth duty is done, computed from the log
    mentee.goto(f"/mentorships/{m.pk}/duties/")
    assert mentee.locator("tr.duty-row-done").count() == 1
    assert mentee.locator("tr.duty-row-due").count() == 0

    # search in Russian (another form of the word) and in Chinese (no spaces) finds the session
    for query, expect in (("переговоров", "переговор"), ("谈判", "谈判")):
        mentee.goto(f"/mentorships/{m.pk}/log/")
        mentee.fill("#log-q", query)
        mentee.click("form.log-search button[type=submit]")
        mentee.wait_for_selector("mark")
        hits = mentee.inner_text("main")
        assert expect in hits
        assert mentee.locator(f"a[href*='/sessions/{session.pk}/']").count() >= 1
