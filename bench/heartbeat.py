"""A heartbeat on the GUI thread: the longest gap between its ticks is the worst stall.

Shared by the bench scripts that drive the app offscreen. A timer asks to tick every 5 ms;
while the GUI thread is busy it cannot, so the longest gap between two ticks is the longest
time a key press or a paint would have waited.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Heartbeat:
    """A 5 ms timer on the GUI thread; `stop()` returns the longest gap since `start()`."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self._ticks: list[float] = []
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(lambda: self._ticks.append(time.perf_counter()))

    def start(self) -> None:
        """Start counting from now."""
        self._ticks = [time.perf_counter()]
        self._timer.start()

    def stop(self) -> float:
        """The longest gap since start(), in seconds."""
        self._timer.stop()
        self._ticks.append(time.perf_counter())
        return max(b - a for a, b in zip(self._ticks, self._ticks[1:], strict=False))


def until(app, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Run the event loop until `condition()` holds (TimeoutError after `timeout` seconds)."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not settle")
        app.processEvents()
        time.sleep(0.0002)
    app.processEvents()
