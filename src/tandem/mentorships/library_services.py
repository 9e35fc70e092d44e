"""Every write on a coaching log's library: resources, transcripts, private notes.

- Resources: either side of the pair shares a file or an https link while the mentorship is active
  (the log's write rule, ``log_services._writable``); the one who shared it may take it back. A file
  is checked twice — its extension must be one of :data:`ALLOWED` and its first bytes must say the
  same thing (a ``.pdf`` that is really an executable, an HTML page or an SVG is refused) — and may
  be at most ``settings.LIBRARY_MAX_FILE_BYTES``. It is stored through Django's default storage
  under a random name.
- Transcripts: a ``.vtt``, ``.srt``, ``.txt`` or ``.docx`` uploaded to a session is parsed into
  readable text (:mod:`tandem.mentorships.transcripts`); a new upload replaces the session's text.
- Private notes: each side's own; only the author writes, changes or deletes them.

Each service locks the mentorship row, validates everything before writing, keeps the search index
in step (:mod:`tandem.mentorships.search`) in the same transaction, and emits its domain event
(``resource.shared``, ``transcript.added``) after commit.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core import authz, events
from tandem.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tandem.mentorships import search, transcripts
from tandem.mentorships.errors import LibraryErrorCode as Code
from tandem.mentorships.library_models import (
    FILE_NAME_LIMIT,
    NOTE_LIMIT,
    TITLE_LIMIT,
    URL_LIMIT,
    PrivateNote,
    Resource,
    ResourceKind,
    Transcript,
)
from tandem.mentorships.log_models import Session, SessionStatus
from tandem.mentorships.log_services import _locked_session, _me, _other, _text, _writable
from tandem.mentorships.models import Mentorship
from tandem.mentorships.services import _locked

#: extension → the content type a download is sent with
ALLOWED: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "txt": "text/plain",
    "md": "text/markdown",
    "csv": "text/csv",
    "vtt": "text/vtt",
    "srt": "application/x-subrip",
}
TEXT_TYPES = {"txt", "md", "csv", "vtt", "srt"}
OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF_TYPE = {"odt": b"application/vnd.oasis.opendocument.text",
            "ods": b"application/vnd.oasis.opendocument.spreadsheet",
            "odp": b"application/vnd.oasis.opendocument.presentation"}
#: what a file must never be, whatever its name says
_REFUSED_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"#!")
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body", b"<head", b"<object")


class Invalid(ValidationFailed):
    """A refused input of the library: 422, like the API's schema errors (nothing was changed)."""

    status = 422


def _https(url: str) -> None:
    URLValidator(schemes=["https"])(url)


def max_file_bytes() -> int:
    return int(getattr(settings, "LIBRARY_MAX_FILE_BYTES", 10 * 1024 * 1024))


def allowed_extensions() -> list[str]:
    return sorted(ALLOWED)


def clean_file_name(name: Any) -> str:
    """The uploader's file name without folders or control characters, at most 200 characters
    (the extension kept)."""
    name = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > FILE_NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:FILE_NAME_LIMIT - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:FILE_NAME_LIMIT]
    return name


def _refuse(message: str, code: str, **data: Any) -> ValidationFailed:
    exc = Invalid({"file": [message]})
    exc.code = code
    exc.data.update(data)
    return exc


def _looks_like_markup(head: bytes) -> bool:
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(tag in lowered for tag in _MARKUP)


def _zip_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if len(names) > transcripts.DOCX_MAX_ENTRIES:
                return None
            return names
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None


def _zip_entry(data: bytes, name: str, limit: int = 4096) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(name) as fh:
            return fh.read(limit)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, RuntimeError, NotImplementedError):
        return b""


def sniff(ext: str, data: bytes) -> bool:
    """Whether the content of ``data`` is what its extension says (magic bytes, the parts of an
    Office archive, readable UTF-8 without markup for the text formats)."""
    head = data[:1024]
    if any(head.startswith(m) for m in _REFUSED_MAGIC):
        return False
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if ext == "webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    if ext in OOXML_PART:
        names = _zip_names(data) if head.startswith(b"PK\x03\x04") else None
        return bool(names) and "[Content_Types].xml" in names and any(n.startswith(OOXML_PART[ext]) for n in names) \
            and not any(n.lower().endswith("vbaproject.bin") for n in names)
    if ext in ODF_TYPE:
        names = _zip_names(data) if head.startswith(b"PK\x03\x04") else None
        return bool(names) and "mimetype" in names and _zip_entry(data, "mimetype").strip() == ODF_TYPE[ext]
    if ext in TEXT_TYPES:
        try:
            text = transcripts.decode_text(data)
        except transcripts.TranscriptError:
            return False
        if _looks_like_markup(text[:2048].encode()):
            return False
        return ext != "vtt" or text.lstrip().startswith("WEBVTT")
    return False


def _read_upload(upload: Any) -> tuple[str, bytes]:
    """(clean file name, bytes) of an uploaded file within the size limit; refusals name the field."""
    if upload is None or not hasattr(upload, "read"):
        raise Invalid({"file": [_("Choose a file to upload.")]})
    name = clean_file_name(getattr(upload, "name", ""))
    limit = max_file_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _refuse(_("The file is larger than %(mb)s MB.") % {"mb": f"{limit / 2**20:g}"}, Code.FILE_TOO_LARGE,
                      max_bytes=limit)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(_("The file is larger than %(mb)s MB.") % {"mb": f"{limit / 2**20:g}"}, Code.FILE_TOO_LARGE,
                      max_bytes=limit)
    if not name:
        raise Invalid({"file": [_("The file has no name.")]})
    if not data:
        raise Invalid({"file": [_("The file is empty.")]})
    return name, data


def check_file(name: str, data: bytes) -> tuple[str, str]:
    """(extension, content type) if ``data`` may be shared under ``name``; else a 422 naming why."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise _refuse(_("Files of this type cannot be shared. Allowed: %(list)s.")
                      % {"list": ", ".join(allowed_extensions())}, Code.FILE_TYPE_REFUSED,
                      allowed=allowed_extensions())
    if not sniff(ext, data):
        raise _refuse(_("The file's content is not a .%(ext)s file: it is refused.") % {"ext": ext},
                      Code.FILE_CONTENT_MISMATCH)
    return ext, ALLOWED[ext]


def _session_of(m: Mentorship, session_id: Any) -> Session | None:
    if session_id in (None, ""):
        return None
    s = Session.objects.filter(pk=session_id, mentorship=m).first() if isinstance(session_id, int) else None
    if s is None:
        raise NotFound(_("That session is not in this log."))
    return s


def _clean_link(url: Any, errors: dict[str, list[str]]) -> str:
    link = _text(url, field="url", limit=URL_LIMIT, errors=errors, single_line=True)
    if "url" in errors:
        return link
    if not link:
        errors["url"] = [_("Enter the link.")]
        return link
    try:
        _https(link)
    except DjangoValidationError:
        errors["url"] = [_("Enter a link starting with https://.")]
    return link


# -- resources -----------------------------------------------------------------------------------


@transaction.atomic
def resource_share(*, mentorship: Mentorship, actor: authz.Actor, title: str = "", url: str = "",
                   upload: Any = None, session_id: int | None = None) -> Resource:
    """Share a file (``upload``) or an https link (``url``) in the log, optionally on a session.
    The other side is told (``resource.shared``)."""
    m = _locked(mentorship)
    side = _writable(actor, m)
    errors: dict[str, list[str]] = {}
    title = _text(title, field="title", limit=TITLE_LIMIT, errors=errors, single_line=True)
    session = _session_of(m, session_id)
    if (upload is None) == (not (url or "").strip()):
        raise Invalid({"file": [_("Share either a file or a link.")]})
    r = Resource(mentorship=m, session=session, title=title, shared_by=_me(actor), side=side)
    data = b""
    if upload is not None:
        if errors:
            raise Invalid(errors)
        name, data = _read_upload(upload)
        _ext, content_type = check_file(name, data)
        r.kind, r.file_name, r.size, r.content_type = ResourceKind.FILE, name, len(data), content_type
        r.title = title or name[:TITLE_LIMIT]
    else:
        link = _clean_link(url, errors)
        if errors:
            if "url" in errors and errors["url"] and "https" in errors["url"][0]:
                exc = Invalid(errors)
                exc.code = Code.LINK_NOT_HTTPS
                raise exc
            raise Invalid(errors)
        r.kind, r.url = ResourceKind.LINK, link
        r.title = title or link.removeprefix("https://")[:TITLE_LIMIT]
    if data:
        r.file.save(r.file_name, ContentFile(data), save=False)
        stored = r.file.name
        try:
            r.save()
        except Exception:
            default_storage.delete(stored)
            raise
    else:
        r.save()
    search.index_resource(r)
    events.emit("resource.shared", mentorship_id=m.pk, resource_id=r.pk, kind=r.kind,
                session_id=session.pk if session else None, actor_id=_me(actor).pk, other_id=_other(m, side).pk)
    return r


@transaction.atomic
def resource_remove(*, resource: Resource, actor: authz.Actor) -> None:
    """The one who shared a resource takes it back (the file is deleted once the removal commits)."""
    m = _locked(resource.mentorship)
    _writable(actor, m)
    r = Resource.objects.select_for_update().filter(pk=resource.pk, mentorship=m).first()
    if r is None:
        raise NotFound()
    if not authz.can_remove_resource(actor, r, m):
        raise Forbidden(_("Only the person who shared a resource removes it."), code=Code.NOT_YOUR_RESOURCE)
    stored = r.file.name if r.file else ""
    search.unindex("resource", r.pk)
    r.delete()
    if stored:
        transaction.on_commit(lambda: default_storage.delete(stored))


# -- transcripts -----------------------------------------------------------------------------------


@transaction.atomic
def transcript_upload(*, session: Session, actor: authz.Actor, upload: Any) -> Transcript:
    """Either side uploads a session's transcript or meeting notes; it is read into text (a new
    upload replaces the old text). Not on a cancelled session."""
    m, s = _locked_session(session)
    side = _writable(actor, m)
    if s.status == SessionStatus.CANCELLED:
        raise Conflict(_("This session was cancelled: it has no transcript."), code=Code.SESSION_CANCELLED)
    name, data = _read_upload(upload)
    try:
        fmt, text = transcripts.parse(name, data)
    except transcripts.TranscriptError as exc:
        raise _refuse(str(exc), Code.TRANSCRIPT_UNREADABLE) from exc
    t = Transcript.objects.filter(session=s).first()
    if t is None:
        t = Transcript.objects.create(session=s, uploaded_by=_me(actor), file_name=name, format=fmt, text=text)
    else:
        t.uploaded_by, t.file_name, t.format, t.text = _me(actor), name, fmt, text
        t.save(update_fields=["uploaded_by", "file_name", "format", "text", "updated_at"])
    t.session = s
    search.index_transcript(t)
    events.emit("transcript.added", mentorship_id=m.pk, session_id=s.pk, transcript_id=t.pk,
                actor_id=_me(actor).pk, other_id=_other(m, side).pk)
    return t


# -- private notes ---------------------------------------------------------------------------------


def _note_text(text: Any) -> str:
    errors: dict[str, list[str]] = {}
    text = _text(text, field="text", limit=NOTE_LIMIT, errors=errors)
    if not text and "text" not in errors:
        errors["text"] = [_("Write your note.")]
    if errors:
        raise Invalid(errors)
    return text


@transaction.atomic
def note_create(*, mentorship: Mentorship, actor: authz.Actor, text: str) -> PrivateNote:
    """A note only its author will ever see."""
    m = _locked(mentorship)
    _writable(actor, m)
    note = PrivateNote.objects.create(mentorship=m, author=_me(actor), text=_note_text(text))
    search.index_note(note)
    return note


def _own_note(note: PrivateNote, actor: authz.Actor) -> tuple[Mentorship, PrivateNote]:
    m = _locked(note.mentorship)
    _writable(actor, m)
    row = PrivateNote.objects.select_for_update().filter(pk=note.pk, mentorship=m).first()
    if row is None or not authz.can_edit_private_note(actor, row, m):
        raise NotFound()  # someone else's note does not exist for you
    return m, row


@transaction.atomic
def note_update(*, note: PrivateNote, actor: authz.Actor, text: str) -> PrivateNote:
    _m, row = _own_note(note, actor)
    row.text = _note_text(text)
    row.save(update_fields=["text", "updated_at"])
    search.index_note(row)
    return row


@transaction.atomic
def note_delete(*, note: PrivateNote, actor: authz.Actor) -> None:
    _m, row = _own_note(note, actor)
    search.unindex("note", row.pk)
    row.delete()
