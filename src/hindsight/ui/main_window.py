"""The main window: incident list on the left, the editor (or a welcome page) on the right."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolButton,
)

from hindsight.paths import data_dir
from hindsight.services.demo import write_demo_database
from hindsight.services.errors import NotFoundError, StoreError, ValidationError
from hindsight.services.workspace import Workspace
from hindsight.ui import messages
from hindsight.ui.background import run_in_background
from hindsight.ui.editor.incident_editor import IncidentEditor
from hindsight.ui.followups.integration import FollowUpsIntegration
from hindsight.ui.incident_list import IncidentListPane, summary_of
from hindsight.ui.insights.integration import InsightsIntegration
from hindsight.ui.operations import Operations
from hindsight.ui.welcome import PickPage, WelcomePage

log = logging.getLogger(__name__)

MAX_RECENT = 8
DB_FILTER = "Hindsight databases (*.sqlite *.db);;All files (*)"


class MainWindow(QMainWindow):
    """One window on one open database."""

    def __init__(self, workspace: Workspace, settings: QSettings, *, demo: bool = False) -> None:
        super().__init__()
        self.settings = settings
        self.demo = demo
        self.workspace = workspace
        # Every service call of this window and its views goes through here, off this thread.
        self.ops = Operations(workspace, self)
        self.setMinimumSize(1040, 640)
        self.resize(1280, 800)

        self.list_pane = IncidentListPane()
        self.welcome = WelcomePage()
        self.pick = PickPage()
        self.editor = self._make_editor(workspace)
        self.stack = QStackedWidget()
        for page in (self.welcome, self.pick, self.editor):
            self.stack.addWidget(page)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.list_pane)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([470, 810])
        self.setCentralWidget(self.splitter)

        self.path_label = QLabel()
        self.save_label = QLabel("Saved")
        self.save_label.setObjectName("saveState")
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addPermanentWidget(self.save_label)

        self._build_actions()
        self._build_menus()
        self.followups_ui = FollowUpsIntegration(self)  # Triage view, attention count
        self.insights_ui = InsightsIntegration(self)  # Insights view, insights report
        self._only: QToolButton | None = None  # the banner of a list narrowed by Insights
        self.welcome.createRequested.connect(self.new_incident)
        self.welcome.demoRequested.connect(self.open_demo)
        self.list_pane.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._shown_id: int | None = None
        self._restore_window_state()
        self._show_workspace()

    # Construction

    def _make_editor(self, workspace: Workspace) -> IncidentEditor:
        editor = IncidentEditor(workspace, self.ops)
        editor.saveStateChanged.connect(lambda text: self.save_label.setText(text))
        editor.incidentSaved.connect(self._incident_saved)
        return editor

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.new_db_action = self._action("&New Database…", self.new_database, "Ctrl+Shift+N")
        self.open_db_action = self._action("&Open Database…", self.choose_database, keys.Open)
        self.backup_action = self._action("&Back Up Now", self.backup_now, "Ctrl+Shift+B")
        self.export_action = self._action("&Export…", self.export_dialog, "Ctrl+E")
        self.import_action = self._action("&Import…", self.import_file)
        self.quit_action = self._action("&Quit", self.close, keys.Quit)
        self.new_incident_action = self._action("&New Incident…", self.new_incident, keys.New)
        self.save_action = self._action("&Save Now", self.save_now, keys.Save)
        self.delete_action = self._action("&Delete Incident…", self.delete_incident)
        self.find_action = self._action("&Find Incident", self.focus_filter, keys.Find)
        self.bank_action = self._action("&Question Bank…", self.choose_bank)
        self.undo_action = self._action("&Undo", lambda: self.editor.undo_stack.undo(), keys.Undo)
        self.redo_action = self._action("&Redo", lambda: self.editor.undo_stack.redo(), keys.Redo)
        self._connect_undo_state()

    def _connect_undo_state(self) -> None:
        stack = self.editor.undo_stack
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.undoTextChanged.connect(lambda t: self.undo_action.setText(f"&Undo {t}".strip()))
        stack.redoTextChanged.connect(lambda t: self.redo_action.setText(f"&Redo {t}".strip()))
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())

    def _build_menus(self) -> None:
        file_menu = self.file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.new_db_action)
        file_menu.addAction(self.open_db_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        incident_menu = self.menuBar().addMenu("&Incident")
        incident_menu.addAction(self.new_incident_action)
        incident_menu.addAction(self.save_action)
        incident_menu.addSeparator()
        incident_menu.addAction(self.delete_action)
        self.view_menu = self.menuBar().addMenu("&View")
        # Features add their preference dialogs here.
        self.settings_menu = self.menuBar().addMenu("&Settings")
        self.settings_menu.addAction(self.bank_action)
        # The editor is replaced when another database opens: look it up when triggered.
        self.pii_patterns_action = self.settings_menu.addAction("&PII Patterns…")
        self.pii_patterns_action.triggered.connect(lambda: self.editor.privacy.edit_patterns())
        self._fill_recent_menu()

    # Workspace

    def _show_workspace(self) -> None:
        path = self.workspace.path
        suffix = " (demo, temporary copy)" if self.demo else ""
        self.setWindowTitle(f"Hindsight — {path.name}{suffix}")
        self.path_label.setText(f"Database: {path}{suffix}")
        self.list_pane.model.set_summaries(self.workspace.incidents.summaries())
        self._shown_id = None
        self._show_page()
        self.followups_ui.workspace_changed()
        self.insights_ui.workspace_changed()
        self.clear_incident_filter()
        if not self.demo:
            self._remember_recent(path)

    def _show_page(self) -> None:
        if self._shown_id is not None:
            self.stack.setCurrentWidget(self.editor)
        elif self.list_pane.model.rowCount() == 0:
            self.stack.setCurrentWidget(self.welcome)
        else:
            self.stack.setCurrentWidget(self.pick)
        has_incident = self._shown_id is not None
        self.delete_action.setEnabled(has_incident)
        self.save_action.setEnabled(has_incident)

    def open_database(self, path: Path) -> bool:
        """Switch to the database at `path`; on failure say why and keep the current one."""
        if not self.editor.flush():
            return False
        try:
            workspace = Workspace.open(path)
        except StoreError as error:
            messages.show_error(self, "Cannot open database", error.message)
            return False
        old = self.workspace
        self.workspace = workspace
        self.ops.set_workspace(workspace)
        self.demo = False
        old_editor = self.editor
        self.editor = self._make_editor(workspace)
        self.stack.removeWidget(old_editor)
        self.stack.addWidget(self.editor)
        old_editor.deleteLater()
        self._connect_undo_state()
        self.ops.wait_for_lane()  # calls asked of the old database finish before it closes
        old.close()
        self._show_workspace()
        return True

    def choose_database(self) -> None:
        """Ask for a database file and open it."""
        name, _ = QFileDialog.getOpenFileName(self, "Open database", str(data_dir()), DB_FILTER)
        if name:
            self.open_database(Path(name))

    def new_database(self) -> None:
        """Ask where to create a new, empty database and open it."""
        name, _ = QFileDialog.getSaveFileName(
            self, "New database", str(data_dir() / "incidents.sqlite"), DB_FILTER
        )
        if not name:
            return
        path = Path(name)
        if path.exists():
            messages.show_error(
                self,
                "File exists",
                f"{path} already exists. Use Open Database to open it, or pick a new name.",
            )
            return
        self.open_database(path)

    def open_demo(self) -> None:
        """Open (creating it the first time) the demo database in the data folder."""
        path = data_dir() / "demo.sqlite"
        if not path.exists():
            try:
                write_demo_database(path)
            except (StoreError, ValidationError) as error:
                messages.show_error(self, "Cannot create the demo", str(error))
                return
        self.open_database(path)

    def backup_now(self) -> None:
        """Copy the open database to the backups folder, off the GUI thread."""
        self.backup_action.setEnabled(False)
        self.statusBar().showMessage("Backing up…")

        def done(written: Path) -> None:
            self.backup_action.setEnabled(True)
            self.statusBar().showMessage(f"Backed up to {written}", 8000)

        def failed(error: Exception) -> None:
            self.backup_action.setEnabled(True)
            self.statusBar().clearMessage()
            if not isinstance(error, StoreError):
                log.error("backup failed", exc_info=error)
            text = error.message if isinstance(error, StoreError) else f"Backup failed: {error}"
            messages.show_error(self, "Backup failed", text)

        run_in_background(self, self.workspace.backup, done, failed)

    def export_dialog(self) -> None:
        """Export the open incident, or all of them (Ctrl+E)."""
        from hindsight.ui.export_dialog import open_export

        open_export(self)

    def import_file(self) -> None:
        """Import incidents from a Hindsight JSON export."""
        from hindsight.ui.import_dialog import open_import

        open_import(self)

    # Recent databases

    def recent_paths(self) -> list[str]:
        """Recently opened databases, most recent first."""
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def _remember_recent(self, path: Path) -> None:
        paths = [str(path), *[p for p in self.recent_paths() if p != str(path)]]
        self.settings.setValue("recent", paths[:MAX_RECENT])
        self.settings.setValue("lastDatabase", str(path))
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent_paths()
        for number, name in enumerate(paths, start=1):
            action = self.recent_menu.addAction(f"&{number} {name}")
            action.triggered.connect(lambda _=False, p=name: self.open_database(Path(p)))
        self.recent_menu.setEnabled(bool(paths))

    # Incidents

    def _selection_changed(self) -> None:
        incident_id = self.list_pane.selected_id()
        if incident_id == self._shown_id:
            return
        if not self.editor.flush():
            # Stay on the incident whose edits are not saved yet.
            if self._shown_id is not None:
                self.list_pane.table.selectionModel().blockSignals(True)
                self.list_pane.select_id(self._shown_id)
                self.list_pane.table.selectionModel().blockSignals(False)
            return
        self.show_incident(incident_id)

    def show_incident(self, incident_id: int | None) -> None:
        """Open `incident_id` in the editor (None shows the pick page)."""
        if incident_id is None:
            self._shown_id = None
        else:
            try:
                incident = self.workspace.incidents.get(incident_id)
            except (StoreError, NotFoundError) as error:
                messages.show_error(self, "Cannot open incident", str(error))
                return
            self.editor.load(incident)
            self._shown_id = incident_id
        self._show_page()

    def create_incident(self, title: str) -> int | None:
        """Create an incident called `title`, select it and start editing it."""
        try:
            incident = self.workspace.incidents.create(title.strip())
        except (StoreError, ValidationError) as error:
            messages.show_error(self, "Cannot create incident", str(error))
            return None
        assert incident.id is not None
        self.list_pane.search.clear()
        self.list_pane.phase.setCurrentIndex(0)
        self.list_pane.severity.setCurrentIndex(0)
        self.list_pane.model.upsert(summary_of(incident))
        self.list_pane.select_id(incident.id)
        self.editor.tabs.setCurrentIndex(0)
        self.editor.overview.title.setFocus()
        return incident.id

    def new_incident(self) -> None:
        """Ask for a title and create the incident."""
        if not self.editor.flush():
            return
        title, ok = QInputDialog.getText(self, "New incident", "Title of the incident:")
        if ok and title.strip():
            self.create_incident(title)

    def delete_incident(self) -> None:
        """Delete the open incident after confirmation."""
        if self._shown_id is None or self.editor.incident is None:
            return
        key = self.editor.incident.key
        if not messages.confirm(
            self,
            "Delete incident",
            f"Delete {key} and everything recorded about it? This cannot be undone.",
            "Delete",
        ):
            return
        try:
            self.workspace.incidents.delete(self._shown_id)
        except (StoreError, NotFoundError) as error:
            messages.show_error(self, "Cannot delete incident", str(error))
            return
        self.editor.autosaver.discard()
        self.list_pane.model.remove(self._shown_id)
        self._shown_id = None
        self._show_page()

    def _incident_saved(self, incident) -> None:
        self.list_pane.model.upsert(summary_of(incident))

    def save_now(self) -> None:
        """Save pending edits at once (Ctrl+S)."""
        if self.editor.flush():
            self.statusBar().showMessage("Saved", 3000)

    def choose_bank(self) -> None:
        """Show which question bank is in use and let the user pick another."""
        from hindsight.ui.review.bank_dialog import BankDialog

        BankDialog(self.workspace.review, self).exec()
        self.editor.refresh()

    def show_incidents(self, ids: set[int], label: str) -> None:
        """List only the incidents `ids`, with a banner saying why (`label`) and how to undo it."""
        if self._only is None:
            self._only = QToolButton()
            self._only.setObjectName("listNarrowed")
            self._only.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self._only.clicked.connect(self.clear_incident_filter)
            self.list_pane.layout().insertWidget(0, self._only)
        self.list_pane.search.clear()
        self.list_pane.phase.setCurrentIndex(0)
        self.list_pane.severity.setCurrentIndex(0)
        self.list_pane.proxy.set_ids(ids)
        count = f"{len(ids)} incident{'s' if len(ids) != 1 else ''}"
        self._only.setText(f"{count} — {label}   ✕ Show all")
        self._only.setToolTip("Click to list every incident again")
        self._only.show()
        self.raise_()
        self.activateWindow()

    def clear_incident_filter(self) -> None:
        """List every incident again after show_incidents()."""
        self.list_pane.proxy.set_ids(None)
        if self._only is not None:
            self._only.hide()

    def focus_filter(self) -> None:
        """Put the cursor in the incident filter (Ctrl+F)."""
        self.list_pane.search.setFocus()
        self.list_pane.search.selectAll()

    # Window state

    def _restore_window_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window/splitter")
        if state is not None:
            self.splitter.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.editor.flush() and not messages.confirm(
            self,
            "Unsaved changes",
            "Your latest edits could not be saved. Quit anyway and lose them?",
            "Quit without saving",
        ):
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()
        self.followups_ui.close()
        self.insights_ui.workspace_changed()
        self.ops.wait_for_lane()
        self.workspace.close()
        event.accept()
