"""The dashboards' head counts, computed once per change instead of on every view (issue 13 §7).

At 50,000 people the HR home's counts -- people per department, people waiting for a mentor,
mentors who can take one more -- scanned the company on each view (~60 ms of SQL, the most of the
page). They change only when people, enrolments, programs or mentorships are written, so they are
kept in ``DashboardFigures`` with the *generation* of the data they were computed from; a view reads
the current generation and the stored figures (two one-row reads) and recomputes only when the
generation moved.

The generation is bumped by database triggers (installed by ``install_triggers`` after every
``migrate``; a table rebuilt by a later migration gets them back): on PostgreSQL a deferred
constraint trigger per row calls ``nextval`` on a sequence at commit (a sequence never blocks a
writer, and bumping at commit means a reader cannot store figures computed before the change under
the generation after it, save in the instant of the commit itself, which ``MAX_AGE`` bounds); on
SQLite a row trigger adds one to ``FiguresGeneration`` (SQLite has one writer at a time anyway).
A view inside a transaction counts afresh and stores nothing (its own writes are not committed).
Every write path -- services, admin, imports, bulk commits, raw SQL, COPY -- fires them.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from tandem.people.models import DashboardFigures, FiguresGeneration

T = TypeVar("T")

#: Recompute at least this often, whatever the generation says (bounds the commit-instant race).
MAX_AGE = datetime.timedelta(minutes=10)

#: table -> columns whose update can change a figure (insert and delete always can); None: any column
WATCHED: dict[str, tuple[str, ...] | None] = {
    "people_person": ("is_active", "department_id", "mentor_capacity", "full_name"),  # names: lists' orders
    "programs_enrolment": ("status", "role", "program_id", "person_id"),
    "programs_program": ("status", "program_type"),
    "mentorships_mentorship": ("status", "mentor_id", "mentee_id", "program_id"),
}

#: What the matching engine's mentor pool is read from (``matching.adapter``'s cached mentor side).
POOL_WATCHED: dict[str, tuple[str, ...] | None] = {
    "people_person": ("is_active", "department_id", "mentor_capacity", "manager_id", "job_profile_id",
                      "communication_style", "time_zone"),
    "people_currentlevel": None,
    "people_jobprofilerequirement": None,
    "people_persontopic": None,
    "people_person_languages": None,
    "people_competency": None,
    "people_competencygroup": None,
    "people_topic": None,
    "people_language": None,
    "programs_enrolment": None,
    "programs_program": None,
    "mentorships_mentorship": ("status", "mentor_id", "mentee_id", "program_id"),
    # the mentees' mentor-effectiveness ratings (assessments.survey_selectors.mentor_ratings)
    "assessments_survey": None,
    "assessments_surveycompletion": None,
    "assessments_surveyresponse": None,
    "assessments_surveyanswer": None,
    "assessments_surveyquestion": None,
    "assessments_surveytemplateversion": None,
    "assessments_surveytemplate": None,
}

#: What a selection round's forecast and progress are read from (``matching.flows.rounds``).
ROUNDS_WATCHED: dict[str, tuple[str, ...] | None] = {
    "matching_selectionround": None,
    "matching_roundseat": None,
    "matching_applicantchoice": None,
    "matching_departmentchoice": None,
    "matching_placement": None,
    "programs_enrolment": None,
    "people_department": None,
}

#: name -> (SQLite counter row, PostgreSQL sequence, watched tables)
GENERATIONS = {
    "figures": (1, "people_figures_generation", WATCHED),
    "pool": (2, "people_pool_generation", POOL_WATCHED),
    "rounds": (3, "people_rounds_generation", ROUNDS_WATCHED),
}

#: (generation name, key) -> (generation, when, value): what ``kept`` holds in this process
_KEPT: OrderedDict[tuple[str, Any], tuple[int, datetime.datetime, Any]] = OrderedDict()
KEPT_MAX = 32


def kept(name: str, key: Any, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this process under ``key`` while the generation ``name`` stands (at
    most ``MAX_AGE``): for values read from many rows that change far less often than they are
    viewed (a program's mentor pool, a round's forecast). PostgreSQL only -- its sequences never go
    back, where SQLite's counter is transactional -- and never inside a transaction (its own
    writes may yet roll back); elsewhere ``compute()`` runs each time. The caller must not change
    the value it gets (it is shared)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return compute()
    gen = generation(name)  # before computing: a write committed meanwhile leaves the value old
    now = timezone.now()
    hit = _KEPT.get((name, key))
    if hit is not None and hit[0] == gen and now - hit[1] < MAX_AGE:
        _KEPT.move_to_end((name, key))
        return hit[2]
    value = compute()
    _KEPT[(name, key)] = (gen, now, value)
    _KEPT.move_to_end((name, key))
    while len(_KEPT) > KEPT_MAX:
        _KEPT.popitem(last=False)
    return value


def _ops(cols: tuple[str, ...] | None) -> tuple[tuple[str, str], ...]:
    return (("ins", "INSERT"), ("del", "DELETE"), ("upd", "UPDATE" if cols is None else f"UPDATE OF {', '.join(cols)}"))


def install_triggers(using_connection=None) -> None:
    """(Re)create the triggers that bump the generations. Idempotent; run after every migrate."""
    conn = using_connection or connection
    with conn.cursor() as cur:
        for name, (row, sequence, tables) in GENERATIONS.items():
            if conn.vendor == "postgresql":
                cur.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence}")
                cur.execute(f"""CREATE OR REPLACE FUNCTION {sequence}_bump() RETURNS trigger
                                LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('{sequence}'); RETURN NULL; END $$""")
            # SQLite: an upsert, so the row comes back if a flush emptied the table
            bump = (f"INSERT INTO people_figuresgeneration (id, n) VALUES ({row}, 1) "
                    "ON CONFLICT (id) DO UPDATE SET n = n + 1;")
            for table, cols in tables.items():
                for op, what in _ops(cols):
                    trigger = f"{table}_{name}_{op}"
                    if conn.vendor == "postgresql":
                        cur.execute(f'DROP TRIGGER IF EXISTS {trigger} ON "{table}"')
                        cur.execute(f'CREATE CONSTRAINT TRIGGER {trigger} AFTER {what} ON "{table}" DEFERRABLE '
                                    f"INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {sequence}_bump()")
                        if op == "del":  # a TRUNCATE fires no row trigger (tests' flushes, bulk reloads)
                            cur.execute(f'DROP TRIGGER IF EXISTS {table}_{name}_tru ON "{table}"')
                            cur.execute(f'CREATE TRIGGER {table}_{name}_tru AFTER TRUNCATE ON "{table}" '
                                        f"FOR EACH STATEMENT EXECUTE FUNCTION {sequence}_bump()")
                    elif conn.vendor == "sqlite":
                        cur.execute(f'DROP TRIGGER IF EXISTS "{trigger}"')
                        cur.execute(f'CREATE TRIGGER "{trigger}" AFTER {what} ON "{table}" BEGIN {bump} END')


def generation(name: str = "figures") -> int:
    """The generation of the data now (moves with every committed write the figures depend on)."""
    row, sequence, _tables = GENERATIONS[name]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT last_value + CASE WHEN is_called THEN 0 ELSE -1 END FROM {sequence}")
            return int(cur.fetchone()[0])
    n = FiguresGeneration.objects.filter(pk=row).values_list("n", flat=True).first()
    return int(n or 0)


def compute() -> dict[int, list[int]]:
    """Department id -> [active people, waiting for a mentor, mentors with a free slot], counted from
    scratch (the definitions of ``people.selectors``: people directly in the department)."""
    from tandem.mentorships.selectors import with_free_mentor_slots
    from tandem.people.selectors import people_in, people_without_mentor

    out: dict[int, list[int]] = {}
    for i, qs in enumerate((people_in(), people_without_mentor(), with_free_mentor_slots(people_in()))):
        for dep, n in qs.order_by().values_list("department_id").annotate(n=Count("id")):
            out.setdefault(dep, [0, 0, 0])[i] = n
    return out


def per_department() -> dict[int, list[int]]:
    """The figures, recomputed first if the data changed since they were stored. Inside a
    transaction they are computed and not stored: its own writes are not committed (PostgreSQL
    bumps the generation at commit), and it must not hold the one row's lock until it ends."""
    if connection.in_atomic_block:
        return compute()
    now = timezone.now()
    gen = generation()  # before counting: a write committed meanwhile leaves the stored figures old
    stored = DashboardFigures.objects.filter(pk=1).first()
    if stored is not None and stored.generation == gen and now - stored.computed_at < MAX_AGE:
        return {int(k): v for k, v in stored.per_department.items()}
    figures = compute()
    DashboardFigures.objects.bulk_create(
        [DashboardFigures(pk=1, generation=gen, computed_at=now, per_department={str(k): v for k, v in figures.items()})],
        update_conflicts=True, unique_fields=["id"], update_fields=["generation", "computed_at", "per_department"],
    )
    return figures


def totals(department_ids: Iterable[int] | None = None) -> tuple[int, int, int]:
    """(active people, waiting for a mentor, mentors free) in these departments (None: everyone)."""
    figures = per_department()
    keys = figures.keys() if department_ids is None else set(department_ids)
    sums = [0, 0, 0]
    for k in keys:
        for i, n in enumerate(figures.get(k, (0, 0, 0))):
            sums[i] += n
    return sums[0], sums[1], sums[2]
