"""The search box's help: the query language as examples, each one a click away from the box.

The examples are the language's own (core/search_query.py `SYNTAX`), so the help says what
the parser accepts. Double-click an example (or select it and press Enter) to add it to the
search box.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.search_query import SYNTAX

INTRODUCTION = (
    "Words are found anywhere in an incident: title, summary, timeline, roles and teams, "
    "review answers, follow-ups, the privacy record. Hits come best first; click a column "
    "header to sort them by it. Terms combine: all must hold."
)
HOW_TO_USE = "Double-click an example to add it to the search box."


class SearchHelp(QFrame):
    """A popup listing the query language's examples and what each finds."""

    chosen = Signal(str)  # an example to add to the search box

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Search help")
        heading = QLabel("<b>Search every incident</b>")
        intro = QLabel(INTRODUCTION)
        intro.setWordWrap(True)
        hint = QLabel(HOW_TO_USE)
        hint.setObjectName("hint")
        self.examples = QTreeWidget()
        self.examples.setColumnCount(2)
        self.examples.setHeaderLabels(["You type", "Finds incidents"])
        self.examples.setRootIsDecorated(False)
        self.examples.setAlternatingRowColors(True)
        self.examples.setWordWrap(True)
        self.examples.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.examples.setAccessibleName("Search examples")
        monospace = self.examples.font()
        monospace.setFamily("monospace")
        monospace.setStyleHint(monospace.StyleHint.Monospace)
        for example, meaning in SYNTAX:
            item = QTreeWidgetItem([example, meaning])
            item.setFont(0, monospace)
            item.setToolTip(1, meaning)
            self.examples.addTopLevelItem(item)
        header = self.examples.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(True)
        self.examples.itemActivated.connect(lambda item, _column: self._choose(item))
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.examples, 1)
        layout.addWidget(hint)

    def example_texts(self) -> list[str]:
        """The examples listed, top to bottom."""
        count = self.examples.topLevelItemCount()
        items = (self.examples.topLevelItem(i) for i in range(count))
        return [item.text(0) for item in items if item is not None]

    def show_below(self, anchor: QWidget) -> None:
        """Open under `anchor` (the search box), as wide as it or wide enough to read."""
        metrics = self.fontMetrics()
        width = max(anchor.width(), metrics.horizontalAdvance("M") * 46)
        rows = self.examples.topLevelItemCount()
        height = metrics.height() * (rows + 9)
        screen = anchor.screen().availableGeometry()
        width, height = min(width, screen.width() - 20), min(height, screen.height() - 40)
        self.resize(width, height)
        place = anchor.mapToGlobal(QPoint(0, anchor.height()))
        place.setX(max(screen.left(), min(place.x(), screen.right() - width)))
        if place.y() + height > screen.bottom():
            place.setY(max(screen.top(), anchor.mapToGlobal(QPoint(0, 0)).y() - height))
        self.move(place)
        self.show()
        self.examples.setFocus()
        first = self.examples.topLevelItem(0)
        if first is not None:
            self.examples.setCurrentItem(first)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def _choose(self, item: QTreeWidgetItem) -> None:
        self.chosen.emit(item.text(0))
        self.close()
