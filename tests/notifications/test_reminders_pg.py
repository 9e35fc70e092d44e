"""Once, for real: two ``reminders_send`` at the same moment on separate connections, and a
``tandem_worker`` process killed mid-job then replaced, send every reminder exactly once
(PostgreSQL: the locks and the unique key between connections are what is tested)."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.models import Count
from django.utils import timezone

from tandem.mentorships import log_services as log
from tandem.notifications.models import Notification, ScheduledJob, SentReminder
from tandem.notifications.reminders import reminders_send
from tests.factories import actor_of

ROOT = Path(__file__).resolve().parents[2]
H = datetime.timedelta(hours=1)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections and a worker process are exercised on PostgreSQL")


def sessions_soon(p, n: int) -> list:
    now = timezone.now()
    return [log.session_schedule(mentorship=p.mentorship, actor=actor_of(p.mentor),
                                 starts_at=now + 2 * H + datetime.timedelta(minutes=10 * i)) for i in range(n)]


def no_duplicates() -> bool:
    return not (Notification.objects.filter(kind="session_soon").values("object_id", "recipient_id")
                .annotate(n=Count("id")).filter(n__gt=1).exists())


def test_two_runs_at_the_same_moment_send_each_reminder_once(active_pair):
    sessions = sessions_soon(active_pair, 6)
    now = timezone.now()
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            reminders_send(now=now)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert Notification.objects.filter(kind="session_soon").count() == 2 * len(sessions)
    assert SentReminder.objects.filter(kind="session_soon").count() == 2 * len(sessions)
    assert no_duplicates()


def worker(*extra: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                        f"{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "tandem.config.settings.base",
        "TANDEM_VAR_DIR": str(settings.MEDIA_ROOT.parent),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    args = [sys.executable, "manage.py", "tandem_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload",
            "-v1", *extra]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_worker_killed_mid_job_and_restarted_sends_every_reminder_exactly_once(active_pair):
    # given: forty sessions within 24 hours (eighty reminders) and a worker running the scheduler
    sessions = sessions_soon(active_pair, 40)
    first = worker("--schedule-every", "0.5")
    try:
        # when: it is killed (SIGKILL: no clean-up) as soon as the first reminders are out
        assert wait_for(lambda: Notification.objects.filter(kind="session_soon").exists(), 90), \
            first.stdout.read() if first.poll() is not None else "no reminder from the first worker"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    sent_by_first = Notification.objects.filter(kind="session_soon").count()

    # and a new worker starts once the job is due again (the restart's catch-up)
    ScheduledJob.objects.filter(name="reminders_send").update(next_run_at=timezone.now() - H)
    second = worker("--batch")
    out, _ = second.communicate(timeout=120)
    assert second.returncode == 0, out

    # then: every reminder went out, none twice, whatever the first worker had done when it died
    assert Notification.objects.filter(kind="session_soon").count() == 2 * len(sessions), (sent_by_first, out)
    assert SentReminder.objects.filter(kind="session_soon").count() == 2 * len(sessions)
    assert no_duplicates()
    assert ScheduledJob.objects.get(name="reminders_send").runs >= 2
