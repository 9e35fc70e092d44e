"""Who is changing things, and through what: a context variable read when an entry is written.

- :class:`AuditMiddleware` sets it for every request: ``api`` under ``/api/``, ``admin`` under
  ``/admin/``, ``page`` otherwise. The user is read from the request when the entry is written,
  so a Bearer token authenticated by the API (after the middleware ran) is the actor too.
- Background tasks get ``task`` (django-tasks' ``task_started`` / ``task_finished`` signals, wired in
  ``AuditConfig.ready``); the actor of the request that queued an inline task is kept.
- Anything else (management commands, the shell, scripts) is ``command``.
- ``audit_context(via=..., user=..., path=...)`` sets it explicitly, ``muted()`` stops generic
  capture (for a service that writes its own, single entry).
"""

from __future__ import annotations

import contextlib
import sys
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from typing import Any

from tandem.audit.models import Via


@dataclass(frozen=True)
class AuditContext:
    via: str = Via.COMMAND
    request: Any = None
    user: Any = None
    path: str = ""
    method: str = ""
    muted: bool = False

    def current_user(self) -> Any:
        user = self.user
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user


def _default_context() -> AuditContext:
    argv = sys.argv[1:2]
    return AuditContext(via=Via.COMMAND, path=(argv[0] if argv else "")[:500])


_current: ContextVar[AuditContext | None] = ContextVar("tandem_audit_context", default=None)


def current() -> AuditContext:
    ctx = _current.get()
    return ctx if ctx is not None else _default_context()


def push(ctx: AuditContext) -> Token:
    return _current.set(ctx)


def pop(token: Token) -> None:
    _current.reset(token)


@contextlib.contextmanager
def audit_context(*, via: str | None = None, user: Any = None, path: str | None = None, method: str = ""):
    """Run a block as ``user`` through ``via`` (e.g. a management command naming its operator)."""
    base = current()
    token = push(replace(
        base, via=via or base.via, user=user if user is not None else base.user,
        path=base.path if path is None else path[:500], method=method or base.method,
    ))
    try:
        yield
    finally:
        pop(token)


@contextlib.contextmanager
def muted():
    """Suppress generic capture inside the block (the caller records what happened itself)."""
    token = push(replace(current(), muted=True))
    try:
        yield
    finally:
        pop(token)


def via_for_path(path: str) -> str:
    if path.startswith("/api/") or path == "/api":
        return Via.API
    if path.startswith("/admin/") or path == "/admin":
        return Via.ADMIN
    return Via.PAGE


class AuditMiddleware:
    """Remember the request for the audit trail (place after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path or ""
        token = push(AuditContext(
            via=via_for_path(path), request=request, path=path.replace("\x00", "")[:500],
            method=(request.method or "")[:10],
        ))
        try:
            return self.get_response(request)
        finally:
            pop(token)


# -- background tasks -----------------------------------------------------------------------

_task_tokens: ContextVar[tuple[Token, ...]] = ContextVar("tandem_audit_task_tokens", default=())


def on_task_started(sender: Any = None, task_result: Any = None, **kwargs: Any) -> None:
    path = getattr(getattr(task_result, "task", None), "module_path", "") or ""
    token = push(replace(current(), via=Via.TASK, path=f"task:{path}"[:500], method=""))
    _task_tokens.set((*_task_tokens.get(), token))


def on_task_finished(sender: Any = None, task_result: Any = None, **kwargs: Any) -> None:
    tokens = _task_tokens.get()
    if not tokens:
        return
    *rest, token = tokens
    _task_tokens.set(tuple(rest))
    try:
        pop(token)
    except ValueError:  # pragma: no cover - finished in another context than it started
        pass
