"""Reads of GRAI reviews (see :mod:`tandem.assessments.grai_models`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Max
from django.utils import timezone

from tandem.assessments.grai_models import GraiReview


def _local_day(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def latest_review_on(*, person_ids: Iterable[int]) -> dict[int, datetime.date]:
    """The day each person last wrote a GRAI review (as its author), in the organisation's zone:
    the later of the review's period and the day it was written. People who never wrote one are
    absent. One query, whatever the number of people."""
    ids = {int(p) for p in person_ids}
    if not ids:
        return {}
    rows = (GraiReview.objects.filter(author_id__in=ids).order_by().values("author_id")
            .annotate(last_period=Max("period_start"), last_written=Max("created_at")))
    out: dict[int, datetime.date] = {}
    for row in rows:
        day = row["last_period"]
        if row["last_written"] is not None:
            day = max(day, _local_day(row["last_written"]))
        out[row["author_id"]] = day
    return out
