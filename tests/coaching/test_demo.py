"""The demo step makes sure a prompt fires for the demo mentor, once."""

from __future__ import annotations

import random

import pytest

from tandem.coaching import demo
from tandem.mentorships.log_models import ActionItem
from tests.coaching.conftest import situations

pytestmark = pytest.mark.django_db


def test_the_demo_gives_a_quiet_demo_mentor_a_prompt_once(log):
    assert situations(log.m) == {}
    demo.seed(random.Random(1), {"mentor": log.p.mentor})
    assert "stuck" in situations(log.m)
    items = ActionItem.objects.filter(mentorship=log.m).count()
    demo.seed(random.Random(1), {"mentor": log.p.mentor})
    assert ActionItem.objects.filter(mentorship=log.m).count() == items == 2


def test_the_demo_writes_nothing_when_a_prompt_already_fires(pair):
    # a pair that never wrote fires "disengaged" (no message since its start)
    assert "disengaged" in situations(pair.mentorship)
    demo.seed(random.Random(1), {"mentor": pair.mentor})
    assert not ActionItem.objects.filter(mentorship=pair.mentorship).exists()
