"""The plan over the API: the needs form, the draft, comments, confirmations, versions, milestones.

The pair reads everything; the line manager, the head of the mentee's department and the program
team read the plan's goals and progress only (``comments`` and milestone ``note`` come back as
null, ``/needs`` and ``/plan/comments`` are 403). Handlers are thin: the one access helper
(``selectors.mentorship_for``), then one service or selector.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import Strict

from tandem.core import authz
from tandem.core.schemas import DbId, MultiLine, SaneDate, SingleLine
from tandem.mentorships import plan_selectors, plan_services, selectors
from tandem.mentorships.plan_models import MentoringStyle, PlanStatus
from tandem.mentorships.plan_selectors import GoalLine, MilestoneLine, PlanView

router = Router(tags=["plans"])

Code = Annotated[SingleLine, Field(min_length=1, max_length=40)]
StyleName = Literal[("", *MentoringStyle.values)]  # type: ignore[valid-type]


# -- the needs form ------------------------------------------------------------------------


class NeedsOut(Schema):
    competencies: list[str] = Field(..., description="Competency codes (the first time: the mentee's largest gaps)")
    topics: list[str] = Field(..., description="Topic codes")
    preferred_style: str = Field(..., description="One of: " + ", ".join(MentoringStyle.values) + ", or empty")
    text: str
    submitted_at: datetime | None = Field(None, description="Null: not submitted yet (values are a suggestion)")


class NeedsIn(Schema):
    competencies: list[Code] = Field(default_factory=list, max_length=plan_services.MAX_NEEDS_CHOICES)  # type: ignore[valid-type]
    topics: list[Code] = Field(default_factory=list, max_length=plan_services.MAX_NEEDS_CHOICES)  # type: ignore[valid-type]
    preferred_style: StyleName = ""  # type: ignore[valid-type]
    text: MultiLine = Field("", max_length=plan_services.NEEDS_TEXT_LIMIT)


# -- the plan --------------------------------------------------------------------------------


class ProgressOut(Schema):
    done: int
    total: int
    percent: int
    next_due_on: date | None = Field(None, description="The next open milestone not yet overdue")
    overdue: int


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: date
    done: bool
    done_at: datetime | None
    overdue: bool
    note: str | None = Field(None, description="The mentee's note (null for those who see the summary only)")


class GoalOut(Schema):
    id: int
    title: str
    competency: str
    competency_name: str
    target_level: int
    progress: ProgressOut
    milestones: list[MilestoneOut]


class PlanVersionOut(Schema):
    number: int
    confirmed_at: datetime


class VersionDetailOut(PlanVersionOut):
    content: dict[str, Any] = Field(..., description="Goals and milestones as both confirmed them (no progress)")


class PlanCommentOut(Schema):
    id: int
    author: str = Field(..., alias="author.employee_id")
    author_name: str = Field(..., alias="author.full_name")
    text: str
    goal_id: int | None
    milestone_id: int | None
    created_at: datetime


class PlanOut(Schema):
    mentorship_id: int
    status: str = Field(..., description="One of: " + ", ".join(PlanStatus.values))
    mentor_confirmed_at: datetime | None
    mentee_confirmed_at: datetime | None
    progress: ProgressOut
    goals: list[GoalOut]
    versions: list[PlanVersionOut]
    comments: list[PlanCommentOut] | None = Field(None, description="The pair only; null for the summary")


class MilestoneIn(Schema):
    id: DbId | None = Field(None, description="Keep this milestone (and its done state); omit for a new one")
    title: SingleLine = Field(..., min_length=1, max_length=plan_services.TITLE_LIMIT)
    due_on: SaneDate = Field(..., description="Within the agreement's term")


class GoalIn(Schema):
    id: DbId | None = Field(None, description="Keep this goal; omit for a new one")
    title: SingleLine = Field(..., min_length=1, max_length=plan_services.TITLE_LIMIT)
    competency: Code = Field(..., description="Competency code")  # type: ignore[valid-type]
    target_level: Annotated[int, Strict()] = Field(..., ge=1, le=5)
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=plan_services.MAX_MILESTONES)


class DraftIn(Schema):
    goals: list[GoalIn] = Field(..., max_length=plan_services.MAX_GOALS,
                                description="The whole working copy: lines left out are removed")


class PlanCommentIn(Schema):
    text: MultiLine = Field(..., min_length=1, max_length=plan_services.COMMENT_LIMIT)
    goal_id: DbId | None = None
    milestone_id: DbId | None = None


class MilestonePatch(Schema):
    done: Annotated[bool, Strict()] | None = None
    note: MultiLine | None = Field(None, max_length=plan_services.NOTE_LIMIT)


def _progress(p: Any) -> dict[str, Any]:
    return {"done": p.done, "total": p.total, "percent": p.percent, "next_due_on": p.next_due_on,
            "overdue": p.overdue}


def _milestone(line: MilestoneLine, private: bool) -> dict[str, Any]:
    ms = line.milestone
    return {"id": ms.pk, "title": ms.title, "due_on": ms.due_on, "done": line.done, "done_at": ms.done_at,
            "overdue": line.overdue, "note": ms.note if private else None}


def _goal(line: GoalLine, private: bool) -> dict[str, Any]:
    g = line.goal
    return {"id": g.pk, "title": g.title, "competency": g.competency.code, "competency_name": g.competency.tr("name"),
            "target_level": g.target_level, "progress": _progress(line.progress),
            "milestones": [_milestone(ms, private) for ms in line.milestones]}


def _plan(view: PlanView) -> dict[str, Any]:
    plan = view.plan
    return {
        "mentorship_id": view.mentorship.pk, "status": view.status,
        "mentor_confirmed_at": plan.mentor_confirmed_at if plan else None,
        "mentee_confirmed_at": plan.mentee_confirmed_at if plan else None,
        "progress": _progress(view.progress),
        "goals": [_goal(g, view.private) for g in view.goals],
        "versions": view.versions,
        "comments": view.all_comments if view.private else None,
    }


def _view(actor: authz.Actor, mentorship_id: DbId) -> dict[str, Any]:
    m = selectors.mentorship_for(actor, mentorship_id)
    return _plan(plan_selectors.plan_view(mentorship=m, private=authz.can_view_mentorship_private(actor, m)))


# -- handlers --------------------------------------------------------------------------------


@router.get("/mentorships/{mentorship_id}/needs", response=NeedsOut,
            summary="The mentee's needs form (the pair only); before it is submitted, a suggestion")
def needs_get(request: HttpRequest, mentorship_id: DbId):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_view_mentorship_private)
    return plan_selectors.needs_initial(mentorship=m, suggest="mentee" in authz.mentorship_roles(actor, m))


@router.put("/mentorships/{mentorship_id}/needs", response=NeedsOut,
            summary="The mentee fills in or updates their needs (the first time, the mentor may then draft)")
def needs_put(request: HttpRequest, mentorship_id: DbId, payload: NeedsIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    plan_services.needs_submit(mentorship=m, actor=actor, competencies=payload.competencies, topics=payload.topics,
                               preferred_style=payload.preferred_style, text=payload.text)
    return plan_selectors.needs_initial(mentorship=m)


@router.get("/mentorships/{mentorship_id}/plan", response=PlanOut,
            summary="The plan: status, goals with milestones and progress, versions; comments for the pair only")
def plan_get(request: HttpRequest, mentorship_id: DbId):
    actor = authz.actor_for(request.user)
    return _view(actor, mentorship_id)


@router.post("/mentorships/{mentorship_id}/plan", response=PlanOut,
             summary="The mentor saves the draft (the whole working copy); both confirm it again")
def plan_post(request: HttpRequest, mentorship_id: DbId, payload: DraftIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    plan_services.plan_draft_save(mentorship=m, actor=actor, goals=[g.model_dump() for g in payload.goals])
    return _view(actor, mentorship_id)


@router.get("/mentorships/{mentorship_id}/plan/comments", response=list[PlanCommentOut],
            summary="Comments on the plan, its goals and milestones (the pair only)")
def comments_get(request: HttpRequest, mentorship_id: DbId):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_view_mentorship_private)
    return list(plan_selectors.plan_comments(mentorship=m))


@router.post("/mentorships/{mentorship_id}/plan/comments", response={201: PlanCommentOut},
             summary="Comment on the plan, a goal (goal_id) or a milestone (milestone_id)")
def comments_post(request: HttpRequest, mentorship_id: DbId, payload: PlanCommentIn):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    return Status(201, plan_services.plan_comment_add(mentorship=m, actor=actor, text=payload.text,
                                                      goal_id=payload.goal_id, milestone_id=payload.milestone_id))


@router.post("/mentorships/{mentorship_id}/plan/confirm", response=PlanOut,
             summary="Confirm the plan as it stands; when both have, it becomes the next version")
def plan_confirm(request: HttpRequest, mentorship_id: DbId):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    plan_services.plan_confirm(mentorship=m, actor=actor)
    return _view(actor, mentorship_id)


@router.get("/mentorships/{mentorship_id}/plan/versions", response=list[VersionDetailOut],
            summary="Every confirmed version of the plan, newest first")
def plan_versions(request: HttpRequest, mentorship_id: DbId):
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    return list(plan_selectors.plan_versions(mentorship=m))


@router.patch("/milestones/{milestone_id}", response=MilestoneOut,
              summary="The mentee ticks a milestone done (or not) and keeps a note on it; nobody else may")
def milestone_patch(request: HttpRequest, milestone_id: DbId, payload: MilestonePatch):
    actor = authz.actor_for(request.user)
    ms = plan_selectors.milestone_for(actor, milestone_id)
    row = plan_services.milestone_update(milestone=ms, actor=actor, done=payload.done, note=payload.note)
    return _milestone(MilestoneLine(milestone=row, done=row.done_at is not None,
                                    overdue=row.done_at is None and row.due_on < timezone.localdate()), private=True)
