"""Competency reviews in Chromium: the program's manager opens a review, the mentee rates themselves,
the mentor rates the mentee from "My reviews", and the before/after chart shows the change on the
mentee's profile and on the program's review page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.assessments.review_models import ReviewAssignment
from tandem.people.models import CompetencyRating
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


def _rate(page, level: str) -> None:
    page.goto("/reviews/")
    page.click("text=Rate now")
    page.wait_for_selector(".review-form")
    for fieldset in page.query_selector_all(".review-q"):
        fieldset.query_selector(f"input[type=radio][value='{level}']").check()
    page.click(".review-submit")
    page.wait_for_url("**/reviews/")


def test_mentee_and_mentor_rate_and_the_before_after_chart_shows(browser, live_server, active_pair):
    p = active_pair
    today = timezone.localdate()

    owner = _as(browser, live_server, p.owner)
    owner.goto(f"/programs/{p.program.pk}/reviews/")
    owner.select_option("#id_kind", "follow_up")
    owner.fill("#id_opens_on", today.isoformat())
    owner.fill("#id_closes_on", (today + datetime.timedelta(days=10)).isoformat())
    owner.click("text=Open the review")
    owner.wait_for_url("**/reviews/campaigns/*/")
    assert ReviewAssignment.objects.filter(review__subject=p.mentee).count() == 3

    mentee = _as(browser, live_server, p.mentee)
    _rate(mentee, "3")
    assert CompetencyRating.objects.filter(person=p.mentee, source="self", rated_on=today).count() == 4

    mentor = _as(browser, live_server, p.mentor)
    _rate(mentor, "4")
    assert CompetencyRating.objects.filter(person=p.mentee, source="mentor", rated_by=p.mentor).count() == 4

    # the mentee's profile: rated 2 → 4 (the line manager's ratings of 40 days ago, then the mentor's)
    mentee.goto(f"/people/{p.mentee.employee_id}/")
    mentee.wait_for_selector(".reviews-slot svg .rated-after")
    assert "(+2)" in mentee.inner_text(".reviews-slot")

    owner.goto(f"/programs/{p.program.pk}/reviews/")
    owner.wait_for_selector(".review-change svg .rated-after")
    assert "n = 1" in owner.inner_text(".review-change")
