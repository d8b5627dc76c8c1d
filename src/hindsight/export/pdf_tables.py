"""Tables in the PDF: rows kept whole, and header rows drawn again where a page cuts a table.

A table's header is its `<thead>` (Markdown tables written by authors have one) or, in the
templates' tables, a first row of `<th>` cells only: `mark_header_rows` puts such a row in a
`<thead>` before the document is laid out, so Qt records it as the table's header row count.
That changes nothing in the continuous layout; `table_heads` then says, for each table with a
header and rows under it, which band of the layout to draw again at the top of a page that
starts inside the table (see pdf.paginate and pdf.render_pdf).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtGui import QAbstractTextDocumentLayout, QTextDocument, QTextFrame, QTextTable

from hindsight import qt_imports  # noqa: F401  (PySide6, its import hook made cheap)

# A table's first row when every cell of it is a <th> (no nested table, row or cell inside).
_HEADER_ROW = re.compile(
    r"(<table\b[^>]*>\s*)"
    r"(<tr\b[^>]*>\s*(?:<th\b[^>]*>(?:(?!</?(?:table|thead|tbody|tr|td|th)\b).)*</th>\s*)+</tr>)",
    re.IGNORECASE | re.DOTALL,
)


def mark_header_rows(html: str) -> str:
    """`html` with the first row of each table put in a `<thead>` when it holds only `<th>`."""
    return _HEADER_ROW.sub(r"\1<thead>\2</thead>", html)


@dataclass(frozen=True, slots=True)
class TableHead:
    """Where a table's header rows are in the continuous layout, and how far the table goes."""

    top: float  # the top of the table (its border included)
    bottom: float  # the top of its first row under the header: [top, bottom) is drawn again
    first_row_end: float  # the bottom of that first row (kept with the header)
    end: float  # the bottom of its last row: a page starting there shows no header

    @property
    def height(self) -> float:
        return self.bottom - self.top


def row_span(
    table: QTextTable, row: int, layout: QAbstractTextDocumentLayout
) -> tuple[float, float]:
    """(top, bottom) of one row of `table`, as the layout reports its cells' blocks."""
    top, bottom = float("inf"), float("-inf")
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        if not cell.isValid():
            continue
        first = layout.blockBoundingRect(cell.firstCursorPosition().block())
        last = layout.blockBoundingRect(cell.lastCursorPosition().block())
        top, bottom = min(top, first.top()), max(bottom, last.bottom())
    return top, bottom


def frames(frame: QTextFrame) -> Iterator[QTextFrame]:
    """Every frame inside `frame` (tables included), outer ones first."""
    for child in frame.childFrames():
        yield child
        yield from frames(child)


def table_head(table: QTextTable, layout: QAbstractTextDocumentLayout) -> TableHead | None:
    """The header band of `table`; None when it has no header row or no row under it."""
    count = table.format().headerRowCount()
    if count <= 0 or count >= table.rows():
        return None
    # A cell spanning the header and the body would be drawn half: no repetition then.
    for column in range(table.columns()):
        cell = table.cellAt(count, column)
        if cell.isValid() and cell.row() < count:
            return None
    body_top, first_end = row_span(table, count, layout)
    _, end = row_span(table, table.rows() - 1, layout)
    top = min(layout.frameBoundingRect(table).top(), row_span(table, 0, layout)[0])
    if not top < body_top < first_end <= end:
        return None
    return TableHead(top, body_top, first_end, end)


def table_heads(document: QTextDocument) -> list[TableHead]:
    """The header band of every table of `document` that has one, sorted by where it starts."""
    layout = document.documentLayout()
    heads = [
        head
        for frame in frames(document.rootFrame())
        if isinstance(frame, QTextTable) and (head := table_head(frame, layout)) is not None
    ]
    return sorted(heads, key=lambda head: head.bottom)
