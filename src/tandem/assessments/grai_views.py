"""Pages of GRAI reviews: the pair's page (the form, the reviews newest first with their comments)
and the program's "who is behind" list.

Thin: the access helpers, a form that shapes the input, one service. A refused input re-renders the
page with the messages and a 4xx (nothing saved); a move the rules forbid is the error page with its
status through the middleware. HR and the program team see the pair's page as a summary (periods and
dates, no texts); the line manager and the head get a 403.
"""

from __future__ import annotations

from typing import Any

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

from tandem.assessments import grai_selectors, grai_services
from tandem.assessments.grai_models import GRAI_COMMENT_MAX, GRAI_TEXT_MAX, GraiCadence
from tandem.core import authz
from tandem.core.errors import ApplicationError, Conflict, ValidationFailed, error_messages
from tandem.mentorships import selectors as mentorship_selectors
from tandem.mentorships.models import Mentorship

PAGE_SIZE = 20
BEHIND_PAGE_SIZE = 50
Q_LIMIT = 100


def _area(label: Any, help_text: Any) -> forms.CharField:
    # strip=False and no max_length here: the service checks (one wording for the page and the API)
    return forms.CharField(label=label, help_text=help_text, required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 3, "maxlength": GRAI_TEXT_MAX}))


class ReviewForm(forms.Form):
    period_start = forms.DateField(label=_l("Period (any day of it)"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    goal = _area(_l("Goal"), _l("What did you set out to do?"))
    result = _area(_l("Result"), _l("What actually happened, compared with the goal?"))
    analysis = _area(_l("Analysis"), _l("Why: what worked, what did not, and what was in your hands?"))
    insight = _area(_l("Insight"), _l("What will you keep or change next time?"))


class CommentForm(forms.Form):
    text = forms.CharField(label=_l("Comment"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 2, "maxlength": GRAI_COMMENT_MAX}))


def _form_messages(form: forms.Form) -> list[str]:
    return [f"{form.fields[f].label or f}: {e}" if f in form.fields else str(e)
            for f, errs in form.errors.items() for e in errs]


def _field_messages(exc: ApplicationError) -> list[str]:
    errors = getattr(exc, "errors", None)
    labels = {f: ReviewForm.base_fields[f].label for f in ReviewForm.base_fields}
    labels["text"] = CommentForm.base_fields["text"].label
    if isinstance(errors, dict):
        return [f"{labels[f]}: {e}" if f in labels else str(e) for f, errs in errors.items() for e in errs]
    return error_messages(exc)


def _url(m: Mentorship, anchor: str = "") -> str:
    return reverse("mentorship_grai", args=[m.pk]) + (f"#{anchor}" if anchor else "")


def _cadence_label(cadence: str) -> str:
    return str(GraiCadence(cadence).label)


def _page(request: HttpRequest, actor: authz.Actor, m: Mentorship, *, status: int = 200,
          errors: list[str] | None = None, form: ReviewForm | None = None) -> HttpResponse:
    private = authz.can_read_grai(actor, m)
    can_write = authz.can_write_grai(actor, m)
    cadence = grai_services.cadence_of(m.program)
    today = timezone.localdate()
    current = grai_services.period_start_of(cadence, today)
    page = Paginator(grai_selectors.reviews_of(mentorship=m), PAGE_SIZE).get_page(request.GET.get("page"))
    mine_now = (grai_selectors.mine_in_period(mentorship=m, author=actor.person, period_start=current)
                if can_write and actor.person is not None else None)
    return render(request, "assessments/grai/pair.html", {
        "m": m, "page": page, "private": private, "can_write": can_write, "errors": errors or [],
        "form": form or ReviewForm(), "comment_form": CommentForm(), "cadence": cadence,
        "cadence_label": _cadence_label(cadence), "current": current,
        "current_end": grai_services.period_end_of(cadence, current), "mine_now": mine_now,
        "me": actor.person, "can_overview": authz.can_view_program_grai(actor, m.program),
    }, status=status)


@login_required
def pair(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = mentorship_selectors.mentorship_for(actor, mentorship_id, rule=authz.can_view_grai_summary)
    return _page(request, actor, m)


@login_required
@require_POST
def review_add(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = mentorship_selectors.mentorship_for(actor, mentorship_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, m, status=400, errors=_form_messages(form), form=form)
    try:
        r = grai_services.grai_review_submit(mentorship=m, actor=actor, **form.cleaned_data)
    except (ValidationFailed, Conflict) as exc:
        if isinstance(exc, Conflict) and exc.code != "grai_already_written":
            raise
        return _page(request, actor, m, status=exc.status, errors=_field_messages(exc), form=form)
    messages.success(request, _("Your GRAI review is saved."))
    return redirect(_url(m, f"grai-{r.pk}"))


@login_required
@require_POST
def review_edit(request: HttpRequest, mentorship_id: int, review_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = mentorship_selectors.mentorship_for(actor, mentorship_id, rule=authz.can_read_grai)
    r = grai_selectors.review_of(mentorship=m, review_id=review_id)
    if r is None:
        return _page(request, actor, m, status=404, errors=[_("This review does not exist.")])
    r.mentorship = m
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, m, status=400, errors=_form_messages(form))
    changes = {f: form.cleaned_data[f] for f in grai_services.FIELDS if f in request.POST}
    try:
        grai_services.grai_review_update(review=r, actor=actor, **changes)
    except ValidationFailed as exc:
        return _page(request, actor, m, status=exc.status, errors=_field_messages(exc))
    messages.success(request, _("Your GRAI review is updated."))
    return redirect(_url(m, f"grai-{r.pk}"))


@login_required
@require_POST
def comment_add(request: HttpRequest, mentorship_id: int, review_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = mentorship_selectors.mentorship_for(actor, mentorship_id)
    r = grai_selectors.review_of(mentorship=m, review_id=review_id)
    if r is None or not authz.can_read_grai(actor, m):
        authz.require(authz.can_read_grai(actor, m))
        return _page(request, actor, m, status=404, errors=[_("This review does not exist.")])
    r.mentorship = m
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        grai_services.grai_comment_add(review=r, actor=actor, text=form.cleaned_data.get("text", ""))
    except ValidationFailed as exc:
        return _page(request, actor, m, status=exc.status, errors=_field_messages(exc))
    messages.success(request, _("Comment added. The other side is told."))
    return redirect(_url(m, f"grai-{r.pk}"))


# -- the program's overview: who is behind ------------------------------------------------------


@login_required
def program(request: HttpRequest, program_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    prog = grai_selectors.program_grai_for(actor, program_id)
    q = "".join(ch for ch in request.GET.get("q", "") if ch.isprintable())[:Q_LIMIT].strip()
    rows = grai_selectors.who_is_behind(program=prog, q=q)
    page = Paginator(rows, BEHIND_PAGE_SIZE).get_page(request.GET.get("page"))
    cadence = grai_services.cadence_of(prog)
    return render(request, "assessments/grai/program.html", {
        "program": prog, "page": page, "q": q, "n": len(rows), "behind": sum(1 for r in rows if r.missing),
        "cadence_label": _cadence_label(cadence),
    })
