"""How long Hindsight takes to show its main window on a large database.

    python bench/startup.py [--db PATH] [-n 10000] [--runs 5] [--warmup 1]

Each run is a fresh `python -c` child on the offscreen Qt platform, with HINDSIGHT_DATA_DIR
pointing at an empty temporary folder so no user settings are read or written. Two kinds of
child alternate, so both share the machine's noise:

- bare: import PySide6, make a QApplication, show an empty QMainWindow, process events;
- hindsight: `application()`, `app_settings()`, `Workspace.open(db)`, `MainWindow(...)`,
  `show()`, process events, then check that the incident list holds every incident.

The parent measures the wall time from spawning the child until the child prints
`ready <seconds since its first line>`; the child also reports where its time went. Without
--db, a database of N incidents is made with bench/make_db.py once and kept in bench/out/.
Children write their bytecode caches under bench/out/pycache (PYTHONPYCACHEPREFIX), so after
the warm-up runs no run pays for compiling sources, as on a user's installed copy.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
MAKE_DB = BENCH_DIR / "make_db.py"

BARE_CHILD = """
import time
t0 = time.perf_counter()
import json, sys
from PySide6.QtWidgets import QApplication, QMainWindow
t_import = time.perf_counter()
app = QApplication(sys.argv[:1])
t_app = time.perf_counter()
window = QMainWindow()
window.show()
app.processEvents()
t_shown = time.perf_counter()
print(f"ready {t_shown - t0:.6f}", flush=True)
print("breakdown " + json.dumps({
    "imports": t_import - t0,
    "QApplication": t_app - t_import,
    "show + processEvents": t_shown - t_app,
}), flush=True)
window.close()
"""

HINDSIGHT_CHILD = """
import time
t0 = time.perf_counter()
import json, sys
from pathlib import Path
import hindsight.store.database as database_module
from hindsight.services.incidents import IncidentService
from hindsight.services.workspace import Workspace
from hindsight.ui import incident_list
from hindsight.ui.app import app_settings, application
from hindsight.ui.main_window import MainWindow
t_import = time.perf_counter()

# Wrap a few calls to see where the time goes inside Workspace.open and MainWindow().
spans = {"inspect": 0.0, "summaries": 0.0, "set_summaries": 0.0}
def timed(name, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spans[name] += time.perf_counter() - start
    return wrapper
database_module.inspect_file = timed("inspect", database_module.inspect_file)
IncidentService.summaries = timed("summaries", IncidentService.summaries)
incident_list.IncidentListModel.set_summaries = timed(
    "set_summaries", incident_list.IncidentListModel.set_summaries
)

db, expected = Path(sys.argv[1]), int(sys.argv[2])
app = application()
settings = app_settings()
t_app = time.perf_counter()
workspace = Workspace.open(db)
t_open = time.perf_counter()
window = MainWindow(workspace, settings)
t_window = time.perf_counter()
window.show()
app.processEvents()
t_shown = time.perf_counter()
rows = window.list_pane.model.rowCount()
if rows != expected or not window.isVisible():
    print(f"error: {rows} rows listed, {expected} expected", flush=True)
    sys.exit(1)
print(f"ready {t_shown - t0:.6f}", flush=True)
print("breakdown " + json.dumps({
    "imports": t_import - t0,
    "QApplication + settings": t_app - t_import,
    "Workspace.open": t_open - t_app,
    "  of which inspect_file (quick_check)": spans["inspect"],
    "MainWindow(...)": t_window - t_open,
    "  of which list_summaries()": spans["summaries"],
    "  of which set_summaries() (model reset, sort, filter)": spans["set_summaries"],
    "show + processEvents": t_shown - t_window,
}), flush=True)
window.close()
"""


@dataclass
class Run:
    """One child's figures."""

    wall: float  # spawn to the "ready" line, measured by the parent
    child: float  # the child's first line to ready, measured by the child
    breakdown: dict[str, float] = field(default_factory=dict)


def _source_digest() -> str:
    """Changes whenever make_db.py or the schema's migrations change."""
    spec = importlib.util.find_spec("hindsight")
    assert spec is not None and spec.submodule_search_locations
    versions = Path(spec.submodule_search_locations[0]) / "store" / "migrations" / "versions"
    digest = hashlib.sha256(MAKE_DB.read_bytes())
    for script in sorted(versions.glob("*.py")):
        digest.update(script.name.encode() + b"\0" + script.read_bytes())
    return digest.hexdigest()[:10]


def cached_database(count: int, seed: int) -> Path:
    """A database of `count` incidents from make_db.py, made once per make_db and schema."""
    digest = _source_digest()
    path = OUT_DIR / f"incidents-n{count}-seed{seed}-{digest}.sqlite"
    if path.exists():
        print(f"reusing {path.relative_to(BENCH_DIR.parent)}")
        return path
    OUT_DIR.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="make_db-", dir=OUT_DIR))
    try:
        target = work / path.name
        env = {**os.environ, "HINDSIGHT_DATA_DIR": str(work / "data")}
        command = [sys.executable, str(MAKE_DB), "-o", str(target), "-n", str(count)]
        subprocess.run([*command, "--seed", str(seed)], check=True, env=env)
        # Only a complete file is moved into the cache, so an interrupted run leaves none.
        os.replace(target, path)
        for stale in OUT_DIR.glob(f"incidents-n{count}-seed{seed}-*.sqlite*"):
            if stale.name != path.name:
                stale.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return path


def incident_count(path: Path) -> int:
    """How many incidents `path` holds, read without touching the file."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        connection.close()


def child_env(data_dir: Path) -> dict[str, str]:
    """The environment of a child: offscreen, its own data folder, cached bytecode."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HINDSIGHT_DATA_DIR"] = str(data_dir)
    env["PYTHONPYCACHEPREFIX"] = str(OUT_DIR / "pycache")
    return env


def run_child(code: str, args: list[str], scratch: Path) -> Run:
    """Spawn one child and time it until it says it is ready."""
    data_dir = Path(tempfile.mkdtemp(dir=scratch))
    with (data_dir.parent / f"{data_dir.name}.stderr").open("w+") as errors:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=child_env(data_dir),
            cwd=data_dir,
        )
        assert child.stdout is not None
        wall = child_seconds = None
        breakdown: dict[str, float] = {}
        for line in child.stdout:
            if line.startswith("ready ") and wall is None:
                wall = time.perf_counter() - start
                child_seconds = float(line.split()[1])
            elif line.startswith("breakdown "):
                breakdown = json.loads(line.removeprefix("breakdown "))
            elif line.strip():
                print(f"  child: {line.rstrip()}")
        code_ = child.wait()
        if wall is None or child_seconds is None or code_ != 0:
            errors.seek(0)
            raise SystemExit(f"child failed (exit {code_}):\n{errors.read()[-3000:]}")
    return Run(wall, child_seconds, breakdown)


def _row(label: str, values: list[float]) -> str:
    return f"  {label:<58} {statistics.median(values):8.3f} {min(values):8.3f}"


def report(db: Path, count: int, bare: list[Run], hind: list[Run], warmup: int) -> None:
    """Print the summary table and the breakdowns."""
    print()
    print(f"database    {db} ({db.stat().st_size / 1e6:.1f} MB, {count} incidents)")
    print(f"machine     {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"python      {platform.python_version()} ({sys.executable})")
    spec = importlib.util.find_spec("hindsight")
    print(f"hindsight   {Path(spec.origin).parent if spec and spec.origin else '?'}")
    print(f"runs        {len(bare)} of each kind, alternating, after {warmup} warm-up each")
    print()
    print(f"  {'wall time from spawn to window shown (s)':<58} {'median':>8} {'min':>8}")
    print(_row("bare QMainWindow", [r.wall for r in bare]))
    print(_row(f"Hindsight MainWindow, {count} incidents listed", [r.wall for r in hind]))
    diff_median = statistics.median(r.wall for r in hind) - statistics.median(r.wall for r in bare)
    diff_min = min(r.wall for r in hind) - min(r.wall for r in bare)
    print(f"  {'difference':<58} {diff_median:8.3f} {diff_min:8.3f}")
    for name, runs in (("bare child", bare), ("Hindsight child", hind)):
        print()
        print(f"  {name + ' breakdown (s)':<58} {'median':>8} {'min':>8}")
        print(
            _row(
                "interpreter start (spawn to the child's first line)",
                [r.wall - r.child for r in runs],
            )
        )
        for key in runs[0].breakdown:
            print(_row(key, [r.breakdown[key] for r in runs]))


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to open (default: generate one)")
    parser.add_argument("-n", "--count", type=int, default=10_000, help="incidents to generate")
    parser.add_argument("--seed", type=int, default=1, help="seed for the generated database")
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each kind")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs of each kind")
    args = parser.parse_args(argv)

    db = args.db.resolve() if args.db else cached_database(args.count, args.seed)
    count = incident_count(db)
    kinds = {"bare": (BARE_CHILD, []), "hindsight": (HINDSIGHT_CHILD, [str(db), str(count)])}
    results: dict[str, list[Run]] = {"bare": [], "hindsight": []}
    with tempfile.TemporaryDirectory(prefix="hindsight-startup-") as scratch:
        for number in range(args.warmup + args.runs):
            # Swap the order every round as well, so neither kind always follows the other.
            order = ("bare", "hindsight") if number % 2 == 0 else ("hindsight", "bare")
            for kind in order:
                code, child_args = kinds[kind]
                run = run_child(code, child_args, Path(scratch))
                measured = number >= args.warmup
                if measured:
                    results[kind].append(run)
                label = f"run {number - args.warmup + 1}" if measured else "warm-up"
                print(f"{label:>8} {kind:<9} {run.wall:7.3f} s")
    report(db, count, results["bare"], results["hindsight"], args.warmup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
