"""The coaching log's library over the API (mounted in ``config/api.py``): resources, their files,
session transcripts, search, private notes.

Resources, files, transcripts and search answer whoever reads the log's texts (the pair); HR and
the program team, who see the log's summary, get 403; anyone else 404. Private notes are their
author's: another person's note is a 404 for everyone, the other side and HR included.

``POST /mentorships/{id}/resources`` takes either ``multipart/form-data`` (``file``, optional
``title`` and ``session_id``) or JSON (``{"url": "https://…", "title": …, "session_id": …}``).
Search: ``GET /mentorships/{id}/log/search?q=…`` (also answered by ``GET /mentorships/{id}/log?q=…``):
ranked results with an HTML snippet whose text is escaped and whose matches are in ``<mark>``.
"""


import json
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ValidationError as PydanticValidationError

from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.core.schemas import (
    SINGLE_LINE_REFUSED,
    DbId,
    MultiLine,
    PageNumberPagination,
    SingleLine,
    StrictDbInt,
    single_line_matching,
)
from tandem.core.validators import DB_INT_MAX
from tandem.mentorships import library_selectors, library_services, log_selectors, selectors
from tandem.mentorships.library_models import NOTE_LIMIT, TITLE_LIMIT, URL_LIMIT, Resource
from tandem.mentorships.library_views import file_response
from tandem.mentorships.search import QUERY_LIMIT

router = Router(tags=["library"])

# A shared link: https, a host name with a dot, an optional port, path and query; no white space or
# control characters. Every link it admits passes the service's check (Django's URLValidator with
# schemes=["https"], library_services._clean_link), so the pattern is the whole rule, in the
# document and in validation (issue 13: the document's "^https://" admitted links the service
# refused). Host names of up to five labels of 32 characters stay under the validator's 253.
_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?"
HTTPS_URL = (rf"^https://(?:{_HOST_LABEL}\.){{1,4}}[A-Za-z]{{2,20}}(?::[0-9]{{1,5}})?"
             rf"(?:[/?#][^\s{SINGLE_LINE_REFUSED}\ufeff]*)?$")
_TITLE = {"type": "string", "maxLength": TITLE_LIMIT, "pattern": f"^[^{SINGLE_LINE_REFUSED}]*$"}
_RESOURCE_BODY = {
    "requestBody": {"content": {
        "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"},
            "title": _TITLE,
            "session_id": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX}}}},
        "application/json": {"schema": {"type": "object", "required": ["url"], "properties": {
            "url": {"type": "string", "maxLength": URL_LIMIT, "pattern": HTTPS_URL},
            "title": _TITLE,  # LinkIn takes a null session_id (none), as JSON can say
            "session_id": {"type": ["integer", "null"], "minimum": 1, "maximum": DB_INT_MAX}}}},
    }},
}


class ResourceOut(Schema):
    id: int
    mentorship_id: int
    session_id: int | None
    kind: str = Field(..., description="file or link")
    title: str
    url: str | None = Field(None, description="The link (links only)")
    file_name: str | None = Field(None, description="The uploader's file name (files only)")
    size: int | None = Field(None, description="Bytes (files only)")
    content_type: str | None
    download_url: str | None = Field(None, description="Where the file is downloaded (files only)")
    shared_by: str = Field(..., description="The sharer's employee ID")
    shared_by_name: str
    side: str = Field(..., description="mentor or mentee: who shared it")
    created_at: datetime


class LinkIn(Schema):
    url: single_line_matching(HTTPS_URL) = Field(..., max_length=URL_LIMIT)  # type: ignore[valid-type]
    title: SingleLine = Field("", max_length=TITLE_LIMIT)
    session_id: StrictDbInt | None = None


class TranscriptOut(Schema):
    session_id: int
    file_name: str
    format: str = Field(..., description="vtt, srt, txt or docx")
    text: str
    uploaded_by: str
    updated_at: datetime


class LibraryNoteOut(Schema):
    id: int
    mentorship_id: int
    text: str
    created_at: datetime
    updated_at: datetime


class NoteIn(Schema):
    text: MultiLine = Field(..., min_length=1, max_length=NOTE_LIMIT)


class SearchQuery(Schema):
    q: SingleLine = Field(..., min_length=1, max_length=QUERY_LIMIT, description="Words, in any language")
    page: int = Field(1, ge=1, le=DB_INT_MAX)
    page_size: int = Field(20, ge=1, le=100)


class SearchHitOut(Schema):
    kind: Literal["session", "message", "action_item", "resource", "transcript", "note"]
    id: int = Field(..., description="The ID of the session, message, action item, resource, transcript or note")
    session_id: int | None
    title: str
    at: datetime
    rank: float = Field(..., description="Higher is a better match")
    snippet: str = Field(..., description="HTML: the text around the match, escaped, matches in <mark>")


class LogSearchOut(Schema):
    mentorship_id: int
    query: str
    count: int
    page: int
    pages: int
    results: list[SearchHitOut]


def _resource(r: Resource) -> dict[str, Any]:
    is_file = r.kind == "file"
    return {
        "id": r.pk, "mentorship_id": r.mentorship_id, "session_id": r.session_id, "kind": r.kind, "title": r.title,
        "url": None if is_file else r.url, "file_name": r.file_name if is_file else None,
        "size": r.size if is_file else None, "content_type": r.content_type or None,
        "download_url": reverse("api:resource_download", args=[r.pk]) if is_file else None,
        "shared_by": r.shared_by.employee_id, "shared_by_name": r.shared_by.full_name, "side": r.side,
        "created_at": r.created_at,
    }


def _pydantic_errors(exc: PydanticValidationError) -> NinjaValidationError:
    return NinjaValidationError([{"loc": e.get("loc", ()), "msg": e.get("msg", "")} for e in exc.errors()])


# -- resources -----------------------------------------------------------------------------------


@router.get("/mentorships/{mentorship_id}/resources", response=list[ResourceOut],
            summary="The resource library: files and links shared in the log, newest first (the pair only)")
@paginate(PageNumberPagination, page_size=50)
def resources_get(request: HttpRequest, mentorship_id: DbId, kind: Literal["file", "link"] | None = None):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_library)
    return [_resource(r) for r in library_selectors.resources_of(mentorship=m, kind=kind or "")]


@router.post("/mentorships/{mentorship_id}/resources", response={201: ResourceOut},
             summary="Share a file (multipart) or an https link (JSON) in the log; the other side is told",
             openapi_extra=_RESOURCE_BODY)
def resources_post(request: HttpRequest, mentorship_id: DbId):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_library)
    if (request.content_type or "").startswith("multipart/"):
        upload = request.FILES.get("file")
        raw_session = (request.POST.get("session_id") or "").strip()
        session_id = None
        if raw_session:
            if not raw_session.isdigit() or int(raw_session) > DB_INT_MAX or int(raw_session) < 1:
                raise library_services.Invalid({"session_id": [_("Enter the ID of a session of this log.")]})
            session_id = int(raw_session)
        title = request.POST.get("title", "")
        if upload is None:
            raise library_services.Invalid({"file": [_("Choose a file to upload.")]})
        r = library_services.resource_share(mentorship=m, actor=actor, title=title, upload=upload,
                                            session_id=session_id)
    else:
        try:
            payload = LinkIn.model_validate(json.loads(request.body or b"null"))
        except (ValueError, TypeError) as exc:
            if isinstance(exc, PydanticValidationError):
                raise _pydantic_errors(exc) from exc
            raise NinjaValidationError([{"loc": ("body",), "msg": _("Send JSON with a url, or a multipart file.")}]) \
                from exc
        r = library_services.resource_share(mentorship=m, actor=actor, title=payload.title, url=payload.url,
                                            session_id=payload.session_id)
    return Status(201, _resource(library_selectors.resource_of(mentorship=m, resource_id=r.pk)))


@router.get("/resources/{resource_id}", response=ResourceOut, summary="One resource of a log")
def resource_get(request: HttpRequest, resource_id: DbId):
    actor = authz.actor_for(request.user)
    return _resource(library_selectors.resource_for(actor, resource_id))


@router.get("/resources/{resource_id}/file", url_name="resource_download",
            summary="Download a shared file (as an attachment; the pair only)",
            openapi_extra={"responses": {"200": {"description": "The file",
                                                 "content": {"application/octet-stream": {}}}}})
def resource_download(request: HttpRequest, resource_id: DbId) -> HttpResponse:
    actor = authz.actor_for(request.user)
    return file_response(library_selectors.resource_for(actor, resource_id))


@router.delete("/resources/{resource_id}", response={204: None},
               summary="Take back a resource one shared (while the mentorship is active)")
def resource_delete(request: HttpRequest, resource_id: DbId):
    actor = authz.actor_for(request.user)
    r = library_selectors.resource_for(actor, resource_id)
    library_services.resource_remove(resource=r, actor=actor)
    return Status(204, None)


# -- transcripts -----------------------------------------------------------------------------------


def _transcript(t: Any) -> dict[str, Any]:
    return {"session_id": t.session_id, "file_name": t.file_name, "format": t.format, "text": t.text,
            "uploaded_by": t.uploaded_by.employee_id, "updated_at": t.updated_at}


@router.get("/sessions/{session_id}/transcript", response=TranscriptOut,
            summary="A session's transcript as readable text (404 when it has none)")
def transcript_get(request: HttpRequest, session_id: DbId):
    actor = authz.actor_for(request.user)
    s = log_selectors.session_for(actor, session_id, rule=authz.can_read_library)
    t = library_selectors.transcript_of(session=s)
    if t is None:
        raise NotFound()
    return _transcript(t)


@router.post("/sessions/{session_id}/transcript", response={201: TranscriptOut},
             summary="Upload a session's transcript or meeting notes (.vtt, .srt, .txt, .docx): read into text")
def transcript_post(request: HttpRequest, session_id: DbId, file: File[UploadedFile]):
    actor = authz.actor_for(request.user)
    s = log_selectors.session_for(actor, session_id, rule=authz.can_read_library)
    library_services.transcript_upload(session=s, actor=actor, upload=file)
    return Status(201, _transcript(library_selectors.transcript_of(session=s)))


# -- search ----------------------------------------------------------------------------------------


def log_search_data(request: HttpRequest, mentorship_id: int, *, q: str, page: int, page_size: int) -> dict[str, Any]:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_library)
    result = library_selectors.log_search(actor=actor, mentorship=m, query=q, page=page, page_size=page_size)
    return {"mentorship_id": m.pk, "query": result.query, "count": result.count, "page": result.page,
            "pages": result.pages, "results": [
                {"kind": h.entry.kind, "id": h.entry.object_id, "session_id": h.entry.session_id,
                 "title": h.entry.title, "at": h.entry.at, "rank": h.rank, "snippet": str(h.snippet)}
                for h in result.hits]}


def log_search_response(request: HttpRequest, mentorship_id: int, *, q: str, page: int = 1,
                        page_size: int = 20) -> HttpResponse:
    """The search's answer as a response: for ``GET /mentorships/{id}/log?q=…`` (log_api), which
    hands a query over here."""
    try:
        query = SearchQuery.model_validate({"q": q, "page": page, "page_size": page_size})
    except PydanticValidationError as exc:
        raise _pydantic_errors(exc) from exc
    data = LogSearchOut.model_validate(log_search_data(request, mentorship_id, q=query.q, page=query.page,
                                                       page_size=query.page_size))
    return JsonResponse(data.model_dump(mode="json"), json_dumps_params={"ensure_ascii": False})


@router.get("/mentorships/{mentorship_id}/log/search", response=LogSearchOut,
            summary="Search the log (also GET /mentorships/{id}/log?q=…): ranked, paginated, matches highlighted; "
                    "the pair only, private notes their author's only")
def log_search(request: HttpRequest, mentorship_id: DbId, query: Query[SearchQuery]):
    return log_search_data(request, mentorship_id, q=query.q, page=query.page, page_size=query.page_size)


# -- private notes ---------------------------------------------------------------------------------


def _note(n: Any) -> dict[str, Any]:
    return {"id": n.pk, "mentorship_id": n.mentorship_id, "text": n.text, "created_at": n.created_at,
            "updated_at": n.updated_at}


@router.get("/mentorships/{mentorship_id}/notes", response=list[LibraryNoteOut],
            summary="My private notes on a mentorship (only ever the caller's own)")
@paginate(PageNumberPagination, page_size=50)
def notes_get(request: HttpRequest, mentorship_id: DbId):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_keep_private_notes)
    return [_note(n) for n in library_selectors.notes_of(mentorship=m, author=actor.person)]


@router.post("/mentorships/{mentorship_id}/notes", response={201: LibraryNoteOut},
             summary="Write a private note (nobody else sees it)")
def notes_post(request: HttpRequest, mentorship_id: DbId, payload: NoteIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_keep_private_notes)
    return Status(201, _note(library_services.note_create(mentorship=m, actor=actor, text=payload.text)))


@router.patch("/notes/{note_id}", response=LibraryNoteOut, summary="Change one of my private notes")
def note_patch(request: HttpRequest, note_id: DbId, payload: NoteIn):
    actor = authz.actor_for(request.user)
    note = library_selectors.note_for(actor, note_id)
    return _note(library_services.note_update(note=note, actor=actor, text=payload.text))


@router.delete("/notes/{note_id}", response={204: None}, summary="Delete one of my private notes")
def note_delete(request: HttpRequest, note_id: DbId):
    actor = authz.actor_for(request.user)
    library_services.note_delete(note=library_selectors.note_for(actor, note_id), actor=actor)
    return Status(204, None)
