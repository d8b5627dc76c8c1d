"""`hindsight --startup-timing`: where start-up time goes, printed as it happens.

Marks are seconds since the `hindsight` command's module was first imported. The run ends
right after the first paint that shows real rows (or the welcome page of an empty database),
or, with `--startup-timing interactive`, once the editor is built and usable and has shown the
first incident of the list.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer

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
        print(f"{at * 1000:9.1f} ms  (+{(at - previous) * 1000:7.1f})  {name}", flush=True)

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
            self.finish()

        window.incidentShown.connect(shown)
        window.open_incident(first.id)

    def finish(self) -> None:
        """Leave at once: tearing down is not part of starting up."""
        sys.stdout.flush()
        os._exit(0)
