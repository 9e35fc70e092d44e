"""The pair's situation, detected from the coaching log (source 002's scenario prompts).

The signals are a fixed, documented set computed here (:data:`SIGNALS`); which of them fire, at
which thresholds and with which text, is data (:class:`~tandem.coaching.models.PromptRule`,
:class:`~tandem.coaching.models.Prompt`), edited in the admin.

Signals (every count is of the log up to the end of ``today``, in the reader's time zone):

``overdue_items``
    the mentee's open action items whose due date has passed.
``weeks_without_goal_progress``
    the largest number of whole weeks an unfinished plan goal (one with an open milestone, or no
    milestones) has gone without a milestone ticked or an action item on it done — counted from
    the goal's creation or the mentorship's start, whichever is later. Names the goal.
``missed_sessions`` / ``cancelled_sessions`` (window)
    sessions marked missed / cancelled that were to start in the last *window* days.
``days_since_last_message``
    days since the last message of either side (since the start, if there is none).
``days_since_last_session``
    days since the last held session (since the start, if there is none).
``mean_feedback`` (window, minimum sample)
    the mean rating (1–5) both sides gave the sessions of the last *window* days; silent with
    fewer ratings than the minimum sample.
``milestones_done`` (window)
    plan milestones ticked done in the last *window* days.
``mentee_items_done`` (window)
    the mentee's action items completed in the last *window* days.
``items_handed_to_mentor`` (window)
    action items of the last *window* days that the mentor owns although they were the mentee's
    to do: the mentee dropped an item with the same title before the mentor took it on, or the
    mentee created it for the mentor on one of the plan's goals (the goals are the mentee's to
    reach; a request such as "send me your notes", on no goal, is not counted). The log has no
    "reassign": this is how it shows.
``answer_seeking_share`` (window, minimum sample)
    the share (%) of the mentee's messages of the last *window* days (the latest 200 at most)
    that ask the mentor for the answer rather than for help thinking it through ("what should I
    do?", "can you just tell me", "подскажите, как", "我应该怎么办", …; :data:`ANSWER_SEEKING`);
    silent with fewer messages than the minimum sample.

A rule compares one signal with its threshold (``>=`` or ``<=``); the rules of a situation are
alternatives. :func:`prompts_for` returns one :class:`Suggestion` per enabled prompt of each
detected situation, with the triggers that detected it as readable sentences.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tandem.coaching.models import Operator, Prompt, PromptRule, PromptText, Situation
from tandem.mentorships.log_models import (
    ActionItem,
    ActionItemStatus,
    Message,
    Session,
    SessionFeedback,
    SessionStatus,
)
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.mentorships.plan_models import Goal, GoalMilestone

WINDOW_MAX = 365
SAMPLE_MAX = 1000
MESSAGES_READ = 200

#: Phrases with which a mentee asks for the answer instead of trying (English, Russian, Chinese).
ANSWER_SEEKING: tuple[str, ...] = (
    # English
    r"\bwhat should i\b", r"\bwhat do i do\b", r"\bwhat would you do\b", r"\bhow should i\b", r"\bshould i\b",
    r"\b(?:can|could|would) you (?:just )?(?:tell|show|give) me\b", r"\btell me (?:what|how|which)\b",
    r"\b(?:can|could|would) you (?:just )?(?:do|write|fix|finish|send|handle|take care of)\b",
    r"\bwhat(?:'s| is) the (?:right )?answer\b", r"\bwhich (?:one )?should i\b", r"\bjust tell me\b",
    r"\bdo it for me\b",
    # Russian
    r"\bчто мне (?:делать|сделать|выбрать|ответить)\b", r"\bчто делать\b", r"\bкак мне\b", r"\bкак лучше\b",
    r"\bподскаж(?:и|ите)\b", r"\bскаж(?:и|ите),? (?:как|что|какой)\b", r"\bстоит ли мне\b", r"\bмне стоит\b",
    r"\bкакой (?:правильный )?ответ\b", r"\bчто бы (?:вы|ты) сделал",
    r"\bмо(?:жешь|жете) (?:за меня |просто )?(?:сделать|написать|исправить|отправить)\b",
    r"\bсдела(?:й|йте) за меня\b",
    # Chinese
    r"怎么办", r"我应该", r"我该", r"应该怎么", r"该怎么", r"告诉我", r"能不能帮我", r"你能帮我", r"可以帮我",
    r"帮我(?:做|写|改|弄|搞|处理|完成)", r"答案是什么", r"你会怎么做", r"选哪个", r"要不要",
)
_ANSWER_SEEKING = re.compile("|".join(ANSWER_SEEKING), re.IGNORECASE)


def asks_for_answer(text: str) -> bool:
    """Whether a message asks for the answer rather than for help in finding it.

    >>> asks_for_answer("What should I say to the client?"), asks_for_answer("I tried two openings.")
    (True, False)
    >>> asks_for_answer("Подскажите, что ответить?"), asks_for_answer("我应该怎么办？")
    (True, True)
    """
    return bool(_ANSWER_SEEKING.search(text or ""))


# -- the pair's log, read once --------------------------------------------------------------------


@dataclass
class PairData:
    """What the signals are computed from: a few queries over the pair's log (see :func:`gather`)."""

    mentorship: Mentorship
    today: datetime.date
    start: datetime.date
    sessions: list[tuple[str, datetime.datetime]]
    ratings: list[tuple[datetime.datetime, int]]
    last_message_at: datetime.datetime | None
    mentee_messages: list[tuple[datetime.datetime, str]]
    items: list[dict[str, Any]]
    goals: list[dict[str, Any]]
    milestones_done: list[datetime.datetime]

    def since(self, days: int) -> datetime.datetime:
        """The start of the day ``days`` days before today (the window's first instant)."""
        return _day_start(self.today - datetime.timedelta(days=days))

    def days_since(self, moment: datetime.datetime | datetime.date | None) -> int:
        if moment is None:
            day = self.start
        elif isinstance(moment, datetime.datetime):
            day = timezone.localtime(moment).date()
        else:
            day = moment
        return max((self.today - day).days, 0)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def gather(mentorship: Mentorship, *, today: datetime.date, lookback_days: int = WINDOW_MAX) -> PairData:
    """Read the pair's log up to the end of ``today``, windows reaching ``lookback_days`` back."""
    m = mentorship
    end = _day_start(today + datetime.timedelta(days=1))
    lookback = _day_start(today - datetime.timedelta(days=min(max(lookback_days, 1), WINDOW_MAX)))
    start = m.started_on or timezone.localtime(m.created_at).date()

    sessions = list(Session.objects.filter(mentorship=m, starts_at__lt=end).values_list("status", "starts_at"))
    ratings = list(SessionFeedback.objects.filter(session__mentorship=m, session__starts_at__gte=lookback,
                                                  session__starts_at__lt=end)
                   .values_list("session__starts_at", "rating"))
    last_message_at = Message.objects.filter(mentorship=m, created_at__lt=end).aggregate(
        last=Max("created_at"))["last"]
    mentee_messages = list(Message.objects.filter(mentorship=m, author_id=m.mentee_id, created_at__gte=lookback,
                                                  created_at__lt=end)
                           .order_by("-created_at").values_list("created_at", "text")[:MESSAGES_READ])
    items = list(ActionItem.objects.filter(mentorship=m, created_at__lt=end)
                 .filter(Q(status=ActionItemStatus.OPEN) | Q(created_at__gte=lookback) | Q(done_at__gte=lookback)
                         | Q(updated_at__gte=lookback))
                 .values("id", "owner_id", "created_by_id", "status", "due_on", "created_at", "updated_at",
                         "done_at", "title", "goal_id"))
    last_item = (ActionItem.objects.filter(goal=OuterRef("pk"), status=ActionItemStatus.DONE, done_at__lt=end)
                 .order_by("-done_at").values("done_at")[:1])
    goals = list(Goal.objects.filter(plan__mentorship=m, created_at__lt=end)
                 .annotate(total=Count("milestones"), open=Count("milestones", filter=Q(milestones__done_at__isnull=True)),
                           last_milestone=Max("milestones__done_at", filter=Q(milestones__done_at__lt=end)),
                           last_item=Subquery(last_item))
                 .values("id", "title", "created_at", "total", "open", "last_milestone", "last_item"))
    milestones_done = list(GoalMilestone.objects.filter(goal__plan__mentorship=m, done_at__gte=lookback,
                                                        done_at__lt=end).values_list("done_at", flat=True))
    return PairData(mentorship=m, today=today, start=start, sessions=sessions, ratings=ratings,
                    last_message_at=last_message_at, mentee_messages=mentee_messages, items=items, goals=goals,
                    milestones_done=milestones_done)


# -- the signals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A signal's value for the pair (None: not enough to tell), with what it is about."""

    value: Decimal | None
    sample: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SignalSpec:
    code: str
    label: Any  # lazy text: what is measured
    unit: str  # "count", "days", "weeks", "rating", "percent"
    threshold_max: Decimal
    measure: Callable[[PairData, int | None, int | None], Measure]
    sentence: Callable[[Measure, int | None], str]
    threshold_min: Decimal = Decimal("0")
    windowed: bool = False
    sampled: bool = False
    default_window: int | None = None
    default_sample: int | None = None

    @property
    def whole(self) -> bool:
        """Counts, days and weeks are whole numbers; ratings and shares may have decimals."""
        return self.unit in ("count", "days", "weeks")


def _n(value: int) -> Decimal:
    return Decimal(value)


def _overdue(d: PairData, _w: int | None, _s: int | None) -> Measure:
    n = sum(1 for it in d.items if it["status"] == ActionItemStatus.OPEN and it["owner_id"] == d.mentorship.mentee_id
            and it["due_on"] < d.today)
    return Measure(_n(n))


def _stale_goal(d: PairData, _w: int | None, _s: int | None) -> Measure:
    worst: tuple[int, str] | None = None
    for g in d.goals:
        if g["total"] and not g["open"]:
            continue  # every milestone done: the goal is reached, not stuck
        moves = [timezone.localtime(x).date() for x in (g["last_milestone"], g["last_item"]) if x is not None]
        moved = max([timezone.localtime(g["created_at"]).date(), d.start, *moves])
        weeks = max((d.today - moved).days, 0) // 7
        if worst is None or weeks > worst[0]:
            worst = (weeks, g["title"])
    if worst is None:
        return Measure(None)
    return Measure(_n(worst[0]), detail={"goal": worst[1]})


def _sessions_with(status: str) -> Callable[[PairData, int | None, int | None], Measure]:
    def measure(d: PairData, window: int | None, _s: int | None) -> Measure:
        since = d.since(window or 60)
        return Measure(_n(sum(1 for st, at in d.sessions if st == status and at >= since)))

    return measure


def _since_message(d: PairData, _w: int | None, _s: int | None) -> Measure:
    return Measure(_n(d.days_since(d.last_message_at)))


def _since_session(d: PairData, _w: int | None, _s: int | None) -> Measure:
    held = [at for st, at in d.sessions if st == SessionStatus.HELD]
    return Measure(_n(d.days_since(max(held) if held else None)))


def _mean_feedback(d: PairData, window: int | None, sample: int | None) -> Measure:
    since = d.since(window or 60)
    ratings = [r for at, r in d.ratings if at >= since]
    if not ratings or len(ratings) < (sample or 1):
        return Measure(None, sample=len(ratings))
    mean = (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Measure(mean, sample=len(ratings))


def _milestones_done(d: PairData, window: int | None, _s: int | None) -> Measure:
    since = d.since(window or 30)
    return Measure(_n(sum(1 for at in d.milestones_done if at >= since)))


def _mentee_done(d: PairData, window: int | None, _s: int | None) -> Measure:
    since = d.since(window or 30)
    return Measure(_n(sum(1 for it in d.items if it["owner_id"] == d.mentorship.mentee_id
                          and it["status"] == ActionItemStatus.DONE and it["done_at"] and it["done_at"] >= since)))


def _norm(title: str) -> str:
    return " ".join(title.casefold().split())


def _handed(d: PairData, window: int | None, _s: int | None) -> Measure:
    since = d.since(window or 60)
    m = d.mentorship
    dropped = [it for it in d.items if it["owner_id"] == m.mentee_id and it["status"] == ActionItemStatus.DROPPED]
    n = 0
    for it in d.items:
        if it["owner_id"] != m.mentor_id or it["created_at"] < since:
            continue
        if (it["created_by_id"] == m.mentee_id and it["goal_id"] is not None) or any(
                _norm(x["title"]) == _norm(it["title"]) and x["created_at"] <= it["created_at"] for x in dropped):
            n += 1
    return Measure(_n(n))


def _answer_seeking(d: PairData, window: int | None, sample: int | None) -> Measure:
    since = d.since(window or 30)
    texts = [t for at, t in d.mentee_messages if at >= since]
    if not texts or len(texts) < (sample or 1):
        return Measure(None, sample=len(texts))
    asking = sum(1 for t in texts if asks_for_answer(t))
    share = (Decimal(100 * asking) / len(texts)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return Measure(share, sample=len(texts), detail={"asking": asking})


def _int(measure: Measure) -> int:
    return int(measure.value or 0)


SIGNALS: dict[str, SignalSpec] = {s.code: s for s in (
    SignalSpec(
        "overdue_items", gettext_lazy("The mentee's open action items past their due date"), "count",
        Decimal(1000), _overdue,
        lambda m, w: ngettext("%(n)s of the mentee's action items is overdue.",
                              "%(n)s of the mentee's action items are overdue.", _int(m)) % {"n": _int(m)}),
    SignalSpec(
        "weeks_without_goal_progress",
        gettext_lazy("Weeks the stalest unfinished goal has gone without a milestone or an action item done"),
        "weeks", Decimal(520), _stale_goal,
        lambda m, w: ngettext("The goal “%(goal)s” has not moved for %(n)s week.",
                              "The goal “%(goal)s” has not moved for %(n)s weeks.", _int(m)) % {
            "n": _int(m), "goal": m.detail.get("goal", "")}),
    SignalSpec(
        "missed_sessions", gettext_lazy("Sessions marked missed in the window"), "count", Decimal(1000),
        _sessions_with(SessionStatus.MISSED),
        lambda m, w: ngettext("%(n)s session missed in the last %(days)s days.",
                              "%(n)s sessions missed in the last %(days)s days.", _int(m)) % {
            "n": _int(m), "days": w},
        windowed=True, default_window=60),
    SignalSpec(
        "cancelled_sessions", gettext_lazy("Sessions cancelled in the window"), "count", Decimal(1000),
        _sessions_with(SessionStatus.CANCELLED),
        lambda m, w: ngettext("%(n)s session cancelled in the last %(days)s days.",
                              "%(n)s sessions cancelled in the last %(days)s days.", _int(m)) % {
            "n": _int(m), "days": w},
        windowed=True, default_window=60),
    SignalSpec(
        "days_since_last_message", gettext_lazy("Days since the last message of either side"), "days",
        Decimal(3650), _since_message,
        lambda m, w: ngettext("No message in the log for %(n)s day.", "No message in the log for %(n)s days.",
                              _int(m)) % {"n": _int(m)}),
    SignalSpec(
        "days_since_last_session", gettext_lazy("Days since the last held session"), "days", Decimal(3650),
        _since_session,
        lambda m, w: ngettext("No session held for %(n)s day.", "No session held for %(n)s days.",
                              _int(m)) % {"n": _int(m)}),
    SignalSpec(
        "mean_feedback", gettext_lazy("Mean session rating (1–5) of both sides in the window"), "rating",
        Decimal(5), _mean_feedback,
        lambda m, w: ngettext(
            "Sessions of the last %(days)s days rated %(mean)s out of 5 on average (%(n)s rating).",
            "Sessions of the last %(days)s days rated %(mean)s out of 5 on average (%(n)s ratings).",
            m.sample or 0) % {"days": w, "mean": formats.number_format(m.value or 0, 1), "n": m.sample or 0},
        threshold_min=Decimal(1), windowed=True, sampled=True, default_window=60, default_sample=2),
    SignalSpec(
        "milestones_done", gettext_lazy("Plan milestones ticked done in the window"), "count", Decimal(1000),
        _milestones_done,
        lambda m, w: ngettext("%(n)s milestone done in the last %(days)s days.",
                              "%(n)s milestones done in the last %(days)s days.", _int(m)) % {
            "n": _int(m), "days": w},
        windowed=True, default_window=30),
    SignalSpec(
        "mentee_items_done", gettext_lazy("The mentee's action items completed in the window"), "count",
        Decimal(1000), _mentee_done,
        lambda m, w: ngettext("%(n)s action item completed by the mentee in the last %(days)s days.",
                              "%(n)s action items completed by the mentee in the last %(days)s days.",
                              _int(m)) % {"n": _int(m), "days": w},
        windowed=True, default_window=30),
    SignalSpec(
        "items_handed_to_mentor",
        gettext_lazy("Action items the mentor took on although they were the mentee's, in the window"), "count",
        Decimal(1000), _handed,
        lambda m, w: ngettext("%(n)s of the mentee's action items went to the mentor in the last %(days)s days.",
                              "%(n)s of the mentee's action items went to the mentor in the last %(days)s days.",
                              _int(m)) % {"n": _int(m), "days": w},
        windowed=True, default_window=60),
    SignalSpec(
        "answer_seeking_share",
        gettext_lazy("Share (%) of the mentee's messages in the window that ask for the answer"), "percent",
        Decimal(100), _answer_seeking,
        lambda m, w: ngettext(
            "%(share)s%% of the mentee's messages of the last %(days)s days ask for the answer (%(k)s of %(n)s).",
            "%(share)s%% of the mentee's messages of the last %(days)s days ask for the answer (%(k)s of %(n)s).",
            m.sample or 0) % {"share": _int(m), "days": w, "k": m.detail.get("asking", 0), "n": m.sample or 0},
        windowed=True, sampled=True, default_window=30, default_sample=4),
)}


def signal_choices() -> list[tuple[str, str]]:
    return [(s.code, f"{s.code} — {s.label}") for s in SIGNALS.values()]


def rule_problems(*, signal: str, threshold: Any, window_days: Any, min_sample: Any) -> dict[str, list[str]]:
    """What is wrong with a rule's params for its signal (field → messages); empty when it is valid."""
    errors: dict[str, list[str]] = {}
    spec = SIGNALS.get(signal or "")
    if spec is None:
        errors["signal"] = [_("Choose one of the signals computed from the log.")]
        return errors
    try:
        value = Decimal(str(threshold)) if threshold is not None and not isinstance(threshold, bool) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        errors["threshold"] = [_("Enter a number.")]
    elif not spec.threshold_min <= value <= spec.threshold_max:
        errors["threshold"] = [_("For this signal the threshold is between %(low)s and %(high)s.") % {
            "low": spec.threshold_min.normalize(), "high": spec.threshold_max.normalize()}]
    elif spec.whole and value != value.to_integral_value():
        errors["threshold"] = [_("This signal counts whole numbers: enter one.")]
    for name, given, used, high, unused in (
            ("window_days", window_days, spec.windowed, WINDOW_MAX, _("This signal takes no window: leave it empty.")),
            ("min_sample", min_sample, spec.sampled, SAMPLE_MAX,
             _("This signal takes no minimum sample: leave it empty."))):
        if used:
            if isinstance(given, bool) or not isinstance(given, int) or not 1 <= given <= high:
                errors[name] = [_("Enter a whole number between 1 and %(high)s.") % {"high": high}]
        elif given not in (None, ""):
            errors[name] = [unused]
    return errors


# -- rules, triggers and suggestions ------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """A rule that held: the signal, its value, the threshold it was compared with, in words."""

    rule: PromptRule
    signal: str
    value: Decimal
    sample: int | None
    detail: dict[str, Any]
    sentence: str


@dataclass(frozen=True)
class Suggestion:
    prompt: Prompt
    text: PromptText | None
    situation: str
    triggers: list[Trigger]

    @property
    def situation_label(self) -> str:
        return str(Situation(self.situation).label)

    @property
    def reason(self) -> str:
        """Every trigger of the situation, as one readable text."""
        return " ".join(t.sentence for t in self.triggers)


def _holds(rule: PromptRule, value: Decimal | None) -> bool:
    if value is None:
        return False
    return value >= rule.threshold if rule.operator == Operator.AT_LEAST else value <= rule.threshold


def measure(spec: SignalSpec, data: PairData, *, window_days: int | None = None,
            min_sample: int | None = None) -> tuple[Measure, str]:
    """One signal's value for the pair and its sentence."""
    window = (window_days or spec.default_window) if spec.windowed else None
    sample = (min_sample or spec.default_sample) if spec.sampled else None
    m = spec.measure(data, window, sample)
    return m, (spec.sentence(m, window) if m.value is not None else "")


def evaluate(rules: Iterable[PromptRule], data: PairData) -> list[Trigger]:
    """The rules (valid, enabled) that hold for the pair, in their order."""
    out = []
    for rule in rules:
        spec = SIGNALS.get(rule.signal)
        if spec is None or not rule.enabled:
            continue
        m, sentence = measure(spec, data, window_days=rule.window_days, min_sample=rule.min_sample)
        if _holds(rule, m.value):
            out.append(Trigger(rule=rule, signal=rule.signal, value=m.value, sample=m.sample,  # type: ignore[arg-type]
                               detail=m.detail, sentence=sentence))
    return out


def enabled_rules() -> list[PromptRule]:
    return list(PromptRule.objects.filter(enabled=True).order_by("order", "id"))


def enabled_prompts(situations: Iterable[str]) -> list[Prompt]:
    return list(Prompt.objects.filter(enabled=True, situation__in=list(situations))
                .prefetch_related("texts").order_by("order", "id"))


def prompts_for(mentorship: Mentorship, *, today: datetime.date, language: str | None = None) -> list[Suggestion]:
    """The prompts for the pair's detected situations (only while the mentorship is active), each
    with the triggers that detected it. Texts in ``language`` (default: the active one)."""
    if mentorship.status != MentorshipStatus.ACTIVE:
        return []
    rules = enabled_rules()
    if not rules:
        return []
    lookback = max(r.window_days or 1 for r in rules)
    data = gather(mentorship, today=today, lookback_days=lookback)
    by_situation: dict[str, list[Trigger]] = {}
    for t in evaluate(rules, data):
        by_situation.setdefault(t.rule.situation, []).append(t)
    if not by_situation:
        return []
    return [Suggestion(prompt=p, text=p.text(language), situation=p.situation, triggers=by_situation[p.situation])
            for p in enabled_prompts(by_situation)]


def signals_for(mentorship: Mentorship, *, today: datetime.date) -> list[tuple[SignalSpec, Measure, str]]:
    """Every signal at its default window and sample, for the admin's preview."""
    data = gather(mentorship, today=today)
    return [(spec, *measure(spec, data)) for spec in SIGNALS.values()]
