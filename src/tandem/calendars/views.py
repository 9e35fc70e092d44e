"""Pages of the calendars app: the private feed, a session's ``.ics``, the account page of the
feed, "cancel the rest of the series".

The feed (``/calendar/<token>.ics``) needs no session cookie: the token is the key. It is read in
one query per kind, its bytes depend only on the data (``DTSTAMP`` is when a row was revised), so a
client polling with ``If-None-Match`` gets a 304. An unknown or revoked token is a 404.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST, require_safe

from tandem.calendars import ics, selectors, services
from tandem.core import authz
from tandem.core.errors import ApplicationError, Conflict, error_messages
from tandem.mentorships import selectors as mentorship_selectors
from tandem.mentorships import series_services
from tandem.mentorships.log_models import Session
from tandem.people.models import Person

FEED_MAX_AGE = 300  # seconds a client may keep the feed before asking again


def feed_body(person: Person) -> bytes:
    """The person's whole calendar: sessions, open action items, duties' due dates."""
    events = ics.session_events(selectors.feed_sessions(person=person), person)
    events += ics.action_item_events(selectors.feed_action_items(person=person))
    events += ics.duty_events(selectors.feed_duties(person=person))
    return ics.calendar(events, name=_("Tandem: %(name)s") % {"name": person.full_name})


def _calendar_response(request: HttpRequest, body: bytes, *, filename: str, attachment: bool) -> HttpResponse:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    row = services.calendar_feed_find(token)
    if row is None:
        raise Http404
    with translation.override(row.language or settings.LANGUAGE_CODE):
        body = feed_body(row.person)
    return _calendar_response(request, body, filename="tandem.ics", attachment=False)


def session_ics_body(actor: authz.Actor, s: Session) -> tuple[bytes, str]:
    """A session's ``.ics`` (a series' occurrence: the whole series, under the series' UID, as in the
    feed) and its file name. ``s`` comes from ``selectors.session_for_ics``."""
    if s.series_id:
        rows = list(selectors.series_sessions(series=s.series))
        name = f"tandem-series-{s.series_id}.ics"
    else:
        rows, name = [s], f"tandem-session-{s.pk}.ics"
    return ics.calendar(ics.session_events(rows, actor.person)), name


@login_required
@require_safe
def session_ics(request: HttpRequest, mentorship_id: int, session_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = mentorship_selectors.mentorship_for(actor, mentorship_id, rule=authz.can_download_session_ics)
    s = selectors.session_for_ics(actor, session_id)
    if s.mentorship_id != m.pk:
        raise Http404
    body, name = session_ics_body(actor, s)
    return _calendar_response(request, body, filename=name, attachment=True)


# -- the account page of the feed ----------------------------------------------------------------


def feed_url(request: HttpRequest | None, raw: str) -> str:
    path = reverse("calendar_feed", args=[raw])
    return settings.BASE_URL.rstrip("/") + path


@login_required
def account_calendar(request: HttpRequest) -> HttpResponse:
    actor = authz.actor_for(request.user)
    new_url = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "create":
                _feed, raw = services.calendar_feed_create(actor=actor)
                new_url = feed_url(request, raw)
            elif action == "revoke":
                services.calendar_feed_revoke(actor=actor)
                messages.success(request, _("Your calendar feed is revoked: its address no longer works."))
                return redirect("account_calendar")
            else:
                messages.error(request, _("Choose to make a new address or to revoke it."))
                status = 400
        except ApplicationError as exc:
            if not isinstance(exc, Conflict):
                raise
            for m in error_messages(exc):
                messages.error(request, m)
            return redirect("account_calendar")
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    person = actor.person
    row = selectors.feed_of(person=person) if person is not None else None
    return render(request, "calendars/account_calendar.html",
                  {"feed": row, "new_url": new_url, "has_person": person is not None}, status=status)


# -- cancel the rest of a series -----------------------------------------------------------------


class CancelRestForm(forms.Form):
    reason = forms.CharField(label=_l("Reason"), strip=False, max_length=2000)


@login_required
@require_POST
def series_cancel_rest(request: HttpRequest, mentorship_id: int, session_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = mentorship_selectors.mentorship_for(actor, mentorship_id)
    s = selectors.session_for_ics(actor, session_id)
    if s.mentorship_id != m.pk or s.series_id is None:
        raise Http404
    target = reverse("mentorship_log_session", args=[m.pk, s.pk])
    form = CancelRestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the sessions are cancelled."))
        return redirect(target)
    series = selectors.series_for(actor, s.series_id)
    try:
        rows = series_services.session_series_cancel_rest(series=series, actor=actor,
                                                          reason=form.cleaned_data["reason"], from_session=s)
    except ApplicationError as exc:
        if exc.status >= 500 or exc.status in (403, 404):
            raise
        for msg in error_messages(exc):
            messages.error(request, msg)
        return redirect(target)
    messages.success(request, translation.ngettext(
        "%(n)s session of the series cancelled. The other side is told.",
        "%(n)s sessions of the series cancelled. The other side is told.", len(rows)) % {"n": len(rows)})
    return redirect(target)
