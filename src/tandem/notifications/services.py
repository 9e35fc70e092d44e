"""Notifications: the in-app centre and e-mail, each in the recipient's language and time zone.

Subscribers (``subscribers.py``) turn a domain event into :func:`notifications_for_event`, which
creates one in-app notification per person concerned and queues an e-mail for those who receive
that kind immediately; people on the daily digest get theirs from :func:`digests_send`. Tasks take
IDs and read through the other apps' selectors (notifications import no other app's models)."""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.core.errors import ApplicationError, NotFound, ValidationFailed
from tandem.core.validators import DB_BIGINT_MAX
from tandem.matching import selectors as matching_selectors
from tandem.mentorships import log_selectors
from tandem.mentorships import selectors as mentorship_selectors
from tandem.notifications import reminder_selectors, selectors
from tandem.notifications.models import (
    EmailMode,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from tandem.notifications.texts import notification_text

log = logging.getLogger(__name__)
K = NotificationKind

# kinds whose e-mail uses the detailed mentorship templates (the request's note, the decline reason)
MENTORSHIP_EMAIL = {
    K.REQUESTED: "requested", K.ACCEPTED: "accepted", K.DECLINED: "declined", K.PAIRED: "paired",
    K.AGREEMENT_STAGE: "agreement", K.STARTED: "started", K.CANCELLED: "withdrawn",
}

# domain event -> (kind, who hears about it). "pair": mentor and mentee; "other": the side of the pair
# that did not act (both when someone else acted); "parties": the agreement's signers.
EVENT_KINDS: dict[str, tuple[str, str]] = {
    "mentorship.requested": (K.REQUESTED, "mentor"),
    "mentorship.accepted": (K.ACCEPTED, "mentee"),
    "mentorship.declined": (K.DECLINED, "mentee"),
    "mentorship.intro_scheduled": (K.INTRO_SCHEDULED, "other"),
    "mentorship.paired": (K.PAIRED, "pair"),
    "mentorship.agreement_stage": (K.AGREEMENT_STAGE, "pair"),
    "mentorship.started": (K.STARTED, "pair"),
    "mentorship.completed": (K.COMPLETED, "other"),
    "mentorship.ended_early": (K.ENDED_EARLY, "other"),
    "mentorship.cancelled": (K.CANCELLED, "other"),
    "agreement.updated": (K.AGREEMENT_UPDATED, "parties_but_actor"),
    "agreement.fully_signed": (K.AGREEMENT_SIGNED, "parties"),
    "needs.submitted": (K.NEEDS_SUBMITTED, "mentor"),
    "plan.drafted": (K.PLAN_DRAFTED, "other"),
    "plan.commented": (K.PLAN_COMMENTED, "other"),
    "plan.confirmed": (K.PLAN_CONFIRMED, "other"),
    "milestone.updated": (K.MILESTONE_UPDATED, "mentor_but_actor"),
    # the coaching log
    "session.scheduled": (K.SESSION_SCHEDULED, "other"),
    "session.rescheduled": (K.SESSION_RESCHEDULED, "other"),
    "session.cancelled": (K.SESSION_CANCELLED, "other"),
    "mention.created": (K.MENTIONED, "mentioned"),
    "action_item.assigned": (K.ACTION_ITEM_ASSIGNED, "owner_but_actor"),
    "message.posted": (K.MESSAGE_POSTED, "other_unless_mentioned"),
    "resource.shared": (K.RESOURCE_SHARED, "other"),
    "session.series_scheduled": (K.SERIES_SCHEDULED, "other"),
    "session.series_cancelled": (K.SERIES_CANCELLED, "other"),
    "session.feedback": (K.FEEDBACK_SHARED, "pair_once_both_answered"),
    # assessments: a comment on a GRAI review tells its author (the other side of the pair)
    "grai.commented": (K.GRAI_COMMENTED, "other"),
}
# kinds that name who acted; the others name the recipient's counterpart in the pair
ACTION_KINDS = {K.INTRO_SCHEDULED, K.NEEDS_SUBMITTED, K.PLAN_DRAFTED, K.PLAN_COMMENTED, K.PLAN_CONFIRMED,
                K.MILESTONE_UPDATED, K.SESSION_SCHEDULED, K.SESSION_RESCHEDULED, K.SESSION_CANCELLED, K.MENTIONED,
                K.ACTION_ITEM_ASSIGNED, K.MESSAGE_POSTED, K.RESOURCE_SHARED, K.SERIES_SCHEDULED,
                K.SERIES_CANCELLED, K.GRAI_COMMENTED}
LOG_SESSION_KINDS = {K.SESSION_SCHEDULED, K.SESSION_RESCHEDULED, K.SESSION_CANCELLED, K.FEEDBACK_SHARED,
                     K.SERIES_SCHEDULED, K.SERIES_CANCELLED}


# -- the recipient's language and time zone ---------------------------------------------------


@contextmanager
def recipient_locale(person: Any, pref: NotificationPreference | None = None) -> Iterator[None]:
    """Render in ``person``'s language (their preference, else the site's) and time zone."""
    if pref is None:
        pref = selectors.preference_of(person=person)
    try:
        tz = zoneinfo.ZoneInfo(person.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with translation.override(pref.email_language), timezone.override(tz):
        yield


def _send(person: Any, template: str, ctx: dict[str, Any]) -> int:
    subject = " ".join(render_to_string(f"notifications/{template}_subject.txt", ctx).split())
    body = render_to_string(f"notifications/{template}_body.txt", ctx)
    return send_mail(subject, body, None, [person.email], fail_silently=False)


# -- creating notifications from an event -------------------------------------------------------


def _url(kind: str, m: Any, session_id: Any = None) -> str:
    if kind == K.REQUESTED:
        return f"/programs/{m.program_id}/requests/"
    if kind == K.DECLINED:
        return f"/programs/{m.program_id}/recommendations/"
    if kind in (K.AGREEMENT_STAGE, K.AGREEMENT_UPDATED, K.AGREEMENT_SIGNED):
        return reverse("mentorship_agreement", args=[m.pk])
    if kind in (K.NEEDS_SUBMITTED, K.PLAN_DRAFTED, K.PLAN_COMMENTED, K.PLAN_CONFIRMED, K.MILESTONE_UPDATED):
        return reverse("mentorship_plan", args=[m.pk])
    if kind in LOG_SESSION_KINDS and isinstance(session_id, int):
        return reverse("mentorship_log_session", args=[m.pk, session_id])
    if kind in (K.MENTIONED, K.ACTION_ITEM_ASSIGNED, K.MESSAGE_POSTED, K.RESOURCE_SHARED):
        return reverse("mentorship_log", args=[m.pk])
    if kind == K.GRAI_COMMENTED:
        return f"/mentorships/{m.pk}/grai/"  # the pair's GRAI reviews (assessments.grai_urls)
    return reverse("mentorship_detail", args=[m.pk])


def _recipients(who: str, m: Any, actor_id: int | None, agreement_id: int | None,
                payload: dict[str, Any] | None = None) -> list[Any]:
    pair = [m.mentor, m.mentee]
    if who == "mentor":
        people = [m.mentor]
    elif who == "mentee":
        people = [m.mentee]
    elif who == "pair":
        people = pair
    elif who == "other":
        people = [p for p in pair if p.pk != actor_id]
    elif who == "mentor_but_actor":
        people = [m.mentor] if m.mentor_id != actor_id else []
    elif who == "mentioned":
        people = [p for p in pair if p.pk == (payload or {}).get("person_id") and p.pk != actor_id]
    elif who == "owner_but_actor":
        people = [p for p in pair if p.pk == (payload or {}).get("owner_id") and p.pk != actor_id]
    elif who == "other_unless_mentioned":
        # a message that @-mentions the other side tells them once, as a mention
        message_id = (payload or {}).get("message_id")
        mentions = isinstance(message_id, int) and reminder_selectors.message_mentions_someone(message_id=message_id)
        people = [] if mentions else [p for p in pair if p.pk != actor_id]
    elif who == "pair_once_both_answered":
        people = pair if (payload or {}).get("both_answered") is True else []
    else:  # the agreement's parties
        from tandem.mentorships.services import agreement_parties

        holders = agreement_parties(m)
        parties = None
        if agreement_id is not None:
            a = mentorship_selectors.agreement_versions(mentorship=m).filter(pk=agreement_id).first()
            parties = a.parties if a is not None else None
        people = [p for party, p in holders.items() if p is not None and (parties is None or party in parties)]
        if who == "parties_but_actor":
            people = [p for p in people if p.pk != actor_id]
    seen: set[int] = set()
    out = []
    for p in people:
        if p.pk not in seen and p.is_active:
            seen.add(p.pk)
            out.append(p)
    return out


def _params(kind: str, m: Any, person: Any, actor_id: int | None, payload: dict[str, Any],
            agreement_version: int | None) -> dict[str, Any]:
    counterpart = m.mentee if person.pk == m.mentor_id else m.mentor
    actor = {m.mentor_id: m.mentor, m.mentee_id: m.mentee}.get(actor_id) if actor_id else None
    name = (actor or counterpart).full_name if kind in ACTION_KINDS else counterpart.full_name
    params: dict[str, Any] = {"name": name, "mentor": m.mentor.full_name, "mentee": m.mentee.full_name,
                              "program": m.program.name}
    if kind == K.INTRO_SCHEDULED and m.intro_at:
        params["when"] = m.intro_at.isoformat()
    if kind == K.MILESTONE_UPDATED:
        params["done"] = bool(payload.get("done"))
    if kind in LOG_SESSION_KINDS and isinstance(payload.get("session_id"), int):
        try:
            params["when"] = log_selectors.session_of(mentorship=m, session_id=payload["session_id"]).starts_at.isoformat()
        except ApplicationError:
            pass
    if kind == K.FEEDBACK_SHARED:
        params["name"] = counterpart.full_name
    if kind == K.SERIES_SCHEDULED and isinstance(payload.get("series_id"), int):
        summary = reminder_selectors.series_summary(series_id=payload["series_id"], mentorship_id=m.pk)
        if summary is not None:
            params["count"], params["when"], params["session_id"] = summary
    if kind == K.SERIES_CANCELLED:
        ids = [i for i in payload.get("session_ids") or () if isinstance(i, int)]
        params["count"] = len(ids)
        if ids:
            params["session_id"] = ids[0]
            try:
                params["when"] = log_selectors.session_of(mentorship=m, session_id=ids[0]).starts_at.isoformat()
            except ApplicationError:
                pass
    if kind == K.RESOURCE_SHARED:
        title = payload.get("title")
        if not isinstance(title, str) and isinstance(payload.get("resource_id"), int):
            title = reminder_selectors.resource_title(resource_id=payload["resource_id"], mentorship_id=m.pk)
        if isinstance(title, str) and title.strip():
            params["title"] = " ".join(title.split())[:200]
    if kind == K.ACTION_ITEM_ASSIGNED and isinstance(payload.get("action_item_id"), int):
        try:
            params["title"] = log_selectors.action_item_of(mentorship=m, item_id=payload["action_item_id"]).title
        except ApplicationError:
            pass
    if agreement_version is not None:
        params["version"] = agreement_version
    return params


def notifications_for_event(*, event: str, mentorship_id: int, actor_id: int | None = None,
                            **payload: Any) -> list[Notification]:
    """The in-app notifications ``event`` causes (one per person concerned), and their e-mails:
    queued now for people who take them immediately, left for the digest for the others."""
    if event not in EVENT_KINDS:
        return []
    kind, who = EVENT_KINDS[event]
    m = mentorship_selectors.mentorship_by_id(mentorship_id)
    if m is None:
        return []
    agreement_id = payload.get("agreement_id")
    version = None
    if agreement_id is not None:
        a = mentorship_selectors.agreement_versions(mentorship=m).filter(pk=agreement_id).first()
        version = a.version if a is not None else None
    prefs = selectors.preferences_for(person_ids=[p.pk for p in _recipients(who, m, actor_id, agreement_id, payload)])
    # a kind the person turned off both in Tandem and by e-mail makes no notification at all
    people = [p for p in _recipients(who, m, actor_id, agreement_id, payload)
              if prefs[p.pk].wants_in_app(kind) or prefs[p.pk].wants_email(kind)]
    object_id = next((payload[k] for k in ("comment_id", "milestone_id", "plan_id", "agreement_id", "message_id",
                                           "resource_id", "session_id", "action_item_id")
                      if isinstance(payload.get(k), int)), None)
    with transaction.atomic():
        created = Notification.objects.bulk_create([
            Notification(recipient=p, kind=kind, url=_url(kind, m, params.get("session_id", payload.get("session_id"))),
                         mentorship_id=m.pk, object_id=object_id, params=params,
                         email_wanted=prefs[p.pk].wants_email(kind), in_app=prefs[p.pk].wants_in_app(kind))
            for p in people for params in [_params(kind, m, p, actor_id, payload, version)]
        ])
    from tandem.notifications.tasks import send_notification_email

    for n in created:
        if n.email_wanted and prefs[n.recipient_id].email_mode == EmailMode.IMMEDIATE:
            send_notification_email.enqueue(n.pk)
    return created


# -- e-mail -----------------------------------------------------------------------------------------


@transaction.atomic
def notification_email_send(*, notification_id: int) -> int:
    """E-mail one notification to its recipient, in their language and time zone, once: the row is
    locked and marked sent in the transaction that sends it."""
    n = (Notification.objects.select_for_update().filter(pk=notification_id, emailed_at__isnull=True,
                                                          email_wanted=True).first())
    if n is None:
        return 0
    n = Notification.objects.select_related("recipient").get(pk=n.pk)
    person = n.recipient
    with recipient_locale(person):
        template = MENTORSHIP_EMAIL.get(n.kind)
        m = mentorship_selectors.mentorship_by_id(n.mentorship_id) if n.mentorship_id else None
        if template is not None and m is not None:
            other = m.mentee if person.pk == m.mentor_id else m.mentor
            side = "mentor" if person.pk == m.mentor_id else "mentee"
            ctx = {"m": m, "person": person, "other": other, "event": template, "side": side,
                   "base_url": settings.BASE_URL}
            sent = _send(person, "mentorship", ctx)
        else:
            ctx = {"person": person, "text": notification_text(n.kind, n.params), "url": n.url,
                   "base_url": settings.BASE_URL}
            sent = _send(person, "notification", ctx)
    Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
    return sent


def digest_send(*, person_id: int, now: datetime.datetime | None = None) -> int:
    """One e-mail with every notification still waiting for this digest person; marks them sent in
    the same transaction, so a second run (or a run after a crash) never repeats one."""
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update()
            .filter(recipient_id=person_id, email_wanted=True, emailed_at__isnull=True)
            .order_by("created_at", "id")
        )
        if not pending:
            return 0
        person = Notification.objects.select_related("recipient").get(pk=pending[0].pk).recipient
        pref = selectors.preference_of(person=person)
        if pref.email_mode != EmailMode.DIGEST:
            return 0
        with recipient_locale(person, pref):
            items = [{"text": notification_text(n.kind, n.params), "url": n.url, "created_at": n.created_at}
                     for n in pending]
            sent = _send(person, "digest", {"person": person, "items": items, "base_url": settings.BASE_URL})
        now = now or timezone.now()  # the scheduler's clock: the day the digest counts for
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
        NotificationPreference.objects.filter(pk=pref.pk).update(last_digest_at=now)
    return sent


def digests_send() -> int:
    """Send every digest person their waiting notifications; safe to run as often as you like."""
    sent = 0
    for person_id in selectors.digest_person_ids():
        try:
            sent += digest_send(person_id=person_id)
        except Exception:
            log.exception("digest for person %s failed; it stays pending for the next run", person_id)
    return sent


#: the local hour from which a person's daily digest goes out
DIGEST_HOUR = 7


def digest_due(*, person: Any, pref: NotificationPreference, now: datetime.datetime) -> bool:
    """Whether it is the person's morning (``DIGEST_HOUR`` or later in their time zone) and they had
    no digest yet today (their today). A worker down all morning sends it when it is back."""
    with recipient_locale(person, pref):
        local = timezone.localtime(now)
        if local.hour < DIGEST_HOUR:
            return False
        return pref.last_digest_at is None or timezone.localtime(pref.last_digest_at).date() < local.date()


def digests_send_morning(*, now: datetime.datetime | None = None) -> int:
    """The scheduler's digest job: one digest a day to each digest person, in their own morning."""
    now = now or timezone.now()
    sent = 0
    for person_id in selectors.digest_person_ids():
        pref = NotificationPreference.objects.select_related("person").filter(person_id=person_id).first()
        if pref is None or not digest_due(person=pref.person, pref=pref, now=now):
            continue
        try:
            sent += digest_send(person_id=person_id, now=now)
        except Exception:
            log.exception("digest for person %s failed; it stays pending for the next run", person_id)
    return sent


def round_results_email_send(*, round_id: int) -> int:
    """After publication: each graduate hears their own placement, each head their department's,
    each in their own language and time zone."""
    selection_round = matching_selectors.published_round(round_id)
    if selection_round is None:
        return 0
    placements = matching_selectors.round_placements(selection_round)
    sent = 0
    by_department: dict[int, list] = {}
    for p in placements:
        with recipient_locale(p.applicant):
            ctx = {"round": selection_round, "placement": p, "person": p.applicant, "base_url": settings.BASE_URL}
            sent += _send(p.applicant, "round_result", ctx)
        if p.department_id:
            by_department.setdefault(p.department_id, []).append(p)
    for placed in by_department.values():
        head = placed[0].department.head
        if head is None:
            continue
        with recipient_locale(head):
            ctx = {"round": selection_round, "department": placed[0].department, "placed": placed, "person": head,
                   "base_url": settings.BASE_URL}
            sent += _send(head, "round_department", ctx)
    return sent


# -- the reader's actions -------------------------------------------------------------------------


def _clean_ids(ids: Any) -> list[int]:
    if not isinstance(ids, list) or not ids or len(ids) > 500:
        raise ValidationFailed({"ids": [_("Give a list of 1 to 500 notification IDs.")]})
    out = []
    for i in ids:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 < i <= DB_BIGINT_MAX:
            raise ValidationFailed({"ids": [_("Each notification ID is a positive whole number.")]})
        out.append(i)
    return out


@transaction.atomic
def notifications_mark_read(*, person: Any, ids: Any = None, everything: bool = False) -> int:
    """Mark the person's notifications read: the listed ones, or all. An ID that is not one of
    theirs is not found, and then nothing is changed."""
    if person is None:
        raise NotFound()
    now = timezone.now()
    mine = Notification.objects.filter(recipient_id=person.pk, in_app=True)
    if everything:
        return mine.filter(read_at__isnull=True).update(read_at=now)
    wanted = set(_clean_ids(ids))
    found = set(mine.filter(pk__in=wanted).values_list("pk", flat=True))
    if found != wanted:
        raise NotFound(_("No such notification."), data={"ids": sorted(wanted - found)})
    return mine.filter(pk__in=wanted, read_at__isnull=True).update(read_at=now)


@transaction.atomic
def notification_preference_save(*, person: Any, language: str, email_mode: str, email_kinds: list[str],
                                 app_kinds: list[str] | None = None) -> NotificationPreference:
    """The person's language, e-mail mode, and which kinds reach them by e-mail (``email_kinds``)
    and in Tandem (``app_kinds``; None leaves that choice as it was)."""
    errors: dict[str, list[str]] = {}
    if language and language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of the languages offered.")]
    if email_mode not in EmailMode.values:
        errors["email_mode"] = [_("Choose immediate emails or a daily digest.")]
    unknown = [k for k in [*email_kinds, *(app_kinds or [])] if k not in K.values]
    if unknown:
        errors["email_kinds"] = [_("Unknown kind of notification.")]
    if errors:
        raise ValidationFailed(errors)
    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(person_id=person.pk)
    pref.language = language
    pref.email_mode = email_mode
    pref.email_kinds_off = sorted(set(K.values) - set(email_kinds))
    if app_kinds is not None:
        pref.app_kinds_off = sorted(set(K.values) - set(app_kinds))
    pref.save(update_fields=["language", "email_mode", "email_kinds_off", "app_kinds_off", "updated_at"])
    return pref
