"""Department support (issue 12 §4): the figures on a hand-built cohort, the score, the ranking and
the passive rule, placements kept, the page, the API, the exports and refused inputs."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from tandem.insights import departments as calc
from tandem.insights import departments_selectors as ds
from tandem.matching.models import Placement, RoundStatus, SelectionRound
from tests.insights.departments_fixtures import cohort

_FIXTURES = (cohort,)  # pytest finds them by name


def _rows(report):
    return {report.departments[r.department_id].code: r for r in report.rows}


# -- the pure computation ---------------------------------------------------------------------------


def test_score_is_the_mean_of_the_available_measures_with_the_rating_rescaled():
    figures = {"mentor": calc.Figure(1, 2), "rating": calc.Figure(None, 6, 4.0)}
    # (0.5 + (4 - 1) / 4) / 2 = 0.625
    assert calc.support_score(figures) == 62.5
    assert calc.support_score({"kept": calc.Figure(0, 0)}) is None  # nobody placed: no figure, not zero


def test_a_department_below_the_median_on_half_its_measures_only_is_not_passive():
    rows = [calc.Row(1, "A", {"mentor": calc.Figure(2, 2), "sessions": calc.Figure(1, 2)}),
            calc.Row(2, "B", {"mentor": calc.Figure(1, 2), "sessions": calc.Figure(2, 2)}),
            calc.Row(3, "C", {"mentor": calc.Figure(2, 2), "sessions": calc.Figure(2, 2)})]
    ranking = calc.rank(rows)
    a, b = rows[0], rows[1]
    assert a.below_median == ["sessions"] and not a.passive  # 1 of 2 is not more than half
    assert b.below_median == ["mentor"] and not b.passive
    assert [r.name for r in ranking.rows] == ["C", "A", "B"]


def test_the_module_examples_hold():
    import doctest

    assert doctest.testmod(calc).failed == 0


def test_a_stage_in_which_nobody_held_a_session_names_nobody_passive_for_it():
    rows = [calc.Row(1, "A", {"mentor": calc.Figure(2, 2), "sessions": calc.Figure(0, 2)}),
            calc.Row(2, "B", {"mentor": calc.Figure(2, 2), "sessions": calc.Figure(0, 3)})]
    calc.rank(rows)
    assert not any(r.no_sessions or r.passive for r in rows)
    rows.append(calc.Row(3, "C", {"mentor": calc.Figure(2, 2), "sessions": calc.Figure(1, 2)}))
    calc.rank(rows)
    assert [r.no_sessions for r in rows] == [True, True, False]


# -- the figures of a stage -----------------------------------------------------------------------


def test_rotation_figures_count_each_measure_with_its_n(cohort):
    report = ds.stage_report(program=cohort.program, stage=cohort.rotation)
    rows = _rows(report)
    assert report.finished and report.end == cohort.rotation.end_date
    got = {code: tuple((r.figures[m].k, r.figures[m].n) for m in ("mentor", "sessions", "reviews"))
           for code, r in rows.items()}
    assert got == {
        "DEP-A": ((3, 3), (3, 3), (2, 3)),
        "DEP-B": ((1, 3), (0, 3), (0, 3)),  # a self-assessment is no review
        "DEP-C": ((2, 2), (1, 2), (0, 2)),  # a missed session, and one held after the stage, do not count
        "DEP-D": ((2, 2), (2, 2), (1, 2)),  # a mentor's GRAI review counts, the mentee's own does not
    }


def test_departments_are_ranked_by_score_and_the_passive_ones_named_with_evidence(cohort):
    report = ds.stage_report(program=cohort.program, stage=cohort.rotation)
    assert [(report.departments[r.department_id].code, r.rank, r.score) for r in report.rows] == [
        ("DEP-A", 1, 88.9), ("DEP-D", 2, 83.3), ("DEP-C", 3, 50.0), ("DEP-B", 4, 11.1)]
    assert report.ranking.medians["mentor"] == 1.0
    assert report.ranking.medians["sessions"] == 0.75
    assert report.ranking.medians["reviews"] == 0.25
    rows = _rows(report)
    assert {code for code, r in rows.items() if r.passive} == {"DEP-B", "DEP-C"}
    assert ds.evidence(rows["DEP-B"])[0] == "No session held for any of its 3 graduates in this stage."
    c = ds.evidence(rows["DEP-C"])
    assert c == ["Below the median on 2 of 3 measures: Sessions held, Reviews done."]


def test_a_stage_not_started_has_no_rows(cohort):
    cohort.program.starts_on = cohort.today + datetime.timedelta(days=5)
    cohort.program.save(update_fields=["starts_on"])
    cohort.rotation.refresh_from_db()
    report = ds.stage_report(program=cohort.program, stage=cohort.rotation)
    assert not report.started and report.rows == []


def test_the_default_stage_is_the_last_one_that_has_started(cohort):
    assert ds.stage_pick(program=cohort.program, stage=None) == cohort.placement
    assert ds.stage_pick(program=cohort.program, stage=str(cohort.rotation.pk)) == cohort.rotation


# -- placements kept ------------------------------------------------------------------------------


def test_placements_kept_counts_the_placed_still_in_the_department_and_employed(cohort):
    # given a round published 20 days ago placing three graduates with A and one with B
    a, b = cohort.deps["DEP-A".replace("DEP-", "")], cohort.deps["B"]
    r = SelectionRound.objects.create(program=cohort.program, name="Placement", status=RoundStatus.PUBLISHED,
                                      deadline=timezone.now() - datetime.timedelta(days=21),
                                      published_at=timezone.now() - datetime.timedelta(days=20))
    stays, moved_away, left = cohort.grads["A"][0], cohort.grads["B"][0], cohort.grads["A"][1]
    left.left_on = cohort.ago(5)
    left.save(update_fields=["left_on"])
    for person in (stays, moved_away, left):
        Placement.objects.create(round=r, applicant=person, department=a, applicant_rank=1, department_rank=1)
    Placement.objects.create(round=r, applicant=cohort.grads["B"][1], department=b, applicant_rank=1, department_rank=1)
    # when the placement stage is reported
    rows = _rows(ds.stage_report(program=cohort.program, stage=cohort.placement))
    # then A kept 1 of 3 (one is still on B's record, one left) and B kept its one
    assert (rows["DEP-A"].figures["kept"].k, rows["DEP-A"].figures["kept"].n) == (1, 3)
    assert (rows["DEP-B"].figures["kept"].k, rows["DEP-B"].figures["kept"].n) == (1, 1)
    # and the placed graduates count in the department they were placed in: A has its 3 placed + 1 unplaced
    assert rows["DEP-A"].graduates == 4 and rows["DEP-B"].graduates == 2
    # the rotation stage, before the round was published, has no placements
    assert "kept" not in _rows(ds.stage_report(program=cohort.program, stage=cohort.rotation))["DEP-A"].figures


# -- pages, API, exports --------------------------------------------------------------------------


def test_the_program_page_ranks_departments_and_states_the_formula(client, cohort):
    client.force_login(cohort.owner.user)
    response = client.get(f"/programs/{cohort.program.pk}/department-support/?stage={cohort.rotation.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('data-department="DEP-A"') < html.index('data-department="DEP-B"', html.index("<table"))
    assert "2 passive departments" in html
    assert "No session held for any of its 3 graduates in this stage." in html
    assert "3 of 3 (100 %)" in html and "1 of 3 (33 %)" in html
    assert "Support score (0–100) = the mean" in html


def test_the_api_gives_every_figure_with_its_n(client, cohort):
    client.force_login(cohort.owner.user)
    body = client.get(f"/api/programs/{cohort.program.pk}/department-support?stage={cohort.rotation.pk}").json()
    assert [d["code"] for d in body["departments"]] == ["DEP-A", "DEP-D", "DEP-C", "DEP-B"]
    b = body["departments"][-1]
    assert b["passive"] and b["evidence"] and b["rank"] == 4
    assert {f["measure"]: (f["k"], f["n"]) for f in b["figures"]} == {"mentor": (1, 3), "sessions": (0, 3),
                                                                      "reviews": (0, 3)}
    assert {m["measure"]: m["median"] for m in body["medians"]}["sessions"] == 0.75
    assert body["rating"]["shown"] is False and body["rating"]["survey"] is None


def test_the_program_export_holds_the_ranking(client, cohort):
    client.force_login(cohort.owner.user)
    response = client.get(f"/programs/{cohort.program.pk}/department-support/export.csv?stage={cohort.rotation.pk}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Rank", "Department code", "Department", "Graduates"]
    assert [r[1] for r in rows[1:]] == ["DEP-A", "DEP-D", "DEP-C", "DEP-B"]
    assert rows[-1][-2] == "yes" and rows[1][-2] == "no"
    xlsx = client.get(f"/programs/{cohort.program.pk}/department-support/export.xlsx?stage={cohort.rotation.pk}")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_head_sees_their_department_against_the_median_and_no_other_by_name(client, cohort):
    client.force_login(cohort.heads["B"].user)
    url = f"/departments/DEP-B/support/?program={cohort.program.pk}&stage={cohort.rotation.pk}"
    html = client.get(url).content.decode()
    assert "rank 4 of 4 departments" in html
    assert "Named passive in this stage." in html
    assert "75 %" in html  # the median of sessions
    for other in ("Dept A", "Dept C", "Dept D", "DEP-A"):
        assert other not in html
    body = client.get(f"/api/departments/DEP-B/support?program={cohort.program.pk}&stage={cohort.rotation.pk}").json()
    assert body["own"]["code"] == "DEP-B" and body["rank"] == 4 and body["ranked_departments"] == 4
    assert "DEP-A" not in str(body)
    export = client.get(f"/departments/DEP-B/support/export.csv?program={cohort.program.pk}&stage={cohort.rotation.pk}")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Sessions held" in text and "0 of 3 (0 %)" in text and "DEP-A" not in text


def test_a_median_of_fewer_than_three_departments_is_not_shown_to_a_head(client, cohort):
    # only A and B have graduates left in the program: the median of two would give the other away
    from tandem.programs.models import Enrolment

    Enrolment.objects.filter(program=cohort.program, person__department__code__in=["DEP-C", "DEP-D"]).delete()
    client.force_login(cohort.heads["B"].user)
    body = client.get(f"/api/departments/DEP-B/support?program={cohort.program.pk}&stage={cohort.rotation.pk}").json()
    assert all(m["median"] is None for m in body["medians"])
    html = client.get(f"/departments/DEP-B/support/?program={cohort.program.pk}&stage={cohort.rotation.pk}").content.decode()
    assert "Not shown: fewer than 3 departments have this figure." in html


@pytest.mark.parametrize("query", ["stage=abc", "stage=-1", "stage=99999999999", "stage=%00", "stage=1.5"])
def test_bad_stage_parameters_are_a_400_with_a_message(client, cohort, query):
    client.force_login(cohort.owner.user)
    api = client.get(f"/api/programs/{cohort.program.pk}/department-support?{query}")
    assert api.status_code == 400 and api.json()["message"]  # a NUL byte is refused before the handler
    if "%00" not in query:
        assert api.json()["errors"]["stage"]
    page = client.get(f"/programs/{cohort.program.pk}/department-support/?{query}")
    assert page.status_code == 400
    if "%00" not in query:
        assert "errorlist" in page.content.decode()


def test_a_stage_of_another_program_is_refused(client, cohort, make_person):
    from tandem.programs.models import Phase, Program

    other = Program.objects.create(name="Other", program_type="cohort", matching_mode="bulk", starts_on=cohort.ago(9),
                                   ends_on=cohort.today, owner=cohort.owner)
    phase = Phase.objects.create(program=other, order=1, name="X", start_day=1, end_day=5)
    client.force_login(cohort.owner.user)
    assert client.get(f"/api/programs/{cohort.program.pk}/department-support?stage={phase.pk}").status_code == 400


@pytest.mark.parametrize("code,status", [("no-such", 404), ("bad code", 400), ("a%00b", 400), ("x" * 41, 400)])
def test_bad_department_codes(client, cohort, code, status):
    client.force_login(cohort.heads["A"].user)
    assert client.get(f"/api/departments/{code}/support").status_code == status
    assert client.get(f"/departments/{code}/support/").status_code == status


def test_bad_program_parameter_for_a_head_is_a_400(client, cohort):
    client.force_login(cohort.heads["A"].user)
    assert client.get("/api/departments/DEP-A/support?program=zz").status_code == 400
    assert client.get("/api/departments/DEP-A/support?program=999999").status_code == 400
    assert client.get("/departments/DEP-A/support/?program=zz").status_code == 400


def test_a_program_without_stages_says_so(client, cohort):
    cohort.program.phases.all().delete()
    client.force_login(cohort.owner.user)
    response = client.get(f"/api/programs/{cohort.program.pk}/department-support")
    assert response.status_code == 400 and "no stages" in response.json()["errors"]["stage"][0]


def test_the_report_reads_in_a_fixed_number_of_queries(client, cohort, django_assert_max_num_queries):
    client.force_login(cohort.owner.user)
    url = f"/api/programs/{cohort.program.pk}/department-support?stage={cohort.rotation.pk}"
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
