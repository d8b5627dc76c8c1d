"""Starting the GUI: the application object, the look, error handling and the first window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from hindsight import __version__
from hindsight.logging_setup import configure_logging
from hindsight.paths import data_dir, resources_dir
from hindsight.services.errors import StoreError
from hindsight.services.workspace import Workspace
from hindsight.ui.keyboard import install_alt_letter_guard
from hindsight.ui.main_window import DB_FILTER, MainWindow

log = logging.getLogger(__name__)


def app_settings() -> QSettings:
    """Window state and recent files, kept in the user data directory."""
    return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def application() -> QApplication:
    """The QApplication, made once and styled."""
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
    app.setStyleSheet((resources_dir() / "style.qss").read_text(encoding="utf-8"))
    install_alt_letter_guard(app)  # Alt+letter that no shortcut takes types nothing


def _report_bug(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    # A bug: keep the traceback in the log, tell the user where it is, keep running.
    log.error("unexpected error", exc_info=(kind, value, tb))
    QMessageBox.critical(
        None,
        "Unexpected error",
        f"Hindsight hit an internal error: {value}.\nYour saved work is safe. "
        f"The details are in {configure_logging()}.",
    )


def open_or_ask(path: Path) -> Workspace | None:
    """Open `path`; if it cannot be used, explain and offer another file or a new one."""
    while True:
        try:
            return Workspace.open(path)
        except StoreError as error:
            box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open database", error.message)
            other = box.addButton("Open Another…", QMessageBox.ButtonRole.AcceptRole)
            new = box.addButton("New Database…", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is other:
                name, _ = QFileDialog.getOpenFileName(
                    None, "Open database", str(data_dir()), DB_FILTER
                )
            elif box.clickedButton() is new:
                name, _ = QFileDialog.getSaveFileName(
                    None, "New database", str(data_dir() / "incidents.sqlite"), DB_FILTER
                )
            else:
                return None
            if not name:
                return None
            path = Path(name)


def run_app(path: Path, *, demo: bool = False) -> int:
    """Show the main window on the database at `path` and run until it closes."""
    app = application()
    sys.excepthook = _report_bug
    workspace = open_or_ask(path)
    if workspace is None:
        return 1
    window = MainWindow(workspace, app_settings(), demo=demo)
    window.show()
    return app.exec()
