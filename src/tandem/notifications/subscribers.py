"""What notifications listen to: domain events (tandem.core.events), each turned into a queued task
that takes IDs. Subscribed once in :class:`NotificationsConfig.ready`."""

from __future__ import annotations

from typing import Any

from tandem.core import events
from tandem.notifications.tasks import send_mentorship_email, send_round_results

# domain event -> the e-mail it sends (see notifications/services.py RECIPIENTS)
MENTORSHIP_EMAILS = {
    "mentorship.requested": "requested",
    "mentorship.accepted": "accepted",
    "mentorship.declined": "declined",
    "mentorship.paired": "paired",
    "mentorship.agreement_stage": "agreement",
    "mentorship.started": "started",
    "mentorship.cancelled": "withdrawn",
}


def _mentorship_email(email: str):
    def handler(*, mentorship_id: int, **_ids: Any) -> None:
        send_mentorship_email.enqueue(mentorship_id, email)

    handler.__name__ = f"email_{email}"
    return handler


def _round_published(*, round_id: int, **_ids: Any) -> None:
    send_round_results.enqueue(round_id)


def subscribe() -> None:
    for event, email in MENTORSHIP_EMAILS.items():
        events.subscribe(event, _HANDLERS[email])
    events.subscribe("round.published", _round_published)


_HANDLERS = {email: _mentorship_email(email) for email in set(MENTORSHIP_EMAILS.values())}
