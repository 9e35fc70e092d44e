"""Tell the person who asked for a background computation of the matching flows (a bulk preview,
a round's close-and-publish) that it stopped without a result -- refused, an error, or its worker
died (failed as stale). Subscribed in :class:`MatchingConfig.ready`; once per job, in the
requester's language, through the notification centre and e-mail as they prefer."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.core import events
from tandem.matching.models import MatchRun, RoundPublication
from tandem.notifications.models import EmailMode, NotificationKind
from tandem.notifications.reminders import remind_once
from tandem.notifications.selectors import preferences_for
from tandem.people.models import Person


def _tell(*, user_id: int | None, subject: str, title: Any, error: str, url: str, object_id: int) -> None:
    person = Person.objects.filter(user_id=user_id, is_active=True).first() if user_id else None
    if person is None:
        return
    pref = preferences_for(person_ids=[person.pk])[person.pk]
    kind = NotificationKind.JOB_FAILED
    in_app, email = pref.wants_in_app(kind), pref.wants_email(kind)
    if not (in_app or email):
        return
    with translation.override(pref.email_language):
        params = {"title": str(title()), "error": error}
    remind_once(kind=kind, subject=subject, occasion="failed", person=person, mentorship_id=None, params=params,
                url=url, object_id=object_id, in_app=in_app, email=email,
                immediate=pref.email_mode == EmailMode.IMMEDIATE, now=timezone.now())


def _preview_failed(*, program_id: int, run_id: int, **_ids: Any) -> None:
    run = MatchRun.objects.select_related("program").filter(pk=run_id).first()
    if run is None:
        return
    _tell(user_id=run.created_by_id, subject=f"bulk-preview:{run.pk}", object_id=run.program_id,
          title=lambda: _("The bulk-match preview of %(program)s") % {"program": run.program.name},
          error=run.error, url=reverse("bulk_match", args=[run.program_id]))


def _publication_failed(*, round_id: int, publication_id: int, **_ids: Any) -> None:
    pub = RoundPublication.objects.select_related("round__program").filter(pk=publication_id).first()
    if pub is None:
        return
    program_id = pub.round.program_id
    _tell(user_id=pub.requested_by_id, subject=f"round-publication:{pub.pk}", object_id=program_id,
          title=lambda: _("Publishing the round %(round)s") % {"round": pub.round.name},
          error=pub.error, url=reverse("round_detail", args=[program_id, pub.round_id]))


def subscribe() -> None:
    events.subscribe("bulk.preview_failed", _preview_failed)
    events.subscribe("round.publication_failed", _publication_failed)
