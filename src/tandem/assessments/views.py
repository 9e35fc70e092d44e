"""Pages of assessments: my assessments; a program's teach-backs (organiser: schedule, rubric,
settings; participants: the slots); a teach-back (the audience scores from a phone, questions are
logged); its result; a program's surveys; answering a survey; a survey's results and CSV export.

Thin: an access helper, a form that shapes input, one service. Bad input re-renders the page with
the messages (4xx); a refusal by the rules is the error page with its status (403 / 404 / 409).
"""

from __future__ import annotations

import csv
import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from tandem.assessments import (
    survey_selectors,
    survey_services,
    survey_views,
    teachback_selectors,
    teachback_services,
)
from tandem.assessments.models import LENGTH_MAX, LENGTH_MIN, QuestionKind
from tandem.core import authz
from tandem.core.errors import ApplicationError, NotFound, ValidationFailed, error_messages
from tandem.core.validators import DB_INT_MAX
from tandem.mentorships import selectors as mentorship_selectors
from tandem.programs.selectors import program_get


def _program(actor: authz.Actor, program_id: int):
    program = program_get(program_id=program_id)
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound()
    return program


def _cell(value: Any) -> Any:
    """A spreadsheet cell that cannot run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _form_messages(form: forms.Form) -> list[str]:
    return [f"{form.fields[f].label or f}: {e}" if f in form.fields else str(e)
            for f, errs in form.errors.items() for e in errs]


# -- my assessments ----------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    actor = authz.actor_for(request.user)
    me = actor.person
    ctx = {
        "me": me,
        "to_score": teachback_selectors.to_score(person=me),
        "my_slots": list(teachback_selectors.trainee_slots(person=me)) if me else [],
        "gaps": list(teachback_selectors.gaps_of(person=me)) if me else [],
        "surveys": survey_selectors.to_answer(person=me),
    }
    return render(request, "assessments/mine.html", ctx)


# -- a program's teach-backs -------------------------------------------------------------------


class SlotForm(forms.Form):
    trainee = forms.TypedChoiceField(label=_l("Trainee"), coerce=int)
    topic = forms.CharField(label=_l("Topic"), max_length=teachback_services.TOPIC_LIMIT, strip=False)
    competency = forms.TypedChoiceField(label=_l("Competency"), coerce=int)
    day = forms.ChoiceField(label=_l("Day"), required=False)
    date = forms.DateField(label=_l("Or another date"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_l("Starts at"), initial=datetime.time(10, 0),
                           widget=forms.TimeInput(attrs={"type": "time"}))
    length_minutes = forms.IntegerField(label=_l("Length (minutes)"), initial=180, min_value=LENGTH_MIN,
                                        max_value=LENGTH_MAX)
    room = forms.CharField(label=_l("Room"), required=False, strip=False)
    video_link = forms.CharField(label=_l("Video link"), required=False, strip=False,
                                 widget=forms.URLInput(attrs={"placeholder": "https://"}))
    audience = forms.TypedMultipleChoiceField(label=_l("Audience"), coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = teachback_selectors.enrolled_people(program=program)
        self.fields["trainee"].choices = people
        self.fields["audience"].choices = people
        self.fields["competency"].choices = teachback_selectors.competency_choices()
        days = teachback_selectors.offered_days(program=program)
        self.fields["day"].choices = [("", _("—"))] + [
            (d.date.isoformat(), _("Day %(n)d (%(date)s): %(name)s") % {"n": d.day, "date": d.date.isoformat(),
                                                                     "name": d.name}) for d in days]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        when = data.get("date")
        if when is None and data.get("day"):
            try:
                when = datetime.date.fromisoformat(data["day"])
            except ValueError:
                when = None
        if when is None:
            self.add_error("date", _("Choose one of the teach-back days or another date."))
        elif data.get("time") is not None:
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(when, data["time"]))
        return data


class SettingsForm(forms.Form):
    pass_mark = forms.DecimalField(label=_l("Pass mark"), min_value=1, max_value=5, decimal_places=2)
    max_attempts = forms.IntegerField(label=_l("Attempts per trainee"), min_value=1, max_value=10)
    window_hours = forms.IntegerField(label=_l("Scoring stays open (hours after the end)"), min_value=0,
                                      max_value=336)


class CriterionForm(forms.Form):
    name = forms.CharField(label=_l("Criterion"), max_length=120, strip=False)


def _teach_backs_page(request: HttpRequest, actor: authz.Actor, program, *, status: int = 200,
                      errors: list[str] | None = None, slot_form: SlotForm | None = None) -> HttpResponse:
    organiser = authz.can_organise_teach_backs(actor, program)
    if organiser:
        teachback_services.teachbacks_finalise_due(program=program)
    s = teachback_services.settings_for(program)
    ctx: dict[str, Any] = {
        "program": program, "organiser": organiser, "errors": errors or [],
        "slots": list(teachback_selectors.slots_of(program=program)),
        "rubric": teachback_selectors.rubric_of(program=program), "settings": s,
        "me": actor.person,
    }
    if organiser:
        ctx.update({
            "slot_form": slot_form or SlotForm(program=program),
            "settings_form": SettingsForm(initial={"pass_mark": s.pass_mark, "max_attempts": s.max_attempts,
                                                   "window_hours": s.window_hours}),
            "criterion_form": CriterionForm(),
            "flagged": list(teachback_selectors.flagged_trainees(program=program)),
        })
    return render(request, "assessments/program_teach_backs.html", ctx, status=status)


@login_required
def program_teach_backs(request: HttpRequest, program_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    program = _program(actor, program_id)
    authz.require(authz.can_view_teach_backs(actor, program))
    return _teach_backs_page(request, actor, program)


@login_required
@require_POST
def teach_back_schedule(request: HttpRequest, program_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    program = _program(actor, program_id)
    authz.require(authz.can_organise_teach_backs(actor, program))
    form = SlotForm(request.POST, program=program)
    if not form.is_valid():
        return _teach_backs_page(request, actor, program, status=422, errors=_form_messages(form), slot_form=form)
    d = form.cleaned_data
    try:
        tb = teachback_services.teachback_schedule(
            program=program, actor=actor, trainee_id=d["trainee"], topic=d["topic"], competency_id=d["competency"],
            starts_at=d["starts_at"], length_minutes=d["length_minutes"], room=d["room"],
            video_link=d["video_link"], audience_ids=d["audience"])
    except ValidationFailed as exc:
        return _teach_backs_page(request, actor, program, status=exc.status, errors=error_messages(exc),
                                 slot_form=form)
    messages.success(request, _("Teach-back scheduled: attempt %(n)d.") % {"n": tb.attempt})
    return redirect(reverse("teach_back", args=[tb.pk]))


@login_required
@require_POST
def teach_back_settings(request: HttpRequest, program_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    program = _program(actor, program_id)
    authz.require(authz.can_organise_teach_backs(actor, program))
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return _teach_backs_page(request, actor, program, status=422, errors=_form_messages(form))
    try:
        teachback_services.teach_back_settings_update(program=program, actor=actor, **form.cleaned_data)
    except ValidationFailed as exc:
        return _teach_backs_page(request, actor, program, status=exc.status, errors=error_messages(exc))
    messages.success(request, _("Saved."))
    return redirect(reverse("program_teach_backs", args=[program.pk]) + "#rubric")


@login_required
@require_POST
def rubric_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    """Add a criterion (``name``), rename one (``criterion`` + ``name``) or remove one (``criterion`` + ``remove``)."""
    actor = authz.actor_for(request.user)
    program = _program(actor, program_id)
    authz.require(authz.can_organise_teach_backs(actor, program))
    criterion = None
    raw = request.POST.get("criterion", "")
    if raw:
        if not raw.isdigit() or int(raw) > DB_INT_MAX:
            raise NotFound()
        criterion = teachback_selectors.criterion_of(program=program, criterion_id=int(raw))
        if criterion is None:
            raise NotFound()
    try:
        if criterion is not None and "remove" in request.POST:
            teachback_services.rubric_criterion_remove(criterion=criterion, actor=actor)
        else:
            form = CriterionForm(request.POST)
            if not form.is_valid():
                return _teach_backs_page(request, actor, program, status=422, errors=_form_messages(form))
            if criterion is not None:
                teachback_services.rubric_criterion_rename(criterion=criterion, actor=actor,
                                                           name=form.cleaned_data["name"])
            else:
                teachback_services.rubric_criterion_add(program=program, actor=actor, name=form.cleaned_data["name"])
    except ValidationFailed as exc:
        return _teach_backs_page(request, actor, program, status=exc.status, errors=error_messages(exc))
    messages.success(request, _("Rubric saved."))
    return redirect(reverse("program_teach_backs", args=[program.pk]) + "#rubric")


# -- one teach-back ----------------------------------------------------------------------------


class QuestionForm(forms.Form):
    text = forms.CharField(label=_l("Question asked"), max_length=teachback_services.QUESTION_LIMIT, strip=False)
    unanswered = forms.BooleanField(label=_l("The trainee could not answer it"), required=False)


def _slot_page(request: HttpRequest, actor: authz.Actor, tb, *, status: int = 200,
               errors: list[str] | None = None) -> HttpResponse:
    me = actor.person
    s = teachback_services.settings_for(tb.program)
    now = timezone.now()
    audience = teachback_selectors.in_audience(teach_back=tb, person=me)
    is_trainee = actor.is_self(tb.trainee)
    scored = teachback_selectors.has_scored(teach_back=tb, person=me)
    window_open = tb.status == "scheduled" and tb.starts_at <= now <= tb.closes_at(s.window_hours)
    ctx = {
        "tb": tb, "settings": s, "errors": errors or [], "me": me, "in_audience": audience,
        "is_trainee": is_trainee, "scored": scored, "window_open": window_open,
        "not_yet": tb.status == "scheduled" and now < tb.starts_at,
        "closes_at": tb.closes_at(s.window_hours),
        "can_score": audience and not scored and window_open,
        "can_log": (audience or is_trainee) and window_open,
        "rubric": teachback_selectors.rubric_of(program=tb.program),
        "scale": [1, 2, 3, 4, 5],
        "question_form": QuestionForm(),
        "organiser": authz.can_organise_teach_backs(actor, tb.program),
        "can_see_result": authz.can_view_teach_back_result(actor, tb),
        "audience": [a.person for a in tb.audience_rows.select_related("person")],
        "posted": request.POST if status != 200 else {},
    }
    return render(request, "assessments/teach_back.html", ctx, status=status)


@login_required
def teach_back(request: HttpRequest, teach_back_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    tb = teachback_selectors.teach_back_for(actor, teach_back_id)
    return _slot_page(request, actor, tb)


@login_required
@require_POST
def teach_back_score(request: HttpRequest, teach_back_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    tb = teachback_selectors.teach_back_for(actor, teach_back_id)
    values = {c.code: request.POST.get(c.code, "") for c in teachback_selectors.rubric_of(program=tb.program)}
    try:
        teachback_services.teachback_score(teach_back=tb, actor=actor, values=values)
    except ValidationFailed as exc:
        return _slot_page(request, actor, tb, status=exc.status, errors=error_messages(exc))
    messages.success(request, _("Thank you: your scores are in."))
    return redirect(reverse("teach_back", args=[tb.pk]))


@login_required
@require_POST
def teach_back_question(request: HttpRequest, teach_back_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    tb = teachback_selectors.teach_back_for(actor, teach_back_id)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _slot_page(request, actor, tb, status=422, errors=_form_messages(form))
    try:
        teachback_services.teachback_question_log(teach_back=tb, actor=actor, **form.cleaned_data)
    except ValidationFailed as exc:
        return _slot_page(request, actor, tb, status=exc.status, errors=error_messages(exc))
    messages.success(request, _("Question logged."))
    return redirect(reverse("teach_back", args=[tb.pk]) + "#questions")


@login_required
@require_POST
def teach_back_cancel(request: HttpRequest, teach_back_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    tb = teachback_selectors.teach_back_for(actor, teach_back_id)
    teachback_services.teachback_cancel(teach_back=tb, actor=actor)
    messages.success(request, _("Teach-back cancelled."))
    return redirect(reverse("program_teach_backs", args=[tb.program_id]))


@login_required
def teach_back_result(request: HttpRequest, teach_back_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    tb = teachback_selectors.teach_back_for(actor, teach_back_id, rule=authz.can_view_teach_back_result)
    r = teachback_selectors.result_of(teach_back=tb)
    attempts = list(teachback_selectors.trainee_slots(person=tb.trainee).filter(program=tb.program))
    return render(request, "assessments/result.html", {"r": r, "tb": r.teach_back, "attempts": attempts,
                                                        "is_trainee": actor.is_self(tb.trainee)})


@login_required
@require_POST
def gap_status(request: HttpRequest, gap_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    me = actor.person
    gap = teachback_selectors.gaps_of(person=me).filter(pk=gap_id).first() if me else None
    if gap is None:
        raise NotFound()
    teachback_services.knowledge_gap_set_status(gap=gap, actor=actor, status=request.POST.get("status", ""))
    return redirect(reverse("assessments_mine") + "#gaps")


# -- surveys -----------------------------------------------------------------------------------


class SendForm(forms.Form):
    template = forms.ChoiceField(label=_l("Survey"))
    closes_on = forms.DateField(label=_l("Closes on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.code, t.tr("name")) for t in survey_selectors.templates()]


def _surveys_page(request: HttpRequest, actor: authz.Actor, program, *, status: int = 200,
                  errors: list[str] | None = None) -> HttpResponse:
    return render(request, "assessments/program_surveys.html", {
        "program": program, "surveys": list(survey_selectors.surveys_of_program(program=program)),
        "send_form": SendForm(), "errors": errors or [], "now": timezone.now(),
        **survey_views.schedule_context(program),
    }, status=status)


@login_required
def program_surveys(request: HttpRequest, program_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    program = _program(actor, program_id)
    authz.require(authz.can_send_survey(actor, program))
    return _surveys_page(request, actor, program)


def _closes_at(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


@login_required
@require_POST
def survey_send(request: HttpRequest, program_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    program = _program(actor, program_id)
    authz.require(authz.can_send_survey(actor, program))
    form = SendForm(request.POST)
    if not form.is_valid():
        return _surveys_page(request, actor, program, status=422, errors=_form_messages(form))
    template = survey_selectors.template_by_code(form.cleaned_data["template"])
    try:
        survey_services.survey_send(template=template, actor=actor, program=program,
                                    closes_at=_closes_at(form.cleaned_data["closes_on"]))
    except ApplicationError as exc:
        if exc.status >= 500:
            raise
        return _surveys_page(request, actor, program, status=exc.status, errors=error_messages(exc))
    messages.success(request, _("Survey sent."))
    return redirect(reverse("program_surveys", args=[program.pk]))


@login_required
@require_POST
def mentorship_survey_send(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """After sessions: the program team asks the pair's mentee to rate the mentor."""
    actor = authz.actor_for(request.user)
    m = mentorship_selectors.mentorship_for(actor, mentorship_id)
    authz.require(authz.can_send_survey(actor, m.program))
    template = survey_selectors.template_by_code(request.POST.get("template", "mentor_effectiveness")[:40])
    if template is None:
        raise NotFound()
    survey_services.survey_send(template=template, actor=actor, mentorship=m)
    messages.success(request, _("Survey sent to the mentee."))
    return redirect(m.get_absolute_url() if hasattr(m, "get_absolute_url") else f"/mentorships/{m.pk}/")


@login_required
@require_POST
def survey_close(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    survey = survey_selectors.survey_for(actor, survey_id, rule=authz.can_view_survey_results)
    survey_services.survey_close(survey=survey, actor=actor)
    messages.success(request, _("Survey closed."))
    return redirect(reverse("survey_results", args=[survey.pk]))


def _answer_page(request: HttpRequest, actor: authz.Actor, survey, *, status: int = 200,
                 errors: dict[str, list[str]] | None = None) -> HttpResponse:
    return render(request, "assessments/survey_answer.html", {
        "survey": survey, "questions": survey_selectors.questions_of(survey=survey),
        "answered": survey_selectors.has_answered(survey=survey, person=actor.person),
        "open": survey_services.is_open(survey), "errors": errors or {}, "posted": request.POST,
        "K": QuestionKind, "scale": range(1, 6), "nps": range(11),
        "recipient": actor.person is not None and survey.recipients.filter(person=actor.person).exists(),
    }, status=status)


@login_required
def survey_answer(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    survey = survey_selectors.survey_for(actor, survey_id)
    if request.method != "POST":
        return _answer_page(request, actor, survey)
    answers: dict[str, Any] = {}
    for q in survey_selectors.questions_of(survey=survey):
        answers[q.code] = request.POST.getlist(q.code) if q.kind == QuestionKind.MULTIPLE \
            else request.POST.get(q.code, "")
    try:
        survey_services.survey_respond(survey=survey, actor=actor, answers=answers)
    except ValidationFailed as exc:
        return _answer_page(request, actor, survey, status=exc.status, errors=exc.errors)
    messages.success(request, _("Thank you for answering."))
    return redirect(reverse("assessments_mine"))


@login_required
def survey_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    survey = survey_selectors.survey_for(actor, survey_id, rule=authz.can_view_survey_results)
    breakdown = request.GET.get("breakdown") or None
    if breakdown not in (None, *survey_selectors.BREAKDOWNS):
        breakdown = None
    res = survey_selectors.survey_results(survey=survey, breakdown=breakdown)
    return render(request, "assessments/survey_results.html", {
        "survey": survey, "res": res, "breakdown": breakdown, "breakdowns": [
            ("department", _("Department")), ("job_profile", _("Job profile")), ("mentor", _("Mentor"))],
        "pending": survey_selectors.not_answered(survey=survey)[:200],
        "can_close": authz.can_send_survey(actor, survey.program) and survey.status == "open",
    })


@login_required
def survey_results_csv(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The export obeys the same rules as the page: below the threshold, no figures at all."""
    actor = authz.actor_for(request.user)
    survey = survey_selectors.survey_for(actor, survey_id, rule=authz.can_view_survey_results)
    res = survey_selectors.survey_results(survey=survey)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-results.csv"'
    w = csv.writer(response)
    if not res["shown"]:
        w.writerow([_("shown"), _("reason")])
        w.writerow(["no", res["message"]])
        return response
    w.writerow([_("question"), _("kind"), _("answers"), _("mean"), _("value"), _("count")])
    for q in res["questions"]:
        for value, count in (q.get("distribution") or {}).items():
            w.writerow([_cell(q["text"]), q["kind"], q["n"], q.get("mean", ""), _cell(value), count])
        for text in q.get("texts", []):
            w.writerow([_cell(q["text"]), q["kind"], q["n"], "", _cell(text), ""])
    return response
