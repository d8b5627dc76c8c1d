"""The incident list's model: a table over a query, read a page at a time for the rows on screen.

The model holds no list of incidents. Listing, it asks the store how many incidents the query
keeps and reads, on the reader lane, the pages of rows the view paints; sorting and filtering
are a new query. Searching, it holds the ids of the matches in the order shown (best first,
until a column header is clicked; at first only those of the pages in view) and reads the
rows and snippets of the pages in view. Cost follows what is on screen, not what is in the
database.

Asking again while an answer is on its way never queues a second read: the latest query is
asked once the running read is done, and an answer overtaken meanwhile is dropped, so typing
in the search box never waits on the database and only the latest query's answer is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QWidget

from hindsight.core.listing import ListColumn, ListQuery, ListRow
from hindsight.core.review import ReviewStatus
from hindsight.store.listing import IncidentListing, ListingNotReady
from hindsight.ui.author_text import plain_tooltip
from hindsight.ui.operations import Operations, error_message
from hindsight.ui.qt_helpers import local_text
from hindsight.ui.search.results import SearchReader, has_words, searching
from hindsight.ui.search.snippets import SNIPPETS_ROLE, snippets_tooltip
from hindsight.vocabulary import vocabulary

if TYPE_CHECKING:  # the query language loads with the first search, after the first paint
    from hindsight.core.search_results import Snippet

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 100
# Search pages also read snippets (most of a page's cost), and their rows are taller: a page
# is about what a window shows, so the first answer reads no snippets nobody sees.
SEARCH_PAGE_SIZE = 10
MAX_PAGES = 40  # rows kept read: what was on screen lately, not the whole database
COUNT_DELAY_MS = 150  # from a search's first rows shown to counting every match


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
        row.impact,
    )


Pages = dict[int, list[ListRow]]
Snippets = dict[int, tuple["Snippet", ...]]


@dataclass
class _Answer:
    """One answer to the query: what the model shows until the next one arrives."""

    count: int = 0
    pages: Pages = field(default_factory=dict)
    order: list[int] | None = None  # searching: the matches' ids, in the order shown
    complete: bool = True  # searching: `order` holds every match (else the first pages')
    exact: bool = True  # `count` is exact (else a lower bound until the matches are counted)
    query: ListQuery | None = None  # searching: the query answered
    snippets: Snippets = field(default_factory=dict)
    with_snippets: bool = False  # rows carry snippets (the search holds words)
    page_size: int = PAGE_SIZE
    notice: str = ""


class IncidentListModel(QAbstractTableModel):
    """The rows of a list query or a search: a count, and the pages the view asked for."""

    reloaded = Signal()  # a new answer to the query arrived; rows may have moved
    searchFailed = Signal(str)  # a search could not run; the one-line reason (rows stay)
    orderChanged = Signal()  # search results went from best first to a column order or back
    counted = Signal()  # a search's matches were counted (the count was a lower bound)
    sortRefused = Signal(object, bool)  # a column that does not sort: (column in use, descending)
    unavailable = Signal()  # the database cannot be listed yet (new, or being upgraded)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._listing: IncidentListing | None = None
        self._query = ListQuery()
        self._relevance = True  # searching: best first until a column header is clicked
        self._answer = _Answer()
        self._cells: dict[int, tuple[str, ...]] = {}  # by row, for the rows read
        self._generation = 0
        self._reloading = False
        self._reload_again = False
        self._waiting_for_workspace = False
        self._making_search = False  # the search service is being made on the lane
        self._loaded_once = False
        self._wanted: set[int] = set()
        self._asked: set[int] = set()
        self._view_rows = (0, 0)  # the pane says which rows are on screen
        self._rows_on_screen = {False: 0, True: 0}  # how many fit: plain rows, hits' rows
        self._fetch = QTimer(self, singleShot=True, interval=0)
        self._fetch.timeout.connect(self._fetch_wanted)
        # A search's matches are counted a moment after its first rows are shown: the paint
        # goes first, and a key typed meanwhile asks for a new answer instead.
        self._count_timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._count_matches)
        self._counting: _Answer | None = None  # the answer whose count is on the lane

    # What is listed

    @property
    def query(self) -> ListQuery:
        """The query whose rows are shown."""
        return self._query

    @property
    def loaded(self) -> bool:
        """True once the first answer to the current query has arrived."""
        return self._loaded_once and not self._reloading and not self._waiting_for_workspace

    @property
    def searching(self) -> bool:
        """True when the rows shown are a search's matches."""
        return self._answer.order is not None

    @property
    def by_relevance(self) -> bool:
        """Searching: True while matches are shown best first (not by a column)."""
        return self._relevance

    @property
    def with_snippets(self) -> bool:
        """True when the rows shown carry snippets (taller rows)."""
        return self._answer.with_snippets

    @property
    def count_exact(self) -> bool:
        """False while the rows counted are a lower bound: a search's first answer ranked
        its page without counting every match, and the count is on its way."""
        return self._answer.exact

    @property
    def notice(self) -> str:
        """What the user should know about the search shown (e.g. no full-text index)."""
        return self._answer.notice

    def set_listing(self, listing: IncidentListing | None) -> None:
        """List the incidents of another database (None: nothing)."""
        old, self._listing = self._listing, listing
        if old is not None:
            self._ops.read(old.close)  # its connection belongs to the reader lane
        self.beginResetModel()
        self._answer, self._cells = _Answer(), {}
        self._generation += 1
        self._count_timer.stop()
        self.endResetModel()
        self._loaded_once = False
        self.reload()

    def set_query(self, query: ListQuery) -> None:
        """Show the incidents `query` keeps, in its order (a search when it has text)."""
        if query == self._query:
            return
        if searching(query) and not searching(self._query) and not self._relevance:
            self._relevance = True  # a new search starts best first
            self.orderChanged.emit()
        self._query = query
        self.reload()

    def rank_by_relevance(self) -> None:
        """Searching: show the matches best first again (after a column was clicked)."""
        if not self._relevance:
            self._relevance = True
            self.orderChanged.emit()
            if searching(self._query):
                self.reload()

    def set_rows_on_screen(self, plain: int, with_snippets: int) -> None:
        """How many rows the view shows at once: of a list, and of hits with snippets."""
        self._rows_on_screen = {False: max(plain, 0), True: max(with_snippets, 0)}

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
        query = self._query
        search = searching(query)
        if search and not self._ops.has_workspace:
            # Searching needs the open database; it runs when the window adopts it.
            self._waiting_for_workspace = True
            return
        if search and not self._ops.workspace.made("search"):
            # Just after start the search service may not be made yet (it loads the ORM): it
            # is made on the database lane, never on the GUI thread, and the search runs then.
            self._waiting_for_workspace = True
            if not self._making_search:
                self._making_search = True
                self._ops.run(
                    lambda ws: ws.search,
                    lambda _: self._search_made(None),
                    owner=self,
                    failed=self._search_made,
                    what="prepare searching",
                )
            return
        self._waiting_for_workspace = False
        self._reloading = True
        self._generation += 1
        self._count_timer.stop()  # the answer shown is to be replaced: no count of it
        generation, listing = self._generation, self._listing
        if search:
            work = self._search_work(SearchReader(self._ops.workspace.search, listing), query)
        else:
            work = self._list_work(listing, query)
        self._ops.read(
            work,
            lambda answer: self._reloaded(generation, answer),
            owner=self,
            failed=lambda error: self._failed(error, search),
            what="search the incidents" if search else "read the incident list",
        )

    def _pages_in_view(self, page_size: int, with_snippets: bool) -> list[int]:
        first, last = self._view_rows
        fit = self._rows_on_screen[with_snippets]
        if with_snippets != self._answer.with_snippets and fit:
            # The rows change height with this answer, and a new search starts at the top:
            # the rows on screen are the first that fit, not those shown now.
            first, last = 0, fit - 1
        return sorted({0, *range(first // page_size, last // page_size + 1)})

    def _search_made(self, error: Exception | None) -> None:
        self._making_search = False
        if error is not None:
            self._waiting_for_workspace = False
            self._failed(error, True)
        elif self._waiting_for_workspace:
            self.reload()  # the query typed meanwhile, whatever it is now

    def _list_work(self, listing: IncidentListing, query: ListQuery) -> Callable[[], _Answer]:
        pages = self._pages_in_view(PAGE_SIZE, False)
        listed = replace(query, text="")

        def work() -> _Answer:
            count = listing.count(listed)
            found = {
                page: listing.page(listed, page * PAGE_SIZE, PAGE_SIZE)
                for page in pages
                if page * PAGE_SIZE < count or page == 0
            }
            return _Answer(count, found)

        return work

    def _search_work(self, reader: SearchReader, query: ListQuery) -> Callable[[], _Answer]:
        relevance = self._relevance
        with_snippets = has_words(query.text)
        pages = self._pages_in_view(SEARCH_PAGE_SIZE, with_snippets)

        def work() -> _Answer:
            reach = (pages[-1] + 1) * SEARCH_PAGE_SIZE
            count, order, exact = reader.first(query, relevance, reach, with_snippets)
            answer = _Answer(
                count,
                order=order,
                complete=exact and len(order) >= count,
                exact=exact,
                query=query,
                with_snippets=with_snippets,
                page_size=SEARCH_PAGE_SIZE,
                notice=reader.notice,
            )
            for page in pages:
                ids = order[page * SEARCH_PAGE_SIZE : (page + 1) * SEARCH_PAGE_SIZE]
                if ids or page == 0:
                    rows, snippets = reader.page(query, ids, with_snippets)
                    answer.pages[page] = rows
                    answer.snippets.update(snippets)
            return answer

        return work

    def _failed(self, error: Exception, search: bool) -> None:
        self._reloading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
            return
        if search:
            # The list keeps its last answer; the reason is said under the search box.
            message = error_message(error)
            self.searchFailed.emit(message)
            if not self._answer.exact:
                self._count_timer.start()  # the answer kept is still to be counted
            return
        if isinstance(error, ListingNotReady):
            self.unavailable.emit()  # listed once the database is open
            return
        from hindsight.ui import messages

        messages.show_error(None, "Cannot read the incident list", str(error))

    def _reloaded(self, generation: int, answer: _Answer) -> None:
        self._reloading = False
        if self._reload_again:
            # Overtaken by a newer query (or newer data): show only the latest answer.
            self._reload_again = False
            self.reload()
            return
        if generation != self._generation:
            return
        self.beginResetModel()
        self._answer, self._cells = answer, {}
        self._wanted.clear()
        self._asked.clear()
        self.endResetModel()
        self._loaded_once = True
        self.reloaded.emit()
        if not answer.exact:
            self._count_timer.start()

    @property
    def counting(self) -> bool:
        """True while a search's matches are to be counted (the count shown is a bound)."""
        waiting = self._count_timer.isActive() or self._counting is self._answer
        return not self._answer.exact and waiting

    def _count_matches(self) -> None:
        """Count a search's matches after its first rows are shown (their count was a
        lower bound); skipped if another answer is asked for first."""
        answer = self._answer
        query = answer.query
        if answer.exact or query is None or self._listing is None or not self._ops.has_workspace:
            return
        reader = SearchReader(self._ops.workspace.search, self._listing)
        generation = self._generation

        def work() -> int | None:
            # Not if another answer was asked for meanwhile (it is counted if need be).
            current = generation == self._generation and answer is self._answer
            return reader.count(query) if current else None

        def failed(error: Exception) -> None:
            if self._counting is answer:
                self._counting = None
            if answer is self._answer:
                message = error_message(error)
                self.searchFailed.emit(message)

        self._counting = answer
        self._ops.read(
            work,
            lambda count: self._counted(answer, count),
            owner=self,
            failed=failed,
            what="count the search's matches",
        )

    def _counted(self, answer: _Answer, count: int | None) -> None:
        if self._counting is answer:
            self._counting = None
        if count is None or answer is not self._answer:
            return
        shown = answer.count
        if count > shown:
            self.beginInsertRows(QModelIndex(), shown, count - 1)
            answer.count, answer.exact = count, True
            self.endInsertRows()
        elif count < shown:  # never for a lower bound; the data changed in between
            self.beginRemoveRows(QModelIndex(), count, shown - 1)
            answer.count, answer.exact = count, True
            for row in range(count, shown):
                self._cells.pop(row, None)
            self.endRemoveRows()
        else:
            answer.exact = True
        self.counted.emit()

    # Pages

    def _page_of(self, row: int) -> list[ListRow] | None:
        size = self._answer.page_size
        page = self._answer.pages.get(row // size)
        if page is None:
            self._want(row // size)
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
        generation, listing, query, answer = (
            self._generation,
            self._listing,
            self._query,
            self._answer,
        )
        size = answer.page_size
        work: Callable[[], tuple[Pages, Snippets, list[int] | None]]
        if answer.order is not None:
            if not self._ops.has_workspace:
                return
            reader = SearchReader(self._ops.workspace.search, listing)
            known, complete, relevance = answer.order, answer.complete, self._relevance

            def work() -> tuple[Pages, Snippets, list[int] | None]:
                # Past the first answer's pages, every match's id is read first (once).
                order = known if complete else reader.order(query, relevance)
                pages: Pages = {}
                snippets: Snippets = {}
                for page in wanted:
                    ids = order[page * size : (page + 1) * size]
                    pages[page], found = reader.page(query, ids, answer.with_snippets)
                    snippets.update(found)
                return pages, snippets, None if complete else order

        else:
            listed = replace(query, text="")

            def work() -> tuple[Pages, Snippets, list[int] | None]:
                return {p: listing.page(listed, p * size, size) for p in wanted}, {}, None

        self._ops.read(
            work,
            lambda found: self._arrived(generation, *found),
            owner=self,
            what="read the incident list",
        )

    def _arrived(
        self, generation: int, pages: Pages, snippets: Snippets, order: list[int] | None
    ) -> None:
        if generation != self._generation:
            return
        answer = self._answer
        if order is not None:
            answer.order, answer.complete = order, True
            if not answer.exact:
                self._counted(answer, len(order))  # every match is known now
        answer.snippets.update(snippets)
        size = answer.page_size
        for page, rows in pages.items():
            self._asked.discard(page)
            answer.pages[page] = rows
            if rows:
                first = page * size
                last = min(first + len(rows), answer.count) - 1
                if last >= first:
                    self.dataChanged.emit(
                        self.index(first, 0), self.index(last, len(ListColumn) - 1)
                    )
        self._forget_far_pages()

    def _forget_far_pages(self) -> None:
        answer = self._answer
        if len(answer.pages) <= MAX_PAGES:
            return
        size = answer.page_size
        here = self._view_rows[0] // size
        for page in sorted(answer.pages, key=lambda p: -abs(p - here))[: -MAX_PAGES or None]:
            if page != 0:
                for listed in answer.pages.pop(page):
                    answer.snippets.pop(listed.id, None)
                for row in range(page * size, (page + 1) * size):
                    self._cells.pop(row, None)

    # Rows

    def row(self, row: int) -> ListRow | None:
        """The incident in `row`, if its page has been read."""
        if not 0 <= row < self._answer.count:
            return None
        page = self._page_of(row)
        size = self._answer.page_size
        if page is None or row % size >= len(page):
            return None
        return page[row % size]

    def cell_text(self, row: int, column: int) -> str:
        """What the cell at `row`, `column` shows ("" until its page is read)."""
        item = self.row(row)
        if item is None:
            return ""
        cells = self._cells.get(row)
        if cells is None or cells[0] != item.key:
            cells = self._cells[row] = _cells(item)
        return cells[column]

    def snippets(self, row: int) -> tuple[Snippet, ...]:
        """The snippets of the hit in `row` (searching, once its page has been read)."""
        item = self.row(row)
        return self._answer.snippets.get(item.id, ()) if item is not None else ()

    def row_of(self, incident_id: int) -> int | None:
        """The row showing `incident_id`, among the rows read."""
        size = self._answer.page_size
        for page, rows in self._answer.pages.items():
            for offset, row in enumerate(rows):
                if row.id == incident_id:
                    return page * size + offset
        return None

    def locate(self, incident_id: int, found: Callable[[int | None], None]) -> None:
        """Find the row of `incident_id` under the query (reading the store if need be)."""
        row = self.row_of(incident_id)
        if row is not None or self._listing is None:
            found(row)
            return
        order = self._answer.order
        if order is not None and (self._answer.complete or not self._ops.has_workspace):
            found(order.index(incident_id) if incident_id in order else None)
            return
        if order is not None:
            self._locate_in_search(incident_id, found)
            return
        generation, listing, query = self._generation, self._listing, replace(self._query, text="")

        def answer(position: int | None) -> None:
            found(position if generation == self._generation else None)

        self._ops.read(
            lambda: listing.position(query, incident_id),
            answer,
            owner=self,
            what="find the incident in the list",
        )

    def _locate_in_search(self, incident_id: int, found: Callable[[int | None], None]) -> None:
        """Find a match's row once every match's id is read (the first answer had a few)."""
        answer, generation, query = self._answer, self._generation, self._query
        reader = SearchReader(self._ops.workspace.search, self._listing)  # type: ignore[arg-type]
        relevance = self._relevance

        def located(order: list[int]) -> None:
            if generation != self._generation:
                found(None)
                return
            answer.order, answer.complete = order, True
            found(order.index(incident_id) if incident_id in order else None)

        self._ops.read(
            lambda: reader.order(query, relevance),
            located,
            owner=self,
            what="find the incident in the search",
        )

    def loaded_rows(self) -> list[ListRow]:
        """The rows read so far, top to bottom."""
        pages = self._answer.pages
        return [row for page in sorted(pages) for row in pages[page]]

    # Qt's model interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._answer.count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ListColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ListColumn(section).heading
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in the database: a new query (searching: no longer best first)."""
        if not 0 <= column < len(ListColumn):
            return
        if column == ListColumn.IMPACT:
            # Headlines in different units have no order worth showing; keep the one in use.
            self.sortRefused.emit(self._query.sort, self._query.descending)
            return
        descending = order == Qt.SortOrder.DescendingOrder
        sorted_query = replace(self._query, sort=ListColumn(column), descending=descending)
        if searching(self._query) and self._relevance:
            self._relevance = False
            self.orderChanged.emit()
            if sorted_query == self._query:
                self.reload()
                return
        self.set_query(sorted_query)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self._answer.with_snippets:  # the row's own text on its first line
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SNIPPETS_ROLE):
            return None
        item = self.row(index.row())
        if item is None:
            return None
        column = ListColumn(index.column())
        if role == SNIPPETS_ROLE:
            return self._answer.snippets.get(item.id, ())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(index.row(), column)
        if column is ListColumn.SEVERITY:
            return vocabulary().severity_definitions[item.severity]
        if column is ListColumn.PHASE:
            return vocabulary().phase_descriptions[item.phase]
        if column is ListColumn.UPDATED:
            return f"Last saved {local_text(item.updated_at)}"
        if column is ListColumn.IMPACT:
            return plain_tooltip(item.impact) if item.impact else "No impact measure recorded"
        found = self._answer.snippets.get(item.id, ())
        if found:
            return snippets_tooltip(f"{item.key} · {item.title}", found)
        return plain_tooltip(f"{item.key} · {item.title}")
