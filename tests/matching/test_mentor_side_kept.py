"""A program's mentor side is read once per change and kept in the process (matching.adapter):
what a mentee is recommended after any write -- a level, a capacity, a pair, an enrolment, even one
made past the services -- is what reading everything afresh gives (issue 13 §7). PostgreSQL only:
the kept side is used only there, outside transactions."""
from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tandem.matching import adapter
from tandem.matching.flows import choose
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.people import figures
from tandem.people.models import CurrentLevel, Person
from tandem.programs.models import Enrolment
from tests.kept_checks import assert_follows_every_step, fresh
from tests.matching.test_recommendations_fast import _same, world  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the mentor side is kept on PostgreSQL only"),
]


def _fresh(program, mentee):
    """The recommendations with nothing kept (as inside a transaction)."""
    figures._KEPT.clear()
    return _recs(program, mentee, keep=False)


def _recs(program, mentee, keep=True):
    if not keep:
        with transaction.atomic():
            return [(r.mentor.pk, r.score, r.free_slots) for r in
                    choose.recommendations_for(program=program, mentee=mentee, k=5)]
    return [(r.mentor.pk, r.score, r.free_slots) for r in choose.recommendations_for(program=program, mentee=mentee, k=5)]


def test_the_kept_mentor_side_equals_a_fresh_read_and_is_read_once(world):  # noqa: F811
    program, mentee = world["program"], world["mentees"][-1]
    figures._KEPT.clear()
    first = _recs(program, mentee)
    assert ("pool", program.pk) in figures._KEPT
    with CaptureQueriesContext(connection) as q:
        again = _recs(program, mentee)
    assert again == first == _fresh(program, mentee)
    levels = [x["sql"] for x in q.captured_queries if 'FROM "people_currentlevel"' in x["sql"]]
    assert len(levels) == 1 and "{%d}" % mentee.pk in levels[0]  # the mentee's levels only, not the mentors'
    kept = adapter.load_pool(program, mentees=[mentee])
    figures._KEPT.clear()
    with transaction.atomic():
        fresh = adapter.load_pool(program, mentees=[mentee])
    _same(kept.mentor_profiles, fresh.mentor_profiles)
    _same(kept.mentee_profiles, fresh.mentee_profiles)


def test_every_kind_of_write_is_seen_by_the_next_recommendation(world):  # noqa: F811
    program, mentee = world["program"], world["mentees"][-1]
    figures._KEPT.clear()
    before = _recs(program, mentee)
    top = Person.objects.get(pk=before[0][0])

    def check():
        got = _recs(program, mentee)  # through the kept side, refreshed by the triggers
        assert got == _fresh(program, mentee)
        _recs(program, mentee)  # keep it again for the next write
        return got

    # past the services, as an import, the admin or a bulk commit would write
    Person.objects.filter(pk=top.pk).update(mentor_capacity=0)
    assert top.pk not in [m for m, _s, _f in check()]
    Person.objects.filter(pk=top.pk).update(mentor_capacity=3)
    check()
    CurrentLevel.objects.filter(person=top).update(level=1)
    check()
    other = world["mentees"][0]
    Mentorship.objects.create(program=program, mentor=top, mentee=other, status=MentorshipStatus.ACTIVE,
                              origin="requested")
    check()
    Enrolment.objects.filter(program=program, person=top, role="mentor").update(status="withdrawn")
    assert top.pk not in [m for m, _s, _f in check()]


def test_the_bulk_pages_slots_and_mentees_to_match_follow_every_write(world):  # noqa: F811
    from tandem.matching.flows import bulk

    program = world["program"]
    figures._KEPT.clear()

    def shown():
        return adapter.mentor_slots(program), bulk.mentees_to_match_count(program=program)

    before = shown()
    assert before == fresh(shown)
    mentor, mentee = world["mentors"][-1], world["mentees"][-1]
    steps = [
        lambda: Person.objects.filter(pk=mentor.pk).update(mentor_capacity=0),
        lambda: Mentorship.objects.create(program=program, mentor=world["mentors"][-2], mentee=mentee,
                                          status=MentorshipStatus.ACTIVE, origin="requested"),
        lambda: Enrolment.objects.filter(program=program, person=world["mentees"][-2]).update(status="withdrawn"),
    ]
    assert_follows_every_step(shown, steps, before)
