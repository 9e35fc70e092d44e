"""The dashboards' largest gaps come from a summary kept by the services (issue 13 §7): the figures
stay those of the old aggregate over every current level, after ratings, moves, new targets,
deactivations, imports and admin edits; reading them no longer touches the current levels."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.db.models import Avg, Count, F, FilteredRelation, Q
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.people import framework_services, selectors, services
from tandem.people.models import CurrentLevel, GapSummary, JobProfile, Person, RatingSource
from tests.factories import DepartmentFactory, PersonFactory, RequirementFactory

pytestmark = pytest.mark.django_db


def old_largest_gaps(paths=(), limit=8):
    """The computation the dashboards ran before the summary: every current level joined to the
    target of the person's job profile, grouped by competency."""
    qs = CurrentLevel.objects.filter(person__is_active=True)
    if paths:
        cond = Q()
        for p in paths:
            cond |= Q(person__department__path__startswith=p)
        qs = qs.filter(cond)
    rows = (
        qs.annotate(req=FilteredRelation(
            "competency__requirements",
            condition=Q(competency__requirements__job_profile=F("person__job_profile")),
        ))
        .filter(req__target_level__gt=F("level"))
        .values("competency_id")
        .annotate(people=Count("id"), mean_gap=Avg(F("req__target_level") - F("level")))
        .order_by("-people", "-mean_gap", "competency_id")[:limit]
    )
    return [(r["competency_id"], r["people"], pytest.approx(float(r["mean_gap"]))) for r in rows]


def figures(paths=(), limit=8):
    return [(r["competency_id"], r["people"], r["mean_gap"]) for r in selectors.largest_gaps(paths=paths, limit=limit)]


def rate(person, competency, level, source=RatingSource.MANAGER):
    services.rating_record(person=person, competency=competency, level=level, source=source,
                           rated_by=None, rated_on=timezone.localdate())


def summary_matches_a_rebuild():
    kept = set(GapSummary.objects.filter(people__gt=0).values_list("department_id", "competency_id", "people",
                                                                     "total_gap"))
    services.gap_summary_rebuild()
    rebuilt = set(GapSummary.objects.values_list("department_id", "competency_id", "people", "total_gap"))
    return kept == rebuilt


@pytest.fixture
def org():
    """Two profiles wanting different levels of shared competencies, a department tree, people."""
    root = DepartmentFactory()
    team = DepartmentFactory(parent=root)
    other = DepartmentFactory()
    high = RequirementFactory(target_level=5)
    comps = [high.competency, RequirementFactory(job_profile=high.job_profile, target_level=4).competency]
    low = high.job_profile.__class__.objects.create(code="LOW", title="Low")
    for c in comps:
        RequirementFactory(job_profile=low, competency=c, target_level=3)
    people = [PersonFactory(job_profile=jp, department=dep)
              for jp, dep in ((high.job_profile, root), (high.job_profile, team), (low, team), (low, other),
                              (high.job_profile, other), (None, team))]
    return {"root": root, "team": team, "other": other, "high": high.job_profile, "low": low, "comps": comps,
            "people": people}


def assert_same_as_before(org):
    for paths in ((), (org["root"].path,), (org["team"].path,), (org["other"].path,),
                  (org["team"].path, org["other"].path)):
        assert figures(paths) == old_largest_gaps(paths), paths
        assert figures(paths, limit=1) == old_largest_gaps(paths, limit=1), paths
    assert summary_matches_a_rebuild()


def test_largest_gaps_equal_the_old_computation_through_ratings_moves_targets_and_deactivation(org):
    a, b, c, d, e, f = org["people"]
    c1, c2 = org["comps"]
    # ratings: first ones, a newer one, a self-rating that does not count over a manager's
    for person, comp, level in ((a, c1, 2), (b, c1, 1), (c, c1, 2), (d, c2, 1), (e, c1, 5), (f, c1, 1),
                                (a, c2, 3), (b, c2, 4)):
        rate(person, comp, level)
    assert_same_as_before(org)
    rate(a, c1, 4)
    rate(b, c1, 5, source=RatingSource.SELF)  # b keeps the manager's 1
    rate(c, c1, 3)  # at target now
    assert_same_as_before(org)

    # new targets: raised, removed, added
    framework_services.job_profile_targets_set(job_profile=org["low"], targets={c1.pk: 5})
    assert_same_as_before(org)
    framework_services.job_profile_targets_set(job_profile=org["high"], targets={c1.pk: 2, c2.pk: 5})
    assert_same_as_before(org)

    # a person moved to another department and given another profile (what the admin and
    # imports do), through the summary's keeper; then deactivated
    with transaction.atomic(), services.gaps_kept(people=Q(pk=d.pk)):
        Person.objects.filter(pk=d.pk).update(department=org["root"], job_profile=org["high"])
    assert_same_as_before(org)
    with transaction.atomic(), services.gaps_kept(people=Q(pk=a.pk)):
        Person.objects.filter(pk=a.pk).update(is_active=False)
    assert_same_as_before(org)

    # a bulk recomputation of some people's current levels (rating imports)
    services.current_levels_rebuild(person_ids=[b.pk, e.pk])
    assert_same_as_before(org)
    assert figures() != []


def test_reading_the_largest_gaps_does_not_touch_the_current_levels(org):
    a, b, *_ = org["people"]
    rate(a, org["comps"][0], 1)
    rate(b, org["comps"][0], 2)
    with CaptureQueriesContext(connection) as ctx:
        (row, *_rest) = selectors.largest_gaps()
    assert (row["people"], row["mean_gap"]) == (2, pytest.approx(3.5))
    sql = " ".join(q["sql"].upper() for q in ctx)
    assert "PEOPLE_CURRENTLEVEL" not in sql and "PEOPLE_JOBPROFILEREQUIREMENT" not in sql
    assert len(ctx) == 2  # the summary grouped by competency, then the competencies by id


def test_a_full_rebuild_gives_the_kept_figures_after_data_loaded_past_the_services(org):
    a, *_ = org["people"]
    rate(a, org["comps"][0], 1)
    CurrentLevel.objects.filter(person=a).update(level=4)  # written past the services (SQL, COPY)
    assert figures() != old_largest_gaps()
    services.gap_summary_rebuild()
    assert figures() == old_largest_gaps()


def _admin_request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


def test_admin_moving_deactivating_or_deleting_a_person_keeps_the_gaps(org, hr_person):
    a, b, c, *_ = org["people"]
    for person in (a, b, c):
        rate(person, org["comps"][0], 1)
    admin = site._registry[Person]
    request = _admin_request(hr_person.user)
    a.refresh_from_db()
    a.department, a.job_profile = org["other"], org["low"]
    with transaction.atomic():
        admin.save_model(request, a, form=None, change=True)
    assert_same_as_before(org)
    b.is_active = False
    with transaction.atomic():
        admin.save_model(request, b, form=None, change=True)
    assert_same_as_before(org)
    with transaction.atomic():
        admin.delete_model(request, c)
    assert_same_as_before(org)


def test_admin_deleting_a_job_profile_removes_its_peoples_gaps(org, hr_person):
    for person in org["people"]:
        rate(person, org["comps"][0], 1)
    admin = site._registry[JobProfile]
    with transaction.atomic():
        admin.delete_model(_admin_request(hr_person.user), org["low"])
    assert_same_as_before(org)


def test_a_people_import_that_moves_people_rebuilds_the_gaps(org, hr_person, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tandem.people import import_services
    from tandem.people.models import ImportStatus

    a, b, *_ = org["people"]
    rate(a, org["comps"][0], 1)
    rate(b, org["comps"][0], 2)
    upload = SimpleUploadedFile("people.csv", (
        "employee_id,full_name,email,department_code,job_profile_code\n"
        f"{a.employee_id},{a.full_name},{a.email},{org['other'].code},{org['low'].code}\n"
    ).encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        job = import_services.import_job_create(user=hr_person.user, kind="people", uploaded_file=upload)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert Person.objects.get(pk=a.pk).department_id == org["other"].pk
    assert_same_as_before(org)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_of_people_in_one_cell_add_up_on_postgresql():
    """Many people of one department rated at once, each in its own transaction, into a cell that
    does not exist yet: every difference counts (no lost update, no duplicate cell, no deadlock)."""
    import threading

    from django.db import connections

    req = RequirementFactory(target_level=5)
    dep = DepartmentFactory()
    people = [PersonFactory(job_profile=req.job_profile, department=dep) for _ in range(8)]
    barrier = threading.Barrier(len(people), timeout=30)
    failures = []

    def run(person, level):
        try:
            barrier.wait()
            rate(person, req.competency, level)
            rate(person, req.competency, level - 1)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(p, 2 + i % 3)) for i, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    (row,) = GapSummary.objects.filter(department=dep, competency=req.competency)
    assert (row.people, row.total_gap) == (8, sum(5 - (1 + i % 3) for i in range(8)))
    assert figures() == old_largest_gaps()
