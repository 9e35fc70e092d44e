"""Pages of flow 1 (recommend and choose) and the program's pair list."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ApplicationError, ValidationFailed
from tandem.matching.flows import choose
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.people.models import Person
from tandem.programs.views import get_program
from tandem.web.feedback import flash_error

_flash = flash_error


def _parse_when(value: str) -> datetime.datetime | None:
    """A datetime-local value in the user's time zone; None when empty; error when malformed."""
    if not value:
        return None
    dt = parse_datetime(value)
    if dt is None:
        raise ValidationFailed({"intro_at": [_("Enter a date and time like 2026-12-01 14:00.")]})
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt, timezone.get_current_timezone())
    return dt


@login_required
def recommendations(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = get_program(request, program_id)
    authz.require(authz.can_get_recommendations(actor, program))
    current = choose.open_mentorship_of(program=program, mentee=actor.person)
    try:
        k = max(3, min(int(request.GET.get("k", 3)), choose.MAX_RECOMMENDATIONS))
    except ValueError:
        k = 3
    recs = [] if current else choose.recommendations_for(program=program, mentee=actor.person, k=k)
    ctx = {"program": program, "current": current, "recs": recs, "k": k, "more": k + 3,
           "has_more": len(recs) == k and k < choose.MAX_RECOMMENDATIONS}
    return render(request, "matching/choose/recommendations.html", ctx)


@login_required
@require_POST
def request_mentor(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = get_program(request, program_id)
    authz.require(authz.can_get_recommendations(actor, program))
    mentor = Person.objects.filter(employee_id=request.POST.get("mentor", "")).first()
    if mentor is None:
        messages.error(request, _("Choose a mentor from the list."))
    else:
        try:
            choose.mentorship_request(program=program, mentee=actor.person, mentor=mentor,
                                      message=request.POST.get("message", ""))
            messages.success(request, _("Request sent to %(name)s. You will see the answer here.") % {"name": mentor.full_name})
        except ApplicationError as exc:
            _flash(request, exc)
    return redirect("recommendations", program_id=program.pk)


@login_required
def mentor_requests(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = get_program(request, program_id)
    authz.require(authz.enrolled_as(actor, program, "mentor"))
    items = list(choose.requests_for_mentor(program=program, mentor=actor.person))
    return render(request, "matching/choose/requests.html", {
        "program": program,
        "requested": [m for m in items if m.status == MentorshipStatus.REQUESTED],
        "intro": [m for m in items if m.status == MentorshipStatus.INTRO],
        "active": [m for m in items if m.status == MentorshipStatus.ACTIVE],
    })


def _mentorship(actor: authz.Actor, program_id: int, mentorship_id: int) -> Mentorship:
    m = Mentorship.objects.filter(pk=mentorship_id, program_id=program_id).first()
    if m is None or not authz.can_act_on_mentorship(actor, m):
        raise Http404
    return m


@login_required
@require_POST
def mentorship_action(request: HttpRequest, program_id: int, mentorship_id: int, action: str) -> HttpResponse:
    actor, program = get_program(request, program_id)
    m = _mentorship(actor, program.pk, mentorship_id)
    try:
        if action == "accept":
            authz.require(authz.can_answer_request(actor, m))
            choose.mentorship_accept(mentorship=m, mentor=actor.person, intro_at=_parse_when(request.POST.get("intro_at", "")))
            messages.success(request, _("Accepted. Meet for an introduction, then both confirm."))
        elif action == "decline":
            authz.require(authz.can_answer_request(actor, m))
            choose.mentorship_decline(mentorship=m, mentor=actor.person, reason=request.POST.get("reason", ""))
            messages.success(request, _("Declined. The mentee can choose someone else."))
        elif action == "confirm":
            m = choose.mentorship_confirm(mentorship=m, person=actor.person)
            messages.success(request, _("Confirmed. The mentorship has started.") if m.status == MentorshipStatus.ACTIVE
                             else _("Confirmed. Waiting for the other side."))
        elif action == "withdraw":
            choose.mentorship_withdraw(mentorship=m, person=actor.person)
            messages.success(request, _("Withdrawn."))
        elif action == "schedule":
            when = _parse_when(request.POST.get("intro_at", ""))
            if when is None:
                raise ValidationFailed({"intro_at": [_("Enter a date and time.")]})
            choose.mentorship_schedule_intro(mentorship=m, person=actor.person, intro_at=when)
            messages.success(request, _("Introductory meeting planned."))
        else:
            raise Http404
    except ApplicationError as exc:
        if exc.status == 403:
            raise
        _flash(request, exc)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith(f"/programs/{program.pk}/") else f"/programs/{program.pk}/")


@login_required
def pairs(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = get_program(request, program_id)
    sees_all = authz.can_manage_program(actor, program) or actor.is_hr
    status = request.GET.get("status", "")
    status = status if status in MentorshipStatus.values else ""
    qs = choose.program_mentorships(program=program, person=None if sees_all else actor.person, status=status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "matching/choose/pairs.html", {
        "program": program, "page": page, "status": status, "statuses": MentorshipStatus.choices, "sees_all": sees_all,
    })
