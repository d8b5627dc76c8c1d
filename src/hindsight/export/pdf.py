"""HTML to PDF with QTextDocument and QPdfWriter: page size, page numbers, clean section starts.

The document's HTML (from the same templates as the HTML export, with target "pdf") is laid
out by QTextDocument page by page and painted into a QPdfWriter, with a footer naming the
incident and the page number. Headings never sit alone at the bottom of a page: a heading
too close to the end of a page moves to the next one. Pictures are handed to the document as
images under their data: URI, so nothing is fetched and no QPixmap is needed (the export may
run off the GUI thread).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
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
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
)

from hindsight.export.errors import ExportError
from hindsight.export.qt import ensure_gui_application
from hindsight.export.views import Picture

PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
RESOLUTION = 96  # layout units are CSS pixels; text stays vector, pictures keep their pixels
MARGINS_MM = QMarginsF(18, 16, 18, 14)
FOOTER = 30  # pixels kept at the bottom of each page for the footer
# A heading needs room for itself and a few lines of what follows, or it moves on.
ROOM_AFTER_HEADING = 70


def content_width(page_size: str) -> int:
    """The width of the text area of a page, in layout pixels (for sizing pictures)."""
    layout = QPageLayout(
        QPageSize(PAGE_SIZES[page_size]),
        QPageLayout.Orientation.Portrait,
        MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )
    return layout.paintRectPixels(RESOLUTION).width()


def _first_stranded_heading(document: QTextDocument, page_height: float) -> QTextBlock | None:
    layout = document.documentLayout()
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0:
            rect = layout.blockBoundingRect(block)
            page = int(rect.top() // page_height)
            offset = rect.top() - page * page_height
            end = rect.bottom()
            follower = block.next()
            while follower.isValid() and end - rect.bottom() < ROOM_AFTER_HEADING:
                if follower.blockFormat().headingLevel() == 0:
                    following = layout.blockBoundingRect(follower)
                    whole = following.height() < page_height * 0.45
                    end = following.bottom() if whole else rect.bottom() + ROOM_AFTER_HEADING
                follower = follower.next()
            if offset > 1 and end > (page + 1) * page_height:
                return block
        block = block.next()
    return None


def _keep_headings_with_text(document: QTextDocument, page_height: float) -> None:
    """Move a heading to the next page when what follows it would not start on its page.

    "What follows" is the next blocks up to ROOM_AFTER_HEADING pixels of them, or the whole
    of a picture or short paragraph that comes first, so a heading never ends a page alone.
    One heading is moved at a time, then the whole document is laid out again: Qt's
    incremental relayout after a format change leaves later blocks unplaced.
    """
    for _ in range(500):  # each pass moves one heading forward; the bound is only a guard
        block = _first_stranded_heading(document, page_height)
        if block is None:
            return
        fmt = QTextBlockFormat()
        fmt.setPageBreakPolicy(QTextBlockFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        QTextCursor(block).mergeBlockFormat(fmt)
        document.markContentsDirty(0, document.characterCount())


def render_pdf(
    html: str,
    *,
    title: str,
    footer: str,
    creator: str,
    page_size: str = "A4",
    pictures: Sequence[Picture] = (),
) -> bytes:
    """The PDF of `html` as bytes; ExportError when the page size is unknown."""
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

    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDocumentMargin(0)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9.5)
    # No ligatures: text copied or searched in the PDF reads "fi", not one "ﬁ" glyph.
    font.setFeature(QFont.Tag("liga"), 0)
    document.setDefaultFont(font)
    for picture in pictures:
        image = QImage.fromData(picture.png, "PNG")  # type: ignore[arg-type]  # as above
        document.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl(picture.data_uri), image
        )
    document.setHtml(html)

    area = writer.pageLayout().paintRectPixels(RESOLUTION)
    width, height = float(area.width()), float(area.height())
    body = height - FOOTER
    document.setPageSize(QSizeF(width, body))
    _keep_headings_with_text(document, body)
    pages = document.pageCount()

    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError("The PDF could not be started (Qt refused the PDF writer).")
    try:
        for index in range(pages):
            if index:
                writer.newPage()
            painter.save()
            painter.translate(0, -index * body)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, index * body, width, body)
            painter.setClipRect(context.clip)
            document.documentLayout().draw(painter, context)
            painter.restore()
            _footer(painter, width, height, footer, f"Page {index + 1} of {pages}")
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


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
