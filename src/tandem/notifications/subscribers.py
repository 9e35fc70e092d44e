"""What notifications listen to: domain events (tandem.core.events). Each mentorship event becomes
in-app notifications for the people it concerns, and e-mails queued as tasks that take IDs.
Subscribed once in :class:`NotificationsConfig.ready`."""

from __future__ import annotations

from typing import Any

from tandem.core import events
from tandem.notifications.services import EVENT_KINDS, notifications_for_event
from tandem.notifications.tasks import send_round_results


def _notify(event: str):
    def handler(*, mentorship_id: int, actor_id: int | None = None, **ids: Any) -> None:
        notifications_for_event(event=event, mentorship_id=mentorship_id, actor_id=actor_id, **ids)

    handler.__name__ = f"notify_{event.replace('.', '_')}"
    return handler


def _round_published(*, round_id: int, **_ids: Any) -> None:
    send_round_results.enqueue(round_id)


_HANDLERS = {event: _notify(event) for event in EVENT_KINDS}


def subscribe() -> None:
    for event, handler in _HANDLERS.items():
        events.subscribe(event, handler)
    events.subscribe("round.published", _round_published)
