"""A saved search as a filter of the Triage view: only the follow-ups of the incidents it finds.

The box lists the saved searches by name. Choosing one runs it off the GUI thread and keeps
its incidents; they are found again after incidents change (what a query finds can change
with any edit) and the names are read again when saved searches are added, renamed or
removed. A saved search that no longer parses keeps no incident and says why in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter, QWidget

from hindsight.core.links import SavedSearch
from hindsight.core.search_query import QueryError
from hindsight.services.changes import Changes
from hindsight.services.workspace import Workspace
from hindsight.ui.operations import Operations

ANY = "Any incident"
RESOLVE_DELAY_MS = 300  # gather a burst of edits into one new search
TOOLTIP = "Only the follow-ups of the incidents a saved search finds (save one above the list)"


def run_saved(workspace: Workspace, query: str) -> tuple[frozenset[int], str]:
    """The incidents `query` finds, or none and why when it no longer parses."""
    try:
        return frozenset(workspace.search.ranked_ids(query)), ""
    except QueryError as error:
        return frozenset(), str(error)


NAME_CHARS = 16  # the width of a box of names, in wide letters, whatever the names chosen


class NameCombo(QComboBox):
    """A box of names (saved searches) that never widens its window for a long name.

    It is as wide as NAME_CHARS letters: a longer name chosen is cut with "…", and is whole
    in the box's tooltip and in the list, which is as wide as its longest name up to the width
    of the screen (a 150-character name once made the box, and its window, wider than the
    screen, cutting off the controls beside it).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(NAME_CHARS)

    def add_name(self, name: str, data: object) -> None:
        """Offer `name` (its whole text is its tooltip in the list)."""
        self.addItem(name, data)
        self.setItemData(self.count() - 1, name, Qt.ItemDataRole.ToolTipRole)

    def shown_text(self) -> str:
        """The chosen name as the box shows it: cut with "…" when it does not fit."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        room = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        return self.fontMetrics().elidedText(
            self.currentText(), Qt.TextElideMode.ElideRight, max(room.width() - 2, 0)
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.isEditable():
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        option.currentText = self.shown_text()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    def showPopup(self) -> None:
        super().showPopup()
        popup = self.view().window()
        if popup is self.window():
            return
        view = self.view()
        # The longest name, whole where the screen has room for it.
        wanted = view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width()
        wanted += popup.width() - view.viewport().width()
        screen = (self.screen() or popup.screen()).availableGeometry()
        width = min(max(wanted, popup.width()), screen.width())
        if width == popup.width():
            return
        place = QRect(popup.geometry())
        place.setWidth(width)
        if place.right() > screen.right():
            place.moveRight(screen.right())
        place.moveLeft(max(place.left(), screen.left()))
        popup.setGeometry(place)


class SavedSearchFilter(NameCombo):
    """Chooses a saved search; `incidents` is what it finds (None: every incident)."""

    changed = Signal()  # the incidents kept changed (another choice, or they were found again)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.searches: list[SavedSearch] = []
        self.incidents: frozenset[int] | None = None
        self.problem = ""
        self._asked = 0
        self._reading = 0
        self.setAccessibleName("Saved search")
        self.setToolTip(TOOLTIP)
        self.addItem(ANY, None)
        self.currentIndexChanged.connect(lambda _: self._resolve())
        self._again = QTimer(self, singleShot=True, interval=RESOLVE_DELAY_MS)
        self._again.timeout.connect(self._resolve)
        ops.changed.connect(self._on_changed)
        self.reload()

    @property
    def busy(self) -> bool:
        """True while the names or the incidents kept may be about to change."""
        return bool(self._reading) or self._again.isActive()

    def chosen(self) -> SavedSearch | None:
        """The saved search chosen, if any."""
        wanted = self.currentData()
        return next((s for s in self.searches if s.id == wanted), None)

    def choose(self, name: str | None) -> None:
        """Choose the saved search called `name` (None: any incident)."""
        index = self.findText(name) if name is not None else 0
        self.setCurrentIndex(max(index, 0))

    def reload(self) -> None:
        """Read the saved searches' names again."""
        self._reading += 1

        def shown(searches: list[SavedSearch]) -> None:
            self._reading -= 1
            self._show(searches)

        def failed(_error: Exception) -> None:
            self._reading -= 1

        self.ops.run(
            lambda ws: ws.search.saved(),
            shown,
            owner=self,
            failed=failed,
            what="read the saved searches",
        )

    def _show(self, searches: list[SavedSearch]) -> None:
        chosen = self.currentData()
        self.searches = searches
        self.blockSignals(True)
        self.clear()
        self.addItem(ANY, None)
        for search in searches:
            self.addItem(search.name, search.id)
            self.setItemData(
                self.count() - 1, f"{search.name}\n{search.query}", Qt.ItemDataRole.ToolTipRole
            )
        index = self.findData(chosen) if chosen is not None else 0
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)
        if chosen is not None and index < 0:
            self._resolve()  # the chosen search was deleted: back to any incident
        elif chosen is not None:
            self._resolve()  # it may have a new query

    def _on_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.saved_searches or changes.everything:
            self.reload()
        elif self.incidents is not None and changes.incident_list:
            self._again.start()

    def _resolve(self) -> None:
        search = self.chosen()
        self._asked += 1
        asked = self._asked
        if search is None:
            self._set(None, "")
            return
        self._reading += 1

        def found(answer: tuple[frozenset[int], str]) -> None:
            self._reading -= 1
            if asked == self._asked:
                self._set(*answer)

        def failed(error: Exception) -> None:
            self._reading -= 1
            if asked == self._asked:
                self._set(frozenset(), f"Cannot run the saved search: {error}")

        self.ops.run(
            lambda ws: run_saved(ws, search.query),
            found,
            owner=self,
            failed=failed,
            what="run the saved search",
        )

    def _set(self, incidents: frozenset[int] | None, problem: str) -> None:
        self.problem = problem
        search = self.chosen()
        if search is None:
            self.setToolTip(TOOLTIP)
        else:
            found = f"{len(incidents or ()):,} incidents: {search.query}"
            said = f"{search.query}\n{problem}" if problem else found
            self.setToolTip(f"{search.name}\n{said}")  # the whole name, where the box cut it
        if incidents != self.incidents:
            self.incidents = incidents
            self.changed.emit()
