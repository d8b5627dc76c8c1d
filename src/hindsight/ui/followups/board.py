"""The grid and the ranked list side by side, over the items of one incident or of all.

The board is the controller of both views: it loads items through the follow-up service,
applies the filter and the ranking rule, saves every move and edit at once (each its own
transaction, each checked against the item's version) and records it as an undoable step.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QDialog, QHeaderView, QSplitter, QTableView

from hindsight.core.followup_attention import AttentionReport, AttentionSettings, assess
from hindsight.core.followup_filters import FollowUpFilter, apply_filter
from hindsight.core.followup_ranking import RankedItem, rank
from hindsight.core.followups import FollowUp
from hindsight.services.errors import ConflictError, NotFoundError, StoreError, ValidationError
from hindsight.services.workspace import Workspace
from hindsight.ui import messages
from hindsight.ui.followups.commands import FollowUpCommand, ItemRef, same_content
from hindsight.ui.followups.details_dialog import FollowUpDialog
from hindsight.ui.followups.ranked_list import (
    INCIDENT_COLUMN,
    ITEM_ID_ROLE,
    RankedListModel,
)
from hindsight.ui.followups.scene import GridScene, GridView


def _short(title: str, limit: int = 40) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


class FollowUpBoard(QSplitter):
    """A grid of cards and the ranked list of the same items, kept in step."""

    changed = Signal()  # an item was saved, created or deleted here
    refreshed = Signal()  # the items, filter or attention flags shown changed
    selectionChanged = Signal(object)  # item id or None

    def __init__(
        self,
        workspace: Workspace,
        undo_stack: QUndoStack,
        *,
        orientation: Qt.Orientation = Qt.Orientation.Horizontal,
        incident_column: bool = True,
        parent=None,
    ) -> None:
        super().__init__(orientation, parent)
        self.workspace = workspace
        self.undo_stack = undo_stack
        self.regions = workspace.followups.regions
        self.scene = GridScene(self.regions, parent=self)
        self.view = GridView(self.scene)
        self.model = RankedListModel(self)
        self.table = QTableView()
        self.table.setObjectName("rankedList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
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

        self._scope: int | None = None
        self._scope_key = ""
        self._filter = FollowUpFilter()
        self._items: dict[int, FollowUp] = {}
        self._refs: dict[int, ItemRef] = {}
        self._published: dict[int, date] = {}
        self._settings = AttentionSettings()
        self._today = date.today()
        self.report = AttentionReport()
        self.ranked: list[RankedItem] = []
        self._syncing = False

        self.scene.moveRequested.connect(self.request_move)
        self.scene.openRequested.connect(self.open_details)
        self.scene.selectedItemChanged.connect(self._grid_selected)
        self.view.deleteRequested.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._list_selected)
        self.table.doubleClicked.connect(lambda index: self.open_details(index.data(ITEM_ID_ROLE)))

    # What is shown

    @property
    def incident_id(self) -> int | None:
        """The incident whose items are shown; None for all incidents."""
        return self._scope

    @property
    def items(self) -> list[FollowUp]:
        """Every loaded item, filtered or not."""
        return list(self._items.values())

    def item(self, item_id: int) -> FollowUp | None:
        """One loaded item."""
        return self._items.get(item_id)

    def set_scope(
        self, incident_id: int | None, key: str = "", chosen: FollowUpFilter | None = None
    ) -> None:
        """Show the items of one incident (None: of every incident) and load them."""
        self._scope, self._scope_key = incident_id, key
        if chosen is not None:
            self._filter = chosen
        self.scene.expanded.clear()
        self.reload()

    def reload(self) -> bool:
        """Read the items again (after changes made elsewhere)."""
        try:
            overview = self.workspace.followups.overview(self._scope)
        except StoreError as error:
            self.report_error("Cannot read follow-ups", error.message)
            return False
        self._items = {item.id: item for item in overview.items if item.id is not None}
        self._published, self._settings = overview.published, overview.settings
        self._today = overview.today
        self._refresh()
        return True

    def set_filter(self, chosen: FollowUpFilter) -> None:
        """Show only the items `chosen` keeps."""
        self._filter = chosen
        self._refresh()

    @property
    def filter(self) -> FollowUpFilter:
        return self._filter

    def _refresh(self) -> None:
        items = list(self._items.values())
        self.report = assess(
            items,
            regions=self.regions,
            published=self._published,
            settings=self._settings,
            today=self._today,
        )
        shown = apply_filter(items, self._filter, self.regions, self.report)
        self.ranked = rank(shown, self.regions)
        selected = self.scene.selected_id()
        self._syncing = True
        try:
            self.scene.set_items([entry.item for entry in self.ranked], self.report)
            self.model.set_rows(self.ranked, self.report)
        finally:
            self._syncing = False
        self.select(
            selected if selected is not None and self.model.row_of(selected) is not None else None
        )
        self.refreshed.emit()

    # Selection, kept the same in the grid and the list

    def selected_id(self) -> int | None:
        """The selected item, if any."""
        return self.scene.selected_id()

    def select(self, item_id: int | None) -> None:
        """Select `item_id` in both views (None clears the selection)."""
        self.scene.select_item(item_id)
        self._select_row(item_id)

    def _select_row(self, item_id: int | None) -> None:
        self._syncing = True
        try:
            selection = self.table.selectionModel()
            row = self.model.row_of(item_id) if item_id is not None else None
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

    def _grid_selected(self, item_id: object) -> None:
        if not self._syncing:
            self._select_row(item_id if isinstance(item_id, int) else None)
        self.selectionChanged.emit(item_id)

    def _list_selected(self) -> None:
        if self._syncing:
            return
        rows = self.table.selectionModel().selectedRows()
        item_id = rows[0].data(ITEM_ID_ROLE) if rows else None
        self.scene.select_item(item_id)

    # Changing items

    def _ref(self, item_id: int) -> ItemRef:
        if item_id not in self._refs:
            self._refs[item_id] = ItemRef(item_id)
        return self._refs[item_id]

    def report_error(self, title: str, message: str) -> None:
        """Tell the user (tests capture messages.show_error)."""
        messages.show_error(self, title, message)

    def _failed(self, error: Exception, what: str) -> None:
        if isinstance(error, (ConflictError, NotFoundError)):
            self.report_error(
                "Changed elsewhere",
                f"{error} Nothing was overwritten; the follow-ups now show what is saved.",
            )
            self.reload()
        elif isinstance(error, StoreError):
            self.report_error(f"Cannot {what}", error.message)
        else:
            self.report_error(f"Cannot {what}", str(error))

    def _record(self, ref: ItemRef, before: FollowUp | None, after: FollowUp | None, label: str):
        self.undo_stack.push(FollowUpCommand(self, ref, before, after, label))

    def request_move(self, item_id: int, value: int, feasibility: int) -> bool:
        """Place an item in another cell, save it, and record the step for undo."""
        item = self._items.get(item_id)
        if item is None or item.cell == (value, feasibility):
            return False
        try:
            moved = self.workspace.followups.move(item_id, value, feasibility, version=item.version)
        except (ConflictError, NotFoundError, StoreError, ValidationError) as error:
            self._failed(error, "move the follow-up")
            return False
        self._items[item_id] = moved
        self._record(self._ref(item_id), item, moved, f"Move “{_short(item.title)}”")
        self._refresh()
        self.select(item_id)
        self.changed.emit()
        return True

    def apply_state(self, ref: ItemRef, expected: FollowUp | None, target: FollowUp | None) -> bool:
        """Replay an undo or redo step: make the item `target`, if it is still `expected`."""
        current = self._items.get(ref.id) if ref.id is not None else None
        if not same_content(current, expected):
            self.report_error(
                "Cannot undo",
                "This follow-up was changed or removed since that step; the step was dropped "
                "so that the newer change is kept.",
            )
            return False
        service = self.workspace.followups
        try:
            if target is None:
                assert current is not None and ref.id is not None
                service.delete(ref.id, version=current.version)
                del self._items[ref.id]
                result_id = None
            elif current is None:
                created = service.create(replace(target, id=None, version=0))
                assert created.id is not None
                ref.id = created.id
                self._refs[created.id] = ref
                self._items[created.id] = created
                result_id = created.id
            elif same_content(
                replace(current, value=target.value, feasibility=target.feasibility), target
            ):
                assert ref.id is not None
                moved = service.move(
                    ref.id, target.value, target.feasibility, version=current.version
                )
                self._items[ref.id] = moved
                result_id = ref.id
            else:
                assert ref.id is not None
                saved = service.save(
                    replace(
                        target,
                        id=ref.id,
                        version=current.version,
                        incident_key=current.incident_key,
                        created_at=current.created_at,
                    )
                )
                self._items[ref.id] = saved
                result_id = ref.id
        except (ConflictError, NotFoundError, StoreError, ValidationError) as error:
            self._failed(error, "undo that step")
            return False
        self._refresh()
        self.select(result_id)
        self.changed.emit()
        return True

    def open_details(self, item_id: object) -> bool:
        """Show an item's details for editing; saves and records the edit when accepted."""
        item = self._items.get(item_id) if isinstance(item_id, int) else None
        if item is None:
            return False
        dialog = FollowUpDialog(
            item,
            self.regions,
            owners=self._owners(),
            today=self._today,
            parent=self,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        edited = dialog.result_item()
        if same_content(edited, item):
            return False
        return self._save_edit(item, edited)

    def _save_edit(self, item: FollowUp, edited: FollowUp) -> bool:
        service = self.workspace.followups
        assert item.id is not None
        try:
            try:
                saved = service.save(edited)
            except ConflictError as error:
                if not messages.confirm(
                    self,
                    "Changed elsewhere",
                    f"{error} Overwrite it with your version?",
                    "Overwrite",
                ):
                    self.reload()
                    return False
                saved = service.save(edited, overwrite=True)
        except (ConflictError, NotFoundError, StoreError, ValidationError) as error:
            self._failed(error, "save the follow-up")
            return False
        self._items[item.id] = saved
        self._record(self._ref(item.id), item, saved, f"Edit “{_short(saved.title)}”")
        self._refresh()
        self.select(item.id)
        self.changed.emit()
        return True

    def add_item(self) -> bool:
        """Ask for a new item of the shown incident, then store it."""
        if self._scope is None:
            return False
        draft = self.workspace.followups.new_item(self._scope)
        draft.incident_key = self._scope_key
        dialog = FollowUpDialog(
            draft, self.regions, owners=self._owners(), today=self._today, parent=self
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            created = self.workspace.followups.create(dialog.result_item())
        except (NotFoundError, StoreError, ValidationError) as error:
            self._failed(error, "add the follow-up")
            return False
        assert created.id is not None
        self._items[created.id] = created
        self._record(self._ref(created.id), None, created, f"Add “{_short(created.title)}”")
        self._refresh()
        self.select(created.id)
        self.changed.emit()
        return True

    def delete_selected(self) -> bool:
        """Delete the selected item after confirmation (undo brings it back)."""
        item_id = self.selected_id()
        item = self._items.get(item_id) if item_id is not None else None
        if item is None or item.id is None:
            return False
        if not messages.confirm(
            self,
            "Delete follow-up",
            f"Delete “{item.title}”? Undo (Ctrl+Z) brings it back.",
            "Delete",
        ):
            return False
        try:
            self.workspace.followups.delete(item.id, version=item.version)
        except (ConflictError, NotFoundError, StoreError) as error:
            self._failed(error, "delete the follow-up")
            return False
        del self._items[item.id]
        self._record(self._ref(item.id), item, None, f"Delete “{_short(item.title)}”")
        self._refresh()
        self.changed.emit()
        return True

    def _owners(self) -> list[str]:
        try:
            return self.workspace.followups.owners()
        except StoreError:
            return sorted({i.owner for i in self._items.values() if i.owner}, key=str.casefold)
