"""The coaching log's library in Chromium: the mentor records Russian advice on a held session,
uploads its transcript and shares a file; the mentee finds the session by searching in Russian
(another form of the word) and in Chinese (a word inside unspaced text), sees the match marked,
opens the session and downloads the file; a private note stays the mentee's own."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.mentorships.log_models import Session, SessionStatus
from tests.mentorships.conftest import active_pair, make_pair  # noqa: F401  (fixtures)
from tests.mentorships.library_fixtures import PDF

pytestmark = pytest.mark.django_db(transaction=True)

VTT = """WEBVTT

00:00:01.000 --> 00:00:05.000
<v Mentor>我们今天练习谈判技巧。

00:00:05.500 --> 00:00:09.000
<v Mentee>好的，我准备了问题。
"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _as(browser, live_server, person):
    context = browser.new_context(base_url=live_server.url, locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", person.user.username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def test_a_search_in_russian_and_in_chinese_finds_the_session(browser, live_server, active_pair):
    p = active_pair
    m = p.mentorship
    s = Session.objects.create(mentorship=m, starts_at=timezone.now() - datetime.timedelta(days=1),
                               duration_minutes=60, status=SessionStatus.HELD, created_by=p.mentor)
    session_url = f"/mentorships/{m.pk}/log/sessions/{s.pk}/"

    # the mentor records advice in Russian, uploads the transcript and attaches a file
    mentor = _as(browser, live_server, p.mentor)
    mentor.goto(session_url)
    mentor.fill("#a", "Перед переговорами запишите цель и границу.")
    mentor.click("#advice button[type=submit]")
    mentor.wait_for_selector("#advice .log-text")
    mentor.set_input_files("#transcript-file", files=[{"name": "call.vtt", "mimeType": "text/vtt",
                                                        "buffer": VTT.encode()}])
    mentor.click("#transcript button[type=submit]")
    mentor.wait_for_selector(".transcript-text")
    assert "Mentor: 我们今天练习谈判技巧。" in mentor.inner_text(".transcript-text")
    assert "00:00:01" not in mentor.inner_text(".transcript-text")
    mentor.click("#library summary")
    mentor.set_input_files("#library input[type=file]", files=[{"name": "Чек-лист.pdf", "mimeType": "application/pdf",
                                                                 "buffer": PDF}])
    mentor.click("#library form button[type=submit]")
    mentor.wait_for_selector("#library .library-list a")
    assert "Чек-лист.pdf" in mentor.inner_text("#library")

    # the mentee searches the log in Russian: another form of the word finds the session
    mentee = _as(browser, live_server, p.mentee)
    mentee.goto(f"/mentorships/{m.pk}/log/")
    assert "Чек-лист.pdf" in mentee.inner_text("#library")
    mentee.fill("#log-q", "переговоры")
    mentee.press("#log-q", "Enter")
    mentee.wait_for_selector(".search-hit")
    hit = mentee.locator(".search-hit.kind-session")
    assert hit.locator("mark").first.inner_text() == "переговорами"

    # …and in Chinese: a word inside text written without spaces
    mentee.fill("#log-q", "谈判")
    mentee.press("#log-q", "Enter")
    mentee.wait_for_selector(".search-hit.kind-transcript")
    assert mentee.locator(".search-hit.kind-transcript mark").first.inner_text() == "谈判"
    mentee.click(".search-hit.kind-transcript a")
    mentee.wait_for_url(f"**{session_url}*")
    assert "我们今天练习谈判技巧" in mentee.inner_text(".transcript-text")

    # the attached file downloads (as an attachment, never shown inline)
    with mentee.expect_download() as dl:
        mentee.click("#library .library-list a")
    assert dl.value.suggested_filename == "Чек-лист.pdf"
    with open(dl.value.path(), "rb") as fh:
        assert fh.read() == PDF

    # a private note is the mentee's own
    mentee.goto(f"/mentorships/{m.pk}/notes/")
    mentee.fill("#id_text", "Спросить про переговоры с поставщиком")
    mentee.click("form[action$='/notes/'] button[type=submit]")
    mentee.wait_for_selector(".private-note")
    mentor.goto(f"/mentorships/{m.pk}/log/search/?q=поставщиком")
    assert "Nothing in this log matches" in mentor.inner_text("main")
    mentor.goto(f"/mentorships/{m.pk}/notes/")
    assert "Спросить" not in mentor.inner_text("main")
