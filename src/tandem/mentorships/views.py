"""Pages of a mentorship: its life (status, parties, history, the next step), the agreement, and
the program's list of pairs. Thin: each view asks ``selectors.mentorship_for`` (the one access
helper) and calls one service."""

from __future__ import annotations

import datetime
import difflib

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
from tandem.mentorships import lifecycle, selectors, services
from tandem.mentorships.forms import AgreementForm
from tandem.mentorships.models import MentorshipStatus
from tandem.people.models import Person
from tandem.programs.views import get_program
from tandem.web.exports import table_download
from tandem.web.feedback import flash_error, form_errors


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
def mentorship_list(request: HttpRequest) -> HttpResponse:
    actor = authz.actor_for(request.user)
    if actor.person is None:
        items = []
    else:
        items = list(selectors.mentorships_of(person=actor.person, statuses=tuple(MentorshipStatus.values)))
    return render(request, "mentorships/list.html", {
        "open": [m for m in items if m.is_open], "closed": [m for m in items if not m.is_open],
        "me": actor.person})


@login_required
def mentorship_detail(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    roles = set(authz.mentorship_roles(actor, m))
    agreement = services.agreement_latest(m)
    return render(request, "mentorships/detail.html", {
        "m": m, "roles": roles, "history": selectors.timeline(mentorship=m),
        "agreement": agreement, "agreement_in_force": selectors.agreement_in_force(mentorship=m),
        "pending_parties": _pending_parties(m, agreement),
        "next_statuses": lifecycle.next_statuses(m.status), "S": MentorshipStatus,
        "is_pair": bool(roles & {"mentor", "mentee"}), "is_team": "program_team" in roles,
        "private": authz.can_view_mentorship_private(actor, m),
        "has_plan": hasattr(m, "plan"),
        "can_rematch": authz.can_rematch(actor, m) and m.status != MentorshipStatus.DECLINED
        and m.program.status in ("open", "running"),
    })


def _pending_parties(m, agreement) -> list[dict]:
    if agreement is None:
        return []
    signed = {s.party: s for s in agreement.signatures.select_related("person")}
    people = services.agreement_parties(m)
    return [{"party": p, "label": _party_label(p), "person": people.get(p), "signature": signed.get(p)}
            for p in agreement.parties]


def _party_label(party: str) -> str:
    from tandem.programs.models import AgreementParty

    return str(AgreementParty(party).label) if party in AgreementParty.values else party


@login_required
@require_POST
def mentorship_action(request: HttpRequest, mentorship_id: int, action: str) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    reason = request.POST.get("reason", "")
    try:
        if action == "accept":
            services.mentorship_accept(mentorship=m, actor=actor, intro_at=_parse_when(request.POST.get("intro_at", "")))
            messages.success(request, _("Accepted. Meet for an introduction, then both confirm."))
        elif action == "decline":
            services.mentorship_decline(mentorship=m, actor=actor, reason=reason)
            messages.success(request, _("Declined. The mentee can choose someone else."))
        elif action == "confirm":
            m = services.mentorship_confirm(mentorship=m, actor=actor)
            if m.status == MentorshipStatus.ACTIVE:
                messages.success(request, _("Confirmed. The mentorship has started."))
            elif m.status == MentorshipStatus.AGREEMENT:
                messages.success(request, _("Confirmed by both. Next: agree and sign the agreement."))
            else:
                messages.success(request, _("Confirmed. Waiting for the other side."))
        elif action == "withdraw":
            services.mentorship_cancel(mentorship=m, actor=actor, reason=reason)
            messages.success(request, _("Withdrawn."))
        elif action == "schedule":
            when = _parse_when(request.POST.get("intro_at", ""))
            if when is None:
                raise ValidationFailed({"intro_at": [_("Enter a date and time.")]})
            services.mentorship_schedule_intro(mentorship=m, actor=actor, intro_at=when)
            messages.success(request, _("Introductory meeting planned."))
        elif action == "complete":
            services.mentorship_complete(mentorship=m, actor=actor, reason=reason)
            messages.success(request, _("The mentorship is completed."))
        elif action == "end_early":
            services.mentorship_end_early(mentorship=m, actor=actor, reason=reason)
            messages.success(request, _("The mentorship has ended early."))
        elif action == "activate":
            services.mentorship_hr_decide(mentorship=m, actor=actor, to=MentorshipStatus.ACTIVE, reason=reason)
            messages.success(request, _("The mentorship is active by an HR decision, on the record."))
        else:
            raise Http404
    except ApplicationError as exc:
        if exc.status == 403:
            raise
        flash_error(request, exc)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else m.get_absolute_url())


@login_required
def agreement(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    latest = services.agreement_latest(m)
    can_edit = authz.can_edit_agreement(actor, m) and m.status in (MentorshipStatus.AGREEMENT, MentorshipStatus.ACTIVE)
    form = None
    if can_edit:
        if request.method == "POST":
            form = AgreementForm(request.POST)
            if form.is_valid():
                try:
                    services.agreement_save(mentorship=m, actor=actor, data=form.service_data())
                    messages.success(request, _("Agreement saved. Every party signs the new text."))
                    return redirect("mentorship_agreement", mentorship_id=m.pk)
                except ValidationFailed as exc:
                    form_errors(form, exc)
                except ApplicationError as exc:
                    if exc.status == 403:
                        raise
                    flash_error(request, exc)
        else:
            form = AgreementForm(initial=AgreementForm.initial_from(latest))
    elif request.method == "POST":
        authz.require(False)
    parties = authz.agreement_parties_of(actor, m)
    pending = _pending_parties(m, latest)
    can_sign = latest is not None and any(p["party"] in parties and p["signature"] is None for p in pending)
    return render(request, "mentorships/agreement.html", {
        "m": m, "agreement": latest, "form": form, "pending": pending, "can_sign": can_sign,
        "versions": selectors.agreement_versions(mentorship=m),
        "in_force": selectors.agreement_in_force(mentorship=m),
    })


@login_required
@require_POST
def agreement_sign(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    try:
        a = services.agreement_sign(mentorship=m, actor=actor)
        messages.success(request, _("Signed.") + " " + (
            _("Every party has signed: the agreement is in force.") if a.fully_signed_at
            else _("Waiting for the other parties.")))
    except ApplicationError as exc:
        if exc.status == 403:
            raise
        flash_error(request, exc)
    return redirect("mentorship_agreement", mentorship_id=m.pk)


def _lines(a) -> list[str]:
    out = [f"{_('Term')}: {a.starts_on.isoformat()} – {a.ends_on.isoformat()}",
           f"{_('Meetings')}: {a.get_meeting_frequency_display()}, {a.meeting_minutes} min, {a.get_meeting_format_display()}",
           f"{_('Competencies')}: {', '.join(sorted(c.tr('name') for c in a.competencies.all())) or '—'}"]
    for label, text in ((_("Expected results and goals"), a.goals), (_("Confidentiality"), a.confidentiality),
                        (_("Other clauses"), a.clauses)):
        out.append(f"{label}:")
        out.extend(("  " + line) for line in (text or "—").splitlines())
    return out


@login_required
def agreement_version(request: HttpRequest, mentorship_id: int, version: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    a = selectors.agreement_version(mentorship=m, version=version)
    other = None
    diff: list[tuple[str, str]] = []
    try:
        compare = int(request.GET.get("compare", version - 1))
    except ValueError:
        compare = version - 1
    if compare != version and 1 <= compare < 10000:
        other = selectors.agreement_versions(mentorship=m).filter(version=compare).first()
    if other is not None:
        for line in difflib.ndiff(_lines(other), _lines(a)):
            if line.startswith("?"):
                continue
            diff.append(({"+": "added", "-": "removed"}.get(line[0], "same"), line[2:]))
    return render(request, "mentorships/agreement_version.html", {
        "m": m, "a": a, "other": other, "diff": diff, "pending": _pending_parties(m, a)})


@login_required
def agreement_print(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    a = selectors.agreement_in_force(mentorship=m) or services.agreement_latest(m)
    if a is None:
        raise Http404
    return render(request, "mentorships/agreement_print.html", {"m": m, "a": a, "pending": _pending_parties(m, a)})


@login_required
def program_pairs_export(request: HttpRequest, program_id: int, fmt: str) -> HttpResponse:
    """The program's pairs as CSV or XLSX, for the program team."""
    actor, program = get_program(request, program_id)
    authz.require(authz.can_manage_program(actor, program))
    qs = selectors.program_mentorships(program=program)
    headers = [_("Mentee"), _("Mentee's employee ID"), _("Mentor"), _("Mentor's employee ID"), _("Status"),
               _("How they were paired"), _("Score"), _("Started on"), _("Ended on"), _("Created")]
    rows = ([m.mentee.full_name, m.mentee.employee_id, m.mentor.full_name, m.mentor.employee_id,
             m.get_status_display(), m.get_origin_display(), m.score, m.started_on, m.ended_on,
             timezone.localtime(m.created_at).replace(tzinfo=None)] for m in qs.iterator(chunk_size=2000))
    return table_download(fmt=fmt, filename=f"pairs-{program.pk}", sheet=_("Pairs"), headers=headers, rows=rows)


@login_required
def program_pairs(request: HttpRequest, program_id: int) -> HttpResponse:
    actor, program = get_program(request, program_id)
    sees_all = authz.can_manage_program(actor, program) or actor.is_hr
    status = request.GET.get("status", "")
    status = status if status in MentorshipStatus.values else ""
    qs = selectors.program_mentorships(program=program, person=None if sees_all else actor.person, status=status)
    if not sees_all and actor.person is None:
        qs = qs.none()
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    loads = selectors.open_load([m.mentor_id for m in page.object_list]) if sees_all else {}
    for m in page.object_list:
        m.mentor_load = loads.get(m.mentor_id, 0)
    return render(request, "matching/choose/pairs.html", {
        "program": program, "page": page, "status": status, "statuses": MentorshipStatus.choices, "sees_all": sees_all,
    })


@login_required
def mentorship_rematch(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """The program team pairs the mentee with another mentor: the page shows what happens to the
    current pair and the mentors with a free slot; confirming closes it and proposes the new pair."""
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_rematch)
    status = 200
    if request.method == "POST":
        mentor = Person.objects.filter(employee_id=request.POST.get("mentor", "")[:40]).first()
        try:
            if mentor is None:
                raise ValidationFailed({"mentor": [_("Choose a mentor from the list.")]})
            new = services.mentorship_rematch(mentorship=m, mentor=mentor, actor=actor,
                                              reason=request.POST.get("reason", ""))
            messages.success(request, _("%(mentee)s is now paired with %(mentor)s. Both are told and confirm after "
                                        "an introductory meeting.") % {"mentee": m.mentee.full_name,
                                                                        "mentor": mentor.full_name})
            return redirect(new.get_absolute_url())
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            flash_error(request, exc)
            status = exc.status
    return render(request, "mentorships/rematch.html", {
        "m": m, "candidates": selectors.rematch_candidates(mentorship=m), "S": MentorshipStatus,
    }, status=status)
