"""The Triage view, the attention count in the main window, and the rules' settings."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hindsight.core.followup_filters import OPEN_STATUSES
from hindsight.core.followups import FollowUp, FollowUpKind, FollowUpStatus, Priority
from hindsight.preferences import load_section
from hindsight.services.followups import CSV_COLUMNS, FollowUpService
from hindsight.ui.followups.settings_dialog import AttentionSettingsDialog
from hindsight.ui.followups.triage import TriageWindow
from hindsight.ui.qt_helpers import select_data

from .conftest import open_incident

TODAY = date(2026, 11, 26)
# On TODAY the demo has 23 items, 11 of them open; these need attention:
ATTENTION = {
    "Quarterly capacity review of the shared log-feeder tier",  # overdue
    "Refuse to publish a model trained on labels that are all zero",  # overdue
    "Graph recommendations per page and expected against observed revenue",  # overdue
    "Per-partner trailing-average sales alert",  # languishing, senior review passed
}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(FollowUpService, "today", lambda self: TODAY)
    return TODAY


def titles(triage: TriageWindow) -> list[str]:
    """The ranked list as the user reads it, top to bottom."""
    model = triage.board.model
    return [model.index(row, 1).data() for row in range(model.rowCount())]


def open_triage(qtbot, window) -> TriageWindow:
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    triage = window.followups_ui.triage
    assert triage is not None
    qtbot.waitExposed(triage)
    triage.activateWindow()
    qtbot.waitUntil(triage.isActiveWindow, timeout=2000)
    return triage


def test_ctrl_t_opens_triage_with_open_work_of_every_incident(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    assert triage.isVisible()
    assert triage.status.currentText() == "Open work"
    assert len(triage.board.items) == 23
    assert len(titles(triage)) == 11
    assert "11</b> of 23" in triage.count_label.text()
    keys = {triage.board.model.index(r, 2).data() for r in range(triage.board.model.rowCount())}
    assert keys == {"HS-1", "HS-2", "HS-3"}
    assert all(e.item.status in OPEN_STATUSES for e in triage.board.ranked)
    # One ranked order: tactical work numbered first, strategic items apart, in rule order.
    labels = [e.label for e in triage.board.ranked]
    assert labels == ["1", "2", "3", "4", "5", "6", "7", "8", "S1", "S2", "S3"]
    assert [e.region.key for e in triage.board.ranked[:6]] == ["do_first"] * 6
    assert [e.item.priority for e in triage.board.ranked[:4]] == [Priority.HIGHEST] * 4


@pytest.mark.parametrize(
    ("control", "choice", "expected"),
    [
        ("incident", 1, 2),  # HS-1: the capacity review and the blocked feeder scaling
        ("owner", "Samuel Osei", 2),
        ("status", "Any status", 23),
        ("status", "Closed", 12),
        ("status", "Blocked", 1),
        ("kind", FollowUpKind.MONITORING, 2),
        ("priority", Priority.HIGHEST, 4),
        ("region", "strategic", 3),
        ("region", "reconsider", 1),
    ],
)
def test_each_filter(make_window, demo_db, qtbot, control, choice, expected) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    combo = getattr(triage, control)
    if control == "status":
        combo.setCurrentIndex(combo.findText(choice))
    else:
        select_data(combo, choice)
    assert len(titles(triage)) == expected
    assert len(triage.board.scene.cards) == expected, "the grid shows the same items"
    qtbot.mouseClick(triage.clear_button, Qt.MouseButton.LeftButton)
    assert len(titles(triage)) == 11


def test_filters_combine(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    triage.status.setCurrentIndex(triage.status.findText("Any status"))
    select_data(triage.kind, FollowUpKind.MONITORING)
    select_data(triage.incident, 1)
    assert len(titles(triage)) == 5  # HS-1's five alerts, all shipped
    assert all(e.item.status is FollowUpStatus.DONE for e in triage.board.ranked)


def test_status_bar_count_opens_the_items_needing_attention(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    button = window.followups_ui.attention_button
    assert button.text() == "⚑ 4 follow-ups need attention"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    triage = window.followups_ui.triage
    assert triage.isVisible() and triage.attention.isChecked()
    assert set(titles(triage)) == ATTENTION
    # HS-1 was published on 2 April: its open Highest item also needs a review of what blocks it.
    assert (
        "3 overdue, 1 Highest still open, 1 languishing, 1 senior review due"
        in triage.summary.text()
    )
    badges = {
        triage.board.model.entry(r).item.title: triage.board.model.index(r, 10).data()
        for r in range(triage.board.model.rowCount())
    }
    assert badges["Per-partner trailing-average sales alert"] == "Languishing, Needs review"


def test_moving_in_triage_updates_the_editor_and_the_count(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    open_incident(qtbot, window, 2)
    tab = window.editor.followups
    triage = open_triage(qtbot, window)
    item = next(i for i in triage.board.items if i.title.startswith("Refuse to publish"))
    triage.board.select(item.id)
    triage.board.view.setFocus()
    qtbot.keyClick(triage.board.view, Qt.Key.Key_Down)
    assert triage.board.item(item.id).cell == (4, 4)
    assert tab.board.item(item.id).cell == (4, 4), "the editor's tab was reloaded"
    qtbot.keyClick(triage, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.followups.get(item.id).cell == (5, 4)
    # Deciding the item is done takes it off the attention count.
    done = window.workspace.followups.get(item.id).with_status(FollowUpStatus.DONE, TODAY)
    window.workspace.followups.save(done)
    assert window.followups_ui.refresh_count() == 3
    assert window.followups_ui.attention_button.text() == "⚑ 3 follow-ups need attention"


def test_export_the_ranked_list_as_csv(make_window, demo_db, qtbot, tmp_path) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    select_data(triage.incident, 3)
    target = tmp_path / "triage.csv"
    assert triage.export_csv(target) == target
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row[2] for row in rows[1:]] == titles(triage)
    assert [row[0] for row in rows[1:]] == [e.label for e in triage.board.ranked]
    assert {row[1] for row in rows[1:]} == {"HS-3"}


def test_export_failure_is_explained(make_window, demo_db, qtbot, tmp_path, errors) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    assert triage.export_csv(tmp_path / "missing" / "x.csv") is None
    assert errors[-1][0] == "Export failed" and "missing" in errors[-1][1]


def test_attention_settings_change_the_count(make_window, demo_db, qtbot, when_modal):
    window = make_window(demo_db)
    assert window.followups_ui.refresh_count() == 4

    def raise_languishing(dialog: AttentionSettingsDialog) -> None:
        dialog.languishing.setValue(400)
        dialog.accept()

    when_modal(raise_languishing)
    window.followups_ui.settings_action.trigger()
    assert load_section("followups")["languishing_days"] == 400
    # The trailing-average alert is no longer languishing, but its senior review is still due.
    assert window.followups_ui.refresh_count() == 4
    assert "1 languishing" not in window.editor.followups.summary.text()

    def tighten(dialog: AttentionSettingsDialog) -> None:
        dialog.restore_defaults()
        assert dialog.languishing.value() == 90
        dialog.grace.setValue(30)  # overdue only a month after the due date
        dialog.accept()

    when_modal(tighten)
    window.followups_ui.settings_action.trigger()
    # Due 13 November: 13 days late, within the grace; the other two stay overdue.
    assert window.followups_ui.refresh_count() == 3


def test_closing_the_main_window_closes_triage(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    window.close()
    QApplication.processEvents()
    assert not triage.isVisible()


def test_view_and_settings_menus_offer_the_feature(make_window, db_path) -> None:
    window = make_window(db_path)
    assert window.followups_ui.triage_action in window.view_menu.actions()
    assert window.followups_ui.settings_action in window.settings_menu.actions()
    assert window.followups_ui.attention_button.text() == "No follow-ups need attention"


def test_the_preview_explains_the_selected_item(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    alert = next(i for i in triage.board.items if i.title.startswith("Per-partner"))
    row = triage.board.model.row_of(alert.id)
    triage.board.table.selectRow(row)
    text = triage.preview.toPlainText()
    assert "Per-partner trailing-average sales alert" in text
    assert "Monitoring work open for 155 days" in text
    assert "The senior review planned for 2026-10-08 has passed" in text
    assert "340 partners" in text, "the description, rendered"
    triage.board.select(None)
    assert "Select a card" in triage.preview.toPlainText()


def test_descriptions_are_sanitised_in_the_preview(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    service = window.workspace.followups
    item = service.items(1)[0]
    item.description = "**bold** <script>alert(1)</script> [x](javascript:alert(2))"
    service.save(item)
    triage = open_triage(qtbot, window)
    triage.status.setCurrentIndex(triage.status.findText("Any status"))
    triage.board.select(item.id)
    html = triage.preview.toHtml()
    assert "<script" not in html and "javascript:" not in html
    assert "bold" in triage.preview.toPlainText()


def test_ranked_list_model_passes_qt_model_tester(qtmodeltester, make_window, demo_db, qtbot):
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    qtmodeltester.check(triage.board.model)


def test_a_sparse_grid_fills_its_view_and_a_crowded_one_scrolls(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    view = triage.board.view
    view.fit_width()
    shown = view.scene().sceneRect().height() * view.zoom
    assert view.viewport().height() - 12 <= shown <= view.viewport().height()
    assert not view.verticalScrollBar().isVisible()
    # Unfold a cell far beyond the view's height: the grid grows and scrolls instead.
    service = window.workspace.followups
    opened = service.items(1)[0].history[:1]
    service.create_many(
        [
            FollowUp(title=f"x{n}", incident_id=1, value=1, feasibility=1, history=opened)
            for n in range(30)
        ]
    )
    triage.reload()
    triage.board.scene.toggle_cell((1, 1))
    assert view.scene().sceneRect().height() * view.zoom > view.viewport().height()


def test_deleting_an_incident_takes_its_followups_off_triage(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    window.activateWindow()
    open_incident(qtbot, window, 2)
    window.delete_incident()  # confirmed by the errors fixture
    qtbot.waitUntil(lambda: "HS-2" not in {item.incident_key for item in triage.board.items})
    assert len(triage.board.items) == 16
    qtbot.waitUntil(lambda: window.followups_ui.attention_button.text().startswith("⚑ 2"))
