"""Pages of the plan: the mentee's needs form, the plan with its progress and comments, the mentor's
draft editor, confirmations, the mentee's ticks, the confirmed versions.

The editor has no heavy JavaScript: each goal and milestone is a small form posting to a small
endpoint, which takes the working copy (``plan_selectors.draft_of``), changes that one line and
saves the whole draft through the one service (``plan_services.plan_draft_save``), so the page
and the API obey the same rules. A refused change re-renders the editor with the form as typed
and the message next to it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ApplicationError, NotFound, ValidationFailed
from tandem.mentorships import plan_selectors, plan_services, selectors
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.mentorships.plan_forms import (
    CommentForm,
    GoalForm,
    MilestoneForm,
    NeedsInputForm,
    NewGoalForm,
    ProgressForm,
    competency_options,
)
from tandem.mentorships.plan_models import MentoringStyle, PlanStatus
from tandem.people.selectors import topic_list
from tandem.web.feedback import flash_error


def _plan_url(m: Mentorship, anchor: str = "") -> str:
    return reverse("mentorship_plan", args=[m.pk]) + (f"#{anchor}" if anchor else "")


def _edit_url(m: Mentorship, anchor: str = "") -> str:
    return reverse("mentorship_plan_edit", args=[m.pk]) + (f"#{anchor}" if anchor else "")


def _refused(request: HttpRequest, exc: ApplicationError) -> None:
    """Forbidden stays a 403 page; anything else is a message on the next page."""
    if exc.status == 403:
        raise exc
    flash_error(request, exc)


# -- the plan --------------------------------------------------------------------------------


@login_required
def plan(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    private = authz.can_view_mentorship_private(actor, m)
    view = plan_selectors.plan_view(mentorship=m, private=private)
    if not private:
        return render(request, "mentorships/plan_summary.html", {"m": m, "view": view, "PlanStatus": PlanStatus})
    roles = set(authz.mentorship_roles(actor, m))
    side = "mentor" if "mentor" in roles else "mentee"
    plan_row = view.plan
    mine = getattr(plan_row, f"{side}_confirmed_at", None) if plan_row else None
    other = getattr(plan_row, f"{'mentee' if side == 'mentor' else 'mentor'}_confirmed_at", None) if plan_row else None
    return render(request, "mentorships/plan.html", {
        "m": m, "view": view, "side": side, "PlanStatus": PlanStatus, "S": MentorshipStatus,
        "can_draft": authz.can_draft_plan(actor, m), "can_comment": authz.can_comment_plan(actor, m),
        "can_confirm": authz.can_confirm_plan(actor, m) and view.status == PlanStatus.REVIEW and mine is None,
        "can_tick": authz.can_tick_milestone(actor, m), "can_needs": authz.can_submit_needs(actor, m),
        "my_confirmed_at": mine, "other_confirmed_at": other, "next_version": len(view.versions) + 1,
        "styles": dict(MentoringStyle.choices),
    })


@login_required
def needs(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """The mentee fills in their needs; the mentor reads them (the pair only)."""
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_view_mentorship_private)
    can_edit = authz.can_submit_needs(actor, m)
    initial = plan_selectors.needs_initial(mentorship=m, suggest="mentee" in authz.mentorship_roles(actor, m))
    choices = plan_selectors.needs_competency_choices(mentorship=m,
                                                      with_gaps=authz.can_view_competencies(actor, m.mentee))
    kwargs = {"competency_choices": competency_options(choices),
              "topic_choices": [(t.code, t.tr("name")) for t in topic_list()]}
    form = NeedsInputForm(initial=initial, **kwargs)
    status = 200
    if request.method == "POST":
        authz.require(can_edit or "mentee" in authz.mentorship_roles(actor, m))
        form = NeedsInputForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                plan_services.needs_submit(mentorship=m, actor=actor, **form.cleaned_data)
                messages.success(request, _("Thank you. Your mentor drafts the plan from what you wrote."))
                return redirect(_plan_url(m))
            except ValidationFailed as exc:
                for field, msgs in exc.errors.items():
                    for msg in msgs:
                        form.add_error(field if field in form.fields else None, msg)
            except ApplicationError as exc:
                _refused(request, exc)
                return redirect(_plan_url(m))
        status = 422
    by_code = {c.competency.code: c for c in choices}
    chosen = [by_code[c] for c in initial["competencies"] if c in by_code]
    return render(request, "mentorships/plan_needs.html", {
        "m": m, "form": form, "can_edit": can_edit, "initial": initial, "chosen": chosen,
        "topics": [label for code, label in kwargs["topic_choices"] if code in initial["topics"]],
        "style": dict(MentoringStyle.choices).get(initial["preferred_style"], ""),
    }, status=status)


@login_required
@require_POST
def comment_add(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    form = CommentForm(request.POST)
    anchor = "comments"
    if form.is_valid():
        goal_id, milestone_id = form.cleaned_data["goal"], form.cleaned_data["milestone"]
        anchor = f"ms-{milestone_id}" if milestone_id else f"goal-{goal_id}" if goal_id else "comments"
        try:
            plan_services.plan_comment_add(mentorship=m, actor=actor, text=form.cleaned_data["text"],
                                           goal_id=goal_id, milestone_id=milestone_id)
            messages.success(request, _("Comment added."))
        except ApplicationError as exc:
            _refused(request, exc)
    else:
        authz.require(authz.can_comment_plan(actor, m))
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
    back = _edit_url(m, anchor) if request.POST.get("from") == "edit" else _plan_url(m, anchor)
    return redirect(back)


@login_required
@require_POST
def confirm(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    try:
        p = plan_services.plan_confirm(mentorship=m, actor=actor)
        if p.status == PlanStatus.CONFIRMED:
            messages.success(request, _("Confirmed by both of you: this is now the plan you work on."))
        else:
            messages.success(request, _("Confirmed. Waiting for the other side to confirm."))
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect(_plan_url(m))


@login_required
@require_POST
def milestone_progress(request: HttpRequest, mentorship_id: int, milestone_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    ms = plan_selectors.milestone_of(mentorship=m, milestone_id=milestone_id)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            plan_services.milestone_update(milestone=ms, actor=actor, done=form.cleaned_data["done"],
                                           note=form.cleaned_data["note"] if "note" in request.POST else None)
            messages.success(request, _("Saved."))
        except ApplicationError as exc:
            _refused(request, exc)
    else:
        authz.require(authz.can_tick_milestone(actor, m))
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
    return redirect(_plan_url(m, f"ms-{ms.pk}"))


@login_required
def versions(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    return render(request, "mentorships/plan_versions.html", {
        "m": m, "versions": list(plan_selectors.plan_versions(mentorship=m))})


@login_required
def version(request: HttpRequest, mentorship_id: int, number: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    if not 1 <= number <= 32767:
        raise NotFound()
    v = plan_selectors.plan_version(mentorship=m, number=number)
    return render(request, "mentorships/plan_version.html", {
        "m": m, "v": v, "goals": plan_selectors.version_goals(version=v),
        "changes": plan_selectors.version_changes(mentorship=m, version=v)})


# -- the mentor's draft editor ---------------------------------------------------------------


def _editor_context(actor: authz.Actor, m: Mentorship, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    bound = bound or {}
    view = plan_selectors.plan_view(mentorship=m, private=True)
    options = _options(actor, m)
    term = plan_services.plan_term(m)
    rows = []
    for line in view.goals:
        g = line.goal
        rows.append({
            "line": line,
            "form": bound.get(f"g{g.pk}") or GoalForm(prefix=f"g{g.pk}", competencies=options, initial={
                "title": g.title, "competency": g.competency.code, "target_level": g.target_level}),
            "add": bound.get(f"a{g.pk}") or MilestoneForm(prefix=f"a{g.pk}", term=term),
            "milestones": [{"line": ms, "form": bound.get(f"m{ms.milestone.pk}") or MilestoneForm(
                prefix=f"m{ms.milestone.pk}", term=term,
                initial={"title": ms.milestone.title, "due_on": ms.milestone.due_on})} for ms in line.milestones],
        })
    used = {line.goal.competency.code for line in view.goals}
    suggested = next((c.code for c in (view.needs.competencies.all() if view.needs else []) if c.code not in used), None)
    new = bound.get("new") or NewGoalForm(prefix="new", competencies=options, term=term,
                                          initial={"competency": suggested, "target_level": 3})
    return {"m": m, "view": view, "rows": rows, "new": new, "term": term, "PlanStatus": PlanStatus,
            "styles": dict(MentoringStyle.choices), "options": options}


def _editor_or_403(request: HttpRequest, mentorship_id: int) -> tuple[authz.Actor, Mentorship]:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    if not authz.can_draft_plan(actor, m):
        if "mentor" in authz.mentorship_roles(actor, m):
            raise ApplicationError(_("The plan can be written while the agreement is being signed or while "
                                     "the mentorship is active."), code="plan_not_editable", status=409)
        authz.require(False)
    return actor, m


@login_required
def edit(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor, m = _editor_or_403(request, mentorship_id)
    return render(request, "mentorships/plan_edit.html", _editor_context(actor, m))


def _save(request: HttpRequest, actor: authz.Actor, m: Mentorship, goals: list[dict[str, Any]], *, key: str,
          form: Any | None, prefix: str, fields: dict[str, str] | None = None, anchor: str = "",
          done: str = "") -> HttpResponse:
    """Save the changed working copy; on a refusal show the editor again with ``form`` as typed and
    the errors of its line on its fields (``prefix`` is the line's key in the service's errors)."""
    try:
        plan_services.plan_draft_save(mentorship=m, actor=actor, goals=goals)
    except ValidationFailed as exc:
        if form is None:  # a removal: nothing was typed, say what stands in the way
            flash_error(request, exc)
            return redirect(_edit_url(m, anchor))
        fields = fields or {}
        for name, msgs in exc.errors.items():
            local = name[len(prefix) + 1:] if prefix and name.startswith(prefix + ".") else None
            local = fields.get(local, local) if local else None
            for msg in msgs:
                form.add_error(local if local in form.fields else None, msg)
        return render(request, "mentorships/plan_edit.html", _editor_context(actor, m, {key: form}), status=422)
    except ApplicationError as exc:
        _refused(request, exc)
        return redirect(_edit_url(m, anchor))
    messages.success(request, done or _("Saved. The mentee reviews the draft; both of you confirm it again."))
    return redirect(_edit_url(m, anchor))


def _invalid(request: HttpRequest, actor: authz.Actor, m: Mentorship, key: str, form: Any) -> HttpResponse:
    return render(request, "mentorships/plan_edit.html", _editor_context(actor, m, {key: form}), status=422)


def _options(actor: authz.Actor, m: Mentorship) -> list[tuple[str, str]]:
    """The competencies a goal can work on; with the mentee's gaps for whoever may see them (a
    mentor once the mentorship is active, not while the agreement is still being signed)."""
    return competency_options(plan_selectors.needs_competency_choices(
        mentorship=m, with_gaps=authz.can_view_competencies(actor, m.mentee)))


def _goal_index(goals: list[dict[str, Any]], goal_id: int) -> int:
    return next(i for i, g in enumerate(goals) if g["id"] == goal_id)


@login_required
@require_POST
def goal_add(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor, m = _editor_or_403(request, mentorship_id)
    form = NewGoalForm(request.POST, prefix="new", competencies=_options(actor, m), term=plan_services.plan_term(m))
    if not form.is_valid():
        return _invalid(request, actor, m, "new", form)
    d = form.cleaned_data
    goals = plan_selectors.draft_of(mentorship=m)
    milestones = [{"title": d["milestone_title"], "due_on": d["due_on"]}] if d.get("milestone_title") else []
    goals.append({"title": d["title"], "competency": d["competency"], "target_level": d["target_level"],
                  "milestones": milestones})
    return _save(request, actor, m, goals, key="new", form=form, prefix=f"goals.{len(goals) - 1}",
                 fields={"milestones.0.due_on": "due_on", "milestones.0.title": "milestone_title"}, anchor="new-goal",
                 done=_("Goal added. Cut it into small dated milestones."))


@login_required
@require_POST
def goal_save(request: HttpRequest, mentorship_id: int, goal_id: int) -> HttpResponse:
    actor, m = _editor_or_403(request, mentorship_id)
    goal = plan_selectors.goal_of(mentorship=m, goal_id=goal_id)
    goals = plan_selectors.draft_of(mentorship=m)
    i = _goal_index(goals, goal.pk)
    if request.POST.get("remove"):
        goals.pop(i)
        return _save(request, actor, m, goals, key=f"g{goal.pk}", form=None, prefix="", anchor="goals",
                     done=_("Goal removed, with its milestones."))
    form = GoalForm(request.POST, prefix=f"g{goal.pk}", competencies=_options(actor, m))
    if not form.is_valid():
        return _invalid(request, actor, m, f"g{goal.pk}", form)
    goals[i].update(title=form.cleaned_data["title"], competency=form.cleaned_data["competency"],
                    target_level=form.cleaned_data["target_level"])
    return _save(request, actor, m, goals, key=f"g{goal.pk}", form=form, prefix=f"goals.{i}", anchor=f"goal-{goal.pk}")


@login_required
@require_POST
def milestone_add(request: HttpRequest, mentorship_id: int, goal_id: int) -> HttpResponse:
    actor, m = _editor_or_403(request, mentorship_id)
    goal = plan_selectors.goal_of(mentorship=m, goal_id=goal_id)
    form = MilestoneForm(request.POST, prefix=f"a{goal.pk}", term=plan_services.plan_term(m))
    if not form.is_valid():
        return _invalid(request, actor, m, f"a{goal.pk}", form)
    goals = plan_selectors.draft_of(mentorship=m)
    i = _goal_index(goals, goal.pk)
    goals[i]["milestones"].append({"title": form.cleaned_data["title"], "due_on": form.cleaned_data["due_on"]})
    j = len(goals[i]["milestones"]) - 1
    return _save(request, actor, m, goals, key=f"a{goal.pk}", form=form, prefix=f"goals.{i}.milestones.{j}",
                 anchor=f"goal-{goal.pk}", done=_("Milestone added."))


@login_required
@require_POST
def milestone_save(request: HttpRequest, mentorship_id: int, milestone_id: int) -> HttpResponse:
    actor, m = _editor_or_403(request, mentorship_id)
    ms = plan_selectors.milestone_of(mentorship=m, milestone_id=milestone_id)
    goals = plan_selectors.draft_of(mentorship=m)
    i = _goal_index(goals, ms.goal_id)
    j = next(k for k, x in enumerate(goals[i]["milestones"]) if x["id"] == ms.pk)
    key = f"m{ms.pk}"
    if request.POST.get("remove"):
        goals[i]["milestones"].pop(j)
        return _save(request, actor, m, goals, key=key, form=None, prefix="",
                     anchor=f"goal-{ms.goal_id}", done=_("Milestone removed."))
    form = MilestoneForm(request.POST, prefix=key, term=plan_services.plan_term(m))
    if not form.is_valid():
        return _invalid(request, actor, m, key, form)
    goals[i]["milestones"][j].update(title=form.cleaned_data["title"], due_on=form.cleaned_data["due_on"])
    return _save(request, actor, m, goals, key=key, form=form, prefix=f"goals.{i}.milestones.{j}",
                 anchor=f"ms-{ms.pk}")
