"""Every role × every page and endpoint of the coaching log's library.

Resources, files, transcripts and search: the pair only (HR and the program's manager see the log's
summary, never these); another pair's people and everyone else get 403/404 and no private text.
Private notes: each author's own — the other side of the pair does not see them either. Writes:
the pair while active (notes and removals: the author / sharer only); a refused write changes
nothing."""

from __future__ import annotations

import copy

import pytest
from django.db import transaction

from tandem.mentorships import library_services, log_services
from tandem.mentorships.library_models import PrivateNote, Resource, Transcript
from tests.factories import UserFactory, actor_of
from tests.mentorships.conftest import build_pair
from tests.mentorships.library_fixtures import PDF, VTT, held_session, media, upload  # noqa: F401
from tests.mentorships.test_permissions_matrix import build_world  # the matrix's pair and people
from tests.shared_world import built_once

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "line_manager", "head", "mentor", "mentee",
         "colleague", "no_person", "requested_mentor", "other_mentor", "other_mentee"]
PAIR = {"mentor", "mentee"}
SUMMARY = {"hr", "owner", "mentor", "mentee"}  # the log page and the session page (dates and statuses)
SECRETS = ("PRIVATE-RESOURCE", "PRIVATE-ADVICE", "PRIVATE-TRANSCRIPT", "переговор")


def build_people():
    p, people = build_world()
    other = build_pair()
    return p, {**people, "other_mentor": other.mentor, "other_mentee": other.mentee}


@pytest.fixture(scope="module")
def _people_built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, build_people)


@pytest.fixture
def lib(_people_built, db):
    """The pairs and people are built once for this module (tests/shared_world.py; each test's writes
    are undone); the session and its files for each test, in the test's own MEDIA_ROOT."""
    p, people = copy.deepcopy(_people_built)
    s = held_session(p)
    log_services.session_update(session=s, actor=actor_of(p.mentor), advice="PRIVATE-ADVICE переговоры")
    res = library_services.resource_share(mentorship=p.mentorship, actor=actor_of(p.mentee),
                                          upload=upload("PRIVATE-RESOURCE.pdf", PDF), session_id=s.pk)
    library_services.transcript_upload(session=s, actor=actor_of(p.mentor), upload=upload(
        "t.vtt", VTT.replace("Давайте", "PRIVATE-TRANSCRIPT").encode()))
    note = library_services.note_create(mentorship=p.mentorship, actor=actor_of(p.mentee),
                                        text="PRIVATE-NOTE-OF-THE-MENTEE")
    return p, people, s, res, note


def login(client, people, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role != "anonymous":
        client.force_login(people[role].user)
    return client


READS = [
    ("api resources", "/api/mentorships/{m}/resources", PAIR),
    ("api resource", "/api/resources/{r}", PAIR),
    ("api download", "/api/resources/{r}/file", PAIR),
    ("api transcript", "/api/sessions/{s}/transcript", PAIR),
    ("api search", "/api/mentorships/{m}/log/search?q=переговоры", PAIR),
    ("api log search", "/api/mentorships/{m}/log?q=переговоры", PAIR),
    ("api notes", "/api/mentorships/{m}/notes", PAIR),
    ("library page", "/mentorships/{m}/library/", PAIR),
    ("download page", "/mentorships/{m}/library/{r}/file/", PAIR),
    ("search page", "/mentorships/{m}/log/search/?q=переговоры", PAIR),
    ("notes page", "/mentorships/{m}/notes/", PAIR),
    ("log page", "/mentorships/{m}/log/", SUMMARY),
    ("session page", "/mentorships/{m}/log/sessions/{s}/", SUMMARY),
]


@pytest.mark.parametrize("role", ROLES)
def test_reads(client, lib, role):
    p, people, s, res, _note = lib
    c = login(client, people, role)
    for name, url, allowed in READS:
        r = c.get(url.format(m=p.mentorship.pk, r=res.pk, s=s.pk))
        if role == "anonymous":
            assert r.status_code in (302, 401), (name, role, r.status_code)
            continue
        if role in allowed:
            assert r.status_code == 200, (name, role, r.status_code)
        else:
            assert r.status_code in (403, 404), (name, role, r.status_code)
        body = b"".join(r.streaming_content) if r.streaming else r.content
        text = body.decode("utf-8", "replace")
        if role not in PAIR:
            assert not any(secret in text for secret in SECRETS), (name, role)
            assert body != PDF, (name, role)
        if role != "mentee":
            assert "PRIVATE-NOTE-OF-THE-MENTEE" not in text, (name, role)


def _state(p):
    return (sorted(Resource.objects.values_list("id", "title")), sorted(Transcript.objects.values_list("id", "text")),
            sorted(PrivateNote.objects.values_list("id", "text")))


WRITES = [
    ("share a link", "post", "/api/mentorships/{m}/resources", {"url": "https://x.org/a"}, PAIR),
    ("upload a transcript", "post", "/api/sessions/{s}/transcript", "transcript", PAIR),
    ("write a note", "post", "/api/mentorships/{m}/notes", {"text": "mine"}, PAIR),
    ("remove the mentee's resource", "delete", "/api/resources/{r}", None, {"mentee"}),
    ("change the mentee's note", "patch", "/api/notes/{n}", {"text": "changed"}, {"mentee"}),
    ("delete the mentee's note", "delete", "/api/notes/{n}", None, {"mentee"}),
    ("share on the page", "post", "/mentorships/{m}/library/share/", "form-link", PAIR),
    ("note on the page", "post", "/mentorships/{m}/notes/", "form-note", PAIR),
    ("edit the note on the page", "post", "/mentorships/{m}/notes/{n}/", "form-note", {"mentee"}),
]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_writes(client, lib, role, django_capture_on_commit_callbacks):
    p, people, s, res, note = lib
    c = login(client, people, role)
    for name, method, url, payload, allowed in WRITES:
        sid = transaction.savepoint()
        before = _state(p)
        target = url.format(m=p.mentorship.pk, s=s.pk, r=res.pk, n=note.pk)
        if payload == "transcript":
            r = c.post(target, {"file": upload("again.txt", b"PRIVATE-TRANSCRIPT 2")})
        elif payload == "form-link":
            r = c.post(target, {"url": "https://x.org/b"})
        elif payload == "form-note":
            r = c.post(target, {"text": "from the page"})
        elif payload is None:
            r = getattr(c, method)(target)
        else:
            r = getattr(c, method)(target, payload, content_type="application/json")
        if role in allowed:
            assert r.status_code in (200, 201, 204, 302), (name, role, r.status_code, r.content[:300])
            assert _state(p) != before, (name, role)
        else:
            assert r.status_code in (403, 404), (name, role, r.status_code, r.content[:300])
            assert _state(p) == before, (name, role)
        transaction.savepoint_rollback(sid)
