"""PDF table cells keep their text off the next cell's (Qt reads no `pt` in cell padding)."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtGui import QTextDocument, QTextFrame, QTextTable
from tests.export.conftest import FIXED_NOW

from hindsight.export import pdf
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.workspace import Workspace


def _tables(frame: QTextFrame) -> Iterator[QTextTable]:
    for child in frame.childFrames():
        if isinstance(child, QTextTable):
            yield child
        yield from _tables(child)


def _side_paddings(html: str) -> set[tuple[float, float]]:
    document = QTextDocument()
    document.setHtml(html)
    return {
        (cell.leftPadding(), cell.rightPadding())
        for table in _tables(document.rootFrame())
        for row in range(table.rows())
        for column in range(table.columns())
        for cell in [table.cellAt(row, column).format().toTableCellFormat()]
    }


def test_every_cell_of_a_review_is_padded_at_its_sides_in_the_pdf(demo_workspace: Workspace):
    # QA: "Impact start2026-02-27 10:00" — the milestone table's cells ran together.
    html = (
        ExportService(demo_workspace, clock=lambda: FIXED_NOW)
        .render(1, ExportRequest(Format.HTML))
        .data.decode("utf-8")
    )
    assert _side_paddings(html) == {(0.0, 0.0)}  # as the export's own style sheet is read
    # Every data table's cells; a table of facts (shaded names beside values) as it was.
    assert _side_paddings(pdf._cells_padded(html)) == {(3.0, 3.0), (0.0, 0.0)}
    document = QTextDocument()
    document.setHtml(pdf._cells_padded(html))
    for table in _tables(document.rootFrame()):
        padded = table.cellAt(0, 0).format().toTableCellFormat().leftPadding() == 3.0
        facts = table.columns() == 2 and table.cellAt(0, 0).firstCursorPosition().block().text()
        assert padded or facts, "a data table left unpadded"
    # The HTML export itself is left as it is, for browsers (3pt 5pt there).
    assert "padding: 3pt 5pt" in html and "padding: 0px 3px" not in html
