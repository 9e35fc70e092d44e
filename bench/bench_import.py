"""Benchmark: import 100,000 people from CSV into a fresh SQLite database, then import the same
file again (must create 0 and update every row by employee ID), then a file where every row
changed. Not a test; run it by hand:

    .venv/bin/python bench/bench_import.py [--people 100000] [--xlsx]

Prints a markdown table and writes it to bench/results/import.md. The target: the people import
(validation + write) in at most 60 s on SQLite.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TMP = tempfile.mkdtemp(prefix="tandem-bench-")
os.environ["TANDEM_VAR_DIR"] = TMP
os.environ.pop("DATABASE_URL", None)
os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.config.settings.base"
os.environ["DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

from tandem.people import import_services, importing  # noqa: E402
from tandem.people.models import (  # noqa: E402
    Competency, CompetencyGroup, ImportJob, ImportStatus, Language, Location, Person,
)

TIME_ZONES = ["Europe/Berlin", "Europe/Moscow", "Asia/Shanghai", "America/New_York", "UTC"]
STYLES = ["direct", "analytical", "supportive", "expressive", ""]
LANGS = [("en", "English"), ("de", "German"), ("ru", "Russian"), ("zh-hans", "Chinese"), ("fr", "French")]
LOCATIONS = [("Berlin", "Europe/Berlin"), ("Moscow", "Europe/Moscow"), ("Shanghai", "Asia/Shanghai"),
             ("New York", "America/New_York")]


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def departments_file(n: int) -> bytes:
    rows = [["HQ", "Head office", ""]]
    rows += [[f"D{i:03d}", f"Department {i}", "HQ" if i < 10 else f"D{(i - 10) // 10:03d}"] for i in range(n)]
    random.shuffle(rows)  # parents often come after their children
    return to_csv(["code", "name", "parent_code"], rows)


def job_profiles_file(n: int) -> bytes:
    rows = []
    for i in range(n):
        rows.append([f"JP{i:02d}", f"Job profile {i}", "", "C0", "3"])
        rows.append([f"JP{i:02d}", "", "", "C1", "4"])
    return to_csv(["code", "title", "description", "competency_code", "target_level"], rows)


def people_rows(n: int, departments: int, profiles: int, suffix: str = "") -> list[list]:
    rng = random.Random(42)
    rows = []
    for i in range(n):
        rows.append([
            f"E{i:06d}",
            f"Person {i}{suffix}",
            f"person{i}@example.com",
            f"D{rng.randrange(departments):03d}",
            f"E{(i - 1) // 8:06d}" if i else "",  # an 8-ary management tree, ~6 levels deep
            f"JP{rng.randrange(profiles):02d}",
            rng.choice(LOCATIONS)[0],
            f"20{rng.randrange(10, 25)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 10)}",
            ";".join(c for c, _ in rng.sample(LANGS, rng.randrange(1, 3))),
            rng.choice(TIME_ZONES),
            rng.choice(STYLES),
            str(rng.randrange(0, 9)),
            str(rng.randrange(0, 4)),
            f"Bio of person {i}{suffix}",
        ])
    rng.shuffle(rows)  # managers often come after their reports
    return rows


def run_job(kind: str, name: str, data: bytes) -> tuple[ImportJob, float, dict[str, float]]:
    job = ImportJob(kind=kind, file_name=name)
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    phases: dict[str, float] = {}
    originals = {}
    for method in ("validate", "write"):
        original = getattr(importing.Importer, method)
        originals[method] = original

    # time the phases of whichever importer runs
    cls = importing.IMPORTERS[kind]
    orig_validate, orig_write = cls.validate, cls.write

    def timed_validate(self, progress=None):
        t = time.perf_counter()
        try:
            return orig_validate(self, progress)
        finally:
            phases["validate"] = time.perf_counter() - t

    def timed_write(self):
        t = time.perf_counter()
        try:
            return orig_write(self)
        finally:
            phases["write"] = time.perf_counter() - t

    cls.validate, cls.write = timed_validate, timed_write
    try:
        started = time.perf_counter()
        import_services.import_job_run(job_id=job.pk)
        elapsed = time.perf_counter() - started
    finally:
        cls.validate, cls.write = orig_validate, orig_write
    job.refresh_from_db()
    if job.status != ImportStatus.DONE:
        raise SystemExit(f"{kind} import failed: {job.errors[:5]}")
    phases["read + other"] = elapsed - phases.get("validate", 0) - phases.get("write", 0)
    return job, elapsed, phases


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    import sqlite3

    return (f"{cpu}, {os.cpu_count()} cores, {ram}; Python {platform.python_version()}, "
            f"Django {django.get_version()}, SQLite {sqlite3.sqlite_version}; {platform.system()} {platform.release()}")


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=200)
    parser.add_argument("--profiles", type=int, default=50)
    parser.add_argument("--xlsx", action="store_true", help="also time reading the same rows from XLSX")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "import.md"))
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    Language.objects.bulk_create([Language(code=c, name=n) for c, n in LANGS])
    Location.objects.bulk_create([Location(name=n, time_zone=tz) for n, tz in LOCATIONS])
    group = CompetencyGroup.objects.create(code="G", name="Group")
    Competency.objects.bulk_create([Competency(code=f"C{i}", name=f"Competency {i}", group=group) for i in range(2)])

    results: list[tuple[str, int, float, str]] = []
    job, t, _ = run_job("departments", "departments.csv", departments_file(args.departments))
    results.append(("departments (setup)", job.total_rows, t, f"created {job.created_count}"))
    job, t, _ = run_job("job_profiles", "job_profiles.csv", job_profiles_file(args.profiles))
    results.append(("job profiles (setup)", job.total_rows, t, f"created {job.created_count}"))

    header = importing.template_header("people")
    data = to_csv(header, people_rows(args.people, args.departments, args.profiles))
    size_mb = len(data) / 2**20

    job, t, phases = run_job("people", "people.csv", data)
    assert job.created_count == args.people and Person.objects.count() == args.people
    results.append((f"**people, first import** ({size_mb:.1f} MB CSV)", job.total_rows, t,
                    f"created {job.created_count}, updated {job.updated_count}; " + _fmt(phases)))

    job, t, phases = run_job("people", "people.csv", data)
    assert job.created_count == 0 and job.updated_count == args.people and Person.objects.count() == args.people
    results.append(("people, same file again", job.total_rows, t,
                    f"created {job.created_count}, updated {job.updated_count}; " + _fmt(phases)))

    changed = to_csv(header, people_rows(args.people, args.departments, args.profiles, suffix=" (v2)"))
    job, t, phases = run_job("people", "people.csv", changed)
    assert job.created_count == 0 and Person.objects.count() == args.people
    assert Person.objects.filter(full_name__endswith="(v2)").count() == args.people
    results.append(("people, every row changed (name, bio)", job.total_rows, t,
                    f"created {job.created_count}, updated {job.updated_count}; " + _fmt(phases)))

    if args.xlsx:
        rows = people_rows(args.people, args.departments, args.profiles)
        blob = xlsx_bytes(header, rows)
        calamine = importing.CalamineWorkbook
        readers = [("python-calamine", calamine)] if calamine is not None else []
        for reader, module in [*readers, ("openpyxl read-only", None)]:
            importing.CalamineWorkbook = module
            started = time.perf_counter()
            table = importing.read_table(blob, "people.xlsx")
            results.append((f"read the same rows from XLSX ({len(blob) / 2**20:.1f} MB, {reader})",
                            len(table.rows), time.perf_counter() - started, "reading only"))
        importing.CalamineWorkbook = calamine
        # the whole import from XLSX (same people, already saved: created 0)
        job, t, phases = run_job("people", "people.xlsx", blob)
        assert job.created_count == 0 and Person.objects.count() == args.people
        results.append((f"people from XLSX, re-import ({'python-calamine' if calamine else 'openpyxl'})",
                        job.total_rows, t, f"created {job.created_count}, updated {job.updated_count}; "
                        + _fmt(phases)))

    lines = [
        "# Import benchmark",
        "",
        f"Machine: {machine()}.",
        "",
        f"Fresh SQLite database (WAL), `bench/bench_import.py --people {args.people}`; "
        "times are `import_job_run` end to end (read, validate, write in one transaction).",
        "",
        "| what | rows | seconds | notes |",
        "|---|---:|---:|---|",
        *[f"| {what} | {rows:,} | {secs:.1f} | {notes} |" for what, rows, secs, notes in results],
        "",
        "Target: people import (validation + write) ≤ 60 s.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)


def _fmt(phases: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())


if __name__ == "__main__":
    main()
