"""A QGuiApplication for drawing pictures and PDFs, made offscreen when none exists.

Fonts and images need a Qt application object. The GUI already has one; the command line
does not, and may run on a machine without a display, so it gets an offscreen one.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication

from hindsight import qt_imports  # noqa: F401  (PySide6, its import hook made cheap)

_made: list[QGuiApplication] = []  # kept alive for the life of the process


def ensure_gui_application() -> None:
    """Make sure a QGuiApplication (or QApplication) exists; create an offscreen one if not."""
    existing = QCoreApplication.instance()
    if isinstance(existing, QGuiApplication):
        return
    if existing is not None:
        raise RuntimeError("a non-GUI Qt application exists; pictures need a QGuiApplication")
    # -platform on the command line wins over QT_QPA_PLATFORM: no display is ever needed.
    _made.append(QGuiApplication(["hindsight", "-platform", "offscreen"]))
