"""Domain events, delivered after the transaction commits (Zulip's queue_event_on_commit, Saleor's
call_event).

A service that changes state emits a named event with IDs::

    events.emit("mentorship.started", mentorship_id=m.pk, actor_id=actor_person_id)

Each interested app subscribes once, in its ``AppConfig.ready()``::

    events.subscribe("mentorship.started", on_started)

Handlers run after the surrounding transaction commits (immediately when there is none), receive
only the keyword arguments the event was emitted with, and typically enqueue a task. A new consumer
is a new subscriber, not an edit to every service. Handlers must not raise: one failing handler is
logged and does not stop the others (the state change it reacts to is already committed).

Event names are listed in :data:`EVENTS` so a typo fails loudly instead of silently never firing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

EVENTS = frozenset({
    # mentorships: the pairing's life
    "mentorship.requested",
    "mentorship.accepted",
    "mentorship.declined",
    "mentorship.intro_scheduled",
    "mentorship.paired",          # created by a bulk match or a manager: both sides to confirm
    "mentorship.agreement_stage",  # both confirmed; the agreement is now to be signed
    "mentorship.started",
    "mentorship.completed",
    "mentorship.ended_early",
    "mentorship.cancelled",
    "agreement.updated",           # a new version waits for signatures
    "agreement.signed",            # one party signed
    "agreement.fully_signed",
    "needs.submitted",
    "plan.drafted",
    "plan.commented",
    "plan.confirmed",
    "milestone.updated",
    # the coaching log
    "session.scheduled",
    "session.rescheduled",         # the other side is told
    "session.cancelled",
    "session.held",
    "session.feedback",
    "message.posted",
    "mention.created",             # @name in a message or a comment: person_id is told
    "action_item.assigned",
    "action_item.updated",
    "session.series_scheduled",    # a recurring session: its occurrences were scheduled
    "session.series_cancelled",    # calendars: the rest of a recurring session was cancelled at once (session_ids)
    "resource.shared",             # a file or link shared in the log
    "transcript.added",
    # assessments
    "review.opened",
    "review.submitted",
    "survey.sent",
    "survey.answered",
    "teachback.scheduled",
    "teachback.scored",
    "teachback.result",           # an attempt's result is final (passed, failed, failed the last attempt)
    "knowledge_gap.added",
    "grai.submitted",
    "grai.commented",
    # programs
    "program.created",
    "program.closed",
    "enrolment.changed",
    # matching
    "bulk.committed",
    "round.published",
    # matching: background computations (bulk helper) — the requester is told
    "bulk.preview_ready",          # program_id, run_id: the preview a manager requested is computed
    "bulk.preview_failed",         # program_id, run_id, reason ("error", "stale", "refused")
    "round.publication_failed",    # round_id, publication_id, reason: the round stays open
    "round.placed_manually",       # round_id, applicant_id, department_id: a manager placed an unplaced graduate
})

Handler = Callable[..., Any]
_subscribers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> None:
    """Call ``handler(**ids)`` after each commit that emitted ``name``. Idempotent per handler."""
    if name not in EVENTS:
        raise ValueError(f"unknown domain event {name!r}")
    if handler not in _subscribers[name]:
        _subscribers[name].append(handler)


def subscribers(name: str) -> list[Handler]:
    return list(_subscribers.get(name, ()))


def _deliver(name: str, payload: dict[str, Any]) -> None:
    for handler in subscribers(name):
        try:
            handler(**payload)
        except Exception:  # noqa: BLE001 - one consumer's failure must not hide the event from the rest
            log.exception("handler %r for %s failed", handler, name)


def emit(name: str, **payload: Any) -> None:
    """Queue ``name`` with its IDs for delivery once the current transaction commits."""
    if name not in EVENTS:
        raise ValueError(f"unknown domain event {name!r}")
    transaction.on_commit(partial(_deliver, name, payload))
