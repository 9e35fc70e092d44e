"""One error type for everything a user can get wrong (Zulip's JsonableError).

Services raise :class:`ApplicationError`; the API maps it to JSON (``tandem.config.api``) and
pages to a message (``tandem.core.middleware``). Never a 500 for user input.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        status: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.message = message if message is not None else _("The request could not be processed.")
        if code:
            self.code = code
        if status:
            self.status = status
        self.data = data or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), **self.data}


class NotFound(ApplicationError):
    status = 404
    code = "not_found"

    def __init__(self, message: Any = None, **kw: Any) -> None:
        super().__init__(message or _("Not found."), **kw)


class Forbidden(ApplicationError):
    status = 403
    code = "forbidden"

    def __init__(self, message: Any = None, **kw: Any) -> None:
        super().__init__(message or _("You do not have permission to do this."), **kw)


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class ValidationFailed(ApplicationError):
    """Field-level errors: ``errors`` maps a field (or ``row:column``) to messages."""

    code = "validation_failed"

    def __init__(self, errors: dict[str, list[str]] | list[dict[str, Any]], message: Any = None) -> None:
        super().__init__(message or _("Please correct the errors below."), data={"errors": errors})
        self.errors = errors


def error_messages(exc: ApplicationError) -> list[str]:
    """Every message an error carries: field errors of a ValidationFailed, else its message."""
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict):
        return [str(e) for errs in errors.values() for e in errs]
    return [str(exc.message)]
