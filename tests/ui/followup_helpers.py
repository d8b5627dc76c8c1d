"""Driving the follow-up views in tests: waiting for the runner, finding cards, dragging."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from hindsight.core.followups import FollowUp
from hindsight.ui.followups.board import FollowUpBoard
from hindsight.ui.operations import Operations


def settle(qtbot, ops: Operations, *boards: FollowUpBoard, timeout: int = 10000) -> None:
    """Wait until every call asked of the runner is done and the boards show their items."""

    def done() -> bool:
        return not ops.busy and all(board.loaded for board in boards)

    qtbot.waitUntil(done, timeout=timeout)
    QApplication.processEvents()  # a result may have asked for more (items coming into view)
    qtbot.waitUntil(done, timeout=timeout)


@contextmanager
def lane_held(ops: Operations) -> Iterator[None]:
    """Keep the database lane busy: calls asked meanwhile wait until the block ends."""
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        release.wait(10)

    ops.submit(hold)
    started.wait(5)
    try:
        yield
    finally:
        release.set()


def stored_cell(path: Path, item_id: int) -> tuple[int, int]:
    """(value, feasibility) as saved in the database file, read past the app."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT value, feasibility FROM followups WHERE id = ?", (item_id,)
        ).fetchone()
    finally:
        connection.close()


def shown_items(board: FollowUpBoard) -> list[FollowUp]:
    """The items the board lists, in ranked order (those it has read)."""
    found = (board.item(item_id) for item_id in board.ranked_ids())
    return [item for item in found if item is not None]


def item_titled(board: FollowUpBoard, title: str) -> FollowUp:
    """The listed item called `title`."""
    return next(item for item in shown_items(board) if item.title == title)


def titles(board: FollowUpBoard) -> list[str]:
    """The ranked list as the user reads it, top to bottom."""
    model = board.model
    return [model.index(row, 1).data() for row in range(model.rowCount())]


def show_whole_grid(view) -> None:
    """Zoom the grid view out until the whole grid is in view."""
    rect = view.scene().sceneRect()
    viewport = view.viewport()
    view.set_zoom(min(viewport.width() / rect.width(), viewport.height() / rect.height()) * 0.97)
    view.centerOn(rect.center())
    QApplication.processEvents()


def card_center(board: FollowUpBoard, item_id: int) -> QPoint:
    """Where the card of `item_id` is in the view's viewport."""
    return board.view.mapFromScene(board.scene.cards[item_id].sceneBoundingRect().center())


def card_cell(board: FollowUpBoard, item_id: int) -> tuple[int, int] | None:
    """The cell the card of `item_id` is drawn in."""
    rect = board.scene.cards[item_id].sceneBoundingRect()
    return board.scene.layout.cell_at(rect.center().x(), rect.center().y())


def drag(qtbot, view, start: QPoint, end: QPoint, steps: int = 8) -> None:
    """Press, move in steps and release the left button, as a hand would."""
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, steps + 1):
        point = QPoint(
            start.x() + (end.x() - start.x()) * step // steps,
            start.y() + (end.y() - start.y()) * step // steps,
        )
        qtbot.mouseMove(viewport, point)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
