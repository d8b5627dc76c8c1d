"""Saved searches above the incident list: each with how many incidents it finds now.

Click one to run it. Right-click (or F2, Delete) to rename it, to give it the query in the
box, or to delete it. The counts are read again, off the GUI thread, after anything changes;
a search whose query no longer parses (the question bank changed, say) shows "?" and why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hindsight.services.changes import Changes
from hindsight.ui import messages
from hindsight.ui.operations import Operations, Task
from hindsight.ui.qt_helpers import eliding_header

if TYPE_CHECKING:  # the first paint must not wait for SQLAlchemy (imported with Workspace)
    from hindsight.core.links import SavedSearch
    from hindsight.services.workspace import Workspace

RECOUNT_DELAY_MS = 300  # gather a burst of changes into one recount
VISIBLE_ROWS = 4  # more scroll
Counted = list[tuple["SavedSearch", int | None, str]]  # the search, its count, why no count


def count_saved(workspace: Workspace, task: Task) -> Counted:
    """Every saved search with its count now (None and the reason when it does not parse)."""
    from hindsight.core.search_query import QueryError  # on the lane, with the search

    counted: Counted = []
    for search in workspace.search.saved():
        task.check()
        try:
            counted.append((search, workspace.search.count(search.query), ""))
        except QueryError as error:
            counted.append((search, None, str(error)))
    return counted


def ask_name(parent: QWidget, title: str, label: str, text: str) -> str | None:
    """A name typed by the user, or None when they cancel."""
    name, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return name if ok else None


class SavedSearchesPanel(QWidget):
    """The saved searches, their counts, and what can be done with them."""

    runRequested = Signal(str)  # a saved query to put in the search box
    countsShown = Signal()  # names and counts on screen are the latest read

    def __init__(
        self, ops: Operations, current_query: Callable[[], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.current_query = current_query
        self.searches: Counted = []
        self._counting = False
        self._count_again = False
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.toggled.connect(self._folded)
        self.list = QTreeWidget()
        eliding_header(self.list)
        self.list.setColumnCount(2)
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAccessibleName("Saved searches")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemClicked.connect(lambda item, _column: self.run(item))
        self.list.itemActivated.connect(lambda item, _column: self.run(item))
        self.list.customContextMenuRequested.connect(self._menu)
        keys = (
            (QKeySequence(Qt.Key.Key_F2), self._rename_current),
            (QKeySequence(QKeySequence.StandardKey.Delete), self._delete_current),
        )
        for key, slot in keys:
            shortcut = QShortcut(key, self.list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toggle)
        layout.addWidget(self.list)
        self._recount = QTimer(self, singleShot=True, interval=RECOUNT_DELAY_MS)
        self._recount.timeout.connect(self.reload)
        ops.changed.connect(self._on_changed)
        self.hide()  # until there is a saved search to show

    # Reading

    @property
    def busy(self) -> bool:
        """True while the names and counts shown may be about to change."""
        return self._counting or self._recount.isActive()

    def reload(self) -> None:
        """Read the saved searches and their counts again (only the latest read is shown)."""
        if not self.ops.has_workspace:
            return
        if self._counting:
            self._count_again = True  # counted once the running count is done
            return
        self._counting = True
        self.ops.run_long(
            count_saved,
            self._counted,
            owner=self,
            failed=self._failed,
            what="count the saved searches",
        )

    def _on_changed(self, changes: Changes, _initiator: object) -> None:
        # Any write may change what a query finds (a follow-up's owner, an access note ...).
        if changes:
            self._recount.start()

    def _counted(self, counted: Counted) -> None:
        self._finish_count()
        if not self._count_again:
            self._show(counted)
        self._next_count()

    def _failed(self, error: Exception) -> None:
        self._finish_count()
        if not self._count_again:
            messages.show_error(self, "Cannot count the saved searches", str(error))
        self._next_count()

    def _finish_count(self) -> None:
        self._counting = False

    def _next_count(self) -> None:
        if self._count_again:
            self._count_again = False
            self.reload()
        else:
            self.countsShown.emit()

    def _show(self, counted: Counted) -> None:
        chosen = self.selected()
        self.searches = counted
        self.list.clear()
        for search, count, problem in counted:
            item = QTreeWidgetItem([search.name, "?" if count is None else f"{count:,}"])
            item.setData(0, Qt.ItemDataRole.UserRole, search.id)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tip = f"{search.query}\n{problem}" if problem else search.query
            item.setToolTip(0, tip)
            item.setToolTip(1, problem or f"{count:,} incidents match now")
            self.list.addTopLevelItem(item)
            if chosen is not None and chosen.id == search.id:
                self.list.setCurrentItem(item)
        self.toggle.setText(f"Saved searches ({len(counted)})")
        rows = min(len(counted), VISIBLE_ROWS)
        height = self.list.sizeHintForRow(0) if counted else 0
        self.list.setFixedHeight(rows * height + 2 * self.list.frameWidth() + 2)
        self.setVisible(bool(counted))

    def _folded(self, shown: bool) -> None:
        self.list.setVisible(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    # What is shown

    def names(self) -> list[str]:
        """The names listed, top to bottom."""
        return [search.name for search, _, _ in self.searches]

    def count_of(self, name: str) -> int | None:
        """The count shown beside the saved search `name`."""
        for search, count, _ in self.searches:
            if search.name == name:
                return count
        raise KeyError(name)

    def item_of(self, name: str) -> QTreeWidgetItem:
        """The row of the saved search `name`."""
        for row in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(row)
            if item is not None and item.text(0) == name:
                return item
        raise KeyError(name)

    def follow_query(self, text: str) -> None:
        """Keep a saved search chosen only while the search box holds its query (it stayed
        highlighted after the box was cleared or another query typed)."""
        chosen = self.selected()
        if chosen is not None and chosen.query.strip() != text.strip():
            self.list.clearSelection()
            self.list.setCurrentIndex(QModelIndex())

    def selected(self) -> SavedSearch | None:
        """The saved search selected, if any."""
        return self._search_of(self.list.currentItem())

    def _search_of(self, item: QTreeWidgetItem | None) -> SavedSearch | None:
        if item is None:
            return None
        wanted = item.data(0, Qt.ItemDataRole.UserRole)
        return next((s for s, _, _ in self.searches if s.id == wanted), None)

    # Doing things

    def run(self, item: QTreeWidgetItem) -> None:
        """Put the saved search's query in the search box."""
        search = self._search_of(item)
        if search is not None:
            self.runRequested.emit(search.query)

    def save(self, query: str) -> None:
        """Ask for a name and keep `query` under it."""
        self._named(
            ("Save search", "Name of the search:", "Not saved"),
            query,
            lambda ws, name: ws.search.save(name, query),
            "save the search",
        )

    def rename(self, search: SavedSearch) -> None:
        """Ask for another name for `search`."""
        self._named(
            ("Rename saved search", "New name:", "Not renamed"),
            search.name,
            lambda ws, name: ws.search.rename(search.id, name),
            "rename the saved search",
            unchanged=search.name,
        )

    def _named(
        self,
        words: tuple[str, str, str],
        suggested: str,
        store: Callable[[Workspace, str], object],
        what: str,
        *,
        unchanged: str | None = None,
    ) -> None:
        """Ask for a name and `store` it; a blank or refused one (taken, say) is explained
        and asked for again as typed (the dialog had closed, and Save… started over)."""
        title, label, refused_title = words
        name = ask_name(self, title, label, suggested)
        if name is None or (unchanged is not None and name.strip() == unchanged):
            return
        if not name.strip():
            messages.show_error(self, refused_title, "A saved search needs a name.")
            self._named(words, suggested, store, what, unchanged=unchanged)
            return

        def refused(error: Exception) -> None:
            messages.show_error(self, refused_title, str(error))
            self._named(words, name, store, what, unchanged=unchanged)

        self.ops.run(
            lambda ws: store(ws, name), lambda _saved: None, owner=self, failed=refused, what=what
        )

    def use_current_query(self, search: SavedSearch) -> None:
        """Make `search` run the query in the search box from now on."""
        query = self.current_query().strip()
        if not query:
            return
        self.ops.run(
            lambda ws: ws.search.change_query(search.id, query),
            lambda _saved: None,
            owner=self,
            failed=lambda error: messages.show_error(self, "Not changed", str(error)),
            what="change the saved search",
        )

    def delete(self, search: SavedSearch) -> None:
        """Forget `search`, after asking."""
        if not messages.confirm(
            self,
            "Delete saved search",
            f"Delete the saved search “{search.name}”? The incidents it finds are not touched.",
            "Delete",
        ):
            return
        self.ops.run(
            lambda ws: ws.search.delete(search.id),
            lambda _none: None,
            owner=self,
            failed=lambda error: messages.show_error(self, "Not deleted", str(error)),
            what="delete the saved search",
        )

    def _rename_current(self) -> None:
        search = self.selected()
        if search is not None:
            self.rename(search)

    def _delete_current(self) -> None:
        search = self.selected()
        if search is not None:
            self.delete(search)

    def _menu(self, position: QPoint) -> None:
        search = self._search_of(self.list.itemAt(position))
        if search is None:
            return
        menu = QMenu(self)
        menu.addAction("Run", lambda: self.runRequested.emit(search.query))
        menu.addAction("Rename…", lambda: self.rename(search))
        current = self.current_query().strip()
        use = menu.addAction(
            "Use the Query in the Search Box", lambda: self.use_current_query(search)
        )
        use.setEnabled(bool(current) and current != search.query)
        menu.addSeparator()
        menu.addAction("Delete…", lambda: self.delete(search))
        menu.exec(self.list.viewport().mapToGlobal(position))
