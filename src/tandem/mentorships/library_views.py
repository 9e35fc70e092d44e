"""Pages of a coaching log's library: share a file or link, download a file, remove one's own
resource, upload a session's transcript, search the log, keep private notes.

Thin: the one access helper (``selectors.mentorship_for`` with the library's rules), a form that
shapes the input, one service. A refused input goes back to the page it came from with the message
(a redirect with a flash message for the slots on the log and session pages; the page itself with a
422 for the notes and search pages); a move the rules forbid is the error page (403 / 404 / 409).

Files are served only here (:func:`resource_file`), to whoever may read the log, as an attachment
with ``X-Content-Type-Options: nosniff`` and a sandboxing Content-Security-Policy: never inline,
never from a public media URL.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import NotFound, ValidationFailed, error_messages
from tandem.core.validators import DB_INT_MAX
from tandem.mentorships import library_selectors, library_services, log_selectors, selectors
from tandem.mentorships.library_models import NOTE_LIMIT, TITLE_LIMIT, URL_LIMIT, Resource
from tandem.mentorships.models import Mentorship
from tandem.mentorships.search import QUERY_LIMIT


class ShareForm(forms.Form):
    title = forms.CharField(label=_l("Title"), required=False, strip=False, max_length=TITLE_LIMIT)
    url = forms.CharField(label=_l("Link"), required=False, strip=False, max_length=URL_LIMIT,
                          widget=forms.URLInput(attrs={"placeholder": "https://"}))
    file = forms.FileField(label=_l("File"), required=False)
    session = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX, widget=forms.HiddenInput)


class TranscriptForm(forms.Form):
    file = forms.FileField(label=_l("Transcript or meeting notes (.vtt, .srt, .txt, .docx)"))


class NoteForm(forms.Form):
    text = forms.CharField(label=_l("Note"), strip=False, max_length=NOTE_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_LIMIT}))


def _form_messages(form: forms.Form) -> list[str]:
    return [f"{form.fields[f].label or f}: {e}" if f in form.fields else str(e)
            for f, errs in form.errors.items() for e in errs]


def _page_number(request: HttpRequest) -> int:
    try:
        n = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return max(1, min(n, DB_INT_MAX))


def _back(m: Mentorship, session_id: int | None, anchor: str) -> str:
    if session_id:
        return reverse("mentorship_log_session", args=[m.pk, session_id]) + f"#{anchor}"
    return reverse("mentorship_log", args=[m.pk]) + f"#{anchor}"


# -- resources -----------------------------------------------------------------------------------


@login_required
@require_POST
def resource_share(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_library)
    form = ShareForm(request.POST, request.FILES)
    session_id = None
    if form.is_valid():
        d = form.cleaned_data
        session_id = d["session"]
        if session_id:
            log_selectors.session_of(mentorship=m, session_id=session_id)  # another log's session: 404
        try:
            library_services.resource_share(mentorship=m, actor=actor, title=d["title"], url=d["url"],
                                            upload=d["file"], session_id=session_id)
        except ValidationFailed as exc:
            for e in error_messages(exc):
                messages.error(request, e)
        else:
            messages.success(request, _("Shared. The other side is told."))
    else:
        for e in _form_messages(form):
            messages.error(request, e)
    return redirect(_back(m, session_id, "library"))


def _attachment_name(r: Resource) -> str:
    return r.file_name or f"resource-{r.pk}.{r.extension or 'bin'}"


def file_response(r: Resource) -> HttpResponse:
    """The resource's file as a download: never shown inline, never sniffed into HTML."""
    if r.kind != "file" or not r.file:
        raise NotFound()
    try:
        fh = r.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise NotFound(_("The file is no longer there.")) from exc
    response = FileResponse(fh, as_attachment=True, filename=_attachment_name(r),
                            content_type=r.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
def resource_file(request: HttpRequest, mentorship_id: int, resource_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_library)
    return file_response(library_selectors.resource_of(mentorship=m, resource_id=resource_id))


@login_required
@require_POST
def resource_remove(request: HttpRequest, mentorship_id: int, resource_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_library)
    r = library_selectors.resource_of(mentorship=m, resource_id=resource_id)
    session_id = r.session_id
    library_services.resource_remove(resource=r, actor=actor)
    messages.success(request, _("Removed."))
    return redirect(_back(m, session_id, "library"))


@login_required
def library(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """The mentee's resource library on its own page: every file and link shared, newest first."""
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_library)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ("file", "link") else ""
    rows = library_selectors.resources_of(mentorship=m, kind=kind)
    page = Paginator(rows, 50).get_page(_page_number(request))
    return render(request, "mentorships/library/library.html", {
        "m": m, "page": page, "kind": kind, "can_write": authz.can_share_in_library(actor, m),
        "me": actor.person, "form": ShareForm(), "max_mb": library_services.max_file_bytes() / 2**20,
        "extensions": library_services.allowed_extensions()})


# -- transcripts -----------------------------------------------------------------------------------


@login_required
@require_POST
def transcript_upload(request: HttpRequest, mentorship_id: int, session_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_library)
    s = log_selectors.session_of(mentorship=m, session_id=session_id)
    form = TranscriptForm(request.POST, request.FILES)
    if not form.is_valid():
        for e in _form_messages(form):
            messages.error(request, e)
        return redirect(_back(m, s.pk, "transcript"))
    try:
        library_services.transcript_upload(session=s, actor=actor, upload=form.cleaned_data["file"])
    except ValidationFailed as exc:
        for e in error_messages(exc):
            messages.error(request, e)
    else:
        messages.success(request, _("Transcript added to the session."))
    return redirect(_back(m, s.pk, "transcript"))


# -- search ------------------------------------------------------------------------------------------


@login_required
def log_search(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_library)
    q = request.GET.get("q", "")[:QUERY_LIMIT]
    result = library_selectors.log_search(actor=actor, mentorship=m, query=q, page=_page_number(request))
    return render(request, "mentorships/library/search.html", {"m": m, "q": result.query, "result": result})


# -- private notes -------------------------------------------------------------------------------------


def _notes_page(request: HttpRequest, actor: authz.Actor, m: Mentorship, *, status: int = 200,
                errors: list[str] | None = None, form: NoteForm | None = None) -> HttpResponse:
    notes = list(library_selectors.notes_of(mentorship=m, author=actor.person))
    return render(request, "mentorships/library/notes.html", {
        "m": m, "notes": notes, "form": form or NoteForm(), "errors": errors or [],
        "can_write": authz.can_write_log(actor, m)}, status=status)


@login_required
def notes(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_keep_private_notes)
    if request.method != "POST":
        return _notes_page(request, actor, m)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _notes_page(request, actor, m, status=422, errors=_form_messages(form), form=form)
    try:
        note = library_services.note_create(mentorship=m, actor=actor, text=form.cleaned_data["text"])
    except ValidationFailed as exc:
        return _notes_page(request, actor, m, status=exc.status, errors=error_messages(exc), form=form)
    messages.success(request, _("Note saved. Only you see it."))
    return redirect(reverse("mentorship_notes", args=[m.pk]) + f"#note-{note.pk}")


@login_required
@require_POST
def note_edit(request: HttpRequest, mentorship_id: int, note_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_keep_private_notes)
    note = library_selectors.note_of(mentorship=m, author=actor.person, note_id=note_id)
    try:
        if request.POST.get("delete"):
            library_services.note_delete(note=note, actor=actor)
            messages.success(request, _("Note deleted."))
            return redirect("mentorship_notes", m.pk)
        form = NoteForm(request.POST)
        if not form.is_valid():
            return _notes_page(request, actor, m, status=422, errors=_form_messages(form))
        library_services.note_update(note=note, actor=actor, text=form.cleaned_data["text"])
    except ValidationFailed as exc:
        return _notes_page(request, actor, m, status=exc.status, errors=error_messages(exc))
    messages.success(request, _("Saved."))
    return redirect(reverse("mentorship_notes", args=[m.pk]) + f"#note-{note.pk}")
