"""A guard against PySide6 releasing a reference to None on every call of a void method.

With PySide6 6.12 on CPython 3.11, each call of a C++ method returning void gives back None
without taking a reference to it, so None's reference count falls by one per call. Painting
makes thousands of such calls (setPen, drawText, save, restore ...), and once the count
reaches zero CPython aborts with "none_dealloc: deallocating None". CPython 3.12 made None
immortal, which hides the bug there.

The guard adds a very large number of references to None once, making it as good as immortal
on 3.11 too. It changes nothing else. It belongs with application start-up; it lives here
because the grid is what makes the most void calls, and importing this package applies it.
"""

from __future__ import annotations

import ctypes
import sys

_EXTRA_REFERENCES = 1 << 40  # at one lost reference per call, more than any session makes
_applied = False


def protect_none() -> bool:
    """Make None practically immortal on CPython before 3.12; True if this call did so."""
    global _applied
    if _applied or sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    # ob_refcnt is the first field of every object on CPython < 3.12.
    ctypes.c_ssize_t.from_address(id(None)).value += _EXTRA_REFERENCES
    _applied = True
    return True
