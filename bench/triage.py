"""Follow-ups at scale: the Triage view, card moves and the attention count on 20,000 items.

    python bench/triage.py [--db PATH] [-n 20000] [--incidents 4000] [--runs 5] [--moves 40]
                           [--keep PATH] [--profile]

Without --db, a database of `--incidents` synthetic incidents is written with bench/make_db.py
(one transaction); with --db, a copy of that file is used (the original is never changed).
Then `-n` follow-up items are added through FollowUpService.create_many, spread over a fifth
of the incidents, with realistic titles, owners, statuses and dates from a seeded random
generator; a third of those incidents get a published review, so every attention rule has
work to do. `--keep PATH` keeps the prepared database for later runs (pass it as --db).

In one offscreen process it then measures, printing each figure beside its target (issue 9):

- open: from constructing the Triage view to its grid and ranked list filled and painted
  (default filter, open work; then every status), median of `--runs` fresh windows after a
  warm-up; target under 300 ms;
- move: `--moves` card moves, each from the drop to the repaint that shows the card in its new
  cell and the list in its new order (the save runs after, on the database lane); target
  16 ms. Also the GUI thread's CPU time for the same (on a busy machine the wall time also
  holds the wait for a CPU), and the time until each save is stored and announced;
- stalls: the longest gap of a 5 ms QTimer heartbeat on the GUI thread while cards are moved
  and saved, and while the main window saves an incident (Ctrl+S) and the views and the
  status bar's count catch up; target under 50 ms;
- count: the status bar's attention count (one SQL query), and the same count made the old
  way (every item read, every rule in Python), for comparison.

The figures are printed; nothing is asserted. `--profile` also profiles the GUI thread through
the card moves (drop to repaint only) and prints the functions that cost most.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from heartbeat import Heartbeat, until  # bench/ is the script's folder, so on sys.path

BENCH_DIR = Path(__file__).resolve().parent
TODAY = date(2026, 11, 26)
TARGET_OPEN_MS, TARGET_MOVE_MS, TARGET_STALL_MS = 300.0, 16.0, 50.0

TITLES = (
    "Alert on the age of the serving {model} model",
    "Alert when golden-set results for {model} stop changing or swing too far",
    "Alert on training progress against the {hour}:00 deadline",
    "Alert when merged lines from the {system} drop to zero",
    "Graph recommendations per page, expected against observed",
    "Give support a query replay tool for {model}",
    "Keep revenue by category, geography and traffic source at hand",
    "Capacity review of the {system}",
    "Validate label balance before publishing {model}",
    "Data contract for the keys the {system} joins on",
    "Runbook for rolling back {model}",
    "Canary {model} on 5% of traffic before full rollout",
    "Page the owning team on errors in the {system}",
    "Backfill gaps left by filtering in {model}",
    "Retire the temporary mapping table in the {system}",
    "Shadow-evaluate {model} against last week's model nightly",
    "Track per-slice quality of {model} for small regions",
    "Route support tickets about {model} to its on-call",
)
MODELS = ("search-ranker", "fraud-scorer", "recs-two-tower", "ads-ctr", "eta-regressor",
          "churn-predictor", "query-embedder", "price-optimizer", "spam-filter")  # fmt: skip
SYSTEMS = ("log feeders", "feature store", "conversion merge job", "event stream",
           "nightly training pipeline", "model registry", "vector index")  # fmt: skip
OWNERS = tuple(
    f"{first} {last}"
    for first, last in zip(
        ("Amara", "Sven", "Fatima", "Rohan", "Wei", "Nadia", "Samuel", "Claire", "Gabriela",
         "Tariq", "Yusuf", "Hannah", "Mei-Ling", "Elena", "Kenji", "Lucía", "Olumide", "Ines",
         "Priya", "Jonas", "Aiko", "Mateo", "Zara", "Liam"),
        ("Nwosu", "Halvorsen", "Benali", "Mehta", "Chen", "Petrova", "Osei", "Dubois", "Souza",
         "Haddad", "Demir", "Kowalczyk", "Huang", "Marchetti", "Watanabe", "Fernández",
         "Bankole", "Duarte", "Raman", "Berg", "Sato", "Ruiz", "Khan", "Byrne"),
        strict=True,
    )
)  # fmt: skip


def _load_make_db():
    spec = importlib.util.spec_from_file_location("make_db", BENCH_DIR / "make_db.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_db"] = module
    spec.loader.exec_module(module)
    return module


def make_database(target: Path, source: Path | None, incidents: int, seed: int) -> None:
    """A database of incidents at `target`: a copy of `source`, or a fresh one."""
    if source is not None:
        shutil.copy(source, target)
        return
    make_db = _load_make_db()
    generated, times = make_db.generate(incidents, seed)
    make_db.write_bulk(target, generated, times)


def add_followups(workspace, count: int, seed: int) -> tuple[int, int, int]:
    """`count` items over some incidents; returns (items, incidents used, reviews published)."""
    from hindsight.core.followups import (
        FollowUp,
        FollowUpKind,
        FollowUpStatus,
        Priority,
        StatusStep,
    )
    from hindsight.store.models import IncidentRow, ReviewTransitionRow

    rng = random.Random(seed)
    incidents = workspace.incidents.summaries()
    chosen = rng.sample(incidents, min(len(incidents), max(count // 5, 1)))
    items = []
    for n in range(count):
        incident = chosen[n % len(chosen)]
        opened = TODAY - timedelta(days=rng.randint(3, 700))
        steps = [StatusStep(FollowUpStatus.OPEN, opened)]
        roll = rng.random()
        day = opened
        if roll < 0.55:  # more than half end up closed, as in real reviews
            day += timedelta(days=rng.randint(1, max((TODAY - opened).days - 1, 1)))
            if rng.random() < 0.5:
                steps.append(StatusStep(FollowUpStatus.IN_PROGRESS, day))
                day += timedelta(days=rng.randint(0, max((TODAY - day).days, 0)))
            final = FollowUpStatus.DONE if rng.random() < 0.85 else FollowUpStatus.WONT_DO
            steps.append(StatusStep(final, min(day, TODAY)))
        elif roll < 0.75:
            day += timedelta(days=rng.randint(0, max((TODAY - opened).days, 0)))
            steps.append(StatusStep(rng.choice((FollowUpStatus.IN_PROGRESS,
                                                FollowUpStatus.BLOCKED)), day))  # fmt: skip
        value, feasibility = rng.randint(1, 5), rng.randint(1, 5)
        words = {
            "model": rng.choice(MODELS),
            "system": rng.choice(SYSTEMS),
            "hour": rng.choice(("04", "06", "08")),
        }
        items.append(
            FollowUp(
                title=rng.choice(TITLES).format(**words),
                incident_id=incident.id,
                description="Why it matters, and what done looks like.",
                owner=rng.choice(OWNERS) if rng.random() < 0.92 else "",
                due=opened + timedelta(days=rng.randint(14, 180)) if rng.random() < 0.7 else None,
                history=steps,
                priority=rng.choice(list(Priority)),
                kind=rng.choice(list(FollowUpKind)),
                value=value,
                feasibility=feasibility,
                speeds_troubleshooting=rng.random() < 0.3,
                next_senior_review=(
                    TODAY + timedelta(days=rng.randint(-60, 120))
                    if feasibility <= 2 and value >= 4
                    else None
                ),
            )
        )
    workspace.followups.create_many(items)
    published = rng.sample(chosen, len(chosen) // 3)
    with workspace.database.write() as session:
        for incident in published:
            at = datetime.combine(
                TODAY - timedelta(days=rng.randint(5, 300)), datetime.min.time(), UTC
            )
            session.add(
                ReviewTransitionRow(
                    incident_id=incident.id,
                    at=at,
                    from_status="in_review",
                    to_status="published",
                    reason="",
                )
            )
            session.get(IncidentRow, incident.id).review_status = "published"
    return len(items), len(chosen), len(published)


def _ms(seconds: float) -> float:
    return seconds * 1000


def _summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {_ms(statistics.median(ordered)):7.1f} ms   p95 {_ms(p95):7.1f} ms   "
        f"max {_ms(ordered[-1]):7.1f} ms   (n={len(ordered)})"
    )


def _verdict(value_ms: float, target_ms: float) -> str:
    return f"[target {target_ms:.0f} ms: {'met' if value_ms <= target_ms else 'MISSED'}]"


def measure(path: Path, runs: int, moves: int, seed: int, profile: bool = False) -> None:
    """Open the Triage view repeatedly, move cards, save an incident; print the figures."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QEvent

    from hindsight.services.followups import FollowUpService
    from hindsight.services.workspace import Workspace
    from hindsight.ui.app import app_settings, application, freeze_startup_heap
    from hindsight.ui.followups.triage import TriageWindow
    from hindsight.ui.idle_collector import IdleCollector
    from hindsight.ui.main_window import MainWindow
    from hindsight.ui.operations import Operations

    FollowUpService.today = lambda self: TODAY  # type: ignore[method-assign]
    app = application()
    load_before = os.getloadavg()
    workspace = Workspace.open(path)
    workspace.prepare()
    freeze_startup_heap()  # as the app does once its first incident is shown
    ops = Operations(workspace)
    IdleCollector(ops, ops)  # as the app does for its window's operations
    rng = random.Random(seed)
    try:
        total = workspace.followups.repository.count()

        def settled(window: TriageWindow) -> bool:
            return not ops.busy and window.board.loaded

        def open_once(any_status: bool) -> tuple[float, TriageWindow]:
            started = time.perf_counter()
            window = TriageWindow(ops)
            if any_status:
                window.status.setCurrentIndex(window.status.findText("Any status"))
            window.resize(1366, 740)
            window.show()
            until(app, lambda: settled(window))
            return time.perf_counter() - started, window

        figures: dict[str, list[float]] = {"open": [], "open_all": []}
        shown: dict[str, int] = {}
        for key, any_status in (("open", False), ("open_all", True)):
            for run in range(runs + 1):  # the first run warms caches and is not counted
                elapsed, window = open_once(any_status)
                shown[key] = len(window.board.index)
                if run:
                    figures[key].append(elapsed)
                window.close()
                window.deleteLater()
                app.sendPostedEvents(None, QEvent.Type.DeferredDelete)

        # Card moves: each timed from the drop to the repaint; the saves run after.
        window = TriageWindow(ops)
        window.status.setCurrentIndex(window.status.findText("Any status"))
        window.resize(1366, 740)
        window.show()
        until(app, lambda: settled(window))
        board = window.board
        move_times, move_cpu, saved_times = [], [], []
        beat = Heartbeat()
        beat.start()
        profiler = cProfile.Profile() if profile else None
        for _ in range(moves):
            candidates = [i for i in board.scene.cards if board.item(i) is not None]
            item = board.item(rng.choice(candidates))
            assert item is not None and item.id is not None
            board.select(item.id)  # pressing the card selects it, before it is dragged
            until(app, lambda: not ops.busy)
            cells = [(v, f) for v in range(1, 6) for f in range(1, 6) if (v, f) != item.cell]
            cell = rng.choice(cells)
            if profiler is not None:
                profiler.enable()
            started, cpu = time.perf_counter(), time.thread_time()
            assert board.request_move(item.id, *cell)  # what a drop asks
            app.processEvents()  # the repaint that shows the card in its new cell and row
            move_times.append(time.perf_counter() - started)
            move_cpu.append(time.thread_time() - cpu)
            if profiler is not None:
                profiler.disable()
            until(app, lambda: not ops.busy)
            saved_times.append(time.perf_counter() - started)
        move_stall = beat.stop()
        if profiler is not None:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        window.close()
        window.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)

        # An incident save in the main window, with the attention count and a Triage open.
        main = MainWindow(workspace, app_settings())
        main.resize(1366, 740)
        main.show()
        until(app, lambda: not main.ops.busy)
        triage = main.followups_ui.open_triage()
        until(app, lambda: not main.ops.busy and triage.board.loaded)
        first = workspace.followups.details([1])
        main.list_pane.select_id(first[0].incident_id if first else 1)
        main.editor.tabs.setCurrentWidget(main.editor.followups)
        until(app, lambda: not main.ops.busy)
        save_times, save_stalls = [], []
        for n in range(5):
            main.editor.edit("Rename", lambda i, n=n: setattr(i, "title", f"Renamed {n}"))
            beat.start()
            started = time.perf_counter()
            main.save_now()
            saved_at = time.perf_counter() - started
            until(app, lambda: not main.ops.busy)
            save_stalls.append(beat.stop())
            save_times.append(saved_at)
        triage.close()
        main.ops.wait_for_lane()
        main.hide()

        started = time.perf_counter()
        count = workspace.followups.attention_count()
        counting = time.perf_counter() - started
        started = time.perf_counter()
        old_count = workspace.followups.overview().report.count
        old_counting = time.perf_counter() - started
    finally:
        ops.wait_for_lane()
        workspace.close()
    load_after = os.getloadavg()

    open_median = _ms(statistics.median(figures["open"]))
    open_all_median = _ms(statistics.median(figures["open_all"]))
    move_median = _ms(statistics.median(move_times))
    print(f"machine      {platform.platform()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, PySide6 {pyside_version}")  # fmt: skip
    print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 minute)")
    print(f"database     {path.name} ({path.stat().st_size / 1e6:.1f} MB), {total:,} follow-ups")
    print(f"open triage  {_summary(figures['open'])}   [open work: {shown['open']:,} items] "
          f"{_verdict(open_median, TARGET_OPEN_MS)}")  # fmt: skip
    print(f"open triage  {_summary(figures['open_all'])}   [any status: {shown['open_all']:,}"
          f" items] {_verdict(open_all_median, TARGET_OPEN_MS)}")  # fmt: skip
    print(f"move         {_summary(move_times)}   [drop to repaint] "
          f"{_verdict(move_median, TARGET_MOVE_MS)}")  # fmt: skip
    print(f"move (CPU)   {_summary(move_cpu)}   [the GUI thread's own time: what a busy "
          "machine adds to the wall time is waiting for a CPU]")  # fmt: skip
    print(f"move saved   {_summary(saved_times)}   [drop to stored and announced]")
    print(
        f"stall        {_ms(move_stall):7.1f} ms longest gap of a 5 ms heartbeat over "
        f"{moves} moves and their saves {_verdict(_ms(move_stall), TARGET_STALL_MS)}"
    )
    print(f"stall        {_ms(max(save_stalls)):7.1f} ms longest gap over {len(save_stalls)} "
          f"incident saves (Ctrl+S) and the follow-up views catching up "
          f"{_verdict(_ms(max(save_stalls)), TARGET_STALL_MS)}")  # fmt: skip
    print(f"save         {_summary(save_times)}   [Ctrl+S itself, on the GUI thread]")
    print(
        f"attention    {count:,} items need attention: {_ms(counting):.1f} ms (one SQL "
        f"query); {_ms(old_counting):.0f} ms reading every item ({old_count:,})"
    )


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to copy (left unchanged); with "
                        "follow-ups already in it if it was made with --keep")  # fmt: skip
    parser.add_argument("-n", "--count", type=int, default=20000, help="follow-up items")
    parser.add_argument("--incidents", type=int, default=4000, help="incidents to generate")
    parser.add_argument("--runs", type=int, default=5, help="timed openings of the view")
    parser.add_argument("--moves", type=int, default=40, help="card moves")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--keep", type=Path, help="keep the prepared database here")
    parser.add_argument("--profile", action="store_true", help="profile the card moves")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["HINDSIGHT_DATA_DIR"] = str(Path(scratch) / "data")
        path = Path(scratch) / "triage.sqlite"
        started = time.perf_counter()
        make_database(path, args.db, args.incidents, args.seed)
        from hindsight.services.workspace import Workspace

        workspace = Workspace.open(path)
        try:
            has_items = workspace.followups.repository.count() > 0
            if not has_items:
                items, used, published = add_followups(workspace, args.count, args.seed)
                print(f"prepared     {items:,} follow-ups on {used:,} incidents, "
                      f"{published:,} reviews published")  # fmt: skip
        finally:
            workspace.close()
        print(f"             (database ready in {time.perf_counter() - started:.1f} s)")
        if args.keep is not None:
            shutil.copy(path, args.keep)
        if args.db is None or not has_items:
            # Measure in a fresh process: what generating left alive in this one would be
            # walked by every pass of Python's cycle collector and slow every figure (the
            # every-status open took twice as long here as in a process holding only the app).
            sys.stdout.flush()
            command = [sys.executable, __file__, "--db", str(path), "--runs", str(args.runs),
                       "--moves", str(args.moves), "--seed", str(args.seed)]  # fmt: skip
            return subprocess.call([*command, *(["--profile"] if args.profile else [])])
        measure(path, args.runs, args.moves, args.seed, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
