"""File ▸ Import…: pick a JSON export, say what to do with keys that exist, import it.

The whole file is read and checked before anything is written, and written in one
transaction, so an import either brings every incident of the file or none of them. Both steps
run through the window's operations runner, off the GUI thread, behind a progress box whose
Cancel stops the reading.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from shiboken6 import isValid

from hindsight.paths import data_dir
from hindsight.services.errors import HindsightError
from hindsight.services.importer import ImportPlan, ImportResult, ImportService
from hindsight.ui import file_dialogs, messages
from hindsight.ui.operations import Operations, Task, report_bug

if TYPE_CHECKING:
    from hindsight.services.workspace import Workspace

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
    parent: QWidget,
    ops: Operations,
    path: Path | None = None,
    done: Callable[[ImportResult], None] | None = None,
) -> Task | None:
    """Import `path` (asked for when None) through `ops`, off the GUI thread.

    Reading and checking the file can be cancelled; writing is one short transaction and
    runs to its end. `done(result)` is called when something was imported. Returns the task
    reading the file, or None when no file was chosen.
    """
    if path is None:
        name, _ = file_dialogs.get_open_file_name(
            parent, "Import incidents", str(data_dir()), JSON_FILTER
        )
        if not name:
            return None
        path = Path(name)
    chosen = path
    progress = QProgressDialog(f"Reading {chosen.name}…", "Cancel", 0, 0, parent)
    progress.setObjectName("importProgress")
    progress.setWindowTitle("Import")
    progress.setMinimumDuration(400)  # quick imports never flash a box

    def finish() -> None:
        if isValid(progress):  # a cancelled box is already on its way out
            progress.reset()
            progress.deleteLater()

    def refused(error: Exception) -> None:
        finish()
        if not isinstance(error, HindsightError):
            report_bug(error, "import")
        messages.show_error(parent, "Cannot import", str(error))

    def read(workspace: Workspace, task: Task) -> ImportPlan:
        plan = ImportService(workspace).read(chosen)
        task.check()  # cancelled while reading: nothing more to do
        return plan

    def checked(plan: ImportPlan) -> None:
        if task.cancelled:
            finish()
            return
        policy = "fail"
        if plan.conflicts:
            finish()
            choice = ask_conflict(parent, plan.conflicts, ops.workspace.path)
            if choice is None:
                finish()
                return
            policy = choice
        if isValid(progress):
            progress.setLabelText(f"Importing {len(plan.bundles)} incident(s)…")
            progress.setCancelButton(None)  # one transaction: all or nothing, quickly

        def imported(result: ImportResult) -> None:
            finish()
            show_result(parent, result)
            if done is not None and result.imported:
                done(result)

        ops.run_long(
            lambda workspace, _task: ImportService(workspace).apply(plan, policy),
            imported,
            owner=parent,
            failed=refused,
            what="import",
            on_database_lane=True,
        )

    task = ops.run_long(read, checked, owner=parent, failed=refused, what="read the import")
    progress.canceled.connect(task.cancel)
    progress.canceled.connect(progress.deleteLater)  # nothing comes back from a cancelled read
    return task


def open_import(window: Any) -> Task | None:
    """File ▸ Import… from the main window; the incident list shows what arrived."""
    if window.has_editor and window.editor.dirty:
        window.editor.save_then(lambda stored: open_import(window) if stored else None)
        return None
    # The import announces what it changed on the runner; the list reads itself again.
    return import_file(window, window.ops)
