"""Guards against a Qt binding that would crash the app in long sessions.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a C++ method that
returns void; after a few thousand calls (painting the grid makes them by the thousand) the
interpreter aborts with "deallocating None". pyproject.toml keeps that release out; this test
fails (or crashes) on any binding with the same fault.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtWidgets import QLabel


def test_void_method_calls_keep_none_alive(qapp):
    label = QLabel()
    # Garbage of earlier tests freed by a collection inside the loop would take its
    # references to None along and look like a leak: collect first, and not during the loop.
    gc.collect()
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for _ in range(20_000):
            label.setText("x")
            label.setWordWrap(True)
        after = sys.getrefcount(None)
    finally:
        gc.enable()
    assert after >= before - 100, f"None lost {before - after} references"
