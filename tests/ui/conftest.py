"""Fixtures for driving the real main window with pytest-qt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from hindsight.services.workspace import Workspace
from hindsight.ui import messages
from hindsight.ui.app import app_settings, application
from hindsight.ui.main_window import MainWindow

WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Error messages the UI shows, captured instead of popping up a modal box."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, title, text: shown.append((title, text)))
    # A real confirmation box would block the test; tests that care replace this answer.
    monkeypatch.setattr(messages, "confirm", lambda *args: True)
    return shown


@pytest.fixture
def settings() -> QSettings:
    return app_settings()


@pytest.fixture
def make_window(qtbot, qapp, settings: QSettings, errors) -> Iterator[WindowFactory]:
    """Open a main window on a database path; every window is closed after the test."""
    application()  # names and styles pytest-qt's QApplication
    windows: list[MainWindow] = []

    def make(path: Path, *, demo: bool = False) -> MainWindow:
        window = MainWindow(Workspace.open(path), settings, demo=demo)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()


def _when_modal(action: Callable[[QWidget], None]) -> None:
    def attempt(tries: int = 0) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QDialog):
            action(widget)
        elif tries < 200:
            QTimer.singleShot(10, lambda: attempt(tries + 1))

    QTimer.singleShot(0, attempt)


@pytest.fixture
def when_modal() -> Callable[[Callable[[QWidget], None]], None]:
    """Run an action on the next modal dialog once it is shown (for exec()-style dialogs)."""
    return _when_modal
