from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ApplicationError, ValidationFailed
from tandem.mentorships import selectors as mentorship_selectors
from tandem.people import selectors as people_selectors
from tandem.programs import exports, selectors, services
from tandem.programs.blueprints import all_blueprints, get_blueprint, text_in
from tandem.programs.forms import (
    DutyForm,
    EligibilityForm,
    EnrolEligibleForm,
    EnrolForm,
    EnrolImportForm,
    FromTemplateForm,
    MilestoneForm,
    PhaseForm,
    ProgramForm,
)
from tandem.programs.models import (
    AgreementParty,
    DutyPeriod,
    EnrolmentRole,
    MatchingMode,
    Program,
    ProgramStatus,
    ProgramType,
)
from tandem.web.feedback import flash_error, form_errors


def get_program(request: HttpRequest, program_id: int) -> tuple[authz.Actor, Program]:
    actor = authz.actor_for(request.user)
    program = selectors.program_get(program_id=program_id)
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
            program = services.program_create(owner=actor.person, actor=actor, **form.cleaned_data)
            messages.success(request, _("Program created. Now enrol mentors and mentees."))
            return redirect("program_detail", program_id=program.pk)
        except ValidationFailed as exc:
            form_errors(form, exc)
    return render(request, "programs/form.html", {"form": form, "templates_link": True})


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
    role = "mentor" if request.GET.get("role") == "mentor" else "mentee"
    counts = selectors.program_figures(program=program)  # kept per change: also the list's count
    paginator = Paginator(selectors.enrolments_of(program=program, role=role), 25)
    paginator.count = counts.mentors if role == "mentor" else counts.mentees
    enrolments = paginator.get_page(request.GET.get("page"))
    loads = {}
    if can_manage or actor.is_hr:
        loads = mentorship_selectors.mentor_rows_load(program=program, enrolments=list(enrolments.object_list))
        for e in enrolments.object_list:
            e.load = loads.get(e.person_id)
    phases = selectors.phases_of(program=program)
    return render(request, "programs/detail.html", {
        "program": program,
        "can_manage": can_manage,
        "timeline": selectors.program_timeline(program=program, phases=phases),
        "program_phases": phases,  # the assessments slot's teach-back days read them too
        "duties": selectors.duties_of(program=program),
        "signer_labels": [AgreementParty(p).label for p in program.signer_parties],
        "mine": selectors.my_enrolments(program=program, person=actor.person),
        "enrolments": enrolments if (can_manage or actor.is_hr) else None,
        "role": role,
        "enrol_form": EnrolForm() if can_manage else None,
        "eligibility": selectors.eligibility_summary(program=program) if can_manage else None,
        "counts": counts,
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
        services.program_set_status(program=program, status=request.POST.get("status", ""), actor=actor)
        messages.success(request, _("Status changed."))
    except ValidationFailed as exc:
        flash_error(request, exc)
    return redirect("program_detail", program_id=program.pk)


# -- templates -------------------------------------------------------------------------------


def _template_cards(forms_by_code: dict | None = None) -> list[dict]:
    return [{
        "code": bp.code, "name": text_in(bp.name), "description": text_in(bp.description),
        "type_label": ProgramType(bp.program_type).label, "mode_label": MatchingMode(bp.matching_mode).label,
        "length_days": bp.length_days, "milestone_count": bp.milestone_count,
        "duties": [{"name": text_in(d.name), "period": DutyPeriod(d.period).label, "required": d.required}
                   for d in bp.duties],
        "timeline": selectors.blueprint_timeline(bp),
        "form": (forms_by_code or {}).get(bp.code) or FromTemplateForm(prefix=bp.code),
    } for bp in all_blueprints()]


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_create_program(actor) and actor.person is not None)
    return render(request, "programs/templates.html", {"cards": _template_cards()})


@login_required
@require_POST
def template_use(request: HttpRequest, code: str) -> HttpResponse:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_create_program(actor) and actor.person is not None)
    if get_blueprint(code) is None:
        raise Http404
    form = FromTemplateForm(request.POST, prefix=code)
    if form.is_valid():
        try:
            program = services.program_create_from_template(template_code=code, owner=actor.person, actor=actor,
                                                            **form.cleaned_data)
            messages.success(request, _("Program created from the template. Adjust its timeline and cadence, "
                                        "then enrol people."))
            return redirect("program_detail", program_id=program.pk)
        except ValidationFailed as exc:
            form_errors(form, exc)
    return render(request, "programs/templates.html", {"cards": _template_cards({code: form})}, status=400)


# -- the timeline and the cadence policy -----------------------------------------------------


def _managed(request: HttpRequest, program_id: int) -> tuple[authz.Actor, Program]:
    actor, program = get_program(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    return actor, program


def _edit_page(request, program, form, *, title, back, status=200):
    return render(request, "programs/edit_item.html", {"program": program, "form": form, "title": title,
                                                        "back": back}, status=status)


def _timeline_url(program: Program) -> str:
    return reverse("program_timeline", args=[program.pk])


@login_required
def program_timeline_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    return render(request, "programs/timeline_edit.html", {
        "program": program, "phases": selectors.phases_of(program=program),
        "duties": selectors.duties_of(program=program),
    })


def _save(request, program, form, save, *, title, success):
    """Validate ``form``, call ``save()`` (a service), redirect to the timeline editor; else the form
    again with the errors and a 400."""
    if request.method == "POST":
        if form.is_valid():
            try:
                save()
                messages.success(request, success)
                return redirect(_timeline_url(program))
            except ValidationFailed as exc:
                form_errors(form, exc)
        return _edit_page(request, program, form, title=title, back=_timeline_url(program), status=400)
    return _edit_page(request, program, form, title=title, back=_timeline_url(program))


@login_required
def phase_new(request: HttpRequest, program_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    form = PhaseForm(request.POST or None, program=program)
    return _save(request, program, form, lambda: services.phase_create(program=program, **form.service_args()),
                 title=_("New phase"), success=_("Phase added."))


@login_required
def phase_edit(request: HttpRequest, program_id: int, phase_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    phase = selectors.phase_in(program=program, phase_id=phase_id) or _404()
    initial = {"name": phase.name, "description": phase.description, "start_day": phase.start_day,
               "end_day": phase.end_day}
    form = PhaseForm(request.POST or None, program=program, initial=initial)
    return _save(request, program, form, lambda: services.phase_update(phase=phase, **form.service_args()),
                 title=_("Edit phase"), success=_("Phase saved."))


@login_required
@require_POST
def phase_delete(request: HttpRequest, program_id: int, phase_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    services.phase_delete(phase=selectors.phase_in(program=program, phase_id=phase_id) or _404())
    messages.success(request, _("Phase removed with its milestones."))
    return redirect(_timeline_url(program))


@login_required
def milestone_new(request: HttpRequest, program_id: int, phase_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    phase = selectors.phase_in(program=program, phase_id=phase_id) or _404()
    form = MilestoneForm(request.POST or None, program=program, initial={"due_day": phase.start_day})
    del form.fields["phase"]  # it is added to this phase; moving it is an edit
    return _save(request, program, form, lambda: services.milestone_create(phase=phase, **form.service_args()),
                 title=_("New milestone in “%(phase)s”") % {"phase": phase}, success=_("Milestone added."))


@login_required
def milestone_edit(request: HttpRequest, program_id: int, milestone_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    milestone = selectors.milestone_in(program=program, milestone_id=milestone_id) or _404()
    initial = {"name": milestone.name, "kind": milestone.kind, "due_day": milestone.due_day,
               "concerns": milestone.concerns, "description": milestone.description, "phase": milestone.phase}
    form = MilestoneForm(request.POST or None, program=program, initial=initial)
    return _save(request, program, form, lambda: services.milestone_update(
        milestone=milestone, phase=form.cleaned_data.get("phase") or milestone.phase, **form.service_args()),
        title=_("Edit milestone"), success=_("Milestone saved."))


@login_required
@require_POST
def milestone_delete(request: HttpRequest, program_id: int, milestone_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    services.milestone_delete(milestone=selectors.milestone_in(program=program, milestone_id=milestone_id) or _404())
    messages.success(request, _("Milestone removed."))
    return redirect(_timeline_url(program))


@login_required
@require_POST
def milestone_done(request: HttpRequest, program_id: int, milestone_id: int) -> HttpResponse:
    actor, program = _managed(request, program_id)
    milestone = selectors.milestone_in(program=program, milestone_id=milestone_id) or _404()
    services.milestone_set_done(milestone=milestone, done=request.POST.get("done") == "1", by=actor.person)
    return redirect(f"{program.get_absolute_url()}#timeline")


@login_required
def duty_new(request: HttpRequest, program_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    form = DutyForm(request.POST or None)
    return _save(request, program, form, lambda: services.duty_create(program=program, **form.service_args()),
                 title=_("New duty"), success=_("Duty added to the cadence policy."))


@login_required
def duty_edit(request: HttpRequest, program_id: int, duty_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    duty = selectors.duty_in(program=program, duty_id=duty_id) or _404()
    initial = {f: getattr(duty, f) for f in ("code", "name", "description", "required", "period", "requirement",
                                             "concerns")} | dict(duty.params or {})
    form = DutyForm(request.POST or None, initial=initial)
    return _save(request, program, form, lambda: services.duty_update(duty=duty, **form.service_args()),
                 title=_("Edit duty"), success=_("Duty saved."))


@login_required
@require_POST
def duty_delete(request: HttpRequest, program_id: int, duty_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    services.duty_delete(duty=selectors.duty_in(program=program, duty_id=duty_id) or _404())
    messages.success(request, _("Duty removed."))
    return redirect(_timeline_url(program))


def _404():
    raise Http404


# -- eligibility and enrolment ---------------------------------------------------------------


@login_required
def program_eligibility(request: HttpRequest, program_id: int) -> HttpResponse:
    """The eligibility rules, who they select (a preview), and enrolling them."""
    _actor, program = _managed(request, program_id)
    initial = {"departments": program.eligible_departments.all(), "job_profiles": program.eligible_job_profiles.all(),
               "languages": program.eligible_languages.all(), "hired_from": program.eligible_hired_from,
               "hired_to": program.eligible_hired_to}
    form = EligibilityForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.program_set_eligibility(program=program, **form.cleaned_data)
                messages.success(request, _("Eligibility rules saved. Check who they select, then enrol them."))
                return redirect("program_eligibility", program_id=program.pk)
            except ValidationFailed as exc:
                form_errors(form, exc)
        status = 400
    role = request.GET.get("role") if request.GET.get("role") in EnrolmentRole.values else EnrolmentRole.MENTEE
    has_rules = services.program_has_rules(program)
    preview = selectors.eligible_people(program=program, exclude_enrolled_as=role) if has_rules else None
    return render(request, "programs/eligibility.html", {
        "program": program, "form": form, "has_rules": has_rules, "role": role,
        "preview_count": preview.count() if preview is not None else 0,
        "preview": list(preview[:50]) if preview is not None else [],
        "enrol_form": EnrolEligibleForm(initial={"role": role}),
    }, status=status)


@login_required
@require_POST
def program_enrol_eligible(request: HttpRequest, program_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    form = EnrolEligibleForm(request.POST)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return redirect("program_eligibility", program_id=program.pk)
    try:
        added, kept = services.enrolment_add_eligible(program=program, **form.cleaned_data)
        messages.success(request, _("%(added)d enrolled; %(kept)d were already enrolled.") % {"added": added, "kept": kept})
    except ValidationFailed as exc:
        flash_error(request, exc)
        return redirect("program_eligibility", program_id=program.pk)
    return redirect(f"{program.get_absolute_url()}?role={form.cleaned_data['role']}")


@login_required
def program_enrol_import(request: HttpRequest, program_id: int) -> HttpResponse:
    _actor, program = _managed(request, program_id)
    form = EnrolImportForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.enrolment_import(program=program, data=upload.read(), file_name=upload.name)
                messages.success(request, _("%(added)d enrolled; %(kept)d were already enrolled.") % {
                    "added": result["added"], "kept": result["already_enrolled"]})
                return redirect("program_detail", program_id=program.pk)
            except ValidationFailed as exc:
                if isinstance(exc.errors, list):
                    errors = exc.errors
                    form.add_error(None, exc.message)
                else:
                    form_errors(form, exc)
    return render(request, "programs/enrol_import.html", {"program": program, "form": form, "errors": errors},
                  status=status)


# -- program administration: withdraw, remove, close, export, a mentor's load (issue 14 §2) ----


def _administered(request: HttpRequest, program_id: int) -> tuple[authz.Actor, Program]:
    actor, program = get_program(request, program_id)
    authz.require(authz.can_administer_enrolments(actor, program))
    return actor, program


def _enrolment_back(program: Program, role: str) -> str:
    return f"{program.get_absolute_url()}?role={role}#enrolled"


@login_required
def enrolment_withdraw(request: HttpRequest, program_id: int, enrolment_id: int) -> HttpResponse:
    """The confirmation page: what withdrawing does to the person's open pairs; then the withdrawal."""
    actor, program = _administered(request, program_id)
    enrolment = selectors.enrolment_in(program=program, enrolment_id=enrolment_id) or _404()
    status = 200
    if request.method == "POST":
        try:
            counts = services.enrolment_withdraw(enrolment=enrolment, actor=actor, reason=request.POST.get("reason", ""))
            cancelled, ended = counts["cancelled"], counts["ended_early"]
            messages.success(request, _("%(name)s withdrawn from the program.") % {"name": enrolment.person.full_name}
                             + " " + _("Pairs cancelled: %(c)d; ended early: %(e)d. The other side was told.") % {
                                 "c": cancelled, "e": ended})
            return redirect(_enrolment_back(program, enrolment.role))
        except ApplicationError as exc:
            flash_error(request, exc)
            status = exc.status
    return render(request, "programs/withdraw_confirm.html", {
        "program": program, "enrolment": enrolment,
        "consequences": selectors.withdrawal_consequences(enrolment=enrolment),
    }, status=status)


@login_required
@require_POST
def enrolment_remove(request: HttpRequest, program_id: int, enrolment_id: int) -> HttpResponse:
    _actor, program = _administered(request, program_id)
    enrolment = selectors.enrolment_in(program=program, enrolment_id=enrolment_id) or _404()
    try:
        services.enrolment_remove(enrolment=enrolment)
        messages.success(request, _("%(name)s removed from the program.") % {"name": enrolment.person.full_name})
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect(_enrolment_back(program, enrolment.role))


@login_required
def program_close(request: HttpRequest, program_id: int) -> HttpResponse:
    """The confirmation page for closing a program, with what happens to its open pairs."""
    actor, program = _administered(request, program_id)
    status = 200
    if request.method == "POST":
        try:
            services.program_close(program=program, actor=actor)
            messages.success(request, _("The program is closed. Its history stays on this page."))
            return redirect("program_detail", program_id=program.pk)
        except ApplicationError as exc:
            flash_error(request, exc)
            status = exc.status
    return render(request, "programs/close_confirm.html", {
        "program": program, "consequences": selectors.close_consequences(program=program),
        "is_closed": program.status == ProgramStatus.CLOSED,
    }, status=status)


@login_required
def program_enrolments_export(request: HttpRequest, program_id: int, fmt: str) -> HttpResponse:
    """Every enrolment of the program (withdrawn ones too) as CSV or XLSX, for the program team."""
    _actor, program = _administered(request, program_id)
    return exports.enrolment_table(program=program, fmt=fmt)


@login_required
def mentor_load(request: HttpRequest, employee_id: str) -> HttpResponse:
    """A mentor's load across every program: open and active pairs and capacity per program."""
    actor = authz.actor_for(request.user)
    person = people_selectors.person_get(employee_id=employee_id)
    if person is None:
        raise Http404
    authz.require(authz.can_view_mentor_load(actor, person))
    load = mentorship_selectors.mentor_load(person=person)
    return render(request, "programs/mentor_load.html", {"load": load, "person": person})
