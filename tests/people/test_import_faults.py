"""Imports survive faults: a job whose worker died is marked failed with a clear message (and its
uploader told), a late worker can never commit over it, and two imports at once cannot commit a
manager cycle together."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from tandem.people import import_services, importing
from tandem.people.models import ImportJob, ImportStatus, Person
from tests.factories import DepartmentFactory, PersonFactory


def running_job(user, *, status=ImportStatus.VALIDATING, minutes_silent=10, processed=20, total=100) -> ImportJob:
    job = ImportJob.objects.create(
        kind="people", file_name="people.csv", uploaded_by=user, status=status,
        processed_rows=processed, total_rows=total,
    )
    job.file.save("people.csv", ContentFile(b"employee_id,full_name,email,department_code\n"), save=False)
    ImportJob.objects.filter(pk=job.pk).update(
        file=job.file.name, heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_silent)
    )
    return job


# -- stale jobs --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_failed_when_its_page_is_read(hr_client, hr_person):
    # given: "validating 20 %" and no sign of life for 10 minutes
    job = running_job(hr_person.user, processed=20)
    assert job.percent == 20

    # when
    page = hr_client.get(f"/imports/{job.pk}/").content.decode()

    # then
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "stopped responding" in job.errors[0]["message"] and "Nothing was written" in job.errors[0]["message"]
    assert "stopped responding" in page
    assert "20 %" not in page and "99 %" not in page and "hx-trigger" not in page
    assert job.finished_at is not None


@pytest.mark.django_db
def test_the_person_who_started_a_stale_import_is_emailed_once(hr_client, hr_person):
    job = running_job(hr_person.user, status=ImportStatus.WRITING, processed=100)

    hr_client.get(f"/api/imports/{job.pk}")
    hr_client.get(f"/api/imports/{job.pk}")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [hr_person.user.email]
    assert "people.csv" in mail.outbox[0].subject
    assert f"/imports/{job.pk}/" in mail.outbox[0].body


@pytest.mark.django_db
def test_the_api_reports_a_stale_job_as_failed_with_the_message(hr_client, hr_person):
    job = running_job(hr_person.user, status=ImportStatus.WRITING, processed=100)

    body = hr_client.get(f"/api/imports/{job.pk}").json()

    assert body["status"] == "failed" and body["percent"] == 100
    assert "stopped responding" in body["errors"][0]["message"]


@pytest.mark.django_db
def test_a_job_with_a_recent_heartbeat_is_left_running(hr_client, hr_person):
    job = running_job(hr_person.user, minutes_silent=1)

    body = hr_client.get(f"/api/imports/{job.pk}").json()

    assert body["status"] == "validating"
    assert not mail.outbox


@pytest.mark.django_db
def test_the_list_of_imports_never_shows_a_dead_job_as_running(hr_client, hr_person):
    job = running_job(hr_person.user)
    hr_client.get("/imports/")
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


@pytest.mark.django_db
def test_a_late_worker_cannot_commit_over_a_job_marked_failed(hr_person):
    # given: a job marked failed as stale while its (slow, not dead) worker was writing
    DepartmentFactory(code="ENG")
    job = running_job(hr_person.user, status=ImportStatus.WRITING, processed=1, total=1)
    table = importing.read_table(b"employee_id,full_name,email,department_code\nL1,Late,l@example.com,ENG\n", "x.csv")
    importer = importing.importer_for("people", table)
    assert not importer.validate()
    assert import_services.import_jobs_fail_stale() == 1

    # when: the worker reaches its commit
    with pytest.raises(import_services.JobAbandoned):
        with transaction.atomic():
            import_services._write_and_finish(job.pk, importer)

    # then: nothing was written and the job stays failed
    assert not Person.objects.filter(employee_id="L1").exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_running_import_keeps_its_heartbeat_fresh(hr_person, settings):
    # given: a heartbeat every 50 ms
    settings.IMPORT_HEARTBEAT_SECONDS = 0.05
    job = running_job(hr_person.user, minutes_silent=60)

    # when: the job's own thread is busy (as while reading or inside the write transaction)
    with import_services.Heartbeat(job.pk):
        time.sleep(0.5)

    # then
    job.refresh_from_db()
    assert timezone.now() - job.heartbeat_at < datetime.timedelta(seconds=5)


@pytest.mark.django_db
def test_a_finished_import_has_a_heartbeat_and_percent_100(hr_person, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    DepartmentFactory(code="ENG")
    upload = SimpleUploadedFile("p.csv", b"employee_id,full_name,email,department_code\nH1,H,h@example.com,ENG\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = import_services.import_job_create(user=hr_person.user, kind="people", uploaded_file=upload)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.percent == 100 and job.heartbeat_at is not None


# -- two imports at once -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_never_commit_a_manager_cycle(hr_person, monkeypatch):
    """A1 and A2 exist with no manager. File 1 makes A2 the manager of A1; file 2 makes A1 the
    manager of A2. Each is valid against the committed data; together they are a cycle. Both
    validate first (a barrier holds them until both did), then race to write."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency is exercised on PostgreSQL; SQLite serialises writers")
    dept = DepartmentFactory(code="ENG")
    PersonFactory(employee_id="A1", department=dept)
    PersonFactory(employee_id="A2", department=dept)
    header = "employee_id,full_name,email,department_code,manager_employee_id\n"
    files = {
        "one": header + "A1,Ann One,a1@example.com,ENG,A2\n",
        "two": header + "A2,Ann Two,a2@example.com,ENG,A1\n",
    }
    jobs = {}
    for name, text in files.items():
        job = ImportJob.objects.create(kind="people", file_name=f"{name}.csv", uploaded_by=hr_person.user)
        job.file.save(f"{name}.csv", ContentFile(text.encode()))
        jobs[name] = job.pk

    barrier = threading.Barrier(2, timeout=30)
    original = importing.Importer.validate
    calls = {"n": 0}
    lock = threading.Lock()

    def validate_then_wait(self, progress=None):
        errors = original(self, progress)
        with lock:
            calls["n"] += 1
            first_pass = calls["n"] <= 2
        if first_pass:
            barrier.wait()  # both files validated against the same committed data
        return errors

    monkeypatch.setattr(importing.Importer, "validate", validate_then_wait)
    failures = []

    def run(job_id):
        from django.db import connections

        try:
            import_services.import_job_run(job_id=job_id, language="en")
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in jobs.values()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert not failures
    statuses = sorted(ImportJob.objects.filter(pk__in=jobs.values()).values_list("status", flat=True))
    assert statuses == [ImportStatus.DONE, ImportStatus.FAILED]
    failed = ImportJob.objects.get(pk__in=jobs.values(), status=ImportStatus.FAILED)
    assert "cycle" in failed.errors[0]["message"]
    managers = dict(Person.objects.filter(employee_id__in=["A1", "A2"]).values_list("employee_id", "manager__employee_id"))
    assert None in managers.values()  # one of them still has no manager: no cycle
