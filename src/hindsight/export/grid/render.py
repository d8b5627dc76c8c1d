"""The follow-up grid as a picture, drawn from plain data without any window.

Exported documents call `grid_image` with the items of an incident (or of several), the
regions and, optionally, the attention report. Every card is drawn (no "+N more" chips), in
ranked order within its cell. Drawing text needs a Qt application object: an offscreen
QGuiApplication is made when none exists (export/qt.py), so a command-line export needs no
display.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage, QPainter

from hindsight import qt_imports  # noqa: F401  (PySide6, its import hook made cheap)
from hindsight.core.followup_attention import AttentionReport
from hindsight.core.followup_ranking import rank
from hindsight.core.followup_regions import RegionMap
from hindsight.core.followups import FollowUp
from hindsight.export.grid.geometry import Cell, GridLayout, layout_grid
from hindsight.export.grid.painting import card_data, card_style, paint_card, paint_grid, qrect
from hindsight.export.qt import ensure_gui_application


def cells_of(items: Iterable[FollowUp], regions: RegionMap) -> dict[Cell, list[int]]:
    """Item ids per (value, feasibility) cell, in ranked order."""
    cells: dict[Cell, list[int]] = {}
    for entry in rank(items, regions):
        assert entry.item.id is not None
        cells.setdefault(entry.item.cell, []).append(entry.item.id)
    return cells


def picture_layout(items: Iterable[FollowUp], regions: RegionMap) -> GridLayout:
    """The layout of a picture of `items`: every card shown."""
    return layout_grid(cells_of(items, regions))


def grid_image(
    items: Iterable[FollowUp],
    regions: RegionMap,
    report: AttentionReport | None = None,
    *,
    scale: float = 1.0,
) -> QImage:
    """The grid with a card per item, as an image (scale 2 for sharp print)."""
    ensure_gui_application()
    chosen = [item for item in items if item.id is not None]
    layout = picture_layout(chosen, regions)
    size = QSize(math.ceil(layout.width * scale), math.ceil(layout.height * scale))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    style = card_style()
    by_id = {item.id: item for item in chosen}
    painter = QPainter(image)
    try:
        painter.scale(scale, scale)
        paint_grid(painter, layout, regions, style)
        for item_id, rect in layout.cards.items():
            paint_card(painter, qrect(rect), card_data(by_id[item_id], report), style=style)
    finally:
        painter.end()
    return image
