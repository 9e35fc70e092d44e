"""Issue 13 §4 as a fault test on real processes: the worker computing a bulk preview is killed
(SIGKILL) while it writes the result; the run is failed with a clear message once its heartbeat
is stale, the program manager is told, nothing half-saved remains, and a new preview can be
requested and is computed by the next worker.

To kill it at a known point rather than by luck, another session holds the program's row lock:
the worker computes the preview, reaches "saving" (which locks the program first) and waits there
-- as a worker does behind a long transaction -- when it is killed."""

from __future__ import annotations

import signal
import time

import psycopg
import pytest
from django.db import connection

from tandem.matching.models import JobStage, MatchRun, RunStatus
from tandem.mentorships.models import Mentorship
from tandem.notifications.models import Notification, NotificationKind
from tandem.programs.models import Program
from tests.core.test_worker import outage, start_worker, wait_for  # noqa: F401 (the fixture)
from tests.matching.test_bulk import World

N_MENTEES, N_MENTORS = 24, 16


def _world() -> World:
    w = World()
    for k in range(N_MENTEES):
        w.mentee(1 + k % 3, name=f"Mentee {k:03d}")
    for k in range(N_MENTORS):
        w.mentor(3 + k % 3, name=f"Mentor {k:03d}")
    return w


@pytest.mark.django_db(transaction=True)
def test_a_preview_whose_worker_is_killed_is_failed_told_and_can_be_run_again(outage, client, settings):  # noqa: F811
    proxy, workers = outage
    # the request queues the task in the database, as in production (the test settings run tasks inline)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    world = _world()
    client.force_login(world.owner.user)

    # given: a requested preview, and another session holding the program's row lock
    answer = client.post(f"/api/programs/{world.program.pk}/bulk-match/preview")
    assert answer.status_code == 202, answer.content
    run = MatchRun.objects.get(pk=answer.json()["id"])
    db = connection.settings_dict
    holder = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=int(db["PORT"] or 5432),
                             user=db["USER"] or "postgres", dbname=db["NAME"])
    holder.execute(f"SELECT id FROM {Program._meta.db_table} WHERE id = %s FOR UPDATE", (world.program.pk,))
    worker = start_worker("tandem_worker", proxy.port)
    workers.append(worker)

    def saving() -> bool:
        run.refresh_from_db()
        return run.status == RunStatus.RUNNING and run.stage == JobStage.SAVING

    try:
        assert wait_for(saving, 60), f"the worker never reached saving: {run.status} {run.stage}"
        # when: the worker is killed while it writes the result
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        holder.rollback()
        holder.close()
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.pairs == []

    # then: once the heartbeat is stale, reading the run fails it with a clear message ...
    settings.MATCHING_STALE_AFTER_SECONDS = 1
    time.sleep(2)
    body = client.get(f"/api/programs/{world.program.pk}/bulk-match/runs/{run.pk}").json()
    assert body["status"] == "failed"
    assert "stopped responding" in body["error"]
    # ... the program manager is told, and no pair was created from the dead run
    told = Notification.objects.get(recipient=world.owner, kind=NotificationKind.JOB_FAILED)
    assert told.params["title"] == "The bulk-match preview of Bulk" and "stopped responding" in told.params["error"]
    assert told.url == f"/programs/{world.program.pk}/bulk/"
    client.get(f"/api/programs/{world.program.pk}/bulk-match/runs/{run.pk}")  # read again: told once
    assert Notification.objects.filter(recipient=world.owner, kind=NotificationKind.JOB_FAILED).count() == 1
    assert not Mentorship.objects.filter(program=world.program).exists()

    # and: a new request is accepted (the dead run no longer blocks it) and the next worker computes it
    again = client.post(f"/api/programs/{world.program.pk}/bulk-match/preview")
    assert again.status_code == 202, again.content
    settings.MATCHING_STALE_AFTER_SECONDS = 300
    workers.append(start_worker("tandem_worker", proxy.port))
    fresh = MatchRun.objects.get(pk=again.json()["id"])

    def computed() -> bool:
        fresh.refresh_from_db()
        return fresh.status in (RunStatus.PREVIEW, RunStatus.FAILED)

    assert wait_for(computed, 120), fresh.status
    assert fresh.status == RunStatus.PREVIEW and len(fresh.pairs) == min(N_MENTEES, N_MENTORS)  # one seat per mentor
