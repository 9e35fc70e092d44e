"""Every write on surveys: install and revise templates, send, answer, close.

Answering an anonymous survey writes two unlinked things in one transaction: the completion (who,
and the day: for reminders and for counting people) and the response (the answers, with no author,
no time, a random UUID key; see ``models``). Nothing read back by the application connects them;
the event ``survey.answered`` carries the survey and the person, never the response.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.assessments.errors import AssessmentErrorCode as Code
from tandem.assessments.models import (
    THRESHOLD_MIN,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyCompletion,
    SurveyPurpose,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    SurveySchedule,
    SurveyStatus,
    SurveyTemplate,
    SurveyTemplateVersion,
)
from tandem.core import authz, events
from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.core.validators import multi_line_problem
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program

log = logging.getLogger(__name__)

TEXT_LIMIT = 2000
OPEN_DAYS_DEFAULT = 14
OPEN_DAYS_MAX = 365


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def survey_templates_install() -> int:
    from tandem.assessments.survey_catalogue import install

    return install(SurveyTemplate, SurveyTemplateVersion, SurveyQuestion)


def latest_version(template: SurveyTemplate) -> SurveyTemplateVersion:
    v = template.versions.order_by("-number").first()
    if v is None:
        raise Conflict(_("This template has no questions yet."), code=Code.NO_RECIPIENTS)
    return v


LANGUAGES = ("en", "zh-hans", "ru")  # the texts a template carries: English, then its translations
QUESTIONS_MAX = 40
CHOICES_MAX = 20


def _slug(value: Any) -> str:
    text = str(value or "").strip()
    return text if text and len(text) <= 40 and text.replace("_", "").replace("-", "").isalnum() \
        and text.isascii() and text == text.lower() else ""


def _texts(value: Any, *, limit: int, field: str, errors: dict[str, list[str]], required: bool = True,
           multi_line: bool = False) -> dict[str, str]:
    """``{"en": …, "zh-hans": …, "ru": …}`` (English required, the others optional), cleaned."""
    from tandem.core.validators import single_line_problem

    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict):
        errors[field] = [_("Give the text by language (en, zh-hans, ru).")]
        return {}
    out: dict[str, str] = {}
    for lang in LANGUAGES:
        raw = value.get(lang, "")
        if not isinstance(raw, str):
            errors[f"{field}.{lang}"] = [_("Write this as text.")]
            continue
        text = raw.strip()
        problem = (multi_line_problem if multi_line else single_line_problem)(text)
        if problem:
            errors[f"{field}.{lang}"] = [_("Remove the control characters from this text.")]
        elif len(text) > limit:
            errors[f"{field}.{lang}"] = [_("Keep this under %(n)d characters.") % {"n": limit}]
        elif text:
            out[lang] = text
    if required and "en" not in out and not any(k.startswith(f"{field}.") for k in errors):
        errors[f"{field}.en"] = [_("Write the English text (the translations are optional).")]
    return out


def _clean_questions(questions: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if not isinstance(questions, list) or not 1 <= len(questions) <= QUESTIONS_MAX:
        errors["questions"] = [_("Give from 1 to %(n)d questions.") % {"n": QUESTIONS_MAX}]
        return []
    out: list[dict[str, Any]] = []
    codes: set[str] = set()
    for i, q in enumerate(questions):
        f = f"questions.{i}"
        if not isinstance(q, dict):
            errors[f] = [_("Give each question as an object with code, kind and text.")]
            continue
        code, kind = _slug(q.get("code")), q.get("kind")
        if not code or code in codes:
            errors[f"{f}.code"] = [_("Give each question its own short code (small letters, digits, _).")]
        codes.add(code)
        if kind not in QuestionKind.values:
            errors[f"{f}.kind"] = [_("Choose one of the listed kinds.")]
        text = _texts(q.get("text"), limit=300, field=f"{f}.text", errors=errors)
        choices: list[dict[str, Any]] = []
        raw_choices = q.get("choices") or []
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            if not isinstance(raw_choices, list) or not 2 <= len(raw_choices) <= CHOICES_MAX:
                errors[f"{f}.choices"] = [_("Give from 2 to %(n)d choices.") % {"n": CHOICES_MAX}]
                raw_choices = []
            seen: set[str] = set()
            for j, c in enumerate(raw_choices):
                if not isinstance(c, dict):
                    errors[f"{f}.choices.{j}"] = [_("Give each choice a code and a label.")]
                    continue
                ccode = _slug(c.get("code"))
                if not ccode or ccode in seen:
                    errors[f"{f}.choices.{j}.code"] = [_("Give each choice its own short code.")]
                seen.add(ccode)
                label = _texts(c.get("label"), limit=120, field=f"{f}.choices.{j}.label", errors=errors)
                if label.get("en"):
                    choices.append({"code": ccode, "label": label["en"],
                                    "translations": {k: v for k, v in label.items() if k != "en"}})
        elif raw_choices:
            errors[f"{f}.choices"] = [_("Only one-choice and several-choice questions have choices.")]
        required = q.get("required", True)
        if not isinstance(required, bool):
            errors[f"{f}.required"] = [_("Say yes or no.")]
        if text.get("en"):
            out.append({"code": code, "kind": kind, "text": text["en"], "required": required is not False,
                        "translations": {k: {"text": v} for k, v in text.items() if k != "en"}, "choices": choices})
    return out


def _version_create(template: SurveyTemplate, questions: list[dict[str, Any]]) -> SurveyTemplateVersion:
    number = (template.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    v = SurveyTemplateVersion.objects.create(template=template, number=number)
    SurveyQuestion.objects.bulk_create([
        SurveyQuestion(version=v, order=i, code=q["code"], kind=q["kind"], text=q["text"], required=q["required"],
                       translations=q["translations"], choices=q["choices"])
        for i, q in enumerate(questions)])
    return v


@transaction.atomic
def survey_template_revise(*, template: SurveyTemplate, actor: authz.Actor,
                           questions: list[dict[str, Any]]) -> SurveyTemplateVersion:
    """A new version of the template's questions (HR, and the program manager who created the template).
    Surveys already sent, and their answers, keep the version they were sent with; old versions are
    never changed.

    Each question: ``{"code", "kind", "text": {"en", "zh-hans", "ru"} (or a string: English),
    "required", "choices": [{"code", "label": {"en", …}}]}``."""
    template = SurveyTemplate.objects.select_for_update().get(pk=template.pk)
    if not authz.can_revise_survey_template(actor, template):
        raise Forbidden(_("Only HR and the program manager who created this template write its next version: "
                          "start a new template from its questions instead."))
    errors: dict[str, list[str]] = {}
    cleaned = _clean_questions(questions, errors)
    if errors:
        raise ValidationFailed(errors)
    return _version_create(template, cleaned)


@transaction.atomic
def survey_template_create(*, actor: authz.Actor, code: Any, name: Any, description: Any = "",
                           purpose: Any = SurveyPurpose.OTHER, anonymous: Any = True, threshold: Any = 5,
                           questions: Any) -> SurveyTemplate:
    """A new template with its version 1. ``name`` / ``description``: by language (English required)."""
    if not authz.can_edit_survey_templates(actor):
        raise Forbidden(_("Only HR and program managers edit survey templates."))
    errors: dict[str, list[str]] = {}
    slug = _slug(code)
    if not slug:
        errors["code"] = [_("Give the template a short code (small letters, digits, _ or -).")]
    elif SurveyTemplate.objects.filter(code=slug).exists():
        errors["code"] = [_("A template with this code exists already.")]
    names = _texts(name, limit=160, field="name", errors=errors)
    descriptions = _texts(description, limit=2000, field="description", errors=errors, required=False,
                          multi_line=True)
    if purpose not in SurveyPurpose.values:
        errors["purpose"] = [_("Choose one of the listed purposes.")]
    if not isinstance(anonymous, bool):
        errors["anonymous"] = [_("Say yes or no.")]
    elif purpose == SurveyPurpose.MENTOR_EFFECTIVENESS and not anonymous:
        errors["anonymous"] = [_("Mentees rate their mentors anonymously: this survey must be anonymous.")]
    if isinstance(threshold, str) and threshold.strip().isdigit() and len(threshold.strip()) <= 3:
        threshold = int(threshold.strip())
    if not isinstance(threshold, int) or isinstance(threshold, bool) or not THRESHOLD_MIN <= threshold <= 100:
        errors["threshold"] = [_("The smallest group shown is a number from %(lo)d to 100.") % {"lo": THRESHOLD_MIN}]
    cleaned = _clean_questions(questions, errors)
    if errors:
        raise ValidationFailed(errors)
    translations: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES[1:]:
        entry = {k: v for k, v in (("name", names.get(lang)), ("description", descriptions.get(lang))) if v}
        if entry:
            translations[lang] = entry
    try:
        with transaction.atomic():
            template = SurveyTemplate.objects.create(
                code=slug, name=names["en"], description=descriptions.get("en", ""), purpose=purpose,
                anonymous=anonymous, threshold=threshold, translations=translations, created_by=actor.person)
    except IntegrityError:
        raise ValidationFailed({"code": [_("A template with this code exists already.")]}) from None
    _version_create(template, cleaned)
    return template


def question_as_input(q: SurveyQuestion) -> dict[str, Any]:
    """A question in the shape :func:`survey_template_revise` takes (to start a new version from)."""
    return {"code": q.code, "kind": q.kind, "required": q.required,
            "text": {"en": q.text, **{lang: (q.translations.get(lang) or {}).get("text", "")
                                      for lang in LANGUAGES[1:]}},
            "choices": [{"code": c["code"], "label": {"en": c["label"], **(c.get("translations") or {})}}
                        for c in q.choices or []]}


# -- sending ------------------------------------------------------------------------------------


def _closes_at(closes_at: Any, now: datetime.datetime) -> datetime.datetime:
    if closes_at is None:
        return now + datetime.timedelta(days=OPEN_DAYS_DEFAULT)
    if not isinstance(closes_at, datetime.datetime):
        raise ValidationFailed({"closes_at": [_("Enter a valid date and time.")]})
    if timezone.is_naive(closes_at):
        closes_at = timezone.make_aware(closes_at)
    if closes_at <= now or closes_at > now + datetime.timedelta(days=OPEN_DAYS_MAX):
        raise ValidationFailed({"closes_at": [_("The survey must close within a year from now, not in the past.")]})
    return closes_at


def _recipients_of_program(program: Program, template: SurveyTemplate) -> list[tuple[int, int | None]]:
    """(person, subject) pairs. Mentor effectiveness: each mentee with a started mentorship rates
    their mentor. Otherwise: everyone actively enrolled (self-perception: the mentees)."""
    if template.purpose == SurveyPurpose.MENTOR_EFFECTIVENESS:
        rows = (Mentorship.objects.filter(program=program, status__in=(MentorshipStatus.ACTIVE,
                                                                       MentorshipStatus.COMPLETED))
                .order_by("mentee_id", "-status", "id").values_list("mentee_id", "mentor_id"))
        out: dict[int, int | None] = {}
        for mentee, mentor in rows:
            out.setdefault(mentee, mentor)
        return sorted(out.items())
    enrolments = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE, person__is_active=True)
    if template.purpose == SurveyPurpose.SELF_PERCEPTION:
        enrolments = enrolments.filter(role=EnrolmentRole.MENTEE)
    return [(pid, None) for pid in sorted(set(enrolments.values_list("person_id", flat=True)))]


@transaction.atomic
def survey_send(*, template: SurveyTemplate, actor: authz.Actor, program: Program | None = None,
                mentorship: Mentorship | None = None, closes_at: datetime.datetime | None = None,
                now: datetime.datetime | None = None) -> Survey:
    """Send the template's current version to a program's participants, or to one pair's mentee
    (after sessions: the mentee rates the mentor)."""
    now = _now(now)
    if (program is None) == (mentorship is None):
        raise ValidationFailed({"program": [_("Send to a program or to one mentorship.")]})
    scope = program if program is not None else mentorship.program
    if not authz.can_send_survey(actor, scope):
        raise Forbidden(_("Only the program's manager or HR sends its surveys."))
    closes = _closes_at(closes_at, now)
    if mentorship is not None:
        if mentorship.status not in (MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED):
            raise Conflict(_("Surveys go to pairs whose mentorship has started."), code=Code.NO_RECIPIENTS)
        subject = mentorship.mentor_id if template.purpose == SurveyPurpose.MENTOR_EFFECTIVENESS else None
        recipients = [(mentorship.mentee_id, subject)]
    else:
        recipients = _recipients_of_program(program, template)
    return _survey_create(template=template, program=program if program is not None else mentorship.program,
                          mentorship=mentorship, recipients=recipients, closes_at=closes, sent_by=actor.person)


def _survey_create(*, template: SurveyTemplate, program: Program, mentorship: Mentorship | None,
                   recipients: list[tuple[int, int | None]], closes_at: datetime.datetime, sent_by: Any,
                   schedule: SurveySchedule | None = None) -> Survey:
    if not recipients:
        raise Conflict(_("Nobody in this program can answer this survey yet."), code=Code.NO_RECIPIENTS)
    survey = Survey.objects.create(
        version=latest_version(template), program=program,
        mentorship=mentorship, anonymous=template.anonymous, threshold=max(template.threshold, 3),
        closes_at=closes_at, sent_by=sent_by, schedule=schedule,
    )
    SurveyRecipient.objects.bulk_create([SurveyRecipient(survey=survey, person_id=p, subject_id=s)
                                         for p, s in recipients])
    events.emit("survey.sent", survey_id=survey.pk, person_ids=[p for p, _s in recipients])
    return survey


def is_open(survey: Survey, now: datetime.datetime | None = None) -> bool:
    return survey.status == SurveyStatus.OPEN and _now(now) < survey.closes_at


@transaction.atomic
def survey_close(*, survey: Survey, actor: authz.Actor) -> Survey:
    scope = survey.program if survey.program_id else survey.mentorship.program
    if not authz.can_send_survey(actor, scope):
        raise Forbidden()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.CLOSED:
        survey.status = SurveyStatus.CLOSED
        survey.save(update_fields=["status", "updated_at"])
    return survey


# -- answering ----------------------------------------------------------------------------------


def _clean_answer(q: SurveyQuestion, value: Any, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    """The answer to store (``number`` / ``choices`` / ``text``), None when left out; errors by code."""
    empty = value is None or value == "" or value == []
    if empty:
        if q.required:
            errors[q.code] = [_("Please answer this question.")]
        return None
    codes = [c for c, _l in q.choice_list()]
    if q.kind in (QuestionKind.SCALE, QuestionKind.NPS):
        lo, hi = (1, 5) if q.kind == QuestionKind.SCALE else (0, 10)
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 2:
            value = int(value.strip())
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            errors[q.code] = [_("Choose a number from %(lo)d to %(hi)d.") % {"lo": lo, "hi": hi}]
            return None
        return {"number": value}
    if q.kind == QuestionKind.SINGLE:
        if not isinstance(value, str) or value not in codes:
            errors[q.code] = [_("Choose one of the listed answers.")]
            return None
        return {"choices": [value]}
    if q.kind == QuestionKind.MULTIPLE:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v in codes for v in value) \
                or len(set(value)) != len(value):
            errors[q.code] = [_("Choose among the listed answers, each once.")]
            return None
        return {"choices": sorted(value, key=codes.index)}
    if not isinstance(value, str):
        errors[q.code] = [_("Write your answer as text.")]
        return None
    text = value.strip()
    if len(text) > TEXT_LIMIT:
        errors[q.code] = [_("Keep this under %(n)d characters.") % {"n": TEXT_LIMIT}]
        return None
    if multi_line_problem(text):
        errors[q.code] = [_("Remove the control characters from this text (line breaks are fine).")]
        return None
    if not text:
        if q.required:
            errors[q.code] = [_("Please answer this question.")]
        return None
    return {"text": text}


@transaction.atomic
def survey_respond(*, survey: Survey, actor: authz.Actor, answers: dict[str, Any],
                   now: datetime.datetime | None = None) -> None:
    """One answer per person per survey (a database constraint on the completion). Returns nothing:
    not even the caller learns the response's key."""
    me = actor.person
    recipient = (SurveyRecipient.objects.select_for_update().filter(survey=survey, person=me).first()
                 if me is not None else None)
    if recipient is None:
        raise Forbidden(_("This survey was not sent to you."), code=Code.NOT_A_RECIPIENT)
    survey = Survey.objects.select_related("version").get(pk=survey.pk)
    if not is_open(survey, now):
        raise Conflict(_("This survey has closed."), code=Code.SURVEY_CLOSED)
    if SurveyCompletion.objects.filter(survey=survey, person=me).exists():
        raise Conflict(_("You have already answered this survey."), code=Code.ALREADY_ANSWERED)
    if not isinstance(answers, dict):
        raise ValidationFailed({"answers": [_("Send the answers by question code.")]})
    questions = list(survey.version.questions.order_by("order", "id"))
    errors: dict[str, list[str]] = {}
    known = {q.code for q in questions}
    for code in answers:
        if code not in known:
            errors[str(code)[:40]] = [_("Not a question of this survey.")]
    cleaned = [(q, _clean_answer(q, answers.get(q.code), errors)) for q in questions]
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            SurveyCompletion.objects.create(survey=survey, person=me, subject_id=recipient.subject_id,
                                            answered_on=timezone.localdate(_now(now)))
    except IntegrityError:
        raise Conflict(_("You have already answered this survey."), code=Code.ALREADY_ANSWERED) from None
    response = SurveyResponse.objects.create(
        survey=survey, version=survey.version, anonymous=survey.anonymous,
        respondent=None if survey.anonymous else me,
        department_id=me.department_id, job_profile_id=me.job_profile_id, subject_id=recipient.subject_id,
    )
    SurveyAnswer.objects.bulk_create([SurveyAnswer(response=response, question=q, **a) for q, a in cleaned if a])
    events.emit("survey.answered", survey_id=survey.pk, person_id=me.pk)


# -- schedules: sent at milestones and after sessions ---------------------------------------------

OPEN_DAYS_SCHEDULE_MAX = 90


@transaction.atomic
def survey_schedule_add(*, program: Program, actor: authz.Actor, template: SurveyTemplate | None,
                        milestone_id: Any = None, after_sessions: Any = None, open_days: Any = OPEN_DAYS_DEFAULT
                        ) -> SurveySchedule:
    """The program team says when a survey goes out by itself: on one of the program's ``survey``
    milestones (to its participants) or after each pair's N-th held session (to the pair's mentee)."""
    from tandem.programs.models import MilestoneKind, ProgramMilestone

    if not authz.can_send_survey(actor, program):
        raise Forbidden(_("Only the program's manager or HR schedules its surveys."))
    errors: dict[str, list[str]] = {}
    if template is None:
        errors["template"] = [_("Choose one of the listed surveys.")]

    def number(value: Any, field: str, lo: int, hi: int) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 4:
            value = int(value.strip())
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            errors[field] = [_("Enter a whole number from %(lo)d to %(hi)d.") % {"lo": lo, "hi": hi}]
            return None
        return value

    ms_id = number(milestone_id, "milestone", 1, 2**31 - 1)
    sessions = number(after_sessions, "after_sessions", 1, 100)
    days = number(open_days, "open_days", 1, OPEN_DAYS_SCHEDULE_MAX)
    milestone = None
    if ms_id is not None:
        milestone = ProgramMilestone.objects.filter(pk=ms_id, phase__program=program,
                                                    kind=MilestoneKind.SURVEY).first()
        if milestone is None:
            errors["milestone"] = [_("Choose one of this program's survey milestones.")]
    if "milestone" not in errors and "after_sessions" not in errors and (milestone is None) == (sessions is None):
        errors["milestone"] = [_("Send either at a survey milestone or after a number of held sessions, not both.")]
    if days is None and "open_days" not in errors:
        days = OPEN_DAYS_DEFAULT
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            return SurveySchedule.objects.create(program=program, template=template, milestone=milestone,
                                                 after_sessions=sessions, open_days=days, created_by=actor.person)
    except IntegrityError:
        raise Conflict(_("This survey is scheduled for that moment already."), code=Code.SCHEDULE_EXISTS) from None


@transaction.atomic
def survey_schedule_remove(*, schedule: SurveySchedule, actor: authz.Actor) -> None:
    """Stops future sendings; surveys already sent stay (with their answers)."""
    if not authz.can_send_survey(actor, schedule.program):
        raise Forbidden(_("Only the program's manager or HR schedules its surveys."))
    schedule.delete()


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


def _send_scheduled(schedule: SurveySchedule, *, mentorship: Mentorship | None, closes_at: datetime.datetime,
                    recipients: list[tuple[int, int | None]]) -> Survey | None:
    """Send once: the unique constraints on ``Survey.schedule`` make a second run (or a second
    worker) a no-op. None when already sent or nobody can answer."""
    try:
        with transaction.atomic():
            return _survey_create(template=schedule.template, program=schedule.program, mentorship=mentorship,
                                  recipients=recipients, closes_at=closes_at, sent_by=None, schedule=schedule)
    except IntegrityError:
        return None
    except Conflict as exc:
        log.info("scheduled survey %s not sent: %s", schedule.pk, exc.code)
        return None


def _held_sessions(mentorship_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from tandem.mentorships.models import Session, SessionStatus

    return dict(Session.objects.filter(mentorship_id__in=mentorship_ids, status=SessionStatus.HELD)
                .values_list("mentorship_id").annotate(n=Count("id")).values_list("mentorship_id", "n"))


def _after_sessions_due(schedules: list[SurveySchedule], pairs: list[Mentorship], now: datetime.datetime
                        ) -> list[int]:
    sent: list[int] = []
    if not schedules or not pairs:
        return sent
    held = _held_sessions([m.pk for m in pairs])
    done = set(Survey.objects.filter(schedule__in=schedules, mentorship__in=pairs)
               .values_list("schedule_id", "mentorship_id"))
    for sch in schedules:
        for m in pairs:
            if m.program_id != sch.program_id or held.get(m.pk, 0) < sch.after_sessions or (sch.pk, m.pk) in done:
                continue
            subject = m.mentor_id if sch.template.purpose == SurveyPurpose.MENTOR_EFFECTIVENESS else None
            s = _send_scheduled(sch, mentorship=m, recipients=[(m.mentee_id, subject)],
                                closes_at=_end_of(timezone.localdate(now) + datetime.timedelta(days=sch.open_days)))
            if s is not None:
                sent.append(s.pk)
    return sent


def survey_after_session(*, mentorship_id: int, now: datetime.datetime | None = None, **_ids: Any) -> list[int]:
    """Subscribed to ``session.held``: the pair's mentee gets each survey scheduled after as many
    held sessions as the pair has now (the daily job catches up what this missed)."""
    now = _now(now)
    m = Mentorship.objects.filter(pk=mentorship_id, status=MentorshipStatus.ACTIVE).first()
    if m is None:
        return []
    schedules = list(SurveySchedule.objects.filter(program_id=m.program_id, after_sessions__isnull=False)
                     .select_related("template", "program").order_by("id"))
    return _after_sessions_due(schedules, [m], now)


def surveys_due(*, now: datetime.datetime | None = None) -> list[int]:
    """The daily job: send every scheduled survey whose moment has come and that has not gone out.
    A milestone's survey goes out on its day (a day missed is caught up while it would still be
    open); after-session surveys to each active pair that has held enough sessions. Never twice
    (database constraints). Returns the ids of the surveys sent."""
    from tandem.programs.models import ProgramStatus

    now = _now(now)
    today = timezone.localdate(now)
    sent: list[int] = []
    live = (ProgramStatus.OPEN, ProgramStatus.RUNNING)
    done = set(Survey.objects.filter(schedule__milestone__isnull=False, mentorship__isnull=True)
               .values_list("schedule_id", flat=True))
    for sch in (SurveySchedule.objects.filter(milestone__isnull=False, program__status__in=live)
                .select_related("template", "program", "milestone").order_by("id")):
        if sch.pk in done:
            continue
        due = sch.program.day_date(sch.milestone.due_day)
        closes = due + datetime.timedelta(days=sch.open_days)
        if not due <= today < closes:
            continue
        s = _send_scheduled(sch, mentorship=None, closes_at=_end_of(closes),
                            recipients=_recipients_of_program(sch.program, sch.template))
        if s is not None:
            sent.append(s.pk)
    by_session = list(SurveySchedule.objects.filter(after_sessions__isnull=False, program__status__in=live)
                      .select_related("template", "program").order_by("id"))
    if by_session:
        pairs = list(Mentorship.objects.filter(program_id__in={s.program_id for s in by_session},
                                               status=MentorshipStatus.ACTIVE).order_by("id"))
        sent += _after_sessions_due(by_session, pairs, now)
    return sent


def surveys_due_job() -> None:
    """Entry point of the scheduler (called without arguments)."""
    surveys_due()


# -- telling people --------------------------------------------------------------------------------


def _title_and_due(survey: Survey, language: str) -> dict[str, str]:
    from django.utils import translation

    with translation.override(language):
        title = survey.version.template.tr("name")
    return {"title": title, "due": timezone.localdate(survey.closes_at).isoformat()}


def survey_sent_notify(*, survey_id: int, now: datetime.datetime | None = None, **_ids: Any) -> int:
    """Subscribed to ``survey.sent``: SURVEY_OPENED to each recipient, once, in their language.
    Returns how many were told."""
    from django.urls import reverse

    from tandem.notifications import selectors as nsel
    from tandem.notifications.models import EmailMode, NotificationKind
    from tandem.notifications.reminders import remind_once

    now = _now(now)
    survey = Survey.objects.select_related("version__template").filter(pk=survey_id).first()
    if survey is None or not is_open(survey, now):
        return 0
    people = [r.person for r in SurveyRecipient.objects.filter(survey=survey, person__is_active=True)
              .select_related("person").order_by("id")]
    prefs = nsel.preferences_for(person_ids=[p.pk for p in people])
    kind = NotificationKind.SURVEY_OPENED
    told = 0
    for person in people:
        pref = prefs[person.pk]
        in_app, email = pref.wants_in_app(kind), pref.wants_email(kind)
        if not (in_app or email):
            continue
        n = remind_once(kind=kind, subject=f"survey:{survey.pk}", occasion=str(survey.pk), person=person,
                        mentorship_id=survey.mentorship_id, params=_title_and_due(survey, pref.email_language),
                        url=reverse("survey_answer", args=[survey.pk]), object_id=survey.pk, in_app=in_app,
                        email=email, immediate=pref.email_mode == EmailMode.IMMEDIATE, now=now)
        told += n is not None
    return told
