"""Starting the GUI: the application object, the look, error handling and the first window.

Start-up imports only what the first paint needs: PySide6, the main window and the list. The
database opens off the GUI thread while the window is already on screen.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from hindsight import __version__
from hindsight.paths import data_dir, default_database_path
from hindsight.store.postgres_url import ServerAddress, is_server_url
from hindsight.ui.idle_collector import IdleCollector
from hindsight.ui.keyboard import install_alt_letter_guard
from hindsight.ui.main_window import MainWindow
from hindsight.ui.operations import bug_message, report_bug
from hindsight.ui.qt_helpers import release_clipboard
from hindsight.ui.startup_timing import StartupTiming

log = logging.getLogger(__name__)
IDLE_START_MS = 800  # without a first incident, held-back work starts this long after opening


def app_settings() -> QSettings:
    """Window state and recent files, kept in the user data directory."""
    return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def application() -> QApplication:
    """The QApplication, made once and styled (the one place that makes it)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    if app.applicationName() != "Hindsight":
        configure(app)
    return app


def configure(app: QApplication) -> None:
    """Name and style the application."""
    app.setApplicationName("Hindsight")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Hindsight")
    # No style sheet on the whole application: ui/look.py styles the widgets that need it.
    install_alt_letter_guard(app)  # an Alt+letter that no shortcut takes types nothing
    app.aboutToQuit.connect(release_clipboard)  # a copied chart must not crash the exit


def _report_bug(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    # A bug: keep the traceback in the log, tell the user where it is, keep running.
    if issubclass(kind, KeyboardInterrupt):  # Ctrl+C reached Python code: quit, as asked
        QTimer.singleShot(0, QApplication.closeAllWindows)
        return
    report_bug(value.with_traceback(tb))
    from PySide6.QtWidgets import QMessageBox  # not at start-up: its class costs the first paint

    QMessageBox.critical(None, "Unexpected error", bug_message(value))


def quit_on_interrupt(app: QApplication) -> None:
    """Let Ctrl+C in the terminal that started the app (SIGINT) close its windows as Quit does:
    each saves first, and asks about what it cannot save (for the app's whole run).

    Python runs its signal handlers only between its own instructions, which an idle Qt event
    loop never reaches: the signal also writes to a pipe Qt watches, so the handler runs at
    once. (Python's default handler raised KeyboardInterrupt in whatever code ran next, which
    the app then showed as an internal error with no message.) Not on Windows, whose wake-up
    needs a socket: there the excepthook's fallback quits at the next Python code.
    """
    import contextlib
    import os
    import signal

    if sys.platform == "win32":
        return
    from PySide6.QtCore import QSocketNotifier

    reader, writer = os.pipe()
    os.set_blocking(reader, False)
    os.set_blocking(writer, False)
    signal.set_wakeup_fd(writer)
    signal.signal(signal.SIGINT, lambda *_: QTimer.singleShot(0, app.closeAllWindows))
    notifier = QSocketNotifier(reader, QSocketNotifier.Type.Read, app)

    def woken() -> None:
        with contextlib.suppress(BlockingIOError):
            os.read(reader, 64)  # the signal numbers written; the handler has run by now

    notifier.activated.connect(woken)


def show_start_problem(text: str) -> None:
    """Say why the app cannot start (its data folder cannot be used, say)."""
    application()
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, "Hindsight cannot start", text)


def start_path(
    explicit: Path | ServerAddress | None, settings: QSettings
) -> tuple[Path | ServerAddress, str]:
    """The database to open, and a note for the user when it is not the one they had last.

    A path given on the command line wins; else the database open when the app last closed,
    if it still exists; else the default database.
    """
    if explicit is not None:
        return explicit, ""
    last = settings.value("lastDatabase")
    if isinstance(last, str) and last:
        if is_server_url(last):  # a team database: opening it says if it is gone
            return ServerAddress.parse(last), ""
        if Path(last).is_file():
            return Path(last), ""
        note = (
            f"The database you had open last time, {last}, is no longer there; "
            "this is the default database. Use File ▸ Open Database to find yours."
        )
        return default_database_path(), note
    return default_database_path(), ""


def run_app(
    path: Path | ServerAddress | None, *, demo: bool = False, timing: StartupTiming | None = None
) -> int:
    """Show the main window, open the database (the last one when `path` is None), run."""
    app = application()
    if timing is not None:
        timing.mark("QApplication")
    sys.excepthook = _report_bug
    settings = app_settings()
    window = MainWindow(None, settings, demo=demo)
    window.until_shown = []
    IdleCollector(window.ops, window)  # full collections wait until the window's work pauses
    target, note = start_path(path, settings)
    if timing is not None:
        timing.watch(window)
    window.open_path(target)  # reading starts off the GUI thread while the window shows
    window.show()
    QTimer.singleShot(0, lambda: quit_on_interrupt(app))  # after the first paint
    window.incidentShown.connect(lambda _id: freeze_startup_heap(), type=_single_shot())
    window.incidentShown.connect(lambda _id: after_first_incident(window))
    # A user who opens nothing: the rest loads once the window has been idle a moment.
    window.workspaceReady.connect(
        lambda _ws: QTimer.singleShot(IDLE_START_MS, window, lambda: after_first_incident(window))
    )
    if note:
        window.workspaceReady.connect(
            lambda _ws: window.statusBar().showMessage(note, 20000), type=_single_shot()
        )
    return app.exec()


def after_first_incident(window: MainWindow) -> None:
    """Run what start-up held back (the follow-up count), then load the remaining services.

    A window on a file is usable, and opens its first incident, before the ORM loads
    (services/workspace.py): work that needs the ORM waits until the first incident is shown
    (or the window has been idle a moment), so that the first click is not queued behind it on
    the database lane.
    """
    held, window.until_shown = window.until_shown, None
    for work in held or ():
        work()
    prepare_services(window)


def prepare_services(window: MainWindow) -> None:
    """Make the workspace's remaining services on the database lane.

    Loading them when the user has what they asked for on screen spares the first save or
    search the wait. The objects made live as long as the window: out of the collector's
    reach too (gc.freeze).
    """
    workspace = window.workspace
    if workspace is None or workspace.prepared:
        return
    window.ops.run(
        lambda ws: ws.prepare(),
        lambda _none: freeze_startup_heap(),
        owner=window,
        what="load the database's services",
    )


def freeze_startup_heap() -> None:
    """Keep what start-up built out of the garbage collector's full passes.

    A full collection walks every object the collector tracks; with Qt's wrappers, SQLAlchemy
    and an open record that paused the GUI thread about 150 ms in the middle of typing
    (bench/responsiveness.py: 29 ms without collections). What exists once the first incident
    is shown lives as long as the window, so it is moved out of the collector's reach
    (gc.freeze); objects made later are collected as before.
    """
    import gc

    gc.freeze()


def _single_shot():
    from PySide6.QtCore import Qt

    return Qt.ConnectionType.SingleShotConnection
