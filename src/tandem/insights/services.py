"""Writes of insights: metrics and outcome records (the import writes through its own bulk path,
``insights/importing.py``, with the same rules)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core.errors import ValidationFailed
from tandem.insights.importing import MAX_ABS_VALUE
from tandem.insights.models import MetricKind, OutcomeMetric, OutcomeRecord, OutcomeSource


@transaction.atomic
def outcome_metric_define(*, name: str, kind: str, label: str = "", translations: dict | None = None,
                          higher_is_better: bool = True) -> OutcomeMetric:
    """The metric ``name``, created with ``kind`` if new; an existing one must have that kind."""
    if kind not in MetricKind.values:
        raise ValidationFailed({"kind": [_("Choose one of: %(values)s.") % {"values": ", ".join(MetricKind.values)}]})
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationFailed({"name": [_("A metric name has 1 to 80 characters.")]})
    metric, created = OutcomeMetric.objects.select_for_update().get_or_create(
        name=name, defaults={"kind": kind, "label": label, "translations": translations or {},
                             "higher_is_better": higher_is_better})
    if not created and metric.kind != kind:
        raise ValidationFailed({"kind": [_("The metric “%(metric)s” is a %(known)s metric.")
                                         % {"metric": name, "known": metric.kind}]})
    return metric


@dataclass(frozen=True)
class OutcomeValue:
    person_id: int
    value: float
    recorded_on: date


@transaction.atomic
def outcome_records_write(*, metric: OutcomeMetric, cohort: str, values: Iterable[OutcomeValue],
                          source: str = OutcomeSource.SURVEY) -> int:
    """Each person's value of ``metric`` in ``cohort`` (replacing a saved one). Every value is
    checked first (0/1 for a proportion, finite); one bad value writes nothing. Returns how many."""
    items = list(values)
    problems = []
    for item in items:
        if not math.isfinite(item.value) or abs(item.value) > MAX_ABS_VALUE:
            problems.append(_("Person %(id)s: the value is not a finite number.") % {"id": item.person_id})
        elif metric.kind == MetricKind.PROPORTION and item.value not in (0.0, 1.0):
            problems.append(_("Person %(id)s: a proportion metric takes 0 or 1.") % {"id": item.person_id})
    if len(cohort) > 80:
        problems.append(_("A cohort label has at most 80 characters."))
    if source not in OutcomeSource.values:
        problems.append(_("Unknown source."))
    if problems:
        raise ValidationFailed({"values": problems})
    OutcomeRecord.objects.filter(metric=metric, cohort=cohort, person_id__in=[i.person_id for i in items]).delete()
    OutcomeRecord.objects.bulk_create([
        OutcomeRecord(person_id=i.person_id, metric=metric, cohort=cohort, value=float(i.value),
                      recorded_on=i.recorded_on, source=source) for i in items
    ], batch_size=1000)
    return len(items)
