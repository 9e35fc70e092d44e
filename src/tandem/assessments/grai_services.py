"""Every write on GRAI reviews: write one, change one's own, comment on one.

Who writes: the pair, while the mentorship is active (``authz.can_write_grai``); each side writes
their own reviews (normally the mentee) and either side comments (normally the mentor). One review
per author, pair and period (a database constraint: a second one for the same period is a 409). The
period is the program's GRAI cadence (:func:`cadence_of`): the day, the week (from Monday) or the
month a review covers; any day inside it names it. Every service locks the mentorship row first,
validates everything before it writes anything and announces what happened after commit
(``grai.submitted``, ``grai.commented``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.assessments.errors import GraiErrorCode as Code
from tandem.assessments.grai_models import (
    GRAI_COMMENT_MAX,
    GRAI_TEXT_MAX,
    GraiCadence,
    GraiComment,
    GraiReview,
)
from tandem.core import authz, events
from tandem.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tandem.core.validators import date_problem, multi_line_problem
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.mentorships.services import _locked

FIELDS = ("goal", "result", "analysis", "insight")


class PeriodInFuture(ValidationFailed):
    code = Code.PERIOD_IN_FUTURE


class PeriodBeforeStart(ValidationFailed):
    code = Code.PERIOD_BEFORE_START


# -- periods ---------------------------------------------------------------------------------


def cadence_of(program: Any) -> str:
    """How often the program asks for a GRAI review: its ``grai_review`` duty's ``params.cadence``
    ("daily", "weekly", "monthly") if set, else the duty's period when it is weekly or monthly, else
    weekly (no duty, or a quarterly / yearly one: a review a week is source 003's least)."""
    from tandem.programs.models import CadenceDuty, DutyRequirement

    duty = (CadenceDuty.objects.filter(program_id=program.pk, requirement=DutyRequirement.GRAI_REVIEW)
            .order_by("-required", "order", "id").first())
    if duty is None:
        return "weekly"
    wanted = str((duty.params or {}).get("cadence", ""))
    if wanted in GraiCadence.values:
        return wanted
    return str(duty.period) if duty.period in ("weekly", "monthly") else "weekly"


def period_start_of(cadence: str, day: datetime.date) -> datetime.date:
    """The first day of the period of ``cadence`` holding ``day``.

    >>> period_start_of("weekly", datetime.date(2026, 12, 3))
    datetime.date(2026, 11, 30)
    >>> period_start_of("monthly", datetime.date(2026, 12, 3))
    datetime.date(2026, 12, 1)
    """
    if cadence == GraiCadence.DAILY:
        return day
    if cadence == GraiCadence.MONTHLY:
        return day.replace(day=1)
    return day - datetime.timedelta(days=day.weekday())


def next_period_start(cadence: str, start: datetime.date) -> datetime.date:
    if cadence == GraiCadence.DAILY:
        return start + datetime.timedelta(days=1)
    if cadence == GraiCadence.MONTHLY:
        n = start.year * 12 + start.month
        return datetime.date(n // 12, n % 12 + 1, 1)
    return start + datetime.timedelta(days=7)


def period_end_of(cadence: str, start: datetime.date) -> datetime.date:
    """The last day of the period of ``cadence`` opening on ``start``."""
    return next_period_start(cadence, start) - datetime.timedelta(days=1)


# -- checks ------------------------------------------------------------------------------------


def _writable(actor: authz.Actor, m: Mentorship) -> str:
    side = authz.log_side(actor, m)
    if side is None or actor.person is None:
        raise Forbidden(_("Only the mentor and the mentee write GRAI reviews in their log."))
    if not authz.can_write_grai(actor, m):
        if m.status in (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY):
            message = _("This mentorship has ended: its GRAI reviews can be read, not changed.")
        else:
            message = _("GRAI reviews open when the mentorship is active.")
        raise Conflict(message, code=Code.LOG_NOT_WRITABLE, data={"mentorship_status": m.status})
    return side


def _text(value: Any, *, field: str, limit: int, errors: dict[str, list[str]], required: bool = True) -> str:
    if value is not None and not isinstance(value, str):
        errors.setdefault(field, []).append(_("Enter text."))
        return ""
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(_("This field is required."))
    if len(value) > limit:
        errors.setdefault(field, []).append(_("Keep it under %(limit)s characters.") % {"limit": f"{limit:,}"})
    problem = multi_line_problem(value)
    if problem:
        errors.setdefault(field, []).append(problem)
    return value


def _texts(data: dict[str, Any], errors: dict[str, list[str]], *, only_given: bool = False) -> dict[str, str]:
    out = {}
    for f in FIELDS:
        if only_given and f not in data:
            continue
        out[f] = _text(data.get(f), field=f, limit=GRAI_TEXT_MAX, errors=errors)
    return out


def _period(m: Mentorship, cadence: str, value: Any, errors: dict[str, list[str]]) -> datetime.date | None:
    """The period's first day from any day inside it (default: today). Not a period still to come,
    not one before the mentorship took effect."""
    today = timezone.localdate()
    if value in (None, ""):
        value = today
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        errors["period_start"] = [_("Enter the day (or a day of the week or month) the review covers.")]
        return None
    problem = date_problem(value)
    if problem:
        errors["period_start"] = [problem]
        return None
    start = period_start_of(cadence, value)
    if start > today:
        raise PeriodInFuture({"period_start": [_("This period has not started yet: look back on it once it has.")]})
    first = m.started_on or (m.created_at and timezone.localtime(m.created_at).date()) or today
    if start < period_start_of(cadence, first):
        raise PeriodBeforeStart({"period_start": [
            _("Choose a period from the start of the mentorship on (%(day)s).") % {"day": first.isoformat()}]})
    return start


# -- writes ------------------------------------------------------------------------------------


@transaction.atomic
def grai_review_submit(*, mentorship: Mentorship, actor: authz.Actor, goal: Any, result: Any, analysis: Any,
                       insight: Any, period_start: Any = None) -> GraiReview:
    """A review of one period of the program's cadence, by the actor (their side of the pair)."""
    m = _locked(mentorship)
    side = _writable(actor, m)
    errors: dict[str, list[str]] = {}
    texts = _texts({"goal": goal, "result": result, "analysis": analysis, "insight": insight}, errors)
    cadence = cadence_of(m.program)
    start = _period(m, cadence, period_start, errors)
    if errors:
        raise ValidationFailed(errors)
    assert start is not None
    author = actor.person
    assert author is not None
    if GraiReview.objects.filter(mentorship=m, author=author, period_start=start).exists():
        raise _already(start)
    try:
        with transaction.atomic():
            review = GraiReview.objects.create(mentorship=m, author=author, side=side, cadence=cadence,
                                               period_start=start, **texts)
    except IntegrityError:  # a second request for the same period got in first
        raise _already(start) from None
    events.emit("grai.submitted", mentorship_id=m.pk, actor_id=author.pk, review_id=review.pk)
    return review


def _already(start: datetime.date) -> Conflict:
    return Conflict(_("You have already written the GRAI review of this period (%(day)s): change it instead.")
                    % {"day": start.isoformat()}, code=Code.ALREADY_WRITTEN, data={"period_start": start.isoformat()})


@transaction.atomic
def grai_review_update(*, review: GraiReview, actor: authz.Actor, **changes: Any) -> GraiReview:
    """Its author changes the texts of their review (any of goal, result, analysis, insight)."""
    m = _locked(review.mentorship)
    _writable(actor, m)
    review = GraiReview.objects.select_for_update().get(pk=review.pk)
    if not authz.can_edit_grai_review(actor, review, m):
        raise Forbidden(_("Only the author changes a GRAI review."), code=Code.NOT_YOUR_REVIEW)
    unknown = sorted(set(changes) - set(FIELDS))
    errors: dict[str, list[str]] = {}
    if unknown:
        errors["__all__"] = [_("Unknown field: %(names)s.") % {"names": ", ".join(unknown)}]
    texts = _texts(changes, errors, only_given=True)
    if errors:
        raise ValidationFailed(errors)
    if texts:
        for f, v in texts.items():
            setattr(review, f, v)
        review.save(update_fields=[*texts, "updated_at"])
    return review


@transaction.atomic
def grai_comment_add(*, review: GraiReview, actor: authz.Actor, text: Any) -> GraiComment:
    """A comment on a review by either side of the pair; the other side is told (``grai.commented``)."""
    m = _locked(review.mentorship)
    _writable(actor, m)
    if review.mentorship_id != m.pk:  # pragma: no cover - defensive: the review is looked up through m
        raise NotFound()
    errors: dict[str, list[str]] = {}
    clean = _text(text, field="text", limit=GRAI_COMMENT_MAX, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    assert actor.person is not None
    comment = GraiComment.objects.create(review=review, author=actor.person, text=clean)
    events.emit("grai.commented", mentorship_id=m.pk, actor_id=actor.person.pk, review_id=review.pk)
    return comment
