"""The competency framework pages (issue 14 §6): everyone signed in reads them; HR edits groups,
competencies with their level descriptors in three languages, job profiles with their target levels,
and loads the O*NET example framework. Thin: authorise through core.authz, read through
``framework_selectors``, write through ``framework_services`` / ``onet``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ApplicationError, ValidationFailed
from tandem.people import framework_selectors as selectors
from tandem.people import framework_services as services
from tandem.people import onet
from tandem.people.framework_forms import (
    LEVEL_CHOICES,
    CompetencyForm,
    GroupForm,
    JobProfileForm,
    targets_from_post,
)
from tandem.people.models import Competency, CompetencyGroup
from tandem.web.feedback import flash_error, form_errors

PER_PAGE = 25
Q_MAX = 100


def _reader(request: HttpRequest) -> authz.Actor:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_view_framework(actor))
    return actor


def _editor(request: HttpRequest) -> authz.Actor:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_edit_framework(actor))
    return actor


def _or_404(obj: Any) -> Any:
    if obj is None:
        raise Http404
    return obj


def _url(obj: Any) -> str:
    """Where an object of the framework is shown."""
    if isinstance(obj, Competency):
        return reverse("framework_competency", args=[obj.pk])
    if isinstance(obj, CompetencyGroup):
        return reverse("framework") + f"?group={obj.pk}"
    return reverse("framework_job_profile", args=[obj.pk])


def _query(request: HttpRequest) -> str:
    return (request.GET.get("q") or "").strip()[:Q_MAX]


def _base(request: HttpRequest, actor: authz.Actor, **ctx: Any) -> dict[str, Any]:
    return {"can_edit": authz.can_edit_framework(actor), "attribution": onet.ATTRIBUTION,
            "license_url": onet.LICENSE_URL, "source_url": onet.SOURCE_URL, **ctx}


def _form_page(request: HttpRequest, actor: authz.Actor, template: str, status: int = 200,
               **ctx: Any) -> HttpResponse:
    return render(request, f"people/framework/{template}", _base(request, actor, **ctx), status=status)


def _save(request: HttpRequest, actor: authz.Actor, form: Any, save: Any, *, template: str, success: str,
          **ctx: Any) -> HttpResponse:
    """Validate ``form``, call ``save()`` (a service) and go to the object it returns; else the
    form again with the errors and a 400."""
    if request.method == "POST":
        if form.is_valid():
            try:
                obj = save()
            except ValidationFailed as exc:
                form_errors(form, exc)
            else:
                messages.success(request, success)
                return redirect(ctx.get("next_url") or _url(obj))
        return _form_page(request, actor, template, status=400, form=form, **ctx)
    return _form_page(request, actor, template, form=form, **ctx)


# -- the framework: groups and competencies -----------------------------------------------


@login_required
def framework_home(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    q = _query(request)
    groups = list(selectors.framework_groups())
    group = None
    raw_group = request.GET.get("group") or ""
    if raw_group.isdigit() and len(raw_group) < 12:
        group = next((g for g in groups if g.pk == int(raw_group)), None)
    page = Paginator(selectors.framework_competencies(q=q, group=group), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/framework/home.html", _base(
        request, actor, page=page, groups=groups, group=group, q=q,
        show_attribution=selectors.has_onet_competencies(),
    ))


@login_required
def competency_detail(request: HttpRequest, competency_id: int) -> HttpResponse:
    actor = _reader(request)
    competency = _or_404(selectors.framework_competency(competency_id=competency_id))
    return render(request, "people/framework/competency_detail.html", _base(
        request, actor, competency=competency, is_onet=competency.code.startswith(onet.ONET_PREFIX),
        level_rows=[(n, next((lv for lv in competency.levels.all() if lv.level == n), None)) for n in services.LEVELS],
    ))


@login_required
def competency_new(request: HttpRequest) -> HttpResponse:
    actor = _editor(request)
    initial = {}
    raw_group = request.GET.get("group") or ""
    if raw_group.isdigit() and len(raw_group) < 12:
        initial["group"] = int(raw_group)
    form = CompetencyForm(request.POST or None, initial=initial)
    return _save(request, actor, form, lambda: services.competency_create(**form.service_args()),
                 template="competency_form.html", success=_("Competency added."), title=_("New competency"))


@login_required
def competency_edit(request: HttpRequest, competency_id: int) -> HttpResponse:
    actor = _editor(request)
    competency = _or_404(selectors.framework_competency(competency_id=competency_id))
    form = CompetencyForm(request.POST or None, initial=CompetencyForm.initial_for(competency))
    return _save(request, actor, form,
                 lambda: services.competency_update(competency=competency, **form.service_args()),
                 template="competency_form.html", success=_("Competency saved."),
                 title=_("Edit competency"), competency=competency)


@login_required
def competency_delete(request: HttpRequest, competency_id: int) -> HttpResponse:
    """GET: confirm (what goes with it, or why it cannot go). POST: delete."""
    actor = _editor(request)
    competency = _or_404(selectors.framework_competency(competency_id=competency_id))
    if request.method == "POST":
        try:
            services.competency_delete(competency=competency)
        except ApplicationError as exc:
            flash_error(request, exc)
            return redirect(_url(competency))
        messages.success(request, _("Competency “%(name)s” deleted.") % {"name": competency.tr("name")})
        return redirect("framework")
    return render(request, "people/framework/competency_delete.html", _base(
        request, actor, competency=competency, ratings=selectors.competency_rating_count(competency=competency),
    ))


@login_required
def group_new(request: HttpRequest) -> HttpResponse:
    actor = _editor(request)
    form = GroupForm(request.POST or None)
    return _save(request, actor, form, lambda: services.group_create(**form.service_args()),
                 template="group_form.html", success=_("Group added."), title=_("New competency group"))


@login_required
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = _editor(request)
    group = _or_404(selectors.framework_group(group_id=group_id))
    form = GroupForm(request.POST or None, initial=GroupForm.initial_from(group, ("code", "name", "order")))
    return _save(request, actor, form, lambda: services.group_update(group=group, **form.service_args()),
                 template="group_form.html", success=_("Group saved."), title=_("Edit competency group"),
                 group=group)


@login_required
def group_delete(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = _editor(request)
    group = _or_404(selectors.framework_group(group_id=group_id))
    if request.method == "POST":
        try:
            services.group_delete(group=group)
        except ApplicationError as exc:
            flash_error(request, exc)
            return redirect(_url(group))
        messages.success(request, _("Group “%(name)s” deleted.") % {"name": group.tr("name")})
        return redirect("framework")
    return render(request, "people/framework/group_delete.html", _base(
        request, actor, group=group, competency_count=group.competencies.count(),
    ))


# -- job profiles and their targets --------------------------------------------------------


@login_required
def job_profile_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    q = _query(request)
    page = Paginator(selectors.framework_job_profiles(q=q), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/framework/job_profile_list.html", _base(request, actor, page=page, q=q))


def _job_profile_page(request: HttpRequest, actor: authz.Actor, profile: Any, *, status: int = 200,
                      problems: list[str] | None = None) -> HttpResponse:
    requirements = list(profile.requirements.all())
    targeted = {r.competency_id for r in requirements}
    can_edit = authz.can_edit_framework(actor)
    addable = [c for c in selectors.competency_choices() if c.pk not in targeted] if can_edit else []
    return render(request, "people/framework/job_profile_detail.html", _base(
        request, actor, profile=profile, requirements=requirements, addable=addable, level_choices=LEVEL_CHOICES,
        problems=problems or [],
    ), status=status)


@login_required
def job_profile_detail(request: HttpRequest, job_profile_id: int) -> HttpResponse:
    actor = _reader(request)
    profile = _or_404(selectors.framework_job_profile(job_profile_id=job_profile_id))
    return _job_profile_page(request, actor, profile)


@login_required
@require_POST
def job_profile_targets(request: HttpRequest, job_profile_id: int) -> HttpResponse:
    actor = _editor(request)
    profile = _or_404(selectors.framework_job_profile(job_profile_id=job_profile_id))
    current = [r.competency_id for r in profile.requirements.all()]
    targets, problems = targets_from_post(request.POST, current)
    if not problems:
        try:
            counts = services.job_profile_targets_set(job_profile=profile, targets=targets)
        except ValidationFailed as exc:
            problems = [str(m) for msgs in exc.errors.values() for m in msgs]
        else:
            messages.success(request, _("Target levels saved: %(added)s added, %(changed)s changed, "
                                        "%(removed)s removed.") % counts)
            return redirect(_url(profile))
    return _job_profile_page(request, actor, profile, status=400, problems=problems)


@login_required
def job_profile_new(request: HttpRequest) -> HttpResponse:
    actor = _editor(request)
    form = JobProfileForm(request.POST or None)
    return _save(request, actor, form, lambda: services.job_profile_create(**form.service_args()),
                 template="job_profile_form.html", success=_("Job profile added."), title=_("New job profile"))


@login_required
def job_profile_edit(request: HttpRequest, job_profile_id: int) -> HttpResponse:
    actor = _editor(request)
    profile = _or_404(selectors.framework_job_profile(job_profile_id=job_profile_id))
    form = JobProfileForm(request.POST or None,
                          initial=JobProfileForm.initial_from(profile, ("code", "title", "description")))
    return _save(request, actor, form, lambda: services.job_profile_update(job_profile=profile, **form.service_args()),
                 template="job_profile_form.html", success=_("Job profile saved."), title=_("Edit job profile"),
                 profile=profile)


# -- the O*NET example ---------------------------------------------------------------------


@login_required
def onet_load(request: HttpRequest) -> HttpResponse:
    """GET: what loading adds, and a confirmation. POST: load (idempotent)."""
    actor = _editor(request)
    if request.method == "POST":
        result = onet.onet_framework_load()
        if result.competencies_created or result.groups_created:
            messages.success(request, ngettext(
                "O*NET example loaded: %(n)s competency added.", "O*NET example loaded: %(n)s competencies added.",
                result.competencies_created) % {"n": result.competencies_created})
        else:
            messages.info(request, _("The O*NET example was already loaded: nothing changed."))
        return redirect(reverse("framework") + "?q=" + onet.ONET_PREFIX)
    data = onet.onet_data()
    return render(request, "people/framework/onet_load.html", _base(
        request, actor, competency_total=len(data["elements"]), group_total=len(data["groups"]),
        groups=[f"{g['domain']}: {g['name']}" for g in data["groups"]],
        already=selectors.has_onet_competencies(),
    ))
