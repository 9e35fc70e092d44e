"""The audit trail (issue 13 §2): who changed what, when, before → after, through which page or API.

Public helpers (import from here)::

    from tandem import audit
    audit.record(action="anonymise", obj=person, changes={...})       # one custom entry
    audit.record_many(Mentorship, created)                            # after writes with no signals
    with audit.audit_context(via="command", user=operator): ...       # explicit actor / channel
    with audit.muted(): ...                                           # no generic capture inside

Which models are audited is listed in ``tandem.audit.apps.AuditConfig.register_models``.
"""

from __future__ import annotations

from typing import Any


def register(*args: Any, **kwargs: Any):
    from tandem.audit.capture import register as _register

    return _register(*args, **kwargs)


def record(**kwargs: Any):
    from tandem.audit.capture import record as _record

    return _record(**kwargs)


def record_many(*args: Any, **kwargs: Any):
    from tandem.audit.capture import record_many as _record_many

    return _record_many(*args, **kwargs)


def audit_context(**kwargs: Any):
    from tandem.audit.context import audit_context as _audit_context

    return _audit_context(**kwargs)


def muted():
    from tandem.audit.context import muted as _muted

    return _muted()
