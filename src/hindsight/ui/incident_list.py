"""The incident list: a table over a query, read a page at a time for the rows on screen.

The model holds no list of incidents. It asks the store how many incidents the query keeps
and reads, on the reader lane, the pages of rows the view paints; sorting and filtering are a
new query. Cost follows what is on screen, not what is in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.enums import Phase, Severity
from hindsight.core.listing import ListColumn, ListQuery, ListRow
from hindsight.core.review import ReviewStatus
from hindsight.store.listing import IncidentListing, ListingNotReady
from hindsight.ui.author_text import plain_tooltip
from hindsight.ui.operations import Operations
from hindsight.ui.qt_helpers import current_enum, fill_combo, local_text
from hindsight.vocabulary import vocabulary

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 100
# Hidden until asked for (right-click the header): the list shares the window with the editor.
DEFAULT_HIDDEN = (ListColumn.UPDATED,)
MAX_PAGES = 40  # rows kept read: what was on screen lately, not the whole database


def review_text(status: ReviewStatus, progress: int) -> str:
    """'Published', or the status with the share of required answers, e.g. 'Draft 45%'."""
    label = vocabulary().review_status_labels[status]
    return label if status is ReviewStatus.PUBLISHED else f"{label} {progress}%"


def _cells(row: ListRow) -> tuple[str, ...]:
    return (
        row.key,
        row.title or "(untitled)",
        vocabulary().phase_labels[row.phase],
        row.severity.value,
        review_text(row.review_status, row.review_progress),
        local_text(row.updated_at)[:10],
    )


class IncidentListModel(QAbstractTableModel):
    """The rows of a list query: a count, and the pages the view has asked for."""

    reloaded = Signal()  # a new answer to the query arrived; rows may have moved
    unavailable = Signal()  # the database cannot be listed yet (new, or being upgraded)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._listing: IncidentListing | None = None
        self._query = ListQuery()
        self._count = 0
        self._pages: dict[int, list[ListRow]] = {}
        self._cells: dict[int, tuple[str, ...]] = {}  # by row, for the rows read
        self._generation = 0
        self._reloading = False
        self._reload_again = False
        self._loaded_once = False
        self._wanted: set[int] = set()
        self._asked: set[int] = set()
        self._view_rows = (0, PAGE_SIZE - 1)
        self._fetch = QTimer(self, singleShot=True, interval=0)
        self._fetch.timeout.connect(self._fetch_wanted)

    # What is listed

    @property
    def query(self) -> ListQuery:
        """The query whose rows are shown."""
        return self._query

    @property
    def loaded(self) -> bool:
        """True once the first answer to the current query has arrived."""
        return self._loaded_once and not self._reloading

    def set_listing(self, listing: IncidentListing | None) -> None:
        """List the incidents of another database (None: nothing)."""
        old, self._listing = self._listing, listing
        if old is not None:
            self._ops.read(old.close)  # its connection belongs to the reader lane
        self.beginResetModel()
        self._count, self._pages, self._cells = 0, {}, {}
        self._generation += 1
        self.endResetModel()
        self._loaded_once = False
        self.reload()

    def set_query(self, query: ListQuery) -> None:
        """Show the incidents `query` keeps, in its order."""
        if query != self._query:
            self._query = query
            self.reload()

    def set_view_rows(self, first: int, last: int) -> None:
        """The rows on screen now: a reload reads them again so the view stays put."""
        self._view_rows = (max(first, 0), max(last, first))

    def reload(self) -> None:
        """Ask again (the query changed, or incidents did): count and the rows on screen."""
        if self._listing is None:
            return
        if self._reloading:
            self._reload_again = True
            return
        self._reloading = True
        self._generation += 1
        generation, listing, query = self._generation, self._listing, self._query
        first, last = self._view_rows
        pages = sorted({0, *range(first // PAGE_SIZE, last // PAGE_SIZE + 1)})

        def work() -> tuple[int, dict[int, list[ListRow]]]:
            count = listing.count(query)
            found = {
                page: listing.page(query, page * PAGE_SIZE, PAGE_SIZE)
                for page in pages
                if page * PAGE_SIZE < count or page == 0
            }
            return count, found

        self._ops.read(
            work,
            lambda answer: self._reloaded(generation, *answer),
            owner=self,
            failed=self._failed,
            what="read the incident list",
        )

    def _failed(self, error: Exception) -> None:
        self._reloading = False
        if isinstance(error, ListingNotReady):
            self.unavailable.emit()  # listed once the database is open
            return
        from hindsight.ui import messages

        messages.show_error(None, "Cannot read the incident list", str(error))

    def _reloaded(self, generation: int, count: int, pages: dict[int, list[ListRow]]) -> None:
        self._reloading = False
        if generation == self._generation:
            self.beginResetModel()
            self._count, self._pages, self._cells = count, pages, {}
            self._wanted.clear()
            self._asked.clear()
            self.endResetModel()
            self._loaded_once = True
            self.reloaded.emit()
        if self._reload_again:
            self._reload_again = False
            self.reload()

    # Pages

    def _page_of(self, row: int) -> list[ListRow] | None:
        page = self._pages.get(row // PAGE_SIZE)
        if page is None:
            self._want(row // PAGE_SIZE)
        return page

    def _want(self, page: int) -> None:
        if page not in self._asked and not self._reloading:
            self._wanted.add(page)
            self._fetch.start()

    def _fetch_wanted(self) -> None:
        if self._listing is None or not self._wanted:
            return
        wanted, self._wanted = sorted(self._wanted), set()
        self._asked.update(wanted)
        generation, listing, query = self._generation, self._listing, self._query

        def work() -> dict[int, list[ListRow]]:
            return {page: listing.page(query, page * PAGE_SIZE, PAGE_SIZE) for page in wanted}

        self._ops.read(
            work,
            lambda pages: self._arrived(generation, pages),
            owner=self,
            what="read the incident list",
        )

    def _arrived(self, generation: int, pages: dict[int, list[ListRow]]) -> None:
        if generation != self._generation:
            return
        for page, rows in pages.items():
            self._asked.discard(page)
            self._pages[page] = rows
            if rows:
                first = page * PAGE_SIZE
                last = min(first + len(rows), self._count) - 1
                if last >= first:
                    self.dataChanged.emit(
                        self.index(first, 0), self.index(last, len(ListColumn) - 1)
                    )
        self._forget_far_pages()

    def _forget_far_pages(self) -> None:
        if len(self._pages) <= MAX_PAGES:
            return
        here = self._view_rows[0] // PAGE_SIZE
        for page in sorted(self._pages, key=lambda p: -abs(p - here))[: -MAX_PAGES or None]:
            if page != 0:
                del self._pages[page]
                for row in range(page * PAGE_SIZE, (page + 1) * PAGE_SIZE):
                    self._cells.pop(row, None)

    # Rows

    def row(self, row: int) -> ListRow | None:
        """The incident in `row`, if its page has been read."""
        if not 0 <= row < self._count:
            return None
        page = self._page_of(row)
        if page is None or row % PAGE_SIZE >= len(page):
            return None
        return page[row % PAGE_SIZE]

    def row_of(self, incident_id: int) -> int | None:
        """The row showing `incident_id`, among the rows read."""
        for page, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.id == incident_id:
                    return page * PAGE_SIZE + offset
        return None

    def locate(self, incident_id: int, found: Callable[[int | None], None]) -> None:
        """Find the row of `incident_id` under the query (reading the store if need be)."""
        row = self.row_of(incident_id)
        if row is not None or self._listing is None:
            found(row)
            return
        generation, listing, query = self._generation, self._listing, self._query

        def answer(position: int | None) -> None:
            found(position if generation == self._generation else None)

        self._ops.read(
            lambda: listing.position(query, incident_id),
            answer,
            owner=self,
            what="find the incident in the list",
        )

    def loaded_rows(self) -> list[ListRow]:
        """The rows read so far, top to bottom."""
        return [row for page in sorted(self._pages) for row in self._pages[page]]

    # Qt's model interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ListColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ListColumn(section).heading
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in the database: a new query."""
        if 0 <= column < len(ListColumn):
            descending = order == Qt.SortOrder.DescendingOrder
            self.set_query(replace(self._query, sort=ListColumn(column), descending=descending))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        item = self.row(index.row())
        if item is None:
            return None
        column = ListColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            cells = self._cells.get(index.row())
            if cells is None or cells[0] != item.key:
                cells = self._cells[index.row()] = _cells(item)
            return cells[column]
        if column is ListColumn.SEVERITY:
            return vocabulary().severity_definitions[item.severity]
        if column is ListColumn.PHASE:
            return vocabulary().phase_descriptions[item.phase]
        if column is ListColumn.UPDATED:
            return f"Last saved {local_text(item.updated_at)}"
        return plain_tooltip(f"{item.key} · {item.title}")


class IncidentListPane(QWidget):
    """Filter controls above the incident table, and what to say when nothing matches."""

    chosen = Signal(int)  # the user picked an incident (click, keys, select_id)
    filtersChanged = Signal()
    columnsChanged = Signal()  # the user showed or hid a column
    firstShown = Signal()  # the list of a new database is on screen (or cannot be, yet)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        words = vocabulary()
        self.model = IncidentListModel(ops, self)
        self._only: frozenset[int] | None = None
        self._current: int | None = None  # the incident open in the editor
        self.listing_path: Path | None = None
        self._restoring = False
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by key, title, tag or system (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.phase = QComboBox()
        fill_combo(self.phase, [("All phases", None), *((words.phase_labels[p], p) for p in Phase)])
        self.severity = QComboBox()
        fill_combo(self.severity, [("All severities", None), *((s.value, s) for s in Severity)])
        self.only_label = QLabel()
        self.only_label.setObjectName("hint")
        self.only_label.setTextFormat(Qt.TextFormat.PlainText)
        self.only_label.setWordWrap(True)
        self.only_clear = QToolButton()
        self.only_clear.setText("Show all")
        self.only_clear.clicked.connect(self.clear_only)
        only_bar = QHBoxLayout()
        only_bar.addWidget(self.only_label, 1)
        only_bar.addWidget(self.only_clear)
        self.only_bar = QWidget()
        self.only_bar.setLayout(only_bar)
        only_bar.setContentsMargins(0, 0, 0, 0)
        self.only_bar.hide()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(ListColumn.KEY, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAccessibleName("Incidents")
        self._size_columns()
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.set_hidden_columns(DEFAULT_HIDDEN)

        self.empty = QLabel()
        self.empty.setObjectName("emptyList")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)

        filters = QHBoxLayout()
        filters.addWidget(self.phase)
        filters.addWidget(self.severity)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.only_bar)
        layout.addWidget(self.body, 1)

        self.search.textChanged.connect(lambda _: self._apply_filters())
        self.phase.currentIndexChanged.connect(lambda _: self._apply_filters())
        self.severity.currentIndexChanged.connect(lambda _: self._apply_filters())
        self._scroll_before = 0
        self._to_top = False
        self.model.modelAboutToBeReset.connect(self._about_to_reset)
        self.model.modelReset.connect(self._reset)
        self.model.reloaded.connect(self._reloaded)
        self.model.unavailable.connect(self._announce_shown)
        self._shown_first = False
        self.table.viewport().installEventFilter(self)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.search.clear)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.verticalScrollBar().valueChanged.connect(lambda _: self._note_view_rows())

    def _size_columns(self) -> None:
        # Title takes the room; the others fit their usual content, whatever the rows hold.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ListColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        metrics = self.fontMetrics()
        padding = 16
        samples = {
            ListColumn.KEY: "HS-0000",
            ListColumn.PHASE: max(
                vocabulary().phase_labels.values(), key=metrics.horizontalAdvance
            ),
            ListColumn.SEVERITY: "SEV4",
            ListColumn.REVIEW: "In review 45%",
            ListColumn.UPDATED: "2026-12-31",
        }
        for column, sample in samples.items():
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + padding)

    # Columns the user shows or hides (right-click the header)

    def hidden_columns(self) -> list[ListColumn]:
        """The columns hidden now."""
        return [c for c in ListColumn if self.table.isColumnHidden(c)]

    def set_hidden_columns(self, columns: list[ListColumn] | tuple[ListColumn, ...]) -> None:
        """Hide `columns` and show the others (Key and Title always show)."""
        for column in ListColumn:
            hide = column in columns and column not in (ListColumn.KEY, ListColumn.TITLE)
            self.table.setColumnHidden(column, hide)

    def _column_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        for column in ListColumn:
            if column in (ListColumn.KEY, ListColumn.TITLE):
                continue
            action = menu.addAction(column.heading)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda shown, c=column: self._show_column(c, shown))
        menu.exec(self.table.horizontalHeader().mapToGlobal(position))

    def _show_column(self, column: ListColumn, shown: bool) -> None:
        self.table.setColumnHidden(column, not shown)
        self.columnsChanged.emit()

    # The listed database

    def set_listing(self, listing: IncidentListing | None, path: Path | None) -> None:
        """List the incidents of the database at `path` (None: nothing)."""
        self._current = None
        self.listing_path = path
        self._shown_first = False
        self.model.set_listing(listing)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The first paint of real rows: what start-up hurries towards.
        if (
            not self._shown_first
            and event.type() == QEvent.Type.Paint
            and self.model.loaded
            and self.model.rowCount() > 0
        ):
            QTimer.singleShot(0, self._announce_shown)
        return False

    def _announce_shown(self) -> None:
        if not self._shown_first:
            self._shown_first = True
            self.firstShown.emit()

    def reload(self) -> None:
        """Read the list again (incidents changed)."""
        self._note_view_rows()
        self.model.reload()

    # Filters

    def query(self) -> ListQuery:
        """The query the controls describe."""
        return replace(
            self.model.query,
            text=self.search.text(),
            phase=current_enum(self.phase, Phase),
            severity=current_enum(self.severity, Severity),
            only=self._only,
        )

    def _apply_filters(self) -> None:
        self._to_top = True
        self.model.set_query(self.query())
        self.filtersChanged.emit()

    def show_only(self, ids: set[int] | frozenset[int], label: str) -> None:
        """List only the incidents `ids` (from a chart, say), saying why."""
        self._only = frozenset(ids)
        self.only_label.setText(label)
        self.only_bar.show()
        self._apply_filters()

    def clear_only(self) -> None:
        """List every incident the other filters keep."""
        self._only = None
        self.only_bar.hide()
        self._apply_filters()

    def clear_filters(self) -> None:
        """Back to every incident."""
        for widget in (self.search, self.phase, self.severity):
            widget.blockSignals(True)
        self.search.clear()
        self.phase.setCurrentIndex(0)
        self.severity.setCurrentIndex(0)
        for widget in (self.search, self.phase, self.severity):
            widget.blockSignals(False)
        self._only = None
        self.only_bar.hide()
        self._apply_filters()

    # Selection: the list follows the editor; filtering never changes what is edited

    def selected_id(self) -> int | None:
        """The incident selected in the table, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.model.row(rows[0].row())
        return item.id if item is not None else None

    def set_current(self, incident_id: int | None) -> None:
        """The editor shows `incident_id`: highlight it when it is listed."""
        self._current = incident_id
        self._highlight(incident_id)

    def select_id(self, incident_id: int) -> bool:
        """Select the row of `incident_id` and open it; False when it is not listed (yet)."""
        row = self.model.row_of(incident_id)
        if row is None:
            self.model.locate(incident_id, lambda found: self._select_row(found, incident_id))
            return False
        self._select_row(row, incident_id)
        return True

    def _select_row(self, row: int | None, incident_id: int) -> None:
        if row is None:
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        if self.selected_id() != incident_id:  # its page is still on its way
            self._current = incident_id
            self.chosen.emit(incident_id)

    def _highlight(self, incident_id: int | None) -> None:
        self._restoring = True
        try:
            selection = self.table.selectionModel()
            row = self.model.row_of(incident_id) if incident_id is not None else None
            if row is None:
                selection.clearSelection()
                if incident_id is not None and self.model.loaded:
                    self.model.locate(incident_id, self._highlight_row)
                return
            self._highlight_row(row)
        finally:
            self._restoring = False

    def _highlight_row(self, row: int | None) -> None:
        if row is None:
            return
        self._restoring = True
        try:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._restoring = False

    def _selection_changed(self) -> None:
        if self._restoring:
            return
        incident_id = self.selected_id()
        if incident_id is not None and incident_id != self._current:
            self._current = incident_id
            self.chosen.emit(incident_id)

    # Keeping the view in place

    def _note_view_rows(self) -> None:
        viewport = self.table.viewport()
        first = self.table.rowAt(0)
        last = self.table.rowAt(viewport.height() - 1)
        if first < 0:
            first = 0
        if last < 0:
            height = max(self.table.verticalHeader().defaultSectionSize(), 1)
            last = first + viewport.height() // height
        self.model.set_view_rows(first, last)

    def _about_to_reset(self) -> None:
        self._scroll_before = self.table.verticalScrollBar().value()

    def _reset(self) -> None:
        # A new filter starts at the top; a reread of the same query stays where it was.
        scroll = self.table.verticalScrollBar()
        scroll.setValue(0 if self._to_top else min(self._scroll_before, scroll.maximum()))
        self._to_top = False

    def _reloaded(self) -> None:
        self._highlight(self._current)
        count = self.model.rowCount()
        if count:
            self.body.setCurrentWidget(self.table)
            return
        QTimer.singleShot(0, self._announce_shown)  # nothing to paint: shown as it is
        if self.query().filtered:
            self.empty.setText(
                "No incidents match the filter.\nClear it (Esc in the filter box) to see them all."
            )
        else:
            self.empty.setText("No incidents yet.")
        self.body.setCurrentWidget(self.empty)

    def visible_keys(self) -> list[str]:
        """Keys of the rows read, top to bottom (what the user sees once loaded)."""
        return [row.key for row in self.model.loaded_rows()]
