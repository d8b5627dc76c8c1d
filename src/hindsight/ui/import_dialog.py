"""File ▸ Import…: pick a JSON export, say what to do with keys that exist, import it.

The whole file is read and checked before anything is written, and written in one
transaction, so an import either brings every incident of the file or none of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from hindsight.paths import data_dir
from hindsight.services.errors import StoreError, ValidationError
from hindsight.services.importer import ImportResult, ImportService
from hindsight.ui import messages

JSON_FILTER = "Hindsight exports (*.json);;All files (*)"


def ask_conflict(parent: QWidget | None, keys: list[str], database: Path) -> str | None:
    """Ask what to do with incidents whose key exists here: "skip", "rename", or None."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Keys already in use",
        f"{', '.join(keys)} already exist{'s' if len(keys) == 1 else ''} in {database.name}.\n\n"
        "Skip those incidents, or import them under new keys? Nothing in the database is "
        "overwritten either way.",
        parent=parent,
    )
    rename = box.addButton("Import Under New Keys", QMessageBox.ButtonRole.AcceptRole)
    skip = box.addButton("Skip Them", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(rename)
    box.exec()
    clicked = box.clickedButton()
    if clicked is rename:
        return "rename"
    return "skip" if clicked is skip else None


def show_result(parent: QWidget | None, result: ImportResult) -> None:
    """Say what the import did."""
    QMessageBox.information(parent, "Import finished", result.summary())


def import_file(
    parent: QWidget | None, workspace: Any, path: Path | None = None
) -> ImportResult | None:
    """Import `path` (asked for when None) into `workspace`; None if cancelled or refused."""
    if path is None:
        name, _ = QFileDialog.getOpenFileName(
            parent, "Import incidents", str(data_dir()), JSON_FILTER
        )
        if not name:
            return None
        path = Path(name)
    service = ImportService(workspace)
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        plan = service.read(path)
    except (ValidationError, StoreError) as error:
        QGuiApplication.restoreOverrideCursor()
        messages.show_error(parent, "Cannot import", str(error))
        return None
    QGuiApplication.restoreOverrideCursor()
    policy = "fail"
    if plan.conflicts:
        choice = ask_conflict(parent, plan.conflicts, workspace.path)
        if choice is None:
            return None
        policy = choice
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = service.apply(plan, policy)
    except (ValidationError, StoreError) as error:
        QGuiApplication.restoreOverrideCursor()
        messages.show_error(parent, "Cannot import", str(error))
        return None
    QGuiApplication.restoreOverrideCursor()
    show_result(parent, result)
    return result


def open_import(window: Any) -> ImportResult | None:
    """File ▸ Import… from the main window; the incident list shows what arrived."""
    if window.has_editor and window.editor.dirty:
        window.editor.save_then(lambda stored: open_import(window) if stored else None)
        return None
    # The import records what it changed; the list reads itself again from that.
    return import_file(window, window.workspace)
