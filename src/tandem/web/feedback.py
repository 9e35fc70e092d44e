"""Page feedback shared by every app's views."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from tandem.core.errors import ApplicationError, error_messages


def flash_error(request: HttpRequest, exc: ApplicationError) -> None:
    """Show each message of a service error on the next page."""
    for text in error_messages(exc):
        messages.error(request, text)
