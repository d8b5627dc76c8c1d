"""What a tester found in Triage, in Insights' scope and in a dialog at 2x scale.

A long saved-search name must never widen its window; the contributing-factor dialog fits a
short screen; a card moved with the keyboard is scrolled into view.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from hindsight.services.workspace import Workspace

from .followup_helpers import settle as settle_board

LONG_NAME = "Serving regressions after the ranker rollout " + "and its many follow-ups " * 5
LONG_NAME = LONG_NAME[:150]


def inside(outer: QWidget, widget: QWidget) -> bool:
    return outer.rect().contains(QRect(widget.mapTo(outer, QPoint(0, 0)), widget.size()))


def test_a_long_saved_search_in_the_insights_scope_is_cut_and_never_widens_the_bar(qtbot):
    from hindsight.ui.insights.scope_bar import ScopeBar

    bar = ScopeBar()
    qtbot.addWidget(bar)
    bar.set_searches(["Short", LONG_NAME])
    bar.show()
    width = bar.search.width()
    least = bar.minimumSizeHint().width()
    assert bar.choose_search(LONG_NAME)
    QApplication.processEvents()
    assert bar.search.sizeHint().width() == width or bar.search.width() == width
    assert bar.minimumSizeHint().width() == least <= 480
    assert bar.search.sizeHint().width() < 400
    shown = bar.search.shown_text()
    assert shown.endswith("…") and LONG_NAME.startswith(shown[:-1].rstrip())
    assert LONG_NAME in bar.search.toolTip()  # the whole name
    index = bar.search.findData(LONG_NAME)
    assert bar.search.itemData(index, Qt.ItemDataRole.ToolTipRole) == LONG_NAME
    assert bar.scope().saved_search == LONG_NAME  # the value chosen is the whole name
    bar.search.setCurrentIndex(0)
    assert LONG_NAME not in bar.search.toolTip()


def test_the_list_of_saved_searches_shows_a_long_name_whole(qtbot):
    from hindsight.ui.insights.scope_bar import ScopeBar

    bar = ScopeBar()
    qtbot.addWidget(bar)
    bar.set_searches(["Short", LONG_NAME])
    bar.resize(900, bar.heightForWidth(900))
    bar.show()
    qtbot.waitExposed(bar)
    bar.search.showPopup()
    try:
        view = bar.search.view()
        popup = view.window()
        qtbot.waitUntil(popup.isVisible)
        screen = bar.search.screen().availableGeometry()
        assert popup.width() > bar.search.width()
        assert screen.contains(popup.geometry())
        whole = view.fontMetrics().horizontalAdvance(LONG_NAME)
        assert view.viewport().width() >= min(whole, screen.width() - 60)
    finally:
        bar.search.hidePopup()


@pytest.fixture
def long_search_db(db_path: Path) -> Path:
    workspace = Workspace.open(db_path)
    try:
        workspace.search.save(LONG_NAME, "ranker")
    finally:
        workspace.close()
    return db_path


def test_a_long_saved_search_name_keeps_the_triage_filters_on_a_960_pixel_window(
    make_window, long_search_db, qtbot
):
    window = make_window(long_search_db)
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    triage = window.followups_ui.triage
    qtbot.waitExposed(triage)
    box = triage.saved_search
    qtbot.waitUntil(lambda: box.count() == 2 and not box.busy)
    triage.resize(960, 540)  # a 1920x1080 screen at 2x scale
    QApplication.processEvents()
    assert triage.minimumSizeHint().width() <= 960
    assert inside(triage.centralWidget(), box)  # its right end and arrow on screen
    box.choose(LONG_NAME)
    qtbot.waitUntil(lambda: not box.busy)
    settle_board(qtbot, window.ops, triage.board)
    QApplication.processEvents()
    assert triage.width() == 960 and triage.minimumSizeHint().width() <= 960
    assert inside(triage.centralWidget(), box)
    assert box.shown_text().endswith("…")
    assert LONG_NAME in box.toolTip() and LONG_NAME in box.itemData(1, Qt.ItemDataRole.ToolTipRole)


UNBROKEN_NAME = "<b>bold</b> | " + "N" * 136  # one word: no place to wrap it


@pytest.mark.parametrize("name", [LONG_NAME, UNBROKEN_NAME])
@pytest.mark.parametrize("size", [(1366, 720), (960, 510)])
def test_the_insights_window_keeps_reset_on_screen_with_a_long_search_chosen(
    make_window, db_path, qtbot, name, size
):
    workspace = Workspace.open(db_path)
    try:
        workspace.search.save(name, "ranker")
    finally:
        workspace.close()
    window = make_window(db_path)
    window.insights_ui.open_action.trigger()
    view = window.insights_ui.view
    view.resize(*size)
    qtbot.waitUntil(lambda: view.insights is not None and not window.ops.busy, timeout=20000)
    bar = view.scope_bar
    qtbot.waitUntil(lambda: bar.search.findData(name) > 0, timeout=5000)
    assert bar.choose_search(name)
    qtbot.waitUntil(
        lambda: view.insights.scope.saved_search == name and not window.ops.busy,
        timeout=20000,
    )
    QApplication.processEvents()
    assert view.width() == size[0] and view.minimumSizeHint().width() <= 960
    for widget in (bar.search, bar.period, bar.reset_button, view.summary):
        assert inside(view, widget), widget
    summary = view.summary
    room = summary.contentsRect().width()
    lines = summary.lines()
    assert all(summary.fontMetrics().horizontalAdvance(line) <= room for line in lines)
    assert summary.height() >= len(lines) * summary.fontMetrics().lineSpacing()
    if size[0] > 1300:
        assert bar.search.mapTo(bar, QPoint(0, 0)).y() == bar.start.mapTo(bar, QPoint(0, 0)).y()


class ScreenAt2x:  # a 1920x1080 screen at 2x scale, less a panel
    @staticmethod
    def availableGeometry() -> QRect:
        return QRect(0, 0, 960, 510)


class Screens:
    @staticmethod
    def primaryScreen() -> ScreenAt2x:
        return ScreenAt2x()


def test_the_factor_dialog_with_its_dates_ticked_keeps_ok_and_every_date_on_screen(
    qtbot, monkeypatch
):
    from hindsight.ui.editor import dialogs
    from hindsight.ui.editor.postmortem_tabs import FactorDialog

    monkeypatch.setattr(dialogs, "QGuiApplication", Screens, raising=False)
    dialog = FactorDialog(None, triggers=[("deploy", "A deployment")])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    closed_height = dialog.height()
    for field in list(dialog.dates.values())[:2]:  # Began, Detected
        field.known.setChecked(True)
        QApplication.processEvents()
    assert dialog.height() > closed_height  # it grew for the dates...
    assert dialog.height() <= 510 - 48  # ...up to the screen
    scroll = dialog.fields_area
    assert scroll is not None and scroll.verticalScrollBar().maximum() > 0  # the rest scrolls
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    cancel = dialog.buttons.button(dialog.buttons.StandardButton.Cancel)
    for button in (ok, cancel):
        assert not scroll.isAncestorOf(button) and inside(dialog, button)
    # Mitigated and Resolved are reached by scrolling, not lost below the screen.
    resolved = list(dialog.dates.values())[-1]
    scroll.ensureWidgetVisible(resolved.known)
    QApplication.processEvents()
    corner = resolved.known.mapTo(scroll.viewport(), resolved.known.rect().bottomLeft())
    assert scroll.viewport().rect().contains(corner)
    for field in dialog.dates.values():
        field.known.setChecked(True)
    QApplication.processEvents()
    assert dialog.height() <= 510 - 48 and inside(dialog, ok)


def test_a_factor_dialog_on_a_roomy_screen_shows_every_field_without_scrolling(qtbot):
    from datetime import UTC, datetime

    from hindsight.core.factors import ContributingFactor, FactorDate
    from hindsight.core.fuzzy_time import FuzzyTime
    from hindsight.ui.editor.postmortem_tabs import FactorDialog

    when = FuzzyTime.exact(datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    factor = ContributingFactor(title="Stale features", dates={FactorDate.BEGAN: when})
    dialog = FactorDialog(factor)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    assert dialog.fields_area is not None and dialog.fields_area.verticalScrollBar().maximum() == 0
    assert dialog.result_factor().dates == {FactorDate.BEGAN: when}


def in_view(view, item_id: int) -> bool:
    rect = view.grid.card_rect(item_id)
    assert rect is not None
    return view.viewport().rect().contains(view.mapFromScene(rect).boundingRect())


def test_a_card_moved_with_the_keyboard_is_scrolled_into_view_and_stays_selected(
    make_window, demo_db, qtbot
):
    window = make_window(demo_db)
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    triage = window.followups_ui.triage
    qtbot.waitExposed(triage)
    triage.resize(960, 540)  # a 1920x1080 screen at 2x scale
    board = triage.board
    settle_board(qtbot, window.ops, board)
    view = board.view
    view.show_top()
    QApplication.processEvents()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)  # nothing selected: the top-ranked card is chosen
    item_id = board.selected_id()
    assert item_id is not None and in_view(view, item_id)
    value = board.scene.source.cell_of(item_id)[0]
    assert value > 1
    scrolled = False
    for _ in range(value - 1):
        top = view.verticalScrollBar().value()
        qtbot.keyClick(view, Qt.Key.Key_Down)
        QApplication.processEvents()
        scrolled |= view.verticalScrollBar().value() > top
        assert board.selected_id() == item_id
        assert in_view(view, item_id), board.scene.source.cell_of(item_id)
        assert view.hasFocus()
    assert board.scene.source.cell_of(item_id)[0] == 1  # the lowest row
    assert scrolled  # the view followed the card down
    assert board.scene.cards[item_id].isSelected()
    rows = board.table.selectionModel().selectedRows()
    assert [r.row() for r in rows] == [board.model.row_of(item_id)]
    settle_board(qtbot, window.ops, board)


@pytest.mark.parametrize("small_px", [11.0, 16.0])
@pytest.mark.parametrize("owner", ["Priya Raman", "lorac", "", "Maximilian Oberhuber-Castellanos"])
def test_a_cards_top_line_cuts_a_long_priority_at_a_letter_and_keeps_the_owner(
    qtbot, owner, small_px
):
    from hindsight.core.followups import FollowUpStatus, Priority
    from hindsight.export.grid.geometry import CARD_W
    from hindsight.export.grid.painting import CardData, card_style, fonts, top_line

    made = fonts(card_style(small_px))
    width = CARD_W - 16  # as paint_card leaves for text
    gap = made.bold_metrics.horizontalAdvance("  ")
    space = made.text_metrics.horizontalAdvance(" ")
    for priority in Priority:
        card = CardData(
            item_id=1,
            key="HS-44",
            title="A title",
            priority=priority,
            owner=owner,
            status=FollowUpStatus.OPEN,
            badges=(),
            tooltip="",
        )
        key, label, shown_owner = top_line(card, made, width)
        assert key == "HS-44"
        assert label == priority.label or (
            label.endswith("…") and priority.label.startswith(label[:-1])
        ), label
        assert shown_owner not in ("", "…")  # the owner is there
        whole = owner or "no owner"
        assert shown_owner == whole or (
            shown_owner.endswith("…") and whole.startswith(shown_owner[:-1])
        )
        used = (
            made.bold_metrics.horizontalAdvance(key)
            + gap
            + (made.bold_metrics.horizontalAdvance(label) + space if label else 0)
            + made.text_metrics.horizontalAdvance(shown_owner)
        )
        assert used <= width + 0.5  # nothing is cut by the card's edge
    nice = replace_priority(card, Priority.NICE_TO_HAVE)
    assert top_line(nice, made, width)[1] != ""  # a cut priority still shows its first letters


def replace_priority(card, priority):
    from dataclasses import replace

    return replace(card, priority=priority)


def painted_top_line(owner: str, priority) -> tuple[list[list[int]], float]:
    """The pixels of a card's top line, painted at the grid's largest text."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from hindsight.core.followups import FollowUpStatus
    from hindsight.export.grid.geometry import CARD_H, CARD_W
    from hindsight.export.grid.painting import CardData, card_style, fonts, paint_card

    style = card_style(16.0)
    card = CardData(1, "HS-44", "A title", priority, owner, FollowUpStatus.OPEN, (), "")
    image = QImage(int(CARD_W) + 4, int(CARD_H) + 4, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    paint_card(painter, QRectF(0, 0, CARD_W, CARD_H), card, style=style)
    painter.end()
    line = fonts(style).bold_metrics.height()
    rows = range(5, int(4 + line))
    return [[image.pixel(x, y) & 0xFFFFFF for x in range(int(CARD_W))] for y in rows], line


def test_a_painted_card_shows_its_owner_and_nothing_runs_into_its_edge(qtbot):
    from hindsight.core.followups import Priority

    lorac, _ = painted_top_line("lorac", Priority.NICE_TO_HAVE)
    other, _ = painted_top_line("zed", Priority.NICE_TO_HAVE)
    assert lorac != other, "the owner is not drawn"  # (it was not at all)
    for row in lorac:  # the last pixels before the card's border are the card's own white
        assert set(row[-6:-2]) == {0xFFFFFF}, [hex(p) for p in row[-8:]]


def test_a_day_count_past_its_limit_is_refused_aloud_not_cut(qtbot):
    from hindsight.core.followup_attention import AttentionSettings
    from hindsight.ui.followups.settings_dialog import AttentionSettingsDialog

    dialog = AttentionSettingsDialog(AttentionSettings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    box = dialog.grace  # 0 to 365 days
    low, high = AttentionSettings.LIMITS["overdue_grace_days"]
    assert f"{high:,}" in box.toolTip()  # the limit is said before anything is typed
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "1000")
    assert box.value() == 100  # Qt keeps what it could take...
    assert dialog.problem.isVisible()  # ...and the dialog says so, with the limit
    said = dialog.problem.text()
    assert "“1000”" in said and f"from {low} to {high} days" in said and "keeps 100" in said
    assert box.toolTip() == said
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "30")
    assert box.value() == 30 and not dialog.problem.isVisible()
    assert dialog.result_settings().overdue_grace_days == 30


def test_the_triage_export_has_one_name_on_its_button_and_in_its_menu(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    triage = window.followups_ui.triage
    qtbot.waitExposed(triage)
    named = {
        action.text()
        for menu in triage.menuBar().findChildren(QMenu)
        for action in menu.actions()
        if "xport" in action.text()
    }
    assert named == {triage.export_button.text()} == {"&Export CSV…"}
    assert triage.export_action.statusTip() == triage.export_button.toolTip()
