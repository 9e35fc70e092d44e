from __future__ import annotations

import zoneinfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tandem.core.errors import ApplicationError


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
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        template = "web/error_fragment.html" if request.headers.get("HX-Request") else "web/error.html"
        return render(request, template, {"error": exception}, status=exception.status)
