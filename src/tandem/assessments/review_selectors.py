"""Reads of competency reviews: access helpers, a program's campaigns, a review with its answers, a
rater's waiting assignments, and the before/after change from the ratings history.

The before/after change reads ``CompetencyRating`` (the one truth: reviews write there, and so do
ratings recorded by hand): per competency, the first and the latest *self* rating and the first and
the latest *rated* one (mentor, manager or assessment) in the window, with dates and sources. For a
program the window is its dates widened by :data:`PROGRAM_MARGIN` days each side (a baseline taken
just before the start, a final review closing after the end). Peer answers are not ratings and are
not part of the change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tandem.assessments.review_models import Review, ReviewAnswer, ReviewAssignment, ReviewCampaign
from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.people.models import (
    Competency,
    CompetencyRating,
    Person,
    RatingSource,
)
from tandem.people.selectors import competencies_ordered, job_targets
from tandem.programs.models import EnrolmentRole, EnrolmentStatus, Program

PROGRAM_MARGIN = 30


# -- access helpers --------------------------------------------------------------------------


def review_for(actor: authz.Actor, review_id: int) -> Review:
    """The review, if the actor may read it (the subject's ratings audience, the program team, or
    one of its raters); otherwise not found."""
    review = (Review.objects.select_related("campaign__program__owner", "subject__department",
                                            "subject__job_profile").filter(pk=review_id).first())
    if review is None:
        raise NotFound()
    if (authz.can_view_review(actor, review.subject) or authz.can_open_reviews(actor, review.campaign.program)
            or (actor.person is not None and review.assignments.filter(rater=actor.person).exists())):
        return review
    raise NotFound()


def campaign_for(actor: authz.Actor, campaign_id: int) -> ReviewCampaign:
    """A campaign for its program team; not found for whoever cannot see the program, 403 for the rest."""
    campaign = ReviewCampaign.objects.select_related("program", "milestone").filter(pk=campaign_id).first()
    if campaign is None or not authz.can_view_program(actor, campaign.program):
        raise NotFound()
    authz.require(authz.can_open_reviews(actor, campaign.program))
    return campaign


def can_read_answers(actor: authz.Actor, review: Review) -> bool:
    """All raters' answers: the subject's ratings audience (a rater alone sees only their own)."""
    return authz.can_view_review(actor, review.subject)


def assignment_for(actor: authz.Actor, assignment_id: int) -> ReviewAssignment:
    """A rater's assignment: the rater, or whoever may read the review."""
    a = (ReviewAssignment.objects.select_related("review__campaign__program", "review__subject", "rater")
         .filter(pk=assignment_id).first())
    if a is None:
        raise NotFound()
    if actor.person is not None and a.rater_id == actor.person.pk:
        return a
    if authz.can_view_review(actor, a.review.subject) or authz.can_open_reviews(actor, a.review.campaign.program):
        return a
    raise NotFound()


# -- lists -----------------------------------------------------------------------------------


def campaigns_of(*, program: Program) -> QuerySet[ReviewCampaign]:
    return (ReviewCampaign.objects.filter(program=program).select_related("milestone")
            .annotate(n_reviews=Count("reviews", distinct=True),
                      n_asked=Count("reviews__assignments", distinct=True),
                      n_answered=Count("reviews__assignments", filter=Q(reviews__assignments__submitted_at__isnull=False),
                                       distinct=True))
            .order_by("-opens_on", "-id"))


def reviews_of(*, campaign: ReviewCampaign) -> QuerySet[Review]:
    return (Review.objects.filter(campaign=campaign).select_related("subject")
            .prefetch_related(Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("rater")))
            .order_by("subject__full_name", "id"))


def review_detail(*, review: Review) -> Review:
    answers = ReviewAnswer.objects.select_related("competency__group")
    return (Review.objects.filter(pk=review.pk).select_related("campaign__program", "subject__job_profile")
            .prefetch_related("competencies",
                              Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("rater")
                                       .prefetch_related(Prefetch("answers", queryset=answers))))
            .get())


def assignments_of(*, person: Person | None, pending: bool | None = None) -> QuerySet[ReviewAssignment]:
    """A rater's assignments, the newest campaigns first (``pending``: only those not submitted)."""
    if person is None:
        return ReviewAssignment.objects.none()
    qs = (ReviewAssignment.objects.filter(rater=person)
          .select_related("review__subject", "review__campaign__program")
          .order_by("-review__campaign__opens_on", "review__subject__full_name", "id"))
    if pending is True:
        qs = qs.filter(submitted_at__isnull=True)
    return qs


def to_answer(*, person: Person | None, today: datetime.date | None = None) -> list[ReviewAssignment]:
    today = today or timezone.localdate()
    return list(assignments_of(person=person, pending=True).filter(
        review__campaign__opens_on__lte=today, review__campaign__closes_on__gte=today)[:50])


def assignments_waiting(*, closes_from: datetime.date, closes_until: datetime.date,
                        today: datetime.date) -> QuerySet[ReviewAssignment]:
    """Not answered, in campaigns open today that close between the two days (for the reminder)."""
    return (ReviewAssignment.objects.filter(submitted_at__isnull=True, rater__is_active=True,
                                            review__campaign__opens_on__lte=today,
                                            review__campaign__closes_on__gte=closes_from,
                                            review__campaign__closes_on__lte=closes_until)
            .select_related("rater", "review__subject", "review__campaign").order_by("id"))


# -- before / after --------------------------------------------------------------------------


@dataclass
class Point:
    level: int
    on: datetime.date
    source: str
    rated_by_id: int | None


@dataclass
class Side:
    before: Point | None = None
    after: Point | None = None
    n: int = 0

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None or self.n < 2:
            return None
        return self.after.level - self.before.level


@dataclass
class Change:
    competency: Competency
    target: int | None
    self_: Side = field(default_factory=Side)
    rated: Side = field(default_factory=Side)


def program_window(program: Program, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    margin = datetime.timedelta(days=PROGRAM_MARGIN)
    return program.starts_on - margin, min(program.ends_on + margin, max(today, program.starts_on))


def pair_window(mentorship: Any, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """A pair's window: from its start (or its program's, before it started) to its end or today,
    widened by :data:`PROGRAM_MARGIN` days each side (never past today)."""
    today = today or timezone.localdate()
    margin = datetime.timedelta(days=PROGRAM_MARGIN)
    start = mentorship.started_on or mentorship.program.starts_on
    end = min((mentorship.ended_on or today) + margin, today)
    return start - margin, max(end, start)


def _changes(person_ids: list[int], start: datetime.date, end: datetime.date,
             people: dict[int, Any] | None = None) -> dict[int, dict[int, Change]]:
    """person → competency → Change, over the ratings dated in [start, end]; competencies of the
    person's job profile first (with targets), then any other rated one. ``people``: the persons by id
    when the caller has them (their job profiles)."""
    if people is None:
        people = {p.pk: p for p in Person.objects.filter(pk__in=person_ids).only("id", "job_profile_id")}
    jobs = {p.job_profile_id for p in people.values() if p.job_profile_id}
    targets = {jp: t for jp, t in job_targets().items() if jp in jobs}
    ratings = list(CompetencyRating.objects.filter(person_id__in=person_ids, rated_on__gte=start, rated_on__lte=end)
                   .order_by("rated_on", "id").values_list("person_id", "competency_id", "level", "source",
                                                           "rated_on", "rated_by_id"))
    wanted = {cid for t in targets.values() for cid in t} | {r[1] for r in ratings}
    framework = competencies_ordered()
    comps = {cid: framework[cid] for cid in wanted if cid in framework}
    out: dict[int, dict[int, Change]] = {}
    for pid in person_ids:
        p = people.get(pid)
        mine = targets.get(p.job_profile_id, {}) if p is not None else {}
        out[pid] = {cid: Change(competency=comps[cid], target=t) for cid, t in mine.items() if cid in comps}
    for pid, cid, level, source, on, by in ratings:
        ch = out[pid].setdefault(cid, Change(competency=comps[cid], target=None))
        side = ch.self_ if source == RatingSource.SELF else ch.rated
        pt = Point(level=level, on=on, source=source, rated_by_id=by)
        if side.before is None:
            side.before = pt
        side.after = pt
        side.n += 1
    for pid in out:
        out[pid] = dict(sorted(out[pid].items(), key=lambda kv: (kv[1].target is None, kv[1].competency.group.order,
                                                                 kv[1].competency.name)))
    return out


def competency_change(*, person: Person, start: datetime.date | None = None, end: datetime.date | None = None,
                      program: Program | None = None,
                      mentorship: Any = None) -> tuple[datetime.date, datetime.date, list[Change]]:
    """A person's change per competency in a window (default: a pair's or a program's window, else
    all time)."""
    if mentorship is not None or program is not None:
        p_start, p_end = pair_window(mentorship) if mentorship is not None else program_window(program)
        start, end = start or p_start, end or p_end
    start = start or datetime.date(1900, 1, 1)
    end = end or timezone.localdate()
    return start, end, list(_changes([person.pk], start, end, people={person.pk: person})[person.pk].values())


@dataclass
class Aggregate:
    competency: Competency
    self_n: int = 0
    self_before: float | None = None
    self_after: float | None = None
    rated_n: int = 0
    rated_before: float | None = None
    rated_after: float | None = None

    @property
    def self_change(self) -> float | None:
        return None if not self.self_n else round(self.self_after - self.self_before, 2)

    @property
    def rated_change(self) -> float | None:
        return None if not self.rated_n else round(self.rated_after - self.rated_before, 2)


def program_mentee_ids(program: Program) -> list[int]:
    return sorted(set(program.enrolments.filter(role=EnrolmentRole.MENTEE, status=EnrolmentStatus.ACTIVE)
                      .values_list("person_id", flat=True)))


def program_change(*, program: Program) -> dict[str, Any]:
    """The program's before/after per competency: the mean first and latest level (self, rated) over
    the mentees with both in the program's window; ``n`` counts them per competency and side."""
    start, end = program_window(program)
    ids = program_mentee_ids(program)
    per_person = _changes(ids, start, end)
    sums: dict[int, dict[str, list[int]]] = {}
    comps: dict[int, Competency] = {}
    for changes in per_person.values():
        for cid, ch in changes.items():
            comps[cid] = ch.competency
            s = sums.setdefault(cid, {"sb": [], "sa": [], "rb": [], "ra": []})
            if ch.self_.change is not None:
                s["sb"].append(ch.self_.before.level)
                s["sa"].append(ch.self_.after.level)
            if ch.rated.change is not None:
                s["rb"].append(ch.rated.before.level)
                s["ra"].append(ch.rated.after.level)

    def mean(xs: list[int]) -> float | None:
        return round(sum(xs) / len(xs), 2) if xs else None

    rows = [Aggregate(competency=comps[cid], self_n=len(s["sb"]), self_before=mean(s["sb"]), self_after=mean(s["sa"]),
                      rated_n=len(s["rb"]), rated_before=mean(s["rb"]), rated_after=mean(s["ra"]))
            for cid, s in sums.items()]
    rows.sort(key=lambda r: (r.competency.group.order, r.competency.name))
    return {"start": start, "end": end, "people": len(ids), "rows": rows}
