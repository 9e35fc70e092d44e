"""Reads of the teach-back practicum: the access helper, slot lists, results, study lists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.assessments import teachback_services as services
from tandem.assessments.models import (
    CriterionScore,
    GapStatus,
    KnowledgeGap,
    RubricCriterion,
    TeachBack,
    TeachBackAudience,
    TeachBackQuestion,
    TeachBackScore,
    TeachBackStatus,
)
from tandem.core import authz
from tandem.core.errors import Forbidden, NotFound
from tandem.people.models import Person
from tandem.programs.models import MilestoneKind, Program, ProgramMilestone


def teach_back_for(actor: authz.Actor, teach_back_id: int, *, rule: Any = None) -> TeachBack:
    """The teach-back, if the actor may know it exists (its program's slot list, or its result);
    404 otherwise. ``rule(actor, tb)`` False → 403."""
    tb = (TeachBack.objects.select_related("program", "trainee", "competency")
          .filter(pk=teach_back_id).first())
    if tb is None or not (authz.can_view_teach_backs(actor, tb.program) or authz.can_view_teach_back_result(actor, tb)):
        raise NotFound(_("No such teach-back."))
    if rule is not None and not rule(actor, tb):
        raise Forbidden()
    return tb


def slots_of(*, program: Program) -> QuerySet[TeachBack]:
    return (TeachBack.objects.filter(program=program).select_related("trainee", "competency")
            .prefetch_related(Prefetch("audience_rows", queryset=TeachBackAudience.objects.select_related("person")))
            .order_by("starts_at", "id"))


def rubric_of(*, program: Program) -> list[RubricCriterion]:
    services.settings_for(program)
    return list(RubricCriterion.objects.filter(program=program).order_by("order", "id"))


@dataclass
class OfferedDay:
    day: int
    date: datetime.date
    name: str


def offered_days(*, program: Program, phases: list | None = None) -> list[OfferedDay]:
    """The program's teach-back days (the 60-day template's days 46, 48 and 50), from its timeline
    (``phases``: the program's phases with their milestones, when the page has read them already)."""
    if phases is not None:
        ms = sorted((m for phase in phases for m in phase.milestones.all() if m.kind == MilestoneKind.TEACH_BACK),
                    key=lambda m: (m.due_day, m.pk))
    else:
        ms = (ProgramMilestone.objects.filter(phase__program=program, kind=MilestoneKind.TEACH_BACK)
              .select_related("phase__program").order_by("due_day", "id"))
    seen: dict[int, OfferedDay] = {}
    for m in ms:
        seen.setdefault(m.due_day, OfferedDay(day=m.due_day, date=program.day_date(m.due_day), name=str(m)))
    return list(seen.values())


def to_score(*, person: Person | None, now: datetime.datetime | None = None) -> list[TeachBack]:
    """Slots this person is in the audience of and may still score (open now, or soon)."""
    if person is None:
        return []
    now = now or timezone.now()
    qs = (TeachBack.objects.filter(audience_rows__person=person, status=TeachBackStatus.SCHEDULED)
          .exclude(scores__scorer=person).select_related("program", "trainee", "competency")
          .order_by("starts_at"))
    out = []
    for tb in qs[:50]:
        s = services.settings_for(tb.program)
        if now <= tb.closes_at(s.window_hours):
            out.append(tb)
    return out


def trainee_slots(*, person: Person) -> QuerySet[TeachBack]:
    return (TeachBack.objects.filter(trainee=person).exclude(status=TeachBackStatus.CANCELLED)
            .select_related("program", "competency").order_by("program", "attempt"))


def gaps_of(*, person: Person, status: str | None = None) -> QuerySet[KnowledgeGap]:
    qs = KnowledgeGap.objects.filter(person=person).select_related("competency", "teach_back")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-created_at", "id")


def has_scored(*, teach_back: TeachBack, person: Person | None) -> bool:
    return person is not None and TeachBackScore.objects.filter(teach_back=teach_back, scorer=person).exists()


def in_audience(*, teach_back: TeachBack, person: Person | None) -> bool:
    return person is not None and TeachBackAudience.objects.filter(teach_back=teach_back, person=person).exists()


@dataclass
class CriterionResult:
    criterion: RubricCriterion
    mean: Decimal | None
    n: int
    counts: list[int]  # index 0 = score 1 … index 4 = score 5

    @property
    def bars(self) -> list[tuple[int, int, float]]:
        """(score, count, % of the largest count) for a bar chart."""
        top = max(self.counts) or 1
        return [(i + 1, c, round(100 * c / top, 1)) for i, c in enumerate(self.counts)]


@dataclass
class Result:
    teach_back: TeachBack
    final: bool
    mean: Decimal | None
    passed: bool | None
    pass_mark: Decimal
    max_attempts: int
    scorers: int
    audience: int
    closes_at: datetime.datetime
    criteria: list[CriterionResult] = field(default_factory=list)
    gaps: list[KnowledgeGap] = field(default_factory=list)
    questions: list[TeachBackQuestion] = field(default_factory=list)


def result_of(*, teach_back: TeachBack, now: datetime.datetime | None = None) -> Result:
    """The result (made final first if scoring has closed), the distribution per criterion, the gaps."""
    if teach_back.status == TeachBackStatus.SCHEDULED:
        if services.teachback_finalise(teach_back_id=teach_back.pk, now=now):
            teach_back.refresh_from_db()
    s = services.settings_for(teach_back.program)
    criteria = rubric_of(program=teach_back.program)
    counts: dict[int, list[int]] = {c.pk: [0] * 5 for c in criteria}
    for cid, value in CriterionScore.objects.filter(score__teach_back=teach_back).values_list("criterion_id", "value"):
        counts.setdefault(cid, [0] * 5)[value - 1] += 1
    means = services.criterion_means(teach_back)
    final = teach_back.status in (TeachBackStatus.PASSED, TeachBackStatus.FAILED)
    rows = [CriterionResult(criterion=c, mean=(means[c.pk][0].quantize(Decimal("0.01")) if c.pk in means else None),
                            n=means.get(c.pk, (0, 0))[1], counts=counts[c.pk]) for c in criteria]
    mean = teach_back.mean if final else services.overall_mean(means)
    return Result(
        teach_back=teach_back, final=final, mean=mean,
        passed=(teach_back.status == TeachBackStatus.PASSED) if final else None,
        pass_mark=s.pass_mark, max_attempts=s.max_attempts,
        scorers=TeachBackScore.objects.filter(teach_back=teach_back).count(),
        audience=teach_back.audience_rows.count(), closes_at=teach_back.closes_at(s.window_hours), criteria=rows,
        gaps=list(KnowledgeGap.objects.filter(teach_back=teach_back).select_related("competency").order_by("id")),
        questions=list(TeachBackQuestion.objects.filter(teach_back=teach_back).select_related("logged_by")
                       .order_by("id")),
    )


def flagged_trainees(*, program: Program) -> QuerySet[TeachBack]:
    """Failed last attempts: the trainees the program manager must look after."""
    return (TeachBack.objects.filter(program=program, status=TeachBackStatus.FAILED, last_attempt=True)
            .select_related("trainee", "competency").order_by("trainee__full_name"))


__all__ = ["GapStatus"]


def enrolled_people(*, program: Program) -> list[tuple[int, str]]:
    """(person ID, name) of the program's active enrolments, each person once, by name: the
    trainees and audience a slot may name."""
    from tandem.programs.models import Enrolment, EnrolmentStatus

    rows = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).select_related(
        "person").order_by("person__full_name")
    return list(dict((e.person_id, e.person.full_name) for e in rows).items())


def competency_choices() -> list[tuple[int, str]]:
    """Every competency, in the reader's language, for a slot's competency."""
    from tandem.people.models import Competency

    return [(c.pk, c.tr("name")) for c in Competency.objects.order_by("name")]


def criterion_of(*, program: Program, criterion_id: int) -> RubricCriterion | None:
    """One criterion of the program's rubric (None if it is another program's or gone)."""
    return RubricCriterion.objects.filter(program=program, pk=criterion_id).select_related("program").first()
