"""The interactive grid: a QGraphicsScene of cards over the regions, and the view showing it.

The scene only shows and reports: a card dropped on another cell, or moved with the arrow
keys, emits `moveRequested`; whoever saves the move (the board) hands the scene its new items.
Only cards that are shown get a graphics item, so a crowded grid stays cheap to build.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QPainter,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from hindsight.core.followup_attention import AttentionReport, Flag
from hindsight.core.followup_regions import RegionMap
from hindsight.core.followups import SCALE, FollowUp
from hindsight.export.grid.geometry import (
    CARD_H,
    CARD_W,
    FRAME_H,
    Cell,
    Chip,
    GridLayout,
    layout_grid,
)
from hindsight.export.grid.painting import (
    CardData,
    card_data,
    paint_card,
    paint_chip,
    paint_grid,
    qrect,
)

COLLAPSE_AFTER = 6  # a cell with more cards shows the first five and "+N more"
MIN_ZOOM, MAX_ZOOM = 0.25, 3.0
NEARLY_FITS = 0.85  # fit the whole grid when that costs at most 15% of the width's zoom


class _Background(QGraphicsItem):
    """Regions, cell counts and axes, drawn from the scene's layout."""

    def __init__(self, scene: GridScene) -> None:
        super().__init__()
        self._grid = scene
        self.setZValue(-10)

    def boundingRect(self) -> QRectF:
        layout = self._grid.layout
        return QRectF(0, 0, layout.width, layout.height)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        paint_grid(painter, self._grid.layout, self._grid.regions)

    def relaid(self) -> None:
        self.prepareGeometryChange()
        self.update()


class CardItem(QGraphicsObject):
    """One follow-up card; drag it to another cell, double-click it to edit it."""

    def __init__(self, card: CardData, scene: GridScene) -> None:
        super().__init__()
        self._grid = scene
        self.card = card
        self._hovered = False
        self._press: QPointF | None = None
        self._origin = QPointF()
        self.placed: tuple[float, float] | None = None  # where the layout last put it
        self._dragging = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip(card.tooltip)

    @property
    def item_id(self) -> int:
        return self.card.item_id

    def set_card(self, card: CardData) -> None:
        """Show new content (after an edit)."""
        if card != self.card:
            self.card = card
            self.setToolTip(card.tooltip)
            self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, CARD_W, CARD_H)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        paint_card(
            painter,
            self.boundingRect(),
            self.card,
            selected=self.isSelected(),
            hovered=self._hovered,
        )

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = True
        self.update()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = False
        self.update()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        self._grid.select_item(self.item_id)
        self._press = event.scenePos()
        self._origin = self.pos()
        self._dragging = False
        event.accept()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._press is None:
            return
        moved = event.scenePos() - self._press
        if not self._dragging:
            if moved.manhattanLength() < QApplication.startDragDistance():
                return
            self._dragging = True
            self.setZValue(100)
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        self.setPos(self._origin + moved)
        self.placed = None  # off its place: the next layout puts it back or moves it
        self._grid.show_drop_target(event.scenePos())

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        dragging, self._dragging, self._press = self._dragging, False, None
        self.setZValue(0)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        if dragging:
            self._grid.drop(self.item_id, event.scenePos())

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._grid.openRequested.emit(self.item_id)


class ChipItem(QGraphicsObject):
    """'+N more' under a crowded cell's cards: click to show them all (and back)."""

    def __init__(self, cell: Cell, chip: Chip, scene: GridScene) -> None:
        super().__init__()
        self.cell = cell
        self.chip = chip
        self._grid = scene
        self._hovered = False
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_chip(self, chip: Chip) -> None:
        self.prepareGeometryChange()
        self.chip = chip
        self.setToolTip(
            f"{chip.hidden} more items in this cell: click to show them all"
            if chip.hidden
            else "Click to show only the first items of this cell"
        )
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.chip.rect.w, self.chip.rect.h)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.save()
        painter.translate(-self.chip.rect.x, -self.chip.rect.y)
        paint_chip(painter, self.chip, hovered=self._hovered)
        painter.restore()

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = True
        self.update()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = False
        self.update()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.boundingRect().contains(event.pos()):
            self._grid.toggle_cell(self.cell)


class GridScene(QGraphicsScene):
    """Cards of follow-up items placed by value and feasibility over the named regions."""

    moveRequested = Signal(int, int, int)  # item id, value, feasibility
    openRequested = Signal(int)  # item id
    selectedItemChanged = Signal(object)  # item id, or None

    def __init__(
        self, regions: RegionMap, *, collapse_after: int | None = COLLAPSE_AFTER, parent=None
    ) -> None:
        super().__init__(parent)
        self.regions = regions
        self.collapse_after = collapse_after
        self.items_by_id: dict[int, FollowUp] = {}
        self.report: AttentionReport | None = None
        self._order: list[int] = []
        self.expanded: set[Cell] = set()
        self.rows_height = 0.0  # a view stretches sparse rows to fill its height
        self.cards: dict[int, CardItem] = {}
        self._cards_made: dict[int, tuple[FollowUp, tuple[Flag, ...], CardData]] = {}
        self.chips: dict[Cell, ChipItem] = {}
        self.layout: GridLayout = layout_grid({})
        self._background = _Background(self)
        self.addItem(self._background)
        self._target = QGraphicsRectItem()
        self._target.setPen(QPen(QColor("#2b6cb0"), 2.5, Qt.PenStyle.DashLine))
        self._target.setBrush(QColor(43, 108, 176, 28))
        self._target.setZValue(50)
        self._target.hide()
        self.addItem(self._target)
        self._selected: int | None = None
        self.selectionChanged.connect(self._selection_changed)
        self._relayout()

    # Content

    def set_items(self, items: Sequence[FollowUp], report: AttentionReport | None) -> None:
        """Show `items` (in ranked order: the order of the cards within each cell)."""
        self.items_by_id = {item.id: item for item in items if item.id is not None}
        self._order = list(self.items_by_id)
        self.report = report
        self._relayout()

    def cells(self) -> dict[Cell, list[int]]:
        """Item ids per cell, in display order."""
        cells: dict[Cell, list[int]] = {}
        for item_id in self._order:
            cells.setdefault(self.items_by_id[item_id].cell, []).append(item_id)
        return cells

    def _relayout(self) -> None:
        selected = self._selected
        self.layout = layout_grid(
            self.cells(),
            collapse_after=self.collapse_after,
            expanded=self.expanded,
            rows_height=self.rows_height,
        )
        self._background.relaid()
        self.setSceneRect(QRectF(0, 0, self.layout.width, self.layout.height))
        self.blockSignals(True)
        try:
            for item_id in list(self.cards):
                if item_id not in self.layout.cards:
                    self.removeItem(self.cards.pop(item_id))
            for item_id, rect in self.layout.cards.items():
                data = self._card_data(item_id)
                card = self.cards.get(item_id)
                if card is None:
                    card = CardItem(data, self)
                    self.cards[item_id] = card
                    self.addItem(card)
                    card.setSelected(item_id == selected)
                else:
                    card.set_card(data)
                # Thousands of cards may be shown: touch only those that moved.
                if card.placed != (rect.x, rect.y):
                    card.setPos(rect.x, rect.y)
                    card.placed = (rect.x, rect.y)
            for cell in list(self.chips):
                if cell not in self.layout.chips:
                    self.removeItem(self.chips.pop(cell))
            for cell, chip in self.layout.chips.items():
                item = self.chips.get(cell)
                if item is None:
                    item = ChipItem(cell, chip, self)
                    self.chips[cell] = item
                    self.addItem(item)
                item.set_chip(chip)
                item.setPos(chip.rect.x, chip.rect.y)
        finally:
            self.blockSignals(False)
        if selected is not None and selected not in self.items_by_id:
            self._selected = None
            self.selectedItemChanged.emit(None)

    def natural_height(self) -> float:
        """The height of the grid with no row stretched."""
        natural = layout_grid(
            self.cells(), collapse_after=self.collapse_after, expanded=self.expanded
        )
        return natural.height

    def set_rows_height(self, height: float) -> None:
        """Let sparse rows grow until the five rows are `height` tall (to fill the view)."""
        if abs(height - self.rows_height) >= 1:
            self.rows_height = height
            self._relayout()

    def _card_data(self, item_id: int) -> CardData:
        # Items are replaced, never changed in place, when they are saved: the same object
        # with the same flags draws the same card.
        item = self.items_by_id[item_id]
        flags = self.report.of(item_id) if self.report else ()
        cached = self._cards_made.get(item_id)
        if cached is not None and cached[0] is item and cached[1] == flags:
            return cached[2]
        data = card_data(item, self.report)
        self._cards_made[item_id] = (item, flags, data)
        return data

    def toggle_cell(self, cell: Cell) -> None:
        """Show every card of a crowded cell, or only the first few again."""
        if cell in self.expanded:
            self.expanded.discard(cell)
            selected = self._selected
            if selected is not None and self.items_by_id[selected].cell == cell:
                self._selected = None  # its card may be folded away
                self.selectedItemChanged.emit(None)
        else:
            self.expanded.add(cell)
        self._relayout()

    # Selection

    def selected_id(self) -> int | None:
        """The item whose card is selected."""
        return self._selected

    def select_item(self, item_id: int | None) -> None:
        """Select the card of `item_id` (unfolding its cell if needed); None clears."""
        if item_id is not None and item_id not in self.items_by_id:
            item_id = None
        if item_id is not None and item_id not in self.cards:
            self.expanded.add(self.items_by_id[item_id].cell)
            self._relayout()
        self.blockSignals(True)
        try:
            for card in self.selectedItems():
                if not isinstance(card, CardItem) or card.item_id != item_id:
                    card.setSelected(False)
            if item_id is not None:
                self.cards[item_id].setSelected(True)
        finally:
            self.blockSignals(False)
        if item_id != self._selected:
            self._selected = item_id
            self.selectedItemChanged.emit(item_id)

    def _selection_changed(self) -> None:
        chosen = [item for item in self.selectedItems() if isinstance(item, CardItem)]
        item_id = chosen[0].item_id if chosen else None
        if item_id != self._selected:
            self._selected = item_id
            self.selectedItemChanged.emit(item_id)

    def first_shown(self) -> int | None:
        """The highest-ranked item whose card is shown."""
        return next((i for i in self._order if i in self.layout.cards), None)

    def card_rect(self, item_id: int) -> QRectF | None:
        """Where the card of `item_id` is drawn, if it is shown."""
        rect = self.layout.cards.get(item_id)
        return qrect(rect) if rect else None

    # Moving

    def show_drop_target(self, point: QPointF) -> None:
        """Outline the cell a dragged card would land in."""
        cell = self.layout.cell_at(point.x(), point.y())
        if cell is None:
            self._target.hide()
            return
        self._target.setRect(qrect(self.layout.cell_rect(*cell)).adjusted(2, 2, -2, -2))
        self._target.show()

    def drop(self, item_id: int, point: QPointF) -> None:
        """A card was dropped at `point`: ask for the move, or put the card back."""
        self._target.hide()
        cell = self.layout.cell_at(point.x(), point.y())
        item = self.items_by_id.get(item_id)
        if item is not None and cell is not None and cell != item.cell:
            self.moveRequested.emit(item_id, *cell)
        # Whether or not the move was saved, cards go where the (new) layout puts them.
        self._relayout()

    def nudge(self, value_step: int, feasibility_step: int) -> bool:
        """Ask to move the selected card one cell; False when there is no cell that way."""
        item_id = self._selected
        if item_id is None:
            return False
        item = self.items_by_id[item_id]
        value, feasibility = item.value + value_step, item.feasibility + feasibility_step
        if value not in SCALE or feasibility not in SCALE:
            return False
        self.moveRequested.emit(item_id, value, feasibility)
        return True


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
        self.zoomChanged.emit(zoom)

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * 1.2)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / 1.2)

    def fit_width(self) -> None:
        """Scale so the whole width of the grid is visible (at most 100%).

        A grid a little taller than the view is shown whole instead, and a sparse grid has
        its rows stretched so that it fills the height of the view.
        """
        self._fitted = True
        width = self.grid.sceneRect().width()
        # Measured on the widget, with room kept for a vertical scroll bar, so that the scroll
        # bar coming and going cannot change the zoom (and the zoom the scroll bar) in a loop.
        frame = 2 * self.frameWidth()
        available = self.width() - frame - self.verticalScrollBar().sizeHint().width() - 2
        if width <= 0 or available <= 0:
            return
        zoom = min(1.0, available / width)
        available_height = self.height() - frame - 2
        # A grid only a little taller than the view is shown whole rather than scrolled.
        whole = available_height / self.grid.natural_height()
        if NEARLY_FITS * zoom <= whole < zoom:
            zoom = whole
        self.set_zoom(zoom, user=False)
        self.grid.set_rows_height(max(available_height / zoom - FRAME_H, 0.0))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit_width()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fitted:
            self.fit_width()

    def wheelEvent(self, event: QWheelEvent) -> None:
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
            else:
                self.grid.nudge(*_ARROWS[key])
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
