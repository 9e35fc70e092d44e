"""The periodic scheduler on the database-backed task runner: no cron, no Redis.

Each :class:`Job` in :data:`JOBS` has a :class:`~tandem.notifications.models.ScheduledJob` row
holding when it is due next. Every ``tandem_worker`` process ticks (:func:`scheduler_tick`) when it
starts and then every few seconds; a tick *claims* each due job by moving its ``next_run_at``
forward in one conditional ``UPDATE`` (``WHERE next_run_at = <the value read>``; on PostgreSQL the
row is first taken with ``SELECT … FOR UPDATE SKIP LOCKED``, so a second worker skips it instead of
waiting) and enqueues the job's task **in the same transaction**: the claim and the queued task
commit together, so a worker killed between the two leaves neither, and two workers never both
claim one window.

After downtime a job runs once, not once per missed window: ``next_run_at`` is computed from the
time of the claim. The jobs themselves look at what is due *since* they last ran (reminders: every
session starting within 24 hours that has no reminder yet, not "the sessions of the next five
minutes"), so the missed window is caught up by that one run.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from tandem.notifications.models import ScheduledJob

log = logging.getLogger("tandem.scheduler")


@dataclass(frozen=True)
class Job:
    """``task``: the dotted path of a function called without arguments (through the
    ``run_scheduled_job`` task). ``every``: an interval; or ``daily_at``: a wall-clock time in
    ``time_zone`` (the site's by default)."""

    name: str
    task: str
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None
    time_zone: str = ""


JOBS: dict[str, Job] = {}


def register(job: Job) -> None:
    if (job.every is None) == (job.daily_at is None):
        raise ValueError(f"job {job.name!r}: give either every or daily_at")
    JOBS[job.name] = job


register(Job("reminders_send", "tandem.notifications.reminders.reminders_send",
             every=datetime.timedelta(minutes=5)))
# each digest person gets theirs in their own morning (see digests_send): ticking every 15 minutes
# reaches every time zone's morning; a person gets at most one digest a day
register(Job("digests_send", "tandem.notifications.services.digests_send_morning",
             every=datetime.timedelta(minutes=15)))


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def next_run(*, every_seconds: int | None, daily_at: datetime.time | None, time_zone: str,
             after: datetime.datetime) -> datetime.datetime:
    """The first time strictly after ``after`` the job is due again."""
    if every_seconds:
        return after + datetime.timedelta(seconds=every_seconds)
    assert daily_at is not None
    tz = _zone(time_zone)
    local = after.astimezone(tz)
    candidate = datetime.datetime.combine(local.date(), daily_at, tzinfo=tz)
    if candidate <= local:
        candidate = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), daily_at, tzinfo=tz)
    return candidate.astimezone(datetime.UTC)


def jobs_sync(*, now: datetime.datetime | None = None) -> list[str]:
    """Create the rows of registered jobs that have none (due at once), and bring the schedule of
    the others in line with the code (their ``next_run_at`` is kept). Returns the names created."""
    now = now or timezone.now()
    created = []
    rows = {j.name: j for j in ScheduledJob.objects.filter(name__in=list(JOBS))}
    for job in JOBS.values():
        every = int(job.every.total_seconds()) if job.every else None
        tz = job.time_zone or settings.TIME_ZONE
        row = rows.get(job.name)
        if row is None:
            first = now if every else next_run(every_seconds=None, daily_at=job.daily_at, time_zone=tz,
                                               after=now)
            _row, made = ScheduledJob.objects.get_or_create(
                name=job.name, defaults={"task": job.task, "every_seconds": every, "daily_at": job.daily_at,
                                         "time_zone": tz, "next_run_at": first})
            if made:
                created.append(job.name)
        elif (row.task, row.every_seconds, row.daily_at, row.time_zone) != (job.task, every, job.daily_at, tz):
            ScheduledJob.objects.filter(pk=row.pk).update(task=job.task, every_seconds=every, daily_at=job.daily_at,
                                                          time_zone=tz)
    return created


def _claim(pk: int, *, now: datetime.datetime, worker_id: str) -> ScheduledJob | None:
    """Move the job's ``next_run_at`` past ``now`` if it is still due; None if another worker did."""
    due = ScheduledJob.objects.filter(pk=pk, enabled=True, next_run_at__lte=now)
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    job = due.first()
    if job is None:
        return None
    following = next_run(every_seconds=job.every_seconds, daily_at=job.daily_at, time_zone=job.time_zone, after=now)
    claimed = (ScheduledJob.objects.filter(pk=pk, next_run_at=job.next_run_at)
               .update(next_run_at=following, last_run_at=now, last_worker=worker_id[:64], runs=F("runs") + 1))
    if not claimed:
        return None
    job.next_run_at, job.last_run_at = following, now
    return job


def scheduler_tick(*, now: datetime.datetime | None = None, worker_id: str = "") -> list[str]:
    """Claim every due job and enqueue it; returns the names enqueued. Safe to call from any
    number of workers at once, as often as you like."""
    from tandem.notifications.tasks import run_scheduled_job

    now = now or timezone.now()
    if ScheduledJob.objects.filter(name__in=list(JOBS)).count() < len(JOBS):
        jobs_sync(now=now)
    started = []
    for pk in ScheduledJob.objects.filter(enabled=True, next_run_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            job = _claim(pk, now=now, worker_id=worker_id)
            if job is None:
                continue
            # in the claim's transaction: with the database queue both commit or neither does
            run_scheduled_job.enqueue(job.name)
        started.append(job.name)
        log.info("scheduled job %s enqueued by %s; next at %s", job.name, worker_id or "-", job.next_run_at)
    return started


def scheduled_job_run(*, name: str) -> object:
    """Run a registered job now (the task ``run_scheduled_job`` calls this)."""
    from django.utils.module_loading import import_string

    job = JOBS.get(name)
    if job is None:  # a row left by a job the code no longer has: never import a path read from the database
        log.warning("scheduled job %s is not registered; skipped", name)
        return None
    return import_string(job.task)()
