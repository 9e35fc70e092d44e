"""Pages of flow 2: the program manager's bulk match (preview, pins and exclusions, commit)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ApplicationError, error_messages
from tandem.matching.flows import bulk
from tandem.matching.models import ConstraintKind, MatchConstraint, RunStatus
from tandem.people.models import Person
from tandem.programs.models import Program
from tandem.programs.views import get_program
from tandem.web.feedback import flash_error


def _bulk_program(request: HttpRequest, program_id: int) -> tuple[authz.Actor, Program]:
    actor, program = get_program(request, program_id)
    authz.require(authz.can_run_bulk_match(actor, program))
    return actor, program


_errors = error_messages
_flash = flash_error


def _back(program: Program) -> HttpResponse:
    return redirect("bulk_match", program_id=program.pk)


def _constraints_context(program: Program, errors: list[str] | None = None, notice: str = "") -> dict:
    return {
        "program": program,
        "constraints": bulk.constraints_of(program=program),
        "constraint_mentees": bulk.mentees_to_match(program=program),
        "constraint_mentors": bulk.mentors_of(program=program),
        "kinds": ConstraintKind.choices,
        "constraint_errors": errors or [],
        "constraint_notice": notice,
    }


@login_required
def bulk_match(request: HttpRequest, program_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    run = bulk.latest_run(program=program)
    return render(request, "matching/bulk/page.html", {
        **_constraints_context(program),
        "overview": bulk.bulk_overview(program=program),
        "view": bulk.run_view(run=run) if run is not None else None,
        "RunStatus": RunStatus,
    })


@login_required
@require_POST
def bulk_run_preview(request: HttpRequest, program_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    try:
        run = bulk.bulk_preview(program=program, user=request.user)
    except ApplicationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, ngettext(
            "Preview ready: %(n)d pair proposed. Nothing is saved until you commit.",
            "Preview ready: %(n)d pairs proposed. Nothing is saved until you commit.", len(run.pairs),
        ) % {"n": len(run.pairs)})
    return _back(program)


@login_required
@require_POST
def bulk_run_commit(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    try:
        created = bulk.bulk_commit(run=bulk.run_get(program=program, run_id=run_id), user=request.user)
    except ApplicationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, ngettext(
            "%(n)d pair created. Each pair now holds an introductory meeting and confirms.",
            "%(n)d pairs created. Each pair now holds an introductory meeting and confirms.", created,
        ) % {"n": created})
    return _back(program)


@login_required
@require_POST
def bulk_run_discard(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    try:
        bulk.bulk_discard(run=bulk.run_get(program=program, run_id=run_id), user=request.user)
    except ApplicationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Preview discarded."))
    return _back(program)


def _person(value: str | None) -> Person | None:
    try:
        return Person.objects.filter(pk=int(value or "")).first()
    except ValueError:
        return None


def _constraints_response(request: HttpRequest, program: Program, errors: list[str], notice: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(request, "matching/bulk/_constraints.html", _constraints_context(program, errors, notice))
    for e in errors:
        messages.error(request, e)
    if notice:
        messages.success(request, notice)
    return _back(program)


@login_required
@require_POST
def bulk_constraint_add(request: HttpRequest, program_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    mentee, mentor = _person(request.POST.get("mentee")), _person(request.POST.get("mentor"))
    errors: list[str] = []
    notice = ""
    if mentee is None or mentor is None:
        errors.append(_("Choose a mentee and a mentor."))
    else:
        try:
            c = bulk.constraint_add(program=program, mentee=mentee, mentor=mentor,
                                    kind=request.POST.get("kind", ""), user=request.user)
        except ApplicationError as exc:
            errors = _errors(exc)
        else:
            notice = (_("%(mentee)s will always be paired with %(mentor)s. Run the preview again.")
                      if c.kind == ConstraintKind.PIN else
                      _("%(mentee)s will never be paired with %(mentor)s. Run the preview again.")) % {
                "mentee": mentee.full_name, "mentor": mentor.full_name}
    return _constraints_response(request, program, errors, notice)


@login_required
@require_POST
def bulk_constraint_remove(request: HttpRequest, program_id: int, constraint_id: int) -> HttpResponse:
    _actor, program = _bulk_program(request, program_id)
    c = MatchConstraint.objects.filter(program=program, pk=constraint_id).select_related("mentee", "mentor").first()
    errors: list[str] = []
    notice = ""
    if c is None:
        errors.append(_("This pin or exclusion no longer exists."))
    else:
        try:
            bulk.constraint_remove(program=program, mentee=c.mentee, mentor=c.mentor, user=request.user)
        except ApplicationError as exc:
            errors = _errors(exc)
        else:
            notice = _("Rule removed. Run the preview again.")
    return _constraints_response(request, program, errors, notice)
