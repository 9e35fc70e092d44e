"""Reads of the audit trail and of everything Tandem holds on one person."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from tandem.audit.capture import NEVER, jsonable, spec_for
from tandem.audit.models import AuditEntry, AuditPerson


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def entry_list(
    *,
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    person: str = "",
    person_id: int | None = None,
    action: str = "",
    via: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries newest first, filtered. ``person`` is an employee ID (unknown → no entries);
    dates are whole days in the current time zone, both ends included."""
    qs = AuditEntry.objects.select_related("actor").prefetch_related("persons")
    if actor:
        qs = qs.filter(actor_username__icontains=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if person:
        from tandem.people.models import Person

        pid = Person.objects.filter(employee_id=person).values_list("pk", flat=True).first()
        if pid is None:
            return qs.none()
        person_id = pid
    if person_id is not None:
        qs = qs.filter(pk__in=AuditPerson.objects.filter(person_id=person_id).values("entry_id"))
    if action:
        qs = qs.filter(action=action)
    if via:
        qs = qs.filter(via=via)
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to) + datetime.timedelta(days=1))
    return qs.order_by("-at", "-id")


def employee_ids_of(person_ids: Iterable[int]) -> dict[int, str]:
    from tandem.people.models import Person

    ids = sorted(set(person_ids))
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        out.update(Person.objects.filter(pk__in=ids[start:start + 500]).values_list("pk", "employee_id"))
    return out


def entry_rows(entries: Iterable[AuditEntry], *, chunk: int = 1000) -> Iterator[dict[str, Any]]:
    """Flat rows for exports and the API, employee IDs resolved a chunk at a time."""
    batch: list[AuditEntry] = []

    def flush() -> Iterator[dict[str, Any]]:
        ids = {p.person_id for e in batch for p in e.persons.all()}
        eids = employee_ids_of(ids)
        for e in batch:
            pids = sorted(p.person_id for p in e.persons.all())
            yield {
                "id": e.pk,
                "at": e.at.isoformat(),
                "actor": e.actor_username,
                "via": e.via,
                "method": e.method,
                "path": e.path,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "label": e.label,
                "changes": e.changes,
                "person_ids": pids,
                "employee_ids": [eids[p] for p in pids if p in eids],
            }

    for e in entries:
        batch.append(e)
        if len(batch) >= chunk:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def iterate(qs: QuerySet[AuditEntry], *, chunk: int = 1000) -> Iterator[AuditEntry]:
    """Walk a large filtered set with prefetching, chunk by chunk (``iterator`` with prefetch)."""
    return qs.iterator(chunk_size=chunk)


# -- everything Tandem holds on one person ---------------------------------------------------

#: Field names never exported (secrets, even hashed).
SECRET_FIELDS = NEVER | {"password", "key_hash", "session_key", "session_data"}


def _row(obj: models.Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in SECRET_FIELDS:
            continue
        value = getattr(obj, f.attname)
        if isinstance(f, models.FileField):
            value = value.name if value else ""
        out[f.attname if f.is_relation else f.name] = jsonable(value)
    return out


def _reverse_relations(model: type[models.Model]):
    """Every relation pointing at ``model``, hidden ones (``related_name="+"``) included."""
    for f in model._meta.get_fields(include_hidden=True):
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one or f.many_to_many):
            yield f


def person_fk_names(model: type[models.Model]) -> list[str]:
    """The model's foreign keys (and one-to-ones) to ``Person``."""
    from tandem.people.models import Person

    return [f.name for f in model._meta.concrete_fields
            if (f.many_to_one or f.one_to_one) and f.related_model is Person]


def cascade_children(model: type[models.Model], pks: list[Any], *, depth: int = 4):
    """Yield ``(relation, child model, child pks)`` for rows that cascade from ``model``'s rows
    ``pks`` (a mentorship's transitions, agreement versions and their signatures, plan, goals…),
    recursively, ``depth`` levels down. People are never children."""
    from tandem.people.models import Person

    if depth <= 0 or not pks:
        return
    for rel in _reverse_relations(model):
        if rel.many_to_many or rel.related_model is Person:
            continue
        if getattr(rel, "on_delete", None) is not models.CASCADE:
            continue
        child = rel.related_model
        if child in (AuditEntry, AuditPerson):
            continue
        child_pks = []
        for start in range(0, len(pks), 500):
            child_pks += list(child._base_manager.filter(**{f"{rel.field.name}__in": pks[start:start + 500]})
                              .order_by("pk").values_list("pk", flat=True))
        if child_pks:
            yield rel, child, child_pks
            yield from cascade_children(child, child_pks, depth=depth - 1)


def _section_name(rel) -> str:
    model = rel.related_model._meta
    return f"{model.label_lower}.{rel.field.name}"


def person_data(*, person) -> dict[str, Any]:
    """Everything Tandem holds on ``person``, discovered by introspection so new apps' tables are
    included by themselves: the person row and its many-to-many fields, every row of every model
    that points at the person (hidden relations too) or at their user account, their account
    (no password), tokens (metadata only, never the hash), failed sign-ins under their user name,
    and the audit entries about them and by them.

    Rows of other people are never copied: a relation from ``Person`` to ``Person`` (their reports)
    lists IDs only, and foreign keys are exported as IDs.
    """
    from tandem.people.models import Person

    data: dict[str, Any] = {}
    row = _row(person)
    for f in Person._meta.many_to_many:
        row[f.name] = sorted(str(o) for o in getattr(person, f.name).all())
    data["people.person"] = [row]

    def add_reverse(owner: models.Model, skip: set[type[models.Model]]):
        for rel in _reverse_relations(type(owner)):
            related = rel.related_model
            if related in skip:
                continue
            name = _section_name(rel)
            qs = related._base_manager.filter(**{rel.field.name: owner})
            if related is Person:
                ids = list(qs.order_by("pk").values_list("pk", flat=True))
                if ids:
                    data[name] = [{"id": pk} for pk in ids]
                continue
            objs = list(qs.order_by("pk"))
            if objs:
                data[name] = [_row(o) for o in objs]
                spec = spec_for(related)
                if spec is not None and spec.owned:
                    for child_rel, child, child_pks in cascade_children(related, [o.pk for o in objs]):
                        section = data.setdefault(_section_name(child_rel), [])
                        seen = {r.get("id") for r in section}
                        for start in range(0, len(child_pks), 500):
                            for o in child._base_manager.filter(pk__in=child_pks[start:start + 500]).order_by("pk"):
                                if o.pk not in seen:
                                    section.append(_row(o))

    from tandem.audit.models import Anonymisation

    internal = {AuditEntry, AuditPerson, Anonymisation}
    add_reverse(person, internal)
    user = person.user
    if user is not None:
        urow = _row(user)
        urow["groups"] = sorted(user.groups.values_list("name", flat=True))
        data["auth.user"] = [urow]
        add_reverse(user, internal | {Person})
        from tandem.accounts.models import LoginFailure

        failures = [_row(o) for o in LoginFailure.objects.filter(username__iexact=user.get_username()).order_by("pk")]
        if failures:
            data["accounts.loginfailure"] = failures
    about = entry_list(person_id=person.pk)
    data["audit.about"] = list(entry_rows(about.iterator(chunk_size=1000)))
    if user is not None:
        by = AuditEntry.objects.filter(actor=user).prefetch_related("persons").order_by("-at", "-id")
        data["audit.by"] = list(entry_rows(by.iterator(chunk_size=1000)))
    return data
