"""The plan written together, in a browser on a 390 px phone, with the keyboard for the editor:
needs → draft → comment → revise → both confirm → the mentee ticks a milestone → both see progress."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.mentorships.plan_models import GoalMilestone, PlanVersion
from tests.mentorships.conftest import active_pair, make_pair  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair(request):
    return request.getfixturevalue("active_pair")


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def open_as(person):
        ctx = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 390, "height": 844})
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.set_default_timeout(10_000)
        pg.goto("/accounts/login/")
        pg.fill("#id_username", person.user.username)
        pg.fill("#id_password", "pw-123456")
        pg.click("button[type=submit]")
        pg.wait_for_url("**/")
        return pg

    yield open_as
    for ctx in contexts:
        ctx.close()


def no_horizontal_scroll(pg) -> bool:
    return pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_plan_loop_on_a_phone(phone, pair):
    p = pair
    plan_url = f"/mentorships/{p.mentorship.pk}/plan/"
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()

    # the mentee sends their needs (largest gaps already ticked)
    mentee = phone(p.mentee)
    mentee.goto(plan_url)
    mentee.get_by_role("link", name="Fill in your needs").click()
    assert mentee.locator(f'input[value="{p.competencies[0].code}"]').is_checked()
    mentee.fill("textarea[name=text]", "I want to run the weekly stand-up.")
    mentee.get_by_role("button", name="Send to my mentor").click()
    mentee.wait_for_url(f"**{plan_url}")

    # the mentor drafts a goal with its first milestone, with the keyboard only
    mentor = phone(p.mentor)
    mentor.goto(plan_url)
    mentor.get_by_role("link", name="Draft the plan").click()
    assert "I want to run the weekly stand-up." in mentor.content()
    mentor.focus("#id_new-title")
    mentor.keyboard.type("Run the stand-up")
    mentor.keyboard.press("Tab")  # competency: preselected from the needs
    mentor.keyboard.press("Tab")  # target level
    mentor.keyboard.press("Tab")
    mentor.keyboard.type("Watch three stand-ups")
    mentor.keyboard.press("Tab")
    mentor.fill("#id_new-due_on", due)
    mentor.focus("#id_new-due_on")
    mentor.keyboard.press("Enter")
    mentor.wait_for_selector("text=Goal added.")
    assert no_horizontal_scroll(mentor)

    # the mentee comments on the milestone; the mentor revises it
    ms = GoalMilestone.objects.get()
    mentee.goto(plan_url)
    mentee.locator(f"#ms-{ms.pk} summary", has_text="Comment on this milestone").click()
    mentee.fill(f"#ms-{ms.pk} textarea", "Could it be two stand-ups?")
    mentee.locator(f"#ms-{ms.pk}").get_by_role("button", name="Add comment").click()
    mentee.wait_for_selector("text=Comment added.")
    mentor.goto(f"{plan_url}edit/")
    assert "Could it be two stand-ups?" in mentor.content()
    mentor.fill(f"#id_m{ms.pk}-title", "Watch two stand-ups")
    mentor.locator(f"#ms-{ms.pk}").get_by_role("button", name="Save").click()
    mentor.wait_for_selector("text=Saved.")

    # both confirm: version 1
    mentee.goto(plan_url)
    assert "Confirming means" in mentee.content()
    mentee.get_by_role("button", name="Confirm the plan").click()
    mentee.wait_for_selector("text=Waiting for the other side")
    mentor.goto(plan_url)
    mentor.get_by_role("button", name="Confirm the plan").click()
    mentor.wait_for_selector("text=Confirmed by both of you")
    assert PlanVersion.objects.get().content["goals"][0]["milestones"][0]["title"] == "Watch two stand-ups"

    # the mentee ticks the milestone (the checkbox submits its form); both see the progress
    mentee.goto(plan_url)
    mentee.check(f"#done-{ms.pk}")
    mentee.wait_for_selector("text=Saved.")
    assert "1 of 1 milestone done (100%)" in mentee.content()
    assert no_horizontal_scroll(mentee)
    mentor.goto(plan_url)
    assert "1 of 1 milestone done (100%)" in mentor.content()
    assert mentor.locator(f"#done-{ms.pk}").count() == 0  # the mentor has no checkbox

    # the line manager sees the summary: progress, not the comments
    manager = phone(p.line_manager)
    manager.goto(plan_url)
    assert "1 of 1 milestone done (100%)" in manager.content()
    assert "two stand-ups?" not in manager.content()
