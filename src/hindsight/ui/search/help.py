"""The search box's help: the query language as examples, each one a click away from the box.

The examples are the language's own (core/search_query.py `SYNTAX`), so the help says what
the parser accepts. Double-click an example (or select it and press Enter) to add it to the
search box.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.search_query import SYNTAX
from hindsight.ui.look import styled
from hindsight.ui.qt_helpers import eliding_header

INTRODUCTION = (
    "Words are found anywhere in an incident: title, summary, timeline, roles and teams, "
    "review answers, follow-ups, the privacy record. Hits come best first; click a column "
    "header to sort them by it. Terms combine: all must hold."
)
HOW_TO_USE = "Double-click an example to add it to the search box."
SCREEN_MARGIN = 20  # kept free around the popup, so it never touches the screen's edges


class SearchHelp(QFrame):
    """A popup listing the query language's examples and what each finds."""

    chosen = Signal(str)  # an example to add to the search box

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Search help")
        heading = QLabel("<b>Search every incident</b>")
        heading.setWordWrap(True)
        intro = QLabel(INTRODUCTION)
        intro.setWordWrap(True)
        hint = QLabel(HOW_TO_USE)
        styled(hint, "hint")
        hint.setWordWrap(True)
        self.labels = (heading, intro, hint)
        self.examples = QTreeWidget()
        eliding_header(self.examples)
        self.examples.setColumnCount(2)
        self.examples.setHeaderLabels(["You type", "Finds incidents"])
        self.examples.setRootIsDecorated(False)
        self.examples.setAlternatingRowColors(True)
        self.examples.setWordWrap(True)
        # Rows are as tall as their wrapped meaning (see _fit); nothing is ever cut short.
        self.examples.setUniformRowHeights(False)
        self.examples.setTextElideMode(Qt.TextElideMode.ElideNone)
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
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(True)
        self.examples.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.examples.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.examples.itemActivated.connect(lambda item, _column: self._choose(item))
        layout = QVBoxLayout(self)
        self._layout = layout
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
        """Open under `anchor` (the search box): wide enough for every example and meaning on
        one line when the screen has the room, else with the meanings wrapped; tall enough
        for every row, else scrolling (a small screen, or a large scale)."""
        screen = anchor.screen().availableGeometry()
        width, height = self._fit(screen.width() - SCREEN_MARGIN, anchor.width())
        height = min(height, screen.height() - 2 * SCREEN_MARGIN)
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

    def _fit(self, room: int, least: int) -> tuple[int, int]:
        """Size the columns and rows for a popup at most `room` wide; its (width, height)."""
        tree = self.examples
        padding = 2 * (tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 6
        items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        rows = [item for item in items if item is not None]
        examples = max(
            (QFontMetrics(i.font(0)).horizontalAdvance(i.text(0)) for i in rows), default=0
        )
        metrics = QFontMetrics(tree.font())
        meanings = max((metrics.horizontalAdvance(i.text(1)) for i in rows), default=0)
        margins = self._layout.contentsMargins()
        frame = 2 * tree.frameWidth() + tree.style().pixelMetric(
            QStyle.PixelMetric.PM_ScrollBarExtent
        )
        outside = margins.left() + margins.right() + 2 * self.frameWidth() + frame
        first = examples + padding
        width = min(room, max(least, outside + first + meanings + padding))
        second = max(width - outside - first, 4 * padding)
        tree.setColumnWidth(0, first)
        tree.setColumnWidth(1, second)
        line = max(metrics.height(), QFontMetrics(rows[0].font(0)).height()) if rows else 0
        body = 0
        for item in rows:
            text = item.text(1)
            high = line
            if metrics.horizontalAdvance(text) > second - padding:
                # The delegate wraps at word boundaries within the column less its margins.
                flags = Qt.TextFlag.TextWordWrap
                box = QRect(0, 0, second - padding, 100_000)
                high = max(line, metrics.boundingRect(box, flags, text).height())
            high += 4
            item.setSizeHint(1, QSize(second, high))
            body += high
        inner = width - margins.left() - margins.right() - 2 * self.frameWidth()
        labels = sum(label.heightForWidth(inner) for label in self.labels)
        spacing = self._layout.spacing() * (len(self.labels) + 1)
        header = tree.header().sizeHint().height()
        height = margins.top() + margins.bottom() + 2 * self.frameWidth() + labels + spacing
        return width, height + header + body + 2 * tree.frameWidth()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def _choose(self, item: QTreeWidgetItem) -> None:
        self.chosen.emit(item.text(0))
        self.close()
