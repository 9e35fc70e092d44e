"""Every read of a coaching log's library, and the access helpers for its rows.

Resources, their files and transcripts: whoever reads the log's texts (``authz.can_read_library``).
Someone else's resource, note or session does not exist for you (404). Private notes: their author
only — :func:`notes_of` filters by author, and :func:`note_for` answers 404 for anyone else's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.mentorships import search, selectors
from tandem.mentorships.library_models import PrivateNote, Resource, Transcript
from tandem.mentorships.log_models import Session
from tandem.mentorships.models import Mentorship


def resources_of(*, mentorship: Mentorship, kind: str = "", session: Session | None = None) -> QuerySet[Resource]:
    qs = (Resource.objects.filter(mentorship=mentorship).select_related("shared_by", "session")
          .order_by("-created_at", "-id"))
    if kind:
        qs = qs.filter(kind=kind)
    if session is not None:
        qs = qs.filter(session=session)
    return qs


def resource_for(actor: authz.Actor, resource_id: int, *, rule: Any = authz.can_read_library) -> Resource:
    """The resource if ``rule(actor, its mentorship)`` allows it; else 404 / 403 as the mentorship."""
    r = Resource.objects.filter(pk=resource_id).only("pk", "mentorship_id").first()
    if r is None:
        raise NotFound()
    m = selectors.mentorship_for(actor, r.mentorship_id, rule=rule)
    r = resources_of(mentorship=m).get(pk=resource_id)
    r.mentorship = m
    return r


def resource_of(*, mentorship: Mentorship, resource_id: int) -> Resource:
    r = resources_of(mentorship=mentorship).filter(pk=resource_id).first()
    if r is None:
        raise NotFound()
    r.mentorship = mentorship
    return r


def transcript_of(*, session: Session) -> Transcript | None:
    return Transcript.objects.filter(session=session).select_related("uploaded_by").first()


def notes_of(*, mentorship: Mentorship, author: Any) -> QuerySet[PrivateNote]:
    """The author's own notes on this pairing, newest change first (nobody else's, ever)."""
    if author is None:
        return PrivateNote.objects.none()
    return PrivateNote.objects.filter(mentorship=mentorship, author=author).order_by("-updated_at", "-id")


def note_for(actor: authz.Actor, note_id: int) -> PrivateNote:
    """The actor's own note; anyone else's is not found (not even forbidden)."""
    person = actor.person
    n = PrivateNote.objects.filter(pk=note_id).only("pk", "mentorship_id", "author_id").first()
    if n is None or person is None or n.author_id != person.pk:
        raise NotFound()
    m = selectors.mentorship_for(actor, n.mentorship_id, rule=authz.can_keep_private_notes)
    n = PrivateNote.objects.get(pk=note_id)
    n.mentorship = m
    return n


def note_of(*, mentorship: Mentorship, author: Any, note_id: int) -> PrivateNote:
    n = notes_of(mentorship=mentorship, author=author).filter(pk=note_id).first()
    if n is None:
        raise NotFound()
    n.mentorship = mentorship
    return n


def log_search(*, actor: authz.Actor, mentorship: Mentorship, query: str, page: int = 1,
               page_size: int = 20) -> search.SearchPage:
    """Search one log for someone who may read its texts (the caller got ``mentorship`` through
    ``mentorship_for(..., rule=authz.can_read_library)``); their own private notes are included,
    nobody else's."""
    authz.require(authz.can_read_library(actor, mentorship))
    person = actor.person
    return search.search(mentorship=mentorship, reader_id=person.pk if person else None, query=query, page=page,
                         page_size=page_size)
