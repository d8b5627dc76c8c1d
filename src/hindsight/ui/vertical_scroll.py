"""A scroll area that scrolls up and down only, for pages that must stay usable when short."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from hindsight.ui.qt_helpers import own_viewport


class VerticalScrollArea(QScrollArea):
    """Shows `widget` at the area's width and scrolls it vertically when the area is short.

    The widget is as tall as the area, or as its layout needs at that width if that is more:
    the least height of each row, not the height each row would like (a resizable QScrollArea
    takes the latter from a layout with word-wrapped text, and scrolled a window that had room
    for everything once its grid gave up some of its preferred height).

    The area asks for the widget's least width (and room for its scroll bar), so a splitter or
    layout makes it no narrower than the widget can be laid out in while there is room; its
    least height is small, which is the point: a short window scrolls the widget instead of
    squeezing it. On a screen narrower than that least width the widget is squeezed to the
    area's width, as it would be without the area, rather than cut off at the side.
    """

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        own_viewport(self)  # before fit() asks for it (see qt_helpers)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)  # sized here (fit), see above
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(widget)
        widget.installEventFilter(self)  # its layout asks for another size: fit again

    def least_height(self, width: int) -> int:
        """The least height the widget's layout can have at `width`."""
        widget = self.widget()
        if widget is None:
            return 0
        layout = widget.layout()
        least = widget.minimumSizeHint().height()
        if layout is not None and layout.hasHeightForWidth():
            least = max(least, layout.totalMinimumHeightForWidth(width))
        return max(least, widget.minimumHeight())

    def fit(self) -> None:
        """Give the widget the viewport's width and at least the viewport's height."""
        widget = self.widget()
        if widget is None:
            return
        viewport = self.viewport()
        width = viewport.width()
        height = max(viewport.height(), self.least_height(width))
        if widget.size() != QSize(width, height):
            widget.resize(width, height)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return super().viewportEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        widget = self.widget()
        if widget is None:
            return hint
        least = widget.minimumSizeHint().width()
        least += self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return QSize(max(hint.width(), least), hint.height())
