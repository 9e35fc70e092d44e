"""Data protection writes: anonymise a person who has left, keeping the figures that count them."""

from __future__ import annotations

import re
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit import context
from tandem.audit.capture import record, spec_for
from tandem.audit.models import Action, Anonymisation, AuditEntry, AuditPerson, AuditUnlock
from tandem.core.errors import Conflict, ValidationFailed

REDACTED = "[redacted]"


def placeholder_name(pk: int) -> str:
    return f"Former employee {pk}"


def is_anonymised(*, person) -> bool:
    return Anonymisation.objects.filter(person_id=person.pk).exists()


def _scrubber(secrets: list[str]):
    """Replace every secret (case-insensitive) in strings nested anywhere in a JSON value."""
    long = sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True)
    exact = {s.lower() for s in secrets if s}
    pattern = re.compile("|".join(re.escape(s) for s in long), re.IGNORECASE) if long else None

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            if value.lower() in exact:
                return REDACTED
            return pattern.sub(REDACTED, value) if pattern else value
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        return value

    return scrub


def _redact_trail(*, person, user, secrets: list[str], new_username: str) -> int:
    """Blank the person's name, email, IDs and free text out of the entries that concern them.

    The only place entries are changed: data protection outranks the trail's immutability for
    personal data. The anonymisation itself is then recorded as a new entry."""
    from django.contrib.auth import get_user_model

    scrub = _scrubber(secrets)
    about = Q(pk__in=AuditPerson.objects.filter(person_id=person.pk).values("entry_id")) | Q(
        object_type="people.person", object_id=str(person.pk))
    if user is not None:
        about |= Q(actor=user) | Q(object_type=get_user_model()._meta.label_lower, object_id=str(user.pk))
    count = 0
    for entry in AuditEntry.objects.filter(about).iterator(chunk_size=500):
        changes = scrub(entry.changes)
        model = _model_for(entry.object_type)
        spec = spec_for(model) if model is not None else None
        if spec is not None and isinstance(changes, dict):
            for name in spec.redact:
                if name in changes:
                    changes[name] = [REDACTED if v else v for v in changes[name]]
        fields = {"label": scrub(entry.label), "changes": changes, "path": scrub(entry.path)}
        if user is not None and entry.actor_id == user.pk:
            fields["actor_username"] = new_username
        elif entry.actor_username:
            fields["actor_username"] = scrub(entry.actor_username)
        if any(getattr(entry, k) != v for k, v in fields.items()):
            models.QuerySet.update(AuditEntry.objects.filter(pk=entry.pk), **fields)
            count += 1
    return count


def _blank_free_text(person) -> None:
    """Blank every registered ``redact`` field on the rows that reference the person (their
    self-assessments, rating notes by or about them, mentorship messages, comments they wrote…)
    and on the rows that cascade from their ``owned`` rows (a mentorship's needs form, notes…)."""
    from tandem.audit.capture import registry
    from tandem.audit.selectors import cascade_children, person_fk_names
    from tandem.people.models import Person

    def blank(model, qs) -> None:
        spec = spec_for(model)
        if spec is not None and spec.redact:
            qs.update(**{name: "" for name in spec.redact})

    for model, spec in registry().items():
        fks = person_fk_names(model)
        if model is Person or not fks:
            continue
        mine = Q()
        for name in fks:
            mine |= Q(**{name: person})
        qs = model._base_manager.filter(mine)
        blank(model, qs)
        if spec.owned:
            pks = list(qs.values_list("pk", flat=True))
            for _rel, child, child_pks in cascade_children(model, pks):
                for start in range(0, len(child_pks), 500):
                    blank(child, child._base_manager.filter(pk__in=child_pks[start:start + 500]))


def _model_for(object_type: str):
    from django.apps import apps

    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


@transaction.atomic
def person_anonymise(*, person, by: Any, confirm: str):
    """Anonymise a person who has left (``is_active`` is False).

    Replaces name, email, employee ID and their personal profile fields with placeholders; deletes
    the free text they wrote or that was written about them (self-assessments, bio, mentorship
    messages and reasons, rating notes); detaches and deactivates their account, revokes its tokens;
    and blanks the same out of the audit trail. Rating levels, mentorship rows, enrolments and
    placements stay, so every aggregate still counts them. Recorded in the trail (action
    ``anonymise``). ``confirm`` must repeat the employee ID.
    """
    from tandem.accounts.models import ApiToken, LoginFailure
    from tandem.people.models import Person

    person = Person.objects.select_for_update().get(pk=person.pk)
    if (confirm or "").strip() != person.employee_id:
        raise ValidationFailed({"confirm": [_("Type the person's employee ID to confirm.")]})
    if person.is_active:
        raise Conflict(_("Only a person who has left can be anonymised: mark them inactive first."),
                       code="person_active")
    if Anonymisation.objects.filter(person_id=person.pk).exists():
        raise Conflict(_("This person has already been anonymised."), code="already_anonymised")

    user = person.user
    secrets = [person.full_name, person.email, person.employee_id]
    new_employee_id = f"ANON-{person.pk}"
    if Person.objects.filter(employee_id=new_employee_id).exclude(pk=person.pk).exists():
        new_employee_id = f"ANON-{person.pk}-{timezone.now():%Y%m%d%H%M%S}"
    new_values = {
        "full_name": placeholder_name(person.pk),
        "email": f"anonymised-{person.pk}@invalid.invalid",
        "employee_id": new_employee_id,
        "bio": "",
        "communication_style": "",
        "time_zone": "UTC",
        "mentor_capacity": 0,
        "mentoring_hours_per_month": 0,
        "user": None,
    }
    new_username = ""
    revoked = 0
    with context.muted():
        for name, value in new_values.items():
            setattr(person, name, value)
        person.save(update_fields=[*new_values, "updated_at"])
        person.languages.clear()
        _blank_free_text(person)
        if user is not None:
            secrets.append(user.get_username())
            secrets.append(user.email)
            secrets += [n for n in (user.get_full_name(),) if n]
            LoginFailure.objects.filter(username__iexact=user.get_username()).delete()
            revoked = ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
            new_username = f"anonymised-{user.pk}"
            user.username = new_username
            user.first_name = user.last_name = user.email = ""
            user.is_active = user.is_staff = user.is_superuser = False
            user.set_unusable_password()
            user.save()
            user.groups.clear()
            user.user_permissions.clear()
    unlock = AuditUnlock.objects.create()  # seen by this transaction only; gone before it commits
    redacted = _redact_trail(person=person, user=user, secrets=secrets, new_username=new_username)
    unlock.delete()
    Anonymisation.objects.create(person_id=person.pk, by=by if getattr(by, "is_authenticated", False) else None)
    with context.audit_context(path=_scrubber(secrets)(context.current().path)):
        _record_anonymisation(person, user, new_values, new_employee_id, revoked, redacted)
    return person


def _record_anonymisation(person, user, new_values, new_employee_id, revoked, redacted) -> None:
    record(
        action=Action.ANONYMISE, obj=person, label=new_employee_id, persons=[person.pk],
        changes={
            "full_name": [REDACTED, new_values["full_name"]],
            "email": [REDACTED, new_values["email"]],
            "employee_id": [REDACTED, new_employee_id],
            "free_text": [REDACTED, ""],
            "user": [user.pk if user else None, None],
            "api_tokens_revoked": [None, revoked],
            "audit_entries_redacted": [None, redacted],
        },
    )
