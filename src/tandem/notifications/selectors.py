"""Reads of notifications: a person only ever sees their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.notifications.models import EmailMode, Notification, NotificationPreference


def notifications_of(*, person: Any, unread: bool | None = None) -> QuerySet[Notification]:
    """The person's notifications, newest first (none for an account without a person)."""
    if person is None:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient_id=person.pk, in_app=True)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def unread_count(*, person: Any) -> int:
    """One COUNT query (the top bar's badge)."""
    if person is None:
        return 0
    return Notification.objects.filter(recipient_id=person.pk, in_app=True, read_at__isnull=True).count()


def preference_of(*, person: Any) -> NotificationPreference:
    """The person's choices; an unsaved default when they never chose."""
    pref = NotificationPreference.objects.filter(person_id=person.pk).first()
    return pref if pref is not None else NotificationPreference(person_id=person.pk)


def preferences_for(*, person_ids: list[int]) -> dict[int, NotificationPreference]:
    """Every person's choices in one query (defaults for those who never chose)."""
    found = {p.person_id: p for p in NotificationPreference.objects.filter(person_id__in=person_ids)}
    return {pk: found.get(pk) or NotificationPreference(person_id=pk) for pk in person_ids}


def digest_person_ids() -> list[int]:
    """People on the daily digest who have notifications waiting to be e-mailed."""
    digest_people = NotificationPreference.objects.filter(email_mode=EmailMode.DIGEST).values("person_id")
    return list(
        Notification.objects.filter(email_wanted=True, emailed_at__isnull=True, recipient_id__in=digest_people)
        .order_by("recipient_id").values_list("recipient_id", flat=True).distinct()
    )
