"""Pausing Python's cycle collector around work that makes many short-lived objects.

Reading and ranking thousands of rows makes hundreds of thousands of small objects (tuples,
dates, strings) that plain reference counting frees; none of them is in a cycle. The cycle
collector does not know that: every 700 new objects it walks the young ones, and every few
hundred thousand it walks every object the process tracks, the whole snapshot a view holds
included. On 20,000 follow-ups that was a third of the Triage view's read. While a read runs
inside `collector_paused()` the collector waits; it runs once, on what is new, afterwards.

Pauses nest and may come from several threads at once: the collector resumes when the last
one ends, and only if it was running when the first began (a caller that switched it off for
good keeps it off).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold back Python's cycle collector for the duration of the block."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
