"""Inputs versus outputs: figures against the hand-computed world (tests/insights/inputs_world.py)."""

from __future__ import annotations

import datetime
import math

import pytest

from tandem.insights import inputs
from tandem.insights import inputs_selectors as sel
from tests.factories import actor_of
from tests.insights import inputs_world
from tests.insights.inputs_world import FROM, MONTHS, TO

world = inputs_world.world  # the fixture


def report(person, by="department", **kw):
    return sel.inputs_outputs(actor=actor_of(person), by=by, start=FROM, end=TO, **kw)


def rows(r):
    return {g.label: g for g in r.groups}


def test_department_figures_match_the_hand_computed_ones(world, hr_person):
    r = report(hr_person)
    g = rows(r)
    assert set(g) == {"Sales", "Ops"}
    sales, ops = g["Sales"].figures, g["Ops"].figures
    assert g["Sales"].pairs == 5 and g["Sales"].people == 5
    assert sales["hours_per_month"].value == pytest.approx(3 / MONTHS)
    assert sales["sessions_per_month"].value == pytest.approx(3 / MONTHS)
    assert sales["cadence_kept"].value == pytest.approx(1.0)
    assert ops["hours_per_month"].value == pytest.approx(1.5 / MONTHS)
    assert ops["cadence_kept"].value == pytest.approx(1 / 3)
    assert ops["resources"].value == pytest.approx(1.0) and sales["resources"].value == 0
    assert sales["milestones_done"].value == pytest.approx(0.2)
    assert sales["competency_gain"].value == pytest.approx(0.2)
    assert ops["competency_gain"].value == pytest.approx(1.6)
    assert sales["satisfaction"].value == pytest.approx(2.2)
    assert ops["satisfaction"].value == pytest.approx(4.6)
    # mean 2.2, sd sqrt(0.2), t(4) 2.776: 2.2 ± 2.776 * sqrt(0.2 / 5)
    half = 2.7764451 * math.sqrt(0.2 / 5)
    assert sales["satisfaction"].ci == pytest.approx((2.2 - half, 2.2 + half), abs=1e-5)
    for group in r.groups:
        for _m, f in group.figure_list():
            assert f.n == 5


def test_the_whole_scope_counts_the_hidden_groups_too(world, hr_person):
    r = report(hr_person)
    assert r.whole.pairs == 15 and r.hidden_groups == 2
    minutes = 5 * 180 + 5 * 90 + 2 * 60 + 3 * 60
    assert r.whole.figures["hours_per_month"].value == pytest.approx(minutes / 60 / 15 / MONTHS)
    assert r.whole.figures["hours_per_month"].n == 15
    assert r.whole.figures["competency_gain"].n == 10  # the tiny ones had nothing rated twice


def test_the_page_shows_every_figure_with_its_n_and_no_hidden_group(world, hr_person, client):
    client.force_login(hr_person.user)
    response = client.get("/insights/inputs-outputs/", {"by": "department", "from": FROM, "to": TO})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sales" in html and "Ops" in html
    assert "Tiny1" not in html and "Tiny2" not in html
    assert html.count("n = 5</span>") == 14  # 7 figures × 2 groups
    assert "n = 15 pairs, 15 mentees" in html


def test_the_api_lists_the_groups_with_their_n(world, hr_person, client):
    client.force_login(hr_person.user)
    response = client.get("/api/insights/inputs-outputs", {"by": "department", "from": FROM, "to": TO})
    assert response.status_code == 200, response.content
    body = response.json()
    assert {g["label"] for g in body["groups"]} == {"Sales", "Ops"}
    assert body["hidden_groups"] == 2
    for g in body["groups"]:
        for f in g["figures"]:
            if f["metric"] in inputs.SURVEY_METRICS:  # no survey in this world: said in words, no value
                assert f["value"] is None and f["n"] is None and f["note"] == "fewer than 5 answers"
            else:
                assert f["n"] == 5 and f["ci"] is not None


def test_per_mentor_program_and_job_profile_rows(world, hr_person):
    by_mentor = rows(report(hr_person, by="mentor"))
    m1, m3 = world.mentors["m1"].full_name, world.mentors["m3"].full_name
    assert by_mentor[m1].figures["satisfaction"].value == pytest.approx(2.2)
    assert by_mentor[m3].pairs == 5 and by_mentor[m3].figures["satisfaction"].value == pytest.approx(4.6)
    assert by_mentor[m3].figures["competency_gain"].shown is False  # none of m3's mentees was rated twice
    assert "satisfaction-below-others" in {f.rule for f in by_mentor[m1].flags}
    by_program = report(hr_person, by="program")
    assert [(g.label, g.pairs) for g in by_program.groups] == [("Inputs program", 15)]
    by_profile = report(hr_person, by="job_profile")
    assert [(g.label, g.pairs) for g in by_profile.groups] == [("Analyst", 15)]


def test_a_program_filter_and_a_period_without_sessions(world, hr_person):
    r = report(hr_person, program=world.program.pk)
    assert r.whole.pairs == 15
    empty = sel.inputs_outputs(actor=actor_of(hr_person), by="department", start="2024-01-01", end="2024-06-30")
    assert empty.groups == [] and empty.whole.suppressed  # no pair had started yet


def test_a_pair_that_started_late_is_measured_over_the_months_it_ran(world, hr_person):
    from tandem.insights.inputs import Period
    from tandem.mentorships.log_models import Session
    from tandem.mentorships.models import Mentorship

    # given a pair that started mid-February with one 60-minute session that month
    m = world.pairs["Ops"][0]
    Mentorship.objects.filter(pk=m.pk).update(started_on="2026-02-15")
    Session.objects.filter(mentorship=m).delete()
    Session.objects.create(mentorship=m, starts_at=inputs_world.at(2026, 2, 20), duration_minutes=60, status="held")
    # when measured over January to March
    row = sel.annotated_pairs(Mentorship.objects.filter(pk=m.pk),
                              Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))).get()
    # then over February and March only
    assert row.v_months_on == 2
    assert row.v_hours_per_month == pytest.approx(0.5) and row.v_cadence_kept == pytest.approx(0.5)
