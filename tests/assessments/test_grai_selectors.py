"""GRAI selectors: the day each person last wrote a review (used by the retention at-risk list)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tandem.assessments.grai_models import GraiReview
from tandem.assessments.grai_selectors import latest_review_on
from tests.mentorships.conftest import active_pair, make_pair

_FIXTURES = (active_pair, make_pair)  # pytest finds them by name


def _review(p, *, author, side, period_start):
    return GraiReview.objects.create(mentorship=p.mentorship, author=author, side=side, cadence="weekly",
                                     period_start=period_start, goal="g", result="r", analysis="a", insight="i")


def test_latest_review_on_gives_each_authors_last_day_and_omits_people_without_reviews(active_pair, django_assert_num_queries):
    p = active_pair
    today = timezone.localdate()
    old = _review(p, author=p.mentee, side="mentee", period_start=today - datetime.timedelta(days=21))
    GraiReview.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=20))
    newer = _review(p, author=p.mentee, side="mentee", period_start=today - datetime.timedelta(days=14))
    GraiReview.objects.filter(pk=newer.pk).update(created_at=timezone.now() - datetime.timedelta(days=13))
    with django_assert_num_queries(1):
        got = latest_review_on(person_ids=[p.mentee.pk, p.mentor.pk])
    assert got == {p.mentee.pk: today - datetime.timedelta(days=13)}


def test_latest_review_on_of_nobody_is_empty_without_a_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert latest_review_on(person_ids=[]) == {}


def test_who_is_behind_takes_a_fixed_number_of_queries_for_any_number_of_pairs(make_pair, django_assert_num_queries):
    from tandem.assessments.grai_selectors import who_is_behind
    from tandem.mentorships.models import Mentorship

    pairs = [make_pair() for _ in range(3)]
    program = pairs[0].program
    Mentorship.objects.filter(pk__in=[p.mentorship.pk for p in pairs]).update(program=program)
    for p in pairs:
        _review(p, author=p.mentee, side="mentee", period_start=timezone.localdate())
    with django_assert_num_queries(3):  # the cadence, the pairs, the reviews
        rows = who_is_behind(program=program)
    assert len(rows) == 3 and all(r.current_done for r in rows)


def test_the_evaluator_answers_in_one_query_and_counts_a_review_in_the_period_it_covers(active_pair,
                                                                                       django_assert_num_queries):
    from tandem.assessments.grai_selectors import evaluate_grai_review

    p = active_pair
    start = p.mentorship.started_on
    first_monday = start - datetime.timedelta(days=start.weekday())
    r = _review(p, author=p.mentee, side="mentee", period_start=first_monday)
    with django_assert_num_queries(1):
        got = evaluate_grai_review([p.mentorship], start, timezone.localdate())
    # a review of the week the pairing started in counts from its first day
    assert [(e.kind, e.id, e.on, e.side) for e in got[p.mentorship.pk]] == [("grai", r.pk, start, "mentee")]
