"""The coaching log's library over the API: files and links shared by either side, checked by
extension and content, served only as attachments to the pair; transcripts read into text;
private notes their author's alone."""

from __future__ import annotations

import os

import pytest

from tandem.mentorships.library_models import LogSearchEntry, PrivateNote, Resource, Transcript
from tandem.mentorships.log_models import SessionStatus
from tandem.mentorships.models import MentorshipStatus
from tests.mentorships.library_fixtures import (  # noqa: F401  (fixtures)
    EXE,
    HTML,
    PDF,
    PNG,
    SRT,
    SVG,
    VTT,
    docx_bytes,
    held_session,
    library_events,
    media,
    upload,
)

pytestmark = pytest.mark.django_db


def as_(client, person):
    client.force_login(person.user)
    return client


def share_file(client, p, name, data, who=None, **extra):
    return as_(client, who or p.mentee).post(f"/api/mentorships/{p.mentorship.pk}/resources",
                                             {"file": upload(name, data), **extra})


def share_link(client, p, body, who=None):
    return as_(client, who or p.mentor).post(f"/api/mentorships/{p.mentorship.pk}/resources", body,
                                             content_type="application/json")


def stored_files(media):
    return [f for _root, _dirs, files in os.walk(media) for f in files] if media.exists() else []


# -- resources ---------------------------------------------------------------------------------------


def test_the_mentee_shares_a_file_the_mentor_is_told_and_downloads_it_as_an_attachment(
        client, active_pair, library_events, media, django_capture_on_commit_callbacks):
    p = active_pair
    with django_capture_on_commit_callbacks(execute=True):
        r = share_file(client, p, "Negotiation checklist.pdf", PDF, title="Checklist")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == "file" and body["title"] == "Checklist" and body["side"] == "mentee"
    assert body["file_name"] == "Negotiation checklist.pdf" and body["size"] == len(PDF)
    assert library_events == [("resource.shared", {
        "mentorship_id": p.mentorship.pk, "resource_id": body["id"], "kind": "file", "session_id": None,
        "actor_id": p.mentee.pk, "other_id": p.mentor.pk})]
    # stored under a random name, not the uploader's
    files = stored_files(media)
    assert len(files) == 1 and "Negotiation" not in files[0] and files[0].endswith(".pdf")

    listed = as_(client, p.mentor).get(f"/api/mentorships/{p.mentorship.pk}/resources").json()
    assert [x["id"] for x in listed["items"]] == [body["id"]]
    assert listed["items"][0]["shared_by_name"] == p.mentee.full_name

    got = client.get(body["download_url"])
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert got["Content-Disposition"].startswith("attachment;")
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Type"] == "application/pdf"
    assert "sandbox" in got["Content-Security-Policy"]
    page = client.get(f"/mentorships/{p.mentorship.pk}/library/{body['id']}/file/")
    assert page.status_code == 200 and page["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(("name", "data", "code"), [
    ("tool.exe", EXE, "file_type_refused"),
    ("page.html", HTML, "file_type_refused"),
    ("logo.svg", SVG, "file_type_refused"),
    ("report.pdf", EXE, "file_content_mismatch"),          # an executable named .pdf
    ("notes.txt", HTML, "file_content_mismatch"),          # an HTML page named .txt
    ("photo.png", PDF, "file_content_mismatch"),
    ("slides.docx", b"PK\x03\x04not really a zip", "file_content_mismatch"),
    ("macro.docx", docx_bytes(["x"], extra={"word/vbaProject.bin": b"\x00"}), "file_content_mismatch"),
    ("noext", PDF, "file_type_refused"),
])
def test_a_file_of_a_refused_type_or_whose_content_does_not_match_changes_nothing(client, active_pair, media, name,
                                                                                  data, code):
    r = share_file(client, active_pair, name, data)
    assert r.status_code == 422, r.content
    assert r.json()["code"] == code
    assert Resource.objects.count() == 0 and stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused(client, active_pair, media, settings):
    settings.LIBRARY_MAX_FILE_BYTES = 1000
    r = share_file(client, active_pair, "big.pdf", PDF + b"0" * 1000)
    assert r.status_code == 422 and r.json()["code"] == "file_too_large"
    assert Resource.objects.count() == 0 and stored_files(media) == []


@pytest.mark.parametrize(("name", "data"), [
    ("plan.docx", docx_bytes(["Plan"])), ("photo.png", PNG), ("notes.md", "# Заметки\n谈判".encode()),
    ("captions.vtt", VTT.encode()), ("captions.srt", SRT.encode()),
])
def test_allowed_files_are_accepted(client, active_pair, name, data):
    r = share_file(client, active_pair, name, data)
    assert r.status_code == 201, r.content


def test_links_must_be_https(client, active_pair):
    p = active_pair
    for url in ("http://example.com/a", "javascript:alert(1)", "https://", "ftp://x.org/f"):
        r = share_link(client, p, {"url": url})
        assert r.status_code == 422, (url, r.content)
    assert share_link(client, p, {"url": 1}).status_code == 422
    assert share_link(client, p, {"url": "https://x.org/\x07"}).status_code in (400, 422)
    assert Resource.objects.count() == 0
    r = share_link(client, p, {"url": "https://hbr.org/negotiation", "title": "Переговоры: статья"})
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "link" and r.json()["url"] == "https://hbr.org/negotiation"
    assert r.json()["download_url"] is None and r.json()["side"] == "mentor"


def test_a_resource_is_attached_to_a_session_of_this_log_only(client, active_pair, make_pair):
    p, other = active_pair, make_pair()
    s = held_session(p)
    theirs = held_session(other)
    r = share_link(client, p, {"url": "https://a.org/x", "session_id": s.pk})
    assert r.status_code == 201 and r.json()["session_id"] == s.pk
    r = share_file(client, p, "x.pdf", PDF, session_id=str(s.pk))
    assert r.status_code == 201 and r.json()["session_id"] == s.pk
    assert share_link(client, p, {"url": "https://a.org/y", "session_id": theirs.pk}).status_code == 404
    assert share_file(client, p, "x.pdf", PDF, session_id="abc").status_code == 422
    assert share_file(client, p, "x.pdf", PDF, session_id="99999999999999999999").status_code == 422
    assert Resource.objects.count() == 2


def test_only_the_sharer_removes_a_resource_and_its_file_goes(client, active_pair, media,
                                                               django_capture_on_commit_callbacks):
    p = active_pair
    rid = share_file(client, p, "x.pdf", PDF).json()["id"]
    assert as_(client, p.mentor).delete(f"/api/resources/{rid}").status_code == 403
    assert Resource.objects.count() == 1 and len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert as_(client, p.mentee).delete(f"/api/resources/{rid}").status_code == 204
    assert Resource.objects.count() == 0 and stored_files(media) == []
    assert not LogSearchEntry.objects.filter(kind="resource").exists()


def test_after_the_mentorship_ends_the_library_is_read_not_changed(client, active_pair):
    p = active_pair
    rid = share_file(client, p, "x.pdf", PDF).json()["id"]
    p.mentorship.status = MentorshipStatus.COMPLETED
    p.mentorship.save(update_fields=["status"])
    r = share_link(client, p, {"url": "https://a.org/x"})
    assert r.status_code == 409 and r.json()["code"] == "log_not_writable"
    assert as_(client, p.mentor).get(f"/api/resources/{rid}/file").status_code == 200
    assert Resource.objects.count() == 1


# -- transcripts -------------------------------------------------------------------------------------


def test_a_vtt_transcript_is_read_into_text_with_speakers_and_without_timestamps(
        client, active_pair, library_events, django_capture_on_commit_callbacks):
    p = active_pair
    s = held_session(p)
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(client, p.mentor).post(f"/api/sessions/{s.pk}/transcript", {"file": upload("call.vtt", VTT.encode())})
    assert r.status_code == 201, r.content
    text = r.json()["text"]
    assert text == "Анна: Давайте обсудим переговоры с поставщиком.\nWang Lei: 我们谈判技巧需要练习。"
    assert "-->" not in text and "NOTE" not in text
    assert library_events[0][0] == "transcript.added" and library_events[0][1]["other_id"] == p.mentee.pk
    assert as_(client, p.mentee).get(f"/api/sessions/{s.pk}/transcript").json()["format"] == "vtt"
    page = client.get(f"/mentorships/{p.mentorship.pk}/log/sessions/{s.pk}/")
    assert "Давайте обсудим переговоры" in page.content.decode()


def test_srt_and_docx_transcripts_and_a_new_upload_replaces_the_text(client, active_pair):
    p = active_pair
    s = held_session(p)
    url = f"/api/sessions/{s.pk}/transcript"
    r = as_(client, p.mentee).post(url, {"file": upload("call.srt", SRT.encode())})
    assert r.status_code == 201
    assert r.json()["text"] == "ANNA: We discussed negotiating with suppliers.\nNext steps agreed."
    r = as_(client, p.mentee).post(url, {"file": upload("notes.docx", docx_bytes(["Итоги встречи", "谈判技巧"]))})
    assert r.status_code == 201 and r.json()["text"] == "Итоги встречи\n谈判技巧"
    assert Transcript.objects.count() == 1


@pytest.mark.parametrize(("name", "data"), [
    ("call.vtt", b"not a vtt"), ("call.srt", b"hello"), ("call.txt", b"\xff\xfe\x00\xd8"), ("call.pdf", PDF),
    ("call.docx", b"PK\x03\x04broken"), ("call.txt", b"   "), ("call.txt", "caf\u00e9".encode("latin-1")),
    ("bomb.docx", docx_bytes(["<!DOCTYPE x>"]).replace(b"<?xml version=\"1.0\"?><w:document",
                                                        b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><w:document")),
])
def test_an_unreadable_transcript_is_refused_and_changes_nothing(client, active_pair, name, data):
    p = active_pair
    s = held_session(p)
    r = as_(client, p.mentor).post(f"/api/sessions/{s.pk}/transcript", {"file": upload(name, data)})
    assert r.status_code == 422, (name, r.content)
    assert Transcript.objects.count() == 0


def test_no_transcript_on_a_cancelled_session(client, active_pair):
    p = active_pair
    s = held_session(p)
    s.status = SessionStatus.CANCELLED
    s.save(update_fields=["status"])
    r = as_(client, p.mentor).post(f"/api/sessions/{s.pk}/transcript", {"file": upload("c.txt", b"hello")})
    assert r.status_code == 409 and Transcript.objects.count() == 0


# -- private notes -----------------------------------------------------------------------------------


def test_private_notes_are_seen_and_changed_by_their_author_only(client, active_pair, hr_person):
    p = active_pair
    base = f"/api/mentorships/{p.mentorship.pk}/notes"
    r = as_(client, p.mentee).post(base, {"text": "Мне страшно просить повышение"}, content_type="application/json")
    assert r.status_code == 201, r.content
    nid = r.json()["id"]
    assert [n["text"] for n in client.get(base).json()["items"]] == ["Мне страшно просить повышение"]
    # the mentor keeps their own list, and does not see the mentee's
    assert as_(client, p.mentor).get(base).json()["items"] == []
    assert client.patch(f"/api/notes/{nid}", {"text": "x"}, content_type="application/json").status_code == 404
    assert client.delete(f"/api/notes/{nid}").status_code == 404
    assert as_(client, hr_person).get(base).status_code == 403
    assert client.patch(f"/api/notes/{nid}", {"text": "x"}, content_type="application/json").status_code == 404
    assert PrivateNote.objects.get().text == "Мне страшно просить повышение"
    # the author edits and deletes
    r = as_(client, p.mentee).patch(f"/api/notes/{nid}", {"text": "Попросить в марте"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["text"] == "Попросить в марте"
    assert client.patch(f"/api/notes/{nid}", {"text": ""}, content_type="application/json").status_code == 422
    assert client.patch(f"/api/notes/{nid}", {"text": "a\x01b"}, content_type="application/json").status_code == 422
    assert client.delete(f"/api/notes/{nid}").status_code == 204
    assert PrivateNote.objects.count() == 0 and not LogSearchEntry.objects.filter(kind="note").exists()


def test_private_notes_are_not_in_the_log_api_for_the_other_side(client, active_pair):
    p = active_pair
    as_(client, p.mentee).post(f"/api/mentorships/{p.mentorship.pk}/notes", {"text": "SECRET-NOTE"},
                               content_type="application/json")
    for url in (f"/api/mentorships/{p.mentorship.pk}/log", f"/api/mentorships/{p.mentorship.pk}/resources"):
        body = as_(client, p.mentor).get(url).content.decode()
        assert "SECRET" not in body, url
    for url in (f"/api/mentorships/{p.mentorship.pk}/log?q=secret", f"/api/mentorships/{p.mentorship.pk}/log/search?q=note"):
        assert as_(client, p.mentor).get(url).json()["results"] == [], url
        assert as_(client, p.mentee).get(url).json()["count"] == 1, url
