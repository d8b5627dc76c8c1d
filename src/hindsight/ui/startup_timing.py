"""`hindsight --startup-timing`: where start-up time goes, printed as it happens.

Marks are seconds since the `hindsight` command's module was first imported. The run ends
right after the first paint that shows real rows (or the welcome page of an empty database),
or, with `--startup-timing interactive`, once the editor is built and usable and has shown the
first incident of the list; with `loaded`, once the services held back until then (the ORM)
have loaded too, with the longest stall of the GUI thread meanwhile. Each line also says how
many modules are loaded and the process's peak memory so far.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer

if TYPE_CHECKING:
    from hindsight.ui.main_window import MainWindow


class StartupTiming(QObject):
    """Collects named moments of start-up and prints them."""

    def __init__(self, started: float, until: str = "paint") -> None:
        super().__init__()
        self.started = started
        self.until = until
        self.marks: list[tuple[str, float]] = []
        self._window: MainWindow | None = None
        self._painted = False

    def mark(self, name: str) -> None:
        """Note that `name` happened now, and say so at once (a parent process may time it)."""
        at = time.perf_counter() - self.started
        previous = self.marks[-1][1] if self.marks else 0.0
        self.marks.append((name, at))
        memory = _peak_mib()
        print(
            f"{at * 1000:9.1f} ms  (+{(at - previous) * 1000:7.1f})  {name}"
            f"  [{len(sys.modules)} modules, peak {memory:.0f} MiB]",
            flush=True,
        )

    def watch(self, window: MainWindow) -> None:
        """Follow `window` until the moment the run should end."""
        self._window = window
        self.mark("main window built")
        window.list_pane.table.viewport().installEventFilter(self)
        window.welcome.installEventFilter(self)
        window.workspaceReady.connect(lambda _ws: self.mark("database open"))
        window.list_pane.model.reloaded.connect(lambda: self.mark("first page of rows read"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        window = self._window
        if event.type() == QEvent.Type.Paint and window is not None and not self._painted:
            has_rows = window.list_pane.model.loaded and window.list_pane.model.rowCount() > 0
            empty = watched is window.welcome
            if has_rows or empty:
                self._painted = True
                # The paint runs when this returns; mark it from the next turn of the loop.
                QTimer.singleShot(0, self._first_paint)
        return False

    def _first_paint(self) -> None:
        self.mark("first paint with real rows")
        if self.until == "paint":
            self.finish()
            return
        QTimer.singleShot(0, self._wait_interactive)

    def _wait_interactive(self) -> None:
        window = self._window
        if window is not None and window.has_editor and window.followups_ui is not None:
            self.mark("editor usable")
            self._open_first(window)
        else:
            QTimer.singleShot(5, self._wait_interactive)

    def _open_first(self, window: MainWindow) -> None:
        # What a user does next: open the incident at the top of the list.
        first = window.list_pane.model.row(0)
        if first is None:
            self.finish()
            return

        def shown(_incident_id: int) -> None:
            self.mark("first incident shown")
            if self.until == "loaded":
                self._wait_loaded(window)
            else:
                self.finish()

        window.incidentShown.connect(shown)
        window.open_incident(first.id)

    def _wait_loaded(self, window: MainWindow) -> None:
        # A 5 ms heartbeat: the longest gap between its ticks is the longest time the GUI
        # thread could not answer while the services loaded on the database lane.
        last = time.perf_counter()
        longest = 0.0
        timer = QTimer(self)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(5)

        def tick() -> None:
            nonlocal last, longest
            now = time.perf_counter()
            longest = max(longest, now - last)
            last = now
            workspace = window.workspace
            if workspace is not None and workspace.prepared and not window.ops.busy:
                timer.stop()
                self.mark(f"services loaded (longest GUI stall meanwhile {longest * 1000:.0f} ms)")
                self.finish()

        timer.timeout.connect(tick)
        timer.start()

    def finish(self) -> None:
        """Leave at once: tearing down is not part of starting up."""
        sys.stdout.flush()
        os._exit(0)


def _peak_mib() -> float:
    """The process's peak resident memory so far, in MiB (0 where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
