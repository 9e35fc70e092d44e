"""The review demo: a finished program whose levels rose, an open follow-up waiting for the demo mentor."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tandem.assessments import review_selectors as sel
from tandem.assessments.review_models import ReviewAssignment, ReviewCampaign
from tandem.programs.models import Program

pytestmark = pytest.mark.django_db


def test_the_demo_has_reviews_before_and_after_with_visible_change(client):
    call_command("seed_demo")
    finished = Program.objects.get(name="Reverse mentoring 2025/26")
    assert finished.status == "closed"
    assert set(ReviewCampaign.objects.filter(program=finished).values_list("kind", flat=True)) == {"baseline", "final"}
    rows = sel.program_change(program=finished)["rows"]
    assert rows and all(r.self_n >= 1 and r.self_change > 0 and r.rated_change > 0 for r in rows if r.self_n)
    waiting = ReviewAssignment.objects.filter(rater__user__username="mentor", submitted_at__isnull=True,
                                              review__subject__user__username="mentee", role="mentor")
    assert waiting.exists()
    client.login(username="mentor", password="demo")
    assert client.get(f"/reviews/assignments/{waiting.first().pk}/").status_code == 200
    client.login(username="mentee", password="demo")
    page = client.get(f"/people/{waiting.first().review.subject.employee_id}/").content.decode()
    assert 'class="self-after"' in page
    client.login(username="manager", password="demo")
    assert 'class="rated-after"' in client.get(f"/programs/{finished.pk}/reviews/").content.decode()
