"""The periodic scheduler: a due job is claimed and run once per window whichever worker ticks,
once (not once per missed window) after downtime; a worker restarted runs nothing twice."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from tandem.core.management.commands.tandem_worker import ResilientWorker
from tandem.notifications import scheduler
from tandem.notifications.models import Notification, ScheduledJob, SentReminder
from tandem.notifications.scheduler import JOBS, jobs_sync, next_run, scheduler_tick
from tests.factories import actor_of

M = datetime.timedelta(minutes=1)
H = datetime.timedelta(hours=1)


@pytest.fixture
def counted(monkeypatch):
    """The registered jobs replaced by counters (what a job does is tested in test_reminders)."""
    runs: list[str] = []
    monkeypatch.setattr(scheduler, "JOBS", {})
    for name, every in (("fast", 5 * M), ("slow", H)):
        scheduler.register(scheduler.Job(name, f"tests.notifications.test_scheduler.job_{name}", every=every))
    monkeypatch.setattr("tests.notifications.test_scheduler.RUNS", runs)
    return runs


RUNS: list[str] = []


def job_fast():
    RUNS.append("fast")
    return 1


def job_slow():
    RUNS.append("slow")
    return 1


def worker(worker_id: str) -> ResilientWorker:
    return ResilientWorker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                           startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
                           schedule_every=30)


@pytest.mark.django_db
def test_jobs_are_registered_and_due_at_once_when_first_seen():
    now = timezone.now()
    created = jobs_sync(now=now)
    assert set(created) >= {"reminders_send", "digests_send"}
    assert jobs_sync(now=now) == []
    row = ScheduledJob.objects.get(name="reminders_send")
    assert row.next_run_at == now and row.every_seconds == 300 and row.task == JOBS["reminders_send"].task


@pytest.mark.django_db
def test_a_due_job_runs_once_however_many_ticks_and_waits_for_its_next_window(counted):
    now = timezone.now()
    assert sorted(scheduler_tick(now=now, worker_id="a")) == ["fast", "slow"]
    assert scheduler_tick(now=now, worker_id="b") == []
    assert scheduler_tick(now=now + 4 * M, worker_id="b") == []
    assert scheduler_tick(now=now + 5 * M, worker_id="b") == ["fast"]
    assert sorted(counted) == ["fast", "fast", "slow"]
    row = ScheduledJob.objects.get(name="fast")
    assert (row.runs, row.last_worker, row.next_run_at) == (2, "b", now + 10 * M)


@pytest.mark.django_db
def test_after_downtime_a_job_runs_once_not_once_per_missed_window(counted):
    now = timezone.now()
    scheduler_tick(now=now)
    counted.clear()
    # three hours without any worker: 36 windows of "fast" missed
    later = now + 3 * H
    assert sorted(scheduler_tick(now=later)) == ["fast", "slow"]
    assert scheduler_tick(now=later + M) == []
    assert sorted(counted) == ["fast", "slow"]
    assert ScheduledJob.objects.get(name="fast").next_run_at == later + 5 * M


@pytest.mark.django_db
def test_a_paused_job_does_not_run(counted):
    jobs_sync()
    ScheduledJob.objects.filter(name="slow").update(enabled=False)
    assert scheduler_tick() == ["fast"]


def test_a_daily_job_is_next_due_at_its_time_in_its_zone():
    after = datetime.datetime(2026, 3, 28, 23, 30, tzinfo=datetime.UTC)  # 00:30 on the 29th in Paris (DST day)
    at = next_run(every_seconds=None, daily_at=datetime.time(6, 0), time_zone="Europe/Paris", after=after)
    assert at == datetime.datetime(2026, 3, 29, 4, 0, tzinfo=datetime.UTC)  # 06:00 CEST
    again = next_run(every_seconds=None, daily_at=datetime.time(6, 0), time_zone="Europe/Paris", after=at)
    assert again == datetime.datetime(2026, 3, 30, 4, 0, tzinfo=datetime.UTC)


# transaction=True: the worker's loop closes a connection left in a transaction (close_old_connections),
# as a real worker's is never; inside a test's transaction on PostgreSQL that hangs the test
@pytest.mark.django_db(transaction=True)
def test_a_reminder_is_sent_once_across_a_worker_restart(active_pair):
    # given: a session in five hours and the real jobs
    p = active_pair
    from tandem.mentorships import log_services as log

    log.session_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor), starts_at=timezone.now() + 5 * H)

    # when: a worker starts (its start-up tick runs the due jobs), stops; another starts later,
    # after the job's window came round again
    worker("first").run()
    ScheduledJob.objects.update(next_run_at=timezone.now() - M)
    worker("second").run()

    # then: the job ran twice, the reminders went out once
    assert ScheduledJob.objects.get(name="reminders_send").runs == 2
    assert ScheduledJob.objects.get(name="reminders_send").last_worker == "second"
    assert Notification.objects.filter(kind="session_soon").count() == 2
    assert SentReminder.objects.filter(kind="session_soon").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_worker_without_the_scheduler_claims_nothing(counted):
    w = worker("quiet")
    w.schedule_every = 0
    w.run()
    assert counted == [] and not ScheduledJob.objects.filter(runs__gt=0).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_claim_a_job_once(counted):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) between connections are exercised on PostgreSQL")
    now = timezone.now()
    jobs_sync(now=now - M)
    barrier = threading.Barrier(4)
    claimed: list[str] = []

    def tick(worker_id):
        try:
            barrier.wait()
            claimed.extend(scheduler_tick(now=now, worker_id=worker_id))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(claimed) == ["fast", "slow"]
    assert sorted(counted) == ["fast", "slow"]
    assert sum(ScheduledJob.objects.values_list("runs", flat=True)) == 2
