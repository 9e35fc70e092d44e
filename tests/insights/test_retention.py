"""Retention: the Kaplan–Meier figures on hand-computable examples, censoring, the groups' day 0,
the page, the API and the exports, the anonymity threshold and refused inputs."""

from __future__ import annotations

import csv
import datetime
import io
import math

import pytest
from django.test import override_settings
from django.utils import timezone

from tandem.core.authz import actor_for
from tandem.insights import retention, retention_selectors, selectors
from tandem.insights.stats import StatsError
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import PersonFactory
from tests.svg_checks import assert_svg_coordinates_are_numbers

# -- the estimator -------------------------------------------------------------------------------


def test_kaplan_meier_matches_the_hand_computed_product_limit_and_greenwood_band():
    # given five people: left on days 3, 5 and 10; one censored on day 5, one on day 20
    result = retention.kaplan_meier([3, 5, 5, 10, 20], [True, True, False, True, False], checkpoints=(4, 6, 15))
    day4, day6, day15 = result.checkpoints
    # then S(4) = 1 - 1/5; S(6) = 0.8 * (1 - 1/4) (the censored one at 5 counts at risk on day 5);
    # S(15) = 0.6 * (1 - 1/2)
    assert (day4.at_risk, day4.events, day4.retention) == (4, 1, pytest.approx(0.8))
    assert (day6.at_risk, day6.events, day6.censored, day6.retention) == (2, 2, 1, pytest.approx(0.6))
    assert (day15.at_risk, day15.events, day15.retention) == (1, 3, pytest.approx(0.3))
    # the exponential Greenwood band at day 4: Var = (1/(5·4)) / ln(0.8)², exp(-exp(ln(-ln 0.8) ± z·sd))
    sd = math.sqrt((1 / 20) / math.log(0.8) ** 2)
    low = math.exp(-math.exp(math.log(-math.log(0.8)) + 1.959964 * sd))
    high = math.exp(-math.exp(math.log(-math.log(0.8)) - 1.959964 * sd))
    assert day4.ci == (pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4))
    assert (round(low, 4), round(high, 4)) == (0.2038, 0.9692)
    assert (result.n, result.events, result.censored) == (5, 3, 2)


def test_a_person_still_employed_is_censored_not_retained_forever():
    # two people still employed after 2 days, two who left on day 10
    result = retention.kaplan_meier([2, 2, 10, 10], [False, False, True, True], checkpoints=(7, 10, 30))
    day7, day10, day30 = result.checkpoints
    assert (day7.retention, day7.at_risk) == (1.0, 2)
    # counting the two still employed as "retained" would say 50 %; among those followed, nobody stayed
    assert day10.retention == 0.0
    assert day30.retention == 0.0 and day30.reached


def test_a_checkpoint_nobody_was_followed_to_has_no_figure():
    result = retention.kaplan_meier([3, 5, 40], [True, False, False], checkpoints=(7, 91))
    assert result.checkpoints[0].retention == pytest.approx(2 / 3)
    assert result.checkpoints[1].retention is None and not result.checkpoints[1].reached


def test_too_few_at_risk_hides_the_checkpoint_and_stops_the_curve():
    durations = [1, 2, 3, 4, 50, 60, 70, 80, 90, 100]
    result = retention.kaplan_meier(durations, [True] * 4 + [False] * 6, checkpoints=(7, 91), min_at_risk=3)
    assert result.checkpoints[0].retention == pytest.approx(0.6)
    assert result.checkpoints[1].at_risk == 1 and result.checkpoints[1].retention is None
    assert all(step.at_risk >= 3 for step in result.curve)
    assert result.curve_end == 90  # the next step, where only two remain: no drop is drawn there


@pytest.mark.parametrize("durations, observed", [
    ([], []), ([1, 2], [True]), ([-1], [True]), ([1.5], [True]), ([1], [1]),
])
def test_bad_input_is_refused_with_a_message(durations, observed):
    with pytest.raises(StatsError):
        retention.kaplan_meier(durations, observed)


# -- the groups and their day 0 --------------------------------------------------------------------

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def cohort(make_person, db):
    """A cohort program that started 200 days before TODAY, for people hired from its first day: ten
    graduates hired that day (three left: on days 3, 20 and 60), ten non-participants hired the same
    day (one left on day 100); its manager was hired long before (outside the comparison)."""
    start = TODAY - datetime.timedelta(days=200)
    owner = make_person(groups=["program_manager"], hire_date=start - datetime.timedelta(days=900))
    program = Program.objects.create(
        name="Graduates", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        status=ProgramStatus.RUNNING, starts_on=start, ends_on=start + datetime.timedelta(days=365), owner=owner,
        eligible_hired_from=start)  # the graduates hired for it: the comparison is hired in the same window
    leaves = {0: 3, 1: 20, 2: 60}
    grads = []
    for i in range(10):
        left = start + datetime.timedelta(days=leaves[i]) if i in leaves else None
        person = PersonFactory(hire_date=start, left_on=left, is_active=left is None)
        Enrolment.objects.create(program=program, person=person, role="mentee")
        grads.append(person)
    others = [PersonFactory(hire_date=start, left_on=start + datetime.timedelta(days=100) if i == 0 else None)
              for i in range(10)]
    return program, owner, grads, others


def test_day_zero_is_the_later_of_the_program_start_and_the_hire_date(cohort):
    program, _owner, _grads, _others = cohort
    late = PersonFactory(hire_date=program.starts_on + datetime.timedelta(days=50))
    Enrolment.objects.create(program=program, person=late, role="mentee")
    future = PersonFactory(hire_date=TODAY + datetime.timedelta(days=5))
    Enrolment.objects.create(program=program, person=future, role="mentee", status="withdrawn")
    gone = PersonFactory(hire_date=None, left_on=program.starts_on - datetime.timedelta(days=1))
    Enrolment.objects.create(program=program, person=gone, role="mentee")
    data = retention_selectors.group_durations(selectors.Group("program", str(program.pk), program), TODAY)
    assert sorted(zip(data.durations, data.observed)) == sorted(
        [(3, True), (20, True), (60, True)] + [(200, False)] * 7 + [(150, False)])
    assert (data.not_started, data.left_before) == (1, 1)


def test_the_comparison_group_keeps_the_programs_hire_window_and_excludes_participants(cohort):
    program, _owner, _grads, _others = cohort
    PersonFactory(hire_date=program.starts_on - datetime.timedelta(days=400))  # outside the window
    data = retention_selectors.group_durations(selectors.Group("nonparticipants", str(program.pk), program), TODAY)
    assert len(data.durations) == 10
    assert min(zip(data.durations, data.observed)) == (100, True)  # the one who left, on day 100


def test_the_report_gives_both_groups_figures_at_each_checkpoint(cohort):
    program, owner, _grads, _others = cohort
    report = retention_selectors.program_retention(actor=actor_for(owner.user), program_id=program.pk, today=TODAY)
    own, other = report.groups
    assert (own.n, own.result.events, other.n) == (10, 3, 10)
    by_day = {c.day: c for c in own.result.checkpoints}
    assert by_day[7].retention == pytest.approx(0.9) and by_day[7].at_risk == 9
    assert by_day[30].retention == pytest.approx(0.8)
    assert by_day[91].retention == pytest.approx(0.7) and by_day[182].at_risk == 7
    assert {c.day: c.retention for c in other.result.checkpoints}[182] == pytest.approx(0.9)


# -- page, API, exports ------------------------------------------------------------------------------


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def test_the_api_gives_retention_with_ci_and_n_at_risk(client, cohort, fixed_today):
    program, owner, _grads, _others = cohort
    client.force_login(owner.user)
    body = client.get(f"/api/programs/{program.pk}/retention").json()
    assert body["groups"][0]["group"] == f"program:{program.pk}"
    assert body["groups"][1]["group"] == f"nonparticipants:{program.pk}"
    day30 = body["groups"][0]["checkpoints"][1]
    assert (day30["day"], day30["at_risk"], day30["left"]) == (30, 8, 2)
    assert day30["retention"] == pytest.approx(0.8)
    assert day30["ci"][0] < 0.8 < day30["ci"][1]
    assert body["groups"][0]["n"] == 10 and body["groups"][0]["curve"][0]["retention"] == 1.0


def test_the_page_draws_both_curves_with_bands_and_the_checkpoints(client, cohort, fixed_today):
    program, owner, _grads, _others = cohort
    client.force_login(owner.user)
    html = client.get(f"/programs/{program.pk}/retention/").content.decode()
    assert html.count('class="retention-line') == 2 and html.count('class="retention-band') == 2
    assert all(f'data-day="{d}"' in html for d in (7, 30, 91, 182))
    assert "n = 10" in html and "80.0 %" in html
    # in Russian too, the curves' coordinates are numbers (a decimal comma broke every chart)
    client.cookies["django_language"] = "ru"
    html = client.get(f"/programs/{program.pk}/retention/").content.decode()
    assert '<html lang="ru"' in html and assert_svg_coordinates_are_numbers(html) > 20


def test_the_csv_export_has_each_checkpoint_of_each_group(client, cohort, fixed_today):
    program, owner, _grads, _others = cohort
    client.force_login(owner.user)
    response = client.get(f"/programs/{program.pk}/retention/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 4 * 2
    day30 = rows[3]
    assert day30[1] == "30" and day30[3] == "10" and day30[4] == "8" and float(day30[7]) == pytest.approx(0.8)


@override_settings(INSIGHTS_MIN_GROUP=11)
def test_a_group_below_the_threshold_shows_no_figure_on_page_api_or_export(client, cohort, fixed_today):
    program, owner, _grads, _others = cohort
    client.force_login(owner.user)
    body = client.get(f"/api/programs/{program.pk}/retention").json()
    for group in body["groups"]:
        assert group["suppressed"] and group["n"] is None and group["curve"] == []
        assert all(c["retention"] is None and c["at_risk"] is None for c in group["checkpoints"])
    html = client.get(f"/programs/{program.pk}/retention/").content.decode()
    assert "retention-line" not in html and "n = 10" not in html and "Fewer than 11 people" in html
    response = client.get(f"/programs/{program.pk}/retention/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert all(row[3:10] == [""] * 7 for row in rows[1:])


@pytest.mark.parametrize("compare, status", [
    ("cohort:2024", 400), ("program:abc", 400), ("nonsense", 400), ("bad\x00", 400), ("program:99999999", 404),
])
def test_a_bad_comparison_is_a_4xx_with_a_message(client, cohort, compare, status):
    program, owner, _grads, _others = cohort
    client.force_login(owner.user)
    api = client.get(f"/api/programs/{program.pk}/retention", {"compare": compare})
    assert api.status_code == status and api.json()["message"]
    page = client.get(f"/programs/{program.pk}/retention/", {"compare": compare})
    assert page.status_code == status


def test_comparing_a_program_with_itself_is_refused(client, cohort):
    program, owner, _grads, _others = cohort
    client.force_login(owner.user)
    response = client.get(f"/api/programs/{program.pk}/retention", {"compare": f"program:{program.pk}"})
    assert response.status_code == 400 and response.json()["code"] == "insights_same_groups"


def test_another_program_the_manager_does_not_own_cannot_be_the_comparison(client, cohort, make_person):
    program, owner, _grads, _others = cohort
    theirs = Program.objects.create(name="Theirs", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
                                    starts_on=program.starts_on, ends_on=program.ends_on, owner=make_person())
    client.force_login(owner.user)
    response = client.get(f"/api/programs/{program.pk}/retention", {"compare": f"program:{theirs.pk}"})
    assert response.status_code == 403


def test_the_retention_api_costs_the_same_queries_whatever_the_group_size(client, cohort, fixed_today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    program, owner, _grads, _others = cohort
    client.force_login(owner.user)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/programs/{program.pk}/retention").status_code == 200
        counts.append(len(queries))
        for _ in range(15):
            Enrolment.objects.create(program=program, person=PersonFactory(hire_date=program.starts_on), role="mentee")
    assert counts[0] == counts[1]


def test_the_xlsx_export_holds_the_same_table(client, cohort, fixed_today):
    from openpyxl import load_workbook

    program, owner, _grads, _others = cohort
    client.force_login(owner.user)
    response = client.get(f"/programs/{program.pk}/retention/export.xlsx")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 4 * 2
    assert rows[3][1] in (30, "30") and rows[3][4] in (8, "8") and float(rows[3][7]) == pytest.approx(0.8)
