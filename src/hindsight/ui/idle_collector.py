"""Python's full collections wait until the window's work pauses.

A full pass of the cycle collector walks every object it tracks and holds Python's lock while
it does, so no thread runs Python meanwhile, the GUI thread included. Python starts one
wherever an allocation tips its counters over: with a Triage board of 20,000 items alive,
passes of 50-220 ms landed on the GUI thread in the middle of card moves and on the database
lane in the middle of a read (bench/triage.py). The heap start-up built is frozen out of
these passes (ui/app.py), but what the views hold later is not.

Here, the young generations are collected as Python schedules them (a few milliseconds each);
full passes are taken out of Python's schedule. Every CHECK_MS the GUI thread looks: when
Python would have run a full pass by now (as many passes of the middle generation as its
threshold allows have run since the last) and the window has asked for no database work for
QUIET_MS, it runs one, at a moment when the user is reading rather than acting. A window
that never goes quiet still gets one every FORCE_AFTER_S, so cyclic garbage cannot pile up;
while a read holds the collector back (services/collector.py), nothing runs.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from hindsight.ui.operations import Operations

CHECK_MS = 1000
QUIET_MS = 2000  # no database work asked for this long: the user is not in the middle of a step
FORCE_AFTER_S = 60.0
DEFERRED = 1 << 30  # a threshold for full passes that Python's own counters never reach


class IdleCollector(QObject):
    """Runs Python's full collections when the operations of one window have been quiet.

    One per process (the main window's): the schedule it changes is the process's.
    """

    def __init__(
        self,
        ops: Operations,
        parent: QObject | None = None,
        *,
        quiet_ms: int = QUIET_MS,
        force_after_s: float = FORCE_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._quiet = quiet_ms / 1000
        self._force_after = force_after_s
        self._thresholds = gc.get_threshold()
        young, middle, self._due = self._thresholds
        gc.set_threshold(young, middle, DEFERRED)
        self._busy = ops.busy
        self._last_work = self._last_full = clock()
        self.passes = 0  # full passes run here
        ops.busyChanged.connect(self._busy_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        saved = self._thresholds
        self.destroyed.connect(lambda: gc.set_threshold(*saved))  # the window is gone

    def _busy_changed(self, busy: bool) -> None:
        self._busy = busy
        self._last_work = self._clock()

    def check(self) -> bool:
        """Run a full pass now if one is due and the window is quiet (or it is long overdue)."""
        if not gc.isenabled() or gc.get_count()[2] <= self._due:
            return False
        now = self._clock()
        quiet = not self._busy and now - self._last_work >= self._quiet
        if not quiet and now - self._last_full < self._force_after:
            return False
        gc.collect()
        self._last_full = now
        self.passes += 1
        return True

    def stop(self) -> None:
        """Give full passes back to Python's own schedule."""
        self._timer.stop()
        gc.set_threshold(*self._thresholds)
