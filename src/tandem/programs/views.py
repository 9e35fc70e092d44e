from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ValidationFailed
from tandem.people import selectors as people_selectors
from tandem.programs import selectors, services
from tandem.programs.forms import EnrolForm, ProgramForm
from tandem.programs.models import Program, ProgramStatus
from tandem.web.feedback import flash_error, form_errors


def get_program(request: HttpRequest, program_id: int) -> tuple[authz.Actor, Program]:
    actor = authz.actor_for(request.user)
    program = Program.objects.select_related("owner").filter(pk=program_id).first()
    if program is None:
        raise Http404
    authz.require(authz.can_view_program(actor, program))
    return actor, program


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    actor = authz.actor_for(request.user)
    page = Paginator(selectors.programs_visible(actor=actor), 20).get_page(request.GET.get("page"))
    return render(request, "programs/list.html", {"page": page, "can_create": authz.can_create_program(actor)})


@login_required
def program_create(request: HttpRequest) -> HttpResponse:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_create_program(actor) and actor.person is not None)
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(owner=actor.person, **form.cleaned_data)
            messages.success(request, _("Program created. Now enrol mentors and mentees."))
            return redirect("program_detail", program_id=program.pk)
        except ValidationFailed as exc:
            form_errors(form, exc)
    return render(request, "programs/form.html", {"form": form})


@login_required
def program_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = get_program(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    initial = {f: getattr(program, f) for f in ProgramForm.base_fields}
    form = ProgramForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(program=program, **form.cleaned_data)
            messages.success(request, _("Program saved."))
            return redirect("program_detail", program_id=program.pk)
        except ValidationFailed as exc:
            form_errors(form, exc)
    return render(request, "programs/form.html", {"form": form, "program": program})


@login_required
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = get_program(request, program_id)
    can_manage = authz.can_manage_program(actor, program)
    role = request.GET.get("role", "mentee" if request.GET.get("role") != "mentor" else "mentor")
    enrolments = Paginator(selectors.enrolments_of(program=program, role=role), 25).get_page(request.GET.get("page"))
    return render(request, "programs/detail.html", {
        "program": program,
        "can_manage": can_manage,
        "mine": selectors.my_enrolments(program=program, person=actor.person),
        "enrolments": enrolments if (can_manage or actor.is_hr) else None,
        "role": role,
        "enrol_form": EnrolForm() if can_manage else None,
        "counts": selectors.program_overview(owner=None).filter(pk=program.pk).first(),
        "statuses": ProgramStatus.choices,
    })


def _parse_ids(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,;]+", text or "") if t]


@login_required
@require_POST
def program_enrol(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = get_program(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    form = EnrolForm(request.POST)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return redirect("program_detail", program_id=program.pk)
    people, unknown = people_selectors.people_by_employee_ids(employee_ids=_parse_ids(form.cleaned_data["employee_ids"]))
    if unknown:
        messages.error(request, _("Unknown employee IDs: %(ids)s. Nobody was enrolled.") % {"ids": ", ".join(unknown[:20])})
        return redirect("program_detail", program_id=program.pk)
    dep, job = form.cleaned_data["department"], form.cleaned_data["job_profile"]
    if dep or job:
        people += list(people_selectors.person_list(department=dep, job_profile=job))
    if not people:
        messages.error(request, _("Name people by employee ID or choose a department or job profile."))
        return redirect("program_detail", program_id=program.pk)
    try:
        added, kept = services.enrolment_add(program=program, people=people, role=form.cleaned_data["role"],
                                             capacity=form.cleaned_data["capacity"])
        messages.success(request, _("%(added)d enrolled; %(kept)d were already enrolled.") % {"added": added, "kept": kept})
    except ValidationFailed as exc:
        flash_error(request, exc)
    return redirect(f"/programs/{program.pk}/?role={form.cleaned_data['role']}")


@login_required
@require_POST
def program_status(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = get_program(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    try:
        services.program_set_status(program=program, status=request.POST.get("status", ""))
        messages.success(request, _("Status changed."))
    except ValidationFailed as exc:
        flash_error(request, exc)
    return redirect("program_detail", program_id=program.pk)
