"""HTML to PDF with QTextDocument and QPdfWriter: page size, page numbers, clean section starts.

The document's HTML (from the same templates as the HTML export, with target "pdf") is laid
out by QTextDocument page by page and painted into a QPdfWriter, with a footer naming the
incident and the page number. The document is laid out once, as one continuous column, and
cut into pages by pages(): never through a line, at every forced page break (a new part),
and never leaving a heading (or a table's header row) alone at the foot of a page. That keeps
the time linear in the length of the document, headings or not. A page that starts inside a
table has the table's header row drawn again at its top (pdf_tables.py), and holds that much
less. Each page draws only what reaches into it, so a row or a line just under the cut is
not written into the page above, hidden by the clip but found by a search or a copy.
Pictures are handed to the document as images under their data: URI, so nothing is fetched
and no QPixmap is needed (the export may run off the GUI thread). SVG pictures stay vector:
QSvgRenderer paints them into the PDF (text as text, lines as lines) through a text object
standing where the image was.
"""

from __future__ import annotations

import bisect
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QHashSeed,
    QIODevice,
    QMarginsF,
    QObject,
    QPointF,
    QRect,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
    QUuid,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QPyTextObject,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextTable,
)
from PySide6.QtSvg import QSvgRenderer

from hindsight import qt_imports  # noqa: F401  (PySide6, its import hook made cheap)
from hindsight.export.errors import ExportCancelled, ExportError
from hindsight.export.pdf_tables import (
    TableHead,
    frames,
    mark_header_rows,
    row_span,
    table_heads,
)
from hindsight.export.qt import ensure_gui_application
from hindsight.export.views import Picture

PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
RESOLUTION = 96  # layout units are CSS pixels; text stays vector, pictures keep their pixels
# The export's style sheet pads cells in points (`padding: 3pt 5pt`), which Qt's rich text does
# not read: a cell's text ran into the next one ("Impact start2026-02-27 10:00"). The PDF adds
# the sides in pixels, which it reads; rows keep the table's own padding above and below. A
# table of facts (a shaded name beside its value) is left as it was. The rule goes at the end
# of the document's first style sheet: in a style element of its own after it (one holding an
# @media block), Qt did not apply it.
_CELL_SIDES = "th, td { padding: 0px 3px; } table.facts th, table.facts td { padding: 0px; }"


def _cells_padded(html: str) -> str:
    """`html` with table cells padded at their sides, as the PDF's layout understands it."""
    end = html.find("</style>")
    if end >= 0:
        return html[:end] + _CELL_SIDES + "\n" + html[end:]
    return f"<style>{_CELL_SIDES}</style>" + html


MARGINS_MM = QMarginsF(18, 16, 18, 14)
FOOTER = 30  # pixels kept at the bottom of each page for the footer
# A heading needs room for itself and a few lines of what follows, or it moves on.
ROOM_AFTER_HEADING = 70
SVG = "image/svg+xml"
VECTOR_OBJECT = int(QTextFormat.ObjectTypes.UserObject.value) + 1  # a vector picture


class _VectorPictures(QPyTextObject):
    """Stands in the text for SVG pictures (by their data: URI) and paints them, vector."""

    def __init__(self, pictures: dict[str, tuple[QSvgRenderer, Picture]], parent: QObject):
        super().__init__(parent)
        self._pictures = pictures

    def intrinsicSize(self, _document: Any, _position: int, form: QTextFormat) -> QSizeF:
        image = form.toImageFormat()
        found = self._pictures.get(image.name())
        width, height = image.width(), image.height()
        if found is not None and (width <= 0 or height <= 0):
            width, height = found[1].width, found[1].height
        return QSizeF(max(width, 1.0), max(height, 1.0))

    def drawObject(
        self,
        painter: QPainter,
        rect: QRectF | QRect,
        _document: Any,
        _position: int,
        form: QTextFormat,
    ) -> None:
        found = self._pictures.get(form.toImageFormat().name())
        if found is not None:
            found[0].render(painter, QRectF(rect))


def _vector_pictures(document: QTextDocument, pictures: Sequence[Picture]) -> QObject | None:
    """Register the SVG pictures of the document as vector objects; None if it has none.

    Call before setHtml; then `_place_vectors` once the HTML is in. The handler returned
    must live as long as the document is laid out and painted.
    """
    vector = {p.data_uri: p for p in pictures if p.media_type == SVG}
    if not vector:
        return None
    blank = QImage(1, 1, QImage.Format.Format_ARGB32)
    blank.fill(Qt.GlobalColor.transparent)
    renderers = {}
    for uri, picture in vector.items():
        # A stand-in image, so the document never decodes the SVG as pixels itself.
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(uri), blank)
        renderers[uri] = (QSvgRenderer(QByteArray(picture.png)), picture)
    handler = _VectorPictures(renderers, document)
    document.documentLayout().registerHandler(VECTOR_OBJECT, handler)
    return handler


def _place_vectors(document: QTextDocument, names: set[str]) -> None:
    """Turn every image of the document named in `names` into a vector object."""
    found = []
    block = document.begin()
    while block.isValid():
        for part in block:  # type: ignore[attr-defined]  # PySide's block iterator
            fragment = part.fragment()
            form = fragment.charFormat()
            if form.isImageFormat() and form.toImageFormat().name() in names:
                found.append((fragment.position(), fragment.length(), form))
        block = block.next()
    cursor = QTextCursor(document)
    for position, length, form in found:
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        form.setObjectType(VECTOR_OBJECT)
        cursor.setCharFormat(form)


def content_width(page_size: str) -> int:
    """The width of the text area of a page, in layout pixels (for sizing pictures)."""
    layout = QPageLayout(
        QPageSize(PAGE_SIZES[page_size]),
        QPageLayout.Orientation.Portrait,
        MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )
    return layout.paintRectPixels(RESOLUTION).width()


@dataclass(frozen=True, slots=True)
class _Flow:
    """Where a continuous (unpaginated) layout may and may not be cut into pages."""

    height: float
    lines: list[tuple[float, float]]  # (top, bottom) of every line, sorted by top
    tops: list[float]  # the top of every line, in the same order
    tallest: float  # the tallest line, to bound searches
    page_height: float  # the height of a page's text area
    forced: list[float]  # positions where a page must start (page-break-before/after)
    headings: list[tuple[float, float]]  # (top, end of what must stay with the heading)
    heads: list[TableHead]  # header rows of tables, drawn again on the pages a table goes on


def _flow(document: QTextDocument, page_height: float) -> _Flow:
    """One pass over every block (table cells included) of the laid-out document."""
    layout = document.documentLayout()
    lines: list[tuple[float, float]] = []
    forced: list[float] = []
    headings: list[tuple[float, float]] = []
    waiting: list[int] = []  # headings whose following block is not seen yet
    always_before = QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore
    always_after = QTextFormat.PageBreakFlag.PageBreak_AlwaysAfter
    block = document.begin()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        policy = block.blockFormat().pageBreakPolicy()
        if policy & always_before:
            forced.append(rect.top())
        if policy & always_after:
            forced.append(rect.bottom())
        text_layout = block.layout()
        origin = rect.top() - text_layout.boundingRect().top()  # document coordinates
        for index in range(text_layout.lineCount()):
            line = text_layout.lineAt(index)
            lines.append((origin + line.y(), origin + line.y() + line.height()))
        if block.blockFormat().headingLevel() > 0:
            waiting.append(len(headings))
            headings.append((rect.top(), rect.bottom() + ROOM_AFTER_HEADING))
        elif waiting and rect.height() > 0:
            for number in waiting:
                top, end = headings[number]
                # A picture or a short paragraph right after a heading goes along whole.
                if rect.height() < page_height * 0.45:
                    end = max(end, rect.bottom())
                headings[number] = (top, end)
            waiting.clear()
        block = block.next()
    for frame in frames(document.rootFrame()):
        if isinstance(frame, QTextTable):
            lines.extend(_rows(frame, layout, page_height))
        policy = frame.frameFormat().pageBreakPolicy()
        if policy & always_before:
            forced.append(layout.frameBoundingRect(frame).top())
        if policy & always_after:
            forced.append(layout.frameBoundingRect(frame).bottom())
    lines.sort()
    forced = sorted({y for y in forced if y > 0})
    # What stays with a heading never reaches past a forced break: the heading before a new
    # part is not moved away from its own text to the part's page.
    capped = []
    for top, end in headings:
        after = bisect.bisect_right(forced, top)
        if after < len(forced):
            end = min(end, forced[after])
        capped.append((top, end))
    heads = table_heads(document)
    # A table's header row stays with its first row, as a heading with what follows it.
    capped.extend(
        (head.top, head.first_row_end)
        for head in heads
        if head.first_row_end - head.top < page_height / 3
    )
    capped.sort()
    tallest = max((bottom - top for top, bottom in lines), default=0.0)
    return _Flow(
        layout.documentSize().height(),
        lines,
        [top for top, _ in lines],
        tallest,
        page_height,
        forced,
        capped,
        heads,
    )


def _rows(
    table: QTextTable, layout: QAbstractTextDocumentLayout, page_height: float
) -> Iterator[tuple[float, float]]:
    """Table rows short enough to keep whole on one page, as (top, bottom)."""
    for row in range(table.rows()):
        top, bottom = row_span(table, row, layout)
        if top < bottom and bottom - top < page_height / 3:
            yield (top, bottom)


def _clear_of_lines(flow: _Flow, y: float, low: float = float("-inf")) -> float:
    """The highest position at or above `y` that cuts through no line.

    A line taller than a page (a big picture) is cut wherever it stands: when it begins above
    `low` (high on the page, under a heading, say) the page is filled with its start, rather
    than left with a heading alone at its top and the line moved on to be cut anyway.
    """
    tops = flow.tops
    moved = True
    while moved:
        moved = False
        index = bisect.bisect_left(tops, y)
        # Only lines starting less than the tallest line above `y` can reach across it.
        while index > 0 and flow.lines[index - 1][0] > y - flow.tallest - 1:
            index -= 1
            top, bottom = flow.lines[index]
            if top < y < bottom:
                if top < low and bottom - top > flow.page_height:
                    continue
                y, moved = top, True
                break
    return y


@dataclass(frozen=True, slots=True)
class Page:
    """One page: the band [top, bottom) of the continuous layout, in document pixels, and the
    header rows of the table it starts inside, drawn above that band (None: no table cut)."""

    top: float
    bottom: float
    head: TableHead | None = None

    @property
    def reserved(self) -> float:
        """The height the repeated header takes at the top of the page."""
        return 0.0 if self.head is None else self.head.height


def paginate(document: QTextDocument, page_height: float) -> list[tuple[float, float]]:
    """Cut a continuous layout into pages: (top, bottom) of each, in document pixels."""
    return [(page.top, page.bottom) for page in pages(document, page_height)]


def pages(document: QTextDocument, page_height: float) -> list[Page]:
    """Cut a continuous layout into pages.

    A page ends at a forced break, or as low as it can without cutting a line in two or
    leaving a heading (or a table's header row) at its foot without what follows. A page that
    starts inside a table under its header has that header drawn again at its top, and holds
    that much less of the layout. One pass: linear in the document.
    """
    flow = _flow(document, page_height)
    heading_tops = [top for top, _ in flow.headings]
    result: list[Page] = []
    heads = iter(flow.heads)  # sorted by the top of their first row under the header
    waiting = next(heads, None)
    open_heads: list[TableHead] = []  # tables whose rows under the header have begun
    start = 0.0
    while start < flow.height - 0.5:
        while waiting is not None and waiting.bottom <= start:
            open_heads.append(waiting)
            waiting = next(heads, None)
        open_heads = [head for head in open_heads if start < head.end]
        head = max(open_heads, key=lambda h: h.top, default=None)  # the innermost table
        if head is not None and head.height > page_height / 3:
            head = None
        limit = start + page_height - (0.0 if head is None else head.height)
        forced = bisect.bisect_right(flow.forced, start)
        if forced < len(flow.forced) and flow.forced[forced] <= limit:
            result.append(Page(start, flow.forced[forced], head))
            start = flow.forced[forced]
            continue
        if limit >= flow.height:
            result.append(Page(start, flow.height, head))
            break
        cut = _clear_of_lines(flow, limit, low=start + page_height / 3)
        # A heading whose following text would cross the cut moves to the next page.
        index = bisect.bisect_left(heading_tops, cut)
        while index > 0:
            index -= 1
            top, end = flow.headings[index]
            if top <= start:
                break
            if end > cut:
                cut = min(cut, top)
        if cut <= start + 1:  # a single line taller than a page: cut through it
            cut = limit
        result.append(Page(start, cut, head))
        start = cut
    return result or [Page(0.0, page_height)]


def render_pdf(
    html: str,
    *,
    title: str,
    footer: str,
    creator: str,
    page_size: str = "A4",
    pictures: Sequence[Picture] = (),
    fixed_time: datetime | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> bytes:
    """The PDF of `html` as bytes; ExportError when the page size is unknown.

    With `fixed_time` (SOURCE_DATE_EPOCH), the same input gives the same bytes in every run:
    the file's dates are that time, its document id is derived from the content, and fonts
    are written in a fixed order. `cancelled` is asked after the layout and between pages
    (ExportCancelled when it says yes).
    """
    if fixed_time is None:
        return _render_pdf(html, title, footer, creator, page_size, pictures, None, cancelled)
    # Qt writes the embedded fonts in the order of a hash table whose seed is random in
    # each process; a fixed seed while this document is made gives a fixed order.
    QHashSeed.setDeterministicGlobalSeed()
    try:
        data = _render_pdf(html, title, footer, creator, page_size, pictures, fixed_time, cancelled)
    finally:
        QHashSeed.resetRandomGlobalSeed()
    return _with_dates(data, fixed_time)


def _render_pdf(
    html: str,
    title: str,
    footer: str,
    creator: str,
    page_size: str,
    pictures: Sequence[Picture],
    fixed_time: datetime | None,
    cancelled: Callable[[], bool],
) -> bytes:
    if page_size not in PAGE_SIZES:
        choices = ", ".join(PAGE_SIZES)
        raise ExportError(f"Unknown page size {page_size!r}; use one of {choices}.")
    ensure_gui_application()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(PAGE_SIZES[page_size]),
            QPageLayout.Orientation.Portrait,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(title)
    writer.setCreator(creator)
    if fixed_time is not None:
        seed = f"{title}\n{footer}\n{fixed_time.isoformat()}\n{html}"
        writer.setDocumentId(QUuid(str(uuid.uuid5(uuid.NAMESPACE_URL, seed))))

    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDocumentMargin(0)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9.5)
    # No ligatures: text copied or searched in the PDF reads "fi", not one "ﬁ" glyph.
    font.setFeature(QFont.Tag("liga"), 0)
    document.setDefaultFont(font)
    vectors = _vector_pictures(document, pictures)
    for picture in pictures:
        if picture.media_type == SVG:
            continue
        kind = "JPG" if picture.media_type == "image/jpeg" else "PNG"
        image = QImage.fromData(picture.png, kind)  # type: ignore[arg-type]  # as above
        document.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl(picture.data_uri), image
        )
    document.setHtml(_cells_padded(mark_header_rows(html)))
    if vectors is not None:
        _place_vectors(document, {p.data_uri for p in pictures if p.media_type == SVG})

    area = writer.pageLayout().paintRectPixels(RESOLUTION)
    width, height = float(area.width()), float(area.height())
    body = height - FOOTER
    # One continuous layout, cut into pages by pages(): Qt's own pagination would have
    # to be redone after every heading moved, which grows with the square of the document.
    document.setTextWidth(width)
    cut = pages(document, body)
    if cancelled():
        raise ExportCancelled

    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError("The PDF could not be started (Qt refused the PDF writer).")
    try:
        for index, page in enumerate(cut):
            if cancelled():
                raise ExportCancelled
            if index:
                writer.newPage()
            if page.head is not None:
                # The header rows of the table this page continues, as on its first page.
                head = (page.head.top, page.head.bottom)
                _draw_band(painter, document, width, head, 0.0, inset=1.0)
            _draw_band(painter, document, width, (page.top, page.bottom), page.reserved, inset=1.0)
            _footer(painter, width, height, footer, f"Page {index + 1} of {len(cut)}")
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def _draw_band(
    painter: QPainter,
    document: QTextDocument,
    width: float,
    band: tuple[float, float],
    at: float,
    inset: float = 0.0,
) -> None:
    """Draw the band (top, bottom) of the continuous layout at `at` pixels down the page.

    With `inset`, the layout is asked to draw only what reaches that far inside the band: a
    row or a paragraph that only touches its edge is then not written into the page at all
    (the painter's clip would hide it, but its text would still be in the file, found by a
    search or a copy).
    """
    top, bottom = band
    painter.save()
    painter.translate(0, at - top)
    context = QAbstractTextDocumentLayout.PaintContext()
    painter.setClipRect(QRectF(0, top, width, bottom - top))
    context.clip = QRectF(0, top + inset, width, max(bottom - top - 2 * inset, 0.5))
    document.documentLayout().draw(painter, context)
    painter.restore()


def _footer(painter: QPainter, width: float, height: float, left: str, right: str) -> None:
    painter.save()
    painter.setPen(QPen(QColor("#c5ccd3"), 0.8))
    top = height - FOOTER + 10
    painter.drawLine(QPointF(0, top), QPointF(width, top))
    font = QFont("DejaVu Sans")
    font.setPointSizeF(7.5)
    font.setFeature(QFont.Tag("liga"), 0)
    painter.setFont(font)
    painter.setPen(QPen(QColor("#52606d")))
    box = QRectF(0, top + 4, width, FOOTER - 14)
    right_width = painter.fontMetrics().horizontalAdvance(right) + 8
    elided = painter.fontMetrics().elidedText(
        left, Qt.TextElideMode.ElideRight, int(width - right_width - 12)
    )
    painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), elided)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), right)
    painter.restore()


_INFO_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)(\d{14})(Z|[+-]\d\d'\d\d')")
_XMP_DATE = re.compile(
    rb'((?:CreateDate|ModifyDate|MetadataDate)=")(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(Z|[+-]\d\d:\d\d)'
)


def _zone(offset: bytes) -> timezone:
    if offset == b"Z":
        return UTC
    sign = -1 if offset[:1] == b"-" else 1
    hours, minutes = int(offset[1:3]), int(offset[4:6])  # +HH'MM' (or +HH:MM)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _with_dates(data: bytes, moment: datetime) -> bytes:
    """`data` with the creation and change dates Qt wrote (the time of writing) set to
    `moment`, in the same form and length, so that no byte offset in the file moves."""

    def info(match: re.Match[bytes]) -> bytes:
        local = moment.astimezone(_zone(match.group(3)))
        return match.group(1) + local.strftime("%Y%m%d%H%M%S").encode() + match.group(3)

    def xmp(match: re.Match[bytes]) -> bytes:
        local = moment.astimezone(_zone(match.group(3).replace(b":", b"'")))
        return match.group(1) + local.strftime("%Y-%m-%dT%H:%M:%S").encode() + match.group(3)

    fixed = _XMP_DATE.sub(xmp, _INFO_DATE.sub(info, data))
    if len(fixed) != len(data):  # a form of date this code does not know: keep Qt's file
        return data
    return fixed
