"""Demo data of GRAI reviews (run by ``web/demo.py``'s APP_DEMOS), written through the GRAI services.

Which pairs: the ACTIVE pairs of programs whose cadence policy has a ``grai_review`` duty (the
graduate cohort's weekly GRAI review) that have run for at least two weeks, and the demo pair
(``mentor`` / ``mentee`` logins) with a few more pairs of its program — the demo's cohort opens
today, so without them there would be no history to look at. Each gets weeks of reviews by the
mentee (a week missed now and then), the mentor's comments on some, and one participant is
clearly behind (two reviews in the first weeks, then nothing) for the program's who-is-behind list.

Time travel: the services stamp ``created_at`` with "now"; a review of a past week is then moved
back to the end of that week with a direct ``update()`` on the rows just created (as
``mentorships/log_demo.py`` does for the log), so the dates read as they would have happened.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tandem.assessments import grai_services
from tandem.assessments.grai_models import GraiComment, GraiReview
from tandem.mentorships.demo import _actor
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.programs.models import CadenceDuty, DutyRequirement

GOALS = [
    "Handle the returns queue on my own for two days",
    "Finish the product training module on installations",
    "Take ten calls without asking the senior for help",
    "Write up the delivery-delay case for the team wiki",
    "Run the Monday stand-up for our group",
    "Bring the average call time under eight minutes",
]
RESULTS = [
    "Managed one day alone; on the second I needed help with two refunds.",
    "Finished it, but skipped the quiz at the end.",
    "Eight calls alone; two escalated to the senior.",
    "Draft written, not yet reviewed.",
    "Ran it; it went ten minutes over.",
    "Nine and a half minutes on average, down from eleven.",
]
ANALYSES = [
    "The refund rules for damaged goods are what I still do not know well.",
    "I planned it for the evening, when I was too tired to focus.",
    "Both escalations were billing questions: I have not seen that screen yet.",
    "I waited for the perfect structure instead of writing it down first.",
    "I let one topic run on instead of parking it.",
    "Most of the time goes into looking up the order; the talking part is fine.",
]
INSIGHTS = [
    "Ask the senior for the three most common refund cases and learn those first.",
    "Put learning in the morning slot, before the queue opens.",
    "Shadow a billing call this week.",
    "Write first, tidy later: a rough draft gets useful comments sooner.",
    "Keep a 'later' list on the board and use it.",
    "Learn the order-search shortcuts; practise them at the start of each shift.",
]
COMMENTS = [
    "Good that you noticed the pattern in the escalations. Let's look at billing on Thursday.",
    "The insight is the right one — try it for a week and tell me what changed.",
    "Nice progress. What would make the second day easier?",
    "Agreed. Send me the draft, I'll comment by Friday.",
]


MAX_PAIRS = 20


def _pairs(users: dict[str, Any]) -> list[Mentorship]:
    today = timezone.localdate()
    grai_programs = set(CadenceDuty.objects.filter(requirement=DutyRequirement.GRAI_REVIEW)
                        .values_list("program_id", flat=True))
    qs = (Mentorship.objects.select_related("program", "mentor__user", "mentee__user")
          .filter(status=MentorshipStatus.ACTIVE, started_on__lte=today - datetime.timedelta(days=14)))
    pairs = list(qs.filter(program_id__in=grai_programs).order_by("id")[:8])
    mentor, mentee = users.get("mentor"), users.get("mentee")
    main = qs.filter(mentor=mentor, mentee=mentee).first() if mentor and mentee else None
    if main is not None:
        pairs.append(main)
        # every pair of its program, so that its who-is-behind list is about GRAI, not about who was seeded
        pairs += list(qs.filter(program=main.program).exclude(Q(pk=main.pk) | Q(pk__in=[p.pk for p in pairs]))
                      .order_by("id")[:MAX_PAIRS])
    seen: set[int] = set()
    return [m for m in pairs if not (m.pk in seen or seen.add(m.pk))]


def _seed_pair(m: Mentorship, rng: Any, *, behind: bool, k: int) -> None:
    today = timezone.localdate()
    cadence = grai_services.cadence_of(m.program)
    cursor = grai_services.period_start_of(cadence, max(m.started_on, today - datetime.timedelta(days=120)))
    current = grai_services.period_start_of(cadence, today)
    mentee, mentor = _actor(m.mentee), _actor(m.mentor)
    n = 0
    while cursor <= current:
        written = n < 2 if behind else (cursor == current and k % 2 == 0) or (cursor < current and rng.random() < 0.85)
        n += 1
        if written:
            i = rng.randrange(len(GOALS))
            review = grai_services.grai_review_submit(
                mentorship=m, actor=mentee, period_start=cursor, goal=GOALS[i], result=RESULTS[i],
                analysis=ANALYSES[i], insight=INSIGHTS[(i + n) % len(INSIGHTS)])
            end = grai_services.period_end_of(cadence, cursor)
            when = timezone.make_aware(datetime.datetime.combine(min(end, today), datetime.time(18, 30)))
            when = min(when, timezone.now())
            GraiReview.objects.filter(pk=review.pk).update(created_at=when, updated_at=when)
            if rng.random() < 0.4 and cursor < current:
                comment = grai_services.grai_comment_add(review=review, actor=mentor,
                                                         text=rng.choice(COMMENTS))
                GraiComment.objects.filter(pk=comment.pk).update(
                    created_at=min(when + datetime.timedelta(hours=15), timezone.now()))
        cursor = grai_services.next_period_start(cadence, cursor)


def seed(rng: Any, users: dict[str, Any]) -> None:
    """GRAI reviews for the demo: see the module's docstring."""
    pairs = _pairs(users)
    main_mentee = users.get("mentee")
    # one participant clearly behind: the last pair that is not the demo pair
    behind = next((m for m in reversed(pairs) if main_mentee is None or m.mentee_id != main_mentee.pk), None)
    for k, m in enumerate(pairs):
        if GraiReview.objects.filter(mentorship=m).exists():
            continue  # seeded already: run twice, it adds nothing
        _seed_pair(m, rng, behind=m is behind, k=k)
