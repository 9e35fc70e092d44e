"""Pages of flow 1 (recommend and choose). The pair's own pages are in the mentorships app."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ApplicationError
from tandem.matching import adapter
from tandem.matching.flows import choose
from tandem.mentorships import selectors as mentorship_selectors
from tandem.mentorships.models import MentorshipStatus
from tandem.people import selectors as people_selectors
from tandem.programs.views import get_program
from tandem.web.feedback import flash_error

_flash = flash_error


@login_required
def recommendations(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = get_program(request, program_id)
    authz.require(authz.can_get_recommendations(actor, program))
    current = mentorship_selectors.open_mentorship_of(program=program, mentee=actor.person)
    try:
        k = max(3, min(int(request.GET.get("k", 3)), choose.MAX_RECOMMENDATIONS))
    except ValueError:
        k = 3
    recs = [] if current else choose.recommendations_for(program=program, mentee=actor.person, k=k)
    scale = adapter.score_scale(adapter.weights_for(program)) if recs else None
    ctx = {"program": program, "current": current, "recs": recs, "k": k, "more": k + 3, "scale": scale,
           "has_more": len(recs) == k and k < choose.MAX_RECOMMENDATIONS}
    return render(request, "matching/choose/recommendations.html", ctx)


@login_required
@require_POST
def request_mentor(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = get_program(request, program_id)
    authz.require(authz.can_get_recommendations(actor, program))
    mentor = people_selectors.person_get(employee_id=request.POST.get("mentor", "")[:40])
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
    items = list(mentorship_selectors.requests_for_mentor(program=program, mentor=actor.person))
    return render(request, "matching/choose/requests.html", {
        "program": program,
        "requested": [m for m in items if m.status == MentorshipStatus.REQUESTED],
        "intro": [m for m in items if m.status == MentorshipStatus.INTRO],
        "agreement": [m for m in items if m.status == MentorshipStatus.AGREEMENT],
        "active": [m for m in items if m.status == MentorshipStatus.ACTIVE],
    })


