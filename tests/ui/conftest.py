"""Fixtures for driving the real main window with pytest-qt."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from shiboken6 import isValid

from hindsight.services.workspace import Workspace
from hindsight.ui import messages
from hindsight.ui.app import app_settings, application
from hindsight.ui.main_window import MainWindow
from hindsight.ui.qt_helpers import release_clipboard

WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Error messages the UI shows, captured instead of popping up a modal box."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, title, text: shown.append((title, text)))
    # A real confirmation box would block the test; tests that care replace this answer.
    monkeypatch.setattr(messages, "confirm", lambda *args: True)
    return shown


@pytest.fixture(scope="session", autouse=True)
def _clipboard_released_before_exit(qapp) -> Iterator[None]:
    # pytest-qt's application never quits, so the app's aboutToQuit hook does not run:
    # without this a test that copies a chart crashes the interpreter's exit.
    yield
    release_clipboard()


@pytest.fixture
def settings() -> QSettings:
    return app_settings()


@pytest.fixture
def make_window(
    qtbot, qapp, settings: QSettings, errors, request: pytest.FixtureRequest
) -> Iterator[WindowFactory]:
    """Open a main window on a database path; every window is closed after the test."""
    for database in ("db_path", "demo_db"):
        # Set up first, so torn down last: a team database is dropped only after its windows
        # have closed (and saved).
        if database in request.fixturenames:
            request.getfixturevalue(database)
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
        settle(qtbot, window)
        qtbot.waitUntil(lambda: window.has_editor and window.followups_ui is not None)
        settle(qtbot, window)
        # A time left typed that cannot be saved is dropped when the window closes at the
        # test's end (pytest-qt closes it), not asked about in a box nobody answers.
        window.editor.ask_about_held = lambda box: next(
            b for b in box.buttons() if b.text() == "Discard Typed Time"
        )
        windows.append(window)
        return window

    yield make
    for window in windows:
        if isValid(window) and window.isVisible():
            window.close()
            # Closing saves first, off the GUI thread: wait while the test's stand-ins for
            # message boxes are still in place.
            qtbot.waitUntil(lambda w=window: not isValid(w) or not w.isVisible(), timeout=10000)


class _Waiter:
    """qtbot's waitUntil, for helpers called where no qtbot is at hand."""

    @staticmethod
    def waitUntil(predicate: Callable[[], bool], timeout: int = 5000) -> None:
        deadline = time.monotonic() + timeout / 1000
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout} ms in vain")
            QTest.qWait(5)


def settle(qtbot, window: MainWindow, timeout: int = 5000) -> None:
    """Wait until every call the window asked for is done and the list is read."""
    (qtbot or _Waiter).waitUntil(lambda: not window.busy, timeout=timeout)


def open_incident(qtbot, window: MainWindow, incident_id: int) -> None:
    """Open `incident_id` as a click in the list would, and wait until the editor shows it."""
    settle(qtbot, window)
    window.list_pane.select_id(incident_id)
    settle(qtbot, window)  # the save of pending edits, then the reading of the record
    (qtbot or _Waiter).waitUntil(
        lambda: (
            window.has_editor
            and window.editor.incident is not None
            and window.editor.incident.id == incident_id
        ),
        timeout=5000,
    )
    settle(qtbot, window)


def new_incident(qtbot, window: MainWindow, title: str) -> int:
    """Create an incident called `title` as the app does, and wait until the editor shows it."""
    settle(qtbot, window)
    window.create_incident(title)
    (qtbot or _Waiter).waitUntil(
        lambda: (
            window.has_editor
            and window.editor.incident is not None
            and window.editor.incident.title == title.strip()
        ),
        timeout=5000,
    )
    settle(qtbot, window)
    incident_id = window.editor.incident.id
    assert incident_id is not None
    return incident_id


def save_and_wait(qtbot, window: MainWindow) -> bool:
    """Save the editor's pending edits (Ctrl+S) and wait for the answer; True if stored."""
    answers: list[bool] = []
    window.editor.save_then(answers.append)
    (qtbot or _Waiter).waitUntil(lambda: bool(answers), timeout=5000)
    settle(qtbot, window)
    return answers[0]


def _when_modal(action: Callable[[QWidget], None]) -> None:
    def attempt(tries: int = 0) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QDialog):
            action(widget)
        elif tries < 1500:  # up to 15 s: the dialog may wait for work off the GUI thread
            QTimer.singleShot(10, lambda: attempt(tries + 1))

    QTimer.singleShot(0, attempt)


@pytest.fixture
def when_modal() -> Callable[[Callable[[QWidget], None]], None]:
    """Run an action on the next modal dialog once it is shown (for exec()-style dialogs)."""
    return _when_modal


def made_off_the_gui_thread(
    monkeypatch: pytest.MonkeyPatch, window: MainWindow, name: str, service: type
) -> list[bool]:
    """Forget the workspace's service `name` (as just after start: made on first use) and
    record, for each `service` made from now on, whether the GUI thread made it."""
    window.workspace.__dict__.pop(name, None)
    assert not window.workspace.made(name)
    made_on: list[bool] = []
    original = service.__init__

    def recording(self, *args, **kwargs):
        made_on.append(threading.current_thread() is threading.main_thread())
        original(self, *args, **kwargs)

    monkeypatch.setattr(service, "__init__", recording)
    return made_on
