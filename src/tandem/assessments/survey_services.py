"""Every write on surveys: install and revise templates, send, answer, close.

Answering an anonymous survey writes two unlinked things in one transaction: the completion (who,
and the day: for reminders and for counting people) and the response (the answers, with no author,
no time, a random UUID key; see ``models``). Nothing read back by the application connects them;
the event ``survey.answered`` carries the survey and the person, never the response.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.assessments.errors import AssessmentErrorCode as Code
from tandem.assessments.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyCompletion,
    SurveyPurpose,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    SurveyStatus,
    SurveyTemplate,
    SurveyTemplateVersion,
)
from tandem.core import authz, events
from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.core.validators import multi_line_problem
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program

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


@transaction.atomic
def survey_template_revise(*, template: SurveyTemplate, actor: authz.Actor,
                           questions: list[dict[str, Any]]) -> SurveyTemplateVersion:
    """A new version of the template's questions (HR). Surveys already sent, and their answers,
    keep the version they were sent with."""
    if not actor.is_hr:
        raise Forbidden()
    template = SurveyTemplate.objects.select_for_update().get(pk=template.pk)
    errors: dict[str, list[str]] = {}
    if not questions or len(questions) > 40:
        errors["questions"] = [_("Give from 1 to 40 questions.")]
    codes: set[str] = set()
    for i, q in enumerate(questions or []):
        code, kind, text = str(q.get("code", "")), q.get("kind"), str(q.get("text", "")).strip()
        if not code or not code.replace("_", "").isalnum() or len(code) > 40 or code in codes:
            errors[f"questions.{i}.code"] = [_("Give each question its own short code (letters, digits, _).")]
        codes.add(code)
        if kind not in QuestionKind.values:
            errors[f"questions.{i}.kind"] = [_("Choose one of the listed kinds.")]
        if not text or len(text) > 300:
            errors[f"questions.{i}.text"] = [_("Write the question (at most 300 characters).")]
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(q.get("choices") or []) < 2:
            errors[f"questions.{i}.choices"] = [_("Give at least two choices.")]
    if errors:
        raise ValidationFailed(errors)
    number = (template.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    v = SurveyTemplateVersion.objects.create(template=template, number=number)
    for i, q in enumerate(questions):
        SurveyQuestion.objects.create(
            version=v, order=i, code=q["code"], kind=q["kind"], text=q["text"].strip(),
            required=bool(q.get("required", True)), translations=q.get("translations") or {},
            choices=[{"code": str(c["code"]), "label": str(c["label"]), "translations": c.get("translations") or {}}
                     for c in q.get("choices") or []],
        )
    return v


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
    if not recipients:
        raise Conflict(_("Nobody in this program can answer this survey yet."), code=Code.NO_RECIPIENTS)
    survey = Survey.objects.create(
        version=latest_version(template), program=program if program is not None else mentorship.program,
        mentorship=mentorship, anonymous=template.anonymous, threshold=max(template.threshold, 3),
        closes_at=closes, sent_by=actor.person,
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
