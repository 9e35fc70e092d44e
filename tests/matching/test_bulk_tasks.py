"""The bulk preview and a round's close-and-publish run as background tasks (issue 13 §5, §7):
the request only queues them; the worker computes them with progress and a heartbeat; a run whose
worker died is failed, never "running" forever; one at a time per program / round."""

from __future__ import annotations

import datetime
import json
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from tandem.core import events
from tandem.core.errors import Conflict
from tandem.matching.flows import bulk, jobs
from tandem.matching.flows import rounds as round_flow
from tandem.matching.models import (
    ConstraintKind,
    MatchConstraint,
    MatchRun,
    Placement,
    PublicationStatus,
    RoundPublication,
    RoundStatus,
    RunStatus,
)
from tandem.mentorships.models import Mentorship
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    MatchingMode,
    Program,
    ProgramStatus,
    ProgramType,
)
from tests.factories import DepartmentFactory, PersonFactory, UserFactory
from tests.matching.test_bulk import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    w = World()
    w.ann = w.mentee(1, "Ann Mentee")
    w.xavier = w.mentor(5, name="Xavier Mentor")
    return w


@pytest.fixture
def heard():
    """Domain events of the matching jobs, as delivered (after commit)."""
    got: list[tuple[str, dict]] = []

    def recorder(name):
        return lambda **ids: got.append((name, ids))

    handlers = {}
    for name in ("bulk.preview_ready", "bulk.preview_failed", "round.publication_failed", "round.published"):
        handlers[name] = recorder(name)
        events.subscribe(name, handlers[name])
    yield got
    for name, handler in handlers.items():
        events._subscribers[name].remove(handler)


def _queued(world) -> MatchRun:
    """A preview requested but not yet picked up by the worker (its task never runs here)."""
    run, created = bulk.bulk_preview_request(program=world.program, user=world.owner.user)
    assert created
    return run


# -- the preview: queued, then computed -----------------------------------------------------------


def test_a_requested_preview_is_queued_and_the_worker_computes_it(client, world, heard,
                                                                  django_capture_on_commit_callbacks):
    client.force_login(world.owner.user)
    base = f"/api/programs/{world.program.pk}/bulk-match"
    # when the manager requests a preview, the request only queues it
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = client.post(f"{base}/preview")
        assert r.status_code == 202
        run = MatchRun.objects.get()
        assert r.json()["id"] == run.pk and r["Location"] == f"{base}/runs/{run.pk}"
        assert run.status == RunStatus.QUEUED and run.pairs == [] and run.progress == 0
        polled = client.get(r["Location"]).json()
        assert polled["status"] == "queued" and polled["pairs"] == [] and polled["pair_count"] == 0
    assert len(callbacks) >= 1  # the task, enqueued once the request committed
    # then the task has computed it: the status URL now gives the pairs
    done = client.get(r["Location"]).json()
    assert done["status"] == "preview" and done["progress"] == 100 and done["stage"] == "" and done["error"] == ""
    assert [(p["mentee"], p["mentor"]) for p in done["pairs"]] == [(world.ann.employee_id, world.xavier.employee_id)]
    run.refresh_from_db()
    assert run.started_at is not None and run.finished_at is not None and run.heartbeat_at is not None
    assert ("bulk.preview_ready", {"program_id": world.program.pk, "run_id": run.pk}) in heard


def test_progress_is_reported_stage_by_stage_and_visible_while_it_runs(world, monkeypatch):
    for _ in range(30):
        world.mentee(2)
    run = _queued(world)
    seen: list[tuple[str, str, int]] = []
    real = jobs.progress

    def spy(model, job_id, *, stage, percent):
        real(model, job_id, stage=stage, percent=percent)
        row = MatchRun.objects.get(pk=job_id)  # what a polling page reads at that moment
        seen.append((row.status, row.stage, row.progress))

    monkeypatch.setattr(jobs, "progress", spy)
    bulk.bulk_preview_run(run_id=run.pk)
    stages = [stage for _status, stage, _pct in seen]
    assert [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s] == [
        "loading", "scoring", "solving", "explaining", "saving"]
    percents = [pct for _s, _st, pct in seen]
    assert percents == sorted(percents) and percents[0] < 10 and percents[-1] == 99
    assert all(status == "running" for status, _st, _pct in seen)
    assert len([s for s in stages if s == "explaining"]) > 2  # it beats while explaining a large run
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEW and run.progress == 100


def test_the_page_shows_the_progress_card_and_reloads_when_the_preview_is_ready(client, world):
    client.force_login(world.owner.user)
    run = _queued(world)
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, stage="scoring", progress=25,
                                              heartbeat_at=timezone.now())
    page = client.get(f"/programs/{world.program.pk}/bulk/").content.decode()
    status_url = f"/programs/{world.program.pk}/bulk/runs/{run.pk}/status/"
    assert 'id="run-status"' in page and f'hx-get="{status_url}"' in page and 'hx-trigger="every 1s"' in page
    assert "Scoring every pair" in page and 'class="pct-25"' in page
    assert 'id="run-preview"' not in page  # no second request while one runs
    r = client.get(status_url, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "HX-Refresh" not in r and "25" in r.content.decode()
    # when the worker finishes, the next poll tells htmx to reload the page, which shows the pairs
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
    bulk.bulk_preview_run(run_id=run.pk)
    r = client.get(status_url, HTTP_HX_REQUEST="true")
    assert r["HX-Refresh"] == "true"
    page = client.get(f"/programs/{world.program.pk}/bulk/").content.decode()
    assert 'id="pairs"' in page and "Xavier Mentor" in page and 'hx-trigger="every 1s"' not in page


def test_a_second_request_while_one_runs_returns_the_running_one(client, world):
    client.force_login(world.owner.user)
    first = _queued(world)
    r = client.post(f"/api/programs/{world.program.pk}/bulk-match/preview")
    assert r.status_code == 200 and r.json()["id"] == first.pk and r.json()["status"] == "queued"
    assert r["Location"].endswith(f"/runs/{first.pk}")
    r = client.post(f"/programs/{world.program.pk}/bulk/preview/", follow=True)
    assert "already being computed" in r.content.decode()
    assert MatchRun.objects.count() == 1


def test_the_database_allows_one_active_run_per_program(world):
    _queued(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchRun.objects.create(program=world.program, status=RunStatus.RUNNING)
    MatchRun.objects.create(program=world.program, status=RunStatus.PREVIEW)  # results are not limited


def test_a_closed_program_refuses_the_request_and_queues_nothing(client, world):
    Program.objects.filter(pk=world.program.pk).update(status=ProgramStatus.CLOSED)
    client.force_login(world.owner.user)
    r = client.post(f"/api/programs/{world.program.pk}/bulk-match/preview")
    assert r.status_code == 409 and r.json()["code"] == "program_closed"
    assert not MatchRun.objects.exists()


def test_a_program_closed_while_queued_fails_the_run_with_its_reason(world, heard, django_capture_on_commit_callbacks):
    run = _queued(world)
    Program.objects.filter(pk=world.program.pk).update(status=ProgramStatus.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        bulk.bulk_preview_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "program is closed" in run.error and run.pairs == []
    assert ("bulk.preview_failed", {"program_id": world.program.pk, "run_id": run.pk, "reason": "refused"}) in heard


def test_an_unexpected_error_fails_the_run_with_a_clear_message_and_tells_the_requester(
        client, world, heard, monkeypatch, django_capture_on_commit_callbacks):
    run = _queued(world)

    def boom(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("tandem.matching.engine.assignment.optimal_assignment", boom)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):  # a failed task, too
        bulk.bulk_preview_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "unexpected error" in run.error and "solver" not in run.error
    assert ("bulk.preview_failed", {"program_id": world.program.pk, "run_id": run.pk, "reason": "error"}) in heard
    client.force_login(world.owner.user)
    page = client.get(f"/programs/{world.program.pk}/bulk/").content.decode()
    assert "The last preview failed" in page and "unexpected error" in page and 'id="run-preview"' in page


def test_a_run_picked_up_twice_is_computed_once(world):
    run = _queued(world)
    bulk.bulk_preview_run(run_id=run.pk)
    finished = MatchRun.objects.get(pk=run.pk).finished_at
    bulk.bulk_preview_run(run_id=run.pk)  # a second worker, or a retried task
    assert MatchRun.objects.get(pk=run.pk).finished_at == finished and MatchRun.objects.count() == 1


def test_the_request_never_imports_the_engine(world, monkeypatch):
    """The web side of a preview is a few queries: nothing of the engine runs in it."""
    from tandem.matching.engine import scoring

    monkeypatch.setattr(scoring, "score_matrix", lambda *a, **k: pytest.fail("scored inside the request"))
    run, created = bulk.bulk_preview_request(program=world.program, user=world.owner.user)
    assert created and run.status == RunStatus.QUEUED


# -- stale runs: the worker died ------------------------------------------------------------------


def _running_since(run, minutes: float, model=MatchRun) -> None:
    model.objects.filter(pk=run.pk).update(status="running", stage="solving", progress=50,
                                           heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes))


def test_a_run_without_heartbeat_is_failed_with_a_clear_message(client, world, heard,
                                                               django_capture_on_commit_callbacks):
    run = _queued(world)
    _running_since(run, 30)
    client.force_login(world.owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        body = client.get(f"/api/programs/{world.program.pk}/bulk-match/runs/{run.pk}").json()
    assert body["status"] == "failed"
    assert "stopped responding" in body["error"] and "30 minutes" in body["error"] and "Nothing was saved" in body["error"]
    assert ("bulk.preview_failed", {"program_id": world.program.pk, "run_id": run.pk, "reason": "stale"}) in heard
    # and a new request is possible at once
    assert client.post(f"/api/programs/{world.program.pk}/bulk-match/preview").status_code == 202


def test_a_live_or_waiting_run_is_not_failed(world):
    run = _queued(world)
    assert jobs.matching_jobs_fail_stale() == 0  # queued: waiting for a worker, not dead
    _running_since(run, 1)
    assert jobs.matching_jobs_fail_stale() == 0
    assert MatchRun.objects.get(pk=run.pk).status == RunStatus.RUNNING


def test_the_worker_fails_stale_runs_and_publications_when_it_starts(world, cohort):
    from tandem.core.management.commands.tandem_worker import STARTUP_CHECKS, ResilientWorker

    assert "tandem.matching.flows.jobs.matching_jobs_fail_stale" in STARTUP_CHECKS
    run = _queued(world)
    _running_since(run, 60)
    publication, _created = round_flow.round_publish_request(round=cohort.round, user=None, force=True)
    _running_since(publication, 60, RoundPublication)
    worker = ResilientWorker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                             startup_delay=False, max_tasks=None, worker_id="t", excluded_queue_names=[])
    worker.startup_checks()
    run.refresh_from_db()
    publication.refresh_from_db()
    assert run.status == RunStatus.FAILED and "stopped responding" in run.error
    assert publication.status == PublicationStatus.FAILED and "stopped responding" in publication.error


def test_a_run_failed_as_stale_while_its_worker_was_only_slow_saves_nothing(world, monkeypatch):
    run = _queued(world)
    real = jobs.progress

    def stale_meanwhile(model, job_id, *, stage, percent):
        if stage == "explaining":  # the stale check ran while this worker was busy
            jobs.fail(MatchRun, job_id, "stale")
        real(model, job_id, stage=stage, percent=percent)

    monkeypatch.setattr(jobs, "progress", stale_meanwhile)
    bulk.bulk_preview_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.pairs == [] and run.error == "stale"


# -- the commit still refuses a stale preview -----------------------------------------------------


def test_a_rule_added_while_the_run_waited_is_honoured_and_the_commit_accepted(world):
    yolanda = world.mentor(2, name="Yolanda")
    run = _queued(world)
    bulk.constraint_add(program=world.program, mentee=world.ann, mentor=world.xavier, kind=ConstraintKind.EXCLUDE,
                        user=world.owner.user)
    bulk.bulk_preview_run(run_id=run.pk)
    run.refresh_from_db()
    assert [(p["mentee"], p["mentor"]) for p in run.pairs] == [(world.ann.pk, yolanda.pk)]
    assert bulk.bulk_commit(run=run, user=world.owner.user) == 1


def test_a_rule_added_while_the_worker_computed_makes_the_commit_refused(world, monkeypatch):
    yolanda = world.mentor(2, name="Yolanda")
    run = _queued(world)
    real = jobs.progress

    def pin_meanwhile(model, job_id, *, stage, percent):
        if stage == "solving" and not MatchConstraint.objects.exists():
            bulk.constraint_add(program=world.program, mentee=world.ann, mentor=yolanda, kind=ConstraintKind.PIN,
                                user=world.owner.user)
        real(model, job_id, stage=stage, percent=percent)

    monkeypatch.setattr(jobs, "progress", pin_meanwhile)
    bulk.bulk_preview_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEW and run.pairs[0]["mentor"] == world.xavier.pk  # computed without it
    with pytest.raises(Conflict) as exc:
        bulk.bulk_commit(run=run, user=world.owner.user)
    assert exc.value.code == "preview_outdated" and "pin or an exclusion was added" in str(exc.value.message)
    assert not Mentorship.objects.filter(program=world.program).exists()


def test_a_mentee_paired_while_the_worker_computed_makes_the_commit_refused(world, monkeypatch):
    real = jobs.progress
    run = _queued(world)

    def paired_meanwhile(model, job_id, *, stage, percent):
        if stage == "explaining" and not Mentorship.objects.exists():
            world.pair(world.mentor(4, name="Other"), world.ann)
        real(model, job_id, stage=stage, percent=percent)

    monkeypatch.setattr(jobs, "progress", paired_meanwhile)
    bulk.bulk_preview_run(run_id=run.pk)
    run.refresh_from_db()
    with pytest.raises(Conflict, match="Ann Mentee got a mentor since the preview"):
        bulk.bulk_commit(run=run, user=world.owner.user)


# -- races on PostgreSQL --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_requests_racing_create_one_run(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests are exercised on PostgreSQL")
    w = World()
    w.mentee(1)
    w.mentor(5)
    enqueued: list[int] = []
    monkeypatch.setattr(bulk, "enqueue_on_commit", lambda task, run_id: enqueued.append(run_id))  # no worker here
    barrier = threading.Barrier(6)
    got: list[tuple[int, bool]] = []
    errors: list[str] = []

    def request():
        try:
            barrier.wait()
            run, created = bulk.bulk_preview_request(program=w.program, user=w.owner.user)
            got.append((run.pk, created))
        except Exception as exc:  # noqa: BLE001 - an IntegrityError or a deadlock is the failure we look for
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert MatchRun.objects.count() == 1 and len({pk for pk, _c in got}) == 1
    assert sorted(c for _pk, c in got) == [False] * 5 + [True] and enqueued == [got[0][0]]


@pytest.mark.django_db(transaction=True)
def test_previews_computed_by_the_worker_and_commits_racing_never_deadlock():
    if connection.vendor != "postgresql":
        pytest.skip("lock ordering is exercised on PostgreSQL")
    w = World()
    for level in (1, 2, 3, 1, 2, 3):
        w.mentee(level)
    for level in (5, 4, 3):
        w.mentor(level, capacity=2)
    errors: list[str] = []

    def guarded(fn):
        def run():
            try:
                fn()
            except Conflict:
                pass
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
            finally:
                connections.close_all()
        return run

    def worker():
        for run in MatchRun.objects.filter(program=w.program, status=RunStatus.QUEUED):
            bulk.bulk_preview_run(run_id=run.pk)

    def commit():
        run = MatchRun.objects.filter(program=w.program, status=RunStatus.PREVIEW).order_by("-id").first()
        if run is not None:
            bulk.bulk_commit(run=run, user=w.owner.user)

    def request():
        bulk.bulk_preview_request(program=w.program, user=w.owner.user)

    bulk.bulk_preview(program=w.program, user=w.owner.user)
    for _round in range(5):
        threads = [threading.Thread(target=guarded(f)) for f in (request, worker, commit, worker, commit)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    mentee_ids = list(Mentorship.objects.filter(program=w.program).values_list("mentee_id", flat=True))
    assert len(mentee_ids) == len(set(mentee_ids))
    assert not MatchRun.objects.filter(status=RunStatus.RUNNING).exists()


# -- a round's close and publish ------------------------------------------------------------------


@pytest.fixture
def cohort(make_person):
    manager = make_person(groups=["program_manager"], full_name="Pat Manager")
    program = Program.objects.create(
        name="Graduates", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31), owner=manager,
    )
    head = make_person(full_name="Alice Head")
    dep = DepartmentFactory(name="Sales", code="SAL", head=head)
    grads = [make_person(full_name=f"Grad {i}") for i in range(3)]
    Enrolment.objects.bulk_create([Enrolment(program=program, person=g, role=EnrolmentRole.MENTEE) for g in grads])
    rnd = round_flow.round_create(program=program, name="Round 1",
                                  deadline=timezone.now() + datetime.timedelta(days=3), seats={dep: 2}, user=None)
    for g in grads:
        round_flow.applicant_ranking_save(round=rnd, applicant=g, departments=[dep])
    round_flow.department_ranking_save(round=rnd, department=dep, applicants=grads)

    class C:
        pass

    c = C()
    c.program, c.manager, c.head, c.dep, c.grads, c.round = program, manager, head, dep, grads, rnd
    return c


def test_close_and_publish_is_queued_then_published_by_the_worker(client, cohort, heard,
                                                                   django_capture_on_commit_callbacks):
    client.force_login(cohort.manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/rounds/{cohort.round.pk}/close-and-publish", json.dumps({"force": True}),
                        content_type="application/json")
        assert r.status_code == 202 and r.json()["status"] == "open" and not Placement.objects.exists()
        publication = RoundPublication.objects.get()
        assert r["Location"] == f"/api/rounds/{cohort.round.pk}/publications/{publication.pk}"
        assert client.get(r["Location"]).json()["status"] == "queued"
        # rankings are frozen from the request on
        with pytest.raises(Conflict) as exc:
            round_flow.applicant_ranking_save(round=cohort.round, applicant=cohort.grads[0], departments=[])
        assert exc.value.code == "round_closing"
        # a second request returns the same publication
        again = client.post(f"/api/rounds/{cohort.round.pk}/close-and-publish", json.dumps({"force": True}),
                            content_type="application/json")
        assert again.status_code == 200 and again.json()["publication"]["id"] == publication.pk
    body = client.get(r["Location"]).json()
    assert body["status"] == "done" and body["progress"] == 100 and body["error"] == ""
    cohort.round.refresh_from_db()
    assert cohort.round.status == RoundStatus.PUBLISHED and Placement.objects.count() == 3
    assert ("round.published", {"round_id": cohort.round.pk}) in heard
    assert RoundPublication.objects.count() == 1


def test_publication_progress_is_reported_stage_by_stage(cohort, monkeypatch):
    publication, _created = round_flow.round_publish_request(round=cohort.round, user=None, force=True)
    seen: list[tuple[str, str, int]] = []
    real = jobs.progress

    def spy(model, job_id, *, stage, percent):
        real(model, job_id, stage=stage, percent=percent)
        row = RoundPublication.objects.get(pk=job_id)
        seen.append((row.status, row.stage, row.progress))

    monkeypatch.setattr(jobs, "progress", spy)
    round_flow.round_publication_run(publication_id=publication.pk)
    assert [s for _st, s, _p in seen] == ["loading", "solving", "checking", "saving"]
    assert [p for _st, _s, p in seen] == sorted(p for _st, _s, p in seen)
    assert all(st == "running" for st, _s, _p in seen)


def test_the_round_page_shows_the_publication_progress_and_reloads_when_published(client, cohort):
    client.force_login(cohort.manager.user)
    publication, _created = round_flow.round_publish_request(round=cohort.round, user=None, force=True)
    url = f"/programs/{cohort.program.pk}/rounds/{cohort.round.pk}/"
    status_url = f"{url}publications/{publication.pk}/status/"
    page = client.get(url).content.decode()
    assert 'id="publication-status"' in page and f'hx-get="{status_url}"' in page
    assert "Close and publish</button>" not in page
    r = client.get(status_url, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "HX-Refresh" not in r
    round_flow.round_publication_run(publication_id=publication.pk)
    assert client.get(status_url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    page = client.get(url).content.decode()
    assert 'id="results"' in page and 'id="publication-status"' not in page


def test_a_failed_publication_leaves_the_round_open_and_rankings_editable(
        client, cohort, heard, monkeypatch, django_capture_on_commit_callbacks):
    publication, _created = round_flow.round_publish_request(round=cohort.round, user=None, force=True)
    monkeypatch.setattr("tandem.matching.engine.stable.stable_match",
                        lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(MemoryError):
        round_flow.round_publication_run(publication_id=publication.pk)
    publication.refresh_from_db()
    cohort.round.refresh_from_db()
    assert publication.status == PublicationStatus.FAILED and "still open" in publication.error
    assert cohort.round.status == RoundStatus.OPEN and not Placement.objects.exists()
    assert ("round.publication_failed", {"round_id": cohort.round.pk, "publication_id": publication.pk,
                                         "reason": "error"}) in heard
    round_flow.applicant_ranking_save(round=cohort.round, applicant=cohort.grads[0], departments=[cohort.dep])
    client.force_login(cohort.manager.user)
    page = client.get(f"/programs/{cohort.program.pk}/rounds/{cohort.round.pk}/").content.decode()
    assert "The last attempt to publish failed" in page and "Close and publish</button>" in page


def test_a_stale_publication_is_failed_and_a_new_one_can_be_requested(client, cohort):
    publication, _created = round_flow.round_publish_request(round=cohort.round, user=None, force=True)
    _running_since(publication, 20, RoundPublication)
    client.force_login(cohort.manager.user)
    body = client.get(f"/api/rounds/{cohort.round.pk}/publications/{publication.pk}").json()
    assert body["status"] == "failed" and "stopped responding" in body["error"]
    r = client.post(f"/api/rounds/{cohort.round.pk}/close-and-publish", json.dumps({"force": True}),
                    content_type="application/json")
    assert r.status_code == 202 and r.json()["publication"]["id"] != publication.pk


def test_publishing_before_the_deadline_without_force_queues_nothing(client, cohort):
    client.force_login(cohort.manager.user)
    r = client.post(f"/api/rounds/{cohort.round.pk}/close-and-publish", json.dumps({}),
                    content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "deadline_not_reached"
    assert not RoundPublication.objects.exists()


# -- who may request and read them ----------------------------------------------------------------

ROLES = ["anonymous", "hr", "owner", "other_pm", "head", "mentor", "mentee", "no_role", "no_person"]
MANAGERS = {"hr", "owner"}


def _login(client, people, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role != "anonymous":
        client.force_login(people[role].user)


@pytest.fixture
def bulk_people(world):
    head = PersonFactory(user=UserFactory())
    world.dep_a.head = head
    world.dep_a.save()
    return {
        "hr": PersonFactory(user=UserFactory(groups=["hr_admin"])),
        "owner": world.owner,
        "other_pm": PersonFactory(user=UserFactory(groups=["program_manager"])),
        "head": head,
        "mentor": world.xavier,
        "mentee": world.ann,
        "no_role": PersonFactory(user=UserFactory()),
    }


@pytest.mark.parametrize("role", ROLES)
def test_only_hr_and_the_programs_manager_request_and_follow_a_preview(client, world, bulk_people, role):
    run = _queued(world)
    _login(client, bulk_people, role)
    pid = world.program.pk
    allowed = role in MANAGERS
    api = [client.post(f"/api/programs/{pid}/bulk-match/preview"),
           client.get(f"/api/programs/{pid}/bulk-match/runs/{run.pk}")]
    pages = [client.post(f"/programs/{pid}/bulk/preview/"), client.get(f"/programs/{pid}/bulk/runs/{run.pk}/status/")]
    if allowed:
        assert [r.status_code for r in api] == [200, 200]  # the running one is returned
        assert [r.status_code for r in pages] == [302, 200]
    else:
        assert all(r.status_code in (401, 403, 404) for r in api), [r.status_code for r in api]
        expected = {302} if role == "anonymous" else {403, 404}
        assert all(r.status_code in expected for r in pages), [r.status_code for r in pages]
        if role == "anonymous":
            assert all("/accounts/login/" in r["Location"] for r in pages)
        assert all(b'"pair_count"' not in r.content and b"run-status" not in r.content for r in api + pages)
    assert MatchRun.objects.count() == 1


def test_a_run_of_another_program_is_not_found(client, world):
    other = World()
    other.mentee(1)
    other.mentor(5)
    run = _queued(other)
    client.force_login(world.owner.user)
    assert client.get(f"/api/programs/{world.program.pk}/bulk-match/runs/{run.pk}").status_code == 404
    assert client.get(f"/programs/{world.program.pk}/bulk/runs/{run.pk}/status/").status_code == 404
    assert client.get(f"/api/programs/{world.program.pk}/bulk-match/runs/99999999999999999999").status_code in (
        404, 422)


@pytest.mark.parametrize("role", ROLES)
def test_only_hr_and_the_programs_manager_close_a_round_and_follow_it(client, cohort, role):
    publication, _created = round_flow.round_publish_request(round=cohort.round, user=None, force=True)
    people = {
        "hr": PersonFactory(user=UserFactory(groups=["hr_admin"])),
        "owner": cohort.manager,
        "other_pm": PersonFactory(user=UserFactory(groups=["program_manager"])),
        "head": cohort.head,
        "mentor": PersonFactory(user=UserFactory()),  # no mentors in a round: someone unrelated
        "mentee": cohort.grads[0],
        "no_role": PersonFactory(user=UserFactory()),
    }
    _login(client, people, role)
    rid, pid = cohort.round.pk, cohort.program.pk
    api = [client.post(f"/api/rounds/{rid}/close-and-publish", json.dumps({"force": True}),
                       content_type="application/json"),
           client.get(f"/api/rounds/{rid}/publications/{publication.pk}")]
    pages = [client.post(f"/programs/{pid}/rounds/{rid}/publish/", {"force": "1"}),
             client.get(f"/programs/{pid}/rounds/{rid}/publications/{publication.pk}/status/")]
    if role in MANAGERS:
        assert [r.status_code for r in api] == [200, 200] and api[1].json()["status"] == "queued"
        assert [r.status_code for r in pages] == [302, 200]
    else:
        assert all(r.status_code in (401, 403, 404) for r in api), [r.status_code for r in api]
        expected = {302} if role == "anonymous" else {403, 404}
        assert all(r.status_code in expected for r in pages), [r.status_code for r in pages]
    assert RoundPublication.objects.count() == 1


def test_the_requester_of_a_failed_preview_is_told_in_their_language(world, django_capture_on_commit_callbacks):
    from django.utils import translation

    from tandem.notifications.models import Notification, NotificationKind, NotificationPreference

    NotificationPreference.objects.update_or_create(person=world.owner, defaults={"language": "ru"})
    run = _queued(world)
    Program.objects.filter(pk=world.program.pk).update(status=ProgramStatus.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        bulk.bulk_preview_run(run_id=run.pk)
    told = Notification.objects.get(recipient=world.owner, kind=NotificationKind.JOB_FAILED)
    assert told.url == f"/programs/{world.program.pk}/bulk/" and told.params["error"] == MatchRun.objects.get(
        pk=run.pk).error
    with translation.override("ru"):
        assert told.params["title"] == translation.gettext("The bulk-match preview of %(program)s") % {
            "program": "Bulk"}


def test_the_requester_of_a_failed_publication_is_told(cohort, monkeypatch, django_capture_on_commit_callbacks):
    from tandem.notifications.models import Notification, NotificationKind

    publication, _created = round_flow.round_publish_request(round=cohort.round, user=cohort.manager.user,
                                                             force=True)
    monkeypatch.setattr("tandem.matching.engine.stable.stable_match",
                        lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(MemoryError):
        round_flow.round_publication_run(publication_id=publication.pk)
    told = Notification.objects.get(recipient=cohort.manager, kind=NotificationKind.JOB_FAILED)
    assert cohort.round.name in told.params["title"] and "still open" in told.params["error"]
    assert told.url == f"/programs/{cohort.program.pk}/rounds/{cohort.round.pk}/"
