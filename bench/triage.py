"""How fast the Triage view opens on 2,000 follow-ups, and how long a drag takes.

    python bench/triage.py [--db PATH] [-n 2000] [--incidents 400] [--runs 5] [--drags 60]

Without --db, a database of `--incidents` synthetic incidents is written with bench/make_db.py
(one transaction); with --db, a copy of that file is used (the original is never changed).
Then `-n` follow-up items (2,000 by default) are added through FollowUpService.create_many,
spread over the incidents, with realistic titles, owners, statuses and dates from a seeded
random generator; a third of the incidents get a published review, so every attention rule
has work to do.

On the offscreen Qt platform, in this process, it then measures:

- open: from constructing the TriageWindow to the window shown and its events processed,
  with the grid built and the ranked list filled (default filter: open work), then with every
  item shown ("Any status"); median and minimum of `--runs` fresh windows after one warm-up;
- drag: `--drags` moves of random cards to another cell through the board, as a drop does
  (save through the service in its own write transaction, attention flags, filter and ranking
  recomputed, grid and list updated), followed by processing the repaint; median, 95th
  percentile and maximum. The save alone is timed too;
- count: the attention count the main window's status bar shows.

The figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BENCH_DIR = Path(__file__).resolve().parent
TODAY = date(2026, 11, 26)

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


def _summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   "
        f"max {ordered[-1] * 1000:7.1f} ms   (n={len(ordered)})"
    )


def measure(path: Path, runs: int, drags: int, seed: int) -> None:
    """Open the Triage view repeatedly and drag cards; print the figures."""
    from PySide6 import __version__ as pyside_version

    from hindsight.services.followups import FollowUpService
    from hindsight.services.workspace import Workspace
    from hindsight.ui.app import application
    from hindsight.ui.followups.triage import TriageWindow

    FollowUpService.today = lambda self: TODAY  # type: ignore[method-assign]
    app = application()
    workspace = Workspace.open(path)
    try:
        total = len(workspace.followups.items())

        def open_once(any_status: bool) -> tuple[float, TriageWindow]:
            started = time.perf_counter()
            window = TriageWindow(workspace)
            if any_status:
                window.status.setCurrentIndex(window.status.findText("Any status"))
            window.show()
            app.processEvents()
            return time.perf_counter() - started, window

        figures: dict[str, list[float]] = {"open": [], "open_all": []}
        for key, any_status in (("open", False), ("open_all", True)):
            for run in range(runs + 1):  # the first run warms caches and is not counted
                elapsed, window = open_once(any_status)
                shown = len(window.board.ranked)
                if run:
                    figures[key].append(elapsed)
                window.close()
                window.deleteLater()
                app.processEvents()
            figures[key + "_shown"] = [shown]

        started = time.perf_counter()
        overview = workspace.followups.overview()
        load = time.perf_counter() - started
        started = time.perf_counter()
        count = workspace.followups.attention_count()
        counting = time.perf_counter() - started

        window = TriageWindow(workspace)
        window.status.setCurrentIndex(window.status.findText("Any status"))
        window.resize(1400, 860)
        window.show()
        app.processEvents()
        board = window.board
        rng = random.Random(seed)
        drag_times, save_times = [], []
        for _ in range(drags):
            item = rng.choice(board.ranked).item
            cells = [(v, f) for v in range(1, 6) for f in range(1, 6) if (v, f) != item.cell]
            value, feasibility = rng.choice(cells)
            started = time.perf_counter()
            assert board.request_move(item.id, value, feasibility)
            app.processEvents()
            drag_times.append(time.perf_counter() - started)
        for _ in range(drags):
            item = rng.choice(board.items)
            current = workspace.followups.get(item.id)
            started = time.perf_counter()
            workspace.followups.move(item.id, current.feasibility, current.value,
                                     version=current.version)  # fmt: skip
            save_times.append(time.perf_counter() - started)
        window.close()
    finally:
        workspace.close()

    print(f"machine      {platform.platform()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, PySide6 {pyside_version}")  # fmt: skip
    print(f"database     {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"follow-ups   {total} ({len(overview.items)} read in {load * 1000:.1f} ms)")
    print(f"attention    {count} items need attention; count computed in "
          f"{counting * 1000:.1f} ms")  # fmt: skip
    shown_open, shown_all = figures["open_shown"][0], figures["open_all_shown"][0]
    print(f"open triage  {_summary(figures['open'])}   [open work: {shown_open:.0f} items]")
    print(f"open triage  {_summary(figures['open_all'])}   [any status: {shown_all:.0f} items]")
    print(f"drag         {_summary(drag_times)}   [save + recompute + grid + list + repaint]")
    print(f"save only    {_summary(save_times)}   [FollowUpService.move, one transaction]")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="incidents database to copy (left unchanged)")
    parser.add_argument("-n", "--count", type=int, default=2000, help="follow-up items")
    parser.add_argument("--incidents", type=int, default=400, help="incidents to generate")
    parser.add_argument("--runs", type=int, default=5, help="timed openings of the view")
    parser.add_argument("--drags", type=int, default=60, help="simulated drags")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["HINDSIGHT_DATA_DIR"] = str(Path(scratch) / "data")
        path = Path(scratch) / "triage.sqlite"
        started = time.perf_counter()
        make_database(path, args.db, args.incidents, args.seed)
        from hindsight.services.workspace import Workspace

        workspace = Workspace.open(path)
        try:
            items, used, published = add_followups(workspace, args.count, args.seed)
        finally:
            workspace.close()
        took = time.perf_counter() - started
        print(f"prepared     {items} follow-ups on {used} incidents, {published} reviews published")
        print(f"             (database made and filled in {took:.1f} s)")
        measure(path, args.runs, args.drags, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
