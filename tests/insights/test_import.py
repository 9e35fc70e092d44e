"""The ``outcomes`` import and the people import's ``left_on``: every row validated, all or nothing."""

from __future__ import annotations

import datetime

import pytest

from tandem.insights.models import OutcomeMetric, OutcomeRecord
from tandem.people.models import ImportStatus, Person
from tests.factories import PersonFactory
from tests.people.test_import import csv_upload, run_import, xlsx_upload  # noqa: F401

HEADER = "employee_id,cohort,metric,value,recorded_on,kind"


@pytest.fixture
def people(db):
    return [PersonFactory(employee_id=f"E{i}") for i in range(1, 4)]


def messages(job):
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


def test_outcomes_import_defines_metrics_and_writes_records(run_import, people):
    job = run_import("outcomes", csv_upload(
        f"{HEADER}\nE1,2024 mentored,retention,1,2024-12-31,proportion\n"
        "E2,2024 mentored,retention,0,2024-12-31,proportion\nE1,2024 mentored,team_nps,82.5,2024-12-31,mean\n"
    ))
    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created_count, job.updated_count) == (3, 0)
    assert dict(OutcomeMetric.objects.values_list("name", "kind")) == {"retention": "proportion", "team_nps": "mean"}
    assert OutcomeRecord.objects.get(person=people[0], metric__name="team_nps").value == 82.5


def test_importing_again_replaces_values_and_adds_nothing(run_import, people):
    rows = f"{HEADER}\nE1,c,retention,1,2024-12-31,proportion\n"
    run_import("outcomes", csv_upload(rows))
    again = run_import("outcomes", csv_upload(rows))
    assert (again.created_count, again.updated_count) == (0, 0)
    changed = run_import("outcomes", csv_upload(rows.replace(",1,2024", ",0,2024")))
    assert (changed.created_count, changed.updated_count) == (0, 1)
    assert OutcomeRecord.objects.get().value == 0.0


def test_kind_must_agree_with_the_saved_metric(run_import, people):
    OutcomeMetric.objects.create(name="retention", kind="proportion")
    job = run_import("outcomes", csv_upload(f"{HEADER}\nE1,c,retention,3.5,2024-12-31,mean\n"))
    assert job.status == ImportStatus.FAILED
    assert any(col == "kind" and "proportion" in msg for _r, col, msg in messages(job))
    assert not OutcomeRecord.objects.exists()


def test_kind_must_agree_with_an_earlier_row_of_the_file(run_import, people):
    job = run_import("outcomes", csv_upload(
        f"{HEADER}\nE1,c,nps,1,2024-12-31,proportion\nE2,c,nps,70,2024-12-31,mean\n"
    ))
    assert job.status == ImportStatus.FAILED
    assert (3, "kind") in [(r, c) for r, c, _m in messages(job)]
    assert not OutcomeMetric.objects.exists() and not OutcomeRecord.objects.exists()


@pytest.mark.parametrize("row, column", [
    ("E9,c,retention,1,2024-12-31,proportion", "employee_id"),  # unknown person
    ("E1,c,retention,0.5,2024-12-31,proportion", "value"),  # proportions are 0/1
    ("E1,c,nps,nan,2024-12-31,mean", "value"),
    ("E1,c,nps,inf,2024-12-31,mean", "value"),
    ("E1,c,nps,1e400,2024-12-31,mean", "value"),
    ("E1,c,nps,,2024-12-31,mean", "value"),
    ("E1,c,nps,4,2999-01-01,mean", "recorded_on"),
    ("E1,c,nps,4,2024-02-30,mean", "recorded_on"),
    ("E1,c,nps,4,2024-12-31,median", "kind"),
    ("E1,c,,4,2024-12-31,mean", "metric"),
])
def test_a_bad_row_fails_the_whole_file(run_import, people, row, column):
    good = "E2,c,retention,1,2024-12-31,proportion"
    job = run_import("outcomes", csv_upload(f"{HEADER}\n{good}\n{row}\n"))
    assert job.status == ImportStatus.FAILED
    assert [(r, c) for r, c, _m in messages(job)] == [(3, column)]
    assert not OutcomeRecord.objects.exists() and not OutcomeMetric.objects.exists()


def test_a_person_twice_in_one_cohort_and_metric_is_refused(run_import, people):
    job = run_import("outcomes", csv_upload(
        f"{HEADER}\nE1,c,retention,1,2024-12-31,proportion\nE1,c,retention,0,2024-12-31,proportion\n"
    ))
    assert job.status == ImportStatus.FAILED and messages(job)[0][0] == 3


def test_outcomes_import_reads_xlsx(run_import, people):
    job = run_import("outcomes", xlsx_upload([
        HEADER.split(","), ["E1", "a", "crisis", 1, datetime.date(2024, 6, 1), "proportion"],
        ["E2", "a", "proposals", 8.7, datetime.date(2024, 6, 1), "mean"],
    ]))
    assert job.status == ImportStatus.DONE, job.errors
    assert OutcomeRecord.objects.count() == 2


def test_people_import_takes_a_leaving_date(run_import, people):
    person = people[0]
    header = "employee_id,full_name,email,department_code,hire_date,left_on"
    code = person.department.code
    job = run_import("people", csv_upload(
        f"{header}\nE1,{person.full_name},{person.email},{code},2020-01-01,2024-03-31\n"
    ))
    assert job.status == ImportStatus.DONE, job.errors
    assert Person.objects.get(pk=person.pk).left_on == datetime.date(2024, 3, 31)


def test_people_import_refuses_leaving_before_hire(run_import, people):
    person = people[0]
    header = "employee_id,full_name,email,department_code,hire_date,left_on"
    job = run_import("people", csv_upload(
        f"{header}\nE1,{person.full_name},{person.email},{person.department.code},2020-01-01,2019-03-31\n"
    ))
    assert job.status == ImportStatus.FAILED and messages(job)[0][1] == "left_on"
    assert Person.objects.get(pk=person.pk).left_on is None


def test_outcomes_kind_is_offered_through_the_api(client, hr_person, people, django_capture_on_commit_callbacks):
    client.force_login(hr_person.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/imports", {
            "kind": "outcomes", "file": csv_upload(f"{HEADER}\nE1,c,retention,1,2024-12-31,proportion\n"),
        })
    assert response.status_code == 201, response.content
    assert client.get(f"/api/imports/{response.json()['id']}").json()["status"] == "done"
    assert OutcomeRecord.objects.count() == 1
