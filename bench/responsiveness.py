"""How the GUI answers on a large database: keys, clicks, saves and exports, against targets.

    python bench/responsiveness.py --db PATH [--keys 200] [--runs 15]

Works on a copy of the database. It adds one incident with 200 timeline events and 50
follow-ups, opens the main window offscreen, and with a 5 ms heartbeat on the GUI thread
(bench/heartbeat.py) measures, each against its target in issue 9:

- filter: one key typed into the filter box, until the list is read again and painted;
- sort: a click on a column header, until the list is painted in the new order;
- select: another incident clicked in the list, until the editor shows it;
- typing: keys typed into the summary of the big incident, each from the key press until the
  GUI thread is idle again (the edit, the refresh of the tab on screen);
- stalls: the longest gap of the heartbeat through each of the above, through an autosave of
  the big incident, and through a PDF export of it run as a long operation; and, as a
  yardstick, through the same event loop with nothing to do (what the machine's load alone
  costs the GUI thread).

Figures are printed with the machine's load average: on a shared machine they follow it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from heartbeat import Heartbeat, until  # bench/ is the script's folder, so on sys.path


def _ms(seconds: float) -> float:
    return seconds * 1000


def _line(label: str, values: list[float], target: float | None = None) -> str:
    median = _ms(statistics.median(values))
    p95 = _ms(sorted(values)[max(0, int(len(values) * 0.95) - 1)])
    verdict = ""
    if target is not None:
        verdict = f"  [target {target:.0f} ms: {'met' if median <= target else 'MISSED'}]"
    return f"  {label:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms{verdict}"


def add_big_incident(path: Path) -> int:
    """An incident with 200 timeline events and 50 follow-ups; returns its id."""
    from hindsight.core.enums import Phase
    from hindsight.core.fuzzy_time import FuzzyTime
    from hindsight.core.incident import Incident, TimelineEvent
    from hindsight.services.workspace import Workspace

    start = datetime(2026, 3, 1, tzinfo=UTC)
    events = [
        TimelineEvent(
            FuzzyTime.exact(start + timedelta(minutes=7 * n)),
            Phase.TROUBLESHOOTING,
            f"Step {n}: checked the feature pipeline, the model age and the serving logs.",
        )
        for n in range(200)
    ]
    workspace = Workspace.open(path)
    try:
        incident = workspace.incidents.add(
            Incident(
                title="A long incident for timing keys",
                summary="Typing goes here. " * 40,
                events=events,
            )
        )
        assert incident.id is not None
        service = workspace.followups
        service.create_many(
            [
                replace(
                    service.new_item(incident.id, f"Follow-up {n}"),
                    value=1 + n % 5,
                    feasibility=1 + (n // 5) % 5,
                )
                for n in range(50)
            ]
        )
        return incident.id
    finally:
        workspace.close()


def measure(path: Path, keys: int, runs: int) -> None:
    """Drive the window and print every figure."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from hindsight.services.export import ExportRequest, Format
    from hindsight.services.export_process import ExportProcess, HelperExportService
    from hindsight.ui.app import app_settings, application, freeze_startup_heap
    from hindsight.ui.idle_collector import IdleCollector
    from hindsight.ui.main_window import MainWindow

    big = add_big_incident(path)
    app = application()
    window = MainWindow(None, app_settings())
    IdleCollector(window.ops, window)  # as run_app does
    window.resize(1366, 768)
    window.show()
    window.open_path(path)
    until(app, lambda: window.workspace is not None and window.has_editor and not window.busy)
    freeze_startup_heap()  # as run_app does once the first incident is shown
    pane = window.list_pane
    beat = Heartbeat()
    stalls: dict[str, list[float]] = {}

    def timed(label: str, action, settled) -> float:
        beat.start()
        start = time.perf_counter()
        action()
        until(app, settled)
        elapsed = time.perf_counter() - start
        stalls.setdefault(label, []).append(beat.stop())
        return elapsed

    # Filter: type one more letter each time, then clear.
    filters: list[float] = []
    for n in range(runs):
        pane.search.clear()
        until(app, lambda: not window.busy)
        letter = "abcdefghijklmnopqrstuvwxyz"[n % 26]
        filters.append(
            timed(
                "filter", lambda c=letter: QTest.keyClick(pane.search, c), lambda: not window.busy
            )
        )
    pane.search.clear()
    until(app, lambda: not window.busy)

    # Sort: click the headers in turn.
    header = pane.table.horizontalHeader()
    sorts: list[float] = []
    for n in range(runs):
        column = (0, 1, 2, 3, 4)[n % 5]
        x = header.sectionViewportPosition(column) + 5
        sorts.append(
            timed(
                "sort",
                lambda x=x: QTest.mouseClick(
                    header.viewport(),
                    Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier,
                    QPoint(x, 5),
                ),
                lambda: not window.busy,
            )
        )

    # Select: click rows in the list, until the editor shows each.
    selects: list[float] = []
    pane.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    until(app, lambda: not window.busy)
    for n in range(runs):
        row = 1 + n % 10
        wanted = pane.model.row(row)
        assert wanted is not None
        rect = pane.table.visualRect(pane.model.index(row, 1))
        selects.append(
            timed(
                "select",
                lambda r=rect: QTest.mouseClick(
                    pane.table.viewport(),
                    Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier,
                    r.center(),
                ),
                lambda w=wanted: (
                    window.editor.incident is not None
                    and window.editor.incident.id == w.id
                    and not window.busy
                ),
            )
        )

    # Typing into the big incident's summary.
    window.show_incident(big)
    until(app, lambda: window.editor.incident is not None and window.editor.incident.id == big)
    editor = window.editor
    editor.show_tab("overview")
    field = editor.overview.summary
    field.setFocus()
    field.moveCursor(field.textCursor().MoveOperation.End)
    until(app, lambda: not window.busy)
    typing: list[float] = []
    beat.start()
    for n in range(keys):
        start = time.perf_counter()
        QTest.keyClick(field, "abcdefghij "[n % 11])
        app.processEvents()
        typing.append(time.perf_counter() - start)
        # About ten keys a second, as a quick typist; timers (journal, autosave) run between.
        deadline = time.perf_counter() + 0.1
        while time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.002)
    stalls["typing (with journal writes between keys)"] = [beat.stop()]

    # The same loop with nothing to do, as a yardstick: on a shared machine the GUI thread also
    # waits for a CPU, and that wait shows in every stall above.
    until(app, lambda: not window.busy)
    beat.start()
    deadline = time.perf_counter() + min(keys * 0.1, 10.0)
    while time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.002)
    idle = beat.stop()

    # An autosave of the big incident.
    timed(
        "autosave of the big incident",
        editor.save_now,
        lambda: not editor.dirty and not window.busy,
    )

    # A PDF export of the big incident, as the export dialog runs it: laid out and drawn in
    # the window's helper process (started here first, as the dialog's first preview would).
    target = Path(tempfile.mkdtemp()) / "big.pdf"
    helper = ExportProcess(path)
    helper.render(big, ExportRequest(Format.MARKDOWN), clock=lambda: datetime.now(UTC))

    def export(ws, task):
        service = HelperExportService(ws, helper)
        rendered = service.render(big, ExportRequest(Format.PDF))
        return service.write(rendered, target)

    timed(
        "PDF export of the big incident",
        lambda: window.ops.run_long(export, what="export"),
        lambda: target.exists() and not window.busy,
    )

    print()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {runs} runs each")
    print(_line("filter key, until painted", filters, 30))
    print(_line("sort click, until painted", sorts, 30))
    print(_line("select an incident, until shown", selects, 30))
    print(_line(f"one key typed ({keys} keys, 200 events, 50 follow-ups)", typing, 8))
    p95 = _ms(sorted(typing)[int(len(typing) * 0.95) - 1])
    print(f"  {'':<44} p95 target 16 ms: {'met' if p95 <= 16 else 'MISSED'}")
    print()
    print("  longest stall of the GUI thread (5 ms heartbeat), target under 50 ms:")
    for label, values in stalls.items():
        worst = _ms(max(values))
        print(f"    {label:<50} {worst:7.1f} ms  {'met' if worst < 50 else 'MISSED'}")
    print(f"    {'idle window, for comparison (the machine alone)':<50} {_ms(idle):7.1f} ms")
    helper.close()
    window.close()
    until(app, lambda: not window.isVisible())


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="database to copy and open")
    parser.add_argument("--keys", type=int, default=200, help="keys to type")
    parser.add_argument("--runs", type=int, default=15, help="runs of each click and key")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hindsight-responsive-") as scratch:
        os.environ["HINDSIGHT_DATA_DIR"] = str(Path(scratch) / "data")
        copy = Path(scratch) / "copy.sqlite"
        shutil.copy(args.db, copy)
        measure(copy, args.keys, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
