"""Team mode against a local PostgreSQL server, beside the issue's targets.

    python bench/team.py [--server URL] [-n 10000] [--runs 3] [--saves 200] [--notes 20]

- start: `hindsight --db ADDRESS --startup-timing paint` until the first paint with real rows,
  in fresh offscreen children (as bench/startup.py times it), alternating with the same
  database as a SQLite file; target: the team database within 2x the file.
- save round trip: one incident edited and saved through the services, again and again
  (each save takes the team-wide write lock, writes the record and its history entry, and
  notifies the other clients); target: under 20 ms.
- seen by another client: a second workspace saves; the time until the first one's change
  feed hears it (LISTEN/NOTIFY); target: within 2 s.

--server is the address of a maintenance database on a server where the user may create
databases; without it a throwaway cluster is started with .ci/postgres and stopped after.
The database of N incidents is made with bench/make_db.py once (bench/out/, as startup.py
does) and copied into a new database on the server, dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from startup import OUT_DIR, cached_database, run_child, upgrade_once  # noqa: E402

from hindsight.services.copy import copy_database  # noqa: E402
from hindsight.services.workspace import Workspace  # noqa: E402
from hindsight.store.postgres import make_server_engine, upgrade_server  # noqa: E402
from hindsight.store.postgres_url import ServerAddress  # noqa: E402

PAINT = "first paint with real rows"


def figures(values: list[float], unit: str = "ms", scale: float = 1000.0) -> str:
    ordered = sorted(v * scale for v in values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"median {statistics.median(ordered):.1f} {unit}, p95 {p95:.1f} {unit}, "
        f"min {ordered[0]:.1f}, max {ordered[-1]:.1f} (n={len(ordered)})"
    )


def time_starts(sqlite: Path, address: ServerAddress, runs: int) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="team-bench-", dir=OUT_DIR))
    marks = {PAINT: "paint"}
    times: dict[str, list[float]] = {"file": [], "team": []}
    for n in range(runs + 1):  # the first round warms caches and is not counted
        for kind, target in (("file", str(sqlite)), ("team", address.url())):
            command = [sys.executable, "-m", "hindsight", "--db", target, "--startup-timing"]
            run = run_child([*command, "paint"], scratch, marks)
            if n:
                times[kind].append(run.moments["paint"])
    file, team = statistics.median(times["file"]), statistics.median(times["team"])
    print(f"start to a filled list, file: {figures(times['file'], 's', 1)}")
    print(f"start to a filled list, team: {figures(times['team'], 's', 1)}")
    print(f"  team / file = {team / file:.2f} (target: at most 2)")


def time_saves(target: Path | ServerAddress, saves: int, label: str) -> None:
    workspace = Workspace.open(target, author="bench")
    try:
        incident_id = workspace.incidents.summaries()[0].id
        incident = workspace.incidents.get(incident_id)
        spent = []
        for n in range(saves):
            incident.summary = f"Round trip {n}"
            started = time.perf_counter()
            incident = workspace.incidents.save(incident)
            spent.append(time.perf_counter() - started)
        print(f"save round trip, {label}: {figures(spent)} (target: under 20 ms on a team db)")
    finally:
        workspace.close()


def time_notes(address: ServerAddress, trials: int) -> None:
    ours = Workspace.open(address, author="ours")
    theirs = Workspace.open(address, author="theirs")
    heard = threading.Event()
    wanted: set[int] = set()

    def listener(changes) -> None:  # type: ignore[no-untyped-def]
        if changes.incidents & wanted or changes.everything:
            heard.set()

    try:
        ours.changes.subscribe(listener)
        ours.listen()
        assert ours._team is not None
        ours._team.listener.listening.wait(10)
        incident = theirs.incidents.get(theirs.incidents.summaries()[0].id)
        wanted.add(incident.id or 0)
        spent = []
        for n in range(trials):
            heard.clear()
            incident.summary = f"Seen {n}"
            started = time.perf_counter()
            incident = theirs.incidents.save(incident)
            if not heard.wait(10):
                print("  a change was not heard within 10 s")
                continue
            spent.append(time.perf_counter() - started)
            time.sleep(0.1)
        print(f"another client sees a save: {figures(spent)} (target: within 2 s)")
    finally:
        ours.close()
        theirs.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", help="a maintenance database's address")
    parser.add_argument("-n", type=int, default=10000, help="incidents (default 10000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--notes", type=int, default=20)
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
        sqlite = cached_database(args.n, 1)
        upgrade_once(sqlite)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        upgrade_server(address)
        began = time.perf_counter()
        report = copy_database(sqlite, address)
        print(f"copied {report.incidents} incidents in {time.perf_counter() - began:.1f} s")
        time_starts(sqlite, address, args.runs)
        time_saves(address, args.saves, "team")
        scratch = Path(tempfile.mkdtemp(prefix="team-bench-", dir=OUT_DIR)) / "copy.sqlite"
        copy_database(address, scratch)
        time_saves(scratch, args.saves, "file")
        time_notes(address, args.notes)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.engine.dispose()
        if started_dir is not None:
            subprocess.run([str(BENCH_DIR.parent / ".ci" / "postgres"), "stop", started_dir])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
