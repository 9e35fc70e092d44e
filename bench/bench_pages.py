"""Benchmark: the heavy pages at company scale, server-side, on PostgreSQL.

Builds N people (default 20,000) in a throw-away test database (``test_<name>`` of DATABASE_URL,
created and dropped by Django's test runner machinery: nothing else is touched), with the
organisation a company of that size has (departments, job profiles and their requirements,
current levels, a manager tree), programs with enrolments and pairs, a bulk preview and an open
selection round, then times each page with Django's test client (median of --repeat runs, after
one warm-up) and reports the page's query count and response size. Not a test; run it by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench .venv/bin/python bench/bench_pages.py \
        [--people 20000] [--repeat 5] [--src src] [--out bench/results/pages.md]

``--src`` runs the same benchmark against another checkout's ``src`` (a before/after comparison).
Not the load test of issue 13 (no WSGI server, one request at a time, no concurrency).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--people", type=int, default=20_000)
parser.add_argument("--repeat", type=int, default=5)
parser.add_argument("--src", default=str(ROOT / "src"), help="the src folder to benchmark")
parser.add_argument("--out", default="", help="also write the markdown table to this file")
args = parser.parse_args()

sys.path.insert(0, str(Path(args.src).resolve()))
sys.path.insert(1, str(ROOT / "src"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tandem_bench_pages")
if not os.environ["DATABASE_URL"].startswith("postgres"):
    sys.exit("bench_pages.py measures PostgreSQL: set DATABASE_URL=postgres://...")
os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.config.settings.test"  # fast hashing, inline tasks
os.environ.setdefault("TANDEM_VAR_DIR", "/tmp/tandem-bench-pages")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402

from tandem.matching.flows import bulk  # noqa: E402
from tandem.matching.flows import rounds as round_flow  # noqa: E402
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus  # noqa: E402
from tandem.people.models import (  # noqa: E402
    Competency,
    CompetencyGroup,
    CurrentLevel,
    Department,
    JobProfile,
    JobProfileRequirement,
    Person,
)
from tandem.people.services import department_save  # noqa: E402
from tandem.programs.models import (  # noqa: E402
    Enrolment,
    EnrolmentRole,
    MatchingMode,
    Program,
    ProgramStatus,
    ProgramType,
)

FIRST = ["Anna", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemal", "Lena",
         "Mateo", "Nora", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tariq", "Ulla", "Vera", "Wei", "Yara"]
LAST = ["Schmidt", "Müller", "Petrova", "Smith", "García", "Rossi", "Novak", "Kowalski", "Dubois", "Jansen",
        "Nielsen", "Ivanov", "Tanaka", "Silva", "Berg", "Horvat", "Weber", "Lindqvist", "Öztürk", "Chen"]


def build(n: int) -> dict:
    rng = random.Random(13)
    today = timezone.localdate()
    root = department_save(department=Department(code="ROOT", name="Company"))
    deps = [department_save(department=Department(code=f"D{i:03d}", name=f"Department {i}", parent=root))
            for i in range(max(10, n // 400))]
    group = CompetencyGroup.objects.create(code="G", name="Skills")
    comps = Competency.objects.bulk_create([Competency(code=f"C{i:03d}", name=f"Competency {i}", group=group)
                                           for i in range(40)])
    jobs = JobProfile.objects.bulk_create([JobProfile(code=f"J{i:02d}", title=f"Job {i}") for i in range(20)])
    JobProfileRequirement.objects.bulk_create([
        JobProfileRequirement(job_profile=j, competency=c, target_level=rng.randint(3, 5))
        for j in jobs for c in rng.sample(comps, 8)])
    people = Person.objects.bulk_create([
        Person(employee_id=f"E{i:06d}", full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
               email=f"p{i}@example.com", department=rng.choice(deps), job_profile=rng.choice(jobs),
               hire_date=datetime.date(2015 + i % 10, 1 + i % 12, 1), mentor_capacity=4)
        for i in range(n)], batch_size=2000)
    for i, p in enumerate(people[1:], start=1):  # a manager tree: 8 reports each
        p.manager_id = people[(i - 1) // 8].pk
    Person.objects.bulk_update(people[1:], ["manager"], batch_size=2000)
    CurrentLevel.objects.bulk_create([
        CurrentLevel(person=p, competency=c, level=rng.randint(1, 5), source="manager", rated_on=today)
        for p in people for c in rng.sample(comps, 8)], batch_size=5000)

    def user(person, username, *groups):
        u = User.objects.create_user(username=username, password="pw-123456")
        for g in groups:
            u.groups.add(Group.objects.get_or_create(name=g)[0])
        Person.objects.filter(pk=person.pk).update(user=u)
        return u

    hr = user(people[0], "hr", "hr_admin")
    pm = user(people[1], "pm", "program_manager")
    head_person = people[2]
    head = user(head_person, "head")
    head_dep = deps[0]
    Department.objects.filter(pk=head_dep.pk).update(head=head_person)
    head_dep.refresh_from_db()

    def program(name, ptype, mode):
        return Program.objects.create(
            name=name, program_type=ptype, matching_mode=mode, status=ProgramStatus.OPEN,
            starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31), owner=people[1],
            default_mentor_capacity=4, agreement_required=False)

    pool = people[10:]
    rng.shuffle(pool)
    cursor = 0

    def take(k):
        nonlocal cursor
        out = pool[cursor:cursor + k]
        cursor += k
        return out

    def enrol(prog, mentees, mentors, pairs):
        Enrolment.objects.bulk_create([Enrolment(program=prog, person=p, role=EnrolmentRole.MENTEE) for p in mentees]
                                      + [Enrolment(program=prog, person=p, role=EnrolmentRole.MENTOR) for p in mentors],
                                      batch_size=5000)
        Mentorship.objects.bulk_create([
            Mentorship(program=prog, mentee=mentees[i], mentor=mentors[i % len(mentors)],
                       status=MentorshipStatus.ACTIVE, origin=MentorshipOrigin.MANUAL)
            for i in range(pairs)], batch_size=5000)

    # the company-wide program: a tenth of the company as mentees, pairs for a quarter of them
    big = program("Company mentoring", ProgramType.CLASSIC, MatchingMode.CHOOSE)
    mentees, mentors = take(n // 10), take(n // 40)
    enrol(big, mentees, mentors, len(mentees) // 4)
    for k in range(3):
        p = program(f"Program {k}", ProgramType.CLASSIC, MatchingMode.CHOOSE)
        enrol(p, take(n // 40), take(n // 100), n // 100)
    # a bulk program with a preview of its unmatched mentees
    bulk_program = program("Bulk onboarding", ProgramType.CLASSIC, MatchingMode.BULK)
    enrol(bulk_program, take(n // 20), take(n // 80), 0)
    t = time.perf_counter()
    run = bulk.bulk_preview(program=bulk_program, user=pm)
    preview_s = time.perf_counter() - t
    # the graduates' selection round: every graduate ranked by the head's department
    cohort = program("Graduates", ProgramType.COHORT, MatchingMode.MUTUAL_SELECTION)
    graduates = take(max(50, n // 20))
    Enrolment.objects.bulk_create([Enrolment(program=cohort, person=p, role=EnrolmentRole.MENTEE) for p in graduates])
    rnd = round_flow.round_create(program=cohort, name="Graduates 2026",
                                  deadline=timezone.now() + datetime.timedelta(days=7),
                                  seats={d: 5 for d in deps[:10]}, user=pm)
    return {"hr": hr, "pm": pm, "head": head, "big": big, "bulk": bulk_program, "cohort": cohort, "round": rnd,
            "people": n, "graduates": len(graduates), "pairs": len(run.pairs), "preview_s": preview_s,
            "bulk_mentees": n // 20, "bulk_mentors": n // 80}


def measure(client: Client, url: str, repeat: int) -> tuple[float, int, int]:
    r = client.get(url)  # warm-up (and the check that the page answers)
    assert r.status_code == 200, (url, r.status_code)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(url)
        times.append(time.perf_counter() - t)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    return statistics.median(times), len(ctx), len(r.content)


def machine() -> str:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    return (f"{model}, {os.cpu_count()} cores, {ram:.1f} GiB RAM, Python {platform.python_version()}, "
            f"Django {django.get_version()}, PostgreSQL {pg}")


def main() -> None:
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        t = time.perf_counter()
        w = build(args.people)
        built_s = time.perf_counter() - t
        last = -(-args.people // 25)
        pages = [
            ("HR home", "hr", "/"),
            ("Program page (company program)", "pm", f"/programs/{w['big'].pk}/"),
            ("Program manager home", "pm", "/"),
            ("Directory, first page", "hr", "/people/"),
            ("Directory, a deep page", "hr", f"/people/?page={last // 2}"),
            (f"Round page, department head ({w['graduates']} graduates)", "head",
             f"/programs/{w['cohort'].pk}/rounds/{w['round'].pk}/"),
            (f"Bulk page ({w['pairs']} pairs proposed)", "pm", f"/programs/{w['bulk'].pk}/bulk/"),
        ]
        rows = []
        for label, who, url in pages:
            client = Client()
            client.force_login(w[who])
            median, queries, size = measure(client, url, args.repeat)
            rows.append(f"| {label} | {median * 1000:,.0f} | {queries} | {size / 1024:,.0f} |")
            print(rows[-1], flush=True)
        head = (f"{args.people:,} people, {w['graduates']:,} graduates, bulk preview "
                f"{w['bulk_mentees']:,} × {w['bulk_mentors']:,} ({w['preview_s']:.1f} s); built in {built_s:.0f} s; "
                f"median of {args.repeat}; src: {Path(args.src).resolve()}")
        table = "\n".join([head, "", "| page | median ms | queries | KiB |", "|---|---:|---:|---:|", *rows])
        out = f"Machine: {machine()}\n\n{table}\n"
        print(out)
        if args.out:
            Path(args.out).write_text(out)
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
