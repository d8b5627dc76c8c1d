"""A scroll area that scrolls up and down only, for pages that must stay usable when short."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class VerticalScrollArea(QScrollArea):
    """Shows `widget` at the area's width and scrolls it vertically when the area is short.

    The area asks for the widget's least width (and room for its scroll bar), so a splitter or
    layout makes it no narrower than the widget can be laid out in while there is room; its
    least height is small, which is the point: a short window scrolls the widget instead of
    squeezing it. On a screen narrower than that least width the widget is squeezed to the
    area's width, as it would be without the area, rather than cut off at the side.
    """

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        widget.setMinimumWidth(1)  # the width the area has, never more (see above)
        self.setWidget(widget)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        widget = self.widget()
        if widget is None:
            return hint
        least = widget.minimumSizeHint().width()
        least += self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return QSize(max(hint.width(), least), hint.height())
