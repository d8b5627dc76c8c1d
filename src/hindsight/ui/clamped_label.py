"""A word-wrapped label that shows at most a few lines and cuts the rest short with "…".

The editor's heading shows the incident's title in a large font. In a narrow window (a small
screen at 2x scale) a long title wrapped to four or five lines and left the tab pages no room.
`ClampedLabel` keeps the label's text whole (`text()` is what was set) and draws only as many
lines as it may, the last one cut with "…"; the whole text is then its tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QResizeEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QWidget

from hindsight.ui.author_text import plain_tooltip

# Direction controls that stay open until closed: embeddings and overrides (closed by PDF,
# U+202C) and isolates (closed by PDI, U+2069).
_OPENS_EMBEDDING = frozenset("\u202a\u202b\u202d\u202e")
_OPENS_ISOLATE = frozenset("\u2066\u2067\u2068")


def _still_open(text: str, opened: list[str]) -> list[str]:
    """The direction controls open after `text`, given those `opened` before it."""
    stack = list(opened)
    for char in text:
        if char in _OPENS_EMBEDDING or char in _OPENS_ISOLATE:
            stack.append(char)
        elif char == "\u202c" and stack and stack[-1] in _OPENS_EMBEDDING:
            stack.pop()
        elif char == "\u2069":  # closes the last isolate and whatever opened inside it
            while stack and stack[-1] not in _OPENS_ISOLATE:
                stack.pop()
            if stack:
                stack.pop()
    return stack


def carried_over(lines: list[str]) -> list[str]:
    """The direction controls still open where each line starts (as text to put before it).

    Lines are drawn one by one: a line that starts inside a right-to-left override or
    embedding opened on an earlier one is drawn with those controls again, so the whole text
    reads the same way, not only its first line. A new paragraph starts with none open.
    """
    carried: list[str] = []
    opened: list[str] = []
    for line in lines:
        carried.append("".join(opened))
        opened = _still_open(line, opened) if line else []
    return carried


def wrapped_lines(text: str, font: QFont, width: int) -> list[str]:
    """`text` cut into the lines a word-wrapped label of `width` pixels shows."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        # Qt counts positions in UTF-16 units: a character beyond the first 65,536 is two.
        units = paragraph.encode("utf-16-le")
        layout = QTextLayout(paragraph, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(1, width))
            start, length = line.textStart(), line.textLength()
            piece = units[2 * start : 2 * (start + length)]
            lines.append(piece.decode("utf-16-le", errors="replace").rstrip())
        layout.endLayout()
        if not paragraph:
            lines.append("")
    return lines


class ClampedLabel(QLabel):
    """A plain-text, word-wrapped label of at most `max_lines` lines."""

    def __init__(self, max_lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_lines = max_lines
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._own_tip = ""  # the tooltip set from outside, shown when nothing is cut

    def setToolTip(self, tip: str) -> None:  # type: ignore[override]
        self._own_tip = tip
        super().setToolTip(tip)

    def _frame(self) -> tuple[int, int]:
        margins = self.contentsMargins()
        return (
            margins.left() + margins.right() + 2 * self.margin(),
            margins.top() + margins.bottom() + 2 * self.margin(),
        )

    def _cap(self) -> int:
        return self.max_lines * self.fontMetrics().lineSpacing() + self._frame()[1]

    def _wrapped(self, width: int | None = None) -> tuple[list[str], int]:
        """Every line of the text at `width` (the label's own by default), and the room for one."""
        inner = (self.width() if width is None else width) - self._frame()[0]
        return wrapped_lines(self.text(), self.font(), inner), inner

    def _shown(self, wrapped: list[str], inner: int) -> list[str]:
        if len(wrapped) <= self.max_lines:
            return wrapped
        carried = carried_over(wrapped)
        last = self.max_lines - 1
        kept = [before + line for before, line in zip(carried[:last], wrapped[:last], strict=True)]
        rest = carried[last] + " ".join(line for line in wrapped[last:] if line)
        elided = self.fontMetrics().elidedText(rest, Qt.TextElideMode.ElideRight, max(1, inner))
        return [*kept, elided]

    def lines(self, width: int | None = None) -> list[str]:
        """The lines shown at `width` (the label's own by default), the last one cut if need be."""
        return self._shown(*self._wrapped(width))

    def is_cut(self) -> bool:
        return len(self._wrapped()[0]) > self.max_lines

    def heightForWidth(self, width: int) -> int:
        return min(super().heightForWidth(width), self._cap())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), min(hint.height(), self._cap()))

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(hint.width(), min(hint.height(), self._cap()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tip()

    def setText(self, text: str) -> None:  # type: ignore[override]
        super().setText(text)
        self._update_tip()

    def _update_tip(self) -> None:
        tip = plain_tooltip(self.text()) if self.is_cut() else self._own_tip
        if self.toolTip() != tip:
            super().setToolTip(tip)

    def paintEvent(self, event: QPaintEvent) -> None:
        wrapped, inner = self._wrapped()
        if len(wrapped) <= self.max_lines:
            super().paintEvent(event)
            return
        self._paint_lines(self._shown(wrapped, inner), centred=True)

    def _paint_lines(self, lines: list[str], *, centred: bool) -> None:
        """Draw `lines` one under the other, left-aligned, from the top of the label or, when
        `centred`, in its middle."""
        painter = QPainter(self)
        painter.setFont(self.font())
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect().adjusted(
            self.margin(), self.margin(), -self.margin(), -self.margin()
        )
        spacing = self.fontMetrics().lineSpacing()
        top = rect.top()
        if centred:
            top += max(0, (rect.height() - spacing * len(lines)) // 2)
        align = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for number, line in enumerate(lines):
            box = QRect(rect.left(), top + number * spacing, rect.width(), spacing)
            painter.drawText(box, align, line)
        painter.end()
