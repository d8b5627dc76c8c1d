"""The Triage view: every incident's follow-ups on one grid, filtered, beside the ranked list.

Filters run in the database; the incident filter searches instead of listing every incident.
The window fits the screen it opens on, and a saved size is used only while it still fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.followup_attention import BlockerReview
from hindsight.core.followup_filters import CLOSED_STATUSES, OPEN_STATUSES, FollowUpFilter
from hindsight.core.followups import FollowUpKind, FollowUpStatus, Priority
from hindsight.services.workspace import Workspace
from hindsight.ui import file_dialogs, messages
from hindsight.ui.flow_layout import FlowLayout, captioned, flowing
from hindsight.ui.followups.board import FollowUpBoard
from hindsight.ui.followups.incident_filter import IncidentFilter
from hindsight.ui.followups.incident_tab import attention_summary
from hindsight.ui.followups.preview import ItemPreview
from hindsight.ui.look import styled
from hindsight.ui.operations import Operations, Task
from hindsight.ui.qt_helpers import fill_combo, place_window, problem_label
from hindsight.ui.search.saved_filter import SavedSearchFilter
from hindsight.ui.vertical_scroll import VerticalScrollArea

ANY = None
NO_OWNER = "\x00none"  # combo data standing for "items without an owner"
STATUS_CHOICES: tuple[tuple[str, frozenset[FollowUpStatus] | None], ...] = (
    ("Open work", OPEN_STATUSES),
    ("Any status", None),
    ("Closed", CLOSED_STATUSES),
    *((s.label, frozenset({s})) for s in FollowUpStatus),
)
PREFERRED_SIZE = (1400, 860)
BOARD_MIN_HEIGHT = 300  # the grid and the ranked list, below which the window scrolls
GEOMETRY_KEY = "triage/geometry"

# The button beside the grid and the File menu's item do the same: one name for both (the
# menu said "Export Ranked List as CSV…"), short enough for the button at 2x scale.
EXPORT_TEXT = "&Export CSV…"
EXPORT_TIP = "Save the ranked list, as filtered, as a CSV file"
NOTICE_LINES = 2  # blocker-review notices spelled out above the grid; the rest are counted
NOTICE_TIP_LINES = 40


def review_notice(reviews: Sequence[BlockerReview]) -> str:
    """The first few blocker-review notices, and how many more incidents need one."""
    shown = [r.message for r in reviews[:NOTICE_LINES]]
    more = len(reviews) - len(shown)
    if more:
        incidents = "incident needs" if more == 1 else "incidents need"
        shown.append(
            f"… and {more:,} more {incidents} a review of what blocks their Highest items "
            "(hover for the list; “Needs attention only” shows the items)."
        )
    return "\n".join(shown)


def _combo(name: str, items, min_chars: int = 7) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    # Long owner names must not widen the window.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(min_chars)
    fill_combo(combo, items)
    return combo


class TriageWindow(QMainWindow):
    """Follow-ups across all incidents: filters, the grid and the ranked list."""

    exported = Signal(object)  # the path a CSV file was written to

    def __init__(
        self,
        ops: Operations,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.ops = ops
        self.settings = settings
        self.setWindowTitle(f"Hindsight — Triage — {ops.workspace.path.name}")
        self.undo_stack = QUndoStack(self)
        self.board = FollowUpBoard(ops, self.undo_stack, orientation=Qt.Orientation.Horizontal)
        self.board.refreshed.connect(self._update_labels)
        self.board.selectionChanged.connect(lambda _: self._update_buttons())

        self.incident = IncidentFilter(ops)
        self.saved_search = SavedSearchFilter(ops)
        self.owner = _combo("Owner", [("All owners", ANY)], 8)
        self.status = _combo("Status", STATUS_CHOICES)
        self.kind = _combo("Kind", [("All kinds", ANY), *((k.label, k) for k in FollowUpKind)], 8)
        self.priority = _combo(
            "Priority", [("All priorities", ANY), *((p.label, p) for p in Priority)]
        )
        regions = self.board.regions.in_order()
        self.region = _combo("Region", [("All regions", ANY), *((r.name, r.key) for r in regions)])
        self.attention = QCheckBox("Needs &attention only")
        self.clear_button = QPushButton("&Clear filters")
        # One row on a wide window, two on a small screen: never wider than the screen.
        filter_bar = QWidget()
        filters = FlowLayout(filter_bar, spacing=10)
        for label, widget in (
            ("&Incident", self.incident),
            ("Saved searc&h", self.saved_search),
            ("&Owner", self.owner),
            ("&Status", self.status),
            ("&Kind", self.kind),
            ("&Priority", self.priority),
            ("&Region", self.region),
        ):
            filters.addWidget(captioned(label, widget))
        filters.addWidget(self.attention)
        filters.addWidget(self.clear_button)

        self.count_label = QLabel()
        self.count_label.setObjectName("triageCount")
        self.summary = QLabel()
        styled(self.summary, "hint")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        # Never a word a line on a small screen: the buttons beside it wrap first.
        self.summary.setMinimumWidth(self.summary.fontMetrics().averageCharWidth() * 32)
        self.notice = problem_label()
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.details_button = QPushButton("Det&ails…")
        self.delete_button = QPushButton("Delete")
        self.export_button = QPushButton(EXPORT_TEXT)
        self.export_button.setToolTip(EXPORT_TIP)
        zoom_out, zoom_in, fit = QToolButton(), QToolButton(), QToolButton()
        for zoom, text, tip in (
            (zoom_out, "−", "Zoom out (Ctrl+-)"),
            (zoom_in, "+", "Zoom in (Ctrl+=)"),
            (fit, "Fit", "Fit the grid to the width (Ctrl+0)"),
        ):
            zoom.setText(text)
            zoom.setToolTip(tip)
        zoom_out.clicked.connect(self.board.view.zoom_out)
        zoom_in.clicked.connect(self.board.view.zoom_in)
        fit.clicked.connect(self.board.view.fit_width)
        bar = QHBoxLayout()
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        bar.addWidget(self.summary, 1)
        # The buttons flow onto a row of their own when the summary needs the room.
        actions = (self.details_button, self.delete_button, self.export_button)
        bar.addSpacing(12)
        bar.addWidget(flowing((*actions, zoom_out, zoom_in, fit)))

        # The ranked list, and under it a summary of the selected item.
        self.preview = ItemPreview()
        self.list_column = QSplitter(Qt.Orientation.Vertical)
        self.list_column.addWidget(self.board.table)
        self.list_column.addWidget(self.preview)
        self.list_column.setSizes([520, 280])
        self.list_column.setChildrenCollapsible(False)
        self.board.insertWidget(1, self.list_column)
        self.board.selectionChanged.connect(lambda _: self._update_preview())
        self.board.refreshed.connect(self._update_preview)
        self.board.itemsRead.connect(self._update_preview)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(filter_bar)
        layout.addLayout(bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.board, 1)
        # A window too short for the filters, the notices and a usable grid (a 2x scale on a
        # 768-pixel screen: about 330 pixels) scrolls as a whole; the grid keeps its height.
        self.board.setMinimumHeight(BOARD_MIN_HEIGHT)
        self.setCentralWidget(VerticalScrollArea(central))
        self.board.setStretchFactor(0, 3)
        self.board.setStretchFactor(1, 2)
        self._build_actions()
        saved = settings.value(GEOMETRY_KEY) if settings is not None else None
        place_window(self, PREFERRED_SIZE, saved)
        self._panes_chosen = False  # until the user drags the handle, panes follow the size
        self.board.splitterMoved.connect(lambda *_: setattr(self, "_panes_chosen", True))
        self._size_panes()

        for combo in (self.owner, self.status, self.kind, self.priority, self.region):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.incident.chosen.connect(lambda _: self._apply_filters())
        self.saved_search.changed.connect(self._apply_filters)
        self.attention.toggled.connect(self._apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        self.details_button.clicked.connect(
            lambda: self.board.open_details(self.board.selected_id())
        )
        self.delete_button.clicked.connect(self.board.delete_selected)
        self.export_button.clicked.connect(lambda: self.export_csv())
        self._update_labels()
        self.reload()

    def _size_panes(self) -> None:
        # The grid gets the width it needs at its smallest readable zoom, if the list keeps a
        # usable width; the rest goes to the list.
        usable = max(self.width() - 24, 200)
        grid = min(self.board.view.width_for(self.board.scene.card_style.min_zoom), usable - 380)
        grid = max(grid, int(usable * 0.55))
        self.board.setSizes([grid, usable - grid])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self._panes_chosen:
            self._size_panes()

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(keys.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(keys.Redo)
        self.export_action = QAction(EXPORT_TEXT, self)  # the button's name: one action
        self.export_action.setStatusTip(EXPORT_TIP)
        self.export_action.triggered.connect(lambda: self.export_csv())
        self.close_action = QAction("&Close", self)
        self.close_action.setShortcut(keys.Close)
        self.close_action.triggered.connect(self.close)
        self.reload_action = QAction("Re&load", self)
        self.reload_action.setShortcut(keys.Refresh)
        self.reload_action.triggered.connect(self.reload)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.close_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.reload_action)

    # Loading and filtering

    def reload(self) -> None:
        """Read the items the filters keep again (the filter choices come with them)."""
        self.board.set_scope(None, chosen=self.current_filter())

    def _fill_owners(self) -> None:
        items = [("All owners", ANY), ("(no owner)", NO_OWNER)]
        items.extend((owner, owner) for owner in self.board.owners)
        if [self.owner.itemData(i) for i in range(self.owner.count())] == [d for _, d in items]:
            return
        chosen = self.owner.currentData()
        self.owner.blockSignals(True)
        fill_combo(self.owner, items)
        self.owner.setCurrentIndex(max(self.owner.findData(chosen), 0))
        self.owner.blockSignals(False)

    def current_filter(self) -> FollowUpFilter:
        """The filter the controls describe."""
        owner = self.owner.currentData()
        return FollowUpFilter(
            incident_id=self.incident.incident_id,
            owner="" if owner == NO_OWNER else owner,
            statuses=self.status.currentData(),
            kind=self.kind.currentData(),
            priority=self.priority.currentData(),
            region=self.region.currentData(),
            attention_only=self.attention.isChecked(),
            incidents=self.saved_search.incidents,
        )

    def _apply_filters(self) -> None:
        self.board.set_filter(self.current_filter())

    def clear_filters(self) -> None:
        """Back to all open work of every incident."""
        for combo in (self.owner, self.status, self.kind, self.priority, self.region):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.incident.set_choice(None)
        self.saved_search.choose(None)
        self.attention.blockSignals(True)
        self.attention.setChecked(False)
        self.attention.blockSignals(False)
        self._apply_filters()

    def show_attention(self) -> None:
        """Show only the items that need attention, of every incident and status."""
        self.clear_filters()
        self.attention.setChecked(True)

    def _update_labels(self) -> None:
        board = self.board
        if not board.loaded and board.summary.total == 0:
            self.count_label.setText("Reading follow-ups…")
        else:
            shown, total = len(board.index), board.summary.total
            self.count_label.setText(f"{shown:,} of {total:,} follow-ups")
        self.summary.setText(attention_summary(board))
        chosen, found = board.filter.incident_id, board.filter.incidents
        reviews = [
            r
            for r in board.summary.reviews
            if (chosen is None or r.incident_id == chosen)
            and (found is None or r.incident_id in found)
        ]
        self.notice.setText(review_notice(reviews))
        self.notice.setToolTip(
            "<p style='white-space:pre-wrap'>"
            + "\n".join(_escape(r.message) for r in reviews[:NOTICE_TIP_LINES])
            + "</p>"
        )
        self.notice.setVisible(bool(reviews))
        self._fill_owners()
        self._update_buttons()

    def _update_preview(self) -> None:
        selected = self.board.selected_id()
        item = self.board.item(selected) if selected is not None else None
        if selected is not None and item is None:
            self.board.want(selected)
            self.preview.show_loading()
            return
        self.preview.show_item(item, self.board.regions, self.board.report)

    def _update_buttons(self) -> None:
        selected = self.board.selected_id() is not None
        self.details_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)
        self.export_button.setEnabled(len(self.board.index) > 0)

    # Export

    def export_csv(self, path: Path | None = None) -> Task | None:
        """Save the ranked list as filtered (asking where, unless `path` is given)."""
        if path is None:
            name, _ = file_dialogs.get_save_file_name(
                self,
                "Export ranked follow-ups",
                file_dialogs.in_last_folder(
                    "follow-ups csv", "follow-ups.csv", file_dialogs.documents_folder()
                ),
                "CSV files (*.csv);;All files (*)",
            )
            if not name:
                return None
            file_dialogs.remember_folder("follow-ups csv", name)
            path = Path(name)
        target, chosen = path, self.current_filter()
        self.statusBar().showMessage(f"Exporting to {target}…")

        def work(ws: Workspace, task: Task) -> tuple[Path, int]:
            ranked, report = ws.followups.ranked(None, chosen)
            task.check()
            return ws.followups.export_csv(ranked, report, target), len(ranked)

        def done(result: tuple[Path, int]) -> None:
            written, count = result
            self.statusBar().showMessage(f"Exported {count:,} items to {written}", 8000)
            self.exported.emit(written)

        def failed(error: Exception) -> None:
            self.statusBar().clearMessage()
            messages.show_error(self, "Export failed", str(error))

        return self.ops.run_long(
            work, done, owner=self, failed=failed, what="export the follow-ups"
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        # Steps refer to this window's board; they have nothing left to act on once it closes.
        self.undo_stack.clear()
        if self.settings is not None:
            self.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        event.accept()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
