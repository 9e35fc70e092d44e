"""Invitations: HR (or a program manager, for the people in their programs) invites people to sign
in; each gets a one-time link, in their own language, to choose a password (issue 14 §1).

The link's secret is an HMAC of the invitation's ID, send count and send time under ``SECRET_KEY``
(like Django's password-reset tokens): nothing secret is stored, the e-mail task rebuilds the link
from the ID, and sending again (which bumps the count) makes every earlier link stop working.
Accepting creates the account — the sign-in name is the person's e-mail address — links it to the
person and signs them in; an expired, revoked or used link says so and changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from tandem.accounts.errors import AccountErrorCode as Code
from tandem.accounts.models import Invitation
from tandem.core import authz
from tandem.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tandem.people.models import Person

#: how long a link works, in days (``TANDEM_INVITATION_DAYS``)
VALID_DAYS = getattr(settings, "TANDEM_INVITATION_DAYS", 14)
#: the most people one request may invite (larger groups: several requests, or a program at a time)
BATCH_LIMIT = 5000
_SALT = "tandem.accounts.invitation"


def invitation_link_secret(inv: Invitation) -> str:
    value = f"{inv.pk}:{inv.sent_count}:{inv.sent_at.isoformat()}:{inv.person_id}"
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()[:40]


def invitation_link(inv: Invitation) -> str:
    return settings.BASE_URL + reverse("invitation_accept", args=[f"{inv.pk}-{invitation_link_secret(inv)}"])


def _has_account(person: Person) -> bool:
    user = person.user
    return bool(user and user.is_active and user.has_usable_password())


def _refusal(person: Person, today: datetime.date) -> tuple[str, str] | None:
    """Why ``person`` cannot be invited, as (code, message), or None."""
    if not person.is_active or (person.left_on and person.left_on <= today):
        return Code.PERSON_INACTIVE, _("%(name)s is no longer active: they cannot be invited.") % {
            "name": person.full_name}
    if not person.email:
        return Code.NO_EMAIL, _("%(name)s has no e-mail address.") % {"name": person.full_name}
    if _has_account(person):
        return Code.ALREADY_HAS_ACCOUNT, _("%(name)s can already sign in.") % {"name": person.full_name}
    return None


def _check_rights(actor: authz.Actor, person: Person) -> None:
    if not authz.can_invite(actor, person):
        raise Forbidden(_("You may invite only people in the programs you manage."))


def _open_invitation(person: Person) -> Invitation | None:
    return Invitation.objects.select_for_update().filter(
        person=person, accepted_at__isnull=True, revoked_at__isnull=True).first()


def _send_now(inv: Invitation, now: datetime.datetime, actor: authz.Actor) -> Invitation:
    """Create or refresh ``inv`` (locked by the caller) and queue its e-mail after commit."""
    from tandem.accounts.tasks import send_invitation_email
    from tandem.core.tasks import enqueue_on_commit

    inv.sent_at = now
    inv.expires_at = now + datetime.timedelta(days=VALID_DAYS)
    inv.invited_by = actor.person
    inv.email = inv.person.email
    if inv.pk:
        inv.sent_count += 1
        inv.save(update_fields=["sent_at", "expires_at", "invited_by", "email", "sent_count"])
    else:
        inv.save()
    enqueue_on_commit(send_invitation_email, inv.pk, inv.sent_count)
    return inv


@transaction.atomic
def invitation_send(*, person: Person, actor: authz.Actor) -> Invitation:
    """Invite one person, or send their open invitation again (a new link; the old one stops)."""
    _check_rights(actor, person)
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    now = timezone.now()
    refusal = _refusal(person, timezone.localdate())
    if refusal:
        raise Conflict(refusal[1], code=refusal[0])
    inv = _open_invitation(person) or Invitation(person=person)
    inv.person = person
    return _send_now(inv, now, actor)


@dataclass
class BatchResult:
    sent: int = 0
    resent: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (employee ID, why)


@transaction.atomic
def invitations_send(*, people: Iterable[Person] | QuerySet[Person], actor: authz.Actor,
                     resend: bool = False) -> BatchResult:
    """Invite many (a filter, a program's enrolment): people who can already sign in or are not active
    are skipped with the reason; those with an open invitation are sent again only if ``resend``."""
    ids = [p.pk for p in people]
    if not ids:
        raise ValidationFailed({"people": [_("Choose at least one person to invite.")]})
    if len(ids) > BATCH_LIMIT:
        raise ValidationFailed({"people": [_("Invite at most %(n)d people at a time.") % {"n": BATCH_LIMIT}]})
    now, today = timezone.now(), timezone.localdate()
    result = BatchResult()
    rows = Person.objects.select_for_update(of=("self",)).select_related("user").filter(pk__in=ids).order_by("pk")
    open_ = {inv.person_id: inv for inv in Invitation.objects.select_for_update().filter(
        person_id__in=ids, accepted_at__isnull=True, revoked_at__isnull=True)}
    for person in rows:
        if not authz.can_invite(actor, person):
            result.skipped.append((person.employee_id, _("not in a program you manage")))
            continue
        refusal = _refusal(person, today)
        if refusal:
            result.skipped.append((person.employee_id, refusal[1]))
            continue
        inv = open_.get(person.pk)
        if inv is not None and not resend and inv.expires_at > now:
            result.skipped.append((person.employee_id, _("already invited")))
            continue
        if inv is None:
            inv = Invitation(person=person)
            result.sent += 1
        else:
            result.resent += 1
        inv.person = person
        _send_now(inv, now, actor)
    return result


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: authz.Actor) -> Invitation:
    inv = Invitation.objects.select_for_update().select_related("person").get(pk=invitation.pk)
    _check_rights(actor, inv.person)
    if inv.accepted_at or inv.revoked_at:
        raise Conflict(_("This invitation is no longer open."), code=Code.INVITATION_CLOSED)
    inv.revoked_at = timezone.now()
    inv.save(update_fields=["revoked_at"])
    return inv


def invitation_from_link(key: str, *, lock: bool = False) -> Invitation:
    """The open invitation a link names, or a clear refusal (never which part was wrong)."""
    invalid = NotFound(_("This invitation link is not valid. Ask for a new one."), code=Code.INVITATION_INVALID)
    pk, _sep, secret = (key or "").partition("-")
    if not pk.isdigit() or len(pk) > 12 or not secret:
        raise invalid
    qs = Invitation.objects.select_related("person", "person__user")
    inv = (qs.select_for_update(of=("self",)) if lock else qs).filter(pk=int(pk)).first()
    if inv is None or not constant_time_compare(secret, invitation_link_secret(inv)):
        raise invalid
    if inv.accepted_at or inv.revoked_at:
        raise Conflict(_("This invitation was already used or withdrawn. Sign in, or ask for a new one."),
                       code=Code.INVITATION_CLOSED)
    if inv.expires_at <= timezone.now():
        raise Conflict(_("This invitation has expired. Ask the person who invited you to send it again."),
                       code=Code.INVITATION_EXPIRED)
    return inv


@transaction.atomic
def invitation_accept(*, key: str, password1: str, password2: str) -> Any:
    """Set the password, create (or re-activate) the person's account and link it; returns the user."""
    inv = invitation_from_link(key, lock=True)
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=inv.person_id)
    refusal = _refusal(person, timezone.localdate())
    if refusal:
        raise Conflict(refusal[1], code=refusal[0])
    errors: dict[str, list[str]] = {}
    if not password1:
        errors["password1"] = [_("Choose a password.")]
    elif password1 != password2:
        errors["password2"] = [_("The two passwords differ.")]
    User = get_user_model()
    user = person.user or User(username=person.email.lower()[:150], email=person.email,
                               first_name=person.full_name[:150])
    if not errors:
        try:
            password_validation.validate_password(password1, user)
        except DjangoValidationError as exc:
            errors["password1"] = list(exc.messages)
    if not person.user and User.objects.filter(username__iexact=user.username).exists():
        errors["password1"] = [_("An account with this sign-in name exists already. Ask HR to link it.")]
    if errors:
        raise ValidationFailed(errors)
    user.set_password(password1)
    user.is_active = True
    user.save()
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    inv.accepted_at = timezone.now()
    inv.save(update_fields=["accepted_at"])
    return user


def invitation_email_send(*, invitation_id: int, sent_count: int) -> int:
    """The e-mail of one sending (a later resend makes this one moot: nothing is sent)."""
    from tandem.notifications.services import recipient_locale

    inv = Invitation.objects.select_related("person", "invited_by").filter(pk=invitation_id).first()
    if inv is None or inv.sent_count != sent_count or inv.accepted_at or inv.revoked_at:
        return 0
    with recipient_locale(inv.person):
        ctx = {"person": inv.person, "inviter": inv.invited_by, "link": invitation_link(inv),
               "expires_at": inv.expires_at, "username": inv.person.email.lower(), "base_url": settings.BASE_URL}
        subject = " ".join(render_to_string("accounts/invitation_subject.txt", ctx).split())
        body = render_to_string("accounts/invitation_email.txt", ctx)
    return send_mail(subject, body, None, [inv.email], fail_silently=False)


# -- reads --------------------------------------------------------------------------------------


def invitations_visible(*, actor: authz.Actor, state: str = "", q: str = "") -> QuerySet[Invitation]:
    qs = Invitation.objects.select_related("person", "person__department", "invited_by")
    if not actor.is_hr:
        qs = qs.filter(authz.managed_people_q(actor, "person"))
    now = timezone.now()
    if state == "pending":
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
    elif state == "expired":
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now)
    elif state == "accepted":
        qs = qs.filter(accepted_at__isnull=False)
    elif state == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(person__full_name__icontains=q) | Q(person__employee_id__iexact=q) | Q(email__icontains=q))
    return qs.order_by("-sent_at", "-id")


def invitation_get(*, actor: authz.Actor, invitation_id: int) -> Invitation:
    inv = invitations_visible(actor=actor).filter(pk=invitation_id).first()
    if inv is None:
        raise NotFound()
    return inv


def people_without_account(*, actor: authz.Actor) -> QuerySet[Person]:
    from django.db.models import Q

    qs = Person.objects.filter(is_active=True).filter(Q(user__isnull=True) | Q(user__is_active=False))
    if not actor.is_hr:
        qs = qs.filter(authz.managed_people_q(actor))
    return qs


def invitation_status(*, person: Person) -> dict[str, Any]:
    """For the profile: the person's open invitation (state pending / expired) or ``none``."""
    inv = Invitation.objects.filter(person=person, accepted_at__isnull=True, revoked_at__isnull=True).first()
    if inv is None:
        return {"state": "none"}
    return {"state": inv.state(timezone.now()), "sent_at": inv.sent_at, "id": inv.pk}


def people_by_employee_ids(ids: list[str]) -> tuple[list[Person], list[str]]:
    """The people with these employee IDs, matched whatever their case, and the IDs nobody has."""
    from django.db.models.functions import Lower

    wanted = list(dict.fromkeys(i.strip().lower() for i in ids if i and i.strip()))
    found = {p.eid: p for p in Person.objects.annotate(eid=Lower("employee_id")).filter(eid__in=wanted)}
    return list(found.values()), [i for i in wanted if i not in found]


def program_people(*, program: Any) -> QuerySet[Person]:
    """Everyone enrolled in ``program`` (any role)."""
    return Person.objects.filter(enrolments__program=program).distinct()
