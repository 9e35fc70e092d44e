"""Generic capture: a registry of audited models, signal handlers that diff before → after, and
``record`` / ``record_many`` for writes that bypass signals.

``bulk_create`` and ``QuerySet.update`` send no signals. For registered models both are captured
here as well (the two QuerySet methods are wrapped once, at start-up, and do nothing extra for
models that are not registered), so a service's ``Model.objects.bulk_create(rows)`` is audited
without the service knowing. Raw SQL (the importer's ``executemany``) is not seen: call
:func:`record_many` after it.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from tandem.audit import context
from tandem.audit.models import Action, AuditEntry, AuditPerson

PersonsFn = Callable[[Any], Iterable[Any]]
LabelFn = Callable[[Any], str]

#: Fields never copied into the trail, whatever a registration says.
NEVER = frozenset({"password", "key_hash"})
#: Skipped by default (they change on every save and say nothing).
DEFAULT_EXCLUDE = frozenset({"id", "created_at", "updated_at", "last_login"})


@dataclass
class Spec:
    model: type[models.Model]
    fields: tuple[str, ...]  # field names (FKs by name; stored by their id)
    persons: PersonsFn | None = None
    label: LabelFn | None = None
    m2m: tuple[str, ...] = ()
    #: Free text a person wrote: blanked (rows and trail) when they are anonymised.
    redact: tuple[str, ...] = ()
    #: Rows belong to the people they reference: their cascade children (a mentorship's agreement,
    #: plan, goals…) go into those people's data export and are blanked with them.
    owned: bool = False
    _attnames: dict[str, str] = field(default_factory=dict)

    @property
    def object_type(self) -> str:
        return self.model._meta.label_lower

    def attname(self, name: str) -> str:
        return self._attnames[name]


_registry: dict[type[models.Model], Spec] = {}
_m2m_senders: dict[Any, tuple[Spec, str]] = {}


def registry() -> dict[type[models.Model], Spec]:
    return dict(_registry)


def spec_for(model: type[models.Model]) -> Spec | None:
    return _registry.get(model)


def object_types() -> list[str]:
    return sorted(s.object_type for s in _registry.values())


def register(
    model: type[models.Model],
    *,
    fields: Sequence[str] | None = None,
    persons: PersonsFn | None = None,
    label: LabelFn | None = None,
    m2m: Sequence[str] = (),
    redact: Sequence[str] = (),
    owned: bool = False,
) -> Spec:
    """Audit every create / update / delete of ``model`` (and changes of its ``m2m`` fields).

    ``fields``: the fields whose before → after is kept (default: every concrete field except
    ``id``, ``created_at``, ``updated_at``); an update touching none of them writes no entry.
    ``persons(obj)``: the people (``Person`` objects or IDs) the change concerns; foreign keys to
    ``Person`` among the tracked fields are added by themselves, before and after.
    ``label(obj)``: a short human label (default: none, the page shows type and ID).
    ``redact``: free-text fields blanked when a person they reference is anonymised.
    ``owned``: the rows belong to the people they reference; rows that cascade from them are part
    of those people's data (export, anonymisation).
    """
    meta = model._meta
    if fields is None:
        names = [f.name for f in meta.concrete_fields if f.name not in DEFAULT_EXCLUDE]
    else:
        names = list(fields)
    names = [n for n in names if n not in NEVER]
    spec = Spec(model=model, fields=tuple(names), persons=persons, label=label, m2m=tuple(m2m),
                redact=tuple(redact), owned=owned)
    for name in names:
        spec._attnames[name] = meta.get_field(name).attname
    _registry[model] = spec
    uid = f"tandem.audit.{meta.label_lower}"
    pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + ".pre_save")
    post_save.connect(_post_save, sender=model, dispatch_uid=uid + ".post_save")
    post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + ".post_delete")
    for name in spec.m2m:
        through = getattr(model, name).through
        _m2m_senders[through] = (spec, name)
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}.{name}.m2m")
    return spec


# -- values ---------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID, datetime.timedelta)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return str(value)


def _values(spec: Spec, obj: models.Model) -> dict[str, Any]:
    """The tracked values held by ``obj`` (deferred fields are left out, never fetched)."""
    loaded = obj.__dict__
    out = {}
    for name in spec.fields:
        att = spec.attname(name)
        if att in loaded:
            out[name] = jsonable(loaded[att])
    return out


def _person_model():
    from tandem.people.models import Person

    return Person


def _person_fk_ids(spec: Spec, *value_dicts: dict[str, Any]) -> set[int]:
    person_model = _person_model()
    meta = spec.model._meta
    ids: set[int] = set()
    for name in spec.fields:
        f = meta.get_field(name)
        if not (f.many_to_one or f.one_to_one) or f.related_model is not person_model:
            continue
        for values in value_dicts:
            v = values.get(name)
            if isinstance(v, int):
                ids.add(v)
    return ids


def _persons_of(spec: Spec, obj: Any, *value_dicts: dict[str, Any]) -> list[int]:
    ids = _person_fk_ids(spec, *value_dicts)
    if spec.persons is not None:
        for p in spec.persons(obj) or ():
            pid = getattr(p, "pk", p)
            if isinstance(pid, int):
                ids.add(pid)
    if spec.model is _person_model() and isinstance(obj.pk, int):
        ids.add(obj.pk)
    return sorted(ids)


def _label_of(spec: Spec, obj: Any) -> str:
    if spec.label is None:
        return ""
    try:
        return str(spec.label(obj) or "")[:300]
    except Exception:  # noqa: BLE001 - a label must never stop a change from being saved
        return ""


# -- writing entries -------------------------------------------------------------------------


def _entry(*, action: str, object_type: str, object_id: Any, label: str, changes: dict[str, Any],
           ctx: context.AuditContext) -> AuditEntry:
    user = ctx.current_user()
    return AuditEntry(
        actor=user,
        actor_username=(user.get_username() if user is not None else "")[:150],
        via=ctx.via,
        method=ctx.method,
        path=ctx.path,
        action=action[:40],
        object_type=object_type[:100],
        object_id="" if object_id is None else str(object_id)[:64],
        label=(label or "")[:300],
        changes=jsonable(changes or {}),
    )


def _save_entries(pairs: list[tuple[AuditEntry, Iterable[int]]]) -> list[AuditEntry]:
    if not pairs:
        return []
    entries = [e for e, _p in pairs]
    if len(entries) == 1:
        entries[0].save()
    else:
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
    links = [AuditPerson(entry_id=e.pk, person_id=pid) for e, ids in pairs for pid in sorted(set(ids))]
    if links:
        AuditPerson.objects.bulk_create(links, batch_size=2000)
    return entries


def record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    label: str | None = None,
    changes: dict[str, Any] | None = None,
    persons: Iterable[Any] = (),
) -> AuditEntry:
    """Write one entry by hand (custom actions such as ``anonymise``), in the current context.

    Recorded even inside ``muted()``: muting stops generic capture, not deliberate records."""
    spec = spec_for(type(obj)) if obj is not None else None
    otype = object_type or (obj._meta.label_lower if obj is not None else "")
    oid = object_id if object_id is not None else (obj.pk if obj is not None else None)
    if label is None:
        label = _label_of(spec, obj) if spec is not None else ""
    ids = {getattr(p, "pk", p) for p in persons}
    if spec is not None:
        ids |= set(_persons_of(spec, obj, changes_after(changes)))
    entry = _entry(action=action, object_type=otype, object_id=oid, label=label, changes=changes or {},
                   ctx=context.current())
    return _save_entries([(entry, [i for i in ids if isinstance(i, int)])])[0]


def changes_after(changes: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v[1] for k, v in (changes or {}).items() if isinstance(v, (list, tuple)) and len(v) == 2}


def record_many(
    model: type[models.Model],
    objs: Iterable[models.Model],
    *,
    action: str = Action.CREATE,
    changes: Callable[[models.Model], dict[str, Any]] | None = None,
) -> list[AuditEntry]:
    """Write one entry per object, in a few queries (for writes that send no signal).

    ``action`` is ``create`` (changes: every tracked field ``[None, value]``), ``delete``
    (``[value, None]``) or any other name, with ``changes(obj)`` giving ``{field: [before, after]}``
    (e.g. after raw-SQL updates, where only the caller knows the before). ``model`` must be
    registered. Returns the entries written. Recorded even inside ``muted()``.
    """
    spec = spec_for(model)
    if spec is None:
        raise ValueError(f"{model._meta.label} is not registered with the audit trail")
    return _record_objects(spec, list(objs), action=action, changes=changes)


#: Objects turned into entries at a time (bounded memory for a 100,000-row bulk_create).
CHUNK = 1000


def _record_objects(spec: Spec, objs: list[models.Model], *, action: str,
                    changes: Callable[[models.Model], dict[str, Any]] | None = None) -> list[AuditEntry]:
    if len(objs) > CHUNK:
        written: list[AuditEntry] = []
        for start in range(0, len(objs), CHUNK):
            written += _record_objects(spec, objs[start:start + CHUNK], action=action, changes=changes)
        return written
    ctx = context.current()
    pairs = []
    for obj in objs:
        if changes is not None:
            diff = jsonable(changes(obj))
            after = changes_after(diff)
            before = {k: v[0] for k, v in diff.items() if isinstance(v, (list, tuple)) and len(v) == 2}
        else:
            values = _values(spec, obj)
            if action == Action.DELETE:
                diff = {k: [v, None] for k, v in values.items()}
                before, after = values, {}
            else:
                diff = {k: [None, v] for k, v in values.items() if v not in (None, "")}
                before, after = {}, values
        pairs.append((
            _entry(action=action, object_type=spec.object_type, object_id=obj.pk, label=_label_of(spec, obj),
                   changes=diff, ctx=ctx),
            _persons_of(spec, obj, before, after, _values(spec, obj)),
        ))
    return _save_entries(pairs)


# -- signal handlers -------------------------------------------------------------------------

_BEFORE = "_tandem_audit_before"


def _pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    spec = _registry.get(sender)
    if spec is None or raw or context.current().muted:
        return
    if instance._state.adding or instance.pk is None:
        instance.__dict__[_BEFORE] = None
        return
    names = spec.fields
    if update_fields is not None:
        wanted = set(update_fields)
        names = tuple(n for n in names if n in wanted or spec.attname(n) in wanted)
        if not names:
            instance.__dict__[_BEFORE] = "skip"
            return
    row = sender._base_manager.filter(pk=instance.pk).values(*[spec.attname(n) for n in names]).first()
    if row is None:
        instance.__dict__[_BEFORE] = None
        return
    instance.__dict__[_BEFORE] = {n: jsonable(row[spec.attname(n)]) for n in names}


def _post_save(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    spec = _registry.get(sender)
    if spec is None or raw:
        return
    before = instance.__dict__.pop(_BEFORE, None)
    if context.current().muted or before == "skip":
        return
    if created or before is None:
        _record_objects(spec, [instance], action=Action.CREATE)
        return
    after = _values(spec, instance)
    diff = {n: [before[n], after[n]] for n in before if n in after and before[n] != after[n]}
    if not diff:
        return
    entry = _entry(action=Action.UPDATE, object_type=spec.object_type, object_id=instance.pk,
                   label=_label_of(spec, instance), changes=diff, ctx=context.current())
    _save_entries([(entry, _persons_of(spec, instance, before, after))])


def _post_delete(sender, instance, **kwargs):
    spec = _registry.get(sender)
    if spec is None or context.current().muted:
        return
    _record_objects(spec, [instance], action=Action.DELETE)


_M2M_ACTIONS = {"post_add": Action.M2M_ADD, "post_remove": Action.M2M_REMOVE, "pre_clear": Action.M2M_CLEAR}


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in _M2M_ACTIONS or context.current().muted:
        return
    spec, name = _m2m_senders[sender]
    descriptor = getattr(spec.model, name)
    if not reverse:
        owners = [instance]
        if action == "pre_clear":
            pk_set = set(getattr(instance, name).values_list("pk", flat=True))
        changed = model._base_manager.filter(pk__in=pk_set or ())
    else:
        # e.g. group.user_set.add(user): ``instance`` is the group, ``pk_set`` the users.
        if action == "pre_clear":
            pk_set = set(getattr(instance, descriptor.rel.get_accessor_name()).values_list("pk", flat=True))
        owners = list(spec.model._base_manager.filter(pk__in=pk_set or ()))
        changed = [instance]
    labels = sorted(str(o) for o in changed)
    if not labels or not owners:
        return
    ctx = context.current()
    pairs = []
    for owner in owners:
        after = sorted(str(o) for o in getattr(owner, name).all())
        if action == "post_add":
            before = sorted(set(after) - set(labels))
        elif action == "post_remove":
            before = sorted(set(after) | set(labels))
        else:  # pre_clear: nothing removed yet
            before, after = after, sorted(set(after) - set(labels))
        entry = _entry(action=_M2M_ACTIONS[action], object_type=spec.object_type, object_id=owner.pk,
                       label=_label_of(spec, owner), changes={name: [before, after]}, ctx=ctx)
        pairs.append((entry, _persons_of(spec, owner)))
    _save_entries(pairs)


# -- bulk_create and QuerySet.update ---------------------------------------------------------

_patched = False


def patch_querysets() -> None:
    """Wrap ``QuerySet.bulk_create`` and ``QuerySet.update`` once so registered models are audited."""
    global _patched
    if _patched:
        return
    _patched = True
    original_bulk_create = models.QuerySet.bulk_create
    original_update = models.QuerySet.update

    def bulk_create(self, objs, *args, **kwargs):
        spec = _registry.get(self.model)
        result = original_bulk_create(self, objs, *args, **kwargs)
        if spec is not None and not context.current().muted:
            created = [o for o in result if o.pk is not None]
            if created:
                _record_objects(spec, created, action=Action.CREATE)
        return result

    def update(self, **kwargs):
        spec = _registry.get(self.model)
        if spec is None or context.current().muted:
            return original_update(self, **kwargs)
        touched = tuple(n for n in spec.fields if n in kwargs or spec.attname(n) in kwargs)
        if not touched:
            return original_update(self, **kwargs)
        atts = [spec.attname(n) for n in touched]
        before = {row[0]: dict(zip(touched, map(jsonable, row[1:]), strict=True))
                  for row in self.values_list("pk", *atts)}
        count = original_update(self, **kwargs)
        pks = list(before)
        for start in range(0, len(pks), 500):
            chunk = list(self.model._base_manager.filter(pk__in=pks[start:start + 500]))
            changed = []
            for obj in chunk:
                after = _values(spec, obj)
                diff = {n: [before[obj.pk][n], after.get(n)] for n in touched if before[obj.pk][n] != after.get(n)}
                if diff:
                    changed.append((obj, diff))
            if changed:
                diffs = {id(o): d for o, d in changed}
                _record_objects(spec, [o for o, _d in changed], action=Action.UPDATE,
                                changes=lambda o, diffs=diffs: diffs[id(o)])
        return count

    bulk_create.__wrapped__ = original_bulk_create  # type: ignore[attr-defined]
    update.__wrapped__ = original_update  # type: ignore[attr-defined]
    bulk_create.alters_data = True  # type: ignore[attr-defined]
    update.alters_data = True  # type: ignore[attr-defined]
    models.QuerySet.bulk_create = bulk_create
    models.QuerySet.update = update
