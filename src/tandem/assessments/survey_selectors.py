"""Reads of surveys: the access helper, what to answer, and results that keep anonymity.

The rules for results (pages, API, CSV export and the mentor rating all go through
:func:`survey_results` / :func:`mentor_ratings`):

1. **Threshold.** A group of fewer answers than the survey's threshold (default 5, never below 3)
   shows no aggregate and no free text: only ``shown: false`` and the reason.
2. **Anonymous surveys show results only once closed.** While answers still arrive, two readings
   an hour apart would differ by the one person who answered in between (whose completion the
   reminder list shows): the difference would be their answer.
3. **Breakdowns (no differencing).** A breakdown of a survey by department, job profile or mentor
   is shown only when *every* cell has at least the threshold, and the rest of the survey outside
   each cell (its complement) is empty or has at least the threshold. Otherwise the whole breakdown
   is refused: showing some cells next to the total would let anyone subtract the hidden ones.
   Breakdowns are one dimension at a time over exact keys (a department, not its subtree), so no
   two groups offered overlap except a cell and the whole.
4. **Across surveys (the mentor rating)** the group is counted in *distinct people* (from the
   completions), not in answers: a mentee answering five times is one person. Only closed surveys count.

Known limit: an aggregate across surveys changes when one more survey closes; if that survey had
a single respondent, the change over time is theirs. The mentor rating therefore counts only
surveys closed before the start of the current calendar month, so it moves at most monthly and
each move mixes every survey that closed in that month.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.assessments import survey_services
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
    SurveySchedule,
    SurveyStatus,
    SurveyTemplate,
    SurveyTemplateVersion,
)
from tandem.core import authz
from tandem.core.errors import Forbidden, NotFound, ValidationFailed
from tandem.people.models import Department, JobProfile, Person
from tandem.programs.models import Program

BREAKDOWNS = ("department", "job_profile", "mentor")


def survey_for(actor: authz.Actor, survey_id: int, *, rule: Any = None) -> Survey:
    """The survey, for its recipients and those who see its results; 404 for anyone else."""
    s = (Survey.objects.select_related("version__template", "program", "mentorship__program")
         .filter(pk=survey_id).first())
    if s is None:
        raise NotFound(_("No such survey."))
    recipient = actor.person is not None and SurveyRecipient.objects.filter(survey=s, person=actor.person).exists()
    if not (recipient or authz.can_view_survey_results(actor, s)):
        raise NotFound(_("No such survey."))
    if rule is not None and not rule(actor, s):
        raise Forbidden()
    return s


def templates() -> QuerySet[SurveyTemplate]:
    return SurveyTemplate.objects.order_by("name")


def template_by_code(code: str) -> SurveyTemplate | None:
    return SurveyTemplate.objects.filter(code=code).first()


def to_answer(*, person: Person | None, now: datetime.datetime | None = None) -> list[Survey]:
    if person is None:
        return []
    now = now or timezone.now()
    done = SurveyCompletion.objects.filter(person=person).values("survey_id")
    return list(Survey.objects.filter(recipients__person=person, status=SurveyStatus.OPEN, closes_at__gt=now)
                .exclude(pk__in=done).select_related("version__template", "program").order_by("closes_at")[:50])


def has_answered(*, survey: Survey, person: Person | None) -> bool:
    return person is not None and SurveyCompletion.objects.filter(survey=survey, person=person).exists()


def surveys_of_program(*, program: Program) -> QuerySet[Survey]:
    return (Survey.objects.filter(program=program).select_related("version__template", "mentorship")
            .annotate(n_recipients=Count("recipients", distinct=True),
                      n_answered=Count("completions", distinct=True))
            .order_by("-created_at", "-id"))


def questions_of(*, survey: Survey) -> list[SurveyQuestion]:
    return list(survey.version.questions.order_by("order", "id"))


def not_answered(*, survey: Survey) -> QuerySet[Person]:
    """For reminders: who was asked and has not answered (names only; never what anyone answered)."""
    done = SurveyCompletion.objects.filter(survey=survey).values("person_id")
    return Person.objects.filter(survey_invitations__survey=survey).exclude(pk__in=done).order_by("full_name")


# -- aggregates ---------------------------------------------------------------------------------


def _aggregate(q: SurveyQuestion, answers: list[SurveyAnswer], n_group: int) -> dict[str, Any]:
    out: dict[str, Any] = {"code": q.code, "kind": q.kind, "text": q.tr("text"), "n": 0}
    if q.kind in (QuestionKind.SCALE, QuestionKind.NPS):
        values = [a.number for a in answers if a.number is not None]
        lo, hi = (1, 5) if q.kind == QuestionKind.SCALE else (0, 10)
        counts = Counter(values)
        out["n"] = len(values)
        out["distribution"] = {str(v): counts.get(v, 0) for v in range(lo, hi + 1)}
        out["mean"] = round(sum(values) / len(values), 2) if values else None
        if q.kind == QuestionKind.NPS:
            p = sum(1 for v in values if v >= 9)
            d = sum(1 for v in values if v <= 6)
            out.update({"promoters": p, "passives": len(values) - p - d, "detractors": d,
                        "nps": round(100 * (p - d) / len(values)) if values else None})
    elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        counts = Counter(c for a in answers for c in a.choices)
        out["n"] = sum(1 for a in answers if a.choices)
        out["distribution"] = {code: counts.get(code, 0) for code, _label in q.choice_list()}
        out["labels"] = dict(q.choice_list())
    else:
        texts = sorted(a.text for a in answers if a.text)  # sorted: no order of arrival
        out["n"] = len(texts)
        out["texts"] = texts
    return out


def _refused(reason: str, message: str, n: int | None = None, threshold: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"shown": False, "reason": reason, "message": message}
    if n is not None:
        out["n_responses"] = n  # the count is no secret: the completion list shows who answered
    if threshold is not None:
        out["threshold"] = threshold
    return out


def _group(questions: list[SurveyQuestion], responses: list[SurveyResponse],
           answers: dict[Any, list[SurveyAnswer]]) -> list[dict[str, Any]]:
    by_q: dict[int, list[SurveyAnswer]] = defaultdict(list)
    for r in responses:
        for a in answers.get(r.pk, []):
            by_q[a.question_id].append(a)
    return [_aggregate(q, by_q.get(q.pk, []), len(responses)) for q in questions]


def _cell_key(r: SurveyResponse, dimension: str) -> int | None:
    return {"department": r.department_id, "job_profile": r.job_profile_id, "mentor": r.subject_id}[dimension]


def _cell_labels(dimension: str, keys: list[int | None]) -> dict[int | None, str]:
    ids = [k for k in keys if k is not None]
    model = {"department": Department, "job_profile": JobProfile, "mentor": Person}[dimension]
    labels: dict[int | None, str] = {o.pk: (o.full_name if dimension == "mentor" else str(o))
                                     for o in model.objects.filter(pk__in=ids)}
    labels[None] = _("none")
    return labels


def survey_results(*, survey: Survey, breakdown: str | None = None, now: datetime.datetime | None = None
                   ) -> dict[str, Any]:
    """The survey's results under the rules of this module; ``breakdown`` one of :data:`BREAKDOWNS`."""
    if breakdown is not None and breakdown not in BREAKDOWNS:
        raise ValidationFailed({"breakdown": [_("Break down by one of: %(list)s.") % {"list": ", ".join(BREAKDOWNS)}]})
    t = max(survey.threshold, 3)
    n = SurveyResponse.objects.filter(survey=survey).count()
    base = {"survey_id": survey.pk, "template": survey.version.template.code, "version": survey.version.number,
            "anonymous": survey.anonymous, "open": survey_services.is_open(survey, now)}
    if n < t:
        return base | _refused("below_threshold", _("Not enough answers yet: results appear from %(t)d answers.")
                               % {"t": t}, n, t)
    if survey.anonymous and survey_services.is_open(survey, now):
        return base | _refused("survey_open", _("Results of an anonymous survey appear when it closes."), n, t)
    questions = questions_of(survey=survey)
    responses = list(SurveyResponse.objects.filter(survey=survey))
    answers: dict[Any, list[SurveyAnswer]] = defaultdict(list)
    for a in SurveyAnswer.objects.filter(response__survey=survey):
        answers[a.response_id].append(a)
    out = base | {"shown": True, "n_responses": n, "threshold": t,
                  "questions": _group(questions, responses, answers)}
    if breakdown:
        cells: dict[int | None, list[SurveyResponse]] = defaultdict(list)
        for r in responses:
            cells[_cell_key(r, breakdown)].append(r)
        small = [k for k, rs in cells.items() if len(rs) < t or 0 < n - len(rs) < t]
        if small:
            out["breakdown"] = {"dimension": breakdown, "shown": False, "reason": Code.BREAKDOWN_REFUSED,
                                "message": _("This breakdown is not shown: at least one group, or the rest of the "
                                             "survey beside it, has fewer than %(t)d answers.") % {"t": t}}
        else:
            labels = _cell_labels(breakdown, list(cells))
            out["breakdown"] = {"dimension": breakdown, "shown": True, "cells": [
                {"key": k, "label": labels.get(k, "?"), "n_responses": len(rs),
                 "questions": _group(questions, rs, answers)}
                for k, rs in sorted(cells.items(), key=lambda kv: labels.get(kv[0], ""))]}
    return out


# -- the mentor rating (fed into matching) ------------------------------------------------------


@dataclass
class MentorRating:
    mentor_id: int
    mean: float | None
    people: int
    shown: bool


def _rating_cutoff(now: datetime.datetime | None) -> datetime.datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def mentor_ratings(person_ids: list[int], *, now: datetime.datetime | None = None) -> dict[int, MentorRating]:
    """Each mentor's rating by mentees: the mean of the scale answers of mentor-effectiveness surveys
    about them that closed before this month, shown only from the threshold of distinct mentees."""
    if not person_ids:
        return {}
    cutoff = _rating_cutoff(now)
    closed = Survey.objects.filter(version__template__purpose=SurveyPurpose.MENTOR_EFFECTIVENESS,
                                   closes_at__lt=cutoff) | Survey.objects.filter(
        version__template__purpose=SurveyPurpose.MENTOR_EFFECTIVENESS, status=SurveyStatus.CLOSED,
        updated_at__lt=cutoff)
    closed_ids = list(closed.values_list("pk", flat=True).distinct())
    if not closed_ids:
        return {}
    thresholds = dict(Survey.objects.filter(pk__in=closed_ids).values_list("pk", "threshold"))
    people: dict[int, set[int]] = defaultdict(set)
    need: dict[int, int] = defaultdict(lambda: 3)
    for sid, pid, subject in SurveyCompletion.objects.filter(
            survey_id__in=closed_ids, subject_id__in=person_ids).values_list("survey_id", "person_id", "subject_id"):
        people[subject].add(pid)
        need[subject] = max(need[subject], thresholds.get(sid, 5))
    sums: dict[int, list[int]] = defaultdict(list)
    for subject, number in SurveyAnswer.objects.filter(
            response__survey_id__in=closed_ids, response__subject_id__in=person_ids,
            question__kind=QuestionKind.SCALE, number__isnull=False).values_list("response__subject_id", "number"):
        sums[subject].append(number)
    out = {}
    for mid in person_ids:
        n_people = len(people.get(mid, ()))
        values = sums.get(mid, [])
        shown = n_people >= need[mid] and bool(values)
        out[mid] = MentorRating(mentor_id=mid, mean=round(sum(values) / len(values), 2) if shown else None,
                                people=n_people, shown=shown)
    return out


def mentor_rating_values(person_ids: list[int]) -> dict[int, float]:
    """For the matching engine: mentor → mean rating in [1, 5], only where it may be shown."""
    return {mid: r.mean for mid, r in mentor_ratings(person_ids).items() if r.shown and r.mean is not None}


# -- reminders ------------------------------------------------------------------------------------

REMIND_AHEAD = datetime.timedelta(days=3)


def surveys_to_remind(*, now: datetime.datetime) -> list[tuple[Survey, list[Person]]]:
    """Open surveys whose reminder moment has come — ``REMIND_AHEAD`` before closing, or halfway
    for a survey open for less than twice that — each with who was asked and has not answered."""
    surveys = [s for s in Survey.objects.filter(status=SurveyStatus.OPEN, closes_at__gt=now,
                                                closes_at__lte=now + REMIND_AHEAD)
               .select_related("version__template").order_by("closes_at", "id")
               if now >= s.closes_at - min(REMIND_AHEAD, (s.closes_at - s.created_at) / 2)]
    if not surveys:
        return []
    ids = [s.pk for s in surveys]
    done = set(SurveyCompletion.objects.filter(survey_id__in=ids).values_list("survey_id", "person_id"))
    waiting: dict[int, list[Person]] = defaultdict(list)
    for r in (SurveyRecipient.objects.filter(survey_id__in=ids, person__is_active=True)
              .select_related("person").order_by("id")):
        if (r.survey_id, r.person_id) not in done:
            waiting[r.survey_id].append(r.person)
    return [(s, waiting[s.pk]) for s in surveys if waiting.get(s.pk)]


# -- schedules and templates ------------------------------------------------------------------------


def survey_milestones(*, program: Program) -> list[Any]:
    from tandem.programs.models import MilestoneKind, ProgramMilestone

    return list(ProgramMilestone.objects.filter(phase__program=program, kind=MilestoneKind.SURVEY)
                .order_by("due_day", "id"))


def schedules_of_program(*, program: Program) -> list[SurveySchedule]:
    return list(SurveySchedule.objects.filter(program=program).select_related("template", "milestone")
                .annotate(n_sent=Count("surveys", distinct=True)).order_by("id"))


def schedule_for(actor: authz.Actor, schedule_id: int) -> SurveySchedule:
    """The schedule, for its program's team; 404 for anyone else."""
    sch = SurveySchedule.objects.select_related("program", "template").filter(pk=schedule_id).first()
    if sch is None or not authz.can_view_program(actor, sch.program):
        raise NotFound(_("No such schedule."))
    if not authz.can_send_survey(actor, sch.program):
        raise Forbidden()
    return sch


def templates_with_versions() -> list[SurveyTemplate]:
    return list(SurveyTemplate.objects.annotate(n_versions=Count("versions", distinct=True),
                                                latest=Max("versions__number")).order_by("name"))


def template_get(*, template_id: int) -> SurveyTemplate:
    t = SurveyTemplate.objects.filter(pk=template_id).first()
    if t is None:
        raise NotFound(_("No such survey template."))
    return t


def template_versions(*, template: SurveyTemplate) -> list[SurveyTemplateVersion]:
    return list(SurveyTemplateVersion.objects.filter(template=template)
                .annotate(n_surveys=Count("surveys", distinct=True))
                .prefetch_related("questions").order_by("-number"))


def latest_questions(*, template: SurveyTemplate) -> list[SurveyQuestion]:
    v = template.versions.order_by("-number").first()
    return list(v.questions.order_by("order", "id")) if v is not None else []


# -- a schedule's results across its surveys (after-session surveys go to one mentee each) ---------


def _closed_before(qs: QuerySet[Survey], cutoff: datetime.datetime) -> list[int]:
    return sorted(set(qs.filter(closes_at__lt=cutoff).values_list("pk", flat=True))
                  | set(qs.filter(status=SurveyStatus.CLOSED, updated_at__lt=cutoff).values_list("pk", flat=True)))


def schedule_results(*, schedule: SurveySchedule, by_mentor: bool = False, now: datetime.datetime | None = None
                     ) -> dict[str, Any]:
    """Every survey a schedule sent, taken together (an after-session schedule sends one survey per
    pair, each with a single respondent: none of them can be shown alone). The rules of this module,
    counted in *distinct people* (completions) as for the mentor rating: only surveys closed before
    the start of this month count (so the figures move at most monthly, each move mixing every
    survey closed in that month); fewer people than the threshold, nothing; by mentor only when
    every mentor's group and the rest beside it have at least the threshold."""
    t = max(schedule.template.threshold, 3)
    cutoff = _rating_cutoff(now)
    ids = _closed_before(Survey.objects.filter(schedule=schedule), cutoff)
    done = list(SurveyCompletion.objects.filter(survey_id__in=ids).values_list("person_id", "subject_id"))
    people = {p for p, _s in done}
    base = {"schedule_id": schedule.pk, "template": schedule.template.code, "surveys": len(ids),
            "counted_until": cutoff.date().isoformat(), "n_people": len(people), "threshold": t}
    if len(people) < t:
        return base | _refused("below_threshold", _("Not enough answers yet: results appear from %(t)d people, "
                                                    "counting surveys closed before this month.") % {"t": t})
    latest = (Survey.objects.filter(pk__in=ids).select_related("version").order_by("-version__number").first())
    questions = questions_of(survey=latest)
    kinds = {q.code: q.kind for q in questions}
    responses = list(SurveyResponse.objects.filter(survey_id__in=ids))
    answers: dict[Any, list[SurveyAnswer]] = defaultdict(list)
    by_code: dict[str, SurveyQuestion] = {q.code: q for q in questions}
    for a in SurveyAnswer.objects.filter(response__survey_id__in=ids).select_related("question"):
        q = by_code.get(a.question.code)
        if q is not None and kinds[q.code] == a.question.kind:
            a.question_id = q.pk  # an earlier version's answer counts under the latest version's question
            answers[a.response_id].append(a)
    out = base | {"shown": True, "n_responses": len(responses), "questions": _group(questions, responses, answers)}
    if by_mentor:
        mentees_of: dict[int | None, set[int]] = defaultdict(set)
        for p, s in done:
            mentees_of[s].add(p)
        small = [k for k, ps in mentees_of.items() if len(ps) < t or 0 < len(people - ps) < t]
        if small:
            out["breakdown"] = {"dimension": "mentor", "shown": False, "reason": Code.BREAKDOWN_REFUSED,
                                "message": _("This breakdown is not shown: at least one group, or the rest "
                                             "beside it, has fewer than %(t)d people.") % {"t": t}}
        else:
            cells: dict[int | None, list[SurveyResponse]] = defaultdict(list)
            for r in responses:
                cells[r.subject_id].append(r)
            labels = _cell_labels("mentor", list(cells))
            out["breakdown"] = {"dimension": "mentor", "shown": True, "cells": [
                {"key": k, "label": labels.get(k, "?"), "n_people": len(mentees_of.get(k, ())),
                 "n_responses": len(rs), "questions": _group(questions, rs, answers)}
                for k, rs in sorted(cells.items(), key=lambda kv: labels.get(kv[0], ""))]}
    return out
