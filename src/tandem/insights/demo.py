"""Demo data of insights (called from ``web/demo.py``'s ``APP_DEMOS``): source 000's cohort table.

Source 000 reports, for 342 managers, teach-back participants against the others: retention 78 %
vs 52 %, promotion 43 % vs 18 %, team NPS 82 vs 67, satisfaction 4.3 vs 3.6, innovation proposals
8.7 vs 3.2 a year, crisis handling 89 % vs 71 %. It gives no split; we take 171 / 171. Proportions
are whole people (133/171 = 77.8 %, 89/171 = 52.0 %, 74/171 = 43.3 %, 31/171 = 18.1 %,
152/171 = 88.9 %, 121/171 = 70.8 %), means are exact to the decimal. The 171 participants are the
mentees of a closed 2024 program, so both ``program:<id>`` vs ``nonparticipants:<id>`` and
``cohort:2024 teach-back`` vs ``cohort:2024 comparison`` reproduce the table; the managers who
did not stay have a leaving date.
"""

from __future__ import annotations

import datetime
import random

from tandem.insights import services
from tandem.insights.services import OutcomeValue
from tandem.people.models import Department, JobProfile, Person
from tandem.programs import services as program_services
from tandem.programs.models import EnrolmentRole, MatchingMode, ProgramType

GROUP = 171
COHORT_A, COHORT_B = "2024 teach-back", "2024 comparison"
# name, kind, labels (en, zh-hans, ru), A, B, (sd, low, high, decimals) for means
METRICS = [
    ("retention", "proportion", ("Retention", "留任率", "Удержание"), 133, 89, None),
    ("promotion", "proportion", ("Promotion", "晋升", "Повышение"), 74, 31, None),
    ("team_nps", "mean", ("Team NPS", "团队 NPS", "NPS команды"), 82.0, 67.0, (14.0, -100.0, 100.0, 0)),
    ("satisfaction", "mean", ("Satisfaction (1–5)", "满意度（1–5）", "Удовлетворённость (1–5)"), 4.3, 3.6,
     (0.5, 1.0, 5.0, 1)),
    ("proposals", "mean", ("Innovation proposals a year", "每年创新提案", "Инновационные предложения в год"), 8.7, 3.2,
     (2.5, 0.0, 40.0, 1)),
    ("crisis_handling", "proportion", ("Crisis handling success", "危机处理成功", "Успешное решение кризисов"), 152, 121,
     None),
]


def _exact_mean_values(rng: random.Random, n: int, mean: float, sd: float, low: float, high: float,
                       decimals: int) -> list[float]:
    """n values around ``mean`` (normal, clipped to [low, high], rounded) nudged so that their mean
    is exactly ``mean`` at that many decimals."""
    step = 10 ** -decimals
    units = [round(min(high, max(low, rng.gauss(mean, sd))) / step) for _ in range(n)]
    target = round(mean * n / step)
    lo, hi = round(low / step), round(high / step)
    while sum(units) != target:
        i = rng.randrange(n)
        if sum(units) < target and units[i] < hi:
            units[i] += 1
        elif sum(units) > target and units[i] > lo:
            units[i] -= 1
    return [round(u * step, decimals) for u in units]


def _ones(rng: random.Random, n: int, ones: int) -> list[float]:
    values = [1.0] * ones + [0.0] * (n - ones)
    rng.shuffle(values)
    return values


def seed(rng: random.Random, users: dict[str, Person]) -> None:
    today = datetime.date.today()
    recorded = datetime.date(today.year - 1, 12, 31)
    departments = list(Department.objects.order_by("code"))
    profiles = list(JobProfile.objects.filter(code__in=["EM", "AM", "CSL", "PM"])) or [None]
    retention = {"a": _ones(rng, GROUP, 133), "b": _ones(rng, GROUP, 89)}
    managers = []
    for side in ("a", "b"):
        for i in range(GROUP):
            number = 9001 + i + (GROUP if side == "b" else 0)
            hired = recorded - datetime.timedelta(days=rng.randint(400, 3000))
            left = None if retention[side][i] else recorded - datetime.timedelta(days=rng.randint(10, 300))
            managers.append(Person(
                employee_id=f"M{number}", full_name=f"Manager {number}", email=f"m{number}@tandem.example",
                department=rng.choice(departments), job_profile=rng.choice(profiles), hire_date=hired,
                left_on=left, is_active=left is None,
            ))
    Person.objects.bulk_create(managers)
    saved = {p.employee_id: p for p in Person.objects.filter(employee_id__in=[m.employee_id for m in managers])}
    group = {"a": [saved[m.employee_id] for m in managers[:GROUP]], "b": [saved[m.employee_id] for m in managers[GROUP:]]}

    owner = users["manager"]
    program = program_services.program_create(
        name="Teach-back for managers 2024 (source 000)", program_type=ProgramType.CLASSIC,
        matching_mode=MatchingMode.BULK, starts_on=datetime.date(today.year - 2, 1, 8),
        ends_on=datetime.date(today.year - 2, 12, 20), owner=owner, actor=owner.user,
        description="Five days of teach-back for 171 managers; 171 managers who did not take part are the "
                    "comparison group. Outcomes recorded a year later.",
    )
    program_services.enrolment_add(program=program, people=group["a"], role=EnrolmentRole.MENTEE)
    program_services.program_close(program=program, actor=owner.user)

    for name, kind, (en, zh, ru), a, b, spread in METRICS:
        metric = services.outcome_metric_define(name=name, kind=kind, label=en,
                                                translations={"zh-hans": {"label": zh}, "ru": {"label": ru}})
        for side, target, cohort in (("a", a, COHORT_A), ("b", b, COHORT_B)):
            if name == "retention":
                values = retention[side]
            elif kind == "proportion":
                values = _ones(rng, GROUP, int(target))
            else:
                sd, low, high, decimals = spread
                values = _exact_mean_values(rng, GROUP, float(target), sd, low, high, decimals)
            services.outcome_records_write(metric=metric, cohort=cohort, values=[
                OutcomeValue(p.pk, v, recorded) for p, v in zip(group[side], values, strict=True)])
