"""Pages of surveys beside ``views.py``: a program's survey schedules (sent at milestones and after
sessions), survey templates (new ones and new versions; old versions read-only) and the results
export (CSV / XLSX, with a breakdown) — under the same anonymity rules as the results page.

Thin: an access helper, the form shaped into the service's input, one service.
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from tandem.assessments import survey_selectors, survey_services
from tandem.assessments.models import QuestionKind, SurveyPurpose, SurveyTemplate
from tandem.core import authz
from tandem.core.errors import ApplicationError, NotFound, ValidationFailed, error_messages
from tandem.programs.selectors import program_get
from tandem.web.exports import table_download

# -- a program's survey schedules (shown on the program's surveys page) ---------------------------


class ScheduleForm(forms.Form):
    template = forms.ChoiceField(label=_l("Survey"))
    when = forms.ChoiceField(label=_l("When"))
    after_sessions = forms.IntegerField(label=_l("After held session number"), required=False, min_value=1,
                                        max_value=100)
    open_days = forms.IntegerField(label=_l("Open for (days)"), initial=14, min_value=1, max_value=90)

    def __init__(self, *args: Any, program: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.code, t.tr("name")) for t in survey_selectors.templates()]
        self.fields["when"].choices = [("sessions", _("After a number of held sessions (to each mentee)"))] + [
            (str(ms.pk), _("At the milestone “%(name)s” (day %(day)d)") % {"name": ms.tr("name"), "day": ms.due_day})
            for ms in survey_selectors.survey_milestones(program=program)]


def schedule_context(program: Any) -> dict[str, Any]:
    """What the program's surveys page shows of its schedules (``views._surveys_page``)."""
    return {"schedules": survey_selectors.schedules_of_program(program=program),
            "schedule_form": ScheduleForm(program=program)}


def _program(actor: authz.Actor, program_id: int) -> Any:
    program = program_get(program_id=program_id)
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound()
    authz.require(authz.can_send_survey(actor, program))
    return program


@login_required
@require_POST
def schedule_add(request: HttpRequest, program_id: int) -> HttpResponse:
    from tandem.assessments.views import _surveys_page

    actor = authz.actor_for(request.user)
    program = _program(actor, program_id)
    form = ScheduleForm(request.POST, program=program)
    if not form.is_valid():
        errs = [f"{form.fields[f].label}: {e}" if f in form.fields else str(e)
                for f, es in form.errors.items() for e in es]
        return _surveys_page(request, actor, program, status=422, errors=errs)
    when = form.cleaned_data["when"]
    try:
        survey_services.survey_schedule_add(
            program=program, actor=actor, template=survey_selectors.template_by_code(form.cleaned_data["template"]),
            milestone_id=None if when == "sessions" else int(when),
            after_sessions=form.cleaned_data["after_sessions"] if when == "sessions" else None,
            open_days=form.cleaned_data["open_days"])
    except ApplicationError as exc:
        if exc.status >= 500:
            raise
        return _surveys_page(request, actor, program, status=exc.status, errors=error_messages(exc))
    messages.success(request, _("Survey scheduled."))
    return redirect(reverse("program_surveys", args=[program.pk]))


@login_required
@require_POST
def schedule_remove(request: HttpRequest, schedule_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    schedule = survey_selectors.schedule_for(actor, schedule_id)
    program_id = schedule.program_id
    survey_services.survey_schedule_remove(schedule=schedule, actor=actor)
    messages.success(request, _("Schedule removed; surveys already sent stay."))
    return redirect(reverse("program_surveys", args=[program_id]))


@login_required
def schedule_results(request: HttpRequest, schedule_id: int) -> HttpResponse:
    """Every survey a schedule sent, together (and by mentor), under the anonymity rules."""
    actor = authz.actor_for(request.user)
    schedule = survey_selectors.schedule_for(actor, schedule_id)
    by_mentor = request.GET.get("by") == "mentor"
    res = survey_selectors.schedule_results(schedule=schedule, by_mentor=by_mentor)
    return render(request, "assessments/survey_schedule_results.html",
                  {"schedule": schedule, "res": res, "by_mentor": by_mentor})


# -- templates ------------------------------------------------------------------------------------

BLANK_ROWS = 3
PAGE_SIZE = 50
LANG_FIELDS = (("en", "en"), ("zh-hans", "zh"), ("ru", "ru"))


def _templates_allowed(request: HttpRequest) -> authz.Actor:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_edit_survey_templates(actor))
    return actor


def _choices_text(q: dict[str, Any]) -> str:
    lines = []
    for c in q.get("choices") or []:
        label = c.get("label") or {}
        lines.append(" | ".join([c.get("code", ""), *[label.get(lang, "") for lang, _f in LANG_FIELDS]]).rstrip(" |"))
    return "\n".join(lines)


def _rows_from(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [{"code": q["code"], "kind": q["kind"], "required": q["required"],
             **{f"text_{f}": (q.get("text") or {}).get(lang, "") for lang, f in LANG_FIELDS},
             "choices": _choices_text(q)} for q in questions]
    return rows + [{"code": "", "kind": "", "required": True, "choices": ""} for _i in range(BLANK_ROWS)]


def _rows_posted(post: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[int]]:
    """(the rows as typed, for redisplay; the questions for the service; each question's row number)."""
    try:
        count = min(int(post.get("rows", "0")), 60)
    except ValueError:
        count = 0
    rows, questions, numbers = [], [], []
    for i in range(max(count, 0)):
        p = f"q{i}_"
        row = {"code": post.get(p + "code", "").strip(), "kind": post.get(p + "kind", ""),
               "required": post.get(p + "required") == "on", "choices": post.get(p + "choices", ""),
               **{f"text_{f}": post.get(f"{p}text_{f}", "") for _lang, f in LANG_FIELDS}}
        rows.append(row)
        if not (row["code"] or row["text_en"].strip() or row["choices"].strip()):
            continue  # a blank row
        choices = []
        for line in row["choices"].splitlines():
            parts = [x.strip() for x in line.split("|")]
            if not any(parts):
                continue
            parts += [""] * 4
            choices.append({"code": parts[0], "label": {lang: parts[1 + k] for k, (lang, _f) in
                                                        enumerate(LANG_FIELDS)}})
        questions.append({"code": row["code"], "kind": row["kind"], "required": row["required"], "choices": choices,
                          "text": {lang: row[f"text_{f}"] for lang, f in LANG_FIELDS}})
        numbers.append(i + 1)
    return rows, questions, numbers


def _field_label(key: str, numbers: list[int]) -> str:
    parts = key.split(".")
    names = {"code": _("code"), "kind": _("kind"), "text": _("question"), "choices": _("choices"),
             "required": _("required"), "label": _("label"), "name": _("name"), "description": _("description"),
             "purpose": _("purpose"), "anonymous": _("anonymous"), "threshold": _("smallest group shown"),
             "questions": _("questions")}
    if parts[0] == "questions" and len(parts) > 1 and parts[1].isdigit():
        i = int(parts[1])
        row = numbers[i] if i < len(numbers) else i + 1
        rest = " · ".join(names.get(p, p) for p in parts[2:] if not p.isdigit())
        return _("Question %(n)d") % {"n": row} + (f" · {rest}" if rest else "")
    return " · ".join(names.get(p, p) for p in parts)


def _messages_of(exc: ApplicationError, numbers: list[int]) -> list[str]:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict):
        return [f"{_field_label(k, numbers)}: {e}" for k, es in errors.items() for e in es]
    return error_messages(exc)


def _editor(request: HttpRequest, *, template: SurveyTemplate | None, rows: list[dict[str, Any]],
            meta: dict[str, Any] | None = None, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    versions = survey_selectors.template_versions(template=template) if template is not None else []
    can_revise = template is not None and authz.can_revise_survey_template(authz.actor_for(request.user), template)
    return render(request, "assessments/survey_template_edit.html", {
        "template": template, "versions": versions, "rows": rows, "meta": meta or {}, "errors": errors or [],
        "can_revise": can_revise,
        "kinds": QuestionKind.choices, "purposes": SurveyPurpose.choices, "langs": LANG_FIELDS,
    }, status=status)


@login_required
def templates_list(request: HttpRequest) -> HttpResponse:
    _templates_allowed(request)
    page = Paginator(survey_selectors.templates_with_versions(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/survey_templates.html", {"templates": page, "page": page})


@login_required
def template_new(request: HttpRequest) -> HttpResponse:
    actor = _templates_allowed(request)
    if request.method != "POST":
        meta: dict[str, Any] = {"threshold": 5, "anonymous": True, "purpose": SurveyPurpose.OTHER}
        questions: list[dict[str, Any]] = []
        source = request.GET.get("from", "")
        if source.isdigit() and len(source) <= 12:  # "start from another template's questions"
            base = survey_selectors.template_get(template_id=int(source))
            questions = [survey_services.question_as_input(q) for q in survey_selectors.latest_questions(template=base)]
            meta.update(purpose=base.purpose, anonymous=base.anonymous, threshold=base.threshold)
        return _editor(request, template=None, rows=_rows_from(questions), meta=meta)
    rows, questions, numbers = _rows_posted(request.POST)
    meta = {"code": request.POST.get("code", "").strip(), "purpose": request.POST.get("purpose", ""),
            "anonymous": request.POST.get("anonymous") == "on", "threshold": request.POST.get("threshold", ""),
            **{f"name_{f}": request.POST.get(f"name_{f}", "") for _l2, f in LANG_FIELDS},
            **{f"description_{f}": request.POST.get(f"description_{f}", "") for _l2, f in LANG_FIELDS}}
    try:
        t = survey_services.survey_template_create(
            actor=actor, code=meta["code"], purpose=meta["purpose"], anonymous=meta["anonymous"],
            threshold=meta["threshold"], questions=questions,
            name={lang: meta[f"name_{f}"] for lang, f in LANG_FIELDS},
            description={lang: meta[f"description_{f}"] for lang, f in LANG_FIELDS})
    except ValidationFailed as exc:
        return _editor(request, template=None, rows=rows, meta=meta, errors=_messages_of(exc, numbers), status=422)
    messages.success(request, _("Template created (version 1)."))
    return redirect(reverse("survey_template", args=[t.pk]))


@login_required
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    """The template's versions (read-only) and a form for the next one, filled from the latest."""
    actor = _templates_allowed(request)
    template = survey_selectors.template_get(template_id=template_id)
    if request.method != "POST":
        latest = survey_selectors.latest_questions(template=template)
        return _editor(request, template=template,
                       rows=_rows_from([survey_services.question_as_input(q) for q in latest]))
    rows, questions, numbers = _rows_posted(request.POST)
    try:
        v = survey_services.survey_template_revise(template=template, actor=actor, questions=questions)
    except ValidationFailed as exc:
        return _editor(request, template=template, rows=rows, errors=_messages_of(exc, numbers), status=422)
    messages.success(request, _("Version %(n)d saved. Surveys already sent keep their version.") % {"n": v.number})
    return redirect(reverse("survey_template", args=[template.pk]))


# -- the results export ---------------------------------------------------------------------------


def _export_rows(res: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = []

    def add(group: str, n_group: Any, questions: list[dict[str, Any]]) -> None:
        for q in questions:
            labels = q.get("labels") or {}
            extra = ""
            if q.get("kind") == QuestionKind.NPS and q.get("nps") is not None:
                extra = _("NPS %(nps)s: %(p)s promoters, %(pa)s passives, %(d)s detractors") % {
                    "nps": q["nps"], "p": q["promoters"], "pa": q["passives"], "d": q["detractors"]}
            for value, count in (q.get("distribution") or {}).items():
                rows.append([group, n_group, q["text"], q["kind"], q["n"], q.get("mean", ""), extra,
                             labels.get(value, value), count])
            for text in q.get("texts", []):
                rows.append([group, n_group, q["text"], q["kind"], q["n"], "", "", text, ""])

    add(_("Everyone"), res["n_responses"], res["questions"])
    bd = res.get("breakdown")
    if bd and bd.get("shown"):
        for cell in bd["cells"]:
            add(cell["label"], cell["n_responses"], cell["questions"])
    return rows


@login_required
def results_export(request: HttpRequest, survey_id: int, fmt: str) -> HttpResponse:
    """CSV or XLSX, optionally broken down (``?breakdown=department``): the same rules as the page —
    below the threshold, while an anonymous survey is open, or a breakdown with a small group or
    complement, no figures at all for it."""
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    actor = authz.actor_for(request.user)
    survey = survey_selectors.survey_for(actor, survey_id, rule=authz.can_view_survey_results)
    breakdown = request.GET.get("breakdown") or None
    if breakdown not in (None, *survey_selectors.BREAKDOWNS):
        breakdown = None
    res = survey_selectors.survey_results(survey=survey, breakdown=breakdown)
    name = f"survey-{survey.pk}-results" + (f"-{breakdown}" if breakdown else "")
    if not res["shown"]:
        return table_download(fmt=fmt, filename=name, sheet=_("Results"), headers=[_("shown"), _("reason")],
                              rows=[[_("no"), res["message"]]])
    rows = _export_rows(res)
    bd = res.get("breakdown")
    if bd and not bd.get("shown"):
        rows.append([_("Breakdown"), "", "", "", "", "", "", bd["message"], ""])
    return table_download(fmt=fmt, filename=name, sheet=_("Results"), rows=rows, headers=[
        _("group"), _("answers in group"), _("question"), _("kind"), _("answers"), _("mean"), _("NPS"), _("value"),
        _("count")])
