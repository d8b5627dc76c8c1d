"""The incident list pane: the search box, the phase and severity filters, saved searches, and
the table (ui/incident_list_model.py reads it a page at a time).

With text in the search box the table shows the search's matches, best first, each with
snippets of where it matched; double-click a snippet (or press Enter on a hit) to open the
incident there. Clicking a column header sorts the matches by that column instead, until
"Best first" is clicked. The phase and severity boxes and a chart's set of incidents narrow a
search as they narrow the list.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QStackedWidget,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.enums import Phase, Severity
from hindsight.core.listing import ListColumn, ListQuery
from hindsight.store.listing import IncidentListing
from hindsight.ui.incident_list_model import (
    PAGE_SIZE,
    IncidentListModel,
    review_text,
)
from hindsight.ui.look import styled
from hindsight.ui.operations import Operations
from hindsight.ui.qt_helpers import current_enum, eliding_header, fill_combo, own_viewport
from hindsight.ui.search.results import searching
from hindsight.ui.search.saved import SavedSearchesPanel
from hindsight.ui.search.search_bar import SearchBar
from hindsight.ui.search.snippets import SnippetDelegate, snippet_line
from hindsight.vocabulary import vocabulary

if TYPE_CHECKING:  # the query language loads with the first search, after the first paint
    from hindsight.core.search_results import Snippet
    from hindsight.core.search_text import Pattern

__all__ = ["PAGE_SIZE", "IncidentListModel", "IncidentListPane", "review_text"]

# Hidden until asked for (right-click the header): the list shares the window with the editor.
DEFAULT_HIDDEN = (ListColumn.UPDATED, ListColumn.IMPACT)
TITLE_SHARE = 0.25  # of a narrow table, what the compact columns leave Title at least
TITLE_LEAST_CHARS = 12  # fewer letters of Title than this: compact columns leave the table
OUTSIDE_LOOK_MS = 3000  # how often the list asks whether another program wrote
# The compact columns a very narrow pane does without, first to last.
SQUEEZE_ORDER = (
    ListColumn.IMPACT,
    ListColumn.UPDATED,
    ListColumn.REVIEW,
    ListColumn.PHASE,
    ListColumn.SEVERITY,
)
KEY = ListColumn.KEY


class IncidentListPane(QWidget):
    """Search and filter controls above the incident table, and what to say when nothing
    matches."""

    chosen = Signal(int)  # the user picked an incident (click, keys, select_id)
    filtersChanged = Signal()
    columnsChanged = Signal()  # the user showed or hid a column
    snippetActivated = Signal(int, object)  # incident id, Snippet: open the incident there
    firstShown = Signal()  # the list of a new database is on screen (or cannot be, yet)
    outsideChanged = Signal()  # another program (or connection) wrote to the database

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        words = vocabulary()
        self._ops = ops
        self.model = IncidentListModel(ops, self)
        # Changes written by other programs (a `hindsight import`, a second window) are looked
        # for every few seconds while the list shows (team databases are told of them).
        self._watched: IncidentListing | None = None
        self._seen_version: int | None = None
        self._looking = False
        self._outside = QTimer(self, interval=OUTSIDE_LOOK_MS)
        self._outside.timeout.connect(self._look_outside)
        self._only: frozenset[int] | None = None
        self._current: int | None = None  # the incident open in the editor
        self._good_text = ""  # the search box's latest text that parses
        self.listing_path: Path | None = None
        self._restoring = False
        self._shown_first = False  # the first paint of real rows was announced
        self.search_bar = SearchBar()
        self.search = self.search_bar.box
        self.phase = QComboBox()
        fill_combo(self.phase, [("All phases", None), *((words.phase_labels[p], p) for p in Phase)])
        self.severity = QComboBox()
        fill_combo(self.severity, [("All severities", None), *((s.value, s) for s in Severity)])
        self.saved = SavedSearchesPanel(ops, lambda: self.search.text())
        self.only_label = QLabel()
        styled(self.only_label, "hint")
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
        own_viewport(self.table)  # before anything asks for it (qt_helpers: 7 ms at start-up)
        eliding_header(self.table)
        self.table.setModel(self.model)
        self.delegate = SnippetDelegate(self.table)
        self.table.setItemDelegate(self.delegate)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(ListColumn.KEY, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.delegate.row_height(False))
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAccessibleName("Incidents")
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.table.viewport().installEventFilter(self)
        self.table.installEventFilter(self)  # Enter on a hit goes to its best snippet
        self.search.installEventFilter(self)  # Down goes on to the list
        # Each compact column's usual width, its heading's, and a few letters'; and the width
        # last fitted to the pane.
        self._column_room: dict[ListColumn, tuple[int, int, int]] = {}
        self._fitted: dict[ListColumn, int] = {}
        self._chosen_hidden: set[ListColumn] = set()  # by the user (saved with the window)
        self._squeezed: frozenset[ListColumn] = frozenset()  # for want of room (not saved)
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
        layout.addWidget(self.search_bar)
        layout.addLayout(filters)
        layout.addWidget(self.saved)
        layout.addWidget(self.only_bar)
        layout.addWidget(self.body, 1)

        self.search.textChanged.connect(self._typed)
        self.phase.currentIndexChanged.connect(lambda _: self._apply_filters())
        self.severity.currentIndexChanged.connect(lambda _: self._apply_filters())
        self.search_bar.saveRequested.connect(lambda: self.saved.save(self._good_text.strip()))
        self.search_bar.relevanceRequested.connect(self.model.rank_by_relevance)
        self.saved.runRequested.connect(self.run_search)
        self._scroll_before = 0
        self._to_top = False
        self.model.modelAboutToBeReset.connect(self._about_to_reset)
        self.model.modelReset.connect(self._reset)
        self.model.reloaded.connect(self._reloaded)
        self.model.counted.connect(self._update_status)
        self.model.unavailable.connect(self._announce_shown)
        self.model.searchFailed.connect(self.search_bar.show_problem)
        self.model.orderChanged.connect(self._order_changed)
        # A column that does not sort (Impact) puts the arrow back on the order in use.
        self.model.sortRefused.connect(
            lambda column, descending: self.table.horizontalHeader().setSortIndicator(
                column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            )
        )
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
            ListColumn.IMPACT: "1.21B queries lost",
        }
        heading_metrics = header.fontMetrics()
        # The header draws its sort indicator beside the heading, within its margins.
        style = header.style()
        sort_arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
        sort_arrow += 2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        few_letters = metrics.horizontalAdvance("SEV…") + padding
        for column, sample in samples.items():
            # Wide enough for the heading too, with the sort arrow it shows when sorted by it.
            heading = heading_metrics.horizontalAdvance(column.heading) + sort_arrow
            usual = max(metrics.horizontalAdvance(sample) + padding, heading)
            self._column_room[column] = (usual, heading, min(heading, few_letters))
            self.table.setColumnWidth(column, self._column_room[column][0])
            self._fitted[column] = self._column_room[column][0]

    def _fit_columns(self) -> None:
        """Narrow the compact columns when Title would get too little of a narrow table.

        In a narrow pane (a small screen at 2x scale) the compact columns at their usual widths
        left Title a few letters. They give up width in proportion until Title has
        `TITLE_SHARE` of the table: first what is beyond their headings, then, in a very narrow
        pane, down to a few letters (the heading cut short too). If Title would still get
        fewer than `TITLE_LEAST_CHARS` letters, the compact columns leave the table one by
        one, in `SQUEEZE_ORDER` (Severity last), and come back when the pane is wider again;
        the user's own choice of columns (hidden_columns) is not changed by it. Key keeps its
        width; a column the user has resized keeps the width they gave it.
        """
        room = self.table.viewport().width()
        chosen = [c for c in self._column_room if c not in self._chosen_hidden]
        title_least = self.fontMetrics().averageCharWidth() * TITLE_LEAST_CHARS
        squeezed: list[ListColumn] = []
        widths = self._compact_widths(chosen, room)
        for column in SQUEEZE_ORDER:
            if room - sum(widths.values()) >= title_least:
                break
            if column in chosen:
                chosen.remove(column)
                squeezed.append(column)
                widths = self._compact_widths(chosen, room)
        self._squeezed = frozenset(squeezed)
        for column in self._column_room:
            hide = column in self._chosen_hidden or column in self._squeezed
            if self.table.isColumnHidden(column) != hide:
                self.table.setColumnHidden(column, hide)
        for column in chosen:
            if self._resized_by_user(column):
                continue  # the user's width
            self._fitted[column] = widths[column]
            self.table.setColumnWidth(column, widths[column])

    def _compact_widths(self, shown: list[ListColumn], room: int) -> dict[ListColumn, int]:
        """The widths of the `shown` compact columns in a table `room` pixels wide (a width
        the user gave a column stays, and counts as it is)."""
        over = sum(self._column_room[c][0] for c in shown) - int(room * (1 - TITLE_SHARE))
        widths = {c: self._column_room[c][0] for c in shown}
        for stage in (1, 2):  # usual -> heading, then heading -> a few letters
            slack = {c: widths[c] - self._column_room[c][stage] for c in shown if c != KEY}
            total = sum(slack.values())
            if over <= 0 or total <= 0:
                break
            cut = min(1.0, over / total)
            for column, spare in slack.items():
                widths[column] -= round(spare * cut)
            over -= round(total * cut)
        for column in shown:
            if self._resized_by_user(column):
                widths[column] = self.table.columnWidth(column)
        return widths

    def _resized_by_user(self, column: ListColumn) -> bool:
        # A hidden column's width reads 0: whether the user resized it is told once it shows.
        hidden = self.table.isColumnHidden(column)
        return not hidden and self.table.columnWidth(column) != self._fitted[column]

    @property
    def busy(self) -> bool:
        """True while what the pane shows may be about to change."""
        return not self.model.loaded or self.model.counting or self.saved.busy

    # Columns the user shows or hides (right-click the header)

    def hidden_columns(self) -> list[ListColumn]:
        """The columns the user chose to hide (not those a narrow pane has no room for)."""
        return [c for c in ListColumn if c in self._chosen_hidden]

    def set_hidden_columns(self, columns: list[ListColumn] | tuple[ListColumn, ...]) -> None:
        """Hide `columns` and show the others (Key and Title always show)."""
        self._chosen_hidden = {c for c in columns if c not in (ListColumn.KEY, ListColumn.TITLE)}
        self._fit_columns()

    def _column_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        for column in ListColumn:
            if column in (ListColumn.KEY, ListColumn.TITLE):
                continue
            text = column.heading
            if column in self._squeezed:
                text += " (no room: widen the list)"
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(column not in self._chosen_hidden)
            action.toggled.connect(lambda shown, c=column: self._show_column(c, shown))
        menu.exec(self.table.horizontalHeader().mapToGlobal(position))

    def _show_column(self, column: ListColumn, shown: bool) -> None:
        if shown:
            self._chosen_hidden.discard(column)
        else:
            self._chosen_hidden.add(column)
        self._fit_columns()
        self.columnsChanged.emit()

    # The listed database

    def set_listing(self, listing: IncidentListing | None, path: Path | None) -> None:
        """List the incidents of the database at `path` (None: nothing)."""
        self._current = None
        self.listing_path = path
        self._shown_first = False
        self.model.set_listing(listing)
        self._watched, self._seen_version = listing, None
        if listing is not None and listing.dialect == "sqlite":
            self._outside.start()
            # What the first read saw is the mark to compare with: taken once it is read,
            # not at the first tick (a write meanwhile would have become the mark unseen).
            self.model.reloaded.connect(self._look_outside, Qt.ConnectionType.SingleShotConnection)
        else:
            self._outside.stop()

    def _look_outside(self) -> None:
        listing = self._watched
        first = self._seen_version is None  # the mark: taken whatever the list is doing
        if listing is None or self._looking or (not first and (not self.isVisible() or self.busy)):
            return
        self._looking = True

        def seen(version: int | None) -> None:
            self._looking = False
            if listing is not self._watched:
                return  # another database meanwhile
            before, self._seen_version = self._seen_version, version
            if before is not None and version != before:
                self.outsideChanged.emit()

        def failed(_error: Exception) -> None:
            self._looking = False  # the list's own reads say what is wrong

        self._ops.read(
            lambda: listing.data_version(),
            seen,
            owner=self,
            failed=failed,
            what="look for changes made elsewhere",
        )

    def reload(self) -> None:
        """Read the list again (incidents changed)."""
        self._note_view_rows()
        self.model.reload()

    # Searching and filtering

    def query(self) -> ListQuery:
        """The query the controls describe (its text: the latest search that parses)."""
        return replace(
            self.model.query,
            text=self._good_text,
            phase=current_enum(self.phase, Phase),
            severity=current_enum(self.severity, Severity),
            only=self._only,
        )

    def run_search(self, text: str) -> None:
        """Search for `text` (as if typed in the box)."""
        self.search.setText(text)

    def patterns(self) -> list[Pattern]:
        """The words and phrases of the search shown, as the index matches them."""
        from hindsight.core.search_query import QueryError, parse

        try:
            return [item.pattern for item in parse(self._good_text).positive_texts()]
        except QueryError:
            return []

    def _typed(self, text: str) -> None:
        from hindsight.core.search_query import QueryError, parse

        self.saved.follow_query(text)
        try:
            parse(text)
        except QueryError as error:
            # Say why under the box; the list keeps showing the last query that parsed, and
            # says which (typed key by key, it is often a word on the way: "severity").
            good = " ".join(self._good_text.split())
            if len(good) > 40:  # a long word would hold the pane as wide as itself
                good = good[:39] + "…"
            shown = f"the search “{good}”" if good else "every incident"
            self.search_bar.show_problem(f"{error} The list shows {shown}.")
            self.search_bar.save_button.setEnabled(False)
            return
        self.search_bar.show_problem("")
        self._good_text = text
        self.search_bar.save_button.setEnabled(bool(text.strip()))
        self._apply_filters()

    def _apply_filters(self) -> None:
        self._to_top = True
        self._note_view_rows()  # the window may have been resized since
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
        self._good_text = ""
        self.search_bar.show_problem("")
        self.search_bar.save_button.setEnabled(False)
        self._only = None
        self.only_bar.hide()
        self._apply_filters()

    def _order_changed(self) -> None:
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(not (searching(self.model.query) and self.model.by_relevance))
        self._update_status()

    def _update_status(self) -> None:
        model = self.model
        if not model.searching:
            self.search_bar.show_status("", sorted_by_column=False)
            return
        count = model.rowCount()
        found = f"{count:,} incident{'s' if count != 1 else ''} match"
        if count == 1:
            found += "es"
        if not model.count_exact:  # the matches are being counted: say what is known
            found = f"At least {count:,} incidents match"
        if model.by_relevance:
            order = "best first" if model.with_snippets else "newest first"
        else:
            order = f"by {model.query.sort.heading.lower()}"
        text = f"{found}, {order}" if count else found.replace("match", "match the search")
        notice = f"\n{model.notice}" if model.notice else ""
        self.search_bar.show_status(text + notice, sorted_by_column=not model.by_relevance)

    # Going to where a hit matched

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        # The first paint of real rows: what start-up hurries towards.
        if (
            not self._shown_first
            and watched is self.table.viewport()
            and event.type() == QEvent.Type.Paint
            and self.model.loaded
            and self.model.rowCount() > 0
        ):
            QTimer.singleShot(0, self._announce_shown)
        if (
            watched is self.table.viewport()
            and event.type() == QEvent.Type.MouseButtonDblClick
            and isinstance(event, QMouseEvent)
        ):
            self._double_clicked(event.position().toPoint())
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and (self._choose_current_row() or self._go_to_best_snippet())
        ):
            return True
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and self.model.rowCount() > 0
        ):
            self._enter_list()
            return True
        return super().eventFilter(watched, event)

    def _enter_list(self) -> None:
        """Down in the search box: on to the list, on its chosen row or else its first."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)

    def _choose_current_row(self) -> bool:
        """Enter on a row that has the keyboard's focus but is not chosen yet (the list was
        entered with Tab): choose it, as a click would."""
        current = self.table.currentIndex()
        if not current.isValid() or self.table.selectionModel().selectedRows():
            return False
        self.table.selectRow(current.row())
        return True

    def _announce_shown(self) -> None:
        if not self._shown_first:
            self._shown_first = True
            self.firstShown.emit()

    def _double_clicked(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        snippets = self.model.snippets(index.row())
        if not snippets:
            return
        line = self.delegate.line_at(self.table.visualRect(index), position.y())
        # The hit's own line goes to its best snippet; a snippet line to that snippet.
        chosen = snippets[line - 1] if 0 < line <= len(snippets) else snippets[0]
        self._activate(index.row(), chosen)

    def _go_to_best_snippet(self) -> bool:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            snippets = self.model.snippets(rows[0].row())
            if snippets:
                self._activate(rows[0].row(), snippets[0])
                return True
        return False

    def _activate(self, row: int, snippet: Snippet) -> None:
        item = self.model.row(row)
        if item is not None:
            self.snippetActivated.emit(item.id, snippet)

    def _row_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        snippets = self.model.snippets(index.row())
        if not snippets:
            return
        menu = QMenu(self)
        row = index.row()
        for snippet in snippets:
            text = snippet_line(snippet)
            action = menu.addAction("Go to " + (text if len(text) <= 90 else text[:89] + "…"))
            action.triggered.connect(lambda _checked=False, s=snippet: self._activate(row, s))
        menu.exec(self.table.viewport().mapToGlobal(position))

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
        fits = viewport.height() // self.delegate.row_height(False) + 1
        self.model.set_rows_on_screen(fits, viewport.height() // self.delegate.row_height(True) + 1)

    def _about_to_reset(self) -> None:
        self._scroll_before = self.table.verticalScrollBar().value()

    def _reset(self) -> None:
        with_snippets = self.model.with_snippets
        height = self.delegate.row_height(with_snippets)
        if self.table.verticalHeader().defaultSectionSize() != height:
            self.table.verticalHeader().setDefaultSectionSize(height)
        self.table.setShowGrid(not with_snippets)  # grid lines would cross the snippet lines
        # A new filter starts at the top; a reread of the same query stays where it was.
        scroll = self.table.verticalScrollBar()
        scroll.setValue(0 if self._to_top else min(self._scroll_before, scroll.maximum()))
        self._to_top = False
        # The view lays its rows out again on a zero timer after a reset, and repaints all
        # of them then: a second paint of the new answer, after the first. Laying them out
        # now makes it one paint.
        self.table.executeDelayedItemsLayout()

    def _reloaded(self) -> None:
        self._highlight(self._current)
        if self.search.text() == self._good_text:
            self.search_bar.show_problem("")  # the query in the box ran
        self._order_changed()
        count = self.model.rowCount()
        if count:
            self.body.setCurrentWidget(self.table)
            return
        QTimer.singleShot(0, self._announce_shown)  # nothing to paint: shown as it is
        if self.model.searching:
            self.empty.setText(
                "No incidents match the search.\n"
                "Clear it (Esc in the search box) to see them all, or press ? beside it "
                "for how to search."
            )
        elif self.query().filtered:
            self.empty.setText(
                "No incidents match the filter.\nClear it (Esc in the search box) to see them all."
            )
        else:
            self.empty.setText("No incidents yet.")
        self.body.setCurrentWidget(self.empty)

    def visible_keys(self) -> list[str]:
        """Keys of the rows read, top to bottom (what the user sees once loaded)."""
        return [row.key for row in self.model.loaded_rows()]
