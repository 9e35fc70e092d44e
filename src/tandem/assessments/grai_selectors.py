"""Reads of GRAI reviews (see :mod:`tandem.assessments.grai_models`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from tandem.assessments.grai_models import GraiComment, GraiReview
from tandem.core import authz
from tandem.core.errors import NotFound


def _local_day(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def latest_review_on(*, person_ids: Iterable[int]) -> dict[int, datetime.date]:
    """The day each person last wrote a GRAI review (as its author), in the organisation's zone:
    the later of the review's period and the day it was written. People who never wrote one are
    absent. One query, whatever the number of people."""
    ids = {int(p) for p in person_ids}
    if not ids:
        return {}
    rows = (GraiReview.objects.filter(author_id__in=ids).order_by().values("author_id")
            .annotate(last_period=Max("period_start"), last_written=Max("created_at")))
    out: dict[int, datetime.date] = {}
    for row in rows:
        day = row["last_period"]
        if row["last_written"] is not None:
            day = max(day, _local_day(row["last_written"]))
        out[row["author_id"]] = day
    return out


# -- the pair's reviews ---------------------------------------------------------------------------


def reviews_of(*, mentorship: Any) -> QuerySet[GraiReview]:
    """A pair's reviews, newest period first, with their authors and comments (and the comments'
    authors) loaded: a fixed number of queries per page."""
    comments = Prefetch("comments", queryset=GraiComment.objects.select_related("author").order_by("created_at", "id"))
    return (GraiReview.objects.filter(mentorship=mentorship).select_related("author")
            .prefetch_related(comments).order_by("-period_start", "-created_at", "-id"))


def review_of(*, mentorship: Any, review_id: int) -> GraiReview | None:
    return reviews_of(mentorship=mentorship).filter(pk=review_id).first()


def review_for(actor: authz.Actor, review_id: int, *, rule: Any = authz.can_read_grai) -> GraiReview:
    """A review through its mentorship's access rule: not found for someone who may not even see the
    pair; forbidden for who sees the pair but not ``rule`` (the program team: no texts)."""
    from tandem.mentorships import selectors as mentorship_selectors

    mid = GraiReview.objects.filter(pk=review_id).values_list("mentorship_id", flat=True).first()
    if mid is None:
        raise NotFound()
    m = mentorship_selectors.mentorship_for(actor, mid, rule=rule)
    review = review_of(mentorship=m, review_id=review_id)
    if review is None:  # pragma: no cover - deleted in between
        raise NotFound()
    review.mentorship = m
    return review


def mine_in_period(*, mentorship: Any, author: Any, period_start: datetime.date) -> GraiReview | None:
    return GraiReview.objects.filter(mentorship=mentorship, author=author, period_start=period_start).first()


# -- who is behind: a program's overview (dates and counts, never the texts) ----------------------


@dataclass(frozen=True)
class BehindRow:
    """One ACTIVE pair of a program: the mentee's GRAI reviews in it, as dates and counts."""

    mentorship: Any
    cadence: str
    periods: int  # periods gone by since the mentorship took effect (the current one not counted)
    missing: int  # of those, how many have no review by the mentee
    reviews: int  # the mentee's reviews in this pairing, all periods
    last_period: datetime.date | None
    last_written: datetime.date | None
    current_done: bool  # the current period's review is written

    @property
    def mentee(self) -> Any:
        return self.mentorship.mentee


def program_grai_for(actor: authz.Actor, program_id: int) -> Any:
    """The program whose GRAI overview ``actor`` asks for: not found when they may not even see it,
    forbidden when they see it but do not manage it."""
    from tandem.programs.selectors import program_get

    program = program_get(program_id=program_id)
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound()
    authz.require(authz.can_view_program_grai(actor, program))
    return program


def who_is_behind(*, program: Any, today: datetime.date | None = None, q: str = "") -> list[BehindRow]:
    """Per ACTIVE pair of the program (``q``: a name or employee ID), the mentee's reviews: how
    many periods of the program's cadence went by since the pairing took effect without one, and
    the last one. Most behind first (then the longest silent, then by name). Three queries, whatever
    the number of pairs."""
    from tandem.assessments.grai_services import cadence_of, next_period_start, period_start_of
    from tandem.mentorships import duty_selectors

    today = today or timezone.localdate()
    cadence = cadence_of(program)
    pairs = list(duty_selectors.active_pairs(program=program, q=q))
    done: dict[int, set[datetime.date]] = defaultdict(set)
    written: dict[int, datetime.date] = {}
    if pairs:
        rows = (GraiReview.objects.filter(mentorship__in=[m.pk for m in pairs], side="mentee")
                .order_by().values_list("mentorship_id", "author_id", "period_start", "created_at"))
        mentee_of = {m.pk: m.mentee_id for m in pairs}
        for mid, author_id, start, at in rows:
            if author_id != mentee_of[mid]:
                continue
            done[mid].add(period_start_of(cadence, start))
            day = _local_day(at)
            written[mid] = max(written.get(mid, day), day)
    current = period_start_of(cadence, today)
    out = []
    for m in pairs:
        m.program = program
        periods = missing = 0
        if m.started_on is not None:
            cursor = period_start_of(cadence, m.started_on)
            while cursor < current:
                periods += 1
                missing += cursor not in done[m.pk]
                cursor = next_period_start(cadence, cursor)
        mine = done[m.pk]
        out.append(BehindRow(mentorship=m, cadence=cadence, periods=periods, missing=missing, reviews=len(mine),
                             last_period=max(mine) if mine else None, last_written=written.get(m.pk),
                             current_done=current in mine))
    out.sort(key=lambda r: (-r.missing, r.last_period or datetime.date.min, r.mentee.full_name.casefold(),
                            r.mentorship.pk))
    return out


# -- the duties checklist's evaluator for "grai_review" ---------------------------------------------


def evaluate_grai_review(ms: Any, start: datetime.date, end: datetime.date) -> dict[int, list[Any]]:
    """GRAI reviews for ``duties`` (registered in ``AssessmentsConfig.ready``): each review counts in
    the period it covers (its ``period_start``, or the day the pairing took effect for a review of
    the week or month it started in), for the side that wrote it. One query for all the pairs."""
    from tandem.mentorships.duties import Evidence

    by_id = {m.pk: m for m in ms}
    qs = (GraiReview.objects.filter(mentorship_id__in=list(by_id), period_start__lte=end,
                                    period_start__gte=start - datetime.timedelta(days=31))
          .order_by().values_list("id", "mentorship_id", "side", "period_start"))
    out: dict[int, list[Any]] = defaultdict(list)
    for rid, mid, side, on in qs:
        started = by_id[mid].started_on
        day = max(on, started) if started is not None else on
        if start <= day <= end:
            out[mid].append(Evidence(kind="grai", id=rid, on=day, side=side))
    return out


# -- reminders (notifications.reminders): whose review of the current period is still missing -------


@dataclass(frozen=True)
class DueReview:
    mentorship: Any
    cadence: str
    period_start: datetime.date
    period_end: datetime.date


#: How many days before its period ends a missing review is reminded of, per cadence.
REMIND_AHEAD = {"daily": 0, "weekly": 1, "monthly": 3}


def reviews_due(*, today: datetime.date) -> list[DueReview]:
    """The ACTIVE pairs of programs whose cadence policy requires a GRAI review, whose mentee has not
    written the current period's yet, when that period ends within ``REMIND_AHEAD`` days. A fixed
    number of queries: the duties, the pairs, the reviews."""
    from tandem.assessments.grai_services import cadence_of, period_end_of, period_start_of
    from tandem.mentorships.models import Mentorship, MentorshipStatus
    from tandem.programs.models import CadenceDuty, DutyRequirement, Program

    program_ids = set(CadenceDuty.objects.filter(requirement=DutyRequirement.GRAI_REVIEW, required=True)
                      .values_list("program_id", flat=True))
    if not program_ids:
        return []
    cadences = {p.pk: cadence_of(p) for p in Program.objects.filter(pk__in=program_ids)}
    pairs = list(Mentorship.objects.filter(program_id__in=program_ids, status=MentorshipStatus.ACTIVE,
                                           started_on__isnull=False)
                 .select_related("program", "mentor", "mentee").order_by("id"))
    wanted = []
    for m in pairs:
        cadence = cadences[m.program_id]
        start = period_start_of(cadence, today)
        end = period_end_of(cadence, start)
        if (end - today).days <= REMIND_AHEAD[cadence] and start >= period_start_of(cadence, m.started_on):
            wanted.append(DueReview(mentorship=m, cadence=cadence, period_start=start, period_end=end))
    if not wanted:
        return []
    written = set(GraiReview.objects.filter(mentorship__in=[d.mentorship.pk for d in wanted], side="mentee",
                                            period_start__gte=min(d.period_start for d in wanted))
                  .values_list("mentorship_id", "period_start"))
    return [d for d in wanted if (d.mentorship.pk, d.period_start) not in written]
