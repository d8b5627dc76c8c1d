"""Full-text search on a team database against the same data in a file, on a local server.

    python bench/search_team.py [--server URL] [-n 10000 | --db PATH] [--runs 7] [--saves 100]

The database of N incidents is made with bench/make_db.py once (bench/out/, as startup.py
does), brought to the current schema, and copied into a new database on the server (the
copy's inserts fill the index through its triggers; the time is printed). Then, with the
load average beside the figures:
- the index: how long rebuilding it takes (what migration 0009 costs an existing database),
  and its size against the rest of the database;
- for each query, the first page of 50 ranked hits with snippets on the team database and
  on the file: matches, median and 95th percentile wall time;
- related incidents of randomly chosen incidents, on both;
- saving an edited incident on the team database with the index's triggers and without them
  (disabled for the measurement, alternating), the cost of keeping the index in step.

--server is the address of a maintenance database where the user may create databases and
owns what it creates; without it a throwaway cluster is started with .ci/postgres.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import Engine

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from startup import OUT_DIR, cached_database, upgrade_once  # noqa: E402

from hindsight.services.copy import copy_database  # noqa: E402
from hindsight.services.workspace import Workspace  # noqa: E402
from hindsight.store import postgres_search_schema as schema  # noqa: E402
from hindsight.store.postgres import make_server_engine, upgrade_server  # noqa: E402
from hindsight.store.postgres_url import ServerAddress  # noqa: E402

QUERIES = (
    "stale",
    "canary",
    '"feature store"',
    "feed*",
    "model",
    "stale canary",
    "tokenizer upgrade",
    "stale -canary",
    "stale OR drift",
    "severity:SEV1 stale",
    "severity:SEV1 phase:resolution",
    "zzzunknownword",
)


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and 95th percentile wall time of `action` in ms (after one warm-up)."""
    action()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def compare_queries(team: Workspace, file: Workspace, runs: int) -> None:
    print(f"first page of 50 with snippets ({load()}):")
    print(f"  {'query':32} {'hits':>6} {'team median/p95':>18} {'file median/p95':>18}")
    for query in QUERIES:
        total = team.search.search(query).total
        same = file.search.search(query).total
        t_med, t_p95 = timed(lambda q=query: team.search.search(q), runs)
        f_med, f_p95 = timed(lambda q=query: file.search.search(q), runs)
        flag = "" if total == same else f"  (file: {same} hits!)"
        print(
            f"  {query:32} {total:>6} {t_med:>8.1f} /{t_p95:>6.1f} ms "
            f"{f_med:>8.1f} /{f_p95:>6.1f} ms{flag}"
        )


def compare_related(team: Workspace, file: Workspace, runs: int) -> None:
    ids = [s.id for s in team.incidents.summaries()]
    chosen = random.Random(7).sample(ids, min(runs, len(ids)))
    for label, workspace in (("team", team), ("file", file)):
        times = []
        for incident_id in chosen:
            began = time.perf_counter()
            workspace.search.related(incident_id)
            times.append((time.perf_counter() - began) * 1000)
        print(f"related incidents, {label}: median {statistics.median(times):.1f} ms ({load()})")


def index_size(engine: Engine, when: str) -> None:
    with engine.connect() as connection:
        index = connection.exec_driver_sql(
            f"SELECT pg_total_relation_size('{schema.TABLE}')"
        ).scalar_one()
        whole = connection.exec_driver_sql(
            "SELECT pg_database_size(current_database())"
        ).scalar_one()
        rows = connection.exec_driver_sql(f"SELECT count(*) FROM {schema.TABLE}").scalar_one()
    print(
        f"index {when}: {rows} fields, {index / 2**20:.1f} MiB with its SQL indexes, "
        f"{100 * index / max(1, whole - index):.0f}% of the rest of the database "
        f"({(whole - index) / 2**20:.1f} MiB)"
    )


def index_figures(address: ServerAddress) -> None:
    engine = make_server_engine(address, pool_size=1)
    try:
        index_size(engine, "after the copy")
        with engine.begin() as connection:
            began = time.perf_counter()
            schema.rebuild_index(connection)
            print(f"rebuilding the index: {time.perf_counter() - began:.1f} s ({load()})")
        # The rebuild leaves the old rows dead until a vacuum (autovacuum would get to it).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"VACUUM ANALYZE {schema.TABLE}")
        index_size(engine, "rebuilt and vacuumed")
    finally:
        engine.dispose()


def time_saves(team: Workspace, address: ServerAddress, saves: int) -> None:
    engine = make_server_engine(address, pool_size=1)
    tables = sorted({s.table for s in schema.SOURCES})

    def triggers(state: str) -> None:
        with engine.begin() as connection:
            for source in schema.SOURCES:
                connection.exec_driver_sql(
                    f"ALTER TABLE {source.table} {state} TRIGGER {schema.trigger_name(source)}"
                )

    ids = [s.id for s in team.incidents.summaries()][:saves]
    with_index: list[float] = []
    without: list[float] = []
    try:
        for number, incident_id in enumerate(ids):
            use_index = number % 2 == 0
            triggers("ENABLE" if use_index else "DISABLE")
            incident = team.incidents.get(incident_id)
            incident.summary = (incident.summary or "") + f" edited {number}"
            began = time.perf_counter()
            team.incidents.save(incident)
            (with_index if use_index else without).append((time.perf_counter() - began) * 1000)
    finally:
        triggers("ENABLE")
        engine.dispose()
    a, b = statistics.median(with_index), statistics.median(without)
    print(
        f"saving an edited incident ({len(tables)} tables indexed): {a:.1f} ms with the index, "
        f"{b:.1f} ms without (+{100 * (a - b) / b:.0f}%) ({load()})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", help="a maintenance database's address")
    parser.add_argument("-n", type=int, default=10000, help="incidents (default 10000)")
    parser.add_argument("--db", type=Path, help="a database made by make_db.py, instead of -n")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--saves", type=int, default=100)
    args = parser.parse_args(argv)
    print(f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    OUT_DIR.mkdir(exist_ok=True)
    started_dir = None
    server = args.server
    if not server:
        started_dir = tempfile.mkdtemp(prefix="hindsight-bench-pg-")
        ci = BENCH_DIR.parent / ".ci" / "postgres"
        server = subprocess.run(
            [str(ci), "start", started_dir, "5432"], check=True, capture_output=True, text=True
        ).stdout.strip()
    admin_address = ServerAddress.parse(server)
    admin = make_server_engine(admin_address, pool_size=1).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    name = f"hindsight_bench_{uuid.uuid4().hex[:8]}"
    address = replace(admin_address, database=name)
    try:
        sqlite = args.db if args.db is not None else cached_database(args.n, 1)
        upgrade_once(sqlite)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        upgrade_server(address)
        began = time.perf_counter()
        report = copy_database(sqlite, address)
        print(
            f"copied {report.incidents} incidents, indexed as they went in, "
            f"in {time.perf_counter() - began:.1f} s ({load()})"
        )
        index_figures(address)
        team = Workspace.open(address)
        file = Workspace.open(sqlite)
        try:
            compare_queries(team, file, args.runs)
            compare_related(team, file, args.runs)
            time_saves(team, address, args.saves)
        finally:
            team.close()
            file.close()
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.engine.dispose()
        if started_dir is not None:
            subprocess.run([str(BENCH_DIR.parent / ".ci" / "postgres"), "stop", started_dir])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
