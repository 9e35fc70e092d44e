from __future__ import annotations

import json
import logging
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.errors import ApplicationError

logger = logging.getLogger("tandem.request")


class UserTimezoneMiddleware:
    """Show times in the signed-in person's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tz = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from tandem.core.authz import actor_for

            person = actor_for(user).person
            if person is not None:
                try:
                    tz = zoneinfo.ZoneInfo(person.time_zone)
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    tz = None
        if tz is not None:
            timezone.activate(tz)
        else:
            timezone.deactivate()
        return self.get_response(request)


class ApplicationErrorMiddleware:
    """A service's ApplicationError on a page becomes a page with the message, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, (DataError, OverflowError)):
            # the last line of defence: a value the database cannot hold (PostgreSQL's range of an
            # integer column, say) that no form caught is still the user's input, not a 500
            logger.warning("database refused input on %s: %s", request.path, exception)
            exception = ApplicationError(_("A value is out of the range the server accepts."), code="invalid_value")
        if not isinstance(exception, ApplicationError):
            return None
        template = "web/error_fragment.html" if request.headers.get("HX-Request") else "web/error.html"
        return render(request, template, {"error": exception}, status=exception.status)


# -- input the database cannot hold, refused once at the boundary -----------------------------

API_PREFIX = "/api/"
NUL = "\x00"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_response(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    """The error as the API's JSON (``{"code", "message"}``) under /api/, else the error page."""
    if is_api_request(request):
        return JsonResponse(error.as_dict(), status=error.status)
    template = "web/error_fragment.html" if request.headers.get("HX-Request") else "web/error.html"
    return render(request, template, {"error": error}, status=error.status)


def invalid_characters() -> ApplicationError:
    return ApplicationError(
        _("The request contains a character that is not allowed (a NUL byte). Remove it and try again."),
        code="invalid_characters",
    )


def _contains_nul(value: Any) -> bool:
    """A NUL anywhere in a parsed JSON value, keys included."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


def _has_nul(request: HttpRequest) -> bool:
    """The path, headers (but cookies), the query string, form fields, uploaded file names and a
    JSON body.

    Reading ``request.POST`` / ``request.body`` here raises Django's size errors
    (``RequestDataTooBig``, ``TooManyFieldsSent``) before any view runs; the caller answers them.
    """
    if NUL in request.path:
        return True
    for key, value in request.META.items():  # headers (a Bearer token is looked up in the database)
        if key.startswith("HTTP_") and key != "HTTP_COOKIE" and isinstance(value, str) and NUL in value:
            return True
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in _FORM_TYPES:
        for key, values in request.POST.lists():
            if NUL in key or any(NUL in v for v in values):
                return True
        return any(NUL in (f.name or "") for files in request.FILES.lists() for f in files[1])
    body = request.body
    if not body or (b"\x00" not in body and b"\\u0000" not in body):
        return False
    if b"\x00" in body:
        return True
    try:
        return _contains_nul(json.loads(body))
    except ValueError:  # not JSON: the endpoint answers it as malformed
        return False


class InputGuardMiddleware:
    """Refuse, before any view runs, input no view should have to think about.

    - A NUL byte anywhere in the path, query string, form fields or JSON body: PostgreSQL cannot
      store it in text and raises on any query that mentions it, so each search box, path
      parameter and field would be a 500. One 400 with the code ``invalid_characters`` here.
    - A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413) or with too many fields (400).
    - A session cookie with a NUL is dropped (treated as signed out) instead of being looked up.

    Under /api/ the answer is the API's JSON error format, elsewhere the translated error page.
    Error responses under /api/ that did not come from the API itself (405 from routing, a
    server error page) are turned into the same JSON, so clients always get ``{code, message}``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and NUL in (session.session_key or ""):
            request.session = session.__class__()  # a fresh session: request.user reads it lazily
        try:
            bad = _has_nul(request)
        except RequestDataTooBig:
            return error_response(request, ApplicationError(
                _("The request is too large: at most %(mb)s MB.")
                % {"mb": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20, 1)},
                code="too_large", status=413,
            ))
        except (TooManyFieldsSent, TooManyFilesSent):
            return error_response(request, ApplicationError(
                _("The request has too many fields."), code="too_many_fields", status=400,
            ))
        except MultiPartParserError:
            return error_response(request, ApplicationError(
                _("The uploaded form could not be read."), code="malformed_request", status=400,
            ))
        if bad:
            return error_response(request, invalid_characters())
        response = self.get_response(request)
        if (
            is_api_request(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return api_error_for_status(response.status_code)
        return response


_STATUS_ERRORS = {
    400: ("bad_request", gettext_lazy("The request could not be processed.")),
    403: ("forbidden", gettext_lazy("You do not have permission to do this.")),
    404: ("not_found", gettext_lazy("There is no such API endpoint or object.")),
    405: ("method_not_allowed", gettext_lazy("This endpoint does not accept this HTTP method.")),
    413: ("too_large", gettext_lazy("The request is too large.")),
}


def api_error_for_status(status: int) -> JsonResponse:
    """``{code, message}`` for an error status raised outside the API's own handlers."""
    code, message = _STATUS_ERRORS.get(
        status, ("server_error", gettext_lazy("Something went wrong on our side. Please try again later."))
    )
    return JsonResponse({"code": code, "message": str(message)}, status=status)
