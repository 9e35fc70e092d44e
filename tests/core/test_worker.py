"""The background worker (``manage.py tandem_worker``) outlives a database outage: it keeps
retrying with backoff and runs the queued work once the database is back; django-tasks-db's own
``db_worker`` exits on the first connection error."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from tandem.people import tasks
from tandem.people.models import ImportJob, ImportStatus, Person
from tests.factories import DepartmentFactory

ROOT = Path(__file__).resolve().parents[2]


class Proxy:
    """A TCP forwarder to the database that can be switched off and on: the database, as the
    worker sees it, goes away (every connection cut, new ones refused) and comes back."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener: socket.socket | None = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def up(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        assert self.listener is not None
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass


def queued_import(user, name: str) -> ImportJob:
    job = ImportJob.objects.create(kind="people", file_name=f"{name}.csv", uploaded_by=user)
    job.file.save(f"{name}.csv", ContentFile(
        f"employee_id,full_name,email,department_code\n{name},W {name},{name}@example.com,WRK\n".encode()))
    from django_tasks_db.backend import DatabaseBackend

    DatabaseBackend("default", {"QUEUES": ["default"]}).enqueue(tasks.run_import, (job.pk, "en"), {})
    return job


def wait_for(predicate, seconds: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def start_worker(command: str, port: int) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@127.0.0.1:{port}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "tandem.config.settings.base",
        "TANDEM_VAR_DIR": str(settings.MEDIA_ROOT.parent),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    args = [sys.executable, "manage.py", command, "--interval", "0.2", "--no-startup-delay", "--no-reload", "-v1"]
    if command == "tandem_worker":
        args += ["--max-backoff", "1"]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture
def outage(db):
    if connection.vendor != "postgresql":
        pytest.skip("a database that goes away and comes back is exercised on PostgreSQL")
    DepartmentFactory(code="WRK")
    proxy = Proxy((connection.settings_dict["HOST"] or "127.0.0.1", int(connection.settings_dict["PORT"] or 5432)))
    proxy.up()
    workers: list[subprocess.Popen] = []
    yield proxy, workers
    for w in workers:
        if w.poll() is None:
            w.terminate()
            try:
                w.wait(10)
            except subprocess.TimeoutExpired:
                w.kill()
    try:
        proxy.down()
    except Exception:
        pass
    with connection.cursor() as cursor:  # the killed worker's session, if the server still holds it
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def done(job: ImportJob) -> bool:
    job.refresh_from_db()
    return job.status == ImportStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_work_after_the_database_comes_back(outage, hr_person):
    proxy, workers = outage
    worker = start_worker("tandem_worker", proxy.port)
    workers.append(worker)
    # given: the worker runs an import through the proxy
    first = queued_import(hr_person.user, "first")
    assert wait_for(lambda: done(first), 60), "the worker never ran the first import"

    # when: the database goes away for a few seconds, and work is queued meanwhile
    proxy.down()
    second = queued_import(hr_person.user, "second")
    time.sleep(4)
    assert worker.poll() is None, worker.stdout.read() if worker.poll() is not None else ""
    proxy.up()

    # then: the same worker process reconnects and runs it
    assert wait_for(lambda: done(second), 60), "the worker did not run the import after the outage"
    assert worker.poll() is None
    assert Person.objects.filter(employee_id="second").exists()


@pytest.mark.django_db(transaction=True)
def test_without_our_wrapper_db_worker_exits_on_the_outage(outage, hr_person):
    """The behaviour tandem_worker exists for (django-tasks-db 0.13's db_worker)."""
    proxy, workers = outage
    worker = start_worker("db_worker", proxy.port)
    workers.append(worker)
    first = queued_import(hr_person.user, "first")
    assert wait_for(lambda: done(first), 60)
    proxy.down()
    assert wait_for(lambda: worker.poll() is not None, 20), "db_worker survived: tandem_worker may be unnecessary"


@pytest.mark.django_db
def test_the_worker_fails_imports_whose_worker_died_when_it_starts(hr_person):
    import datetime

    from django.utils import timezone

    from tandem.core.management.commands.tandem_worker import ResilientWorker

    job = ImportJob.objects.create(kind="people", file_name="p.csv", uploaded_by=hr_person.user,
                                   status=ImportStatus.WRITING, file="imports/p.csv")
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    worker = ResilientWorker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                             startup_delay=False, max_tasks=None, worker_id="t", excluded_queue_names=[])

    worker.startup_checks()

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "stopped responding" in job.errors[0]["message"]


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_is_failed_not_hung(outage, hr_person, hr_client, settings):
    import signal

    proxy, workers = outage
    # given: a worker busy with a large import (30,000 rows)
    rows = "".join(f"K{i},Killed {i},k{i}@example.com,WRK\n" for i in range(30_000))
    job = ImportJob.objects.create(kind="people", file_name="big.csv", uploaded_by=hr_person.user)
    job.file.save("big.csv", ContentFile(("employee_id,full_name,email,department_code\n" + rows).encode()))
    from django_tasks_db.backend import DatabaseBackend

    DatabaseBackend("default", {"QUEUES": ["default"]}).enqueue(tasks.run_import, (job.pk, "en"), {})
    worker = start_worker("tandem_worker", proxy.port)
    workers.append(worker)

    def running() -> bool:
        job.refresh_from_db()
        return job.status in (ImportStatus.VALIDATING, ImportStatus.WRITING)

    assert wait_for(running, 60), job.status

    # when: the worker is killed mid-job
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    job.refresh_from_db()
    assert job.status in (ImportStatus.VALIDATING, ImportStatus.WRITING, ImportStatus.DONE)
    if job.status == ImportStatus.DONE:
        pytest.skip("the import finished before the kill landed")

    # then: once its heartbeat is stale, reading the job fails it with a clear message
    settings.IMPORT_STALE_AFTER_SECONDS = 1
    time.sleep(2)
    body = hr_client.get(f"/api/imports/{job.pk}").json()
    assert body["status"] == "failed" and body["percent"] == 100
    assert "stopped responding" in body["errors"][0]["message"]
    assert not Person.objects.filter(employee_id__startswith="K").exists()
