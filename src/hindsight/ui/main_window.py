"""The main window: incident list on the left, the editor (or a welcome page) on the right.

The window shows at once. Opening a database happens off the GUI thread in two parts that
overlap: the list's first page is read through a plain SQLite connection (store/listing.py)
while the rest of the app (SQLAlchemy, migrations) loads; the editor is built when the
database is open and the window has painted. Every service call goes through `self.ops`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from hindsight.core.listing import ListColumn
from hindsight.ui import messages
from hindsight.ui.incident_list import DEFAULT_HIDDEN, IncidentListPane
from hindsight.ui.insights.integration import InsightsIntegration
from hindsight.ui.look import styled
from hindsight.ui.operations import Operations
from hindsight.ui.qt_helpers import place_window
from hindsight.ui.search.integration import SearchIntegration
from hindsight.ui.undo import UndoRouter
from hindsight.ui.welcome import PickPage, WelcomePage
from hindsight.ui.window_database import DatabaseDoor

if TYPE_CHECKING:
    from hindsight.core.incident import Incident
    from hindsight.services.changes import Changes
    from hindsight.services.export_process import ExportProcess
    from hindsight.services.workspace import Workspace
    from hindsight.store.postgres_url import ServerAddress
    from hindsight.ui.editor.incident_editor import IncidentEditor
    from hindsight.ui.followups.integration import FollowUpsIntegration
    from hindsight.ui.recovery import RecoveryJournal

log = logging.getLogger(__name__)

MAX_RECENT = 8
DB_FILTER = "Hindsight databases (*.sqlite *.db);;All files (*)"
LIST_REFRESH_MS = 30  # gather a burst of changes into one reread of the list
LIST_SHARE = 0.395  # of the window's width, for the incident list when no split was saved
EDITOR_LEAST_WIDTH = 340  # the editor pane, however the splitter is dragged (not collapsed)
EDITOR_ROOMY = 640  # the editor pane's width for its tabs side by side without scroll arrows


# List columns added after the hidden ones were first saved (they were not in that choice).
COLUMNS_ADDED_LATER = frozenset({"IMPACT"})


class MainWindow(QMainWindow):
    """One window on one open database."""

    workspaceReady = Signal(object)  # the Workspace, once open (and after each switch)
    incidentShown = Signal(int)  # the editor shows this incident now

    def __init__(
        self,
        workspace: Workspace | None,
        settings: QSettings,
        *,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.demo = demo
        self.workspace: Workspace | None = None
        # Every service call of this window and its views goes through here, off this thread.
        self.ops = Operations(None, self)
        self.ops.changed.connect(self._changed)
        self._editor: IncidentEditor | None = None
        self.journal: RecoveryJournal | None = None
        self.export_helper: ExportProcess | None = None  # made on the first export
        self.followups_ui: FollowUpsIntegration | None = None
        # At start-up (ui/app.py) work that loads the ORM waits here for the first incident.
        self.until_shown: list[Callable[[], None]] | None = None
        self._shown_id: int | None = None
        self._loading_id: int | None = None
        self._closing = False
        self._saving_to_close = False
        self._quit_confirmed = False
        self.setMinimumSize(720, 480)

        self.list_pane = IncidentListPane(self.ops)
        self.welcome = WelcomePage()
        self.pick = PickPage()
        self.opening = QLabel("Opening…")
        styled(self.opening, "hint")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        for page in (self.opening, self.welcome, self.pick):
            self.stack.addWidget(page)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.list_pane)
        self.splitter.addWidget(self.stack)
        # The editor's own least width (about 480 pixels) and the list's did not fit a small
        # window side by side: a splitter dragged back from the right then pushed the list
        # off the window's left edge. The editor scrolls and cuts its texts below this.
        self.stack.setMinimumWidth(EDITOR_LEAST_WIDTH)
        self.splitter.setStretchFactor(1, 1)
        self._splitter_restored = False
        self._split_checked = False  # a restored split is checked once, when first shown
        self.setCentralWidget(self.splitter)

        self.path_label = QLabel()
        self.path_label.setTextFormat(Qt.TextFormat.PlainText)
        self.save_label = QLabel("Saved")
        styled(self.save_label, "saveState")
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addPermanentWidget(self.save_label)
        # Shown while the recovery journal cannot write (a full disk, a read-only data folder).
        self.journal_label = QLabel("⚠ Crash recovery off")
        styled(self.journal_label, "problem")
        self.journal_label.hide()
        self.statusBar().addPermanentWidget(self.journal_label)

        self.door = DatabaseDoor(self)
        self._build_actions()
        self._build_menus()
        # Cheap: the Insights view (and matplotlib) load when first opened.
        self.insights_ui = InsightsIntegration(self)
        # Ctrl+Z in the editor's fields is Edit > Undo: one history, one label (ui/undo.py).
        UndoRouter(self, self._in_editor)
        self.search_ui = SearchIntegration(self)
        self._list_refresh = QTimer(self, singleShot=True, interval=LIST_REFRESH_MS)
        self._list_refresh.timeout.connect(self.list_pane.reload)
        self.welcome.createRequested.connect(self.new_incident)
        self.welcome.demoRequested.connect(self.door.open_demo)
        self.list_pane.chosen.connect(self._chosen)
        self.list_pane.outsideChanged.connect(self._changed_elsewhere)
        self.list_pane.model.reloaded.connect(self._show_page)
        self._restore_window_state()
        self._show_page()
        if workspace is not None:
            self.adopt(workspace, demo=demo)

    # The editor, built once a database is open

    @property
    def editor(self) -> IncidentEditor:
        """The incident editor (built the first time it is needed)."""
        if self._editor is None:
            if self.workspace is None:
                raise RuntimeError("the editor needs an open database")
            self._editor = self._make_editor(self.workspace)
        return self._editor

    def _in_editor(self, widget: QWidget) -> bool:
        return self._editor is not None and self._editor.isAncestorOf(widget)

    @property
    def busy(self) -> bool:
        """True while a call is on its way or the list is about to be read again."""
        return self.ops.busy or self._list_refresh.isActive() or self.list_pane.busy

    @property
    def has_editor(self) -> bool:
        """True once the editor exists."""
        return self._editor is not None

    def _make_editor(self, workspace: Workspace) -> IncidentEditor:
        from hindsight.ui.editor.incident_editor import IncidentEditor

        editor = IncidentEditor(workspace, self.ops, journal=self.journal)
        editor.saveStateChanged.connect(self.save_label.setText)
        # A save, or a reload of someone else's version: the list row may say something else.
        editor.incidentSaved.connect(lambda _stored: self._list_refresh.start())
        self.stack.addWidget(editor)
        self._connect_undo_state(editor)
        editor.schedule_team_names()
        return editor

    # Construction

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            # Every key of the platform's binding (Redo is Ctrl+Y and Ctrl+Shift+Z), not the first.
            action.setShortcuts(shortcut)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey
        door = self.door
        self.new_db_action = self._action("&New Database…", door.new_database, "Ctrl+Shift+N")
        self.open_db_action = self._action("&Open Database…", door.choose_database, keys.Open)
        self.open_team_action = self._action("Open &Team Database…", door.choose_team_database)
        self.backup_action = self._action("&Back Up Now", door.backup_now, "Ctrl+Shift+B")
        self.restore_action = self._action("Restore from Bac&kup…", door.restore_backup)
        self.export_action = self._action("&Export…", self.export_dialog, "Ctrl+E")
        self.import_action = self._action("&Import…", self.import_file)
        self.quit_action = self._action("&Quit", self.close, keys.Quit)
        self.new_incident_action = self._action("&New Incident…", self.new_incident, keys.New)
        self.save_action = self._action("&Save Now", self.save_now, keys.Save)
        self.delete_action = self._action("&Delete Incident…", self.delete_incident)
        self.find_action = self._action("&Find Incident", self.focus_filter, keys.Find)
        self.bank_action = self._action("&Question Bank…", self.choose_bank)
        # The History tab has no Alt letter left (every letter of its name is taken).
        self.history_action = self._action("Change &History", self.show_history, "Ctrl+H")
        self.name_action = self._action("Your &Name…", self.edit_display_name)
        self.undo_action = self._action("&Undo", self._undo, keys.Undo)
        self.redo_action = self._action("&Redo", self._redo, keys.Redo)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)

    def show_history(self) -> None:
        """Bring the open incident's History tab to the front."""
        if self.has_editor and self.editor.incident is not None:
            self.editor.show_tab("history")

    def edit_display_name(self) -> None:
        """Ask for the name saves are recorded under, and keep it (off the GUI thread)."""
        from hindsight.services.history import default_author, display_name, set_display_name
        from hindsight.ui.identity_dialog import DisplayNameDialog

        current = self.workspace.author if self.workspace is not None else display_name()
        dialog = DisplayNameDialog(current, default_author(), self)
        if not dialog.exec():
            return
        typed = dialog.name()

        def kept(name: str) -> None:
            if self.workspace is not None:
                self.workspace.author = name
            self.statusBar().showMessage(f"Your saves are now recorded as {name}.", 8000)

        self.ops.submit(
            lambda: set_display_name(typed), kept, owner=self, what="keep your display name"
        )

    def _undo(self) -> None:
        if self._editor is not None:
            self._editor.undo_stack.undo()

    def _redo(self) -> None:
        if self._editor is not None:
            self._editor.undo_stack.redo()

    def _journal_trouble(self, why: str) -> None:
        self.journal_label.setVisible(bool(why))
        self.journal_label.setToolTip(why)
        if why:
            self.statusBar().showMessage(why, 30000)

    def _connect_undo_state(self, editor: IncidentEditor) -> None:
        stack = editor.undo_stack
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
        file_menu.addAction(self.open_team_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
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
        incident_menu.addAction(self.history_action)
        incident_menu.addSeparator()
        incident_menu.addAction(self.delete_action)
        self.view_menu = self.menuBar().addMenu("&View")
        # Features add their preference dialogs here.
        self.settings_menu = self.menuBar().addMenu("&Settings")
        self.settings_menu.addAction(self.name_action)
        self.settings_menu.addAction(self.bank_action)
        # The editor is replaced when another database opens: look it up when triggered.
        self.pii_patterns_action = self.settings_menu.addAction("&PII Patterns…")
        self.pii_patterns_action.triggered.connect(lambda: self.editor.privacy.edit_patterns())
        self.door.fill_recent_menu()

    # The open database

    def open_path(self, path: Path | ServerAddress) -> None:
        """Open the database at `path` (off the GUI thread); explain if it cannot be used."""
        first = self.workspace is None
        self.door.open(path, first=first, demo=self.demo and first)

    def adopt(self, workspace: Workspace, *, demo: bool = False) -> None:
        """Show the open `workspace` (at start-up, or instead of the one shown)."""
        from hindsight.services.recovery import RecoveryStore
        from hindsight.store.listing import IncidentListing
        from hindsight.ui.recovery import RecoveryJournal

        old, old_editor = self.workspace, self._editor
        self.workspace = workspace
        self.demo = demo
        self.ops.set_workspace(workspace)
        if self.journal is not None:
            self.journal.close()
        self.journal = RecoveryJournal(RecoveryStore(workspace.location), self.ops, self)
        self.journal.troubleChanged.connect(self._journal_trouble)
        self._journal_trouble("")
        if old_editor is not None:
            self.stack.removeWidget(old_editor)
            old_editor.deleteLater()
            self._editor = None
        self._shown_id = None
        if self.export_helper is not None:
            self.export_helper.close(kill=True)
            self.export_helper = None
        if old is not None:
            self.insights_ui.workspace_changed()
            self.list_pane.clear_only()
            self.ops.wait_for_lane()  # calls asked of the old database finish before it closes
            old.close()
        if self.list_pane.listing_path != workspace.path:
            listing = IncidentListing.for_target(workspace.target)
            self.list_pane.set_listing(listing, workspace.path)
        elif old is not None or not self.list_pane.model.loaded:
            self.list_pane.reload()
        # Else the first database of the window: its rows were read before it opened, and
        # opening wrote nothing (a file to create or upgrade could not be listed yet), so
        # reading them again would only repaint the same rows.
        suffix = " (demo, temporary copy)" if demo else ""
        self.setWindowTitle(f"Hindsight — {workspace.name}{suffix}")
        self.path_label.setText(f"Database: {workspace.location}{suffix}")
        self._show_page()
        if not demo:
            self.door.remember_recent(workspace.location)
        self.door.watch_team(workspace)  # other people's changes, and the server's state
        # What the first paint does not need is built right after it.
        QTimer.singleShot(0, self._finish_opening)
        self.workspaceReady.emit(workspace)

    def _finish_opening(self) -> None:
        if self.workspace is None or self._closing:
            return
        self.editor  # noqa: B018  (built now, so the first click opens at once)
        if self.followups_ui is None:
            from hindsight.ui.followups.integration import FollowUpsIntegration

            self.followups_ui = FollowUpsIntegration(self)
        self.when_started(self.followups_ui.workspace_changed)
        self.door.offer_recovered_edits()
        self.door.check_integrity_later()

    def when_started(self, work: Callable[[], None]) -> None:
        """Run `work` now, or, while start-up holds back what loads the ORM, once it is over."""
        if self.until_shown is not None:
            self.until_shown.append(work)
        else:
            work()

    def _show_page(self) -> None:
        if self._shown_id is not None and self._editor is not None:
            self.stack.setCurrentWidget(self._editor)
        elif self.workspace is None and not self.list_pane.model.loaded:
            self.stack.setCurrentWidget(self.opening)
        elif self.list_pane.model.rowCount() == 0 and not self.list_pane.query().filtered:
            self.stack.setCurrentWidget(self.welcome)
        else:
            self.stack.setCurrentWidget(self.pick)
        self._update_actions()

    def _update_actions(self) -> None:
        has_incident = self._shown_id is not None
        ready = self.workspace is not None
        self.delete_action.setEnabled(has_incident)
        self.save_action.setEnabled(has_incident)
        self.history_action.setEnabled(has_incident)  # an incident's history: none open, none
        for action in (
            self.new_incident_action,
            self.backup_action,
            self.export_action,
            self.import_action,
            self.bank_action,
        ):
            action.setEnabled(ready)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.incident_list:
            self._list_refresh.start()
        editor = self._editor
        if editor is None or editor.incident is None:
            return
        incident_id = editor.incident.id
        if incident_id in changes.removed:
            editor.clear()
            self._shown_id = None
            self.list_pane.set_current(None)
            self._show_page()
        elif initiator is not editor and (changes.everything or incident_id in changes.incidents):
            editor.reload_if_clean()

    def _changed_elsewhere(self) -> None:
        # Another program wrote (or this window did, moments ago): the list and the follow-up
        # count are read again; the open incident is checked when it is saved (a conflict).
        self._list_refresh.start()
        if self.followups_ui is not None and self.until_shown is None:
            self.followups_ui.refresh_count()

    # Incidents

    def _chosen(self, incident_id: int) -> None:
        if self.workspace is None or self._is_shown(incident_id):
            return
        self._loading_id = incident_id
        if self._editor is None or not self._editor.dirty:
            self.show_incident(incident_id)
            return

        def saved(stored: bool) -> None:
            if stored:
                if self._loading_id == incident_id:
                    self.show_incident(incident_id)
            else:
                # Stay on the incident whose edits are not saved yet.
                self._loading_id = self._shown_id
                self.list_pane.set_current(self._shown_id)

        self._editor.save_then(saved)

    def _is_shown(self, incident_id: int) -> bool:
        # By key as well as id: SQLite may give a deleted incident's id to a new one.
        editor = self._editor
        if incident_id != self._shown_id or editor is None or editor.incident is None:
            return False
        row = self.list_pane.model.row_of(incident_id)
        listed = self.list_pane.model.row(row) if row is not None else None
        return listed is None or listed.key == editor.incident.key

    def show_incident(self, incident_id: int | None) -> None:
        """Open `incident_id` in the editor (None shows the pick page)."""
        if incident_id is None:
            self._shown_id = None
            self._show_page()
            return
        self._loading_id = incident_id
        journal = self.journal

        def read(ws: Workspace) -> tuple[Incident, object]:
            stored = ws.incidents.get(incident_id)
            recovered = journal.store.find(incident_id) if journal is not None else None
            return stored, recovered

        self.ops.run(
            read,
            lambda found: self._loaded(incident_id, *found),
            owner=self,
            what="open the incident",
        )

    def _loaded(self, incident_id: int, incident: Incident, recovered: object) -> None:
        if self._loading_id != incident_id:
            return  # the user went on to another incident meanwhile
        editor = self.editor
        tab = editor.current_tab() if self._shown_id is not None else None
        editor.load(incident, recovered=self.door.recovered_to_apply(incident, recovered))
        self._shown_id = incident_id
        self.list_pane.set_current(incident_id)
        if tab is not None:
            editor.show_tab(tab)  # keep the tab the user was on
        self._show_page()
        self.incidentShown.emit(incident_id)

    def open_incident(self, incident_id: int) -> None:
        """Open `incident_id` as a choice in the list does (saving pending edits first);
        nothing to do when it is open or on its way."""
        if self._loading_id != incident_id:
            self._chosen(incident_id)

    def showing(self, incident_id: int) -> bool:
        """True when the editor shows `incident_id` and no other is on its way."""
        return self._loading_id == incident_id and self._is_shown(incident_id)

    def create_incident(self, title: str) -> None:
        """Create an incident called `title`, select it and start editing it."""
        text = title.strip()

        def created(incident: Incident) -> None:
            assert incident.id is not None
            self.list_pane.clear_filters()
            self._loading_id = incident.id
            self._loaded(incident.id, incident, None)
            self.editor.show_tab("overview")
            self.editor.overview.title.setFocus()

        self.ops.run(
            lambda ws: ws.incidents.create(text), created, owner=self, what="create the incident"
        )

    def new_incident(self) -> None:
        """Ask for a title and create the incident."""
        if self.workspace is None:
            return
        from PySide6.QtWidgets import QLineEdit

        from hindsight.services.incidents import MAX_TITLE
        from hindsight.ui.one_line import one_line

        ask = QInputDialog(self)
        ask.setWindowTitle("New incident")
        ask.setLabelText("Title of the incident:")
        ask.setInputMode(QInputDialog.InputMode.TextInput)  # makes its field, to set up here
        field = ask.findChild(QLineEdit)
        if field is not None:
            # As the editor's Title field: a longer title was refused after OK and lost.
            field.setMaxLength(MAX_TITLE)
            one_line(field, "The title")
        if not ask.exec():
            return
        title = ask.textValue()
        if not title.strip():
            return
        if self._editor is not None and self._editor.dirty:
            self._editor.save_then(lambda stored: self.create_incident(title) if stored else None)
        else:
            self.create_incident(title)

    def delete_incident(self) -> None:
        """Delete the open incident after confirmation."""
        editor = self._editor
        if self._shown_id is None or editor is None or editor.incident is None:
            return
        key, incident_id = editor.incident.key, self._shown_id
        if not messages.confirm(
            self,
            "Delete incident",
            f"Delete {key} and everything recorded about it? This cannot be undone.",
            "Delete",
        ):
            return
        editor.autosaver.discard()
        if self.journal is not None:
            self.journal.forget(editor.incident)
        self.ops.run(
            lambda ws: ws.incidents.delete(incident_id),
            lambda _: self.statusBar().showMessage(f"Deleted {key}", 5000),
            owner=self,
            what=f"delete {key}",
        )

    def save_now(self) -> None:
        """Save pending edits at once (Ctrl+S)."""
        if self._editor is None:
            return

        def saved(stored: bool) -> None:
            if stored:
                self.statusBar().showMessage("Saved", 3000)

        self._editor.save_then(saved, leaving=False)

    def choose_bank(self) -> None:
        """Show which question bank is in use and let the user pick another."""
        from hindsight.ui.review.bank_dialog import BankDialog

        if self.workspace is None:
            return
        BankDialog(self.workspace.review, self).exec()
        if self._editor is not None:
            self._editor.refresh()

    def focus_filter(self) -> None:
        """Put the cursor in the incident filter (Ctrl+F)."""
        self.list_pane.search.setFocus()
        self.list_pane.search.selectAll()

    def show_incidents(self, ids: set[int] | frozenset[int], label: str) -> None:
        """List only the incidents `ids` (a chart's bar, say), saying why; other filters go."""
        count = f"{len(ids)} incident{'s' if len(ids) != 1 else ''}"
        self.list_pane.clear_filters()
        self.list_pane.show_only(ids, f"{count} — {label}")
        self.raise_()
        self.activateWindow()

    def clear_incident_filter(self) -> None:
        """List every incident again after show_incidents()."""
        self.list_pane.clear_only()

    def export_dialog(self) -> None:
        """Export the open incident, or all of them (Ctrl+E)."""
        from hindsight.services.export_process import ExportProcess
        from hindsight.ui.export_dialog import open_export

        if self.export_helper is None and self.workspace is not None:
            self.export_helper = ExportProcess(self.workspace.target)
        open_export(self)

    def import_file(self) -> None:
        """Import incidents from a Hindsight JSON export."""
        from hindsight.ui.import_dialog import open_import

        open_import(self)

    # Recent databases (kept here: tests and the door both read them)

    def recent_paths(self) -> list[str]:
        """Recently opened databases, most recent first."""
        return self.door.recent_paths()

    # Window state

    def _restore_window_state(self) -> None:
        place_window(self, (1280, 800), self.settings.value("window/geometry"))
        state = self.settings.value("window/splitter")
        if state is not None:
            self._splitter_restored = self.splitter.restoreState(state)
        hidden = self.settings.value("list/hiddenColumns")
        if isinstance(hidden, str | list):
            names = [hidden] if isinstance(hidden, str) else hidden
            known = {c.name: c for c in ListColumn}
            chosen = [known[n] for n in names if n in known]
            # A column the saved choice never saw (added by a later version) keeps its
            # default, instead of counting as "not hidden".
            seen = self.settings.value("list/seenColumns")
            if isinstance(seen, str | list):
                seen_names = {seen} if isinstance(seen, str) else set(seen)
            else:  # saved before the seen columns were kept
                seen_names = set(known) - COLUMNS_ADDED_LATER
            chosen += [c for c in DEFAULT_HIDDEN if c.name not in seen_names and c not in chosen]
            self.list_pane.set_hidden_columns(chosen)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        width = self.splitter.width()
        share = int(width * LIST_SHARE)
        if not self._splitter_restored:
            # The list gets a little under two fifths of the window: room for titles beside
            # its columns, and the editor room for every phase's whole name at 1280 pixels.
            self._splitter_restored = True
            self.splitter.setSizes([share, width - share])
        elif not self._split_checked:
            # A split saved on a wider screen (or at 1x, opened again at 2x) kept the list's
            # pixels and left the editor a strip with half its tabs behind scroll arrows: a
            # cramped editor gets its share back, never more than the default split gives.
            self._split_checked = True
            listed, shown = self.splitter.sizes()
            total = listed + shown  # the handle between them apart
            if shown < EDITOR_ROOMY and listed > int(total * LIST_SHARE):
                keep = max(int(total * LIST_SHARE), total - EDITOR_ROOMY)
                self.splitter.setSizes([keep, total - keep])

    def closeEvent(self, event: QCloseEvent) -> None:
        editor = self._editor
        held = not self._quit_confirmed and editor is not None and editor.held_input()
        # A time typed that cannot be saved: dropped only with the user's word.
        if held and editor is not None and not editor.let_go_of_held_input():
            event.ignore()
            return
        if not self._quit_confirmed and editor is not None and editor.dirty:
            # Save first, then close; never drop edits without asking.
            event.ignore()
            if not self._saving_to_close:
                self._saving_to_close = True
                self.statusBar().showMessage("Saving before closing…")
                editor.save_then(self._saved_for_close)
            return
        self._closing = True
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        hidden = [c.name for c in self.list_pane.hidden_columns()]
        self.settings.setValue("list/hiddenColumns", hidden or "")
        self.settings.setValue("list/seenColumns", [c.name for c in ListColumn])
        self.settings.sync()
        if self.followups_ui is not None:
            self.followups_ui.close()
        self.insights_ui.workspace_changed()
        if editor is not None:
            for page in editor.attached_pages:
                page.flush()  # a checklist note still in its typing delay, say
        if self.journal is not None:
            self.journal.close()
        if editor is not None:
            for page in editor.attached_pages:
                page.flush()  # a note typed a moment ago joins the lane before it is drained
        self.ops.shutdown()  # long work (an export, say) is cancelled and writes nothing
        if self.export_helper is not None:
            self.export_helper.close(kill=True)
            self.export_helper = None
        if self.workspace is not None:
            self.workspace.close()
        event.accept()

    def _saved_for_close(self, stored: bool) -> None:
        self._saving_to_close = False
        self.statusBar().clearMessage()
        editor = self._editor
        if not stored and editor is not None and editor.held_input():
            return  # the user keeps editing a time that cannot be saved as typed
        if stored or messages.confirm(
            self,
            "Unsaved changes",
            "Your latest edits could not be saved. They are kept in the recovery journal and "
            "offered back the next time you open this database. Quit anyway?",
            "Quit without saving",
        ):
            self._quit_confirmed = True
            self.close()
