"""How fast the Insights view opens, redraws for a new scope, and exports its report.

    python bench/insights.py [--db PATH] [--incidents 10000] [-n 20000] [--runs 3] [--seed 1]

Without --db, `--incidents` synthetic incidents are written with bench/make_db.py (one
transaction; about 40 s for 10,000); with --db, a copy of that file is used (the original is
never changed). Review data is then added in bulk, as a team's history would have it: the
trigger kind and who detected it for most incidents, questions left unknown or not
applicable, a verdict on every kind of change for most, half the reviews published; and `-n`
follow-up items (20,000 by default) with their status history; impact measures for a third
of the incidents.

In one offscreen process, run as the app runs (its start-up heap frozen, Python's full
collections deferred to quiet moments), it then prints:

- matplotlib's first import, on its own (the view pays it once per process);
- open: from asking for the view to the figures shown and the charts on screen painted, and
  to every chart drawn; the first opening reads the database, later ones reuse the snapshot
  (of the first, the CPU time of the database lane, its read of the facts apart, and of the
  rest of the process: the GUI thread's cards and drawing);
  each draws every picture (the pixels the view keeps of charts drawn, the glyphs of the
  texts drawn and the figures pictures are drawn on are forgotten first), as the first view
  of a process does; "open, kept": a new
  view of the same figures, whose pictures are copied from the pixels kept;
- scope: a change of scope to one severity (as never shown before: the pixels kept of its
  charts are forgotten after each time), to the charts on screen painted and to every chart
  drawn; "scope back": back to every incident, shown a moment ago (its pictures kept);
- report: the PDF of all incidents: of the scope the view showed last (whose figures the
  service keeps) with every picture drawn; with the figures worked out anew as well; and
  exported again (pictures kept); then the Markdown and JSON;

with wall times, and the process's CPU time beside them: on a machine shared with other
work the wall time is what a person waits, the CPU time what Hindsight spends. Nothing is
asserted.
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
TODAY = date(2026, 4, 1)  # make_db's "now"
TRIGGERS = ("data_growth", "upstream_data", "code_config", "model_release", "infrastructure",
            "world", "unknown")  # fmt: skip
SOURCES = ("monitoring", "end_users", "customers_partners", "internal_staff", "support")
IMPACTS = (("Queries lost", "queries", 1e9), ("Requests failing", "%", 40.0),
           ("Refunds", "USD", 1e5), ("Users affected", "users", 1e6))  # fmt: skip
LEFT_OPEN = ("impact.hidden_slices", "impact.business", "mitigation.non_ml", "detection.monitors")


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


def add_history(path: Path, items: int, seed: int) -> tuple[int, int, int]:
    """Review data and follow-ups in bulk; returns (incidents, items, published)."""
    from sqlalchemy import insert, select, update

    from hindsight.core.followups import FollowUpKind, Priority
    from hindsight.core.review import Verdict
    from hindsight.services.workspace import Workspace
    from hindsight.store.models import (
        ChangeAttributionRow,
        IncidentRow,
        ReviewAnswerRow,
        ReviewTransitionRow,
    )
    from hindsight.store.models.followups import FollowUpRow, FollowUpStatusRow
    from hindsight.store.models.postmortem import ImpactMeasureRow
    from hindsight.vocabulary import vocabulary

    ASSESSED = [Verdict.IMPLICATED, Verdict.RULED_OUT, Verdict.UNKNOWN]
    rng = random.Random(seed)
    workspace = Workspace.open(path)
    try:
        with workspace.database.write() as session:
            incidents = session.execute(select(IncidentRow.id, IncidentRow.created_at)).all()
            answers, verdicts, moves, published = [], [], [], []
            for incident_id, created in incidents:
                if rng.random() < 0.85:
                    answers.append(
                        {
                            "incident_id": incident_id,
                            "question_id": "trigger.kind",
                            "bank_version": "2026.1",
                            "status": "answered",
                            "value": rng.choice(TRIGGERS),
                            "reason": "",
                        }
                    )
                if rng.random() < 0.9:
                    answers.append(
                        {
                            "incident_id": incident_id,
                            "question_id": "detection.source",
                            "bank_version": "2026.1",
                            "status": "answered",
                            "value": rng.choice(SOURCES),
                            "reason": "",
                        }
                    )
                for question in rng.sample(LEFT_OPEN, rng.randint(0, 2)):
                    answers.append(
                        {
                            "incident_id": incident_id,
                            "question_id": question,
                            "bank_version": "2026.1",
                            "status": rng.choice(("unknown", "not_applicable")),
                            "value": None,
                            "reason": "Not known.",
                        }
                    )
                if rng.random() < 0.6:
                    for category in [k.id for k in vocabulary().change_kinds]:
                        verdict = rng.choices(ASSESSED, weights=(1, 6, 2))[0]
                        verdicts.append(
                            {
                                "incident_id": incident_id,
                                "category": category,
                                "verdict": verdict.value,
                                "evidence": "",
                            }
                        )
                if rng.random() < 0.5:
                    at = created + timedelta(days=rng.randint(5, 40))
                    moves.append(
                        {
                            "incident_id": incident_id,
                            "at": at,
                            "from_status": "in_review",
                            "to_status": "published",
                            "reason": "",
                        }
                    )
                    published.append(incident_id)
            impacts = []
            for incident_id, _created in incidents:
                if rng.random() < 0.3:
                    for name, unit, scale in rng.sample(IMPACTS, rng.randint(1, 3)):
                        best = rng.uniform(0.1, 1.0) * scale
                        impacts.append(
                            {
                                "incident_id": incident_id,
                                "measure": name,
                                "low": best * 0.7 if rng.random() < 0.6 else None,
                                "high": best * 1.4 if rng.random() < 0.6 else None,
                                "best": best if rng.random() < 0.9 else None,
                                "unit": unit if rng.random() < 0.95 else "",
                                "slice": "",
                                "source": "",
                                "note": "said in words",
                            }
                        )
            session.execute(insert(ImpactMeasureRow), impacts)
            session.execute(insert(ReviewAnswerRow), answers)
            session.execute(insert(ChangeAttributionRow), verdicts)
            session.execute(insert(ReviewTransitionRow), moves)
            for start in range(0, len(published), 500):
                session.execute(
                    update(IncidentRow)
                    .where(IncidentRow.id.in_(published[start : start + 500]))
                    .values(review_status="published")
                )
            rows, steps = [], []
            now = datetime.now(UTC)
            for number in range(1, items + 1):
                incident_id, created = rng.choice(incidents)
                opened = min(created.date() + timedelta(days=rng.randint(1, 30)), TODAY)
                history = [("open", opened)]
                roll = rng.random()
                if roll < 0.6:
                    closed = opened + timedelta(days=rng.randint(1, 400))
                    if closed <= TODAY:
                        history.append((rng.choice(("done", "done", "wont_do")), closed))
                elif roll < 0.75:
                    history.append(("in_progress", opened + timedelta(days=rng.randint(0, 20))))
                rows.append(
                    {
                        "id": number,
                        "incident_id": incident_id,
                        "title": f"item {number}",
                        "description": "",
                        "owner": "",
                        "status": history[-1][0],
                        "priority": rng.choice(list(Priority)).value,
                        "kind": rng.choice(list(FollowUpKind)).value,
                        "value": rng.randint(1, 5),
                        "feasibility": rng.randint(1, 5),
                        "due_on": opened + timedelta(days=60) if rng.random() < 0.5 else None,
                        "tracker": "",
                        "speeds_troubleshooting": False,
                        "next_senior_review": None,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                steps += [
                    {"followup_id": number, "status": status, "reached_on": day}
                    for status, day in history
                ]
            session.execute(insert(FollowUpRow), rows)
            session.execute(insert(FollowUpStatusRow), steps)
        return len(incidents), items, len(published)
    finally:
        workspace.close()


def _figures(values: list[tuple[float, float]]) -> str:
    walls = sorted(v[0] for v in values)
    cpus = sorted(v[1] for v in values)
    wall, cpu = statistics.median(walls) * 1000, statistics.median(cpus) * 1000
    low = walls[0] * 1000
    return f"median {wall:7.0f} ms (CPU {cpu:5.0f})   min {low:7.0f} ms   (n={len(values)})"


def measure(path: Path, runs: int) -> None:
    """Open the view, change its scope and export the report; print the figures."""
    started = time.perf_counter()
    import matplotlib.figure  # noqa: F401  (timed: the first import is paid once)
    from matplotlib.backends import backend_qtagg  # noqa: F401

    matplotlib_import = time.perf_counter() - started
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QEventLoop

    from hindsight.export import insights_report
    from hindsight.services.insights import insights_for
    from hindsight.services.insights_report import ReportRequest, render_report
    from hindsight.services.workspace import Workspace
    from hindsight.ui.app import app_settings, application, freeze_startup_heap
    from hindsight.ui.idle_collector import IdleCollector
    from hindsight.ui.insights import chart_card
    from hindsight.ui.insights.window import InsightsWindow
    from hindsight.ui.main_window import MainWindow

    app = application()
    main = MainWindow(Workspace.open(path), app_settings())
    main.resize(1366, 768)
    main.show()
    app.processEvents()
    # As run_app does: the start-up heap frozen, full collections deferred to quiet moments
    # (else a pass of 200-400 ms lands inside one figure or another, as it would not in the app).
    freeze_startup_heap()
    IdleCollector(main.ops, main)
    workspace = main.workspace

    def settle(view: InsightsWindow, done: list[bool]) -> None:
        while not done:  # wait for the database lane without spinning (CPU time stays honest)
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        # The charts on screen paint now; the rest wait until seen (or idle time).
        view.repaint()
        app.processEvents()

    on_screen: list[int] = []
    # Older checkouts keep no pixels and no texts: everything is drawn there anyway.
    kept_pictures = getattr(chart_card, "PICTURES", None)
    easel = getattr(chart_card, "EASEL", None)  # the shared figures pictures are drawn on
    try:
        from hindsight.export.insights_text import forget as forget_texts
    except ImportError:
        forget_texts = None

    def forget_pictures() -> None:
        """As in the first view of a process: no pixels kept, no texts drawn before."""
        if kept_pictures is not None:
            kept_pictures.clear()
        if forget_texts is not None:
            forget_texts()
        if easel is not None:
            easel.clear()

    # Where a first open's CPU goes: the database lane's calls (the read of every fact, then
    # the figures) and, by difference, the GUI thread (cards, drawing).
    from hindsight.services.insights import InsightsService
    from hindsight.ui import operations

    spent = {"lane": 0.0, "read": 0.0}
    job_run, refresh = operations._Job.run, InsightsService.refresh

    def timed_job(job: object) -> None:
        started = time.thread_time()
        try:
            job_run(job)  # type: ignore[arg-type]
        finally:
            spent["lane"] += time.thread_time() - started

    def timed_refresh(service: InsightsService) -> object:
        started = time.thread_time()
        try:
            return refresh(service)
        finally:
            spent["read"] += time.thread_time() - started

    def open_view(
        cold: bool, kept: bool = False
    ) -> tuple[tuple[float, float], tuple[float, float], InsightsWindow]:
        if not kept:
            forget_pictures()
        if cold:
            insights_for(workspace)._incident_versions = {}  # read the database again
            insights_for(workspace)._item_versions = {}
            insights_for(workspace)._incidents, insights_for(workspace)._items = {}, {}
        wall, cpu = time.perf_counter(), time.process_time()
        view = InsightsWindow(main)
        view.idle_drawing = False  # measured apart: draw_all() below
        view.resize(1366, 768)
        done: list[bool] = []
        view.updated.connect(lambda: done.append(True))
        view.show()
        settle(view, done)
        first = (time.perf_counter() - wall, time.process_time() - cpu)
        on_screen.append(sum(card.canvas.builds > 0 for card in view.cards.values()))
        view.draw_all()
        return first, (time.perf_counter() - wall, time.process_time() - cpu), view

    operations._Job.run = timed_job  # type: ignore[method-assign]
    InsightsService.refresh = timed_refresh  # type: ignore[method-assign]
    try:
        cold_first, cold_all, view = open_view(cold=True)
    finally:
        operations._Job.run = job_run  # type: ignore[method-assign]
        InsightsService.refresh = refresh  # type: ignore[method-assign]
    view.close()
    opens_first, opens_all = [], []
    for _ in range(runs):
        first, every, view = open_view(cold=False)
        opens_first.append(first)
        opens_all.append(every)
        view.close()
        view.deleteLater()
        app.processEvents()

    kept_first, kept_all = [], []
    for _ in range(runs):
        first, every, view = open_view(cold=False, kept=True)
        kept_first.append(first)
        kept_all.append(every)
        view.close()
        view.deleteLater()
        app.processEvents()

    _, _, view = open_view(cold=False)
    scope_first, scope_all, back_first, back_all = [], [], [], []
    steps = ["SEV1", "SEV1", "SEV2", "SEV2"] * runs  # tick, untick: back to all
    for step, severity in enumerate(steps):
        new_scope = step % 2 == 0
        before = set(kept_pictures.keys()) if kept_pictures is not None else set()
        done: list[bool] = []
        connection = view.updated.connect(lambda done=done: done.append(True))
        wall, cpu = time.perf_counter(), time.process_time()
        view.scope_bar.severities._actions[severity].trigger()
        view._scope_timer.stop()  # no debounce pause in the figure
        view.refresh()
        settle(view, done)
        firsts, alls = (scope_first, scope_all) if new_scope else (back_first, back_all)
        firsts.append((time.perf_counter() - wall, time.process_time() - cpu))
        view.draw_all()
        alls.append((time.perf_counter() - wall, time.process_time() - cpu))
        if new_scope and kept_pictures is not None:
            for key in set(kept_pictures.keys()) - before:  # new again the next time
                kept_pictures.discard(key)
        view.updated.disconnect(connection)
    incidents = view.insights.incidents if view.insights else 0
    view.close()

    reports: dict[str, list[tuple[float, float]]] = {
        "pdf": [],
        "pdf*": [],
        "pdf+": [],
        "md": [],
        "json": [],
    }
    sizes: dict[str, int] = {}
    service = insights_for(workspace)
    kept = getattr(insights_report, "_kept_picture", None)
    for fmt in reports:
        request = ReportRequest(fmt.rstrip("*+"))
        for _ in range(runs):
            if fmt in ("pdf", "pdf*") and kept is not None:
                kept.cache_clear()  # every picture drawn anew
            if fmt == "pdf*" and hasattr(service, "_made"):
                service._made = []  # figures worked out again, as for a scope not on screen
            wall, cpu = time.perf_counter(), time.process_time()
            data = render_report(workspace, request).data
            reports[fmt].append((time.perf_counter() - wall, time.process_time() - cpu))
            sizes[fmt] = len(data)
    main.close()

    print(f"machine      {platform.platform()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, PySide6 {pyside_version}, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"database     {path.stat().st_size / 1e6:.1f} MB; {incidents} incidents in scope")
    print(f"matplotlib   first import {matplotlib_import * 1000:.0f} ms (once per process)")
    print(f"open, cold   {cold_first[0] * 1000:7.0f} ms to the charts on screen "
          f"({on_screen[0]} drawn), {cold_all[0] * 1000:.0f} ms to every chart drawn "
          f"(CPU {cold_first[1] * 1000:.0f} / {cold_all[1] * 1000:.0f} ms)")  # fmt: skip
    print(f"  cold, CPU  database lane {spent['lane'] * 1000:.0f} ms (snapshot refreshes, "
          f"reading the facts: {spent['read'] * 1000:.0f}; the figures and the rest: "
          f"{(spent['lane'] - spent['read']) * 1000:.0f}); the rest of the process "
          f"{(cold_all[1] - spent['lane']) * 1000:.0f} (GUI thread: cards, drawing)")  # fmt: skip
    print(f"open         {_figures(opens_first)}   [charts on screen painted]")
    print(f"open, all    {_figures(opens_all)}   [every chart drawn]")
    print(f"open, kept   {_figures(kept_first)}   [charts on screen, pictures kept]")
    print(f"  kept, all  {_figures(kept_all)}   [every chart, pictures kept]")
    print(f"scope        {_figures(scope_first)}   [charts on screen painted]")
    print(f"scope, all   {_figures(scope_all)}   [every chart drawn]")
    print(f"scope back   {_figures(back_first)}   [charts on screen, back to all incidents]")
    print(f"  back, all  {_figures(back_all)}   [every chart, back to all incidents]")
    first_wall, first_cpu = reports["pdf"][0]
    print(f"report pdf, the first of the process: {first_wall * 1000:.0f} ms "
          f"(CPU {first_cpu * 1000:.0f})")  # fmt: skip
    for fmt, values in reports.items():
        print(f"report {fmt:5s} {_figures(values)}   [{sizes[fmt] / 1e3:.0f} kB]")
    print("(pdf: the scope the view showed last, every picture drawn; pdf*: its figures worked "
          "out again too; pdf+: exported again, pictures kept. Pictures after the first "
          "report are drawn on the kept figures of the one before)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="incidents database to copy (left unchanged)")
    parser.add_argument("--incidents", type=int, default=10000, help="incidents to generate")
    parser.add_argument("-n", "--items", type=int, default=20000, help="follow-up items")
    parser.add_argument("--runs", type=int, default=3, help="timed repetitions")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["HINDSIGHT_DATA_DIR"] = str(Path(scratch) / "data")
        path = Path(scratch) / "insights.sqlite"
        started = time.perf_counter()
        make_database(path, args.db, args.incidents, args.seed)
        incidents, items, published = add_history(path, args.items, args.seed)
        print(f"prepared     {incidents} incidents, {items} follow-ups, {published} published "
              f"({time.perf_counter() - started:.1f} s)")  # fmt: skip
        measure(path, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
