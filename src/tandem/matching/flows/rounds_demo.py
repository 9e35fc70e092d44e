"""Demo data: an open selection round in "Graduate cohort 2026", mostly ranked, a few still to rank."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from tandem.matching.flows.rounds import (
    applicant_ranking_save,
    department_ranking_save,
    round_create,
)
from tandem.people.models import Department, Person
from tandem.programs.models import EnrolmentRole, EnrolmentStatus, Program

# code, places, pitch
DEMO_SEATS = [
    ("ENG", 10, ("Ship code to millions of users from your first month. Every graduate gets a buddy, a real "
               "backlog item in week one and a rotation through Platform, Mobile and Data.")),
    ("SAL", 8, ("Learn to negotiate with real customers, travel to our EMEA and APAC offices, and earn a "
               "bonus from your first deal.")),
    ("FIN", 5, ("See how the whole company works through its numbers. Modelling, forecasting and a seat at "
                "the quarterly business review.")),
    ("MKT", 5, "Campaigns, content and data: you will run your own small campaign within three months."),
    ("CS", 8, "Be the voice of our customers. Fast feedback, a supportive team and a clear path to team lead."),
    ("OPS", 4, "Keep goods and people moving: logistics, planning and process improvement across six sites."),
]


def seed_demo_round(rng: random.Random, users: dict[str, Person]) -> None:
    program = Program.objects.filter(name="Graduate cohort 2026").first()
    if program is None:
        return
    departments = {d.code: d for d in Department.objects.filter(code__in=[c for c, _n, _p in DEMO_SEATS])}
    selection_round = round_create(
        program=program,
        name="Autumn 2026 placement round",
        deadline=timezone.now() + datetime.timedelta(days=10),
        seats={departments[c]: n for c, n, _p in DEMO_SEATS if c in departments},
        user=users["manager"].user,
    )
    for seat in selection_round.seats.select_related("department"):
        seat.pitch = next(p for c, _n, p in DEMO_SEATS if c == seat.department.code)
        seat.save(update_fields=["pitch"])
    seated = [departments[c] for c, _n, _p in DEMO_SEATS if c in departments]
    graduates = list(
        Person.objects.filter(enrolments__program=program, enrolments__role=EnrolmentRole.MENTEE,
                              enrolments__status=EnrolmentStatus.ACTIVE)
        .select_related("department").order_by("full_name", "pk")
    )
    # Most graduates have ranked 3-6 departments; about one in six has not yet.
    for graduate in graduates:
        if rng.random() < 0.17:
            continue
        order = sorted(seated, key=lambda d: rng.random() - (0.3 if d.pk in (graduate.department_id, graduate.department.parent_id) else 0))
        applicant_ranking_save(round=selection_round, applicant=graduate, departments=order[: rng.randint(3, len(order))])
    # Every department except the last two has ranked; ENG (the demo head's) has ranked too.
    for department in seated[:-2]:
        pool = graduates[:]
        rng.shuffle(pool)
        department_ranking_save(round=selection_round, department=department,
                                applicants=pool[: rng.randint(len(pool) // 2, len(pool))])
