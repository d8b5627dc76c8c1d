"""The milestone timeline as a picture: each milestone's plausible range as a bar, its best
guess as a mark. People read the picture before the text, so the uncertainty must show.

Drawn with QPainter on a QImage (no window needed); a text version serves Markdown.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF

from hindsight import qt_imports  # noqa: F401  (PySide6, its import hook made cheap)
from hindsight.core.enums import Confidence
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.export.qt import ensure_gui_application
from hindsight.export.views import Picture

WIDTH = 760  # CSS pixels
SCALE = 2  # drawn at twice the size, so it stays sharp on paper and high-density screens
ROW = 30
TOP = 16
AXIS = 44
LEGEND = 30
LABEL_WIDTH = 170
RIGHT_MARGIN = 28

# One colour per milestone kind, in phase order; readable on white and in greyscale.
COLOURS = ("#8e5bb5", "#c0392b", "#d68910", "#7f8c8d", "#2471a3", "#1e8449", "#5d6d7e")
INK = QColor("#1f2933")
GRID = QColor("#d9dee3")
OPACITY = {Confidence.LOW: 0.35, Confidence.MEDIUM: 0.55, Confidence.HIGH: 0.8}


@dataclass(frozen=True, slots=True)
class Row:
    """One bar of the picture."""

    label: str
    when: FuzzyTime


# -- ticks on the time axis ---------------------------------------------------------------------


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


_STEPS: tuple[tuple[str, int], ...] = (
    ("hours", 1),
    ("hours", 3),
    ("hours", 6),
    ("hours", 12),
    ("days", 1),
    ("days", 2),
    ("days", 7),
    ("months", 1),
    ("months", 3),
    ("months", 6),
    ("months", 12),
    ("months", 24),
    ("months", 60),
    ("months", 120),
    ("months", 600),
    ("months", 1200),
    ("months", 6000),
    ("months", 12000),
)


def _approximate(unit: str, count: int) -> timedelta:
    return (
        timedelta(hours=count)
        if unit == "hours"
        else timedelta(days=count * (1 if unit == "days" else 30.4))
    )


def _local(moment: datetime, zone: tzinfo) -> datetime:
    try:
        return moment.astimezone(zone)
    except OverflowError:  # within hours of the first or last instant Python can hold
        return moment


def _moved(moment: datetime, delta: timedelta) -> datetime:
    """`moment + delta`, stopping at the first or last instant Python can hold."""
    try:
        return moment + delta
    except OverflowError:
        edge = datetime.max if delta > timedelta(0) else datetime.min
        return edge.replace(tzinfo=moment.tzinfo)


def ticks(start: datetime, end: datetime, zone: tzinfo, most: int = 8) -> list[datetime]:
    """Round instants between `start` and `end` (in `zone`), at most `most` of them."""
    try:
        return _ticks(start, end, zone, most)
    except (OverflowError, ValueError):  # a range reaching the ends of the calendar
        return []


def _ticks(start: datetime, end: datetime, zone: tzinfo, most: int) -> list[datetime]:
    span = end - start
    unit, count = next(((u, c) for u, c in _STEPS if span / _approximate(u, c) <= most), _STEPS[-1])
    local = start.astimezone(zone)
    if unit == "hours":
        first = local.replace(minute=0, second=0, microsecond=0)
        first = first.replace(hour=first.hour - first.hour % count)
        step: Callable[[datetime], datetime] = lambda m: m + timedelta(hours=count)  # noqa: E731
    elif unit == "days":
        first = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if count == 7:  # weeks start on Monday
            first -= timedelta(days=first.weekday())
        step = lambda m: (m + timedelta(days=count)).replace(hour=0)  # noqa: E731
    else:
        first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        first = first.replace(month=1) if count >= 12 else first
        if count > 12:  # decades, centuries ... start on a round year
            years = count // 12
            first = first.replace(year=max(1, first.year - first.year % years))
        if 1 < count < 12:
            first = first.replace(month=first.month - (first.month - 1) % count)
        step = lambda m: _add_months(m, count)  # noqa: E731
    found: list[datetime] = []
    moment = first
    while moment <= end and len(found) < 4 * most:
        if moment >= start:
            found.append(moment)
        try:
            moment = step(moment)
        except (OverflowError, ValueError):  # the calendar ends before `end`
            break
    return found


def tick_label(moment: datetime, span: timedelta, zone: tzinfo) -> str:
    """A short label for a tick, precise enough for the span shown."""
    local = _local(moment, zone)
    if span <= timedelta(days=2):
        return local.strftime("%d %b %H:%M")
    if span <= timedelta(days=120):
        return local.strftime("%d %b")
    return local.strftime("%b %Y")


def _bounds(rows: Sequence[Row]) -> tuple[datetime, datetime]:
    start = min(r.when.earliest for r in rows)
    end = max(r.when.latest for r in rows)
    span = max(end - start, timedelta(hours=1))
    pad = span * 0.04
    return _moved(start, -pad), _moved(end, pad)


# -- the picture --------------------------------------------------------------------------------


def _font(pixels: float, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPixelSize(round(pixels))
    font.setBold(bold)
    return font


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes; runtime wants str
    buffer.close()
    return bytes(data.data())


def _diamond(centre: QPointF, size: float) -> QPolygonF:
    x, y = centre.x(), centre.y()
    return QPolygonF(
        [QPointF(x, y - size), QPointF(x + size, y), QPointF(x, y + size), QPointF(x - size, y)]
    )


def render_timeline(rows: Sequence[Row], zone: tzinfo, *, width: int = WIDTH) -> Picture | None:
    """The timeline of `rows` as a PNG picture; None when there is nothing to draw."""
    if not rows:
        return None
    ensure_gui_application()
    height = TOP + ROW * len(rows) + AXIS + LEGEND
    image = QImage(width * SCALE, height * SCALE, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.scale(SCALE, SCALE)
        _draw(painter, rows, zone, width)
    finally:
        painter.end()
    names = ", ".join(r.label for r in rows)
    return Picture(
        name="timeline",
        alt=f"Milestone timeline: plausible range and best guess of {names}.",
        png=png_bytes(image),
        width=width,
        height=height,
    )


def _draw(painter: QPainter, rows: Sequence[Row], zone: tzinfo, width: int) -> None:
    start, end = _bounds(rows)
    left, right = LABEL_WIDTH + 12, width - RIGHT_MARGIN
    total = (end - start).total_seconds()

    def x_of(moment: datetime) -> float:
        return left + (right - left) * (moment - start).total_seconds() / total

    bottom = TOP + ROW * len(rows)
    label_font, small = _font(13), _font(11)

    # Grid lines and tick labels.
    painter.setFont(small)
    metrics = QFontMetricsF(small)
    span = end - start
    last_label_end = -1e9
    for tick in ticks(start, end, zone):
        x = x_of(tick)
        painter.setPen(QPen(GRID, 1))
        painter.drawLine(QPointF(x, TOP - 4), QPointF(x, bottom + 4))
        text = tick_label(tick, span, zone)
        text_width = metrics.horizontalAdvance(text)
        if x - text_width / 2 > last_label_end + 6 and x + text_width / 2 <= width - 2:
            painter.setPen(QPen(INK))
            painter.drawText(QPointF(x - text_width / 2, bottom + 22), text)
            last_label_end = x + text_width / 2
    painter.setPen(QPen(INK, 1))
    painter.drawLine(QPointF(left, bottom + 4), QPointF(right, bottom + 4))

    for index, row in enumerate(rows):
        y = TOP + ROW * index + ROW / 2
        colour = QColor(COLOURS[index % len(COLOURS)])
        painter.setFont(label_font)
        painter.setPen(QPen(INK))
        painter.drawText(
            QRectF(0, y - ROW / 2, LABEL_WIDTH, ROW),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            row.label,
        )
        when = row.when
        best = QPointF(x_of(when.best), y)
        if not when.is_exact:
            x1, x2 = x_of(when.earliest), x_of(when.latest)
            fill = QColor(colour)
            fill.setAlphaF(OPACITY[when.confidence])
            painter.setPen(QPen(colour.darker(115), 1))
            painter.setBrush(QBrush(fill))
            painter.drawRoundedRect(QRectF(x1, y - 8, max(x2 - x1, 3), 16), 4, 4)
            painter.setPen(QPen(QColor("white"), 1.5))
            painter.setBrush(QBrush(INK))
            painter.drawPolygon(_diamond(best, 7))
        else:
            painter.setPen(QPen(QColor("white"), 1.5))
            painter.setBrush(QBrush(colour.darker(110)))
            painter.drawEllipse(best, 6, 6)

    _legend(painter, bottom + AXIS, left)


def _legend(painter: QPainter, y: float, left: float) -> None:
    painter.setFont(_font(11))
    metrics = QFontMetricsF(painter.font())
    x = left
    painter.setPen(QPen(QColor("#7f8c8d"), 1))
    fill = QColor("#7f8c8d")
    fill.setAlphaF(0.5)
    painter.setBrush(QBrush(fill))
    painter.drawRoundedRect(QRectF(x, y - 6, 28, 12), 3, 3)
    x += 34
    text = "plausible range (darker: more confident)"
    painter.setPen(QPen(INK))
    painter.drawText(QPointF(x, y + 4), text)
    x += metrics.horizontalAdvance(text) + 22
    painter.setPen(QPen(QColor("white"), 1.5))
    painter.setBrush(QBrush(INK))
    painter.drawPolygon(_diamond(QPointF(x + 6, y), 6))
    x += 16
    painter.setPen(QPen(INK))
    painter.drawText(QPointF(x, y + 4), "best guess")
    x += metrics.horizontalAdvance("best guess") + 22
    painter.setPen(QPen(QColor("white"), 1.5))
    painter.setBrush(QBrush(QColor("#555555")))
    painter.drawEllipse(QPointF(x + 6, y), 5, 5)
    x += 16
    painter.setPen(QPen(INK))
    painter.drawText(QPointF(x, y + 4), "exact time")


# -- the same in characters, for Markdown -------------------------------------------------------


def text_timeline(rows: Sequence[Row], zone: tzinfo, *, columns: int = 56) -> str:
    """The timeline drawn in characters: '[---*---]' is a range with its best guess, '*' an
    exact time. Empty when there is nothing to draw."""
    if not rows:
        return ""
    start, end = _bounds(rows)
    total = (end - start).total_seconds()
    label_width = max(len(r.label) for r in rows) + 2

    def column(moment: datetime) -> int:
        return min(
            columns - 1, max(0, round((columns - 1) * (moment - start).total_seconds() / total))
        )

    lines: list[str] = []
    span = end - start
    first, last = tick_label(start, span, zone), tick_label(end, span, zone)
    lines.append(" " * label_width + first + last.rjust(columns + 2 - len(first)))
    for row in rows:
        track = [" "] * columns
        low, high = column(row.when.earliest), column(row.when.latest)
        if not row.when.is_exact and high > low:
            for i in range(low, high + 1):
                track[i] = "-"
            track[low], track[high] = "[", "]"
        track[column(row.when.best)] = "*"
        lines.append(row.label.ljust(label_width) + "|" + "".join(track) + "|")
    lines.append("")
    lines.append("[---] plausible range   * best guess (alone: an exact time)")
    return "\n".join(lines)
