"""How the incident list paints: its cells as the style would, snippet lines with their
marked words, a new answer in one paint, and the snippet line's fitting."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QFont, QFontMetrics, QImage
from PySide6.QtWidgets import QApplication, QStyledItemDelegate

from hindsight.core.listing import ListColumn
from hindsight.core.search_results import Area, Location, Snippet
from hindsight.services.workspace import Workspace
from hindsight.ui.search.snippets import (
    ELLIPSIS,
    FIRST_MATCH_BY,
    MARK_BACKGROUND,
    Part,
    _tail_within,
    fit_pieces,
    snippet_pieces,
)
from search_world import build

from .conftest import settle


@pytest.fixture
def world_db(db_path: Path) -> Path:
    workspace = Workspace.open(db_path)
    try:
        build(workspace)
    finally:
        workspace.close()
    return db_path


def _idle() -> None:
    # Zero timers and posted updates run; nothing here waits on time.
    for _ in range(5):
        QApplication.processEvents()


def _viewport_image(pane) -> QImage:
    _idle()
    return pane.table.viewport().grab().toImage()


def test_the_list_paints_its_cells_as_the_style_paints_items(make_window, world_db, qtbot):
    window = make_window(world_db)
    pane = window.list_pane
    pane.table.setFocus()  # the current cell then has a focus frame
    pane.table.selectRow(1)
    qtbot.waitUntil(pane.table.hasFocus)
    ours = _viewport_image(pane)
    # The same rows painted by Qt's own item delegate: the delegate's own drawing of a cell
    # (text from the model, elided, selection) must look exactly the same.
    pane.table.setItemDelegate(QStyledItemDelegate(pane.table))
    try:
        theirs = _viewport_image(pane)
    finally:
        pane.table.setItemDelegate(pane.delegate)
    assert ours.size() == theirs.size()
    assert ours == theirs


def test_a_hit_paints_its_snippet_lines_with_the_words_marked(make_window, world_db, qtbot):
    window = make_window(world_db)
    pane = window.list_pane
    qtbot.keyClicks(pane.search, "zebrafish")
    settle(qtbot, window)
    image = _viewport_image(pane)
    cell = pane.table.visualRect(pane.model.index(0, ListColumn.TITLE))
    delegate = pane.delegate
    top = cell.top() + delegate.first_line_height()
    line = QRect(0, top, image.width(), delegate.line_height())
    marked = {
        (x, y)
        for y in range(line.top(), line.bottom())
        for x in range(line.left(), line.right())
        if image.pixelColor(x, y) == MARK_BACKGROUND
    }
    assert marked, "the first snippet line marks the word found"
    # The mark is under the snippet line, right of the Title column's edge.
    title_left = pane.table.horizontalHeader().sectionViewportPosition(ListColumn.TITLE)
    assert min(x for x, _ in marked) > title_left
    above = QRect(0, cell.top(), image.width(), delegate.first_line_height() - 2)
    assert not any(
        image.pixelColor(x, y) == MARK_BACKGROUND
        for y in range(above.top(), above.bottom())
        for x in range(above.left(), above.right(), 3)
    )


def test_a_new_answer_is_painted_once(make_window, world_db, qtbot):
    window = make_window(world_db)
    pane = window.list_pane
    paints: list[int] = []

    class Counter(QObject):
        def eventFilter(self, _watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                paints.append(pane.model.rowCount())
            return False

    counter = Counter()
    pane.model.modelReset.connect(paints.clear)
    pane.table.viewport().installEventFilter(counter)
    try:
        pane.search.setText("zebrafish")
        settle(qtbot, window)
        _idle()
    finally:
        pane.table.viewport().removeEventFilter(counter)
    assert paints == [pane.model.rowCount()]


# -- fitting a snippet line ---------------------------------------------------------------


def _linear_tail(text: str, room: int, metrics: QFontMetrics) -> str:
    """The longest end of `text` within `room`, found a character at a time."""
    start = len(text)
    while start > 0 and metrics.horizontalAdvance(text[start - 1 :]) <= room:
        start -= 1
    tail = text[start:]
    if start > 0 and text[start - 1] != " " and " " in tail:
        tail = tail[tail.index(" ") + 1 :]
    return tail


def test_the_lead_of_a_snippet_is_cut_where_a_character_at_a_time_would(qapp):
    metrics = QFontMetrics(QFont())
    rng = random.Random(3)
    words = ["model", "drift", "é", "W", "iii", "feature-store", "x", "nightly", "rollback"]
    for _ in range(200):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 25)))
        room = rng.randint(0, metrics.horizontalAdvance(text) + 20)
        assert _tail_within(text, room, metrics) == _linear_tail(text, room, metrics)


def test_a_snippet_line_shows_its_first_mark_and_fits_its_width(qapp):
    plain = QFontMetrics(QFont())
    bold_font = QFont()
    bold_font.setBold(True)
    bold = QFontMetrics(bold_font)
    text = "a long account of what happened first " * 8 + "then the tokenizer changed"
    start = text.index("tokenizer")
    location = Location(Area.TIMELINE, "text", 1)
    snippet = Snippet(location, text, ((start, start + len("tokenizer")),), ("Timeline", "09:12"))
    width = 400
    fitted = fit_pieces(snippet_pieces(snippet), width, plain, bold)
    assert sum(advance for _, advance in fitted) <= width
    for piece, advance in fitted:
        metrics = bold if piece.part is Part.MARK else plain
        assert advance == metrics.horizontalAdvance(piece.text)
    parts = [piece.part for piece, _ in fitted]
    first_mark = parts.index(Part.MARK)
    assert fitted[first_mark][0].text == "tokenizer"
    assert fitted[first_mark - 1][0].text.startswith(ELLIPSIS)
    assert sum(advance for _, advance in fitted[: first_mark + 1]) <= width * FIRST_MATCH_BY + 1


def test_a_snippet_piece_is_laid_out_in_the_lines_direction_whatever_marks_it_holds(qtbot):
    # QA: a title with a right-to-left mark after the matched word showed "Ranker…)served":
    # the piece after the mark, starting with U+200F, was laid out as a right-to-left
    # paragraph. Each piece is one run of the line, laid out left to right.
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QColor, QPainter
    from PySide6.QtWidgets import QTableView

    from hindsight.ui.search.snippets import SnippetDelegate

    view = QTableView()
    qtbot.addWidget(view)
    delegate = SnippetDelegate(view)
    static = delegate._static("\u200f (served stale) embeddings", False)
    assert static.textOption().textDirection() == Qt.LayoutDirection.LeftToRight

    def first_ink(image: QImage) -> int:
        return min(
            (x for x in range(image.width()) for y in range(image.height())
             if QColor(image.pixel(x, y)).lightness() < 128),
            default=image.width(),
        )  # fmt: skip

    drawn = QImage(400, 30, QImage.Format.Format_RGB32)
    drawn.fill(QColor("white"))
    painter = QPainter(drawn)
    painter.setFont(delegate._font)
    painter.drawStaticText(QPointF(0, 5), static)
    painter.end()
    plain = QImage(drawn.size(), QImage.Format.Format_RGB32)
    plain.fill(QColor("white"))
    painter = QPainter(plain)
    painter.setFont(delegate._font)
    painter.drawStaticText(QPointF(0, 5), delegate._static(" (served stale) embeddings", False))
    painter.end()
    assert first_ink(drawn) == first_ink(plain)  # the bracket first, as without the mark
