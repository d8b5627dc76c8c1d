"""Drawing the grid and its cards with a QPainter (on screen and in pictures alike).

Only QtGui is used here, so pictures for documents are drawn without any widget or window.
Author text (titles, owners, keys) is drawn as plain text; a card's tooltip escapes it.

Card text is sized from the platform's small font: at the smallest zoom the grid is fitted
to (`MIN_FIT_ZOOM`, or more on a platform with large fonts) it is never smaller on screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPen,
)

from hindsight import qt_imports  # noqa: F401  (PySide6, its import hook made cheap)
from hindsight.core.followup_attention import AttentionReport
from hindsight.core.followup_regions import RegionMap
from hindsight.core.followups import FollowUp, FollowUpStatus, Priority
from hindsight.export.grid.geometry import (
    AXIS_BOTTOM,
    CELL_HEADER,
    CELL_PAD,
    COL_W,
    LEVELS,
    MARGIN,
    Chip,
    GridLayout,
    Rect,
)

MIN_FIT_ZOOM = 0.8  # a view fitting the grid to its pane shrinks it no further than this
# The cards have room for text this large (scene pixels); see geometry.CARD_H.
SMALLEST_TEXT_PX, LARGEST_TEXT_PX = 12, 16

PRIORITY_COLOURS = {
    Priority.HIGHEST: "#b42318",
    Priority.HIGH: "#c2410c",
    Priority.MEDIUM: "#8a6d00",
    Priority.LOW: "#3b6fb6",
    Priority.NICE_TO_HAVE: "#718096",
}
BADGE_COLOURS = {
    "Overdue": "#b42318",
    "Needs review": "#6b46c1",
    "Languishing": "#8c5a12",
}
CLOSED_COLOURS = {FollowUpStatus.DONE: "#2f7d4f", FollowUpStatus.WONT_DO: "#6b7280"}
TEXT = QColor("#1f2933")
MUTED = QColor("#5f6b7a")
SELECTED = QColor("#2b6cb0")


@dataclass(frozen=True, slots=True)
class CardStyle:
    """Text sizes of the grid in scene pixels, and the small font they were made from."""

    text_px: int = 15  # the top line, badges, region names, counts, axes
    title_px: int = 16
    small_px: float = 12.0  # the platform's small font, in pixels

    @property
    def min_zoom(self) -> float:
        """The least zoom at which card text is still as large as the small font."""
        return max(MIN_FIT_ZOOM, self.small_px / self.text_px)


def card_style(small_px: float | None = None) -> CardStyle:
    """Text sizes for a platform whose small font is `small_px` pixels high.

    Without `small_px`, the application font is used (a picture drawn for a document).
    """
    if small_px is None:
        small_px = float(QFontInfo(QGuiApplication.font()).pixelSize())
    text_px = min(max(math.ceil(small_px / MIN_FIT_ZOOM), SMALLEST_TEXT_PX), LARGEST_TEXT_PX)
    title_px = min(text_px + 1, LARGEST_TEXT_PX)
    return CardStyle(text_px=text_px, title_px=title_px, small_px=small_px)


@dataclass(frozen=True, slots=True)
class CardData:
    """What a card shows."""

    item_id: int
    key: str
    title: str
    priority: Priority
    owner: str
    status: FollowUpStatus
    badges: tuple[str, ...]
    tooltip: str  # rich text in which every piece of author text is escaped
    due: date | None = None
    loading: bool = False  # a place holder while the item is read

    @property
    def closed(self) -> bool:
        return self.status.is_closed


def card_data(item: FollowUp, report: AttentionReport | None) -> CardData:
    """The card of `item`, with its attention badges."""
    assert item.id is not None
    flags = report.of(item.id) if report else ()
    lines = [
        f"<b>{escape(item.incident_key)}</b> · {item.priority.label} · {item.status.label}",
        escape(item.title),
        f"Owner: {escape(item.owner) or '—'} · {item.kind.label}",
        f"Value {item.value}, feasibility {item.feasibility}",
    ]
    if item.due:
        lines.append(f"Due {item.due.isoformat()}")
    lines.extend(f"⚑ {escape(flag.reason)}" for flag in flags)
    return CardData(
        item_id=item.id,
        key=item.incident_key,
        title=item.title,
        priority=item.priority,
        owner=item.owner,
        status=item.status,
        badges=tuple(report.badges(item.id)) if report else (),
        tooltip="<br>".join(lines),
        due=item.due,
    )


def loading_card(item_id: int) -> CardData:
    """A card whose item is still being read."""
    return CardData(
        item_id=item_id,
        key="",
        title="Loading…",
        priority=Priority.NICE_TO_HAVE,
        owner="",
        status=FollowUpStatus.OPEN,
        badges=(),
        tooltip="",
        loading=True,
    )


def qrect(rect: Rect) -> QRectF:
    """A geometry rectangle as a QRectF."""
    return QRectF(rect.x, rect.y, rect.w, rect.h)


@dataclass(frozen=True)
class Fonts:
    """The fonts of one style, made once: cards are painted often and many at a time."""

    text: QFont
    bold: QFont
    title: QFont
    struck_title: QFont
    text_metrics: QFontMetricsF
    bold_metrics: QFontMetricsF
    title_metrics: QFontMetricsF


_FONTS: dict[tuple[CardStyle, str], Fonts] = {}


def fonts(style: CardStyle) -> Fonts:
    """The fonts of `style` (made on first use for the application font of the moment)."""
    key = (style, QGuiApplication.font().key())
    found = _FONTS.get(key)
    if found is None:
        text, bold = font(style.text_px), font(style.text_px, bold=True)
        title = font(style.title_px, weight=QFont.Weight.DemiBold)
        struck = QFont(title)
        struck.setStrikeOut(True)
        found = Fonts(
            text,
            bold,
            title,
            struck,
            QFontMetricsF(text),
            QFontMetricsF(bold),
            QFontMetricsF(title),
        )
        _FONTS[key] = found
    return found


def font(pixels: float, *, bold: bool = False, weight: QFont.Weight | None = None) -> QFont:
    """The application font at a size in scene pixels (the same on screen and in pictures)."""
    chosen = QFont(QGuiApplication.font())
    chosen.setPixelSize(max(round(pixels), 1))
    if bold:
        chosen.setBold(True)
    if weight is not None:
        chosen.setWeight(weight)
    return chosen


# -- the grid ---------------------------------------------------------------------------------


def paint_grid(
    painter: QPainter, layout: GridLayout, regions: RegionMap, style: CardStyle | None = None
) -> None:
    """Region backgrounds with their names, cell counts and both axes."""
    style = style or CardStyle()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(QRectF(0, 0, layout.width, layout.height), QColor("#ffffff"))
    for region in regions.regions:
        block = layout.block_rect(
            (region.value_low, region.value_high),
            (region.feasibility_low, region.feasibility_high),
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(region.colour))
        painter.drawRoundedRect(qrect(block).adjusted(1, 1, -1, -1), 6, 6)
    # Thin white lines between the cells of a region.
    painter.setPen(QPen(QColor("#ffffff"), 2))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    grid = layout.grid
    for feasibility in LEVELS[1:]:
        x = layout.col_x[feasibility]
        painter.drawLine(QPointF(x, grid.y + 1), QPointF(x, grid.bottom - 1))
    for value in LEVELS[:-1]:
        y = layout.row_y[value]
        painter.drawLine(QPointF(grid.x + 1, y), QPointF(grid.right - 1, y))
    _paint_region_names(painter, layout, regions, style)
    _paint_counts(painter, layout, style)
    _paint_axes(painter, layout, style)
    painter.restore()


def _paint_region_names(
    painter: QPainter, layout: GridLayout, regions: RegionMap, style: CardStyle
) -> None:
    painter.setFont(font(style.text_px, bold=True))
    for region in regions.regions:
        cell = layout.cell_rect(region.value_high, region.feasibility_low)
        band = QRectF(cell.x + CELL_PAD, cell.y + 2, COL_W - 2 * CELL_PAD - 34, CELL_HEADER - 3)
        painter.setPen(QColor(region.colour).darker(260))
        painter.drawText(
            band, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, region.name
        )


def _paint_counts(painter: QPainter, layout: GridLayout, style: CardStyle) -> None:
    painter.setFont(font(style.text_px, bold=True))
    metrics = QFontMetricsF(painter.font())
    height = min(metrics.height() + 2, CELL_HEADER - 4)
    for (value, feasibility), count in layout.counts.items():
        cell = layout.cell_rect(value, feasibility)
        text = str(count)
        width = max(metrics.horizontalAdvance(text) + 12, height + 4)
        pill = QRectF(cell.right - CELL_PAD - width, cell.y + 3, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 215))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(MUTED)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)


def _paint_axes(painter: QPainter, layout: GridLayout, style: CardStyle) -> None:
    grid = layout.grid
    painter.setPen(MUTED)
    painter.setFont(font(style.text_px + 1, bold=True))
    for value in LEVELS:
        label = QRectF(grid.x - 28, layout.row_y[value], 24, layout.row_h[value])
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, str(value))
    for feasibility in LEVELS:
        label = QRectF(layout.col_x[feasibility], grid.bottom + 2, COL_W, 20)
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, str(feasibility))
    painter.setFont(font(style.text_px))
    title_band = QRectF(grid.x, grid.bottom + 22, grid.w, AXIS_BOTTOM - 24)
    painter.drawText(
        title_band, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "← hard"
    )
    painter.drawText(
        title_band, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "easy →"
    )
    painter.drawText(title_band, Qt.AlignmentFlag.AlignCenter, "Feasibility")
    # The value axis title runs upwards along the left edge.
    painter.save()
    painter.translate(MARGIN + 12, grid.y + grid.h / 2)
    painter.rotate(-90)
    band = QRectF(-grid.h / 2, -11, grid.h, 22)
    painter.drawText(band, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "low")
    painter.drawText(band, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "high")
    painter.drawText(band, Qt.AlignmentFlag.AlignCenter, "Value")
    painter.restore()


# -- cards ------------------------------------------------------------------------------------


def title_lines(text: str, metrics: QFontMetricsF, width: float) -> list[str]:
    """Word-wrap `text` into at most two lines, the second elided; a long word is broken."""
    words = text.split()
    if not words:
        return []
    first = ""
    rest_index = len(words)
    for index, word in enumerate(words):
        candidate = f"{first} {word}".strip()
        if metrics.horizontalAdvance(candidate) > width:
            rest_index = index
            break
        first = candidate
    if not first:
        # The first word alone is too wide: break it where the line is full.
        whole = " ".join(words)
        cut = len(words[0])
        while cut > 1 and metrics.horizontalAdvance(whole[:cut]) > width:
            cut -= 1
        first, rest = whole[:cut], whole[cut:].lstrip()
    else:
        rest = " ".join(words[rest_index:])
    if not rest:
        return [first]
    return [first, metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)]


OWNER_LETTERS = 1  # of an owner's name kept on a card whose priority fills its top line


def top_line(card: CardData, made: Fonts, width: float) -> tuple[str, str, str]:
    """A card's top line: its incident key, priority and owner, each cut with "…" to fit.

    The key takes at most half the line. The owner keeps at least its first letters and "…"
    (the whole name is in the card's tooltip), so that a long priority ("Nice to have") is
    what gives way: it was cut mid-letter by the card's edge and the owner was not shown.
    """
    bold, text = made.bold_metrics, made.text_metrics
    key = bold.elidedText(card.key, Qt.TextElideMode.ElideRight, width / 2)
    gap = bold.horizontalAdvance("  ")
    used = bold.horizontalAdvance(key) + gap
    whole_owner = card.owner or "no owner"
    owner_least = text.horizontalAdvance(whole_owner)
    if len(whole_owner) > OWNER_LETTERS:
        start = whole_owner[:OWNER_LETTERS].rstrip()
        owner_least = min(owner_least, text.horizontalAdvance(start + "…"))
    owner_gap = text.horizontalAdvance(" ")  # the owner is set right: a space keeps them apart
    room = max(width - used - owner_gap - owner_least, 0)
    priority = bold.elidedText(card.priority.label, Qt.TextElideMode.ElideRight, room)
    if priority:
        used += bold.horizontalAdvance(priority) + owner_gap
    owner = text.elidedText(whole_owner, Qt.TextElideMode.ElideRight, max(width - used, 0))
    return key, priority, owner


def paint_card(
    painter: QPainter,
    rect: QRectF,
    card: CardData,
    *,
    style: CardStyle | None = None,
    selected: bool = False,
    hovered: bool = False,
) -> None:
    """One card: incident key, priority and owner; the title on two lines; badges."""
    style = style or CardStyle()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    body = rect.adjusted(0.5, 0.5, -0.5, -0.5)
    fill = QColor("#f3f5f8") if card.closed or card.loading else QColor("#ffffff")
    if selected:
        fill = QColor("#e6f0fb")
    border = SELECTED if selected else QColor("#9aa8b8" if hovered else "#c3ccd8")
    painter.setPen(QPen(border, 2 if selected else 1))
    painter.setBrush(fill)
    painter.drawRoundedRect(body, 5, 5)
    left = body.x() + 10
    width = body.width() - 16
    if card.loading:
        painter.setFont(fonts(style).text)
        painter.setPen(MUTED)
        painter.drawText(body, Qt.AlignmentFlag.AlignCenter, card.title)
        painter.restore()
        return
    # Priority stripe on the left edge.
    stripe = QColor(PRIORITY_COLOURS[card.priority])
    if card.closed:
        stripe.setAlpha(90)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(stripe)
    painter.drawRoundedRect(QRectF(body.x() + 1.5, body.y() + 4, 3.5, body.height() - 8), 1.5, 1.5)
    text_colour = MUTED if card.closed else TEXT

    # Line 1: incident key and priority on the left, owner on the right.
    made = fonts(style)
    painter.setFont(made.bold)
    metrics = made.bold_metrics
    line = metrics.height()
    top = QRectF(left, body.y() + 4, width, line)
    key, priority, owner = top_line(card, made, width)
    painter.setPen(MUTED)
    painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, key)
    key_width = metrics.horizontalAdvance(key + "  ")
    painter.setPen(stripe if not card.closed else MUTED)
    painter.drawText(
        top.adjusted(key_width, 0, 0, 0),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        priority,
    )
    painter.setFont(made.text)
    painter.setPen(MUTED)
    painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, owner)

    # Lines 2 and 3: the title.
    wont_do = card.status is FollowUpStatus.WONT_DO
    painter.setFont(made.struck_title if wont_do else made.title)
    title_metrics = made.title_metrics
    painter.setPen(text_colour)
    line_height = title_metrics.height()
    title_top = top.bottom() + 1
    for number, text in enumerate(title_lines(card.title, title_metrics, width)):
        band = QRectF(left, title_top + number * line_height, width, line_height)
        painter.drawText(band, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    # Line 4: the status of a closed or blocked item, attention badges, else the due date.
    badge_metrics = made.bold_metrics
    pill_height = badge_metrics.height() + 2
    bottom = QRectF(left, body.bottom() - pill_height - 4, width, pill_height)
    pills: list[tuple[str, str]] = []
    if card.closed or card.status is FollowUpStatus.BLOCKED:
        pills.append((card.status.label, CLOSED_COLOURS.get(card.status, "#b45309")))
    pills.extend((badge, BADGE_COLOURS.get(badge, "#4a5568")) for badge in card.badges)
    x = left
    for number, (text, colour) in enumerate(pills):
        pill_width = badge_metrics.horizontalAdvance(text) + 10
        more = len(pills) - number - 1
        reserve = badge_metrics.horizontalAdvance(f"+{more}") + 13 if more else 0
        if x + pill_width + reserve > bottom.right():
            text, colour = f"+{len(pills) - number}", "#4a5568"
            pill_width = badge_metrics.horizontalAdvance(text) + 10
        _pill(painter, QRectF(x, bottom.y(), pill_width, bottom.height()), text, colour, made.bold)
        x += pill_width + 3
        if text.startswith("+"):
            break
    if card.due is not None and not card.closed:
        painter.setFont(made.text)
        painter.setPen(MUTED)
        due_band = QRectF(x + 2, bottom.y(), max(bottom.right() - x - 2, 0), bottom.height())
        due = f"due {card.due.isoformat()}"
        if made.text_metrics.horizontalAdvance(due) <= due_band.width():
            painter.drawText(
                due_band, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, due
            )
    painter.restore()


def _pill(painter: QPainter, band: QRectF, text: str, colour: str, badge_font: QFont) -> None:
    painter.setFont(badge_font)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(colour)))
    painter.drawRoundedRect(band, band.height() / 2, band.height() / 2)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(band, Qt.AlignmentFlag.AlignCenter, text)


def paint_chip(
    painter: QPainter, chip: Chip, *, style: CardStyle | None = None, hovered: bool = False
) -> None:
    """The '+N more' / 'Show fewer' chip of a crowded cell."""
    style = style or CardStyle()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = qrect(chip.rect).adjusted(0.5, 0.5, -0.5, -0.5)
    painter.setPen(QPen(QColor("#9aa8b8"), 1, Qt.PenStyle.DashLine))
    painter.setBrush(QColor(255, 255, 255, 235 if hovered else 190))
    painter.drawRoundedRect(rect, 5, 5)
    painter.setFont(font(style.text_px, bold=True))
    painter.setPen(SELECTED)
    text = f"+ {chip.hidden:,} more (of {chip.total:,})" if chip.hidden else "Show fewer"
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
