"""Every read of a mentorship's plan: the plan with its progress, comments, versions, the needs form.

The pair sees everything (:func:`plan_view` with ``private=True``); the line manager, the head of
the mentee's department and the program team see a summary: goals, milestones and progress, never
comments, milestone notes or the needs form (``private=False``). Whoever asks, the plan is read in
a fixed number of queries, whatever its size.
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core import authz
from tandem.core.errors import NotFound
from tandem.mentorships import selectors
from tandem.mentorships.models import Mentorship
from tandem.mentorships.plan_models import Goal, GoalMilestone, NeedsForm, Plan, PlanComment, PlanStatus, PlanVersion
from tandem.people.models import Competency, PersonTopic, Topic, TopicInterest
from tandem.people.selectors import person_competencies

#: How many of the mentee's largest gaps the needs form preselects.
PRESELECT_GAPS = 3


@dataclass
class Progress:
    """Milestones done of total; the next (not yet overdue) open milestone's due date; how many
    open milestones are past their due date."""

    done: int
    total: int
    next_due_on: datetime.date | None
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class MilestoneLine:
    milestone: GoalMilestone
    done: bool
    overdue: bool
    comments: list[PlanComment] = field(default_factory=list)


@dataclass
class GoalLine:
    goal: Goal
    milestones: list[MilestoneLine]
    progress: Progress
    comments: list[PlanComment] = field(default_factory=list)


@dataclass
class PlanView:
    mentorship: Mentorship
    plan: Plan | None
    goals: list[GoalLine]
    versions: list[PlanVersion]
    private: bool
    #: the pair only (None for a summary): comments on the plan as a whole, and every comment
    comments: list[PlanComment] | None = None
    all_comments: list[PlanComment] | None = None
    needs: NeedsForm | None = None

    @property
    def status(self) -> str:
        return self.plan.status if self.plan else PlanStatus.NEEDS

    @property
    def status_label(self) -> str:
        return str(PlanStatus(self.status).label)

    @property
    def progress(self) -> Progress:
        lines = [ms for g in self.goals for ms in g.milestones]
        return _progress(lines)

    @property
    def last_version(self) -> PlanVersion | None:
        return self.versions[0] if self.versions else None


def _progress(lines: list[MilestoneLine]) -> Progress:
    open_dates = [ms.milestone.due_on for ms in lines if not ms.done and not ms.overdue]  # upcoming only
    return Progress(done=sum(1 for ms in lines if ms.done), total=len(lines),
                    next_due_on=min(open_dates) if open_dates else None,
                    overdue=sum(1 for ms in lines if ms.overdue))


def plan_of(*, mentorship: Mentorship) -> Plan | None:
    return Plan.objects.filter(mentorship=mentorship).first()


def plan_view(*, mentorship: Mentorship, private: bool, today: datetime.date | None = None) -> PlanView:
    """The plan's goals, milestones and progress per goal (milestones done of total, the next due
    date, how many are overdue), its confirmed versions, and for the pair its comments and needs."""
    today = today or timezone.localdate()
    plan = plan_of(mentorship=mentorship)
    if plan is None:
        return PlanView(mentorship=mentorship, plan=None, goals=[], versions=[], private=private,
                        comments=[] if private else None, all_comments=[] if private else None)
    goals = list(
        plan.goals.select_related("competency")
        .prefetch_related(Prefetch("milestones", queryset=GoalMilestone.objects.order_by("order", "id")))
        .order_by("order", "id")
    )
    versions = list(plan.versions.order_by("-number"))
    comments: list[PlanComment] = []
    needs = None
    if private:
        comments = list(plan.comments.select_related("author").order_by("created_at", "id"))
        needs = (NeedsForm.objects.filter(plan=plan)
                 .prefetch_related(Prefetch("competencies", queryset=Competency.objects.order_by("name")),
                                   Prefetch("topics", queryset=Topic.objects.order_by("order", "name")))
                 .first())
    by_goal: dict[int, list[PlanComment]] = {}
    by_milestone: dict[int, list[PlanComment]] = {}
    on_plan = []
    for c in comments:
        if c.milestone_id:
            by_milestone.setdefault(c.milestone_id, []).append(c)
        elif c.goal_id:
            by_goal.setdefault(c.goal_id, []).append(c)
        else:
            on_plan.append(c)
    lines = []
    for g in goals:
        ms_lines = [
            MilestoneLine(milestone=ms, done=ms.done_at is not None,
                          overdue=ms.done_at is None and ms.due_on < today,
                          comments=by_milestone.get(ms.pk, []))
            for ms in g.milestones.all()
        ]
        lines.append(GoalLine(goal=g, milestones=ms_lines, progress=_progress(ms_lines),
                              comments=by_goal.get(g.pk, [])))
    return PlanView(mentorship=mentorship, plan=plan, goals=lines, versions=versions, private=private,
                    comments=on_plan if private else None, all_comments=comments if private else None,
                    needs=needs)


def plan_summary(*, mentorship: Mentorship) -> PlanView:
    """For the line manager, the department head and the program team: goals and progress only."""
    return plan_view(mentorship=mentorship, private=False)


def plan_comments(*, mentorship: Mentorship) -> QuerySet[PlanComment]:
    return PlanComment.objects.filter(plan__mentorship=mentorship).select_related("author").order_by("created_at", "id")


def plan_versions(*, mentorship: Mentorship) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan__mentorship=mentorship).order_by("-number")


def plan_version(*, mentorship: Mentorship, number: int) -> PlanVersion:
    version = plan_versions(mentorship=mentorship).filter(number=number).first()
    if version is None:
        raise NotFound()
    return version


def version_goals(*, version: PlanVersion) -> list[dict[str, Any]]:
    """A confirmed version's goals with each competency's name in the current language."""
    goals = version.content.get("goals", [])
    names = {c.code: c.tr("name") for c in Competency.objects.filter(code__in={g["competency"] for g in goals})}
    return [{**g, "competency_name": names.get(g["competency"], g["competency"])} for g in goals]


def version_changes(*, mentorship: Mentorship, version: PlanVersion) -> list[tuple[str, str]]:
    """What changed from the version before (``("added" | "removed" | "same", line)``); empty for
    the first version."""
    before = plan_versions(mentorship=mentorship).filter(number=version.number - 1).first()
    if before is None:
        return []

    def lines(v: PlanVersion) -> list[str]:
        out = []
        for g in version_goals(version=v):
            out.append(_("Goal: %(title)s (%(competency)s, target level %(level)s)") % {
                "title": g["title"], "competency": g["competency_name"], "level": g["target_level"]})
            out.extend("    " + _("%(title)s, due %(due)s") % {"title": ms["title"], "due": ms["due_on"]}
                       for ms in g["milestones"])
        return out

    return [({"+": "added", "-": "removed"}.get(line[0], "same"), line[2:])
            for line in difflib.ndiff(lines(before), lines(version)) if not line.startswith("?")]


def milestone_for(actor: authz.Actor, milestone_id: int) -> GoalMilestone:
    """A milestone, if its mentorship is visible to ``actor`` (through the one access helper);
    otherwise not found."""
    ms = GoalMilestone.objects.select_related("goal__plan").filter(pk=milestone_id).first()
    if ms is None:
        raise NotFound()
    ms.goal.plan.mentorship = selectors.mentorship_for(actor, ms.goal.plan.mentorship_id)
    return ms


def goal_of(*, mentorship: Mentorship, goal_id: int) -> Goal:
    goal = Goal.objects.select_related("competency").filter(pk=goal_id, plan__mentorship=mentorship).first()
    if goal is None:
        raise NotFound()
    return goal


def milestone_of(*, mentorship: Mentorship, milestone_id: int) -> GoalMilestone:
    ms = GoalMilestone.objects.select_related("goal").filter(pk=milestone_id, goal__plan__mentorship=mentorship).first()
    if ms is None:
        raise NotFound()
    return ms


def draft_of(*, mentorship: Mentorship) -> list[dict[str, Any]]:
    """The working copy in the shape :func:`plan_services.plan_draft_save` takes (ids kept), for
    pages that change one line and save the whole draft."""
    plan = plan_of(mentorship=mentorship)
    if plan is None:
        return []
    goals = plan.goals.select_related("competency").prefetch_related(
        Prefetch("milestones", queryset=GoalMilestone.objects.order_by("order", "id"))).order_by("order", "id")
    return [{"id": g.pk, "title": g.title, "competency": g.competency.code, "target_level": g.target_level,
             "milestones": [{"id": ms.pk, "title": ms.title, "due_on": ms.due_on} for ms in g.milestones.all()]}
            for g in goals]


# -- the needs form: preselected from the mentee's largest gaps ------------------------------


@dataclass
class CompetencyChoice:
    competency: Competency
    target: int | None
    current: int | None
    gap: int | None


def needs_competency_choices(*, mentorship: Mentorship, with_gaps: bool = True) -> list[CompetencyChoice]:
    """Every competency, the mentee's largest gaps first (then the rest of their profile, then
    the framework by name), with target and current level where known. ``with_gaps=False`` (for
    someone who may not see the mentee's competencies, e.g. a mentor before the mentorship is
    active): the framework by name, no levels."""
    rows = {r.competency.pk: r for r in person_competencies(person=mentorship.mentee)} if with_gaps else {}
    choices = [CompetencyChoice(competency=c, target=rows[c.pk].target if c.pk in rows else None,
                                current=rows[c.pk].current if c.pk in rows else None,
                                gap=rows[c.pk].gap if c.pk in rows else None)
               for c in Competency.objects.order_by("name")]
    choices.sort(key=lambda ch: (ch.competency.pk not in rows, -(ch.gap or 0), ch.competency.name))
    return choices


def largest_gap_codes(*, mentorship: Mentorship, limit: int = PRESELECT_GAPS) -> list[str]:
    rows = [r for r in person_competencies(person=mentorship.mentee) if r.gap]
    rows.sort(key=lambda r: (-(r.gap or 0), r.competency.name))
    return [r.competency.code for r in rows[:limit]]


def needs_initial(*, mentorship: Mentorship, suggest: bool = True) -> dict[str, Any]:
    """What the needs form shows: what the mentee submitted, or, the first time, their largest
    gaps and the topics they want to learn (``suggest``: for the mentee only; anyone else sees
    an empty form until the mentee submits it)."""
    plan = plan_of(mentorship=mentorship)
    needs = NeedsForm.objects.filter(plan=plan).first() if plan else None
    if needs is not None and needs.submitted_at is not None:
        return {"competencies": sorted(needs.competencies.values_list("code", flat=True)),
                "topics": sorted(needs.topics.values_list("code", flat=True)),
                "preferred_style": needs.preferred_style, "text": needs.text, "submitted_at": needs.submitted_at}
    if not suggest:
        return {"competencies": [], "topics": [], "preferred_style": "", "text": "", "submitted_at": None}
    topics = (PersonTopic.objects.filter(person=mentorship.mentee, interest=TopicInterest.WANT_TO_LEARN)
              .values_list("topic__code", flat=True))
    return {"competencies": largest_gap_codes(mentorship=mentorship), "topics": sorted(topics),
            "preferred_style": "", "text": "", "submitted_at": None}
