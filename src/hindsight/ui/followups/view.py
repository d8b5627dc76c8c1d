"""The view of the follow-up grid: scrolling, zoom, fitting the pane, keyboard moves."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGraphicsView, QWidget

from hindsight.export.grid.geometry import FRAME_H
from hindsight.ui.followups.scene import GridScene

MIN_ZOOM, MAX_ZOOM = 0.25, 3.0
NEARLY_FITS = 0.85  # fit the whole grid when that costs at most 15% of the width's zoom


class GridView(QGraphicsView):
    """Scrollable, zoomable view of the grid, with keyboard moves of the selected card.

    Arrow keys move the selected card one cell (up and down change its value, left and right
    its feasibility); Enter opens it. Ctrl+wheel, Ctrl+= and Ctrl+- zoom, Ctrl+0 fits.
    """

    deleteRequested = Signal()
    zoomChanged = Signal(float)

    def __init__(self, scene: GridScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.grid = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.setAccessibleName("Follow-up grid")
        self._zoom = 1.0
        self._fitted = True  # follow the width until the user zooms
        self._pin_top = False
        self.verticalScrollBar().sliderPressed.connect(self._unpin)
        self.horizontalScrollBar().sliderPressed.connect(self._unpin)
        scene.selectedItemChanged.connect(self._reveal)

    @property
    def zoom(self) -> float:
        """The current scale (1.0 = 100%)."""
        return self._zoom

    def set_zoom(self, zoom: float, *, user: bool = True) -> None:
        """Scale the view to `zoom`, within limits."""
        zoom = min(max(zoom, MIN_ZOOM), MAX_ZOOM)
        if user:
            self._fitted = False
        if abs(zoom - self._zoom) < 1e-6:
            return
        self.scale(zoom / self._zoom, zoom / self._zoom)
        self._zoom = zoom
        self._report_visible()
        self.zoomChanged.emit(zoom)

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * 1.2)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / 1.2)

    def fit_width(self) -> None:
        """Scale so the whole width of the grid is visible (at most 100%).

        The grid is never shrunk so far that card text falls below the platform's small
        font: on a narrow pane it scrolls sideways instead. A grid a little taller than the
        view is shown whole, and a sparse grid has its rows stretched to fill the view.
        """
        self._fitted = True
        width = self.grid.sceneRect().width()
        # Measured on the widget, with room kept for a vertical scroll bar, so that the scroll
        # bar coming and going cannot change the zoom (and the zoom the scroll bar) in a loop.
        frame = 2 * self.frameWidth()
        available = self.width() - frame - self.verticalScrollBar().sizeHint().width() - 2
        if width <= 0 or available <= 0:
            return
        smallest = min(self.grid.card_style.min_zoom, 1.0)
        zoom = max(min(1.0, available / width), smallest)
        available_height = self.height() - frame - 2
        # A grid only a little taller than the view is shown whole rather than scrolled.
        whole = available_height / self.grid.natural_height()
        if max(NEARLY_FITS * zoom, smallest) <= whole < zoom:
            zoom = whole
        self.set_zoom(zoom, user=False)
        self.grid.set_rows_height(max(available_height / zoom - FRAME_H, 0.0))
        if self._pin_top:
            self.show_top()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit_width()
        self._report_visible()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fitted:
            self.fit_width()
        self._report_visible()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self._report_visible()

    def _report_visible(self) -> None:
        if self.isVisible():
            self.grid.set_visible_rect(self.mapToScene(self.viewport().rect()).boundingRect())

    def width_for(self, zoom: float) -> int:
        """The width this view needs to show the whole width of the grid at `zoom`."""
        frame = 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width() + 4
        return int(self.grid.sceneRect().width() * zoom) + frame

    def show_top(self) -> None:
        """Scroll to the top left corner (the high-value rows), and stay there as the view is
        fitted and resized, until the user scrolls or a card is revealed."""
        self._pin_top = True
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().minimum())
        self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())

    def _unpin(self) -> None:
        self._pin_top = False

    def wheelEvent(self, event: QWheelEvent) -> None:
        self._pin_top = False
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self._zoom * (1.15**steps))
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, modifiers = event.key(), event.modifiers()
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        if ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif ctrl and key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif ctrl and key == Qt.Key.Key_0:
            self.fit_width()
        elif not ctrl and key in _ARROWS:
            if self.grid.selected_id() is None:
                self.grid.select_item(self.grid.first_shown())
            elif self.grid.nudge(*_ARROWS[Qt.Key(key)]):
                # The card is placed in its new cell at once (saved later): follow it there,
                # as it may land below or beside what the view shows.
                self._reveal(self.grid.selected_id())
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.grid.selected_id():
            self.grid.openRequested.emit(self.grid.selected_id())
        elif key == Qt.Key.Key_Delete and self.grid.selected_id():
            self.deleteRequested.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _reveal(self, item_id: object) -> None:
        if isinstance(item_id, int):
            rect = self.grid.card_rect(item_id)
            if rect is not None:
                self._pin_top = False
                self.ensureVisible(rect, 16, 16)

    def map_cell_center(self, value: int, feasibility: int):
        """Viewport coordinates of the middle of a cell (tests drag cards there)."""
        x, y = self.grid.layout.cell_rect(value, feasibility).center()
        return self.mapFromScene(QPointF(x, y))


_ARROWS = {
    Qt.Key.Key_Up: (1, 0),
    Qt.Key.Key_Down: (-1, 0),
    Qt.Key.Key_Left: (0, -1),
    Qt.Key.Key_Right: (0, 1),
}
