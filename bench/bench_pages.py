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
import os
import platform
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

import _machine  # noqa: E402
from _world import pages_build as build  # noqa: E402  (the world: bench/_world.py)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)


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
    return (f"{_machine.cpu_and_ram()}, Python {platform.python_version()}, Django {django.get_version()}, "
            f"PostgreSQL {_machine.postgres_version(connection)}")


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
