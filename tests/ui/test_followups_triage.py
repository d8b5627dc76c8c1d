"""The Triage view, the attention count in the main window, and the rules' settings."""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QByteArray, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from hindsight.core.followup_filters import OPEN_STATUSES
from hindsight.core.followups import FollowUp, FollowUpKind, FollowUpStatus, Priority
from hindsight.preferences import load_section
from hindsight.services.followups import CSV_COLUMNS, FollowUpService
from hindsight.ui.followups.settings_dialog import AttentionSettingsDialog
from hindsight.ui.followups.triage import TriageWindow
from hindsight.ui.qt_helpers import fits, select_data

from .conftest import made_off_the_gui_thread, open_incident
from .followup_helpers import settle, shown_items, titles

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


def open_triage(qtbot, window) -> TriageWindow:
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    triage = window.followups_ui.triage
    assert triage is not None
    qtbot.waitExposed(triage)
    triage.activateWindow()
    qtbot.waitUntil(triage.isActiveWindow, timeout=2000)
    settle(qtbot, window.ops, triage.board)
    return triage


def wait_count(qtbot, window, text: str) -> None:
    qtbot.waitUntil(lambda: window.followups_ui.attention_button.text() == text, timeout=10000)


def choose_incident(qtbot, triage: TriageWindow, key: str) -> None:
    """Type an incident's key in the filter and press Enter, as a user would."""
    field = triage.incident
    field.setFocus()
    field.clear()
    qtbot.keyClicks(field, key)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: field.text().startswith(f"{key} — "), timeout=5000)
    settle(qtbot, triage.ops, triage.board)


def test_ctrl_t_opens_triage_with_open_work_of_every_incident(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    board = triage.board
    assert triage.isVisible()
    assert triage.status.currentText() == "Open work"
    assert board.summary.total == 23
    assert len(titles(board)) == 11
    assert triage.count_label.text() == "11 of 23 follow-ups"
    keys = {board.model.index(r, 2).data() for r in range(board.model.rowCount())}
    assert keys == {"HS-1", "HS-2", "HS-3"}
    assert all(item.status in OPEN_STATUSES for item in shown_items(board))
    # One ranked order: tactical work numbered first, strategic items apart, in rule order.
    labels = [board.model.index(r, 0).data() for r in range(board.model.rowCount())]
    assert labels == ["1", "2", "3", "4", "5", "6", "7", "8", "S1", "S2", "S3"]
    regions = [board.model.index(r, 3).data() for r in range(6)]
    assert regions == ["Do first"] * 6
    priorities = [board.model.index(r, 4).data() for r in range(4)]
    assert priorities == ["Highest"] * 4


@pytest.mark.parametrize(
    ("control", "choice", "expected"),
    [
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
    settle(qtbot, window.ops, triage.board)
    assert len(titles(triage.board)) == expected
    assert len(triage.board.scene.layout.cards) == expected, "the grid shows the same items"
    qtbot.mouseClick(triage.clear_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window.ops, triage.board)
    assert len(titles(triage.board)) == 11


def test_the_incident_filter_finds_incidents_as_you_type(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    choose_incident(qtbot, triage, "HS-1")
    # HS-1: the capacity review and the blocked feeder scaling.
    assert len(titles(triage.board)) == 2
    assert triage.board.filter.incident_id == 1
    # Words of a title offer the incidents that match; picking one filters to it.
    field = triage.incident
    field.clear()
    settle(qtbot, window.ops, triage.board)
    assert len(titles(triage.board)) == 11, "an empty field means every incident"
    qtbot.keyClicks(field, "partner")
    model = field.completer_.model()
    qtbot.waitUntil(
        lambda: [model.index(r, 0).data()[:4] for r in range(model.rowCount())] == ["HS-2"],
        timeout=5000,
    )
    label = model.index(0, 0).data()
    assert label.startswith("HS-2 — Partner ad models")
    field.completer_.activated.emit(label)
    settle(qtbot, window.ops, triage.board)
    assert {item.incident_key for item in shown_items(triage.board)} == {"HS-2"}


def test_filters_combine(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    triage.status.setCurrentIndex(triage.status.findText("Any status"))
    select_data(triage.kind, FollowUpKind.MONITORING)
    choose_incident(qtbot, triage, "HS-1")
    assert len(titles(triage.board)) == 5  # HS-1's five alerts, all shipped
    assert all(item.status is FollowUpStatus.DONE for item in shown_items(triage.board))


def test_status_bar_count_opens_the_items_needing_attention(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    wait_count(qtbot, window, "⚑ 4 follow-ups need attention")
    qtbot.mouseClick(window.followups_ui.attention_button, Qt.MouseButton.LeftButton)
    triage = window.followups_ui.triage
    settle(qtbot, window.ops, triage.board)
    assert triage.isVisible() and triage.attention.isChecked()
    assert set(titles(triage.board)) == ATTENTION
    # HS-1 was published on 2 April: its open Highest item also needs a review of what blocks
    # it. Four items, six reasons: the numbers add up.
    assert triage.summary.text() == (
        "4 items need attention, for 6 reasons: 3 overdue, 1 Highest still open, "
        "1 languishing, 1 senior review due."
    )
    model = triage.board.model
    badges = {model.index(r, 1).data(): model.index(r, 10).data() for r in range(model.rowCount())}
    assert badges["Per-partner trailing-average sales alert"] == "Languishing, Needs review"


def test_moving_in_triage_updates_the_editor_and_the_count(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    open_incident(qtbot, window, 2)
    tab = window.editor.followups
    window.editor.tabs.setCurrentWidget(tab)
    triage = open_triage(qtbot, window)
    settle(qtbot, window.ops, triage.board, tab.board)
    item = next(i for i in shown_items(triage.board) if i.title.startswith("Refuse to publish"))
    triage.board.select(item.id)
    triage.board.view.setFocus()
    qtbot.keyClick(triage.board.view, Qt.Key.Key_Down)
    assert triage.board.item(item.id).cell == (4, 4), "at once"
    settle(qtbot, window.ops, triage.board, tab.board)
    assert tab.board.item(item.id).cell == (4, 4), "the editor's tab heard of it"
    qtbot.keyClick(triage, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window.ops, triage.board, tab.board)
    assert window.workspace.followups.get(item.id).cell == (5, 4)
    assert tab.board.item(item.id).cell == (5, 4)
    # Deciding the item is done takes it off the attention count.
    done = window.workspace.followups.get(item.id).with_status(FollowUpStatus.DONE, TODAY)
    window.ops.run(lambda ws: ws.followups.save(done))
    wait_count(qtbot, window, "⚑ 3 follow-ups need attention")
    settle(qtbot, window.ops, triage.board)
    assert item.id not in triage.board.index, "no longer open work"


def test_the_count_equals_a_full_recount_after_random_moves_and_saves(
    make_window, demo_db, qtbot
) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    triage.status.setCurrentIndex(triage.status.findText("Any status"))
    settle(qtbot, window.ops, triage.board)
    service = window.workspace.followups
    rng = random.Random(20261126)
    integration = window.followups_ui
    for step in range(24):
        ids = triage.board.ranked_ids()
        item = triage.board.item(rng.choice(ids)) or service.get(rng.choice(ids))
        roll = rng.random()
        if roll < 0.45:  # a drag in Triage
            cells = [(v, f) for v in range(1, 6) for f in range(1, 6) if (v, f) != item.cell]
            triage.board.request_move(item.id, *rng.choice(cells))
        elif roll < 0.8:  # a save from elsewhere: status, due date, priority, kind
            changed = replace(
                service.get(item.id),
                due=rng.choice([None, date(2026, 1, 1), date(2027, 1, 1)]),
                priority=rng.choice(list(Priority)),
                kind=rng.choice(list(FollowUpKind)),
            ).with_status(rng.choice(list(FollowUpStatus)), TODAY)
            window.ops.run(lambda ws, c=changed: ws.followups.save(c))
        else:  # a new item, sometimes already overdue
            new = replace(
                service.new_item(rng.choice([1, 2, 3]), f"New item {step}"),
                due=rng.choice([None, date(2026, 1, 1)]),
                value=rng.randint(1, 5),
                feasibility=rng.randint(1, 5),
            )
            window.ops.run(lambda ws, n=new: ws.followups.create(n))
        settle(qtbot, window.ops, triage.board)
        expected = service.overview().report.count  # every item read, every rule in Python
        qtbot.waitUntil(lambda e=expected: integration.count == e, timeout=5000)
        assert triage.board.summary.counts.items == expected


def test_export_the_ranked_list_as_csv(make_window, demo_db, qtbot, tmp_path) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    choose_incident(qtbot, triage, "HS-3")
    target = tmp_path / "triage.csv"
    with qtbot.waitSignal(triage.exported, timeout=10000) as written:
        triage.export_csv(target)
    assert written.args == [target]
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row[2] for row in rows[1:]] == titles(triage.board)
    board = triage.board
    assert [row[0] for row in rows[1:]] == [
        board.model.index(r, 0).data() for r in range(board.model.rowCount())
    ]
    assert {row[1] for row in rows[1:]} == {"HS-3"}
    assert "Exported" in triage.statusBar().currentMessage()


def test_the_csv_is_first_offered_in_the_users_documents_not_the_apps_data(
    make_window, demo_db, qtbot, tmp_path, monkeypatch
) -> None:
    # QA: the save dialog opened in the app's data folder.
    from hindsight.paths import data_dir
    from hindsight.ui import file_dialogs

    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(file_dialogs, "documents_folder", lambda: documents)
    offered: list[str] = []
    chosen = tmp_path / "elsewhere" / "ranked.csv"
    chosen.parent.mkdir()

    def ask(_parent, _caption, directory, _filter):
        offered.append(directory)
        return str(chosen), ""

    monkeypatch.setattr(file_dialogs, "get_save_file_name", ask)
    with qtbot.waitSignal(triage.exported, timeout=10000):
        triage.export_csv()
    with qtbot.waitSignal(triage.exported, timeout=10000):
        triage.export_csv()
    assert offered[0] == str(documents / "follow-ups.csv")
    assert not offered[0].startswith(str(data_dir()))
    assert offered[1] == str(chosen.parent / "follow-ups.csv")  # where it was saved last


def test_export_failure_is_explained(make_window, demo_db, qtbot, tmp_path, errors) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    triage.export_csv(tmp_path / "missing" / "x.csv")
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert errors[-1][0] == "Export failed" and "missing" in errors[-1][1]


def test_attention_settings_change_the_count(make_window, demo_db, qtbot, when_modal):
    window = make_window(demo_db)
    wait_count(qtbot, window, "⚑ 4 follow-ups need attention")
    open_incident(qtbot, window, 2)
    tab = window.editor.followups
    window.editor.tabs.setCurrentWidget(tab)
    settle(qtbot, window.ops, tab.board)
    assert "1 languishing" in tab.summary.text()

    def raise_languishing(dialog: AttentionSettingsDialog) -> None:
        dialog.languishing.setValue(400)
        dialog.accept()

    when_modal(raise_languishing)
    window.followups_ui.settings_action.trigger()
    qtbot.waitUntil(lambda: load_section("followups").get("languishing_days") == 400, timeout=5000)
    settle(qtbot, window.ops, tab.board)
    # The trailing-average alert is no longer languishing, but its senior review is still due.
    wait_count(qtbot, window, "⚑ 4 follow-ups need attention")
    qtbot.waitUntil(lambda: "languishing" not in tab.summary.text())
    assert "1 senior review due" in tab.summary.text()

    def tighten(dialog: AttentionSettingsDialog) -> None:
        dialog.restore_defaults()
        assert dialog.languishing.value() == 90
        dialog.grace.setValue(30)  # overdue only a month after the due date
        dialog.accept()

    when_modal(tighten)
    window.followups_ui.settings_action.trigger()
    # Due 13 November: 13 days late, within the grace; the other two stay overdue.
    wait_count(qtbot, window, "⚑ 3 follow-ups need attention")


def test_closing_the_main_window_closes_triage(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    window.close()
    QApplication.processEvents()
    assert not triage.isVisible()


def test_view_and_settings_menus_offer_the_feature(make_window, db_path, qtbot) -> None:
    window = make_window(db_path)
    assert window.followups_ui.triage_action in window.view_menu.actions()
    assert window.followups_ui.settings_action in window.settings_menu.actions()
    wait_count(qtbot, window, "No follow-ups need attention")


def test_the_preview_explains_the_selected_item(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    alert = next(i for i in shown_items(triage.board) if i.title.startswith("Per-partner"))
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
    settle(qtbot, window.ops, triage.board)
    triage.board.select(item.id)
    html = triage.preview.toHtml()
    assert "<script" not in html and "javascript:" not in html
    assert "bold" in triage.preview.toPlainText()


def test_author_text_is_shown_literally(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    service = window.workspace.followups
    markup = "<b>bold</b> <img src=x> <a href='https://evil.example'>x</a>"
    item = replace(service.items(1)[0], title=markup, owner="<i>Ann</i>")
    service.save(item)
    triage = open_triage(qtbot, window)
    triage.status.setCurrentIndex(triage.status.findText("Any status"))
    settle(qtbot, window.ops, triage.board)
    board = triage.board
    row = board.model.row_of(item.id)
    assert board.model.index(row, 1).data() == markup
    assert board.model.index(row, 8).data() == "<i>Ann</i>"
    tip = board.model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;bold&lt;/b&gt;" in tip and "<b>" not in tip
    board.select(item.id)
    assert board.scene.cards[item.id].card.title == markup  # drawn as text, not parsed
    assert "<img" not in board.scene.cards[item.id].toolTip()
    assert markup in triage.preview.toPlainText()
    assert "<i>Ann</i>" in triage.preview.toPlainText()


def test_ranked_list_model_passes_qt_model_tester(qtmodeltester, make_window, demo_db, qtbot):
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    qtmodeltester.check(triage.board.model)
    triage.status.setCurrentIndex(triage.status.findText("Any status"))
    settle(qtbot, window.ops, triage.board)
    item = shown_items(triage.board)[0]
    triage.board.request_move(item.id, 1, 1)  # rows move while the tester watches
    settle(qtbot, window.ops, triage.board)
    qtmodeltester.check(triage.board.model)


def test_a_sparse_grid_fills_its_view_and_a_crowded_one_scrolls(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    view = triage.board.view
    triage.resize(1600, 1000)
    settle(qtbot, window.ops, triage.board)
    view.fit_width()
    shown = view.scene().sceneRect().height() * view.zoom
    assert view.viewport().height() - 12 <= shown <= view.viewport().height()
    assert not view.verticalScrollBar().isVisible()
    # Unfold a cell far beyond the view's height: the grid grows and scrolls instead.
    service = window.workspace.followups
    opened = service.items(1)[0].history[:1]
    window.ops.run(
        lambda ws: ws.followups.create_many(
            [
                FollowUp(title=f"x{n}", incident_id=1, value=1, feasibility=1, history=opened)
                for n in range(30)
            ]
        )
    )
    settle(qtbot, window.ops, triage.board)
    triage.board.scene.toggle_cell((1, 1))
    assert view.scene().sceneRect().height() * view.zoom > view.viewport().height()


def test_deleting_an_incident_takes_its_followups_off_triage(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    triage.status.setCurrentIndex(triage.status.findText("Any status"))
    window.activateWindow()
    open_incident(qtbot, window, 2)
    window.delete_incident()  # confirmed by the errors fixture
    qtbot.waitUntil(lambda: window.workspace.incidents.count() == 2)
    settle(qtbot, window.ops, triage.board)
    assert "HS-2" not in {item.incident_key for item in shown_items(triage.board)}
    assert len(triage.board.ranked_ids()) == 16
    wait_count(qtbot, window, "⚑ 2 follow-ups need attention")


def test_triage_fits_the_screen_and_restores_only_a_size_that_fits(
    make_window, demo_db, qtbot, settings
) -> None:
    window = make_window(demo_db)
    available = QGuiApplication.primaryScreen().availableGeometry()
    triage = open_triage(qtbot, window)
    assert fits(triage.geometry(), available)
    triage.resize(700, 500)
    triage.move(available.topLeft())
    triage.close()
    # A size that fits is restored ...
    again = TriageWindow(window.ops, settings, window)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 500)
    again.close()
    # ... one that no longer fits (a smaller screen since) is not.
    too_big = TriageWindow(window.ops, None, window)
    qtbot.addWidget(too_big)
    too_big.setGeometry(QRect(0, 0, available.width() + 400, available.height() + 300))
    settings.setValue("triage/geometry", too_big.saveGeometry())
    too_big.close()
    settings.setValue("triage/geometry", too_big.saveGeometry())
    third = TriageWindow(window.ops, settings, window)
    qtbot.addWidget(third)
    assert fits(third.geometry(), available)
    assert isinstance(settings.value("triage/geometry"), QByteArray)


def test_a_hidden_view_reads_changes_only_when_shown(make_window, demo_db, qtbot) -> None:
    window = make_window(demo_db)
    open_incident(qtbot, window, 2)
    tab = window.editor.followups
    window.editor.tabs.setCurrentWidget(tab)
    settle(qtbot, window.ops, tab.board)
    window.editor.tabs.setCurrentWidget(window.editor.overview)  # the tab is hidden now
    triage = open_triage(qtbot, window)
    item = next(i for i in shown_items(triage.board) if i.title.startswith("Refuse to publish"))
    triage.board.request_move(item.id, 1, 1)
    settle(qtbot, window.ops, triage.board)
    assert tab.board.item(item.id).cell == (5, 4), "nothing read while hidden"
    assert not tab.board.loaded
    window.editor.tabs.setCurrentWidget(tab)
    settle(qtbot, window.ops, tab.board)
    assert tab.board.item(item.id).cell == (1, 1)


def test_opening_triage_counts_the_items_once(make_window, demo_db, qtbot, monkeypatch) -> None:
    # The board's ranked read leaves the counts to their own read beside it: counting in both
    # read every item's attention twice on each open (20,000 items: tens of milliseconds).
    window = make_window(demo_db)
    counted: list[int | None] = []
    real = FollowUpService.summary

    def summary(self, incident_id=None, rules=None):
        counted.append(incident_id)
        return real(self, incident_id, rules)

    monkeypatch.setattr(FollowUpService, "summary", summary)
    triage = open_triage(qtbot, window)
    assert counted == [None]
    assert triage.count_label.text() == "11 of 23 follow-ups"


def test_filters_set_before_the_view_shows_cost_one_read(make_window, demo_db, qtbot, monkeypatch):
    window = make_window(demo_db)
    settle(qtbot, window.ops)
    reads: list[object] = []
    real = FollowUpService.board

    def board(self, incident_id=None, chosen=None, **options):
        reads.append(chosen.statuses if chosen is not None else None)
        return real(self, incident_id, chosen, **options)

    monkeypatch.setattr(FollowUpService, "board", board)
    triage = TriageWindow(window.ops)
    qtbot.addWidget(triage)
    triage.status.setCurrentIndex(triage.status.findText("Any status"))
    assert reads == []  # nothing is read for a window nobody sees yet
    triage.show()
    settle(qtbot, window.ops, triage.board)
    assert reads == [None]  # one read, of what the filters say when it shows
    assert triage.count_label.text() == "23 of 23 follow-ups"


def test_ctrl_t_just_after_start_makes_the_followup_service_off_the_gui_thread(
    make_window, demo_db, qtbot, monkeypatch
):
    window = make_window(demo_db)
    settle(qtbot, window.ops)
    made_on = made_off_the_gui_thread(monkeypatch, window, "followups", FollowUpService)
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.followups_ui.triage is not None)
    triage = window.followups_ui.triage
    qtbot.waitExposed(triage)
    settle(qtbot, window.ops, triage.board)
    assert made_on == [False]
    assert triage.count_label.text() == "11 of 23 follow-ups"


def test_a_short_triage_window_scrolls_and_a_roomy_one_does_not(make_window, demo_db, qtbot):
    # At 2x scale on a 1366x768 screen the filters, the summary and the notices left the grid
    # and the ranked list about 100 pixels: now the window scrolls, the grid keeping its height.
    from hindsight.ui.followups.triage import BOARD_MIN_HEIGHT

    window = make_window(demo_db)
    triage = open_triage(qtbot, window)
    scroll = triage.centralWidget()
    triage.resize(1342, 720)  # 1366x768 at 1x, less a panel and the title bar
    QApplication.processEvents()
    qtbot.waitUntil(
        lambda: scroll.verticalScrollBar().maximum() == 0, timeout=3000
    )  # everything fits: no scroll bar
    assert triage.board.height() >= BOARD_MIN_HEIGHT
    triage.board.setMinimumHeight(2 * scroll.viewport().height())  # a far shorter screen
    QApplication.processEvents()
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0, timeout=3000)
    assert triage.board.height() >= 2 * scroll.viewport().height() - 1
    assert scroll.widget().width() == scroll.viewport().width()  # never sideways
    triage.board.setMinimumHeight(BOARD_MIN_HEIGHT)
