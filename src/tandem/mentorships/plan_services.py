"""Every write on a mentorship's plan (source 002's loop, source 001's small steps).

needs → draft → comment → revise → both confirm → a :class:`PlanVersion`; a later change of the
content goes round the same loop. The mentee writes the needs and ticks milestones; the mentor
drafts and revises; either side comments and confirms for themselves only. The plan is written
while the agreement is being signed or while the mentorship is active (``authz.plan_writable``);
milestones are ticked while it is active.

Each service locks the mentorship row first (then the plan's), so two people saving at once are
serialised, validates everything before writing anything, and announces what happened as a
domain event after commit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core import authz, events
from tandem.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tandem.core.validators import date_problem
from tandem.mentorships.errors import MentorshipErrorCode as Code
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.mentorships.plan_models import (
    Goal,
    GoalMilestone,
    MentoringStyle,
    NeedsForm,
    Plan,
    PlanComment,
    PlanStatus,
    PlanVersion,
)
from tandem.mentorships.services import _clean_text, _locked, agreement_latest
from tandem.people.models import Competency, Topic

MAX_GOALS = 20
MAX_MILESTONES = 30
MAX_NEEDS_CHOICES = 20
TITLE_LIMIT = 200
COMMENT_LIMIT = 2000
NEEDS_TEXT_LIMIT = 4000
NOTE_LIMIT = 1000


class MilestoneOutsideTerm(ValidationFailed):
    """A milestone dated outside the agreement's term (or before the mentorship started)."""

    status = 422
    code = Code.MILESTONE_AFTER_AGREEMENT_END


def plan_for(mentorship: Mentorship) -> Plan:
    """The mentorship's plan, created (status "needs") the first time it is asked for."""
    plan, _created = Plan.objects.get_or_create(mentorship=mentorship)
    return plan


def _locked_plan(m: Mentorship) -> Plan:
    """Lock the mentorship (serialises writers) and return its plan, locked too."""
    plan_for(m)
    return Plan.objects.select_for_update().get(mentorship=m)


def _writable(m: Mentorship) -> None:
    if not authz.plan_writable(m):
        if m.status in (MentorshipStatus.REQUESTED, MentorshipStatus.INTRO):
            message = _("The plan is written once both of you have confirmed the pairing.")
        else:
            message = _("This mentorship has ended: its plan can be read, not changed.")
        raise Conflict(message, code=Code.PLAN_NOT_EDITABLE, data={"mentorship_status": m.status})


def _actor_id(actor: authz.Actor) -> int | None:
    return actor.person.pk if actor.person is not None else None


def plan_term(m: Mentorship) -> tuple[datetime.date, datetime.date]:
    """The days a milestone may fall on: from the mentorship's start (or the agreement's, before it
    took effect) to the end of the agreement in force (or the latest one, or the program's end)."""
    in_force = m.agreements.filter(fully_signed_at__isnull=False).order_by("-version").first()
    agreement = in_force or agreement_latest(m)
    start = m.started_on or (agreement.starts_on if agreement else None) or m.program.starts_on
    end = agreement.ends_on if agreement else m.program.ends_on
    return start, max(end, start)


# -- the needs form ------------------------------------------------------------------------


@transaction.atomic
def needs_submit(*, mentorship: Mentorship, actor: authz.Actor, competencies: list[str], topics: list[str],
                 preferred_style: str = "", text: str = "") -> NeedsForm:
    """The mentee says what they want to work on. The first submission lets the mentor draft the
    plan (status needs → drafting); later ones update the form and leave the status alone."""
    m = _locked(mentorship)
    _writable(m)
    if not authz.can_submit_needs(actor, m):
        raise Forbidden(_("Only the mentee fills in their needs."))
    errors: dict[str, list[str]] = {}
    text = _clean_text(text, field="text", limit=NEEDS_TEXT_LIMIT, errors=errors)
    codes = list(dict.fromkeys(str(c).strip() for c in (competencies or []) if str(c).strip()))
    topic_codes = list(dict.fromkeys(str(t).strip() for t in (topics or []) if str(t).strip()))
    if len(codes) > MAX_NEEDS_CHOICES:
        errors["competencies"] = [_("Choose at most %(n)s competencies.") % {"n": MAX_NEEDS_CHOICES}]
    if len(topic_codes) > MAX_NEEDS_CHOICES:
        errors["topics"] = [_("Choose at most %(n)s topics.") % {"n": MAX_NEEDS_CHOICES}]
    comps = list(Competency.objects.filter(code__in=codes[:MAX_NEEDS_CHOICES]))
    unknown = sorted(set(codes[:MAX_NEEDS_CHOICES]) - {c.code for c in comps})
    if unknown:
        errors.setdefault("competencies", []).append(
            _("Unknown competency: %(codes)s.") % {"codes": ", ".join(unknown)})
    topic_rows = list(Topic.objects.filter(code__in=topic_codes[:MAX_NEEDS_CHOICES]))
    unknown = sorted(set(topic_codes[:MAX_NEEDS_CHOICES]) - {t.code for t in topic_rows})
    if unknown:
        errors.setdefault("topics", []).append(_("Unknown topic: %(codes)s.") % {"codes": ", ".join(unknown)})
    preferred_style = (preferred_style or "").strip()
    if preferred_style and preferred_style not in MentoringStyle.values:
        errors["preferred_style"] = [_("Choose one of the styles offered.")]
    if not errors and not comps and not text:
        errors["competencies"] = [_("Say what you want to work on: choose a competency or write a few words.")]
    if errors:
        raise ValidationFailed(errors)
    plan = _locked_plan(m)
    needs, _created = NeedsForm.objects.get_or_create(plan=plan)
    needs.preferred_style = preferred_style
    needs.text = text
    needs.submitted_at = timezone.now()
    needs.save(update_fields=["preferred_style", "text", "submitted_at", "updated_at"])
    needs.competencies.set(comps)
    needs.topics.set(topic_rows)
    if plan.status == PlanStatus.NEEDS:
        plan.status = PlanStatus.DRAFTING
        plan.save(update_fields=["status", "updated_at"])
    events.emit("needs.submitted", mentorship_id=m.pk, plan_id=plan.pk, actor_id=_actor_id(actor))
    return needs


# -- the draft -----------------------------------------------------------------------------


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _as_id(value: Any) -> int | None | bool:
    """An optional id: None when absent, False when malformed."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return False
    try:
        number = int(value)
    except (TypeError, ValueError):
        return False
    return number if number > 0 else False


def _title(value: Any, *, field: str, errors: dict[str, list[str]]) -> str:
    title = _clean_text(str(value or ""), field=field, limit=TITLE_LIMIT, errors=errors, single_line=True)
    if not title and field not in errors:
        errors[field] = [_("Give it a short title.")]
    return title


def plan_content(goals: list[Goal]) -> dict[str, Any]:
    """The plan's content as confirmed: goals and milestones in order, without progress. Goals and
    milestones must come with ``competency`` and ``milestones`` loaded."""
    return {"goals": [
        {"id": g.pk, "title": g.title, "competency": g.competency.code, "target_level": g.target_level,
         "milestones": [{"id": ms.pk, "title": ms.title, "due_on": ms.due_on.isoformat()}
                        for ms in sorted(g.milestones.all(), key=lambda x: (x.order, x.pk))]}
        for g in goals
    ]}


def _comparable(content: dict[str, Any]) -> list[Any]:
    """What counts as a change: the text, competency, level and dates of each line, in order."""
    return [(g["title"], g["competency"], g["target_level"],
             [(ms["title"], ms["due_on"]) for ms in g["milestones"]]) for g in content.get("goals", [])]


def _working_goals(plan: Plan) -> list[Goal]:
    return list(plan.goals.select_related("competency").prefetch_related("milestones").order_by("order", "id"))


def _last_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


def _validate_draft(m: Mentorship, plan: Plan, goals: list[dict[str, Any]], existing_goals: list[Goal]
                    ) -> list[dict[str, Any]]:
    """Check the whole draft; return it cleaned (ids resolved) or raise with every problem named by
    its line (``goals.0.milestones.1.due_on``)."""
    errors: dict[str, list[str]] = {}
    term_errors: dict[str, list[str]] = {}
    if not isinstance(goals, list):
        raise ValidationFailed({"goals": [_("Send the goals as a list.")]})
    if len(goals) > MAX_GOALS:
        raise ValidationFailed({"goals": [_("A plan has at most %(n)s goals: keep it focused.") % {"n": MAX_GOALS}]})
    goal_ids = {g.pk for g in existing_goals}
    milestone_ids = {ms.pk for g in existing_goals for ms in g.milestones.all()}
    codes = {str(g.get("competency") or "").strip() for g in goals if isinstance(g, dict)}
    competencies = {c.code: c for c in Competency.objects.filter(code__in=codes)}
    start, end = plan_term(m)
    seen_goals: set[int] = set()
    seen_milestones: set[int] = set()
    cleaned = []
    for i, g in enumerate(goals):
        key = f"goals.{i}"
        if not isinstance(g, dict):
            errors[key] = [_("Each goal is an object with a title, a competency and a target level.")]
            continue
        gid = _as_id(g.get("id"))
        if gid is False or (gid is not None and (gid not in goal_ids or gid in seen_goals)):
            errors[f"{key}.id"] = [_("This goal is not in the plan (reload the page and try again).")]
        elif gid is not None:
            seen_goals.add(gid)
        title = _title(g.get("title"), field=f"{key}.title", errors=errors)
        code = str(g.get("competency") or "").strip()
        competency = competencies.get(code)
        if competency is None:
            errors[f"{key}.competency"] = [_("Choose the competency this goal works on.") if not code
                                           else _("Unknown competency: %(codes)s.") % {"codes": code[:40]}]
        level = g.get("target_level")
        if isinstance(level, str) and level.strip().isdigit():
            level = int(level)
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            errors[f"{key}.target_level"] = [_("Choose a target level from 1 to 5.")]
        milestones = g.get("milestones") or []
        if not isinstance(milestones, list):
            errors[f"{key}.milestones"] = [_("Send the milestones as a list.")]
            milestones = []
        if len(milestones) > MAX_MILESTONES:
            errors[f"{key}.milestones"] = [
                _("A goal has at most %(n)s milestones: cut it into two goals.") % {"n": MAX_MILESTONES}]
            milestones = []
        out_ms = []
        for j, ms in enumerate(milestones):
            mkey = f"{key}.milestones.{j}"
            if not isinstance(ms, dict):
                errors[mkey] = [_("Each milestone is an object with a title and a due date.")]
                continue
            mid = _as_id(ms.get("id"))
            if mid is False or (mid is not None and (mid not in milestone_ids or mid in seen_milestones)):
                errors[f"{mkey}.id"] = [_("This milestone is not in the plan (reload the page and try again).")]
            elif mid is not None:
                seen_milestones.add(mid)
            mtitle = _title(ms.get("title"), field=f"{mkey}.title", errors=errors)
            due = _as_date(ms.get("due_on"))
            if due is None or date_problem(due):
                errors[f"{mkey}.due_on"] = [_("Enter a due date like 2026-12-01.")]
            elif due > end:
                term_errors[f"{mkey}.due_on"] = [
                    _("“%(title)s” is due on %(due)s, after the agreement ends (%(end)s). "
                      "Choose a day on or before %(end)s, or extend the agreement first.") % {
                        "title": mtitle, "due": due.isoformat(), "end": end.isoformat()}]
            elif due < start:
                term_errors[f"{mkey}.due_on"] = [
                    _("“%(title)s” is due on %(due)s, before the mentorship starts (%(start)s). "
                      "Choose a day on or after %(start)s.") % {
                        "title": mtitle, "due": due.isoformat(), "start": start.isoformat()}]
            out_ms.append({"id": mid, "title": mtitle, "due_on": due})
        cleaned.append({"id": gid, "title": title, "competency": competency, "target_level": level,
                        "milestones": out_ms})
    if errors:
        raise ValidationFailed({**errors, **term_errors})
    if term_errors:
        raise MilestoneOutsideTerm(term_errors, message=next(iter(term_errors.values()))[0])
    return cleaned


def _draft_shape(cleaned: list[dict[str, Any]]) -> list[Any]:
    return [(g["id"], g["title"], g["competency"].code, g["target_level"],
             [(ms["id"], ms["title"], ms["due_on"].isoformat()) for ms in g["milestones"]]) for g in cleaned]


def _current_shape(goals: list[Goal]) -> list[Any]:
    return [(g["id"], g["title"], g["competency"], g["target_level"],
             [(ms["id"], ms["title"], ms["due_on"]) for ms in g["milestones"]])
            for g in plan_content(goals)["goals"]]


@transaction.atomic
def plan_draft_save(*, mentorship: Mentorship, actor: authz.Actor, goals: list[dict[str, Any]]) -> Plan:
    """The mentor replaces the plan's working copy with ``goals``::

        [{"id": 3 (optional: keep that goal), "title": ..., "competency": "CODE", "target_level": 1..5,
          "milestones": [{"id": 7 (optional), "title": ..., "due_on": date or "YYYY-MM-DD"}]}]

    Lines that keep their id keep their id, and a kept milestone keeps its done state and note;
    lines left out are removed. Every save is a revision: the plan goes (back) to review and both
    confirmations are cleared, unless the content is back to the last confirmed version.
    """
    m = _locked(mentorship)
    _writable(m)
    if not authz.can_draft_plan(actor, m):
        raise Forbidden(_("Only the mentor drafts and revises the plan; comment on it instead."))
    plan = _locked_plan(m)
    if plan.status == PlanStatus.NEEDS:
        raise Conflict(_("The mentee fills in their needs first; the draft builds on them."),
                       code=Code.NEEDS_NOT_SUBMITTED)
    existing = _working_goals(plan)
    cleaned = _validate_draft(m, plan, goals, existing)
    if _draft_shape(cleaned) == _current_shape(existing):
        raise Conflict(_("Nothing changed in the plan."), code=Code.PLAN_UNCHANGED)
    by_goal = {g.pk: g for g in existing}
    by_milestone = {ms.pk: ms for g in existing for ms in g.milestones.all()}
    keep_goals = {g["id"] for g in cleaned if g["id"]}
    keep_milestones = {ms["id"] for g in cleaned for ms in g["milestones"] if ms["id"]}
    GoalMilestone.objects.filter(goal__plan=plan).exclude(pk__in=keep_milestones).delete()
    Goal.objects.filter(plan=plan).exclude(pk__in=keep_goals).delete()
    for order, g in enumerate(cleaned):
        goal = by_goal.get(g["id"]) if g["id"] else None
        values = {"order": order, "title": g["title"], "competency": g["competency"],
                  "target_level": g["target_level"]}
        if goal is None:
            goal = Goal.objects.create(plan=plan, **values)
        elif any(getattr(goal, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(goal, k, v)
            goal.save(update_fields=["order", "title", "competency", "target_level", "updated_at"])
        for morder, ms in enumerate(g["milestones"]):
            row = by_milestone.get(ms["id"]) if ms["id"] else None
            mvalues = {"goal_id": goal.pk, "order": morder, "title": ms["title"], "due_on": ms["due_on"]}
            if row is None:
                GoalMilestone.objects.create(**mvalues)
            elif any(getattr(row, k) != v for k, v in mvalues.items()):
                for k, v in mvalues.items():
                    setattr(row, k, v)
                row.save(update_fields=["goal", "order", "title", "due_on", "updated_at"])
    content = plan_content(_working_goals(plan))
    last = _last_version(plan)
    if last is not None and _comparable(last.content) == _comparable(content):
        # Changed back to what both confirmed: the confirmed plan stands again.
        plan.status = PlanStatus.CONFIRMED
        plan.mentor_confirmed_at = plan.mentee_confirmed_at = last.confirmed_at
    else:
        plan.status = PlanStatus.REVIEW
        plan.mentor_confirmed_at = plan.mentee_confirmed_at = None
    plan.save(update_fields=["status", "mentor_confirmed_at", "mentee_confirmed_at", "updated_at"])
    events.emit("plan.drafted", mentorship_id=m.pk, plan_id=plan.pk, actor_id=_actor_id(actor))
    return plan


# -- comments and confirmations ------------------------------------------------------------


@transaction.atomic
def plan_comment_add(*, mentorship: Mentorship, actor: authz.Actor, text: str, goal_id: int | None = None,
                     milestone_id: int | None = None) -> PlanComment:
    """Either side comments on the plan as a whole, on a goal, or on one milestone."""
    m = _locked(mentorship)
    _writable(m)
    if not authz.can_comment_plan(actor, m):
        raise Forbidden(_("Only the mentor and the mentee comment on their plan."))
    errors: dict[str, list[str]] = {}
    text = _clean_text(text, field="text", limit=COMMENT_LIMIT, errors=errors)
    if not text and "text" not in errors:
        errors["text"] = [_("Write your comment.")]
    if errors:
        raise ValidationFailed(errors)
    plan = _locked_plan(m)
    goal = milestone = None
    if milestone_id is not None:
        milestone = GoalMilestone.objects.select_related("goal").filter(pk=milestone_id, goal__plan=plan).first()
        if milestone is None:
            raise NotFound(_("That milestone is no longer in the plan."))
        if goal_id is not None and goal_id != milestone.goal_id:
            raise ValidationFailed({"goal_id": [_("The milestone belongs to another goal.")]})
        goal = milestone.goal
    elif goal_id is not None:
        goal = Goal.objects.filter(pk=goal_id, plan=plan).first()
        if goal is None:
            raise NotFound(_("That goal is no longer in the plan."))
    comment = PlanComment.objects.create(plan=plan, goal=goal, milestone=milestone, author=actor.person, text=text,
                                         created_at=timezone.now())
    events.emit("plan.commented", mentorship_id=m.pk, plan_id=plan.pk, comment_id=comment.pk,
                actor_id=_actor_id(actor))
    return comment


@transaction.atomic
def plan_confirm(*, mentorship: Mentorship, actor: authz.Actor) -> Plan:
    """Each side confirms the plan as it stands. When both have, its content (goals and milestones,
    without progress) is frozen as the next version and the plan is confirmed.

    Emits ``plan.confirmed`` with ``side`` ("mentor" / "mentee") on each confirmation and
    ``version`` (the new version's number) once both have confirmed, None before.
    """
    m = _locked(mentorship)
    _writable(m)
    if not authz.can_confirm_plan(actor, m):
        raise Forbidden(_("Only the mentor and the mentee confirm their plan, each for themselves."))
    plan = _locked_plan(m)
    if plan.status in (PlanStatus.NEEDS, PlanStatus.DRAFTING):
        raise Conflict(_("There is no draft to confirm yet: the mentor drafts the plan first."),
                       code=Code.PLAN_NOT_IN_REVIEW)
    goals = _working_goals(plan)
    if not goals:
        raise Conflict(_("The plan has no goals yet: there is nothing to confirm."), code=Code.PLAN_EMPTY)
    content = plan_content(goals)
    last = _last_version(plan)
    if last is not None and _comparable(last.content) == _comparable(content):
        raise Conflict(_("Nothing changed since version %(n)s, which you both confirmed.") % {"n": last.number},
                       code=Code.PLAN_UNCHANGED, data={"version": last.number})
    roles = set(authz.mentorship_roles(actor, m))
    side = "mentor" if "mentor" in roles else "mentee"
    field = f"{side}_confirmed_at"
    if getattr(plan, field) is not None:
        raise Conflict(_("You have already confirmed this draft; waiting for the other side."),
                       code=Code.ALREADY_CONFIRMED)
    now = timezone.now()
    setattr(plan, field, now)
    version = None
    if plan.mentor_confirmed_at and plan.mentee_confirmed_at:
        version = PlanVersion.objects.create(plan=plan, number=(last.number if last else 0) + 1, content=content,
                                             confirmed_at=now)
        plan.status = PlanStatus.CONFIRMED
    plan.save(update_fields=["status", "mentor_confirmed_at", "mentee_confirmed_at", "updated_at"])
    events.emit("plan.confirmed", mentorship_id=m.pk, plan_id=plan.pk, side=side,
                version=version.number if version else None, actor_id=_actor_id(actor))
    return plan


# -- progress --------------------------------------------------------------------------------


@transaction.atomic
def milestone_update(*, milestone: GoalMilestone, actor: authz.Actor, done: bool | None = None,
                     note: str | None = None) -> GoalMilestone:
    """The mentee ticks a milestone done (or not) and keeps a note on it. Nobody else does: the
    mentor gets a 403 and nothing changes. Only while the mentorship is active."""
    mentorship_id = (GoalMilestone.objects.filter(pk=milestone.pk)
                     .values_list("goal__plan__mentorship_id", flat=True).first())
    if mentorship_id is None:
        raise NotFound(_("That milestone is no longer in the plan."))
    m = _locked(Mentorship(pk=mentorship_id))
    if "mentee" not in authz.mentorship_roles(actor, m):
        raise Forbidden(_("Only the mentee ticks their milestones; comment on the plan instead."))
    if m.status != MentorshipStatus.ACTIVE:
        raise Conflict(_("Milestones are ticked while the mentorship is active."), code=Code.NOT_ACTIVE,
                       data={"mentorship_status": m.status})
    if not authz.can_tick_milestone(actor, m):  # pragma: no cover - the two checks above are the rule
        raise Forbidden()
    row = GoalMilestone.objects.select_for_update().get(pk=milestone.pk)
    errors: dict[str, list[str]] = {}
    if done is not None and not isinstance(done, bool):
        errors["done"] = [_("Send true or false.")]
    if note is not None:
        note = _clean_text(note, field="note", limit=NOTE_LIMIT, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    fields = []
    if done is not None and done != (row.done_at is not None):
        row.done_at = timezone.now() if done else None
        fields.append("done_at")
    if note is not None and note != row.note:
        row.note = note
        fields.append("note")
    if fields:
        row.save(update_fields=[*fields, "updated_at"])
        events.emit("milestone.updated", mentorship_id=m.pk, milestone_id=row.pk, done=row.done_at is not None,
                    actor_id=_actor_id(actor))
    return row
