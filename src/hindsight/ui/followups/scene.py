"""The interactive grid: a QGraphicsScene of cards over the regions (view.py shows it).

The scene only shows and reports: a card dropped on another cell, or moved with the arrow
keys, emits `moveRequested`; whoever saves the move (the board) updates what the scene's
source says, and the scene redraws. Its source (the board) holds the item ids of each cell in
ranked order and the content of the cards; the scene makes a graphics item only for cards
that are shown, near the part of the grid in view, so that a cell of thousands of items
costs no more than what is on screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from hindsight.core.followup_regions import RegionMap
from hindsight.core.followups import SCALE
from hindsight.export.grid.geometry import (
    CARD_H,
    CARD_W,
    Cell,
    Chip,
    GridLayout,
    layout_grid,
)
from hindsight.export.grid.painting import (
    CardData,
    CardStyle,
    paint_card,
    paint_chip,
    paint_grid,
    qrect,
)

COLLAPSE_AFTER = 6  # a cell with more cards shows the first five and "+N more"


class CardSource(Protocol):
    """What the scene shows: items per cell in ranked order, and each card's content."""

    def cells(self) -> Mapping[Cell, Sequence[int]]: ...

    def cell_of(self, item_id: int) -> Cell | None: ...

    def card(self, item_id: int) -> CardData: ...

    def first_id(self) -> int | None: ...


class _Background(QGraphicsItem):
    """Regions, cell counts and axes, drawn from the scene's layout."""

    def __init__(self, scene: GridScene) -> None:
        super().__init__()
        self._grid = scene
        self.setZValue(-10)
        # Drawn once per layout and zoom; a move repaints only the cells whose count changed.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        layout = self._grid.layout
        return QRectF(0, 0, layout.width, layout.height)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        paint_grid(painter, self._grid.layout, self._grid.regions, self._grid.card_style)

    def relay(self, after: GridLayout) -> None:
        """Take the scene's new layout: repaint what differs from the old (all, if rows moved)."""
        before = self._grid.layout
        if before.row_h != after.row_h or before.col_x != after.col_x:
            self.prepareGeometryChange()  # before the bounding rect changes with the layout
            self._grid.layout = after
            # A cached picture of another size is not redrawn by update(): drop it.
            self.setCacheMode(QGraphicsItem.CacheMode.NoCache)
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.update()
            return
        self._grid.layout = after
        for cell in set(before.counts) | set(after.counts):
            if before.counts.get(cell) != after.counts.get(cell):
                self.update(qrect(after.cell_rect(*cell)))


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
        # A card is drawn once per look and zoom, then copied: scrolling and moving others
        # repaint it without running its Python painting again.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    @property
    def item_id(self) -> int:
        return self.card.item_id

    def set_card(self, card: CardData) -> None:
        """Show new content (after an edit, or once the item is read)."""
        # The board hands out the same card object while nothing changed: skip comparing it.
        if card is not self.card and card != self.card:
            self.card = card
            self.setToolTip(card.tooltip)
            self.setCursor(
                Qt.CursorShape.WaitCursor if card.loading else Qt.CursorShape.OpenHandCursor
            )
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
            style=self._grid.card_style,
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
        if self.card.loading:  # nothing to drag until the item is read
            event.accept()
            return
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
        if chip == self.chip:
            return  # repainting every chip widened each card move's repaint to the whole grid
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
        paint_chip(painter, self.chip, style=self._grid.card_style, hovered=self._hovered)
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
        self,
        regions: RegionMap,
        source: CardSource,
        *,
        style: CardStyle | None = None,
        collapse_after: int | None = COLLAPSE_AFTER,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.regions = regions
        self.source = source
        self.card_style = style or CardStyle()
        self.collapse_after = collapse_after
        self.expanded: set[Cell] = set()
        self.pinned: dict[Cell, int] = {}  # the selected card, shown in a folded cell
        self.rows_height = 0.0  # a view stretches sparse rows to fill its height
        self.cards: dict[int, CardItem] = {}
        self.chips: dict[Cell, ChipItem] = {}
        self.layout: GridLayout = layout_grid({})
        # The part of the scene cards are made for; None: all of it (no view has said yet).
        self._visible: QRectF | None = None
        self._built: QRectF | None = None
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
        self.refresh()

    # Content

    def refresh(self) -> None:
        """Lay the cards out again (the source's cells changed)."""
        selected = self._selected
        cells = self.source.cells()
        self.expanded &= set(cells)
        self.pinned = {}
        cell = self.source.cell_of(selected) if selected is not None else None
        if cell is not None and selected is not None and cell not in self.expanded:
            ids = cells.get(cell, ())
            limit = self.collapse_after
            if limit is not None and len(ids) > limit and selected not in ids[: limit - 1]:
                self.pinned = {cell: selected}
        self._background.relay(
            layout_grid(
                cells,
                collapse_after=self.collapse_after,
                expanded=self.expanded,
                rows_height=self.rows_height,
                pinned=self.pinned,
            )
        )
        self.setSceneRect(QRectF(0, 0, self.layout.width, self.layout.height))
        self._build()
        if selected is not None and self.source.cell_of(selected) is None:
            self._selected = None
            self.selectedItemChanged.emit(None)

    def update_cards(self, ids: Iterable[int]) -> None:
        """The content of these items changed (or was read): redraw their cards."""
        for item_id in ids:
            card = self.cards.get(item_id)
            if card is not None:
                card.set_card(self.source.card(item_id))

    def set_visible_rect(self, rect: QRectF) -> None:
        """The part of the scene in view: cards are made near it, and dropped far from it."""
        self._visible = rect
        if self._built is None or not self._built.contains(rect):
            self._build()

    def _wanted_rect(self) -> QRectF | None:
        if self._visible is None:
            return None
        # Half a view of margin on every side, so that scrolling rarely waits for cards.
        margin_x, margin_y = self._visible.width() / 2, self._visible.height() / 2
        return self._visible.adjusted(-margin_x, -margin_y, margin_x, margin_y)

    def _build(self) -> None:
        wanted = self._wanted_rect()
        self._built = wanted
        shown = self.layout.cards
        if wanted is not None:
            shown = {i: r for i, r in shown.items() if wanted.intersects(qrect(r))}
        self.blockSignals(True)
        try:
            for item_id in [i for i in self.cards if i not in shown]:
                self.removeItem(self.cards.pop(item_id))
            for item_id, rect in shown.items():
                card = self.cards.get(item_id)
                if card is None:
                    card = CardItem(self.source.card(item_id), self)
                    self.cards[item_id] = card
                    self.addItem(card)
                    card.setSelected(item_id == self._selected)
                else:
                    card.set_card(self.source.card(item_id))
                # Many cards may be shown: touch only those that moved.
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

    def natural_height(self) -> float:
        """The height of the grid with no row stretched."""
        natural = layout_grid(
            self.source.cells(),
            collapse_after=self.collapse_after,
            expanded=self.expanded,
            pinned=self.pinned,
        )
        return natural.height

    def set_rows_height(self, height: float) -> None:
        """Let sparse rows grow until the five rows are `height` tall (to fill the view)."""
        if abs(height - self.rows_height) >= 1:
            self.rows_height = height
            self.refresh()

    def toggle_cell(self, cell: Cell) -> None:
        """Show every card of a crowded cell, or only the first few (and the selected) again."""
        if cell in self.expanded:
            self.expanded.discard(cell)
        else:
            self.expanded.add(cell)
        self.refresh()

    # Selection

    def selected_id(self) -> int | None:
        """The item whose card is selected."""
        return self._selected

    def select_item(self, item_id: int | None) -> None:
        """Select the card of `item_id` (shown even in a folded cell); None clears."""
        cell = self.source.cell_of(item_id) if item_id is not None else None
        if cell is None:
            item_id = None
        changed = item_id != self._selected
        folded = item_id is not None and item_id not in self.layout.cards
        was_pinned = bool(self.pinned) and item_id not in self.pinned.values()
        self._selected = item_id
        if folded or was_pinned:
            self.refresh()  # the card takes (or gives back) the last place of its folded cell
        self.blockSignals(True)
        try:
            for card in self.selectedItems():
                if not isinstance(card, CardItem) or card.item_id != item_id:
                    card.setSelected(False)
            if item_id is not None and item_id in self.cards:
                self.cards[item_id].setSelected(True)
        finally:
            self.blockSignals(False)
        if changed:
            self.selectedItemChanged.emit(item_id)

    def _selection_changed(self) -> None:
        chosen = [item for item in self.selectedItems() if isinstance(item, CardItem)]
        item_id = chosen[0].item_id if chosen else None
        if item_id != self._selected:
            self._selected = item_id
            self.selectedItemChanged.emit(item_id)

    def first_shown(self) -> int | None:
        """The highest-ranked item (its card is always shown: it leads its cell)."""
        return self.source.first_id()

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
        if cell is not None and cell != self.source.cell_of(item_id):
            self.moveRequested.emit(item_id, *cell)
        # Whether or not the move was taken, cards go where the (new) layout puts them.
        self._build()

    def nudge(self, value_step: int, feasibility_step: int) -> bool:
        """Ask to move the selected card one cell; False when there is no cell that way."""
        item_id = self._selected
        cell = self.source.cell_of(item_id) if item_id is not None else None
        if item_id is None or cell is None:
            return False
        value, feasibility = cell[0] + value_step, cell[1] + feasibility_step
        if value not in SCALE or feasibility not in SCALE:
            return False
        self.moveRequested.emit(item_id, value, feasibility)
        return True
