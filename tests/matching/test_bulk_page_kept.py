"""The bulk page's kept values (issue 13 §7): the vocabulary naming the reasons and the enrolled
counts are read once per change (people.figures.kept) and follow every write, even one made past the
services. PostgreSQL only: values are kept only there, outside transactions."""
from __future__ import annotations

import pytest
from django.db import connection

from tandem.matching.flows import bulk
from tandem.people.models import Competency
from tandem.programs.models import Enrolment
from tests.kept_checks import assert_follows_every_step
from tests.matching.test_bulk import World

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="values are kept on PostgreSQL only"),
]


def test_the_bulk_pages_reasons_and_counts_follow_every_change():
    w = World()
    ann = w.mentee(1, "Ann")
    w.mentor(5, name="Xavier")
    w.preview()

    def shown():
        run = bulk.latest_run(program=w.program)
        view = bulk.run_view(run=run, pairs_page=(0, 50), unmatched_page=(0, 50))
        o = bulk.bulk_overview(program=w.program)
        return ([r for p in view.pairs for r in p.reasons], o.mentees_enrolled, o.mentors_enrolled)

    before = shown()
    assert any(w.comp.name in r for r in before[0]) and before[1:] == (1, 1)
    steps = [
        lambda: Competency.objects.filter(pk=w.comp.pk).update(name="Negotiation (renamed)"),  # past the services
        lambda: w.mentee(2, "Bob"),
        lambda: Enrolment.objects.filter(person=ann).update(status="withdrawn"),
    ]
    assert_follows_every_step(shown, steps, before)
    assert any("Negotiation (renamed)" in r for r in shown()[0])
