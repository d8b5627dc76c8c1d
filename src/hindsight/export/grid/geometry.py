"""Where everything sits on the follow-up grid, in scene units (pixels at 100% zoom).

Pure arithmetic, no Qt: the interactive scene and the picture renderer both place cards from
the same layout, so an exported picture looks like the screen.

Feasibility runs across (1, hard, on the left, to 5, easy, on the right); value runs up (1 at
the bottom, 5 at the top). Columns have a fixed width; each row is as tall as its fullest cell,
so cards never overlap. A cell holding more than `collapse_after` cards shows the first few and
a chip saying how many more there are, until it is expanded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

LEVELS = (1, 2, 3, 4, 5)

# Sized for card text of 15-16 px (see painting.CardStyle): a top line, a title of two lines
# and a line of badges.
CARD_W = 176.0
CARD_H = 90.0
CARD_GAP = 6.0
CELL_PAD = 7.0
CELL_HEADER = 26.0  # band at the top of each cell: region name, count
CHIP_H = 26.0
COL_W = CARD_W + 2 * CELL_PAD
MARGIN = 12.0
AXIS_LEFT = 50.0  # value labels and the axis title
AXIS_BOTTOM = 48.0  # feasibility labels and the axis title
FRAME_H = 2 * MARGIN + AXIS_BOTTOM  # the height of a grid beyond its five rows

Cell = tuple[int, int]  # (value, feasibility)


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned rectangle."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def contains(self, x: float, y: float) -> bool:
        """True when the point lies inside (edges included on the top and left)."""
        return self.x <= x < self.right and self.y <= y < self.bottom

    def center(self) -> tuple[float, float]:
        """The middle of the rectangle."""
        return self.x + self.w / 2, self.y + self.h / 2


@dataclass(frozen=True, slots=True)
class Chip:
    """The "+N more" (or "Show fewer") chip of a crowded cell."""

    rect: Rect
    hidden: int  # cards not shown; 0 when the cell is expanded
    total: int


@dataclass
class GridLayout:
    """The computed positions of one grid."""

    col_x: dict[int, float]  # feasibility -> left edge of its column
    row_y: dict[int, float]  # value -> top edge of its row
    row_h: dict[int, float]
    cards: dict[int, Rect] = field(default_factory=dict)  # item id -> where its card goes
    chips: dict[Cell, Chip] = field(default_factory=dict)
    counts: dict[Cell, int] = field(default_factory=dict)  # items per cell, shown or not

    @property
    def grid(self) -> Rect:
        """The rectangle of the 25 cells."""
        left, top = self.col_x[1], self.row_y[5]
        return Rect(left, top, self.col_x[5] + COL_W - left, self.row_y[1] + self.row_h[1] - top)

    @property
    def width(self) -> float:
        return self.grid.right + MARGIN

    @property
    def height(self) -> float:
        return self.grid.bottom + AXIS_BOTTOM + MARGIN

    def cell_rect(self, value: int, feasibility: int) -> Rect:
        """The rectangle of one cell."""
        return Rect(self.col_x[feasibility], self.row_y[value], COL_W, self.row_h[value])

    def block_rect(self, values: tuple[int, int], feasibilities: tuple[int, int]) -> Rect:
        """The rectangle covering cells value low..high by feasibility low..high."""
        top = self.row_y[values[1]]
        bottom = self.row_y[values[0]] + self.row_h[values[0]]
        left = self.col_x[feasibilities[0]]
        right = self.col_x[feasibilities[1]] + COL_W
        return Rect(left, top, right - left, bottom - top)

    def cell_at(self, x: float, y: float) -> Cell | None:
        """The (value, feasibility) cell under a scene point, or None off the grid."""
        for value in LEVELS:
            top = self.row_y[value]
            if top <= y < top + self.row_h[value]:
                for feasibility in LEVELS:
                    left = self.col_x[feasibility]
                    if left <= x < left + COL_W:
                        return value, feasibility
        return None


def visible_count(total: int, collapse_after: int | None, expanded: bool) -> int:
    """How many of a cell's `total` cards are drawn."""
    if collapse_after is None or total <= collapse_after or expanded:
        return total
    return max(collapse_after - 1, 1)


def stretch_floor(heights: list[float], total: float) -> float:
    """The least height m such that the rows, each raised to at least m, add up to `total`.

    0 when the rows are already at least that tall together.
    """
    if sum(heights) >= total:
        return 0.0
    ordered = sorted(heights)
    for raised in range(len(ordered), 0, -1):
        floor = (total - sum(ordered[raised:])) / raised
        if floor >= ordered[raised - 1]:
            return floor
    return 0.0


def layout_grid(
    cells: Mapping[Cell, Sequence[int]],
    *,
    collapse_after: int | None = None,
    expanded: frozenset[Cell] | set[Cell] = frozenset(),
    rows_height: float = 0.0,
    pinned: dict[Cell, int] | None = None,
) -> GridLayout:
    """Place the cards of `cells` (item ids per cell, in display order).

    With `rows_height`, rows shorter than their share grow until the five rows together are
    that tall (a view filling its height); rows that need more keep their own height.
    `pinned` names, per cell, an item to show even if the cell folds it away (the selected
    one): it takes the last place shown, before the chip.
    """
    row_h: dict[int, float] = {}
    for value in LEVELS:
        tallest = CARD_H  # an empty row still shows one card's height
        for feasibility in LEVELS:
            ids = cells.get((value, feasibility), ())
            shown = visible_count(len(ids), collapse_after, (value, feasibility) in expanded)
            height = shown * (CARD_H + CARD_GAP) - CARD_GAP if shown else CARD_H
            if shown < len(ids) or (collapse_after is not None and len(ids) > collapse_after):
                height += CARD_GAP + CHIP_H
            tallest = max(tallest, height)
        row_h[value] = CELL_HEADER + tallest + CELL_PAD
    floor = stretch_floor(list(row_h.values()), rows_height)
    row_h = {value: max(height, floor) for value, height in row_h.items()}
    col_x = {f: MARGIN + AXIS_LEFT + (f - 1) * COL_W for f in LEVELS}
    row_y: dict[int, float] = {}
    y = MARGIN
    for value in reversed(LEVELS):
        row_y[value] = y
        y += row_h[value]
    layout = GridLayout(col_x=col_x, row_y=row_y, row_h=row_h)
    for (value, feasibility), ids in cells.items():
        if not ids:
            continue
        layout.counts[(value, feasibility)] = len(ids)
        is_expanded = (value, feasibility) in expanded
        shown = visible_count(len(ids), collapse_after, is_expanded)
        x = col_x[feasibility] + CELL_PAD
        top = row_y[value] + CELL_HEADER
        placed = list(ids[:shown])
        keep = pinned.get((value, feasibility)) if pinned else None
        if keep is not None and shown < len(ids) and keep not in placed and keep in ids:
            placed[-1] = keep
        for slot, item_id in enumerate(placed):
            layout.cards[item_id] = Rect(x, top + slot * (CARD_H + CARD_GAP), CARD_W, CARD_H)
        if collapse_after is not None and len(ids) > collapse_after:
            chip_y = top + shown * (CARD_H + CARD_GAP)
            layout.chips[(value, feasibility)] = Chip(
                Rect(x, chip_y, CARD_W, CHIP_H), len(ids) - shown, len(ids)
            )
    return layout
