"""The follow-up grid in the incident editor, driven with real mouse and keyboard events."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontInfo, QFontMetricsF, QWheelEvent
from PySide6.QtWidgets import QApplication

from hindsight.core.followups import FollowUp, FollowUpStatus, Priority
from hindsight.export.grid.geometry import CARD_H
from hindsight.export.grid.painting import font, title_lines
from hindsight.services.errors import StoreError
from hindsight.services.followups import FollowUpService
from hindsight.ui.followups.details_dialog import FollowUpDialog
from hindsight.ui.qt_helpers import select_data

from .conftest import new_incident, open_incident
from .followup_helpers import (
    card_cell,
    card_center,
    drag,
    item_titled,
    lane_held,
    settle,
    show_whole_grid,
    shown_items,
    stored_cell,
)

TODAY = date(2026, 11, 26)
RUNBOOK = "Runbook for rolling back every partner model at once"  # HS-2, value 2, feasibility 5


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The attention rules and new items see the same day whenever the tests run."""
    monkeypatch.setattr(FollowUpService, "today", lambda self: TODAY)
    return TODAY


def open_tab(qtbot, window, incident_id: int = 2):
    open_incident(qtbot, window, incident_id)
    editor = window.editor
    editor.tabs.setCurrentWidget(editor.followups)
    board = editor.followups.board
    settle(qtbot, window.ops, board)
    show_whole_grid(board.view)
    return board


def saved(qtbot, window) -> None:
    """Wait until what the board asked of the database is done."""
    settle(qtbot, window.ops, window.editor.followups.board)


def test_tab_shows_the_incidents_items_on_the_grid_and_ranked(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    assert {item.incident_key for item in shown_items(board)} == {"HS-2"}
    assert len(board.scene.cards) == 7
    # The ranked list follows the rule: tactical work first, strategic items apart, closed last.
    labels = [board.model.index(row, 0).data() for row in range(board.model.rowCount())]
    assert labels == ["1", "2", "S1", "S2", "", "", ""]
    assert board.model.index(0, 1).data().startswith("Refuse to publish")
    tab = window.editor.followups
    assert tab.summary.text() == (
        "2 items need attention, for 3 reasons: 1 overdue, 1 languishing, 1 senior review due."
    )
    assert window.editor.tabs.tabText(window.editor.tabs.indexOf(tab)) == "Follo&w-ups"


def test_dragging_a_card_saves_its_new_cell(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    item = item_titled(board, RUNBOOK)
    assert item.cell == (2, 5) and board.regions.at(*item.cell).name == "Fill-ins"

    drag(qtbot, board.view, card_center(board, item.id), board.view.map_cell_center(4, 3))
    saved(qtbot, window)

    assert stored_cell(demo_db, item.id) == (4, 3)
    assert board.item(item.id).cell == (4, 3)
    # The card sits in its new cell, and the list moved it into Do first.
    assert card_cell(board, item.id) == (4, 3)
    row = board.model.row_of(item.id)
    assert board.model.index(row, 3).data() == "Do first"
    assert board.selected_id() == item.id


def test_a_move_shows_at_once_and_is_saved_after(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    item = item_titled(board, RUNBOOK)
    with lane_held(window.ops):
        drag(qtbot, board.view, card_center(board, item.id), board.view.map_cell_center(4, 3))
        # The database has not seen the move yet; the grid and the list already show it.
        assert stored_cell(demo_db, item.id) == (2, 5)
        assert card_cell(board, item.id) == (4, 3)
        assert board.model.index(board.model.row_of(item.id), 3).data() == "Do first"
        assert board.model.index(board.model.row_of(item.id), 0).data() == "2"
    saved(qtbot, window)
    assert stored_cell(demo_db, item.id) == (4, 3)


def test_a_refused_save_puts_the_card_back_and_says_why(
    make_window, demo_db, qtbot, errors, monkeypatch
) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    item = item_titled(board, RUNBOOK)

    def full(*args, **kwargs):
        raise StoreError("The disk holding demo.sqlite is full. Free some space and try again.")

    monkeypatch.setattr(window.workspace.followups, "move", full)
    drag(qtbot, board.view, card_center(board, item.id), board.view.map_cell_center(4, 3))
    saved(qtbot, window)
    assert errors[-1][0] == "Cannot move the follow-up"
    assert "disk holding demo.sqlite is full" in errors[-1][1]
    assert card_cell(board, item.id) == (2, 5), "the card went back"
    assert stored_cell(demo_db, item.id) == (2, 5)
    assert not window.undo_action.isEnabled(), "no step to undo: nothing was saved"


def test_undo_and_redo_a_drag(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    item = item_titled(board, RUNBOOK)
    drag(qtbot, board.view, card_center(board, item.id), board.view.map_cell_center(5, 4))
    saved(qtbot, window)
    assert stored_cell(demo_db, item.id) == (5, 4)
    assert window.undo_action.isEnabled()
    assert "Move" in window.undo_action.text()

    window.undo_action.trigger()
    assert card_cell(board, item.id) == (2, 5), "shown at once"
    saved(qtbot, window)
    assert stored_cell(demo_db, item.id) == (2, 5)
    assert board.item(item.id).cell == (2, 5)
    window.redo_action.trigger()
    saved(qtbot, window)
    assert stored_cell(demo_db, item.id) == (5, 4)


def test_a_drop_off_the_grid_or_in_the_same_cell_changes_nothing(
    make_window, demo_db, qtbot
) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    item = item_titled(board, RUNBOOK)
    start = card_center(board, item.id)
    drag(qtbot, board.view, start, start + QPoint(20, 12))
    drag(qtbot, board.view, card_center(board, item.id), QPoint(2, 2))  # the axis margin
    saved(qtbot, window)
    assert stored_cell(demo_db, item.id) == (2, 5)
    assert not window.undo_action.isEnabled()
    rect = board.scene.cards[item.id].sceneBoundingRect()
    assert (rect.x(), rect.y()) == (
        board.scene.layout.cards[item.id].x,
        board.scene.layout.cards[item.id].y,
    ), "the card went back to its place"


def test_keyboard_moves_the_selected_card(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    item = item_titled(board, RUNBOOK)
    qtbot.mouseClick(
        board.view.viewport(), Qt.MouseButton.LeftButton, pos=card_center(board, item.id)
    )
    assert board.selected_id() == item.id
    assert board.table.selectionModel().selectedRows()[0].row() == board.model.row_of(item.id)
    view = board.view
    view.setFocus()

    # Keys pressed faster than the saves: each move builds on the one before.
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert card_cell(board, item.id) == (3, 4)
    saved(qtbot, window)
    assert stored_cell(demo_db, item.id) == (3, 4)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)  # already at the easy edge: no cell that way
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    saved(qtbot, window)
    assert stored_cell(demo_db, item.id) == (1, 5)
    assert board.selected_id() == item.id, "the card stays selected as it moves"

    for _ in range(5):
        window.undo_action.trigger()
    saved(qtbot, window)
    assert stored_cell(demo_db, item.id) == (2, 5)
    assert not window.undo_action.isEnabled()


def test_one_undo_step_per_operation(make_window, demo_db, qtbot, when_modal) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    item = item_titled(board, RUNBOOK)
    board.request_move(item.id, 3, 3)
    saved(qtbot, window)

    def retitle(dialog: FollowUpDialog) -> None:
        dialog.title.setText("Rollback runbook")
        dialog.accept()

    when_modal(retitle)
    assert board.open_details(item.id)
    saved(qtbot, window)
    stack = window.editor.undo_stack
    assert [stack.text(i) for i in range(stack.count())] == [
        f"Move “{RUNBOOK[:39]}…”",
        "Edit “Rollback runbook”",
    ]
    window.undo_action.trigger()  # the edit only: the title comes back, the cell stays
    saved(qtbot, window)
    restored = window.workspace.followups.get(item.id)
    assert (restored.title, restored.cell) == (RUNBOOK, (3, 3))


def test_selecting_in_the_list_selects_the_card(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    board.table.selectRow(3)
    chosen = board.model.item_id(3)
    assert board.selected_id() == chosen
    assert board.scene.cards[chosen].isSelected()


def test_double_click_opens_the_details_to_edit_every_field(
    make_window, demo_db, qtbot, when_modal
) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
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
    saved(qtbot, window)
    assert seen["title"] == RUNBOOK
    stored = window.workspace.followups.get(item.id)
    assert stored.title == "Rollback runbook for partner models"
    assert stored.description == "Steps we **improvised** on 16 June."
    assert (stored.owner, stored.priority, stored.cell) == ("Wei Chen", Priority.HIGH, (4, 4))
    assert stored.status is FollowUpStatus.DONE and stored.status_since == TODAY
    assert [s.status for s in stored.history] == [FollowUpStatus.OPEN, FollowUpStatus.DONE]
    assert stored.tracker == "https://tracker.example.com/PADS-120"
    assert not stored.speeds_troubleshooting
    assert stored_cell(demo_db, item.id) == (4, 4)
    assert card_cell(board, item.id) == (4, 4)

    window.undo_action.trigger()
    saved(qtbot, window)
    restored = window.workspace.followups.get(item.id)
    assert (restored.title, restored.status, restored.cell) == (
        RUNBOOK,
        FollowUpStatus.OPEN,
        (2, 5),
    )


def test_an_edit_that_meets_a_newer_version_asks_before_overwriting(
    make_window, demo_db, qtbot, when_modal, monkeypatch
) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    item = item_titled(board, RUNBOOK)
    service = window.workspace.followups
    # Another program saves it (this window hears nothing of it).
    service.repository.save(replace(service.get(item.id), owner="Someone Else"))
    asked = []
    monkeypatch.setattr(
        "hindsight.ui.messages.confirm", lambda *args: asked.append(args[2]) or True
    )

    def edit(dialog: FollowUpDialog) -> None:
        dialog.title.setText("Runbook, mine")
        dialog.accept()

    when_modal(edit)
    assert board.open_details(item.id)
    saved(qtbot, window)
    assert asked and "Overwrite it with your version?" in asked[0]
    assert service.get(item.id).title == "Runbook, mine"
    assert board.item(item.id).title == "Runbook, mine"


def test_the_details_dialog_refuses_a_bad_link(make_window, demo_db, qtbot, when_modal) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
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
    assert window.workspace.followups.get(item.id).tracker == ""


def test_add_and_delete_from_the_tab(make_window, demo_db, qtbot, when_modal) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 3)
    tab = window.editor.followups
    before = len(board.ranked_ids())
    title = "Alert when recommendations per page fall below 4"

    def fill(dialog: FollowUpDialog) -> None:
        dialog.title.setText(title)
        dialog.value.setValue(5)
        dialog.feasibility.setValue(5)
        dialog.accept()

    when_modal(fill)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    saved(qtbot, window)
    assert len(board.ranked_ids()) == before + 1
    added = item_titled(board, title)
    assert added.history[0].on == TODAY and added.incident_key == "HS-3"
    assert stored_cell(demo_db, added.id) == (5, 5)
    assert board.selected_id() == added.id

    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)  # confirmed by the fixture
    assert len(board.ranked_ids()) == before, "gone at once"
    saved(qtbot, window)
    assert len(window.workspace.followups.items(3)) == before
    window.undo_action.trigger()  # undo the deletion: it comes back
    saved(qtbot, window)
    assert [i.title for i in window.workspace.followups.items(3)].count(title) == 1
    assert title in [i.title for i in shown_items(board)]
    window.undo_action.trigger()  # undo the addition
    saved(qtbot, window)
    assert len(window.workspace.followups.items(3)) == before
    window.redo_action.trigger()
    window.redo_action.trigger()  # added again, then deleted again, without waiting between
    saved(qtbot, window)
    assert len(window.workspace.followups.items(3)) == before
    assert len(board.ranked_ids()) == before


def test_a_move_based_on_a_stale_version_is_refused(make_window, demo_db, qtbot, errors) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    item = item_titled(board, RUNBOOK)
    with lane_held(window.ops):
        # Another program moves the item first (its change reaches this window later).
        other = window.workspace.followups.repository
        other.move(item.id, 1, 1, version=item.version)
        drag(qtbot, board.view, card_center(board, item.id), board.view.map_cell_center(4, 3))
    saved(qtbot, window)

    assert stored_cell(demo_db, item.id) == (1, 1), "their move is kept"
    assert errors and errors[-1][0] == "Changed elsewhere"
    assert board.item(item.id).cell == (1, 1), "the grid now shows what is saved"
    assert not window.undo_action.isEnabled()


def test_undo_does_not_overwrite_a_later_change_made_elsewhere(
    make_window, demo_db, qtbot, errors
) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    item = item_titled(board, RUNBOOK)
    drag(qtbot, board.view, card_center(board, item.id), board.view.map_cell_center(4, 3))
    saved(qtbot, window)
    moved = window.workspace.followups.get(item.id)
    window.workspace.followups.move(item.id, 1, 1, version=moved.version)  # elsewhere
    saved(qtbot, window)  # the board hears of it and shows it

    window.undo_action.trigger()
    saved(qtbot, window)
    assert stored_cell(demo_db, item.id) == (1, 1)
    assert errors and errors[-1][0] == "Cannot undo"
    assert not window.undo_action.isEnabled(), "the step was dropped"


# -- crowded cells, zoom and card text --------------------------------------------------------


def test_a_crowded_cell_is_stacked_with_a_count_and_unfolds(make_window, db_path, qtbot) -> None:
    window = make_window(db_path)
    new_incident(qtbot, window, "Crowded")
    service = window.workspace.followups
    board = open_tab(qtbot, window, 1)
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
    settle(qtbot, window.ops, board)  # the change reaches the open tab by itself
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
    assert len(scene.layout.cards) == 9
    assert scene.chips[(4, 4)].chip.hidden == 0

    # Choosing a folded-away item in the list unfolds its cell.
    scene.toggle_cell((4, 4))
    assert len(scene.layout.cards) == 5
    last = board.model.rowCount() - 1
    board.table.selectRow(last)
    assert board.model.item_id(last) in scene.layout.cards


def test_only_cards_near_the_view_are_made(make_window, db_path, qtbot) -> None:
    window = make_window(db_path)
    new_incident(qtbot, window, "Crowded")
    service = window.workspace.followups
    opened = service.new_item(1).history
    service.create_many(
        [
            FollowUp(title=f"Item {n}", incident_id=1, value=5, feasibility=5, history=opened)
            for n in range(300)
        ]
    )
    board = open_tab(qtbot, window, 1)
    view, scene = board.view, board.scene
    view.set_zoom(1.0)
    scene.toggle_cell((5, 5))
    view.show_top()
    settle(qtbot, window.ops, board)
    assert len(scene.layout.cards) == 300
    assert 0 < len(scene.cards) < 40, "only cards in (or near) view are made"
    assert all(board.item(i) is not None for i in scene.cards), "and only those are read"
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    settle(qtbot, window.ops, board)
    last = board.index.cell_ids((5, 5))[-1]
    assert last in scene.cards and not scene.cards[last].card.loading


def test_card_text_is_at_least_the_small_font_at_the_fitted_zoom(
    make_window, demo_db, qtbot
) -> None:
    window = make_window(demo_db)
    window.resize(1366, 740)
    board = open_tab(qtbot, window, 2)
    view = board.view
    view.fit_width()
    style = board.scene.card_style
    small = QFontInfo(QApplication.font("QSmallFont")).pixelSize()
    assert min(style.text_px, style.title_px) * view.zoom >= small * 0.99
    # A long title wraps to two lines, the second cut with an ellipsis.
    metrics = QFontMetricsF(font(style.title_px))
    lines = title_lines(
        "Alert when golden-set results for recs-two-tower stop changing or swing too far",
        metrics,
        168,
    )
    assert len(lines) == 2 and lines[1].endswith("…")


def test_zoom_with_keys_and_ctrl_wheel(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
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
    assert view.zoom >= board.scene.card_style.min_zoom or view.zoom == pytest.approx(1.0)


def test_enter_opens_and_delete_removes_the_selected_card(
    make_window, demo_db, qtbot, when_modal
) -> None:
    window = make_window(demo_db)
    board = open_tab(qtbot, window, 2)
    item = item_titled(board, RUNBOOK)
    view = board.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)  # nothing selected: the top-ranked card is chosen
    assert board.selected_id() == board.ranked_ids()[0]
    board.select(item.id)
    opened = []

    def close(dialog: FollowUpDialog) -> None:
        opened.append(dialog.title.text())
        dialog.reject()

    when_modal(close)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened == [RUNBOOK]
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # confirmed by the errors fixture
    saved(qtbot, window)
    assert RUNBOOK not in [i.title for i in window.workspace.followups.items(2)]


def test_the_grid_background_follows_the_layout_as_rows_grow(make_window, db_path, qtbot) -> None:
    window = make_window(db_path)
    new_incident(qtbot, window, "Crowded")
    board = open_tab(qtbot, window, 1)
    view = board.view
    view.set_zoom(0.5)
    view.show_top()
    view.viewport().grab()  # the background is drawn (and cached) for the empty grid
    opened = window.workspace.followups.new_item(1).history
    window.ops.run(
        lambda ws: ws.followups.create_many(
            [
                FollowUp(title=f"Item {n}", incident_id=1, value=5, feasibility=5, history=opened)
                for n in range(8)
            ]
        )
    )
    settle(qtbot, window.ops, board)  # row 5 is now five cards and a chip tall
    QApplication.processEvents()
    # The middle of cell (4, 1), under the tall row, shows the strategic region's colour.
    x, y = board.scene.layout.cell_rect(4, 1).center()
    point = view.mapFromScene(QPointF(x, y))
    assert view.viewport().rect().contains(point)
    colour = view.viewport().grab().toImage().pixelColor(point)
    assert colour.name() == board.regions.by_key("strategic").colour


def test_an_item_with_an_undated_status_step_shows_and_edits(qtbot) -> None:
    from hindsight.core.followup_attention import AttentionReport
    from hindsight.core.followups import StatusStep
    from hindsight.services.followups import default_regions
    from hindsight.ui.followups.preview import preview_html

    regions = default_regions()
    steps = (
        StatusStep(FollowUpStatus.OPEN, date(2025, 8, 5)),
        StatusStep(FollowUpStatus.DONE, None),  # imported: done, day not said
    )
    item = FollowUp(title="Add a canary", incident_id=1, value=4, feasibility=3, history=steps)
    html = preview_html(item, regions, AttentionReport(flags={}))
    assert "date not known" in html
    dialog = FollowUpDialog(item, regions, owners=[], today=date(2026, 1, 1))
    qtbot.addWidget(dialog)
    assert "date not known" in dialog._history_text()
    dialog.accept()  # an undated step is not "in the future"
    assert dialog.result() == FollowUpDialog.DialogCode.Accepted


def test_a_description_preview_renders_markdown_as_the_exports_do() -> None:
    # With fewer Markdown extensions than the documents, the preview showed a fenced code
    # block as a bullet's text ("• item code").
    from hindsight.export.safe_text import markdown_to_html
    from hindsight.ui.followups.details_dialog import safe_html

    text = "- item\n\n```\ncode\n```\n\n| a | b |\n| - | - |\n| 1 | 2 |\n<script>alert(1)</script>"
    shown = safe_html(text)
    assert "<pre><code>code" in shown and "<table>" in shown
    assert "script" not in shown and "alert" not in shown
    assert shown == str(markdown_to_html(text))
