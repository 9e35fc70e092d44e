"""Inputs versus outputs: the report's fast SQL (the log pre-aggregated per pair and joined) gives each
pair the same raw values as the per-pair definition (``annotated_pairs``), and the report reads in a
number of queries that does not grow with the pairs."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.insights import inputs
from tandem.insights import inputs_selectors as sel
from tandem.insights.inputs import Period
from tandem.mentorships.log_models import Session
from tandem.mentorships.models import Mentorship
from tests.factories import actor_of
from tests.insights import inputs_world
from tests.insights.inputs_world import FROM, TO

world = inputs_world.world  # the fixture


def per_pair_rows(pairs, period):
    sql, params = sel._per_pair_sql(pairs, period, "mentee_id")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({sql}) t", params)
        names = [c[0] for c in cursor.description]
        return {row["who"]: row for row in (dict(zip(names, r, strict=True)) for r in cursor.fetchall())}


@pytest.mark.parametrize("period", [
    Period(datetime.date.fromisoformat(FROM), datetime.date.fromisoformat(TO)),
    Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),  # a month: cadence capped, most sessions out
])
def test_every_pairs_values_equal_the_per_pair_definition(world, period):
    # given the world's pairs, one of which started late with a session in its first month
    late = world.pairs["Ops"][0]
    Mentorship.objects.filter(pk=late.pk).update(started_on="2026-02-15")
    Session.objects.create(mentorship=late, starts_at=inputs_world.at(2026, 2, 20), duration_minutes=45, status="held")
    pairs = Mentorship.objects.filter(program=world.program)
    # when both ways compute every pair's values
    fast = per_pair_rows(pairs, period)
    slow = {m.mentee_id: m for m in sel.annotated_pairs(pairs, period)}
    # then they agree on every pair and metric (null where the definition has none)
    assert set(fast) == set(slow) and len(fast) == pairs.count()
    for who, m in slow.items():
        for metric in inputs.METRICS:
            want, got = getattr(m, f"v_{metric}"), fast[who][f"v_{metric}"]
            assert (got is None) == (want is None), (metric, who)
            if want is not None:
                assert float(got) == pytest.approx(want), (metric, who)


def test_the_report_reads_in_the_same_number_of_queries_for_more_pairs(world, hr_person, make_person,
                                                                         django_assert_num_queries):
    actor = actor_of(hr_person)
    sel.inputs_outputs(actor=actor, by="department", start=FROM, end=TO)  # warm: what is read once per process
    with CaptureQueriesContext(connection) as before:
        sel.inputs_outputs(actor=actor, by="department", start=FROM, end=TO)
    # given ten more pairs with sessions
    more = inputs_world.build_world(make_person, program=world.program, departments=world.depts)
    assert sum(len(v) for v in more.pairs.values()) >= 10
    # then the report reads in as many queries as before
    with django_assert_num_queries(len(before)):
        sel.inputs_outputs(actor=actor, by="department", start=FROM, end=TO)


def test_a_scope_that_can_match_no_pair_reads_as_empty(world):
    # given a pair filter that matches nothing by construction (what authz gives an actor who may see none)
    period = Period(datetime.date.fromisoformat(FROM), datetime.date.fromisoformat(TO))
    # when the groups are aggregated
    groups, whole = sel._grouped(Mentorship.objects.filter(pk__in=[]), period, "mentee__department_id")
    # then there are none, and the whole scope has no pairs (not an error)
    assert groups == [] and whole["pairs"] == 0 and whole["people"] == 0
