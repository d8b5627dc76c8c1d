"""Running a slow call (a backup, say) off the GUI thread, with its result back on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    # Signals cross back to the GUI thread, where the callbacks run.
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:  # handed to the caller's on_error, never lost
            self._relay.failed.emit(error)
        else:
            self._relay.succeeded.emit(result)


def run_in_background(
    parent: QObject,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
) -> None:
    """Call `work()` on a pool thread; then `on_done(result)` or `on_error(error)` on this one."""
    relay = _Relay(parent)
    relay.succeeded.connect(on_done)
    relay.failed.connect(on_error)
    relay.succeeded.connect(relay.deleteLater)
    relay.failed.connect(relay.deleteLater)
    QThreadPool.globalInstance().start(_Job(work, relay))
