"""The follow-up grid as a picture (PNG or SVG), drawn from plain data without any window.

For documents: the export feature calls `save_grid_png` / `save_grid_svg` (or `grid_image`)
with the items of an incident, the regions and, optionally, the attention report. Every card
is drawn (no "+N more" chips), in ranked order within its cell.

Drawing text needs a Qt application object; if none exists yet, a QApplication is made (no
window is shown; on a machine without a display, set QT_QPA_PLATFORM=offscreen first).
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication

from hindsight.core.followup_attention import AttentionReport
from hindsight.core.followup_ranking import rank
from hindsight.core.followup_regions import RegionMap
from hindsight.core.followups import FollowUp
from hindsight.ui.followups.geometry import Cell, GridLayout, layout_grid
from hindsight.ui.followups.painting import card_data, paint_card, paint_grid, qrect

_app: QGuiApplication | None = None


def _ensure_gui() -> None:
    global _app
    if QGuiApplication.instance() is None:
        # A QApplication rather than a bare QGuiApplication: Qt allows one application object
        # per process, and a GUI opened later in the same process needs the widgets kind.
        _app = QApplication([])


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


def grid_size(items: Iterable[FollowUp], regions: RegionMap, scale: float = 1.0) -> QSize:
    """The pixel size of the picture `grid_image` draws for these items."""
    layout = picture_layout(items, regions)
    return QSize(math.ceil(layout.width * scale), math.ceil(layout.height * scale))


def _paint(
    painter: QPainter,
    items: list[FollowUp],
    regions: RegionMap,
    report: AttentionReport | None,
    layout: GridLayout,
) -> None:
    paint_grid(painter, layout, regions)
    by_id = {item.id: item for item in items}
    for item_id, rect in layout.cards.items():
        paint_card(painter, qrect(rect), card_data(by_id[item_id], report))


def grid_image(
    items: Iterable[FollowUp],
    regions: RegionMap,
    report: AttentionReport | None = None,
    *,
    scale: float = 1.0,
) -> QImage:
    """The grid with a card per item, as an image (scale 2 for sharp print)."""
    _ensure_gui()
    chosen = [item for item in items if item.id is not None]
    layout = picture_layout(chosen, regions)
    size = QSize(math.ceil(layout.width * scale), math.ceil(layout.height * scale))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        painter.scale(scale, scale)
        _paint(painter, chosen, regions, report, layout)
    finally:
        painter.end()
    return image


def _replace_atomically(path: Path, write: Callable[[str], None]) -> None:
    path = Path(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".part")
    os.close(fd)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def save_grid_png(
    path: Path | str,
    items: Iterable[FollowUp],
    regions: RegionMap,
    report: AttentionReport | None = None,
    *,
    scale: float = 1.0,
) -> QSize:
    """Write the grid as a PNG file (all or nothing); returns its pixel size."""
    image = grid_image(items, regions, report, scale=scale)

    def write(temporary: str) -> None:
        if not image.save(temporary, "PNG"):  # type: ignore[call-overload]  # stubs: bytes
            raise OSError(f"could not write the image {path}")

    _replace_atomically(Path(path), write)
    return image.size()


def save_grid_svg(
    path: Path | str,
    items: Iterable[FollowUp],
    regions: RegionMap,
    report: AttentionReport | None = None,
    *,
    title: str = "Follow-up grid",
) -> QSize:
    """Write the grid as an SVG file (all or nothing); returns its size in SVG pixels."""
    _ensure_gui()
    chosen = [item for item in items if item.id is not None]
    layout = picture_layout(chosen, regions)
    size = QSize(math.ceil(layout.width), math.ceil(layout.height))

    def write(temporary: str) -> None:
        generator = QSvgGenerator()
        generator.setFileName(temporary)
        generator.setSize(size)
        generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
        generator.setTitle(title)
        generator.setDescription("Follow-up items by value (up) and feasibility (across).")
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError(f"could not write the drawing {path}")
        try:
            _paint(painter, chosen, regions, report, layout)
        finally:
            painter.end()

    _replace_atomically(Path(path), write)
    return size
