"""The worlds the PostgreSQL benchmarks build: shared by bench_insights.py, bench_pages.py and bench_load.py.

Import after ``django.setup()``. Each builder writes through bulk_create / COPY (the data's shape is named
in the script that reports on it) and returns a dict of what its pages need.
"""

from __future__ import annotations

import datetime
import random
import time

from django.contrib.auth.models import Group, User
from django.db import connection
from django.utils import timezone
from psycopg.types.json import Jsonb

from tandem.insights.models import OutcomeMetric, OutcomeRecord
from tandem.matching.flows import bulk
from tandem.matching.flows import rounds as round_flow
from tandem.mentorships.log_models import ActionItem, Message, Session, SessionFeedback
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.people.models import (
    Competency,
    CompetencyGroup,
    CurrentLevel,
    Department,
    JobProfile,
    JobProfileRequirement,
    Person,
)
from tandem.people.services import department_save
from tandem.programs.models import (
    CadenceDuty,
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    MatchingMode,
    Phase,
    Program,
    ProgramStatus,
    ProgramType,
)

FIRST = ["Anna", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemal", "Lena",
         "Mateo", "Nora", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tariq", "Ulla", "Vera", "Wei", "Yara"]
LAST = ["Schmidt", "Müller", "Petrova", "Smith", "García", "Rossi", "Novak", "Kowalski", "Dubois", "Jansen",
        "Nielsen", "Ivanov", "Tanaka", "Silva", "Berg", "Horvat", "Weber", "Lindqvist", "Öztürk", "Chen"]


# -- COPY ---------------------------------------------------------------------------------------


def copy_rows(model, columns: list[str], rows) -> int:
    """``rows`` (tuples in ``columns`` order; attnames) into ``model``'s table with COPY; every other
    concrete column gets its field's default (the database has none of Django's defaults)."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in columns]
    extra_cols, extra_vals = [], []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        else:
            value = ""
        if isinstance(value, (dict, list)):
            value = Jsonb(value)
        extra_cols.append(f.column)
        extra_vals.append(value)
    cols = [model._meta.get_field(c).column for c in columns] + extra_cols
    sql = f'COPY {model._meta.db_table} ({", ".join(cols)}) FROM STDIN'
    n = 0
    with connection.cursor() as cur, cur.copy(sql) as cp:
        for row in rows:
            cp.write_row((*row, *extra_vals))
            n += 1
    return n


# -- the data -----------------------------------------------------------------------------------


def insights_build(n_people: int, n_entries: int, extra: dict | None = None) -> dict:
    """The insights benchmark's world (bench/bench_insights.py describes its distribution).

    ``extra``, when given, receives what a composed world builds on: the people (in creation order),
    the departments, the random generator, ``take`` (people not yet in any program) and the pairs."""
    rng = random.Random(12)
    today = timezone.localdate()
    now = timezone.now()
    t0 = time.perf_counter()
    root = department_save(department=Department(code="ROOT", name="Company"))
    deps = [department_save(department=Department(code=f"D{i:03d}", name=f"Department {i}", parent=root))
            for i in range(60)]
    weights = [1.0 / (k + 1) ** 1.1 for k in range(len(deps))]

    def hire_date() -> datetime.date:
        if rng.random() < 0.12:  # this year's intake
            return today - datetime.timedelta(days=rng.randint(0, 330))
        return datetime.date(2012, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 14))

    people = []
    for i in range(n_people):
        hired = hire_date()
        left = None
        if rng.random() < 0.12 and hired < today:
            left = hired + datetime.timedelta(days=min((today - hired).days, int(rng.expovariate(1 / 300)) + 1))
        people.append(Person(employee_id=f"E{i:06d}", full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                             email=f"p{i}@example.com", department=rng.choices(deps, weights)[0],
                             hire_date=hired, left_on=left, is_active=left is None, mentor_capacity=4))
    people = Person.objects.bulk_create(people, batch_size=5000)

    def user(person, username, *groups):
        u = User.objects.create_user(username=username, password="pw-123456")
        for g in groups:
            u.groups.add(Group.objects.get_or_create(name=g)[0])
        Person.objects.filter(pk=person.pk).update(user=u)
        return u

    hr = user(people[0], "hr", "hr_admin")
    pm = user(people[1], "pm", "program_manager")
    pool = people[10:]
    rng.shuffle(pool)
    cursor = 0

    def take(k):
        nonlocal cursor
        out = pool[cursor:cursor + k]
        cursor += k
        return out

    def program(name, starts):
        return Program.objects.create(
            name=name, program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
            status=ProgramStatus.RUNNING, starts_on=starts, ends_on=starts + datetime.timedelta(days=540),
            owner=people[1], default_mentor_capacity=4, agreement_required=False)

    pairs: list[Mentorship] = []

    def enrol(prog, n_mentees, n_mentors, share_paired):
        mentees, mentors = take(n_mentees), take(n_mentors)
        enrol_both(prog, mentees, mentors, mentee_status=lambda: (
            EnrolmentStatus.ACTIVE if rng.random() < 0.9 else EnrolmentStatus.WITHDRAWN))
        ms = []
        for i, mentee in enumerate(mentees[:int(len(mentees) * share_paired)]):
            r = rng.random()
            status = (MentorshipStatus.ACTIVE if r < 0.85 else MentorshipStatus.COMPLETED if r < 0.93
                      else MentorshipStatus.ENDED_EARLY)
            started = prog.starts_on + datetime.timedelta(days=rng.randint(0, 150))
            ended = None if status == MentorshipStatus.ACTIVE else started + datetime.timedelta(days=rng.randint(60, 200))
            ms.append(Mentorship(program=prog, mentee=mentee, mentor=mentors[i % len(mentors)], status=status,
                                 origin=MentorshipOrigin.MANUAL, started_on=started, ended_on=ended))
        pairs.extend(Mentorship.objects.bulk_create(ms, batch_size=5000))
        return mentees

    big = program("Company mentoring", today - datetime.timedelta(days=320))
    big_mentees = enrol(big, n_people // 8, n_people // 20, 0.9)
    # the graduate programme's stages (department support reports per stage): rotations, then placement
    Phase.objects.create(program=big, order=0, name="Rotation", start_day=1, end_day=180)
    Phase.objects.create(program=big, order=1, name="Placement", start_day=181, end_day=540)
    CadenceDuty.objects.create(program=big, code="monthly-session", name="Monthly session", required=True,
                               period="monthly", requirement="session", concerns="pair")
    for k in range(6):
        small = program(f"Program {k}", today - datetime.timedelta(days=100 + 40 * k))
        enrol(small, n_people // 125, n_people // 300, 0.8)
        Phase.objects.create(program=small, order=0, name="Rotation", start_day=1, end_day=540)
    built_people = time.perf_counter() - t0

    # -- outcome records: two metrics for (nearly) everyone ------------------------------------
    t1 = time.perf_counter()
    retention = OutcomeMetric.objects.create(name="retention", label="Retention", kind="proportion")
    satisfaction = OutcomeMetric.objects.create(name="satisfaction", label="Satisfaction", kind="mean")
    in_big = {p.pk for p in big_mentees}
    outcome_rows = []
    for p in people:
        boost = 0.08 if p.pk in in_big else 0.0
        day = today - datetime.timedelta(days=rng.randint(0, 700))
        outcome_rows.append((p.pk, retention.pk, 1.0 if rng.random() < 0.7 + boost else 0.0, day, "import"))
        if rng.random() < 0.85:
            outcome_rows.append((p.pk, satisfaction.pk, round(min(5.0, max(1.0, rng.gauss(3.6 + boost * 3, 0.8))), 1),
                                 day, "survey"))
    n_outcomes = copy_rows(OutcomeRecord, ["person_id", "metric_id", "value", "recorded_on", "source"], outcome_rows)

    # -- the log: heavy-tailed activity per pair --------------------------------------------------
    budget = max(0, n_entries - n_outcomes)
    w = [rng.lognormvariate(0.0, 1.1) for _ in pairs]
    total_w = sum(w)
    # sessions 30 %, messages 45 %, action items 12 %, feedback ~13 % (on held sessions)
    per_pair = [x / total_w * budget for x in w]
    session_rows, message_rows, item_rows = [], [], []
    for m, share in zip(pairs, per_pair, strict=True):
        start = datetime.datetime.combine(m.started_on, datetime.time(9), tzinfo=datetime.UTC)
        end = now + datetime.timedelta(days=30)
        if m.ended_on:
            end = datetime.datetime.combine(m.ended_on, datetime.time(18), tzinfo=datetime.UTC)
        span = max(1.0, (end - start).total_seconds())
        for _ in range(int(share * 0.30 + rng.random())):
            at = start + datetime.timedelta(seconds=rng.random() * span)
            if at > now:
                status = "scheduled"
            else:
                r = rng.random()
                status = "held" if r < 0.84 else "missed" if r < 0.92 else "cancelled"
            session_rows.append((m.pk, at, rng.choice((30, 45, 60, 60, 90)), status))
        for _ in range(int(share * 0.45 + rng.random())):
            at = start + datetime.timedelta(seconds=rng.random() * min(span, (now - start).total_seconds() or 1))
            message_rows.append((m.pk, m.mentee_id if rng.random() < 0.5 else m.mentor_id, "See you next week", at))
        for _ in range(int(share * 0.12 + rng.random())):
            due = (start + datetime.timedelta(seconds=rng.random() * span)).date()
            r = rng.random()
            status = "done" if r < 0.6 else "dropped" if r < 0.7 else "open"
            item_rows.append((m.pk, "Read the chapter", m.mentee_id if rng.random() < 0.8 else m.mentor_id, due, status))
    n_sessions = copy_rows(Session, ["mentorship_id", "starts_at", "duration_minutes", "status"], session_rows)
    n_messages = copy_rows(Message, ["mentorship_id", "author_id", "text", "created_at"], message_rows)
    n_items = copy_rows(ActionItem, ["mentorship_id", "title", "owner_id", "due_on", "status"], item_rows)
    feedback_budget = max(0, budget - n_sessions - n_messages - n_items)
    held = list(Session.objects.filter(status="held").values_list("pk", "starts_at", "mentorship__mentee_id",
                                                                   "mentorship__mentor_id"))
    rng.shuffle(held)
    feedback_rows = []
    for pk, at, mentee, mentor in held:
        if len(feedback_rows) >= feedback_budget:
            break
        feedback_rows.append((pk, "mentee", mentee, rng.choices((1, 2, 3, 4, 5), (3, 5, 15, 40, 37))[0],
                              at + datetime.timedelta(hours=2)))
        if len(feedback_rows) < feedback_budget and rng.random() < 0.6:
            feedback_rows.append((pk, "mentor", mentor, rng.choices((1, 2, 3, 4, 5), (2, 4, 14, 45, 35))[0],
                                  at + datetime.timedelta(hours=3)))
    n_feedback = copy_rows(SessionFeedback, ["session_id", "side", "author_id", "rating", "created_at"], feedback_rows)
    n_answers = surveys_build(rng, pairs, people, now)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    built_log = time.perf_counter() - t1
    if extra is not None:
        extra.update(people=people, deps=deps, rng=rng, take=take, pairs=pairs)
    counts = {"sessions": n_sessions, "messages": n_messages, "action items": n_items, "feedback": n_feedback,
              "outcome records": n_outcomes, "survey answers": n_answers}
    return {"hr": hr, "pm": pm, "big": big, "people": n_people, "pairs": len(pairs),
            "big_pairs": sum(1 for m in pairs if m.program_id == big.pk), "big_mentees": len(big_mentees),
            "counts": counts, "entries": sum(counts.values()), "built_people": built_people, "built_log": built_log,
            "largest_department": max(weights) / sum(weights)}


def surveys_build(rng: random.Random, pairs: list, people: list, now: datetime.datetime) -> int:
    """Per program, a closed satisfaction survey and a closed NPS survey (the shipped templates,
    installed if a flush removed them), answered anonymously by ~70 % of the program's mentees
    (scale answers around 4, NPS answers skewed to promoters); returns the answers written."""
    import uuid

    from tandem.assessments import survey_catalogue
    from tandem.assessments.models import (
        Survey,
        SurveyAnswer,
        SurveyCompletion,
        SurveyPurpose,
        SurveyQuestion,
        SurveyResponse,
        SurveyStatus,
        SurveyTemplate,
        SurveyTemplateVersion,
    )

    survey_catalogue.install(SurveyTemplate, SurveyTemplateVersion, SurveyQuestion)
    by_person = {p.pk: p for p in people}
    templates = [SurveyTemplate.objects.filter(purpose=purpose).order_by("id").first()
                 for purpose in (SurveyPurpose.SATISFACTION, SurveyPurpose.NPS)]
    mentees: dict[int, list] = {}
    for m in pairs:
        mentees.setdefault(m.program_id, []).append(m)
    response_rows, answer_rows, completion_rows = [], [], []
    for program_id, ms in mentees.items():
        for tpl in filter(None, templates):
            version = tpl.versions.order_by("-number").first()
            questions = [q for q in version.questions.all() if q.kind in ("scale", "nps")]
            closed = now - datetime.timedelta(days=rng.randint(10, 60))
            survey = Survey.objects.create(version=version, program_id=program_id, anonymous=True,
                                           threshold=tpl.threshold, status=SurveyStatus.CLOSED, closes_at=closed)
            for m in ms:
                if rng.random() > 0.7:
                    continue
                person = by_person.get(m.mentee_id)
                rid = uuid.uuid4()
                response_rows.append((rid, survey.pk, version.pk, True, person.department_id if person else None,
                                      person.job_profile_id if person else None, m.mentor_id))
                completion_rows.append((survey.pk, m.mentee_id, closed.date()))
                for q in questions:
                    number = (rng.choices(range(11), (1, 1, 1, 2, 2, 4, 6, 10, 20, 28, 25))[0] if q.kind == "nps"
                              else rng.choices((1, 2, 3, 4, 5), (3, 6, 18, 40, 33))[0])
                    answer_rows.append((uuid.uuid4(), rid, q.pk, number))
    copy_rows(SurveyResponse, ["id", "survey_id", "version_id", "anonymous", "department_id", "job_profile_id",
                               "subject_id"], response_rows)
    copy_rows(SurveyCompletion, ["survey_id", "person_id", "answered_on"], completion_rows)
    return copy_rows(SurveyAnswer, ["id", "response_id", "question_id", "number"], answer_rows)


# -- the pages benchmark's world (bench/bench_pages.py) -----------------------------------------


def make_user(person, username: str, *groups: str) -> User:
    u = User.objects.create_user(username=username, password="pw-123456")
    for g in groups:
        u.groups.add(Group.objects.get_or_create(name=g)[0])
    Person.objects.filter(pk=person.pk).update(user=u)
    return u


def framework(rng: random.Random) -> tuple[list, list]:
    """40 competencies in one group, 20 job profiles of 8 required competencies each."""
    group = CompetencyGroup.objects.create(code="G", name="Skills")
    comps = Competency.objects.bulk_create([Competency(code=f"C{i:03d}", name=f"Competency {i}", group=group)
                                           for i in range(40)])
    jobs = JobProfile.objects.bulk_create([JobProfile(code=f"J{i:02d}", title=f"Job {i}") for i in range(20)])
    JobProfileRequirement.objects.bulk_create([
        JobProfileRequirement(job_profile=j, competency=c, target_level=rng.randint(3, 5))
        for j in jobs for c in rng.sample(comps, 8)])
    return comps, jobs


def current_levels(rng: random.Random, people: list, comps: list, today: datetime.date, *, copy: bool = False) -> int:
    """8 current levels per person (1-5, from the manager)."""
    if copy:
        return copy_rows(CurrentLevel, ["person_id", "competency_id", "level", "source", "rated_on"],
                         ((p.pk, c.pk, rng.randint(1, 5), "manager", today)
                          for p in people for c in rng.sample(comps, 8)))
    CurrentLevel.objects.bulk_create([
        CurrentLevel(person=p, competency=c, level=rng.randint(1, 5), source="manager", rated_on=today)
        for p in people for c in rng.sample(comps, 8)], batch_size=5000)
    return len(people) * 8


def manager_tree(people: list) -> None:
    """8 reports each: person i reports to person (i - 1) // 8."""
    for i, p in enumerate(people[1:], start=1):
        p.manager_id = people[(i - 1) // 8].pk
    Person.objects.bulk_update(people[1:], ["manager"], batch_size=2000)


def open_program(name: str, ptype: str, mode: str, owner: Person) -> Program:
    return Program.objects.create(
        name=name, program_type=ptype, matching_mode=mode, status=ProgramStatus.OPEN,
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31), owner=owner,
        default_mentor_capacity=4, agreement_required=False)


def enrol_both(prog: Program, mentees: list, mentors: list, *, mentee_status=None) -> None:
    """Mentees (each with ``mentee_status()``, default active) and mentors enrolled in one insert."""
    Enrolment.objects.bulk_create(
        [Enrolment(program=prog, person=p, role=EnrolmentRole.MENTEE,
                   status=mentee_status() if mentee_status else EnrolmentStatus.ACTIVE) for p in mentees]
        + [Enrolment(program=prog, person=p, role=EnrolmentRole.MENTOR) for p in mentors], batch_size=5000)


def bulk_and_round(take, pm: User, owner: Person, deps: list, n: int) -> dict:
    """A bulk program (N/20 mentees, N/80 mentors) with a preview of its unmatched mentees, and the
    graduates' open selection round (N/20 graduates, 5 seats in each of the first 10 departments)."""
    bulk_program = open_program("Bulk onboarding", ProgramType.CLASSIC, MatchingMode.BULK, owner)
    enrol_both(bulk_program, take(n // 20), take(n // 80))
    t = time.perf_counter()
    run = bulk.bulk_preview(program=bulk_program, user=pm)
    preview_s = time.perf_counter() - t
    cohort = open_program("Graduates", ProgramType.COHORT, MatchingMode.MUTUAL_SELECTION, owner)
    graduates = take(max(50, n // 20))
    Enrolment.objects.bulk_create([Enrolment(program=cohort, person=p, role=EnrolmentRole.MENTEE) for p in graduates])
    rnd = round_flow.round_create(program=cohort, name="Graduates 2026",
                                  deadline=timezone.now() + datetime.timedelta(days=7),
                                  seats={d: 5 for d in deps[:10]}, user=pm)
    return {"bulk": bulk_program, "cohort": cohort, "round": rnd, "graduates": len(graduates),
            "pairs": len(run.pairs), "preview_s": preview_s, "bulk_mentees": n // 20, "bulk_mentors": n // 80}


def pages_build(n: int) -> dict:
    """The pages benchmark's world: N people in departments of ~400, job profiles and current levels, a
    manager tree, a company program and three smaller ones, a bulk preview and an open selection round."""
    rng = random.Random(13)
    today = timezone.localdate()
    root = department_save(department=Department(code="ROOT", name="Company"))
    deps = [department_save(department=Department(code=f"D{i:03d}", name=f"Department {i}", parent=root))
            for i in range(max(10, n // 400))]
    comps, jobs = framework(rng)
    people = Person.objects.bulk_create([
        Person(employee_id=f"E{i:06d}", full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
               email=f"p{i}@example.com", department=rng.choice(deps), job_profile=rng.choice(jobs),
               hire_date=datetime.date(2015 + i % 10, 1 + i % 12, 1), mentor_capacity=4)
        for i in range(n)], batch_size=2000)
    manager_tree(people)
    current_levels(rng, people, comps, today)

    hr = make_user(people[0], "hr", "hr_admin")
    pm = make_user(people[1], "pm", "program_manager")
    head_person = people[2]
    head = make_user(head_person, "head")
    head_dep = deps[0]
    Department.objects.filter(pk=head_dep.pk).update(head=head_person)
    head_dep.refresh_from_db()

    pool = people[10:]
    rng.shuffle(pool)
    cursor = 0

    def take(k):
        nonlocal cursor
        out = pool[cursor:cursor + k]
        cursor += k
        return out

    def enrol(prog, mentees, mentors, pairs):
        enrol_both(prog, mentees, mentors)
        Mentorship.objects.bulk_create([
            Mentorship(program=prog, mentee=mentees[i], mentor=mentors[i % len(mentors)],
                       status=MentorshipStatus.ACTIVE, origin=MentorshipOrigin.MANUAL)
            for i in range(pairs)], batch_size=5000)

    # the company-wide program: a tenth of the company as mentees, pairs for a quarter of them
    big = open_program("Company mentoring", ProgramType.CLASSIC, MatchingMode.CHOOSE, people[1])
    mentees, mentors = take(n // 10), take(n // 40)
    enrol(big, mentees, mentors, len(mentees) // 4)
    for k in range(3):
        p = open_program(f"Program {k}", ProgramType.CLASSIC, MatchingMode.CHOOSE, people[1])
        enrol(p, take(n // 40), take(n // 100), n // 100)
    return {"hr": hr, "pm": pm, "head": head, "big": big, "people": n,
            **bulk_and_round(take, pm, people[1], deps, n)}
