"""Page feedback shared by every app's views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from tandem.core.errors import ApplicationError, ValidationFailed, error_messages


def flash_error(request: HttpRequest, exc: ApplicationError) -> None:
    """Show each message of a service error on the next page."""
    for text in error_messages(exc):
        messages.error(request, text)


def form_errors(form: Any, exc: ValidationFailed) -> None:
    """Put a service's field errors on the form's fields (others on the form as a whole)."""
    for field, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)
