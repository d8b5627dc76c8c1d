"""How long Hindsight takes to show real rows, and to be usable, against a bare Qt window.

    python bench/startup.py [--db PATH] [-n 10000] [--runs 5] [--warmup 1] [--until loaded]
                            [--floor]

Each run is a fresh child process on the offscreen Qt platform, with HINDSIGHT_DATA_DIR
pointing at an empty temporary folder so no user settings are read or written. Two kinds of
child alternate, so all share the machine's noise:

- bare: import PySide6, make a QApplication, show an empty QMainWindow, process events;
- hindsight: `python -m hindsight --db DB --startup-timing interactive`, which prints each
  start-up phase as it happens and leaves once the editor is usable and has shown the first
  incident of the list (read by the plain-SQL record reader, store/record_reader.py);
- with --floor, a third: the least PySide6 program that paints the database's first rows (60
  rows read with sqlite3 into a QTableView, nothing else), for scale: what any window with a
  table of real rows pays over the bare one on this machine and Python.

The parent times, from spawning the child, the moment the bare window is shown, and the
moments Hindsight prints "first paint with real rows", "editor usable" and "first incident
shown" (with `--until loaded`, also "services loaded": what start-up held back, the ORM, has
loaded after the first incident; the app prints the longest stall of its GUI thread meanwhile);
the peak memory of each child comes from the operating system (wait4's maximum
resident set size). Children leave with os._exit right after, so neither pays for tearing
down. Without --db, a database of N incidents is made with bench/make_db.py once and kept
in bench/out/; a database whose schema is behind is upgraded once before the first run, so
no run pays for a migration. Children write their bytecode caches under bench/out/pycache
(PYTHONPYCACHEPREFIX), so after the warm-up runs no run pays for compiling sources, as on a
user's installed copy.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
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
import os, sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.show()
app.processEvents()
print("shown", flush=True)
os._exit(0)
"""

# With --floor: the least any PySide6 program pays to paint real rows, for scale. It reads the
# list's first rows with sqlite3 into a QTableView and leaves after their first paint; a table
# model needs Qt's namespace (its item roles), whose enums PySide6 makes on first use.
FLOOR_CHILD = """
import os, sqlite3, sys
from PySide6.QtCore import QAbstractTableModel, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv[:1])
link = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = link.execute(
    'SELECT "key", title, phase, severity, review_status FROM incidents'
    " ORDER BY number DESC LIMIT 60"
).fetchall()
class Rows(QAbstractTableModel):
    def rowCount(self, parent=None):
        return len(rows)
    def columnCount(self, parent=None):
        return 5
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return rows[index.row()][index.column()] if role == Qt.ItemDataRole.DisplayRole else None
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, lambda: (print("painted", flush=True), os._exit(0)))
        return False
window = QMainWindow()
table = QTableView()
table.setModel(Rows())
window.setCentralWidget(table)
painted = Painted()
table.viewport().installEventFilter(painted)
window.show()
app.exec()
"""

MARKS = {
    "first paint with real rows": "paint",
    "editor usable": "interactive",
    "first incident shown": "incident",
}
LOADED_MARK = {"services loaded": "loaded"}


@dataclass
class Run:
    """One child's figures: seconds from spawn to each moment, and peak memory in MiB."""

    moments: dict[str, float] = field(default_factory=dict)
    peak_mib: float = 0.0
    phases: list[str] = field(default_factory=list)


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


def run_child(command: list[str], scratch: Path, marks: dict[str, str]) -> Run:
    """Spawn one child; note when each line of `marks` appears, and its peak memory."""
    data_dir = Path(tempfile.mkdtemp(dir=scratch))
    run = Run()
    with (data_dir.parent / f"{data_dir.name}.stderr").open("w+") as errors:
        start = time.perf_counter()
        child = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=child_env(data_dir),
            cwd=data_dir,
        )
        assert child.stdout is not None
        for line in child.stdout:
            now = time.perf_counter() - start
            for text, name in marks.items():
                if text in line and name not in run.moments:
                    run.moments[name] = now
            run.phases.append(line.rstrip())
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0 or len(run.moments) != len(marks):
            errors.seek(0)
            raise SystemExit(f"child failed (exit {child.returncode}):\n{errors.read()[-3000:]}")
    run.peak_mib = usage.ru_maxrss / 1024  # kilobytes on Linux
    return run


def _figures(values: list[float]) -> str:
    return f"{statistics.median(values):8.3f} {min(values):8.3f} {max(values):8.3f}"


def report(
    db: Path,
    count: int,
    results: dict[str, list[Run]],
    warmup: int,
    until: str,
) -> None:
    """Print wall times and memory, each as a ratio to the bare window of the same runs."""
    bare, hind, floor = results["bare"], results["hindsight"], results.get("floor", [])
    print()
    print(f"database    {db} ({db.stat().st_size / 1e6:.1f} MB, {count} incidents)")
    print(
        f"machine     {os.cpu_count()} CPUs, {platform.platform()}, load {os.getloadavg()[0]:.1f}"
    )
    print(f"python      {platform.python_version()} ({sys.executable})")
    spec = importlib.util.find_spec("hindsight")
    print(f"hindsight   {Path(spec.origin).parent if spec and spec.origin else '?'}")
    print(f"runs        {len(bare)} of each kind, alternating, after {warmup} warm-up each")
    print()
    bare_shown = statistics.median(r.moments["shown"] for r in bare)
    bare_peak = statistics.median(r.peak_mib for r in bare)
    print(f"  {'seconds from spawn':<44} {'median':>8} {'min':>8} {'max':>8}   x bare")
    print(f"  {'bare QMainWindow shown':<44} {_figures([r.moments['shown'] for r in bare])}")
    if floor:
        values = [r.moments["painted"] for r in floor]
        ratio = statistics.median(values) / bare_shown
        print(f"  {'floor: 60 rows in a QTableView painted':<44} {_figures(values)}   {ratio:5.2f}")
    for name, label in (
        ("paint", "Hindsight: first paint with real rows"),
        ("interactive", "Hindsight: editor usable"),
        ("incident", "Hindsight: first incident shown"),
        ("loaded", "Hindsight: services loaded (ORM)"),
    ):
        if name not in hind[0].moments:
            continue
        values = [r.moments[name] for r in hind]
        ratio = statistics.median(values) / bare_shown
        print(f"  {label:<44} {_figures(values)}   {ratio:5.2f}")
    print()
    print(f"  {'peak memory (MiB)':<44} {'median':>8} {'min':>8} {'max':>8}   x bare")
    print(f"  {'bare QMainWindow':<44} {_figures([r.peak_mib for r in bare])}")
    if floor:
        peaks = [r.peak_mib for r in floor]
        print(
            f"  {'floor: 60 rows in a QTableView':<44} {_figures(peaks)}   "
            f"{statistics.median(peaks) / bare_peak:5.2f}"
        )
    peaks = [r.peak_mib for r in hind]
    print(
        f"  {'Hindsight, until ' + until:<44} {_figures(peaks)}   "
        f"{statistics.median(peaks) / bare_peak:5.2f}"
    )
    print()
    print("  phases of the last Hindsight run (ms since the package was imported):")
    for line in hind[-1].phases:
        print(f"    {line}")


def upgrade_once(db: Path) -> None:
    """Bring `db` to the current schema before timing, so no run pays for a migration."""
    with tempfile.TemporaryDirectory(prefix="hindsight-upgrade-") as scratch:
        env = child_env(Path(scratch))
        subprocess.run(
            [sys.executable, "-m", "hindsight", "check", "--db", str(db)],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to open (default: generate one)")
    parser.add_argument("-n", "--count", type=int, default=10_000, help="incidents to generate")
    parser.add_argument("--seed", type=int, default=1, help="seed for the generated database")
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each kind")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs of each kind")
    parser.add_argument(
        "--until",
        choices=("interactive", "loaded"),
        default="interactive",
        help="end each run at the first incident shown, or once the held-back services loaded",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time the least PySide6 program that paints the database's first rows",
    )
    args = parser.parse_args(argv)

    db = args.db.resolve() if args.db else cached_database(args.count, args.seed)
    upgrade_once(db)
    count = incident_count(db)
    hindsight = [
        sys.executable,
        "-m",
        "hindsight",
        "--db",
        str(db),
        "--startup-timing",
        args.until,
    ]
    marks = {**MARKS, **LOADED_MARK} if args.until == "loaded" else MARKS
    kinds = {
        "bare": ([sys.executable, "-c", BARE_CHILD], {"shown": "shown"}),
        "hindsight": (hindsight, marks),
    }
    if args.floor:
        kinds["floor"] = ([sys.executable, "-c", FLOOR_CHILD, str(db)], {"painted": "painted"})
    results: dict[str, list[Run]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory(prefix="hindsight-startup-") as scratch:
        for number in range(args.warmup + args.runs):
            # Swap the order every round as well, so neither kind always follows the other.
            order = list(kinds) if number % 2 == 0 else list(reversed(kinds))
            for kind in order:
                command, marks = kinds[kind]
                run = run_child(command, Path(scratch), marks)
                measured = number >= args.warmup
                if measured:
                    results[kind].append(run)
                label = f"run {number - args.warmup + 1}" if measured else "warm-up"
                moments = "  ".join(f"{k} {v:6.3f} s" for k, v in run.moments.items())
                print(f"{label:>8} {kind:<9} {moments}  peak {run.peak_mib:5.0f} MiB")
    until = "the services loaded" if args.until == "loaded" else "the first incident shown"
    report(db, count, results, args.warmup, until)
    return 0


if __name__ == "__main__":
    sys.exit(main())
