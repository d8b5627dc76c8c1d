"""Snippets under each search hit in the incident list: how they are laid out and painted.

A hit's row is taller while searching: the row's own cells on its first line, and under it a
line per snippet ("Review > Detection: …customer tickets about weird recs…") that runs from
the Title column to the right edge, the matched words marked. Every cell paints the part of
the snippet lines inside it (clipped to itself), so a repaint of any one cell is whole.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QStaticText,
    QTextOption,
    QTransform,
)
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionFocusRect,
    QStyleOptionViewItem,
    QTableView,
)

from hindsight.core.listing import ListColumn

if TYPE_CHECKING:  # the search's own modules load with the first search
    from hindsight.core.search_results import Snippet

LAYOUTS_KEPT = 400  # snippet lines laid out and kept: a few screens' worth
ELIDED_KEPT = 2000  # cells' elided texts kept
SNIPPET_LINES = 2  # shown under each hit; the tooltip and the row's menu list them all
MARK_BACKGROUND = QColor("#fde68a")
MARK_TEXT = QColor("#1a202c")
WHERE_TEXT = QColor("#5f6b7a")
ELLIPSIS = "…"
SNIPPETS_ROLE = Qt.ItemDataRole.UserRole + 1  # a list row's Snippet tuple (while searching)
MARGIN = 4  # from the cell's edges, as the style draws the row's own text
FIRST_MATCH_BY = 0.8  # of the line's width: the first marked word must be seen by then
WHERE_AT_MOST = 0.4  # of the line's width: a longer place ("Review > Change attribution > …")
# is cut, so the snippet's own text keeps most of the line


class Part(Enum):
    """What a piece of a snippet line is, which says how it is drawn."""

    WHERE = "where"
    TEXT = "text"
    MARK = "mark"


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of a snippet line drawn one way."""

    text: str
    part: Part


def snippet_pieces(snippet: Snippet) -> list[Piece]:
    """The snippet as a line: where it is, then its text with the matched words marked."""
    pieces = [Piece(f"{snippet.where}: ", Part.WHERE)] if snippet.label else []
    at = 0
    for start, end in snippet.spans:
        if start > at:
            pieces.append(Piece(snippet.text[at:start], Part.TEXT))
        pieces.append(Piece(snippet.text[start:end], Part.MARK))
        at = end
    if at < len(snippet.text):
        pieces.append(Piece(snippet.text[at:], Part.TEXT))
    return pieces


def snippet_line(snippet: Snippet) -> str:
    """The snippet as one line of plain text, matched words in [brackets] (for tests, menus)."""
    where = f"{snippet.where}: " if snippet.label else ""
    return where + snippet.marked()


def snippets_tooltip(heading: str, snippets: Sequence[Snippet]) -> str:
    """Rich text listing every snippet of a hit in full; all author text escaped."""
    parts = [f"<p><b>{html.escape(heading)}</b></p>"]
    for snippet in snippets:
        text = "".join(
            f"<b style='background:{MARK_BACKGROUND.name()}'>{html.escape(p.text)}</b>"
            if p.part is Part.MARK
            else html.escape(p.text)
            for p in snippet_pieces(snippet)
            if p.part is not Part.WHERE
        )
        where = html.escape(snippet.where)
        parts.append(f"<p><span style='color:{WHERE_TEXT.name()}'>{where}</span><br>{text}</p>")
    return "<qt>" + "".join(parts) + "</qt>"


def fit_pieces(
    pieces: list[Piece], width: int, plain: QFontMetrics, bold: QFontMetrics
) -> list[tuple[Piece, int]]:
    """The pieces cut to `width`, each with its width: the text before the first mark is
    shortened from its start when the mark would come too late on the line, and the end is
    cut with an ellipsis. Each piece is measured once (measuring is most of the cost)."""

    def measure(piece: Piece) -> int:
        return (bold if piece.part is Part.MARK else plain).horizontalAdvance(piece.text)

    if pieces and pieces[0].part is Part.WHERE:
        limit = int(width * WHERE_AT_MOST)
        if measure(pieces[0]) > limit:
            place = pieces[0].text.removesuffix(": ")
            room = max(limit - plain.horizontalAdvance(": "), 0)
            cut = plain.elidedText(place, Qt.TextElideMode.ElideRight, room)
            pieces = [Piece(f"{cut}: ", Part.WHERE), *pieces[1:]]

    measured = [(piece, measure(piece)) for piece in pieces]
    marks = [i for i, piece in enumerate(pieces) if piece.part is Part.MARK]
    if marks:
        first = marks[0]
        lead = sum(advance for _, advance in measured[: first + 1])
        limit = int(width * FIRST_MATCH_BY)
        if lead > limit and first > 0 and pieces[first - 1].part is Part.TEXT:
            other = lead - measured[first - 1][1]
            room = max(limit - other - plain.horizontalAdvance(ELLIPSIS), 0)
            shortened = Piece(
                ELLIPSIS + _tail_within(pieces[first - 1].text, room, plain), Part.TEXT
            )
            measured[first - 1] = (shortened, measure(shortened))
    fitted: list[tuple[Piece, int]] = []
    used = 0
    for piece, advance in measured:
        if used + advance <= width:
            fitted.append((piece, advance))
            used += advance
            continue
        metrics = bold if piece.part is Part.MARK else plain
        cut = metrics.elidedText(piece.text, Qt.TextElideMode.ElideRight, max(width - used, 0))
        if cut:
            fitted.append((Piece(cut, piece.part), metrics.horizontalAdvance(cut)))
        break
    return fitted


def _tail_within(text: str, room: int, metrics: QFontMetrics) -> str:
    """The longest end of `text` that fits in `room`, starting at a word."""
    # A longer end is never narrower, so the first start that fits is found by halving.
    low, high = 0, len(text)  # text[high:] fits; text[:low] is known not to be needed
    while low < high:
        middle = (low + high) // 2
        if metrics.horizontalAdvance(text[middle:]) <= room:
            high = middle
        else:
            low = middle + 1
    start = high
    tail = text[start:]
    if start > 0 and text[start - 1] != " " and " " in tail:
        tail = tail[tail.index(" ") + 1 :]  # begin at a whole word
    return tail


class SnippetDelegate(QStyledItemDelegate):
    """Paints the list's cells, and while searching the snippet lines under each hit.

    A result page repaints about a hundred cells each time (every cell a snippet line
    crosses), so the cells are drawn here rather than by the base class, which asks the
    model for a dozen roles per cell through Python and lays the text out again each time:
    a cell's text comes straight from the model's `cell_text(row, column)`, its elided form
    and every snippet line's laid-out pieces are kept (by text and width), and the font
    metrics are made once per font. A model without `cell_text` is painted by the base class.
    """

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        # Each cell a snippet line crosses paints its part of the line: lay each line out once.
        # Text is drawn as QStaticText, laid out once: drawText shapes its text on every call.
        self._laid_out: dict[tuple[Snippet, int], list[tuple[Piece, int, QStaticText]]] = {}
        self._elided: dict[tuple[str, int], QStaticText] = {}
        self._font = QFont()
        self._set_font(view.font())

    def _set_font(self, font: QFont) -> None:
        """Metrics and line heights for `font` (kept: made once, not per cell)."""
        self._font = QFont(font)
        self._bold = QFont(font)
        self._bold.setBold(True)
        self._plain_metrics = QFontMetrics(self._font)
        self._bold_metrics = QFontMetrics(self._bold)
        height = self._plain_metrics.height()
        self._line_height = height + 3
        self._first_line_height = height + 2 * MARGIN
        self._laid_out.clear()
        self._elided.clear()

    def _use_font(self, font: QFont) -> None:
        if font != self._font:
            self._set_font(font)

    def _layout(self, snippet: Snippet, width: int) -> list[tuple[Piece, int, QStaticText]]:
        key = (snippet, width)
        found = self._laid_out.get(key)
        if found is None:
            plain, bold = self._plain_metrics, self._bold_metrics
            found = [
                (piece, advance, self._static(piece.text, piece.part is Part.MARK))
                for piece, advance in fit_pieces(snippet_pieces(snippet), width, plain, bold)
            ]
            if len(self._laid_out) >= LAYOUTS_KEPT:
                self._laid_out.clear()  # what is on screen is laid out again at the next paint
            self._laid_out[key] = found
        return found

    def _static(self, text: str, bold: bool) -> QStaticText:
        static = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
        # The line's direction, not each piece's own: a piece that starts with a right-to-left
        # mark was laid out as a right-to-left paragraph, its words and brackets turned about
        # ("Ranker…)served stale", found by QA), though it is one run of a left-to-right line.
        option = QTextOption()
        option.setTextDirection(self.view.layoutDirection())
        static.setTextOption(option)
        static.prepare(QTransform(), self._bold if bold else self._font)
        return static

    def _elide(self, text: str, width: int) -> QStaticText:
        key = (text, width)
        found = self._elided.get(key)
        if found is None:
            elided = self._plain_metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            found = self._static(elided, False)
            if len(self._elided) >= ELIDED_KEPT:
                self._elided.clear()
            self._elided[key] = found
        return found

    # Geometry, shared by painting and by finding the line under the mouse

    def line_height(self) -> int:
        """The height of one snippet line."""
        self._use_font(self.view.font())
        return self._line_height

    def first_line_height(self) -> int:
        """The height of a hit's own line (its cells' text)."""
        self._use_font(self.view.font())
        return self._first_line_height

    def row_height(self, with_snippets: bool) -> int:
        """How tall a row is: one line, or one line and the snippet lines."""
        if not with_snippets:
            return self.first_line_height()
        return self.first_line_height() + SNIPPET_LINES * self.line_height() + MARGIN

    def line_at(self, cell: QRect, y: int) -> int:
        """Which line of the row in `cell` the height `y` is on: 0 for the hit's own line,
        1 for its first snippet, and so on."""
        below = y - cell.top() - self.first_line_height()
        if below < 0:
            return 0
        return min(1 + below // self.line_height(), SNIPPET_LINES)

    # Painting

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        model: Any = index.model()  # the incident list's model has cell_text
        cell_text = getattr(model, "cell_text", None)
        if cell_text is None:
            super().paint(painter, option, index)
            snippets = index.data(SNIPPETS_ROLE)
            self._use_font(option.font)  # type: ignore[attr-defined]
        else:
            self._use_font(option.font)  # type: ignore[attr-defined]
            row = index.row()
            with_snippets = bool(model.with_snippets)
            self._paint_cell(painter, option, cell_text(row, index.column()), with_snippets)
            snippets = model.snippets(row) if with_snippets else ()
        if snippets:
            self._paint_snippets(painter, option, snippets)

    def _paint_cell(
        self, painter: QPainter, option: QStyleOptionViewItem, text: str, top: bool
    ) -> None:
        """The cell as the style draws an item: its selection, its text (elided), its focus."""
        style = self.view.style()
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, self.view
        )
        state = option.state  # type: ignore[attr-defined]
        palette = option.palette  # type: ignore[attr-defined]
        rect = QRect(option.rect)  # type: ignore[attr-defined]
        selected = bool(state & QStyle.StateFlag.State_Selected)
        group = _colour_group(state)
        if text:
            margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.view)
            area = rect.adjusted(margin + 1, 0, -margin - 1, 0)
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            painter.setPen(palette.color(group, role))
            painter.setFont(self._font)
            if not top:
                # Centred as the style centres an item's text (whole pixels, rounded down).
                height = self._plain_metrics.height()
                area.setTop(area.top() + (area.height() - height) // 2)
            painter.drawStaticText(area.topLeft(), self._elide(text, area.width()))
        if state & QStyle.StateFlag.State_HasFocus:
            focus = QStyleOptionFocusRect()
            focus.initFrom(self.view)
            focus.rect = rect
            focus.state = (
                state | QStyle.StateFlag.State_KeyboardFocusChange | QStyle.StateFlag.State_Item
            )
            background = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Window
            focus.backgroundColor = palette.color(group, background)
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_FrameFocusRect, focus, painter, self.view
            )

    def _paint_snippets(
        self, painter: QPainter, option: QStyleOptionViewItem, snippets: Sequence[Snippet]
    ) -> None:
        cell = QRect(option.rect)  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        palette = option.palette  # type: ignore[attr-defined]
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        where_colour = text_colour if selected else WHERE_TEXT
        plain_font, bold_font, plain = self._font, self._bold, self._plain_metrics
        # The snippet lines run from the Title column's left edge to the viewport's right.
        left = self.view.horizontalHeader().sectionViewportPosition(ListColumn.TITLE) + MARGIN
        right = self.view.viewport().width() - MARGIN
        width = max(right - left, 0)
        painter.save()
        try:
            for line, snippet in enumerate(snippets[:SNIPPET_LINES], start=1):
                top = cell.top() + self._first_line_height + (line - 1) * self._line_height
                rect = QRect(left, top, width, self._line_height)
                visible = rect.intersected(cell)
                if visible.isEmpty():
                    continue
                painter.setClipRect(visible)
                x = left
                baseline = top + (self._line_height + plain.ascent() - plain.descent()) // 2
                for piece, advance, static in self._layout(snippet, width):
                    # Each cell the line crosses draws only the pieces that reach into it.
                    if x > visible.right():
                        break
                    if x + advance < visible.left():
                        x += advance
                        continue
                    marked = piece.part is Part.MARK
                    if marked:
                        painter.fillRect(
                            QRect(x - 1, top + 1, advance + 2, self._line_height - 2),
                            MARK_BACKGROUND,
                        )
                    painter.setFont(bold_font if marked else plain_font)
                    if marked:
                        painter.setPen(MARK_TEXT)
                    else:
                        painter.setPen(where_colour if piece.part is Part.WHERE else text_colour)
                    ascent = (self._bold_metrics if marked else plain).ascent()
                    painter.drawStaticText(x, baseline - ascent, static)
                    x += advance
        finally:
            painter.restore()


def _colour_group(state: QStyle.StateFlag) -> QPalette.ColorGroup:
    """The palette group the style paints an item of `state` with."""
    if not state & QStyle.StateFlag.State_Enabled:
        return QPalette.ColorGroup.Disabled
    if state & QStyle.StateFlag.State_Active:
        return QPalette.ColorGroup.Normal
    return QPalette.ColorGroup.Inactive
