"""Progress, heartbeat and stale detection of the matching flows' background computations (the
bulk preview, a round's close-and-publish), on the pattern of ``people.import_services``.

A job row (:class:`~tandem.matching.models.MatchRun`, :class:`~tandem.matching.models.RoundPublication`)
is created *queued* by the request, in the request's transaction, and the task is enqueued on
commit. The worker *claims* it (queued → running, one conditional UPDATE: a job picked up twice
runs once), reports each stage with :func:`progress` (an autocommitted UPDATE, so a polling page
sees it; it refreshes the heartbeat too), and finishes it in one short transaction.

A job whose worker died (killed, out of memory, machine restarted) stops beating;
:func:`matching_jobs_fail_stale` (run by ``tandem_worker`` at each start-up, and whenever a page
or the API reads a job that looks stale, ``is_stale``) marks it failed with a clear message and emits the failure event, so the
requester is told and a new request is possible. A job so marked that was in fact alive cannot
finish afterwards: finishing only moves a *running* job, under its row lock.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.core import events

logger = logging.getLogger("tandem.matching")

#: A running job without a sign of life for this long lost its worker (every stage beats well
#: within it: the slowest, the solver at 20,000 × 5,000, takes seconds). A setting of that name
#: overrides it.
STALE_AFTER_SECONDS = 300


def stale_after_seconds() -> int:
    return int(getattr(settings, "MATCHING_STALE_AFTER_SECONDS", STALE_AFTER_SECONDS))


class JobAbandoned(Exception):
    """The job is no longer running (failed as stale, or picked up twice): stop, save nothing."""


def claim(model: type[models.Model], job_id: int) -> bool:
    """Queued → running; False if the job is not queued (already run, or picked up twice)."""
    now = timezone.now()
    return bool(model.objects.filter(pk=job_id, status="queued").update(
        status="running", started_at=now, heartbeat_at=now, updated_at=now, progress=0, stage=""))


def progress(model: type[models.Model], job_id: int, *, stage: str, percent: int) -> None:
    """Report a stage (and beat). Raises :class:`JobAbandoned` if the job stopped running."""
    now = timezone.now()
    moved = model.objects.filter(pk=job_id, status="running").update(
        stage=stage, progress=max(0, min(99, int(percent))), heartbeat_at=now, updated_at=now)
    if not moved:
        raise JobAbandoned(job_id)


def fail(model: type[models.Model], job_id: int, message: str) -> bool:
    """Running (or queued) → failed with ``message``; True if this call moved it."""
    now = timezone.now()
    return bool(model.objects.filter(pk=job_id, status__in=("queued", "running")).update(
        status="failed", error=str(message)[:2000], finished_at=now, updated_at=now))


def is_stale(job: Any, *, now: Any = None) -> bool:
    """A running job with no sign of life for longer than the stale limit (``_fail_stale``'s test,
    for one job already read)."""
    cutoff = (now or timezone.now()) - timedelta(seconds=stale_after_seconds())
    return job.status == "running" and (job.heartbeat_at or job.updated_at) < cutoff


def _fail_stale(model: type[models.Model], *, now: Any, event: str, what: str, ids: tuple[str, str]) -> int:
    cutoff = now - timedelta(seconds=stale_after_seconds())
    # queued jobs are waiting for a worker, not dead: only running ones go stale
    stale = model.objects.filter(status="running").filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff))
    failed = 0
    parent_field, id_name = ids
    for job in list(stale.only("pk", parent_field, "stage", "heartbeat_at", "updated_at", "language")):
        last = job.heartbeat_at or job.updated_at
        minutes = max(1, round((now - last).total_seconds() / 60))
        with translation.override(job.language or settings.LANGUAGE_CODE):
            stage = job.get_stage_display().lower() if job.stage else _("waiting to start")
            message = _(
                "The %(what)s stopped: the worker computing it stopped responding (no sign of life for "
                "%(minutes)s minutes, while %(stage)s). Nothing was saved. Start it again."
            ) % {"what": what_label(what), "minutes": minutes, "stage": stage}
        try:
            with transaction.atomic():
                moved = stale.filter(pk=job.pk).update(
                    status="failed", error=message, finished_at=now, updated_at=now)
                if moved:
                    events.emit(event, **{parent_field: getattr(job, parent_field), id_name: job.pk, "reason": "stale"})
        except DatabaseError:  # SQLite busy with the job's own write: it is alive
            logger.info("%s %s: stale check skipped (database busy)", model.__name__, job.pk)
            continue
        if moved:
            failed += 1
            logger.warning("%s %s marked failed: no heartbeat since %s", model.__name__, job.pk, last)
    return failed


def what_label(what: str) -> str:
    return _("preview") if what == "preview" else _("publication")


def matching_jobs_fail_stale(*, now: Any = None) -> int:
    """Fail every bulk preview and round publication whose worker died; returns how many. Cheap
    when nothing is stale (two indexed reads). In ``tandem_worker``'s start-up checks."""
    from tandem.matching.models import MatchRun, RoundPublication

    now = now or timezone.now()
    return (_fail_stale(MatchRun, now=now, event="bulk.preview_failed", what="preview",
                        ids=("program_id", "run_id"))
            + _fail_stale(RoundPublication, now=now, event="round.publication_failed", what="publication",
                          ids=("round_id", "publication_id")))
