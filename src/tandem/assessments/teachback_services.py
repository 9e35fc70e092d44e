"""Every write of the teach-back practicum (source 000): settings and rubric, slots, scores,
questions and knowledge gaps, the result.

Rules
-----
- The organiser (the program's manager, or HR) schedules a slot: a trainee enrolled in the program,
  a topic and its competency, a room or a video link, a start inside the program, a length, and an
  audience of other people enrolled in it (never the trainee). Attempts are numbered per trainee
  and program, in time order; a trainee who passed, or used every attempt, gets no further slot.
- Scoring: only the registered audience, once each (a database constraint), on every criterion of
  the rubric (1–5), from the start until ``window_hours`` after the end. Nothing after.
- The result is final when scoring closes (or when every audience member has scored): the mean of
  the criteria means; passed when it reaches the pass mark. A pass writes an ``assessment`` rating
  for the competency (``people.services.rating_record``) and cancels the trainee's later slots; a
  failed last attempt is flagged to the program manager through ``teachback.result``.

Services take ``now`` only so that the demo can replay a finished week; pages and the API never pass it.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.assessments.errors import AssessmentErrorCode as Code
from tandem.assessments.models import (
    DEFAULT_CRITERIA,
    LENGTH_MAX,
    LENGTH_MIN,
    CriterionScore,
    KnowledgeGap,
    RubricCriterion,
    TeachBack,
    TeachBackAudience,
    TeachBackQuestion,
    TeachBackScore,
    TeachBackSettings,
    TeachBackStatus,
)
from tandem.core import authz, events
from tandem.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tandem.core.tasks import enqueue_on_commit
from tandem.core.validators import date_problem, single_line_problem
from tandem.people.models import Competency, RatingSource
from tandem.people.services import rating_record
from tandem.programs.models import Enrolment, EnrolmentStatus, Program

TOPIC_LIMIT = 200
ROOM_LIMIT = 200
LINK_LIMIT = 500
QUESTION_LIMIT = 500
AUDIENCE_MAX = 200


def _invalid(field: str, message: str, code: str) -> ValidationFailed:
    """A field error with its own code (the API client tells it from other bad input)."""
    exc = ValidationFailed({field: [message]}, message=message)
    exc.code = code
    return exc


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


# -- settings and rubric -------------------------------------------------------------------------


def settings_for(program: Program) -> TeachBackSettings:
    """The program's teach-back settings, with the default rubric on first use."""
    s = TeachBackSettings.objects.filter(program=program).first()
    if s is not None:
        return s
    with transaction.atomic():
        s, created = TeachBackSettings.objects.get_or_create(program=program)
        if created and not RubricCriterion.objects.filter(program=program).exists():
            RubricCriterion.objects.bulk_create([
                RubricCriterion(program=program, code=code, name=en, order=i,
                                translations={"zh-hans": {"name": zh}, "ru": {"name": ru}})
                for i, (code, en, zh, ru) in enumerate(DEFAULT_CRITERIA)
            ])
    return s


def _organiser(actor: authz.Actor, program: Program) -> None:
    if not authz.can_organise_teach_backs(actor, program):
        raise Forbidden(_("Only the program's manager or HR organises teach-backs."))


@transaction.atomic
def teach_back_settings_update(*, program: Program, actor: authz.Actor, pass_mark: Any, max_attempts: Any,
                               window_hours: Any) -> TeachBackSettings:
    _organiser(actor, program)
    s = settings_for(program)
    s = TeachBackSettings.objects.select_for_update().get(pk=s.pk)
    errors: dict[str, list[str]] = {}
    try:
        mark = Decimal(str(pass_mark)).quantize(Decimal("0.01"))
        if not Decimal(1) <= mark <= Decimal(5):
            raise ValueError
    except (ArithmeticError, ValueError):
        errors["pass_mark"] = [_("Enter a pass mark from 1 to 5.")]
        mark = s.pass_mark
    if not isinstance(max_attempts, int) or isinstance(max_attempts, bool) or not 1 <= max_attempts <= 10:
        errors["max_attempts"] = [_("Enter from 1 to 10 attempts.")]
    if not isinstance(window_hours, int) or isinstance(window_hours, bool) or not 0 <= window_hours <= 24 * 14:
        errors["window_hours"] = [_("Enter from 0 to 336 hours.")]
    if errors:
        raise ValidationFailed(errors)
    s.pass_mark, s.max_attempts, s.window_hours = mark, max_attempts, window_hours
    s.save(update_fields=["pass_mark", "max_attempts", "window_hours", "updated_at"])
    return s


def _criterion_name(value: Any, errors: dict[str, list[str]]) -> str:
    name = str(value or "").strip()
    if not name:
        errors["name"] = [_("Name the criterion.")]
    elif len(name) > 120 or single_line_problem(name):
        errors["name"] = [_("Use one line of at most 120 characters.")]
    return name


@transaction.atomic
def rubric_criterion_add(*, program: Program, actor: authz.Actor, name: str) -> RubricCriterion:
    _organiser(actor, program)
    settings_for(program)
    Program.objects.select_for_update().get(pk=program.pk)
    errors: dict[str, list[str]] = {}
    name = _criterion_name(name, errors)
    existing = list(RubricCriterion.objects.filter(program=program))
    if len(existing) >= 12:
        errors["name"] = [_("A rubric has at most 12 criteria.")]
    if any(c.name.casefold() == name.casefold() for c in existing):
        errors["name"] = [_("The rubric already has this criterion.")]
    if errors:
        raise ValidationFailed(errors)
    codes = {c.code for c in existing}
    n = len(existing) + 1
    while f"c{n}" in codes:
        n += 1
    return RubricCriterion.objects.create(program=program, code=f"c{n}", name=name,
                                          order=max((c.order for c in existing), default=-1) + 1)


@transaction.atomic
def rubric_criterion_rename(*, criterion: RubricCriterion, actor: authz.Actor, name: str) -> RubricCriterion:
    _organiser(actor, criterion.program)
    errors: dict[str, list[str]] = {}
    name = _criterion_name(name, errors)
    if errors:
        raise ValidationFailed(errors)
    criterion.name = name
    criterion.translations = {}  # the other languages described the old name
    criterion.save(update_fields=["name", "translations", "updated_at"])
    return criterion


@transaction.atomic
def rubric_criterion_remove(*, criterion: RubricCriterion, actor: authz.Actor) -> None:
    _organiser(actor, criterion.program)
    if CriterionScore.objects.filter(criterion=criterion).exists():
        raise Conflict(_("Audience members have already scored this criterion: it stays in the rubric."),
                       code=Code.CRITERION_IN_USE)
    if RubricCriterion.objects.filter(program=criterion.program).count() <= 1:
        raise Conflict(_("A rubric needs at least one criterion."), code=Code.RUBRIC_EMPTY)
    criterion.delete()


# -- slots ---------------------------------------------------------------------------------------


def _enrolled_ids(program: Program, ids: list[int]) -> set[int]:
    return set(Enrolment.objects.filter(program=program, person_id__in=ids, status=EnrolmentStatus.ACTIVE,
                                        person__is_active=True).values_list("person_id", flat=True))


def _text(value: Any, *, field: str, limit: int, errors: dict[str, list[str]], required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > limit:
        errors[field] = [_("Keep this under %(n)d characters.") % {"n": limit}]
    elif single_line_problem(text):
        errors[field] = [_("Use one line without control characters.")]
    return text


@transaction.atomic
def teachback_schedule(
    *, program: Program, actor: authz.Actor, trainee_id: int, topic: str, competency_id: int,
    starts_at: datetime.datetime, length_minutes: int = 180, room: str = "", video_link: str = "",
    audience_ids: list[int], now: datetime.datetime | None = None,
) -> TeachBack:
    """Schedule the trainee's next attempt. Validates everything before it writes anything."""
    _organiser(actor, program)
    program = Program.objects.select_for_update().get(pk=program.pk)  # serialise attempt numbering
    s = settings_for(program)
    now = _now(now)
    errors: dict[str, list[str]] = {}
    topic = _text(topic, field="topic", limit=TOPIC_LIMIT, errors=errors, required=True)
    room = _text(room, field="room", limit=ROOM_LIMIT, errors=errors)
    video_link = _text(video_link, field="video_link", limit=LINK_LIMIT, errors=errors)
    if video_link and "video_link" not in errors:
        try:
            URLValidator(schemes=["https"])(video_link)
        except DjangoValidationError:
            errors["video_link"] = [_("Enter a link starting with https://.")]
    if not room and not video_link and "room" not in errors and "video_link" not in errors:
        errors["room"] = [_("Give a room or a video link.")]
    competency = Competency.objects.filter(pk=competency_id).first() if isinstance(competency_id, int) else None
    if competency is None:
        errors["competency"] = [_("Choose a competency.")]
    if not isinstance(length_minutes, int) or isinstance(length_minutes, bool) \
            or not LENGTH_MIN <= length_minutes <= LENGTH_MAX:
        errors["length_minutes"] = [_("Enter a length from %(a)d to %(b)d minutes.") % {"a": LENGTH_MIN, "b": LENGTH_MAX}]
    if not isinstance(starts_at, datetime.datetime) or date_problem(starts_at):
        errors["starts_at"] = [_("Enter a valid start.")]
    else:
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        day = timezone.localdate(starts_at)
        if not program.starts_on <= day <= program.ends_on:
            errors["starts_at"] = [_("The teach-back must fall within the program (%(a)s – %(b)s).") % {
                "a": program.starts_on.isoformat(), "b": program.ends_on.isoformat()}]
        elif starts_at < now:
            errors["starts_at"] = [_("The start is in the past.")]
    ids = [i for i in (audience_ids or []) if isinstance(i, int) and not isinstance(i, bool)]
    if len(ids) != len(audience_ids or []):
        errors["audience"] = [_("Unknown person.")]
    ids = sorted(set(ids))
    if not isinstance(trainee_id, int) or isinstance(trainee_id, bool) or not _enrolled_ids(program, [trainee_id]):
        raise _invalid("trainee", _("The trainee must be enrolled in this program."), Code.TRAINEE_NOT_ENROLLED)
    if trainee_id in ids:
        raise _invalid("audience", _("The trainee cannot be in their own audience."), Code.TRAINEE_IN_AUDIENCE)
    if not ids:
        errors["audience"] = [_("Register at least one audience member.")]
    elif len(ids) > AUDIENCE_MAX:
        errors["audience"] = [_("At most %(n)d audience members.") % {"n": AUDIENCE_MAX}]
    elif _enrolled_ids(program, ids) != set(ids):
        raise _invalid("audience", _("Only people enrolled in this program can be in the audience."),
                       Code.AUDIENCE_NOT_ENROLLED)
    if errors:
        raise ValidationFailed(errors)
    earlier = list(TeachBack.objects.filter(program=program, trainee_id=trainee_id)
                   .exclude(status=TeachBackStatus.CANCELLED).order_by("attempt"))
    if any(t.status == TeachBackStatus.PASSED for t in earlier):
        raise Conflict(_("This trainee has already passed the teach-back."), code=Code.ALREADY_PASSED)
    if len(earlier) >= s.max_attempts:
        raise Conflict(_("This trainee has used all %(n)d attempts.") % {"n": s.max_attempts},
                       code=Code.ATTEMPTS_EXHAUSTED, data={"max_attempts": s.max_attempts})
    if earlier and starts_at < earlier[-1].ends_at:
        raise ValidationFailed({"starts_at": [_("Attempt %(n)d must start after attempt %(p)d ends (%(t)s).") % {
            "n": len(earlier) + 1, "p": earlier[-1].attempt, "t": timezone.localtime(earlier[-1].ends_at).strftime(
                "%Y-%m-%d %H:%M")}]})
    tb = TeachBack.objects.create(
        program=program, trainee_id=trainee_id, topic=topic, competency=competency, room=room,
        video_link=video_link, starts_at=starts_at, length_minutes=length_minutes, attempt=len(earlier) + 1,
        created_by=actor.person,
    )
    TeachBackAudience.objects.bulk_create([TeachBackAudience(teach_back=tb, person_id=i) for i in ids])
    events.emit("teachback.scheduled", teach_back_id=tb.pk, program_id=program.pk, trainee_id=trainee_id)
    _schedule_finalisation(tb, s)
    return tb


def _schedule_finalisation(tb: TeachBack, s: TeachBackSettings) -> None:
    """Finalise when scoring closes, where the task backend can defer (the database queue);
    elsewhere the result is finalised when it is next read."""
    from tandem.assessments import tasks

    backend = tasks.finalise_teach_back.get_backend()
    if getattr(backend, "supports_defer", False):
        enqueue_on_commit(tasks.finalise_teach_back.using(run_after=tb.closes_at(s.window_hours)), tb.pk)


@transaction.atomic
def teachback_cancel(*, teach_back: TeachBack, actor: authz.Actor, now: datetime.datetime | None = None) -> TeachBack:
    _organiser(actor, teach_back.program)
    tb = TeachBack.objects.select_for_update().get(pk=teach_back.pk)
    if tb.status != TeachBackStatus.SCHEDULED:
        raise Conflict(_("Only a scheduled teach-back can be cancelled."), code=Code.NOT_SCHEDULED)
    if tb.starts_at <= _now(now):
        raise Conflict(_("This teach-back has started: it cannot be cancelled."), code=Code.ALREADY_STARTED)
    if TeachBack.objects.filter(program=tb.program, trainee=tb.trainee, attempt__gt=tb.attempt) \
            .exclude(status=TeachBackStatus.CANCELLED).exists():
        raise Conflict(_("Cancel the later attempts first."), code=Code.NOT_SCHEDULED)
    tb.status = TeachBackStatus.CANCELLED
    tb.save(update_fields=["status", "updated_at"])
    return tb


# -- scoring -------------------------------------------------------------------------------------


def _scoring_open(tb: TeachBack, s: TeachBackSettings, now: datetime.datetime) -> None:
    if tb.status == TeachBackStatus.CANCELLED:
        raise Conflict(_("This teach-back was cancelled."), code=Code.TEACH_BACK_CANCELLED)
    if tb.status != TeachBackStatus.SCHEDULED or now > tb.closes_at(s.window_hours):
        raise Conflict(_("Scoring of this teach-back has closed."), code=Code.SCORING_CLOSED,
                       data={"closed_at": tb.closes_at(s.window_hours).isoformat()})
    if now < tb.starts_at:
        raise Conflict(_("Scoring opens when the teach-back starts."), code=Code.SCORING_NOT_OPEN,
                       data={"opens_at": tb.starts_at.isoformat()})


@transaction.atomic
def teachback_score(*, teach_back: TeachBack, actor: authz.Actor, values: dict[str, Any],
                    now: datetime.datetime | None = None) -> TeachBackScore:
    """One audience member scores every criterion of the rubric, once."""
    now = _now(now)
    me = actor.person
    tb = TeachBack.objects.select_for_update().select_related("program").get(pk=teach_back.pk)
    if me is None:
        raise Forbidden(_("Only the registered audience scores a teach-back."), code=Code.NOT_IN_AUDIENCE)
    if me.pk == tb.trainee_id:
        raise Forbidden(_("Nobody scores their own teach-back."), code=Code.SELF_SCORING)
    if not TeachBackAudience.objects.filter(teach_back=tb, person=me).exists():
        raise Forbidden(_("Only the registered audience scores a teach-back."), code=Code.NOT_IN_AUDIENCE)
    s = settings_for(tb.program)
    _scoring_open(tb, s, now)
    if TeachBackScore.objects.filter(teach_back=tb, scorer=me).exists():
        raise Conflict(_("You have already scored this teach-back."), code=Code.ALREADY_SCORED)
    criteria = list(RubricCriterion.objects.filter(program=tb.program))
    errors: dict[str, list[str]] = {}
    if not isinstance(values, dict):
        raise ValidationFailed({"scores": [_("Score every criterion from 1 to 5.")]})
    known = {c.code for c in criteria}
    for code in values:
        if code not in known:
            errors[str(code)[:40]] = [_("Not a criterion of this rubric.")]
    clean: dict[int, int] = {}
    for c in criteria:
        v = values.get(c.code)
        if isinstance(v, str) and v.strip().isdigit() and len(v.strip()) == 1:
            v = int(v.strip())
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5:
            errors[c.code] = [_("Score “%(name)s” from 1 to 5.") % {"name": c.tr("name")}]
        else:
            clean[c.pk] = v
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            score = TeachBackScore.objects.create(teach_back=tb, scorer=me, trainee_id=tb.trainee_id)
    except IntegrityError:
        raise Conflict(_("You have already scored this teach-back."), code=Code.ALREADY_SCORED) from None
    CriterionScore.objects.bulk_create([CriterionScore(score=score, criterion_id=k, value=v) for k, v in clean.items()])
    events.emit("teachback.scored", teach_back_id=tb.pk, program_id=tb.program_id)
    if TeachBackScore.objects.filter(teach_back=tb).count() >= tb.audience_rows.count():
        _finalise(tb, s, now=now, everyone_scored=True)
    return score


# -- questions and knowledge gaps ------------------------------------------------------------------


@transaction.atomic
def teachback_question_log(*, teach_back: TeachBack, actor: authz.Actor, text: str, unanswered: bool = False,
                           now: datetime.datetime | None = None) -> TeachBackQuestion:
    """An audience member or the trainee logs a question; one the trainee could not answer becomes a
    knowledge gap on the trainee's study list, linked to the teach-back's competency."""
    now = _now(now)
    me = actor.person
    tb = TeachBack.objects.select_for_update().select_related("program").get(pk=teach_back.pk)
    is_trainee = me is not None and me.pk == tb.trainee_id
    if me is None or not (is_trainee or TeachBackAudience.objects.filter(teach_back=tb, person=me).exists()):
        raise Forbidden(_("Only the trainee and the registered audience log questions."), code=Code.NOT_A_PARTICIPANT)
    s = settings_for(tb.program)
    if tb.status == TeachBackStatus.CANCELLED:
        raise Conflict(_("This teach-back was cancelled."), code=Code.TEACH_BACK_CANCELLED)
    if now < tb.starts_at or now > tb.closes_at(s.window_hours):
        raise Conflict(_("Questions are logged during the teach-back and until scoring closes."),
                       code=Code.QUESTIONS_CLOSED)
    errors: dict[str, list[str]] = {}
    text = _text(text, field="text", limit=QUESTION_LIMIT, errors=errors, required=True)
    if not isinstance(unanswered, bool):
        errors["unanswered"] = [_("Say yes or no.")]
    if errors:
        raise ValidationFailed(errors)
    q = TeachBackQuestion.objects.create(teach_back=tb, logged_by=me, text=text, unanswered=unanswered)
    if unanswered:
        gap = KnowledgeGap.objects.create(person_id=tb.trainee_id, competency_id=tb.competency_id, teach_back=tb,
                                          question=q, text=text)
        events.emit("knowledge_gap.added", gap_id=gap.pk, person_id=tb.trainee_id, teach_back_id=tb.pk)
    return q


@transaction.atomic
def knowledge_gap_set_status(*, gap: KnowledgeGap, actor: authz.Actor, status: str) -> KnowledgeGap:
    """The trainee ticks a gap off as studied (or reopens it)."""
    if not actor.is_self(gap.person):
        raise Forbidden(_("Only the trainee ticks off their study items."))
    from tandem.assessments.models import GapStatus

    if status not in GapStatus.values:
        raise ValidationFailed({"status": [_("Choose one of the listed statuses.")]})
    gap.status = status
    gap.save(update_fields=["status", "updated_at"])
    return gap


# -- the result ---------------------------------------------------------------------------------


def criterion_means(tb: TeachBack) -> dict[int, tuple[Decimal, int]]:
    """criterion id → (mean, n) over the audience's scores."""
    sums: dict[int, list[int]] = {}
    for cid, value in CriterionScore.objects.filter(score__teach_back=tb).values_list("criterion_id", "value"):
        sums.setdefault(cid, []).append(value)
    return {cid: (Decimal(sum(v)) / Decimal(len(v)), len(v)) for cid, v in sums.items()}


def overall_mean(means: dict[int, tuple[Decimal, int]]) -> Decimal | None:
    """The mean of the criteria means, to two decimals (half up): what is compared to the pass mark."""
    if not means:
        return None
    total = sum((m for m, _n in means.values()), Decimal(0)) / Decimal(len(means))
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _finalise(tb: TeachBack, s: TeachBackSettings, *, now: datetime.datetime, everyone_scored: bool = False) -> bool:
    if tb.status != TeachBackStatus.SCHEDULED:
        return False
    if not everyone_scored and now <= tb.closes_at(s.window_hours):
        return False
    mean = overall_mean(criterion_means(tb))
    passed = mean is not None and mean >= s.pass_mark
    tb.mean = mean
    tb.status = TeachBackStatus.PASSED if passed else TeachBackStatus.FAILED
    tb.finalised_at = now
    tb.last_attempt = not passed and tb.attempt >= s.max_attempts
    tb.save(update_fields=["mean", "status", "finalised_at", "last_attempt", "updated_at"])
    if passed:
        level = int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        rating_record(
            person=tb.trainee, competency=tb.competency, level=max(1, min(5, level)), source=RatingSource.ASSESSMENT,
            rated_by=None, rated_on=min(timezone.localdate(tb.starts_at), timezone.localdate()),
            note=(_("Teach-back “%(topic)s”, attempt %(n)d: %(mean)s") % {
                "topic": tb.topic, "n": tb.attempt, "mean": mean})[:500],
        )
        TeachBack.objects.filter(program=tb.program, trainee=tb.trainee, status=TeachBackStatus.SCHEDULED,
                                 attempt__gt=tb.attempt).update(status=TeachBackStatus.CANCELLED)
    events.emit("teachback.result", teach_back_id=tb.pk, program_id=tb.program_id, trainee_id=tb.trainee_id,
                passed=passed, attempt=tb.attempt, final_failure=tb.last_attempt)
    return True


@transaction.atomic
def teachback_finalise(*, teach_back_id: int, now: datetime.datetime | None = None) -> bool:
    """Make the result final if scoring has closed. Idempotent; True when this call finalised it."""
    tb = TeachBack.objects.select_for_update().select_related("program", "trainee", "competency") \
        .filter(pk=teach_back_id).first()
    if tb is None:
        return False
    return _finalise(tb, settings_for(tb.program), now=_now(now))


def teachbacks_finalise_due(*, program: Program | None = None, now: datetime.datetime | None = None) -> int:
    """Finalise every slot whose scoring window has passed (cheap when there is none)."""
    now = _now(now)
    qs = TeachBack.objects.filter(status=TeachBackStatus.SCHEDULED, starts_at__lt=now)
    if program is not None:
        qs = qs.filter(program=program)
    done = 0
    for pk in qs.values_list("pk", flat=True):
        done += teachback_finalise(teach_back_id=pk, now=now)
    return done


def teach_back_of(teach_back_id: int) -> TeachBack:
    tb = TeachBack.objects.select_related("program", "trainee", "competency").filter(pk=teach_back_id).first()
    if tb is None:
        raise NotFound(_("No such teach-back."))
    return tb

