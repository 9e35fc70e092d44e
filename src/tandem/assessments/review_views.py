"""Pages of competency reviews: a program's reviews (campaigns, open one, the before/after chart); a
campaign (who has answered); one person's review (raters, answers, add a peer); rating (a rater's
form); my reviews to rate.

Thin: an access helper, a form that shapes input, one service. Bad input re-renders the page with
the messages (4xx); a refusal by the rules is the error page with its status (403 / 404 / 409).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from tandem.assessments import review_selectors as sel
from tandem.assessments import review_services as services
from tandem.assessments.review_models import ReviewKind
from tandem.core import authz
from tandem.core.errors import ApplicationError, NotFound, error_messages
from tandem.people.selectors import person_get
from tandem.programs.selectors import program_get


def _program(actor: authz.Actor, program_id: int):
    program = program_get(program_id=program_id)
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound()
    return program


def _form_messages(form: forms.Form) -> list[str]:
    return [f"{form.fields[f].label or f}: {e}" if f in form.fields else str(e)
            for f, errs in form.errors.items() for e in errs]


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label=_l("Kind"), choices=ReviewKind.choices)
    opens_on = forms.DateField(label=_l("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_l("Closes on"), widget=forms.DateInput(attrs={"type": "date"}))


class PeerForm(forms.Form):
    employee_id = forms.CharField(label=_l("Employee ID of the peer"), max_length=40)


# -- a program's reviews ---------------------------------------------------------------------


def _program_page(request: HttpRequest, program, *, status: int = 200, errors: list[str] | None = None,
                  form: CampaignForm | None = None) -> HttpResponse:
    page = Paginator(sel.campaigns_of(program=program), 20).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "assessments/reviews/program.html", {
        "program": program, "page": page, "today": today, "errors": errors or [],
        "form": form or CampaignForm(initial={"kind": ReviewKind.FOLLOW_UP, "opens_on": today,
                                              "closes_on": today + timezone.timedelta(days=services.WINDOW_DAYS)}),
        "change": sel.program_change(program=program),
    }, status=status)


@login_required
def program_reviews(request: HttpRequest, program_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    program = _program(actor, program_id)
    authz.require(authz.can_open_reviews(actor, program))
    return _program_page(request, program)


@login_required
@require_POST
def campaign_open(request: HttpRequest, program_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    program = _program(actor, program_id)
    authz.require(authz.can_open_reviews(actor, program))
    form = CampaignForm(request.POST)
    if not form.is_valid():
        return _program_page(request, program, status=422, errors=_form_messages(form), form=form)
    try:
        c = services.review_campaign_open(program=program, actor=actor, **form.cleaned_data)
    except ApplicationError as exc:
        if exc.status >= 500:
            raise
        return _program_page(request, program, status=exc.status, errors=error_messages(exc), form=form)
    messages.success(request, _("Review opened: the raters have been told."))
    return redirect(reverse("review_campaign", args=[c.pk]))


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    campaign = sel.campaign_for(actor, campaign_id)
    page = Paginator(sel.reviews_of(campaign=campaign), 25).get_page(request.GET.get("page"))
    return render(request, "assessments/reviews/campaign.html", {
        "campaign": campaign, "page": page, "open": services.is_open(campaign)})


# -- one review ------------------------------------------------------------------------------


def _review_page(request: HttpRequest, actor: authz.Actor, review, *, status: int = 200,
                 errors: list[str] | None = None) -> HttpResponse:
    review = sel.review_detail(review=review)
    me = actor.person.pk if actor.person is not None else None
    all_answers = sel.can_read_answers(actor, review)
    competencies = list(review.competencies.all())
    raters = []
    for a in review.assignments.all():
        by_comp = {x.competency_id: x for x in a.answers.all()}
        shown = all_answers or a.rater_id == me
        raters.append({"a": a, "shown": shown, "mine": a.rater_id == me,
                       "answers": [by_comp.get(c.pk) for c in competencies] if shown else []})
    return render(request, "assessments/reviews/review.html", {
        "review": review, "campaign": review.campaign, "competencies": competencies, "raters": raters,
        "can_add_peer": authz.can_open_reviews(actor, review.campaign.program)
        and timezone.localdate() <= review.campaign.closes_on,
        "peer_form": PeerForm(), "errors": errors or [], "open": services.is_open(review.campaign),
    }, status=status)


@login_required
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    return _review_page(request, actor, sel.review_for(actor, review_id))


@login_required
@require_POST
def review_peer_add(request: HttpRequest, review_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    review = sel.review_for(actor, review_id)
    authz.require(authz.can_open_reviews(actor, review.campaign.program))
    form = PeerForm(request.POST)
    if not form.is_valid():
        return _review_page(request, actor, review, status=422, errors=_form_messages(form))
    peer = person_get(employee_id=form.cleaned_data["employee_id"].strip())
    if peer is None:
        return _review_page(request, actor, review, status=422, errors=[_("No person with this employee ID.")])
    try:
        services.review_peer_add(review=review, actor=actor, peer=peer)
    except ApplicationError as exc:
        if exc.status >= 500:
            raise
        return _review_page(request, actor, review, status=exc.status, errors=error_messages(exc))
    messages.success(request, _("%(name)s is asked to rate as a peer.") % {"name": peer.full_name})
    return redirect(reverse("review_detail", args=[review.pk]))


# -- rating ----------------------------------------------------------------------------------


def _assignment_page(request: HttpRequest, actor: authz.Actor, a, *, status: int = 200,
                     errors: dict[str, list[str]] | None = None) -> HttpResponse:
    review = sel.review_detail(review=a.review)
    comps = list(review.competencies.all())
    reqs = {}
    if review.subject.job_profile_id:
        reqs = dict(review.subject.job_profile.requirements.values_list("competency_id", "target_level"))
    given = {x.competency_id: x for x in a.answers.select_related("competency")}
    errors = errors or {}
    rows = [{"c": c, "target": reqs.get(c.pk), "answer": given.get(c.pk),
             "posted": request.POST.get(f"level-{c.pk}", ""), "note": request.POST.get(f"note-{c.pk}", ""),
             "errors": errors.get(f"competency.{c.pk}", []) + errors.get(f"note.{c.pk}", []),
             "levels": [(lv.level, lv.tr("descriptor")) for lv in c.levels.all()]} for c in comps]
    mine = actor.person is not None and a.rater_id == actor.person.pk
    return render(request, "assessments/reviews/assignment.html", {
        "a": a, "review": review, "campaign": review.campaign, "rows": rows, "errors": errors,
        "mine": mine, "open": services.is_open(review.campaign),
        "can_submit": mine and a.submitted_at is None and services.is_open(review.campaign)
        and authz.can_submit_review(actor, a, review.subject),
        "scale": range(1, 6),
    }, status=status)


@login_required
def review_assignment(request: HttpRequest, assignment_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    a = sel.assignment_for(actor, assignment_id)
    if request.method != "POST":
        return _assignment_page(request, actor, a)
    answers = [{"competency_id": c.pk, "level": request.POST.get(f"level-{c.pk}", ""),
                "note": request.POST.get(f"note-{c.pk}", "")} for c in a.review.competencies.all()]
    try:
        services.review_submit(assignment=a, actor=actor, answers=answers)
    except ApplicationError as exc:
        if exc.status >= 500 or exc.status in (403, 404):
            raise
        errors = getattr(exc, "errors", None)
        return _assignment_page(request, actor, a, status=exc.status,
                                errors=errors if isinstance(errors, dict) else {"": error_messages(exc)})
    messages.success(request, _("Your ratings are recorded. Thank you."))
    return redirect(reverse("reviews_mine"))


@login_required
def reviews_mine(request: HttpRequest) -> HttpResponse:
    actor = authz.actor_for(request.user)
    page = Paginator(sel.assignments_of(person=actor.person), 25).get_page(request.GET.get("page"))
    return render(request, "assessments/reviews/mine.html", {"page": page, "today": timezone.localdate(),
                                                             "me": actor.person})
