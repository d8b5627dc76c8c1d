"""The grid and the ranked list side by side, over the items of one incident or of all.

The board is the controller of both views. It asks the follow-up service, through the
window's operations runner, for a `Board`: the ranked ids the filter keeps (filtered and
counted in SQL) and whole items only for what is shown first; other items are read when their
row or card comes into view. Every change is one undoable step (commands.py) that the board
shows at once and saves on the database lane; if the save is refused, the board says why and
shows what is saved again. Changes made elsewhere arrive on `ops.changed`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontInfo, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QSplitter,
    QTableView,
    QWidget,
)

from hindsight.core.followup_attention import AttentionReport, Flag
from hindsight.core.followup_filters import FollowUpFilter
from hindsight.core.followup_index import RankedIndex
from hindsight.core.followup_ranking import rank_key
from hindsight.core.followups import FollowUp
from hindsight.export.grid.geometry import Cell
from hindsight.export.grid.painting import CardData, card_data, card_style, loading_card
from hindsight.services.changes import Changes
from hindsight.services.followups import Board, Summary
from hindsight.services.workspace import Workspace
from hindsight.ui.followups.commands import (
    ItemRef,
)
from hindsight.ui.followups.ranked_list import INCIDENT_COLUMN, ITEM_ID_ROLE, RankedListModel
from hindsight.ui.followups.scene import COLLAPSE_AFTER, GridScene
from hindsight.ui.followups.steps import BoardSteps
from hindsight.ui.followups.view import GridView
from hindsight.ui.operations import Operations
from hindsight.ui.qt_helpers import eliding_header


class _RulesNews(QObject):
    """Says that the attention rules' thresholds changed (they are no record: no Changes)."""

    changed = Signal()


_NEWS: list[_RulesNews] = []


def rules_news() -> _RulesNews:
    """The one sender of news about the attention rules, made on first use."""
    if not _NEWS:
        _NEWS.append(_RulesNews())
    return _NEWS[0]


FIRST_ROWS = 60  # rows of the ranked list read whole with the ranking (about two screens)
SUMMARY_DELAY_MS = 200
_EMPTY = RankedIndex()


class FollowUpBoard(BoardSteps, QSplitter):
    """A grid of cards and the ranked list of the same items, kept in step."""

    refreshed = Signal()  # the items, filter, counts or attention flags shown changed
    selectionChanged = Signal(object)  # item id or None
    itemsRead = Signal()  # whole items arrived (a preview may show one now)

    def __init__(
        self,
        ops: Operations,
        undo_stack: QUndoStack,
        *,
        orientation: Qt.Orientation = Qt.Orientation.Horizontal,
        incident_column: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(orientation, parent)
        self.ops = ops
        self.undo_stack = undo_stack
        self.regions = ops.workspace.followups.regions
        self._scope: int | None = None
        self._scope_key = ""
        self._filter = FollowUpFilter()
        self._data: Board | None = None
        self._cache: dict[int, FollowUp] = {}  # whole items read (or changed here)
        self._flags: dict[int, tuple[Flag, ...]] = {}
        self._cards: dict[int, tuple[FollowUp, tuple[Flag, ...], CardData]] = {}
        self._pending: Counter[int] = Counter()  # saves under way, per item
        self._wanted: set[int] = set()
        self._fetching: set[int] = set()
        self._missing: set[int] = set()  # asked for, but gone from the database
        self._refs: dict[int, ItemRef] = {}
        self._generation = 0  # of the reload asked last; older answers are ignored
        self._loading = False
        self._stale = False
        self._summary_running = False
        self._summary_stale = False
        self._summary = Summary()
        self._to_select: int | None = None  # asked for while its items were being read
        self._dirty = False  # changed elsewhere while hidden: read again when shown

        # The platform's small font (the general one where it has none); str works, bytes not.
        small = QFontInfo(QApplication.font("QSmallFont")).pixelSize()  # type: ignore[call-overload]
        self.scene = GridScene(self.regions, self, style=card_style(small), parent=self)
        self.view = GridView(self.scene)
        self.model = RankedListModel(self, self)
        self.table = QTableView()
        eliding_header(self.table)
        self.table.setObjectName("rankedList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAccessibleName("Ranked follow-ups")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = (34, 210, 64, 78, 66, 44, 44, 76, 104, 80, 120)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)
        self.table.setColumnHidden(INCIDENT_COLUMN, not incident_column)
        self.addWidget(self.view)
        self.addWidget(self.table)
        self.setChildrenCollapsible(False)

        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)  # gather what one paint asks for into one read
        self._fetch_timer.timeout.connect(self._fetch)
        # The counts of the scope after this board's own changes: once a burst of moves ends.
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(SUMMARY_DELAY_MS)
        self._summary_timer.timeout.connect(self._refresh_summary)

        self.scene.moveRequested.connect(self.request_move)
        self.scene.openRequested.connect(self.open_details)
        self.scene.selectedItemChanged.connect(self._grid_selected)
        self.view.deleteRequested.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._list_selected)
        self.table.doubleClicked.connect(lambda index: self.open_details(index.data(ITEM_ID_ROLE)))
        ops.changed.connect(self._on_changed)
        rules_news().changed.connect(self._rules_changed)

    # What is shown

    @property
    def workspace(self) -> Workspace:
        """The open workspace."""
        return self.ops.workspace

    @property
    def incident_id(self) -> int | None:
        """The incident whose items are shown; None for all incidents."""
        return self._scope

    @property
    def index(self) -> RankedIndex:
        """The ranked ids the filter keeps, with their cells."""
        return self._data.index if self._data is not None else _EMPTY

    @property
    def loaded(self) -> bool:
        """True once the items asked for last, and their counts, are shown."""
        return (
            self._data is not None
            and not self._loading
            and not self._dirty
            and not self._summary_running
            and not self._summary_timer.isActive()
        )

    @property
    def summary(self) -> Summary:
        """How many items the scope holds and what needs attention there."""
        return self._summary

    @property
    def owners(self) -> list[str]:
        """Owners named on any item (for the filter and the details dialog)."""
        return self._data.owners if self._data is not None else []

    @property
    def report(self) -> AttentionReport:
        """The flags of the items read so far, and the scope's blocker-review notices."""
        return AttentionReport(flags=self._flags, reviews=self.summary.reviews)

    @property
    def filter(self) -> FollowUpFilter:
        """What the board keeps."""
        return self._filter

    def ranked_ids(self) -> list[int]:
        """The ids shown, in ranked order."""
        return list(self.index)

    def item(self, item_id: int) -> FollowUp | None:
        """One item, if it was read (a view asking for it gets it a moment later)."""
        return self._cache.get(item_id)

    def known(self, item_id: int) -> FollowUp | None:
        """The item if it was read; nothing is asked for."""
        return self._cache.get(item_id)

    def flags_of(self, item_id: int) -> tuple[Flag, ...]:
        """Why an item needs attention (empty when it does not, or is not read yet)."""
        return self._flags.get(item_id, ())

    # What the grid asks (scene.CardSource)

    def cells(self) -> Mapping[Cell, Sequence[int]]:
        return self.index.cells()

    def cell_of(self, item_id: int) -> Cell | None:
        return self.index.cell_of(item_id)

    def card(self, item_id: int) -> CardData:
        item = self._cache.get(item_id)
        if item is None:
            self.want(item_id)
            return loading_card(item_id)
        # Items are replaced, never changed in place: the same item with the same flags
        # draws the same card, so it is made once.
        flags = self._flags.get(item_id, ())
        made = self._cards.get(item_id)
        if made is not None and made[0] is item and made[1] == flags:
            return made[2]
        card = card_data(item, self.report)
        self._cards[item_id] = (item, flags, card)
        return card

    def first_id(self) -> int | None:
        return self.index.id_at(0) if len(self.index) else None

    # Loading

    def set_scope(
        self, incident_id: int | None, key: str = "", chosen: FollowUpFilter | None = None
    ) -> None:
        """Show the items of one incident (None: of every incident) and load them."""
        if incident_id != self._scope:
            self._data = None
            self._summary = Summary()
            self._cache.clear()
            self._flags.clear()
            self._missing.clear()
            self.model.reset()
            self.scene.expanded.clear()
            self.scene.refresh()
        self._scope, self._scope_key = incident_id, key
        if chosen is not None:
            self._filter = chosen
        self.reload()

    def set_filter(self, chosen: FollowUpFilter) -> None:
        """Show only the items `chosen` keeps (asked of the database)."""
        if chosen != self._filter:
            self._filter = chosen
            self.reload(count=False)  # the scope's counts do not depend on the filter

    def reload(self, *, count: bool = True) -> None:
        """Read the ranked ids again (after a change made elsewhere, or another filter)."""
        if not self.isVisible():
            # A view nobody sees reads nothing: it reads once when shown (showEvent), so the
            # filters a window sets before it shows cost one read, not one each.
            self._dirty = True
            return
        self._dirty = False
        if count:
            self._refresh_summary()
        if self._loading:
            self._stale = True  # asked again when the reading under way is done
            return
        self._loading = True
        self._stale = False
        self._generation += 1
        generation, scope, chosen = self._generation, self._scope, self._filter

        def work(ws: Workspace) -> Board:
            # The counts come apart (_refresh_summary, beside the lane): not read twice here.
            return ws.followups.board(
                scope, chosen, first_rows=FIRST_ROWS, per_cell=COLLAPSE_AFTER, with_summary=False
            )

        self.ops.run(
            work,
            lambda board: self._loaded(generation, board),
            owner=self,
            failed=lambda error: self._load_failed(generation, error),
            what="read the follow-ups",
        )

    def _load_failed(self, generation: int, error: Exception) -> None:
        self._loading = False
        if generation == self._generation:
            self.report_error("Cannot read follow-ups", str(error))

    def _loaded(self, generation: int, board: Board) -> None:
        self._loading = False
        if self._stale or generation != self._generation or board.scope != self._scope:
            self.reload()
            return
        selected = self.selected_id()
        first = self._data is None
        self._data = board
        # Items being saved keep what the user made them; the rest is what is stored now.
        self._cache = {i: item for i, item in self._cache.items() if self._pending[i]}
        for item_id, item in board.details.items():
            self._cache.setdefault(item_id, item)
        self._cards = {i: made for i, made in self._cards.items() if i in self._cache}
        self._missing.clear()
        self._flags.clear()
        self._flags.update(board.rules.assess(self._cache.values()).flags)
        self.model.reset()
        for item_id, count in list(self._pending.items()):
            if count and item_id in self._cache:
                self._place(self._cache[item_id], refresh=False)
        self.scene.refresh()
        if self._to_select is not None:
            selected, self._to_select = self._to_select, None
        self.select(selected if selected is not None and selected in self.index else None)
        if first:
            self.view.show_top()
        self.refreshed.emit()

    def want(self, item_id: int) -> None:
        """A view shows this item: read it soon, with the others asked for meanwhile."""
        if item_id in self._fetching or item_id in self._missing or item_id in self._cache:
            return
        self._wanted.add(item_id)
        if not self._fetch_timer.isActive():
            self._fetch_timer.start()

    def _fetch(self) -> None:
        ids = sorted(self._wanted - self._fetching)
        self._wanted.clear()
        if not ids or self._data is None:
            return
        self._fetching.update(ids)
        scope = self._scope
        self.ops.run(
            lambda ws: ws.followups.details(ids),
            lambda items: self._fetched(scope, ids, items),
            owner=self,
            failed=lambda error: self._fetching.difference_update(ids),
            what="read follow-ups",
        )

    def _fetched(self, scope: int | None, ids: list[int], items: list[FollowUp]) -> None:
        self._fetching.difference_update(ids)
        if self._data is None or scope != self._scope:
            return
        arrived = {item.id: item for item in items if item.id is not None}
        self._missing.update(set(ids) - set(arrived))
        for item_id, item in arrived.items():
            if not self._pending[item_id]:
                self._cache[item_id] = item
        self._flags.update(self._data.rules.assess(arrived.values()).flags)
        changed = list(arrived)
        self.scene.update_cards(changed)
        self.model.items_changed(changed)
        self.itemsRead.emit()

    def _on_changed(self, changes: Changes, initiator: object) -> None:
        if self._data is None and not self._loading:
            return  # nothing shown yet
        if initiator is self:
            self._summary_timer.start()  # the counts of what this board changed
            return
        if not self.isVisible():
            self._dirty = True  # a hidden view reads nothing until it is shown again
            return
        scope = self._scope
        if (
            changes.everything
            or changes.removed
            or (changes.followups if scope is None else scope in changes.followups)
        ):
            self.reload()
            return
        saved = changes.incidents if scope is None else changes.incidents & {scope}
        if saved:
            self._check_published(saved)

    def _rules_changed(self) -> None:
        if self._data is None and not self._loading:
            return
        if self.isVisible():
            self.reload()
        else:
            self._dirty = True

    def _check_published(self, incidents: Iterable[int]) -> None:
        # Saving an incident matters here only if it published or reopened its review.
        watched = set(incidents)
        generation = self._generation

        def compare(published: dict) -> None:
            if self._data is None or generation != self._generation:
                return
            before = self._data.rules.published
            if any(before.get(i) != published.get(i) for i in watched):
                self.reload()

        self.ops.run(
            lambda ws: ws.followups.published_dates(),
            compare,
            owner=self,
            what="read review dates",
        )

    def _refresh_summary(self) -> None:
        """Count the scope's items and what needs attention, beside the database lane."""
        if self._summary_running:
            self._summary_stale = True
            return
        self._summary_running = True
        self._summary_timer.stop()
        scope = self._scope

        def arrived(summary: Summary) -> None:
            self._summary_running = False
            if self._summary_stale:
                self._summary_stale = False
                self._refresh_summary()
                return
            if scope == self._scope:
                self._summary = summary
                self.refreshed.emit()

        def failed(error: Exception) -> None:
            self._summary_running = False

        # A read only, on the pool: it runs while the lane reads the ranked ids.
        self.ops.run_long(
            lambda ws, task: ws.followups.summary(scope),
            arrived,
            owner=self,
            failed=failed,
            what="count follow-ups",
        )

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._dirty = False
            self.reload()

    # Showing one changed item at once

    def _place(self, item: FollowUp, *, refresh: bool = True) -> None:
        """Show `item` as it is now: its flags, its row and its card (or neither, if the
        filter no longer keeps it)."""
        data = self._data
        if data is None or item.id is None:
            return
        item_id = item.id
        self._cache[item_id] = item
        flags = data.rules.assess([item]).of(item_id)
        if flags:
            self._flags[item_id] = flags
        else:
            self._flags.pop(item_id, None)
        region = self.regions.at(*item.cell)
        in_scope = self._scope is None or item.incident_id == self._scope
        keep = in_scope and self._filter.accepts(item, region.key, bool(flags))
        index, model = data.index, self.model
        old = index.row_of(item_id)
        if not keep:
            if old is not None:
                model.beginRemoveRows(QModelIndex(), old, old)
                index.remove(item_id)
                model.endRemoveRows()
                model.rows_changed(old)
        else:
            key = rank_key(item, region)
            if old is None:
                row = index.row_for(key)
                model.beginInsertRows(QModelIndex(), row, row)
                index.put(key, item.cell)
                model.endInsertRows()
                model.rows_changed(row)
            else:
                destination = index.row_for(key)
                if destination in (old, old + 1):
                    index.put(key, item.cell)
                else:
                    model.beginMoveRows(QModelIndex(), old, old, QModelIndex(), destination)
                    index.put(key, item.cell)
                    model.endMoveRows()
                # Rank labels below the first row touched may all have shifted.
                model.rows_changed(min(old, destination))
        if refresh:
            self.scene.refresh()
            self.scene.update_cards([item_id])

    def _unplace(self, item_id: int) -> None:
        """Take a removed item off both views."""
        data = self._data
        self._cache.pop(item_id, None)
        self._flags.pop(item_id, None)
        if data is None:
            return
        row = data.index.row_of(item_id)
        if row is not None:
            self.model.beginRemoveRows(QModelIndex(), row, row)
            data.index.remove(item_id)
            self.model.endRemoveRows()
            self.model.rows_changed(row)
        self.scene.refresh()

    # Selection, kept the same in the grid and the list

    def selected_id(self) -> int | None:
        """The selected item, if any."""
        return self.scene.selected_id()

    def select(self, item_id: int | None) -> None:
        """Select `item_id` in both views (None clears the selection).

        While the items are being read, the item is selected once they are shown.
        """
        if self._loading and item_id is not None and item_id not in self.index:
            self._to_select = item_id
            return
        self._to_select = None
        self.scene.select_item(item_id)
        self._select_row(self.scene.selected_id())

    def _select_row(self, item_id: int | None) -> None:
        self._syncing = True
        try:
            selection = self.table.selectionModel()
            row = self.model.row_of(item_id)
            if row is None:
                selection.clearSelection()
            else:
                index = self.model.index(row, 0)
                selection.select(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                self.table.scrollTo(index)
        finally:
            self._syncing = False

    _syncing = False

    def _grid_selected(self, item_id: object) -> None:
        if not self._syncing:
            self._select_row(item_id if isinstance(item_id, int) else None)
        self.selectionChanged.emit(item_id)

    def _list_selected(self) -> None:
        if self._syncing:
            return
        rows = self.table.selectionModel().selectedRows()
        item_id = rows[0].data(ITEM_ID_ROLE) if rows else None
        self._syncing = True
        try:
            self.scene.select_item(item_id)
        finally:
            self._syncing = False
        self.selectionChanged.emit(self.scene.selected_id())

    def refreshed_emit(self) -> None:
        """Tell the window's labels that what the board shows changed."""
        self.refreshed.emit()
