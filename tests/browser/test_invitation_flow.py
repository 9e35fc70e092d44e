"""An invited person chooses a password from the e-mail's link and is signed in (issue 14 §1)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_invites_a_newcomer_from_the_invitations_page_and_they_sign_in(page, sign_in, browser, live_server):
    PersonFactory(user=UserFactory(username="hr", groups=["hr_admin"]), full_name="Helen HR")
    newcomer = PersonFactory(full_name="Nina Park", email="nina.park@example.com", employee_id="N-77")
    sign_in("hr")
    page.click("nav >> text=Invitations")
    page.fill("textarea[name=employee_ids]", "n-77")  # whatever the case
    page.once("dialog", lambda dialog: dialog.accept())  # "Send the invitations now?"
    page.click("button:has-text('Send invitations')")
    page.wait_for_selector("text=Invitations sent: 1 new")
    assert "Nina Park" in page.inner_text("table")
    assert "Waiting" in page.inner_text("table")

    link = re.search(r"http://\S+/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    other = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    other.goto("/" + path)
    assert "nina.park@example.com" in other.inner_text("main")
    other.fill("#id_password1", "short")
    other.fill("#id_password2", "short")
    other.click("button[type=submit]")
    other.wait_for_selector(".errorlist")  # too short: said in place
    other.fill("#id_password1", "a-long-Passphrase-9")
    other.fill("#id_password2", "a-long-Passphrase-9")
    other.click("button[type=submit]")
    other.wait_for_selector("text=Your password is set")
    assert "Nina Park" in other.inner_text("header")
    newcomer.refresh_from_db()
    assert newcomer.user is not None

    page.reload()
    assert "Accepted" in page.inner_text("table")
