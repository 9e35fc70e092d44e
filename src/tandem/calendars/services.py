"""Writes of the calendars app: a person's private feed token (made, regenerated, revoked).

The token is ``cal_`` and 32 random bytes; only its SHA-256 is stored. Making a feed revokes the
person's previous one (regenerate = make again), so a leaked URL is dead the moment a new one is
made. The person's row is locked first: two clicks at once leave one live feed.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tandem.calendars.errors import CalendarErrorCode
from tandem.calendars.models import CalendarFeed
from tandem.core import authz
from tandem.core.errors import Conflict, Forbidden
from tandem.people.models import Person

TOKEN_PREFIX = "cal_"
TOKEN_MAX_LENGTH = 200
#: ``last_used_at`` is written at most this often (a calendar client polls every few minutes)
TOUCH_EVERY = datetime.timedelta(minutes=10)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _owner(actor: authz.Actor) -> Person:
    if not authz.can_have_calendar_feed(actor):
        raise Forbidden(_("A calendar feed belongs to a person: your account is not linked to one."),
                        code=CalendarErrorCode.NO_PERSON)
    return Person.objects.select_for_update().get(pk=actor.person.pk)


@transaction.atomic
def calendar_feed_create(*, actor: authz.Actor) -> tuple[CalendarFeed, str]:
    """A new feed URL for the actor (their previous one stops working). Returns the feed and its
    secret token, which is never stored and shown only now."""
    person = _owner(actor)
    now = timezone.now()
    CalendarFeed.objects.filter(person=person, revoked_at=None).update(revoked_at=now)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(person=person, prefix=raw[:10], key_hash=_hash(raw),
                                       language=(get_language() or "")[:10])
    return feed, raw


@transaction.atomic
def calendar_feed_revoke(*, actor: authz.Actor) -> int:
    """Revoke the actor's feed: its URL answers 404 from now on."""
    person = _owner(actor)
    n = CalendarFeed.objects.filter(person=person, revoked_at=None).update(revoked_at=timezone.now())
    if not n:
        raise Conflict(_("You have no calendar feed to revoke."), code=CalendarErrorCode.NO_FEED)
    return n


def calendar_feed_find(raw: str) -> CalendarFeed | None:
    """The live feed with this token, its owner active and with an active login; else None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > TOKEN_MAX_LENGTH:
        return None
    feed = (CalendarFeed.objects.select_related("person")
            .filter(key_hash=_hash(raw), revoked_at=None, person__is_active=True, person__user__is_active=True)
            .first())
    if feed is None:
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > TOUCH_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed
