"""Tabs listing an incident's timeline events, role assignments and teams."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.incident import Incident
from hindsight.services.recovery import Draft, FieldValue
from hindsight.ui import messages
from hindsight.ui.author_text import keep_readable_when_disabled, plain_label, plain_tooltip
from hindsight.ui.editor import EditFn
from hindsight.ui.editor.dialogs import EventDialog, RoleDialog, TeamDialog, _RecordDialog
from hindsight.ui.look import styled
from hindsight.ui.qt_helpers import eliding_header, fuzzy_text, local_text
from hindsight.ui.read_only import view_only
from hindsight.ui.recovery import keep_drafts
from hindsight.vocabulary import vocabulary

Fields = Mapping[str, FieldValue]

# The widest a fitted column grows, in average characters; longer text wraps in its cell.
CELL_CHARS = 40


class RecordTab(QWidget):
    """A read-only table of records with Add, Edit and Remove; edits go through dialogs.

    While the incident is read-only (a published review), Edit becomes View: the dialog
    shows the whole record (every field, not only the table's columns) and changes nothing.
    """

    headers: tuple[str, ...] = ()
    noun = "record"
    draft_kind = ""  # how a draft names the dialog (ui/recovery.py DRAFT_KINDS)
    stretch_column = -1
    empty = "Nothing recorded yet."  # shown above the table while it has no rows
    # (column, pixels): columns whose text wraps in a fixed width instead of being fitted to
    # their contents, so that a long entry leaves the stretching column its room.
    fixed_widths: tuple[tuple[int, int], ...] = ()

    def __init__(self, edit: EditFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_readable_when_disabled(self)
        self._edit = edit
        self._incident: Incident | None = None
        self.read_only = False
        self._row_items: list[int] = []  # table row -> index in the incident's list
        self.table = QTableWidget(0, len(self.headers))
        eliding_header(self.table)
        self.table.setHorizontalHeaderLabels(list(self.headers))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        # Fitted to their contents by show_incident(), up to CELL_CHARS (a 400-character name
        # made its column wider than the table and pushed the other headings out of sight).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(
            self.stretch_column % len(self.headers), QHeaderView.ResizeMode.Stretch
        )
        for column, width in self.fixed_widths:
            self.table.setColumnWidth(column, width)
        # Alt letters clear of the menus and the editor's tabs; Remove has none left (Delete).
        self.add_button = QPushButton(f"&Add {self.noun}")
        self.edit_button = QPushButton("E&dit…")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip(f"Remove the selected {self.noun} (Delete)")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # An empty table said nothing: what belongs here, until the first row is added.
        self.empty_hint = plain_label(self.empty, wrap=True)
        styled(self.empty_hint, "hint")
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.table)
        self.add_button.clicked.connect(self.add_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.doubleClicked.connect(lambda _: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.remove_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.edit_selected)
        self._update_buttons()

    # What each kind of record supplies.
    def items(self, incident: Incident) -> list[Any]:
        raise NotImplementedError

    def order(self, incident: Incident) -> list[int]:
        return list(range(len(self.items(incident))))

    def cells(self, item: Any) -> list[str]:
        raise NotImplementedError

    def run_dialog(self, item: Any | None, fill: Fields | None = None) -> Any | None:
        """Edit `item` (None: a new one) in its dialog; the result, or None if cancelled.

        With `fill`, the fields start as a draft left them (see restore_draft)."""
        raise NotImplementedError

    def exec_dialog(self, dialog: _RecordDialog, item: Any | None, fill: Fields | None) -> bool:
        """Run `dialog` on `item`, its fields kept as a draft while it is open; True on OK.

        While read-only, the dialog only shows `item` (nothing to keep, nothing stored)."""
        if self.read_only:
            view_only(dialog)
            dialog.setWindowTitle(f"{dialog.windowTitle()} (read-only)")
            dialog.exec()
            return False
        incident = self._incident
        keep_drafts(
            dialog,
            dialog.draft_fields(),
            kind=self.draft_kind,
            incident_id=incident.id if incident is not None else None,
            incident_key=incident.key if incident is not None else "",
            item_id=getattr(item, "id", None),
            fill=fill,
        )
        return bool(dialog.exec())

    def restore_draft(self, draft: Draft) -> bool:
        """Reopen the dialog a draft was left in, filled as it was; True if OK stored it.

        The item it edited is edited again; when that item is gone, or none was named, the
        dialog adds a new one.
        """
        if self._incident is None:
            return False
        items = self.items(self._incident)
        ids = [getattr(item, "id", None) for item in items]
        wanted = draft.item_id
        index = ids.index(wanted) if wanted is not None and wanted in ids else None
        if wanted is not None and index is None:
            messages.deleted_since(self, self.noun)
        result = self.run_dialog(items[index] if index is not None else None, fill=draft.fields)
        if result is None:
            return False
        if index is None:
            self._apply(f"Add {self.noun}", lambda records: records.append(result))
        else:
            self._apply(f"Edit {self.noun}", lambda records: records.__setitem__(index, result))
        return True

    # Shared behaviour.
    def selected_index(self) -> int | None:
        """Index in the incident's list of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self._row_items[rows[0].row()] if rows else None

    def add_record(self) -> None:
        """Ask for a new record and add it."""
        if self.read_only:
            return
        created = self.run_dialog(None)
        if created is not None:
            self._apply(f"Add {self.noun}", lambda items: items.append(created))

    def edit_selected(self) -> None:
        """Edit the selected record in a dialog."""
        index = self.selected_index()
        if index is None or self._incident is None:
            return
        changed = self.run_dialog(self.items(self._incident)[index])
        if changed is not None:
            self._apply(f"Edit {self.noun}", lambda items: items.__setitem__(index, changed))

    def remove_selected(self) -> None:
        """Remove the selected record (undoable)."""
        index = self.selected_index()
        if index is not None and not self.read_only:
            self._apply(f"Remove {self.noun}", lambda items: items.pop(index))

    def _apply(self, label: str, change: Callable[[list[Any]], object]) -> None:
        self._edit(label, lambda incident: change(self.items(incident)))

    def show_incident(self, incident: Incident) -> None:
        """Rebuild the table from `incident`, keeping the selection where possible."""
        same = self._incident is not None and self._incident.id == incident.id
        previous = self.selected_index() if same else None
        if not same:
            self.table.selectionModel().clear()  # the current row too, or a row stays picked
        self._incident = incident
        self._row_items = self.order(incident)
        records = self.items(incident)
        self.table.setRowCount(len(self._row_items))
        for row, index in enumerate(self._row_items):
            for column, text in enumerate(self.cells(records[index])):
                cell = QTableWidgetItem(text)
                cell.setToolTip(plain_tooltip(text))
                self.table.setItem(row, column, cell)
        self._fit_columns()
        self.empty_hint.setVisible(not self._row_items)
        if previous is not None and previous in self._row_items:
            self.table.selectRow(self._row_items.index(previous))
        self._update_buttons()

    def _fit_columns(self) -> None:
        most = self.table.fontMetrics().averageCharWidth() * CELL_CHARS
        stretch = self.stretch_column % len(self.headers)
        fixed = {column for column, _ in self.fixed_widths}
        for column in range(len(self.headers)):
            if column != stretch and column not in fixed:
                self.table.resizeColumnToContents(column)
                if self.table.columnWidth(column) > most:
                    self.table.setColumnWidth(column, most)  # the cell's text wraps
        self.table.resizeRowsToContents()

    def set_read_only(self, read_only: bool) -> None:
        """Read-only: no Add or Remove, and Edit shows a record without changing it."""
        self.read_only = read_only
        self.edit_button.setText("View…" if read_only else "E&dit…")
        self.edit_button.setToolTip(
            f"Show the selected {self.noun} whole; it cannot be changed while the review "
            "is published (Return)"
            if read_only
            else ""
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.selected_index() is not None
        self.add_button.setEnabled(not self.read_only)
        self.edit_button.setEnabled(selected)
        self.remove_button.setEnabled(selected and not self.read_only)


def _first_line(text: str, limit: int = 240) -> str:
    # A table cell is a preview: drop the Markdown emphasis marks rather than show them raw.
    flat = " ".join(text.replace("**", "").replace("`", "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class TimelineTab(RecordTab):
    """Timeline events, sorted by best guess, with their uncertainty shown."""

    headers = ("When (local time)", "Phase", "Source", "What happened")
    noun = "event"
    empty = "No events yet: what happened and when, as it was seen at the time."
    draft_kind = "event"

    def items(self, incident: Incident) -> list[Any]:
        return incident.events

    def order(self, incident: Incident) -> list[int]:
        position = {id(event): n for n, event in enumerate(incident.events)}
        return [position[id(event)] for event in incident.sorted_events()]

    def cells(self, item: Any) -> list[str]:
        words = vocabulary()
        return [
            fuzzy_text(item.when),
            words.phase_labels[item.phase],
            words.source_labels[item.source],
            _first_line(item.text),
        ]

    def run_dialog(self, item: Any | None, fill: Fields | None = None) -> Any | None:
        phase = self._incident.phase if self._incident is not None else None
        dialog = EventDialog(item, self, phase=phase)
        return dialog.result_event() if self.exec_dialog(dialog, item, fill) else None


class RolesTab(RecordTab):
    """Who held each response role, with hand-overs."""

    headers = ("Role", "Person", "From", "Until", "Note")
    noun = "role holder"
    empty = "No role holders yet: who led the response, kept people informed and ran operations."
    draft_kind = "role"

    def items(self, incident: Incident) -> list[Any]:
        return incident.roles

    def order(self, incident: Incident) -> list[int]:
        position = {id(item): n for n, item in enumerate(incident.roles)}
        ordered = [held for role in vocabulary().role_labels for held in incident.holders(role)]
        return [position[id(item)] for item in ordered]

    def cells(self, item: Any) -> list[str]:
        return [
            vocabulary().role_labels[item.role],
            item.person,
            local_text(item.start),
            local_text(item.end),
            item.note,
        ]

    def run_dialog(self, item: Any | None, fill: Fields | None = None) -> Any | None:
        dialog = RoleDialog(item, self)
        return dialog.result_assignment() if self.exec_dialog(dialog, item, fill) else None


class TeamsTab(RecordTab):
    """The teams drawn into the response and the part each played."""

    headers = ("Team", "Part played")
    noun = "team"
    empty = "No teams yet: every team drawn into the response, and the part each played."
    draft_kind = "team"

    def __init__(
        self, edit: EditFn, team_names: Callable[[], list[str]], parent: QWidget | None = None
    ) -> None:
        self._team_names = team_names
        super().__init__(edit, parent)

    def items(self, incident: Incident) -> list[Any]:
        return incident.teams

    def cells(self, item: Any) -> list[str]:
        return [item.team, _first_line(item.part)]

    def run_dialog(self, item: Any | None, fill: Fields | None = None) -> Any | None:
        dialog = TeamDialog(item, self._team_names(), self)
        return dialog.result_team() if self.exec_dialog(dialog, item, fill) else None
