"""Measure full-text search on a large database: the targets of the "Search every incident" issue.

    python bench/search.py [--db PATH] [-n 50000] [--runs 7] [--page 50] [--writes 200]

Without --db, a database of N incidents is made once with `make_db.py --bulk` and kept in
bench/out/. The script works on a copy. make_db.py writes incidents without review answers,
change attribution or follow-ups, so the copy is first given them (a trigger kind, who
detected it, what triggered it and the signal, three attribution verdicts with evidence,
0-3 follow-ups per incident, from a seeded generator), written with the index in place.

It prints, with the machine's state:
- how long building the index of the whole database takes (what the migration costs);
- the index's size against the rest of the database (SQLite's dbstat: pages by table);
- the first page of ranked results with snippets, per kind of query: the number of matches,
  and the median and 95th percentile wall time and the median CPU time of the process, with
  the page's exact total and without it (as the app's list asks first, counting after);
- related incidents of randomly chosen incidents;
- writing an incident (a new one as IncidentService.add stores it, and a save of an edited
  one), with and without the index, alternating between two copies of the database;
- `hindsight check`'s look at the index.
CPU time is the figure to compare on a shared machine: other work inflates wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
MAKE_DB = BENCH_DIR / "make_db.py"

QUERIES = (
    ("one model name (about 1 in 13)", "fraud-scorer"),
    ("a phrase", '"schema migration"'),
    ("a person's first name", "Lucía"),
    ("a prefix", "feed*"),
    ("two words", "tokenizer upgrade"),
    ("a word in follow-ups", "canary"),
    ("three words, few hits", "tokenizer fraud-scorer stale"),
    ("word and field", "stale severity:SEV1"),
    ("review fields", "trigger:data detected-by:users"),
    ("fields only", "severity:SEV1 phase:resolution"),
    ("open follow-ups", "followup:open"),
    ("a common word (2 in 5)", "stale"),
    ("a very common word (9 in 10)", "model"),
    ("nothing matches", "platypus"),
)

TRIGGER_KINDS = ("data_growth", "upstream_data", "code_config", "model_release",
                 "infrastructure", "world", "unknown")  # fmt: skip
SOURCES = {"monitoring": 45, "end_users": 15, "customers_partners": 15, "internal_staff": 15,
           "support": 10}  # fmt: skip
CATEGORIES = ("training_data", "data_schema", "binaries", "pipeline_capacity",
              "thresholds_config", "outside_world", "trained_model")  # fmt: skip
VERDICTS = ("implicated", "ruled_out", "unknown")
FOLLOW_UPS = (
    "Alert on the age of the serving model",
    "Canary every release on 5% of traffic for a day",
    "Add a data contract for upstream feeds",
    "Page on training runs that miss their deadline",
    "Graph recommendations per page",
    "Check label distributions before training starts",
    "Give support a query replay tool",
    "Review pipeline capacity every quarter",
)
OWNERS = ("Priya Natarajan", "Kenji Watanabe", "Amara Nwosu", "Sven Halvorsen", "Mei Lin",
          "Diego Rossi", "Zanele Mensah", "Oskar Becker")  # fmt: skip
SIGNALS = (
    "A dashboard of {metric} showed the drop a day before anyone looked at it.",
    "Customer tickets about odd results reached support before any alert fired.",
    "The weekly report flagged the {metric} change; nobody was paged.",
    "An alert on {system} volume fired and was acknowledged within minutes.",
)
CAUSES = (
    "Traffic outgrew the {system} after months of steady growth.",
    "An upstream team renamed a key, and {system} silently dropped rows.",
    "A configuration push changed thresholds in {system}.",
    "A heat wave shifted demand faster than {system} could follow.",
)


def cached_database(count: int, seed: int) -> Path:
    """A database of `count` incidents from make_db.py --bulk, made once and kept."""
    path = OUT_DIR / f"search-n{count}-seed{seed}.sqlite"
    if path.exists():
        print(f"reusing {path}")
        return path
    OUT_DIR.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="make_db-", dir=OUT_DIR))
    try:
        target = work / path.name
        env = {**os.environ, "HINDSIGHT_DATA_DIR": str(work / "data")}
        command = [sys.executable, str(MAKE_DB), "-o", str(target), "-n", str(count), "--bulk"]
        subprocess.run([*command, "--seed", str(seed)], check=True, env=env)
        os.replace(target, path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return path


# -- giving the bench incidents reviews and follow-ups ------------------------------------------


def enrich(workspace: Any, seed: int) -> tuple[int, float]:
    """Review answers, attribution and follow-ups for every incident; returns (rows, seconds)."""
    rng = random.Random(seed)
    now = datetime(2026, 4, 1, 9, tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    answers, attributions, followups = [], [], []
    with workspace.database.read() as session:
        incidents = (
            session.connection()
            .exec_driver_sql("SELECT id, systems FROM incidents ORDER BY id")
            .all()
        )
    for incident_id, systems_json in incidents:
        system = (json.loads(systems_json) or ["the pipeline"])[0]
        words = {"system": system, "metric": rng.choice(("click-through", "conversion rate"))}
        source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
        for question, value in (
            ("trigger.kind", rng.choice(TRIGGER_KINDS)),
            ("trigger.what", rng.choice(CAUSES).format(**words)),
            ("detection.source", source),
            ("detection.signal", rng.choice(SIGNALS).format(**words)),
        ):
            answers.append((incident_id, question, "1", "answered", json.dumps(value), ""))
        for category in rng.sample(CATEGORIES, 3):
            evidence = f"{rng.choice(('Seen in', 'Ruled out from', 'Unclear from'))} {system} logs."
            attributions.append((incident_id, category, rng.choice(VERDICTS), evidence))
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            title = rng.choice(FOLLOW_UPS)
            status = rng.choice(("open", "open", "in_progress", "done", "wont_do"))
            description = f"{title}, starting with {system}."
            followups.append((incident_id, title, description, rng.choice(OWNERS), status))
    started = time.perf_counter()
    with workspace.database.write() as session:
        connection = session.connection()
        connection.exec_driver_sql(
            "INSERT INTO review_answers (incident_id, question_id, bank_version, status, value, "
            "reason) VALUES (?, ?, ?, ?, ?, ?)",
            answers,
        )
        connection.exec_driver_sql(
            "INSERT INTO change_attributions (incident_id, category, verdict, evidence) "
            "VALUES (?, ?, ?, ?)",
            attributions,
        )
        for incident_id, title, description, owner, status in followups:
            cursor = connection.exec_driver_sql(
                "INSERT INTO followups (incident_id, title, description, owner, due_on, status, "
                "priority, kind, value, feasibility, tracker_url, speeds_troubleshooting, "
                "next_senior_review, created_at, updated_at, version) VALUES "
                "(?, ?, ?, ?, NULL, ?, 'medium', 'monitoring', 3, 3, '', 0, NULL, ?, ?, 1)",
                (incident_id, title, description, owner, status, now, now),
            )
            connection.exec_driver_sql(
                "INSERT INTO followup_status_changes (followup_id, status, reached_on) "
                "VALUES (?, ?, '2026-03-01')",
                (cursor.lastrowid, status),
            )
    return len(answers) + len(attributions) + 2 * len(followups), time.perf_counter() - started


# -- measuring ----------------------------------------------------------------------------------


def timed(function: Callable[[], Any], runs: int) -> tuple[list[float], list[float], Any]:
    """Wall and CPU milliseconds of `runs` calls (after one warm-up), and the last result."""
    result = function()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return walls, cpus, result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def index_sizes(path: Path) -> tuple[int, int]:
    """Bytes of the index's pages and of everything else (SQLite's dbstat)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    finally:
        connection.close()
    index = sum(size for name, size in rows if name.startswith("search_"))
    return index, sum(size for _, size in rows) - index


def machine() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs, load average {load}; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def measure_writes(with_index: Path, without_index: Path, count: int, seed: int) -> None:
    """Add `count` generated incidents and save edits, alternating between the two files."""
    from make_db import generate

    from hindsight.services.workspace import Workspace

    incidents, _ = generate(count, seed + 7)
    spaces = {"with index": Workspace.open(with_index), "without": Workspace.open(without_index)}
    figures: dict[tuple[str, str, str], list[float]] = {}

    def clock(step: str, name: str, action: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        figures.setdefault((step, name, "cpu"), []).append((time.process_time() - cpu) * 1000)
        figures.setdefault((step, name, "wall"), []).append((time.perf_counter() - wall) * 1000)
        return result

    try:
        for n, incident in enumerate(incidents):
            order = list(spaces.items()) if n % 2 else list(reversed(spaces.items()))
            for name, workspace in order:
                copy = _copy(incident)
                stored = clock(
                    "add an incident", name, lambda w=workspace, c=copy: w.incidents.add(c)
                )
                stored.title += " (edited)"
                if stored.events:
                    stored.events[0].text += " Confirmed later."
                clock("save an edit", name, lambda w=workspace, s=stored: w.incidents.save(s))
    finally:
        for workspace in spaces.values():
            workspace.close()
    for step in ("add an incident", "save an edit"):
        for kind in ("cpu", "wall"):
            base = statistics.median(figures[(step, "without", kind)])
            indexed = statistics.median(figures[(step, "with index", kind)])
            print(
                f"  {step:<16} {kind:<4} without index {base:6.2f} ms   with index "
                f"{indexed:6.2f} ms   ({(indexed / base - 1) * 100:+.0f}%, medians of {count})"
            )


def _copy(incident: Any) -> Any:
    from copy import deepcopy

    fresh = deepcopy(incident)
    fresh.id = None
    for item in (*fresh.events, *fresh.roles, *fresh.teams):
        item.id = None
    return fresh


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database made by make_db.py (copied)")
    parser.add_argument("-n", "--count", type=int, default=50_000, help="incidents (no --db)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each query")
    parser.add_argument("--page", type=int, default=50, help="results on the first page")
    parser.add_argument("--related", type=int, default=30, help="incidents to relate")
    parser.add_argument("--writes", type=int, default=200, help="incidents written per file")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    os.environ["HINDSIGHT_DATA_DIR"] = str(work / "data")
    from hindsight.services.workspace import Workspace
    from hindsight.store import search_schema

    try:
        source = args.db or cached_database(args.count, args.seed)
        path = work / "search.sqlite"
        shutil.copy(source, path)
        print(f"machine      {machine()}")
        raw = sqlite3.connect(path)
        try:
            # make_db.py --bulk writes incident numbers without moving the key counter on.
            raw.execute(
                "UPDATE sequences SET value = (SELECT max(number) FROM incidents) "
                "WHERE name = 'incident'"
            )
            raw.commit()
        finally:
            raw.close()
        workspace = Workspace.open(path)
        try:
            rows, seconds = enrich(workspace, args.seed)
            total = workspace.incidents.count()
            with workspace.database.read() as session:
                events = (
                    session.connection()
                    .exec_driver_sql("SELECT count(*) FROM timeline_events")
                    .scalar_one()
                )
            print(f"database     {total} incidents, {events} timeline events")
            print(f"enrichment   {rows} rows written with the index in {seconds:.1f} s")
            started = time.perf_counter()
            workspace.search.rebuild_index()
            print(f"index build  {time.perf_counter() - started:.1f} s for the whole database")
        finally:
            workspace.close()
        index, rest = index_sizes(path)
        print(
            f"index size   {index / 1e6:.1f} MB on {rest / 1e6:.1f} MB of data: "
            f"{index / rest * 100:.0f}% more"
        )

        workspace = Workspace.open(path)
        try:
            print(f"\nfirst page of {args.page} with snippets ({args.runs} runs after a warm-up)")
            print("  with its exact total (the command line), then without it (the list's first")
            print("  answer, which counts the matches after): `+` marks a total that is a bound")
            print(
                f"  {'query':<44} {'matches':>8} {'median':>8} {'p95':>8} {'cpu':>8}   "
                f"{'no total':>8} {'p95':>8} {'cpu':>8}"
            )
            for label, query in QUERIES:
                walls, cpus, page = timed(
                    lambda q=query: workspace.search.search(q, limit=args.page), args.runs
                )
                line = (
                    f"  {label + ': ' + query:<44} {page.total:>8} "
                    f"{statistics.median(walls):>6.1f}ms {p95(walls):>6.1f}ms "
                    f"{statistics.median(cpus):>6.1f}ms"
                )
                try:
                    walls, cpus, quick = timed(
                        lambda q=query: workspace.search.search(
                            q, limit=args.page, exact_total=False
                        ),
                        args.runs,
                    )
                except TypeError:  # a version without pages lacking their total
                    print(line)
                    continue
                bound = "+" if not quick.total_exact else " "
                print(
                    f"{line} {bound} {statistics.median(walls):>6.1f}ms {p95(walls):>6.1f}ms "
                    f"{statistics.median(cpus):>6.1f}ms"
                )
            rng = random.Random(args.seed)
            chosen = rng.sample(range(1, total + 1), min(args.related, total))
            walls, cpus = [], []
            for incident_id in chosen:
                wall, cpu, _ = timed(lambda i=incident_id: workspace.search.related(i), 1)
                walls += wall
                cpus += cpu
            print(
                f"\nrelated incidents of {len(chosen)} incidents: median "
                f"{statistics.median(walls):.1f} ms, p95 {p95(walls):.1f} ms, "
                f"cpu {statistics.median(cpus):.1f} ms"
            )
            started = time.perf_counter()
            problems = workspace.search.index_problems()
            print(
                f"check        {time.perf_counter() - started:.1f} s to compare the index with "
                f"the data ({problems or 'in step'})"
            )
        finally:
            workspace.close()

        # Writing "without the index": the same file with the triggers that keep the index in
        # step removed, so the difference is exactly the index's upkeep.
        without = work / "without.sqlite"
        shutil.copy(path, without)
        raw = sqlite3.connect(without)
        try:
            for name, kind in search_schema.expected_objects().items():
                if kind == "trigger":
                    raw.execute(f"DROP TRIGGER {name}")
            raw.commit()
        finally:
            raw.close()
        print(f"\nwriting ({args.writes} incidents from make_db's generator into each copy)")
        measure_writes(path, without, args.writes, args.seed)
        print(f"\nmachine      {machine()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH_DIR))
    sys.exit(main())
