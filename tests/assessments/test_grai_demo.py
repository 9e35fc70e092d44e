"""The GRAI demo: weeks of reviews through the services, comments, one participant clearly behind."""

from __future__ import annotations

import random

import pytest

from tandem.assessments import grai_demo, grai_selectors
from tandem.assessments.grai_models import GraiComment, GraiReview
from tandem.mentorships.models import Mentorship
from tandem.programs.models import CadenceDuty
from tests.mentorships.conftest import make_pair

_FIXTURES = (make_pair,)  # pytest finds them by name

pytestmark = pytest.mark.django_db


def test_the_demo_writes_weeks_of_reviews_and_leaves_one_participant_behind(make_pair):
    demo, cohort_a, cohort_b = make_pair(), make_pair(), make_pair()
    Mentorship.objects.filter(pk=cohort_b.mentorship.pk).update(program=cohort_a.program)
    CadenceDuty.objects.create(program=cohort_a.program, code="weekly_grai", name="Weekly GRAI", period="weekly",
                               requirement="grai_review", concerns="mentee")
    grai_demo.seed(random.Random(3), {"mentor": demo.mentor, "mentee": demo.mentee})
    assert GraiReview.objects.filter(mentorship=demo.mentorship, author=demo.mentee).count() >= 3
    assert GraiComment.objects.exists()
    rows = grai_selectors.who_is_behind(program=cohort_a.program)
    assert rows[0].missing >= 2 and rows[0].reviews <= 2
    assert rows[0].missing > rows[-1].missing
