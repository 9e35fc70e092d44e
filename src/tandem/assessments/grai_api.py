"""GRAI reviews over the API (issue 11 §4): the pair's reviews and comments, the program's "who is
behind" list.

The pair reads everything and writes while the mentorship is active. HR and the program team read
``GET /mentorships/{id}/grai-reviews`` as a summary: periods, sides and dates, with the four texts
and the comments null (what the pair writes stays between them); ``GET /grai-reviews/{id}`` is 403
for them. The line manager and the department head get 403. Bad input is a 400 with field errors
(``validation_failed``) or a GRAI code (``grai_period_in_future``, ``grai_period_before_start``);
a second review of the same period is a 409 (``grai_already_written``).
"""


from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.assessments import grai_selectors, grai_services
from tandem.assessments.grai_models import GRAI_COMMENT_MAX, GRAI_TEXT_MAX, GraiReview
from tandem.core import authz
from tandem.core.schemas import DbId, PageNumberPagination, SaneDate
from tandem.mentorships import selectors as mentorship_selectors

router = Router(tags=["assessments"])

_TEXT = f"Required; at most {GRAI_TEXT_MAX} characters; line breaks allowed, other control characters not"


class CommentOut(Schema):
    id: int
    author_id: int
    author: str
    text: str
    created_at: datetime


class GraiReviewOut(Schema):
    id: int
    mentorship_id: int
    author_id: int
    author: str
    side: str = Field(..., description="mentee or mentor")
    cadence: str = Field(..., description="daily, weekly or monthly: the program's GRAI cadence when written")
    period_start: date
    period_end: date
    private: bool = Field(..., description="False: a summary for HR / the program team (texts are null)")
    goal: str | None
    result: str | None
    analysis: str | None
    insight: str | None
    comments: list[CommentOut] | None
    comment_count: int
    created_at: datetime
    updated_at: datetime


class ReviewIn(Schema):
    period_start: SaneDate | None = Field(
        None, description="Any day of the period the review covers (default: today's period)")
    goal: str = Field(..., description=_TEXT)
    result: str = Field(..., description=_TEXT)
    analysis: str = Field(..., description=_TEXT)
    insight: str = Field(..., description=_TEXT)


class ReviewPatch(Schema):
    goal: str | None = None
    result: str | None = None
    analysis: str | None = None
    insight: str | None = None


class CommentIn(Schema):
    text: str = Field(..., description=f"Required; at most {GRAI_COMMENT_MAX} characters")


class BehindOut(Schema):
    mentorship_id: int
    mentee_id: int
    mentee: str
    mentor_id: int
    mentor: str
    cadence: str
    periods: int = Field(..., description="Periods gone by since the pairing took effect (not the current one)")
    missing: int = Field(..., description="Of those, how many have no review by the mentee")
    reviews: int = Field(..., description="Periods with a review by the mentee")
    current_done: bool
    last_period: date | None
    last_written: date | None


def _review(r: GraiReview, *, private: bool) -> dict[str, Any]:
    comments = list(r.comments.all())
    return {
        "id": r.pk, "mentorship_id": r.mentorship_id, "author_id": r.author_id, "author": r.author.full_name,
        "side": r.side, "cadence": r.cadence, "period_start": r.period_start,
        "period_end": grai_services.period_end_of(r.cadence, r.period_start),
        "private": private,
        "goal": r.goal if private else None, "result": r.result if private else None,
        "analysis": r.analysis if private else None, "insight": r.insight if private else None,
        "comments": [{"id": c.pk, "author_id": c.author_id, "author": c.author.full_name, "text": c.text,
                      "created_at": c.created_at} for c in comments] if private else None,
        "comment_count": len(comments), "created_at": r.created_at, "updated_at": r.updated_at,
    }


class _Mapped:
    """A queryset seen through ``fn``, for ``@paginate``: only the page's rows are loaded and mapped."""

    def __init__(self, qs: Any, fn: Any) -> None:
        self.qs, self.fn = qs, fn

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, k: slice) -> list[Any]:
        return [self.fn(r) for r in self.qs[k]]


@router.get("/mentorships/{mentorship_id}/grai-reviews", response=list[GraiReviewOut],
            summary="A pair's GRAI reviews, newest period first (texts for the pair only)")
@paginate(PageNumberPagination, page_size=50)
def reviews_get(request: HttpRequest, mentorship_id: DbId):
    actor = authz.actor_for(request.user)
    m = mentorship_selectors.mentorship_for(actor, mentorship_id, rule=authz.can_view_grai_summary)
    private = authz.can_read_grai(actor, m)
    return _Mapped(grai_selectors.reviews_of(mentorship=m), lambda r: _review(r, private=private))


@router.post("/mentorships/{mentorship_id}/grai-reviews", response={201: GraiReviewOut},
             summary="Write your GRAI review (goal, result, analysis, insight) of a period")
def reviews_post(request: HttpRequest, mentorship_id: DbId, payload: ReviewIn):
    actor = authz.actor_for(request.user)
    m = mentorship_selectors.mentorship_for(actor, mentorship_id)
    r = grai_services.grai_review_submit(mentorship=m, actor=actor, **payload.model_dump())
    return Status(201, _review(grai_selectors.review_of(mentorship=m, review_id=r.pk), private=True))


@router.get("/grai-reviews/{review_id}", response=GraiReviewOut, summary="One GRAI review with its comments (the pair)")
def review_get(request: HttpRequest, review_id: DbId):
    actor = authz.actor_for(request.user)
    r = grai_selectors.review_for(actor, review_id)
    return _review(r, private=True)


@router.patch("/grai-reviews/{review_id}", response=GraiReviewOut, summary="Change your own GRAI review's texts")
def review_patch(request: HttpRequest, review_id: DbId, payload: ReviewPatch):
    actor = authz.actor_for(request.user)
    r = grai_selectors.review_for(actor, review_id)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items()}
    grai_services.grai_review_update(review=r, actor=actor, **changes)
    return _review(grai_selectors.review_of(mentorship=r.mentorship, review_id=r.pk), private=True)


@router.post("/grai-reviews/{review_id}/comments", response={201: CommentOut},
             summary="Comment on a GRAI review (the other side is told)")
def comments_post(request: HttpRequest, review_id: DbId, payload: CommentIn):
    actor = authz.actor_for(request.user)
    r = grai_selectors.review_for(actor, review_id)
    c = grai_services.grai_comment_add(review=r, actor=actor, text=payload.text)
    return Status(201, {"id": c.pk, "author_id": c.author_id, "author": c.author.full_name, "text": c.text,
                        "created_at": c.created_at})


@router.get("/programs/{program_id}/grai", response=list[BehindOut],
            summary="Who is behind with their GRAI reviews: per active pair, periods missed and the last "
                    "review (HR and the program's manager; dates and counts only)")
@paginate(PageNumberPagination, page_size=50)
def program_grai(request: HttpRequest, program_id: DbId):
    actor = authz.actor_for(request.user)
    program = grai_selectors.program_grai_for(actor, program_id)
    return [{"mentorship_id": r.mentorship.pk, "mentee_id": r.mentee.pk, "mentee": r.mentee.full_name,
             "mentor_id": r.mentorship.mentor_id, "mentor": r.mentorship.mentor.full_name, "cadence": r.cadence,
             "periods": r.periods, "missing": r.missing, "reviews": r.reviews, "current_done": r.current_done,
             "last_period": r.last_period, "last_written": r.last_written}
            for r in grai_selectors.who_is_behind(program=program)]
