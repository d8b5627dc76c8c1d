"""The follow-up grid in the incident editor, driven with real mouse and keyboard events."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from hindsight.core.followups import FollowUp, FollowUpStatus, Priority
from hindsight.export.grid.geometry import CARD_H
from hindsight.services.followups import FollowUpService
from hindsight.ui.followups.details_dialog import FollowUpDialog
from hindsight.ui.qt_helpers import select_data

from .conftest import new_incident, open_incident

TODAY = date(2026, 11, 26)
RUNBOOK = "Runbook for rolling back every partner model at once"  # HS-2, value 2, feasibility 5


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The attention rules and new items see the same day whenever the tests run."""
    monkeypatch.setattr(FollowUpService, "today", lambda self: TODAY)
    return TODAY


def stored_cell(path: Path, item_id: int) -> tuple[int, int]:
    """(value, feasibility) as saved in the database file, read past the app."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT value, feasibility FROM followups WHERE id = ?", (item_id,)
        ).fetchone()
    finally:
        connection.close()


def open_tab(window, incident_id: int = 2):
    open_incident(None, window, incident_id)
    editor = window.editor
    editor.tabs.setCurrentWidget(editor.followups)
    board = editor.followups.board
    show_whole_grid(board.view)
    return board


def show_whole_grid(view) -> None:
    rect = view.scene().sceneRect()
    viewport = view.viewport()
    view.set_zoom(min(viewport.width() / rect.width(), viewport.height() / rect.height()) * 0.97)
    view.centerOn(rect.center())
    QApplication.processEvents()


def item_titled(board, title: str) -> FollowUp:
    return next(item for item in board.items if item.title == title)


def card_center(board, item_id: int) -> QPoint:
    return board.view.mapFromScene(board.scene.cards[item_id].sceneBoundingRect().center())


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


def test_tab_shows_the_incidents_items_on_the_grid_and_ranked(make_window, demo_db) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    assert {item.incident_key for item in board.items} == {"HS-2"}
    assert len(board.scene.cards) == 7
    # The ranked list follows the rule: tactical work first, strategic items apart, closed last.
    labels = [board.model.entry(row).label for row in range(board.model.rowCount())]
    assert labels == ["1", "2", "S1", "S2", "", "", ""]
    assert board.model.entry(0).item.title.startswith("Refuse to publish")
    tab = window.editor.followups
    assert "need attention" in tab.summary.text()
    assert window.editor.tabs.tabText(window.editor.tabs.indexOf(tab)) == "Follo&w-ups"


def test_dragging_a_card_saves_its_new_cell(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    item = item_titled(board, RUNBOOK)
    assert item.cell == (2, 5) and board.regions.at(*item.cell).name == "Fill-ins"

    drag(qtbot, board.view, card_center(board, item.id), board.view.map_cell_center(4, 3))

    assert stored_cell(demo_db, item.id) == (4, 3)
    assert board.item(item.id).cell == (4, 3)
    # The card sits in its new cell, and the list moved it into Do first.
    card_rect = board.scene.cards[item.id].sceneBoundingRect()
    assert board.scene.layout.cell_rect(4, 3).contains(*_center(card_rect))
    row = board.model.row_of(item.id)
    assert board.model.entry(row).region.name == "Do first"
    assert board.selected_id() == item.id


def _center(rect) -> tuple[float, float]:
    return rect.center().x(), rect.center().y()


def test_undo_and_redo_a_drag(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    item = item_titled(board, RUNBOOK)
    drag(qtbot, board.view, card_center(board, item.id), board.view.map_cell_center(5, 4))
    assert stored_cell(demo_db, item.id) == (5, 4)
    assert window.undo_action.isEnabled()
    assert "Move" in window.undo_action.text()

    window.undo_action.trigger()
    assert stored_cell(demo_db, item.id) == (2, 5)
    assert board.item(item.id).cell == (2, 5)
    assert board.scene.layout.cell_rect(2, 5).contains(
        *_center(board.scene.cards[item.id].sceneBoundingRect())
    )
    window.redo_action.trigger()
    assert stored_cell(demo_db, item.id) == (5, 4)


def test_a_drop_off_the_grid_or_in_the_same_cell_changes_nothing(
    make_window, demo_db, qtbot
) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    item = item_titled(board, RUNBOOK)
    start = card_center(board, item.id)
    drag(qtbot, board.view, start, start + QPoint(20, 12))
    drag(qtbot, board.view, card_center(board, item.id), QPoint(2, 2))  # the axis margin
    assert stored_cell(demo_db, item.id) == (2, 5)
    assert not window.undo_action.isEnabled()
    rect = board.scene.cards[item.id].sceneBoundingRect()
    assert (rect.x(), rect.y()) == (
        board.scene.layout.cards[item.id].x,
        board.scene.layout.cards[item.id].y,
    ), "the card went back to its place"


def test_keyboard_moves_the_selected_card(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    item = item_titled(board, RUNBOOK)
    qtbot.mouseClick(
        board.view.viewport(), Qt.MouseButton.LeftButton, pos=card_center(board, item.id)
    )
    assert board.selected_id() == item.id
    assert board.table.selectionModel().selectedRows()[0].row() == board.model.row_of(item.id)
    view = board.view
    view.setFocus()

    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert stored_cell(demo_db, item.id) == (3, 5)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert stored_cell(demo_db, item.id) == (3, 4)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)  # already at the easy edge: no cell that way
    assert stored_cell(demo_db, item.id) == (3, 5)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert stored_cell(demo_db, item.id) == (1, 5)
    assert board.selected_id() == item.id, "the card stays selected as it moves"

    for _ in range(5):
        window.undo_action.trigger()
    assert stored_cell(demo_db, item.id) == (2, 5)


def test_selecting_in_the_list_selects_the_card(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    board.table.selectRow(3)
    chosen = board.model.entry(3).item.id
    assert board.selected_id() == chosen
    assert board.scene.cards[chosen].isSelected()


def test_double_click_opens_the_details_to_edit_every_field(
    make_window, demo_db, qtbot, when_modal
) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    item = item_titled(board, RUNBOOK)
    seen = {}

    def edit(dialog: FollowUpDialog) -> None:
        seen["title"] = dialog.title.text()
        dialog.title.setText("Rollback runbook for partner models")
        dialog.description.setPlainText("Steps we **improvised** on 16 June.")
        dialog.owner.setCurrentText("Wei Chen")
        select_data(dialog.status, FollowUpStatus.DONE)
        select_data(dialog.priority, Priority.HIGH)
        dialog.value.setValue(4)
        dialog.feasibility.setValue(4)
        dialog.tracker.setText("https://tracker.example.com/PADS-120")
        dialog.speeds.setChecked(False)
        dialog.accept()

    when_modal(edit)
    qtbot.mouseDClick(
        board.view.viewport(), Qt.MouseButton.LeftButton, pos=card_center(board, item.id)
    )
    assert seen["title"] == RUNBOOK
    saved = window.workspace.followups.get(item.id)
    assert saved.title == "Rollback runbook for partner models"
    assert saved.description == "Steps we **improvised** on 16 June."
    assert (saved.owner, saved.priority, saved.cell) == ("Wei Chen", Priority.HIGH, (4, 4))
    assert saved.status is FollowUpStatus.DONE and saved.status_since == TODAY
    assert [s.status for s in saved.history] == [FollowUpStatus.OPEN, FollowUpStatus.DONE]
    assert saved.tracker_url == "https://tracker.example.com/PADS-120"
    assert not saved.speeds_troubleshooting
    assert stored_cell(demo_db, item.id) == (4, 4)

    window.undo_action.trigger()
    restored = window.workspace.followups.get(item.id)
    assert (restored.title, restored.status, restored.cell) == (
        RUNBOOK,
        FollowUpStatus.OPEN,
        (2, 5),
    )


def test_the_details_dialog_refuses_a_bad_link(make_window, demo_db, qtbot, when_modal) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    item = item_titled(board, RUNBOOK)
    problems = []

    def edit(dialog: FollowUpDialog) -> None:
        dialog.tracker.setText("javascript:alert(1)")
        dialog.accept()
        problems.append(dialog.problem.text())
        dialog.reject()

    when_modal(edit)
    assert not board.open_details(item.id)
    assert "http://" in problems[0]
    assert window.workspace.followups.get(item.id).tracker_url == ""


def test_add_and_delete_from_the_tab(make_window, demo_db, qtbot, when_modal) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 3)
    tab = window.editor.followups
    before = len(board.items)

    def fill(dialog: FollowUpDialog) -> None:
        dialog.title.setText("Alert when recommendations per page fall below 4")
        dialog.value.setValue(5)
        dialog.feasibility.setValue(5)
        dialog.accept()

    when_modal(fill)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert len(board.items) == before + 1
    added = item_titled(board, "Alert when recommendations per page fall below 4")
    assert added.history[0].on == TODAY and added.incident_key == "HS-3"
    assert stored_cell(demo_db, added.id) == (5, 5)
    assert board.selected_id() == added.id

    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)  # confirmed by the fixture
    assert len(board.items) == before
    assert len(window.workspace.followups.items(3)) == before
    window.undo_action.trigger()  # undo the deletion: it comes back
    assert [i.title for i in window.workspace.followups.items(3)].count(
        "Alert when recommendations per page fall below 4"
    ) == 1
    window.undo_action.trigger()  # undo the addition
    assert len(window.workspace.followups.items(3)) == before


def test_a_move_based_on_a_stale_version_is_refused(make_window, demo_db, qtbot, errors) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    item = item_titled(board, RUNBOOK)
    # Another window moves the item first.
    window.workspace.followups.move(item.id, 1, 1, version=item.version)

    drag(qtbot, board.view, card_center(board, item.id), board.view.map_cell_center(4, 3))

    assert stored_cell(demo_db, item.id) == (1, 1), "their move is kept"
    assert errors and errors[-1][0] == "Changed elsewhere"
    assert board.item(item.id).cell == (1, 1), "the grid now shows what is saved"
    assert not window.undo_action.isEnabled()


def test_undo_does_not_overwrite_a_later_change_made_elsewhere(
    make_window, demo_db, qtbot, errors
) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    item = item_titled(board, RUNBOOK)
    drag(qtbot, board.view, card_center(board, item.id), board.view.map_cell_center(4, 3))
    moved = window.workspace.followups.get(item.id)
    window.workspace.followups.move(item.id, 1, 1, version=moved.version)  # elsewhere

    window.undo_action.trigger()
    assert stored_cell(demo_db, item.id) == (1, 1)
    assert errors and errors[-1][0] == "Changed elsewhere"


# -- crowded cells and zoom -------------------------------------------------------------------


def test_a_crowded_cell_is_stacked_with_a_count_and_unfolds(make_window, db_path, qtbot) -> None:
    window = make_window(db_path)
    new_incident(qtbot, window, "Crowded")
    service = window.workspace.followups
    service.create_many(
        [
            FollowUp(
                title=f"Item {n}",
                incident_id=1,
                value=4,
                feasibility=4,
                history=[service.new_item(1).history[0]],
            )
            for n in range(9)
        ]
    )
    board = open_tab(window, 1)
    window.editor.followups.reload()  # the items were added past the open tab
    scene = board.scene
    assert scene.layout.counts[(4, 4)] == 9
    assert len(scene.cards) == 5, "five cards and a chip for the rest"
    chip = scene.chips[(4, 4)]
    assert chip.chip.hidden == 4
    rects = sorted(r.y for r in scene.layout.cards.values())
    assert all(b - a >= CARD_H for a, b in itertools.pairwise(rects)), "no overlap"

    show_whole_grid(board.view)
    qtbot.mouseClick(
        board.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=board.view.mapFromScene(chip.sceneBoundingRect().center()),
    )
    assert len(scene.cards) == 9
    assert scene.chips[(4, 4)].chip.hidden == 0

    # Choosing a folded-away item in the list unfolds its cell.
    scene.toggle_cell((4, 4))
    assert len(scene.cards) == 5
    last = board.model.rowCount() - 1
    board.table.selectRow(last)
    assert board.model.entry(last).item.id in scene.cards


def test_zoom_with_keys_and_ctrl_wheel(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    view = board.view
    view.set_zoom(1.0)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom == pytest.approx(1.2)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom == pytest.approx(1 / 1.2)
    assert view.transform().m11() == pytest.approx(view.zoom)

    center = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(
        center,
        view.viewport().mapToGlobal(center),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom == pytest.approx((1 / 1.2) * 1.15**2)
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom <= 1.0
    width = view.scene().sceneRect().width() * view.zoom
    assert width <= view.viewport().width()


def test_enter_opens_and_delete_removes_the_selected_card(
    make_window, demo_db, qtbot, when_modal
) -> None:
    window = make_window(demo_db)
    board = open_tab(window, 2)
    item = item_titled(board, RUNBOOK)
    view = board.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)  # nothing selected: the top-ranked card is chosen
    assert board.selected_id() == board.ranked[0].item.id
    board.select(item.id)
    opened = []

    def close(dialog: FollowUpDialog) -> None:
        opened.append(dialog.title.text())
        dialog.reject()

    when_modal(close)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened == [RUNBOOK]
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # confirmed by the errors fixture
    assert RUNBOOK not in [i.title for i in window.workspace.followups.items(2)]
