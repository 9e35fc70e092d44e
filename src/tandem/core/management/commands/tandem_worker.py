"""``manage.py tandem_worker``: django-tasks-db's ``db_worker`` that outlives database outages.

django_tasks_db's worker re-raises any ``OperationalError`` that is not "database is locked"
(``Worker.run``), and one raised while it records a task's result escapes ``run_task`` too, so a
PostgreSQL restart, a failover or a dropped connection ends the process for good: background work
(imports, reminders, round publication) silently stops until someone restarts it.

This command runs the same worker (same options, same queue semantics) inside a loop that
catches ``OperationalError`` / ``InterfaceError``, closes the broken connections, waits with
exponential backoff (1 s, 2 s, 4 s … at most ``--max-backoff``) and starts polling again. A
task that was running when the database went away is left to its own recovery (an import's
heartbeat stops, and the job is marked failed as stale). On every (re)start it runs the
start-up checks in :data:`STARTUP_CHECKS` (imports whose worker died are marked failed).

It also drives the periodic scheduler (:mod:`tandem.notifications.scheduler`: reminders, digests):
on every (re)start it ticks once, then a thread of the worker ticks every ``--schedule-every``
seconds (0: never) with its own database connection. A tick claims due jobs under row locks and
enqueues them in the same transaction, so any number of workers tick safely; the queued jobs run
like any other task. ``--batch`` ticks once, then runs the queue empty and exits.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from argparse import ArgumentParser

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger("tandem.worker")

# Dotted paths of functions called (without arguments) each time the worker (re)connects.
STARTUP_CHECKS = ("tandem.people.import_services.import_jobs_fail_stale",
                  "tandem.matching.flows.jobs.matching_jobs_fail_stale",)
# Called with ``worker_id=`` on start and every ``--schedule-every`` seconds (notifications' scheduler).
SCHEDULER_TICK = "tandem.notifications.scheduler.scheduler_tick"


def close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # a connection to a server that is gone may fail to close: drop it
            connection.connection = None


class SchedulerThread(threading.Thread):
    """Ticks the scheduler every ``every`` seconds until stopped; a database outage is logged and
    retried at the next tick (the thread's own connection is closed and reopened)."""

    def __init__(self, *, every: float, worker_id: str) -> None:
        super().__init__(name="tandem-scheduler", daemon=True)
        self.every = every
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        tick = import_string(SCHEDULER_TICK)
        try:
            while not self.stopped.wait(self.every):
                try:
                    close_old_connections()
                    tick(worker_id=self.worker_id)
                except (OperationalError, InterfaceError) as exc:
                    logger.warning("scheduler tick: database unavailable (%s); next try in %.0f s",
                                   type(exc).__name__, self.every)
                    close_connections()
                except Exception:
                    logger.exception("scheduler tick failed; next try in %.0f s", self.every)
        finally:
            close_connections()


class ResilientWorker(Worker):
    """:class:`django_tasks_db`'s worker, restarted after a database outage instead of exiting."""

    def __init__(self, *, max_backoff: float = 60.0, schedule_every: float = 0.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_backoff = max_backoff
        self.outages = 0
        self.schedule_every = schedule_every
        self.scheduler: SchedulerThread | None = None

    def scheduler_start(self) -> None:
        """One tick now (jobs missed while no worker ran are caught up at once), then the thread."""
        if not self.schedule_every:
            return
        started = import_string(SCHEDULER_TICK)(worker_id=self.worker_id)
        if started:
            logger.info("scheduler: enqueued %s", ", ".join(started))
        if not self.batch and (self.scheduler is None or not self.scheduler.is_alive()):
            self.scheduler = SchedulerThread(every=self.schedule_every, worker_id=self.worker_id)
            self.scheduler.start()

    def startup_checks(self) -> None:
        for path in STARTUP_CHECKS:
            result = import_string(path)()
            if result:
                logger.warning("start-up check %s: %s", path, result)

    def run(self) -> None:
        backoff = 1.0
        while self.running:
            started = time.monotonic()
            try:
                self.startup_checks()
                self.scheduler_start()
                super().run()
                return  # --batch or --max-tasks: finished normally
            except (OperationalError, InterfaceError) as exc:
                if not self.running:
                    return
                self.outages += 1
                if time.monotonic() - started > 5 * self.max_backoff:
                    backoff = 1.0  # it ran well for a while: this is a new outage
                logger.warning(
                    "Database unavailable (%s: %s); worker_id=%s retries in %.0f s",
                    type(exc).__name__, str(exc).strip().splitlines()[0] if str(exc).strip() else "", self.worker_id,
                    backoff,
                )
                close_connections()
                time.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                self.startup_delay = False


class Command(DbWorkerCommand):
    help = "Run the background worker (django-tasks-db's db_worker) and reconnect after database outages"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--max-backoff", type=float, default=60.0,
            help="Longest wait, in seconds, between reconnection attempts (default: %(default)s)",
        )
        parser.add_argument(
            "--schedule-every", type=float, default=30.0,
            help="Seconds between ticks of the periodic scheduler (reminders, digests); 0 turns it off "
                 "in this worker (default: %(default)s)",
        )

    def handle(
        self, *, verbosity: int, queue_name: str, interval: float, batch: bool, backend_name: str,
        startup_delay: bool, reload: bool, max_tasks: int | None, worker_id: str, exclude_queues: str,
        max_backoff: float, schedule_every: float, **options,
    ) -> None:
        # db_worker's handle() with our worker class (it names its own Worker inline)
        self.configure_logging(verbosity)
        if not logger.hasHandlers():
            logger.addHandler(logging.StreamHandler(self.stderr))
        logger.setLevel(logging.INFO if verbosity else logging.CRITICAL)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
            excluded_queue_names=excluded, max_backoff=max_backoff, schedule_every=max(schedule_every, 0.0),
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
