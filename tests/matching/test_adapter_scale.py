"""The engine's inputs are read for the program's pool only: the manager chains walk up from the
pool in one recursive query, instead of reading the manager link of the whole organisation (or one
query per level) for every recommendation; the mentors are read as columns, not model instances,
with their free slots counted in one grouped query."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.matching import adapter
from tandem.matching.flows import choose
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _names_ids(sql: str) -> bool:
    """The query starts from given ids (an IN list, a JSON array on SQLite, an array on PostgreSQL)."""
    return " IN (" in sql.upper() or "= ANY(" in sql.upper()


def _reads(ctx):
    """The queries that read rows (not the transaction's BEGIN/SAVEPOINT/SET LOCAL around them)."""
    return [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]


def _chain(length):
    """A line of managers: [top, ..., bottom], each managing the next."""
    people = [PersonFactory()]
    for _ in range(length - 1):
        people.append(PersonFactory(manager=people[-1]))
    return people


def test_chains_are_nearest_first_and_bounded_by_the_depth():
    line = _chain(adapter.CHAIN_DEPTH + 3)
    bottom, top = line[-1], line[0]
    peer = PersonFactory(manager=line[-2])
    chains = adapter._manager_chains([bottom, peer, top])
    assert chains[bottom.pk] == [p.pk for p in reversed(line[-1 - adapter.CHAIN_DEPTH:-1])]
    assert chains[peer.pk] == [p.pk for p in reversed(line[-1 - adapter.CHAIN_DEPTH:-1])]
    assert chains[top.pk] == []


def test_a_manager_cycle_ends_the_chain():
    a, b = PersonFactory(), PersonFactory()
    a.manager, b.manager = b, a
    a.save(), b.save()
    chains = adapter._manager_chains([a])
    assert chains[a.pk] == [b.pk]


def test_the_walk_reads_the_pool_and_its_managers_only():
    line = _chain(4)
    pool = [PersonFactory(manager=line[-1]) for _ in range(3)]
    with CaptureQueriesContext(connection) as few:
        small = adapter._manager_chains(pool)
    # the organisation grows: 40 more people with managers, none of them above the pool
    others = _chain(10)
    for _ in range(30):
        PersonFactory(manager=others[-1])
    with CaptureQueriesContext(connection) as many:
        assert adapter._manager_chains(pool) == small
    assert len(_reads(many)) == len(_reads(few)) == 1  # one recursive walk, whatever the depth
    for q in _reads(many):
        assert "WITH RECURSIVE" in q["sql"].upper() and _names_ids(q["sql"]), q["sql"]  # never the whole table
    assert small[pool[0].pk] == [p.pk for p in reversed(line)]


def test_a_deep_line_is_walked_in_one_query():
    line = _chain(adapter.CHAIN_DEPTH + 4)
    with CaptureQueriesContext(connection) as q:
        chains = adapter._manager_chains([line[-1]])
    assert len(_reads(q)) == 1
    assert chains[line[-1].pk] == [p.pk for p in reversed(line[-1 - adapter.CHAIN_DEPTH:-1])]


def test_recommendations_query_count_does_not_grow_with_the_organisation(choose_program):
    mentee = choose_program["mentee"]
    mentee.manager = _chain(3)[-1]
    mentee.save()
    with CaptureQueriesContext(connection) as few:
        choose.recommendations_for(program=choose_program["program"], mentee=mentee)
    others = _chain(6)
    for _ in range(20):
        PersonFactory(manager=others[-1])
    with CaptureQueriesContext(connection) as many:
        choose.recommendations_for(program=choose_program["program"], mentee=mentee)
    assert len(many) == len(few)
    links = [q["sql"] for q in many if "WITH RECURSIVE" in q["sql"].upper()]
    assert 1 <= len(links) <= 2 and all(_names_ids(sql) for sql in links)  # one walk per side at most
