"""Queue side effects only once the surrounding transaction commits (Zulip's queue_event_on_commit).

Tasks take IDs and call a service; the backend is ``settings.TASKS`` (the database in
development and production, inline in tests).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))
