"""The library's pages: the resource list on the log page, sharing from the log and session pages,
the transcript on the session page, the search page, the private notes page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.mentorships import library_services, log_services
from tandem.mentorships.library_models import PrivateNote, Resource, Transcript
from tests.factories import actor_of
from tests.mentorships.library_fixtures import EXE, PDF, VTT, held_session, media  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def as_(client, person):
    client.force_login(person.user)
    return client


def test_the_log_page_lists_the_library_and_shares_a_file_and_a_link(client, active_pair):
    p = active_pair
    c = as_(client, p.mentor)
    url = f"/mentorships/{p.mentorship.pk}/library/share/"
    r = c.post(url, {"file": SimpleUploadedFile("Чек-лист.pdf", PDF), "title": ""}, follow=True)
    assert r.status_code == 200
    r = c.post(url, {"url": "https://hbr.org/x", "title": "Статья о переговорах"}, follow=True)
    body = r.content.decode()
    assert "Чек-лист.pdf" in body and "Статья о переговорах" in body
    assert f'href="/mentorships/{p.mentorship.pk}/library/' in body  # the file through the checked view
    assert "/media/" not in body
    assert Resource.objects.count() == 2
    page = as_(client, p.mentee).get(f"/mentorships/{p.mentorship.pk}/log/").content.decode()
    assert "Статья о переговорах" in page and p.mentor.full_name in page
    assert f"/mentorships/{p.mentorship.pk}/notes/" in page


def test_a_refused_file_on_the_page_says_why_and_changes_nothing(client, active_pair, media):
    p = active_pair
    r = as_(client, p.mentee).post(f"/mentorships/{p.mentorship.pk}/library/share/",
                                   {"file": SimpleUploadedFile("report.pdf", EXE)}, follow=True)
    assert r.status_code == 200
    assert "is not a .pdf file" in r.content.decode()
    assert Resource.objects.count() == 0
    assert not (media.exists() and any(f.is_file() for f in media.rglob("*")))
    r = as_(client, p.mentee).post(f"/mentorships/{p.mentorship.pk}/library/share/",
                                   {"url": "http://plain.example.com"}, follow=True)
    assert "https://" in r.content.decode() and Resource.objects.count() == 0


def test_hr_sees_the_summary_log_page_without_the_library(client, active_pair, hr_person):
    p = active_pair
    library_services.resource_share(mentorship=p.mentorship, actor=actor_of(p.mentee), url="https://x.org/",
                                    title="PRIVATE-TITLE")
    for who in (hr_person, p.owner):
        body = as_(client, who).get(f"/mentorships/{p.mentorship.pk}/log/").content.decode()
        assert "PRIVATE-TITLE" not in body and "Resource library" not in body
        assert 'name="q"' not in body  # no search box either


def test_the_session_page_takes_a_transcript_and_shows_it(client, active_pair):
    p = active_pair
    s = held_session(p)
    c = as_(client, p.mentee)
    r = c.post(f"/mentorships/{p.mentorship.pk}/log/sessions/{s.pk}/transcript/",
               {"file": SimpleUploadedFile("call.vtt", VTT.encode())}, follow=True)
    body = r.content.decode()
    assert "Анна: Давайте обсудим переговоры с поставщиком." in body
    assert "00:00:01.000" not in body
    assert Transcript.objects.get().session_id == s.pk
    r = c.post(f"/mentorships/{p.mentorship.pk}/log/sessions/{s.pk}/transcript/",
               {"file": SimpleUploadedFile("call.exe", EXE)}, follow=True)
    assert ".vtt, .srt, .txt or .docx" in r.content.decode()
    assert "Давайте обсудим" in Transcript.objects.get().text


def test_the_search_page_ranks_highlights_and_escapes(client, active_pair):
    p = active_pair
    s = held_session(p)
    log_services.session_update(session=s, actor=actor_of(p.mentor), advice="<img src=x> Готовьтесь к переговорам")
    body = as_(client, p.mentee).get(f"/mentorships/{p.mentorship.pk}/log/search/",
                                     {"q": "переговоры"}).content.decode()
    assert "<mark>переговорам</mark>" in body
    assert "<img src=x>" not in body and "&lt;img src=x&gt;" in body
    assert f"/log/sessions/{s.pk}/" in body
    empty = client.get(f"/mentorships/{p.mentorship.pk}/log/search/", {"q": "несуществующее"}).content.decode()
    assert "Nothing in this log matches" in empty
    assert client.get(f"/mentorships/{p.mentorship.pk}/log/search/", {"q": "x", "page": "abc"}).status_code == 200


def test_private_notes_page_create_edit_delete_by_the_author_only(client, active_pair):
    p = active_pair
    url = f"/mentorships/{p.mentorship.pk}/notes/"
    c = as_(client, p.mentee)
    r = c.post(url, {"text": "Спросить про бюджет"}, follow=True)
    assert "Спросить про бюджет" in r.content.decode()
    note = PrivateNote.objects.get()
    assert c.post(url, {"text": ""}).status_code == 422
    c.post(f"{url}{note.pk}/", {"text": "Спросить про бюджет и сроки"})
    assert PrivateNote.objects.get().text == "Спросить про бюджет и сроки"
    # the mentor has their own (empty) page, and cannot touch the mentee's note
    m = as_(client, p.mentor)
    assert "Спросить" not in m.get(url).content.decode()
    assert m.post(f"{url}{note.pk}/", {"delete": "1"}).status_code == 404
    assert PrivateNote.objects.count() == 1
    as_(client, p.mentee).post(f"{url}{note.pk}/", {"delete": "1"})
    assert PrivateNote.objects.count() == 0
