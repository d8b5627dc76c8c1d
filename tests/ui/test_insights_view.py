"""The Insights view, driven as a person would: open it, change the scope, click a bar."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from hindsight import cli
from hindsight.core.enums import Phase, Severity
from hindsight.core.followups import FollowUp, FollowUpStatus, Priority, StatusStep
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.impact import ImpactMeasure
from hindsight.core.incident import Incident, TeamInvolvement
from hindsight.core.review import Answer
from hindsight.services.workspace import Workspace
from hindsight.ui import file_dialogs
from hindsight.ui.insights import window as insights_window

from .conftest import settle

SEVERITIES = (Severity.SEV1, Severity.SEV3, Severity.SEV1, Severity.SEV2, Severity.SEV3)


def when(text: str) -> FuzzyTime:
    return FuzzyTime.exact(datetime.fromisoformat(text).replace(tzinfo=UTC))


@pytest.fixture
def insights_db(db_path: Path) -> Path:
    """Five incidents over three months; two are SEV1; one follow-up item."""
    workspace = Workspace.open(db_path)
    try:
        for n, severity in enumerate(SEVERITIES):
            stored = workspace.incidents.add(
                Incident(
                    title=f"incident {n + 1}",
                    severity=severity,
                    milestones={
                        Phase.OUTAGE_BEGINS: when(f"2025-0{1 + n // 2}-1{n}"),
                        Phase.DETECTION: when(f"2025-0{1 + n // 2}-1{n} 06:00"),
                    },
                    teams=[TeamInvolvement("SRE")],
                    answers={"detection.source": Answer("detection.source", value="end_users")},
                )
            )
        assert stored.id is not None
        workspace.followups.create_many(
            [
                FollowUp(
                    title="alert",
                    incident_id=stored.id,
                    priority=Priority.HIGHEST,
                    history=[StatusStep(FollowUpStatus.OPEN, date(2025, 3, 20))],
                )
            ]
        )
    finally:
        workspace.close()
    return db_path


def open_view(window, qtbot, size: tuple[int, int] | None = None):
    window.insights_ui.open_action.trigger()
    view = window.insights_ui.view
    if size is not None:
        # Before the figures arrive, so that each chart is drawn at one width only: the view
        # opens at its preferred size cut to the screen, and a resize draws the charts again.
        view.resize(*size)
    qtbot.waitUntil(lambda: view.insights is not None and not window.ops.busy, timeout=20000)
    return view


def on_screen(view, key: str, qtbot):
    """Scroll the chart `key` into view and wait until it is drawn where it will stay."""
    card = view.cards[key]
    view.charts_area.ensureWidgetVisible(card)
    qtbot.waitUntil(lambda: card.canvas.builds > 0 and not card.canvas.pending, timeout=5000)
    return card


def test_the_view_opens_with_every_chart(make_window, insights_db, qtbot) -> None:
    window = make_window(insights_db)
    assert window.insights_ui.open_action.shortcut().toString() == "Ctrl+I"
    view = open_view(window, qtbot)
    assert view.isVisible()
    keys = [c.key for c in view.insights.charts]
    assert list(view.cards) == keys and len(keys) == 21
    card = view.cards["incidents_over_time"]
    assert card.title.text() == "Incidents over time, by severity"
    assert card.coverage.text() == "Covers 5 incidents; 0 had no answer."
    assert (
        view.cards["attention"]
        .coverage.text()
        .startswith("Covers 5 incidents and their 1 follow-up item")
    )
    assert "5 incidents, 1 follow-up item;" in view.summary.text()
    # The chart on screen is drawn; its numbers can be shown as a table too.
    on_screen(view, "incidents_over_time", qtbot)
    card.numbers_action.trigger()
    assert card.numbers.isVisible()
    assert card.numbers.item(0, 0).text() == "Jan 2025"
    assert card.numbers.item(0, 1).text() == "1"  # SEV1 in January


def test_a_scope_change_and_a_click_list_those_incidents(
    make_window, insights_db, qtbot, capsys
) -> None:
    window = make_window(insights_db)
    view = open_view(window, qtbot)
    view.scope_bar.severities._actions["SEV1"].trigger()
    qtbot.waitUntil(
        lambda: view.insights.scope.severities == {Severity.SEV1} and not window.ops.busy,
        timeout=10000,
    )
    card = view.cards["incidents_over_time"]
    assert card.coverage.text() == "Covers 2 incidents; 0 had no answer."
    assert view.scope_bar.severities.text() == "SEV1"
    on_screen(view, "incidents_over_time", qtbot)
    point = card.canvas.point_of("SEV1", "2025-02")
    assert point is not None
    qtbot.mouseClick(card.canvas, Qt.MouseButton.LeftButton, pos=point)
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-3"]
    assert window.list_pane.only_bar.isVisible()
    assert (
        "1 incident — Incidents over time, by severity: SEV1, Feb 2025"
        in window.list_pane.only_label.text()
    )
    qtbot.mouseClick(window.list_pane.only_clear, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert len(window.list_pane.visible_keys()) == 5

    # The command line's JSON for the same scope is what the view shows.
    code = cli.main(
        ["insights", "--db", str(insights_db), "--format", "json", "--severity", "SEV1"]
    )
    out = capsys.readouterr().out
    assert code == 0
    shown = json.loads(json.dumps(view.insights.to_mapping()))
    printed = json.loads(out)
    for key in ("scope", "period", "today", "incidents", "followups", "charts"):
        assert printed[key] == shown[key], key


def test_a_saved_search_scopes_the_view(make_window, insights_db, qtbot) -> None:
    window = make_window(insights_db)
    window.ops.run(lambda ws: ws.search.save("Third", '"incident 3"'), lambda _: None)
    settle(qtbot, window)
    view = open_view(window, qtbot)
    bar = view.scope_bar
    qtbot.waitUntil(lambda: bar.search.findData("Third") > 0, timeout=5000)
    assert bar.search.currentText() == "Any incident"
    assert bar.choose_search("Third")
    qtbot.waitUntil(
        lambda: view.insights.scope.saved_search == "Third" and not window.ops.busy,
        timeout=10000,
    )
    assert view.insights.incidents == 1
    assert (
        view.cards["incidents_over_time"].coverage.text() == "Covers 1 incident; 0 had no answer."
    )
    assert "Saved search “Third”: 1 incident" in view.summary.text()
    # Deleted elsewhere: the view says so, then falls back to every incident.
    [saved] = window.workspace.search.saved()
    window.ops.run(lambda ws: ws.search.delete(saved.id), lambda _: None)
    qtbot.waitUntil(
        lambda: bar.saved_search() == "" and view.insights.incidents == 5 and not window.ops.busy,
        timeout=10000,
    )
    assert bar.search.count() == 1
    # ...and says why the scope changed (it fell back without a word; found by QA).
    assert "“Third” is gone" in view.statusBar().currentMessage()


def test_impact_totals_show_as_tables_that_list_their_incidents(
    make_window, insights_db, qtbot
) -> None:
    workspace = Workspace.open(insights_db)
    try:
        workspace.incidents.add(
            Incident(
                title="incident 6",
                milestones={Phase.OUTAGE_BEGINS: when("2025-03-01")},
                impacts=[ImpactMeasure("Queries lost", 1e9, 1.5e9, 1.21e9, "queries")],
            )
        )
    finally:
        workspace.close()
    window = make_window(insights_db)
    view = open_view(window, qtbot)
    card = view.cards["impact_totals"]
    view.charts_area.ensureWidgetVisible(card)
    qtbot.waitUntil(lambda: card.numbers.isVisible(), timeout=5000)
    assert not card.canvas.isVisible() and card.canvas.builds == 0
    assert not card.save_png_action.isEnabled()
    assert card.numbers.item(0, 0).text() == "Queries lost (queries)"
    assert [card.numbers.item(0, n).text() for n in (2, 3, 4)] == [
        "1,000,000,000",
        "1,210,000,000",
        "1,500,000,000",
    ]
    assert card.coverage.text() == "Covers 6 incidents; 5 had no answer."
    rect = card.numbers.visualItemRect(card.numbers.item(0, 0))
    # A press first, as a person's double-click starts with one (Qt needs it to count two).
    qtbot.mouseClick(card.numbers.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(card.numbers.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-6"]
    # Measures with no number are counted apart, with why.
    left_out = view.cards["impact_not_combined"]
    assert left_out.canvas.isVisibleTo(left_out)


def test_clicking_a_range_or_a_count_lists_its_incidents(make_window, insights_db, qtbot) -> None:
    window = make_window(insights_db)
    view = open_view(window, qtbot)
    card = on_screen(view, "time_to_detect", qtbot)
    one = card.canvas.point_of("range", "HS-4")
    assert one is not None
    qtbot.mouseClick(card.canvas, Qt.MouseButton.LeftButton, pos=one)
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-4"]
    assert "Time to detect (hours from impact start): HS-4" in window.list_pane.only_label.text()
    answered = card.canvas.point_of("answered", "total")
    assert answered is not None
    qtbot.mouseClick(card.canvas, Qt.MouseButton.LeftButton, pos=answered)
    settle(qtbot, window)
    assert len(window.list_pane.visible_keys()) == 5
    assert "incidents with a range" in window.list_pane.only_label.text()


def test_a_chart_with_a_second_axis_takes_clicks_too(make_window, insights_db, qtbot) -> None:
    window = make_window(insights_db)
    view = open_view(window, qtbot)
    card = on_screen(view, "found_first", qtbot)  # bars, and a share line on an axis of its own
    point = card.canvas.point_of("end_users", "2025-03")
    assert point is not None
    qtbot.mouseClick(card.canvas, Qt.MouseButton.LeftButton, pos=point)
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-5"]


def test_saves_redraw_while_shown_and_wait_while_hidden(make_window, insights_db, qtbot) -> None:
    window = make_window(insights_db)
    view = open_view(window, qtbot)
    workspace = window.workspace
    incident = workspace.incidents.get_by_key("HS-2")
    incident.severity = Severity.SEV1
    with qtbot.waitSignal(view.updated, timeout=10000):
        workspace.incidents.save(incident)
    assert view.cards["incidents_over_time"].coverage.text().startswith("Covers 5")
    assert view.insights.chart("incidents_over_time").value("SEV1", "2025-01") == 2
    # Severity enters one chart only: only that one is drawn again.
    assert view.state.text() == "1 chart redrawn."

    view.close()
    incident = workspace.incidents.get_by_key("HS-5")
    incident.severity = Severity.SEV1
    workspace.incidents.save(incident)
    qtbot.wait(CHANGE_PAUSE_MS)
    assert view._stale and view.insights.chart("incidents_over_time").value("SEV1", "2025-03") == 0
    with qtbot.waitSignal(view.updated, timeout=10000):
        window.insights_ui.open_view()
    assert view.insights.chart("incidents_over_time").value("SEV1", "2025-03") == 1


CHANGE_PAUSE_MS = insights_window.CHANGE_DELAY_MS + 200


def test_copy_and_save_a_chart(make_window, insights_db, qtbot, tmp_path, monkeypatch) -> None:
    window = make_window(insights_db)
    view = open_view(window, qtbot)
    card = view.cards["trigger_kinds"]
    card.copy_action.trigger()
    copied = QGuiApplication.clipboard().mimeData()
    assert copied.hasImage() and b"Kind of trigger" in bytes(copied.data("image/svg+xml"))
    target = tmp_path / "triggers.svg"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(target), ""))
    card.save_svg_action.trigger()
    qtbot.waitUntil(target.exists, timeout=10000)
    assert "<svg" in target.read_text() and "Kind of trigger" in target.read_text()
    # A saved file says what it shows; the copy (pasted beside its title) and the card's
    # picture are as before.
    assert card.chart.title in target.read_text()
    assert card.chart.title not in bytes(copied.data("image/svg+xml")).decode()
    png = tmp_path / "triggers"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(png), ""))
    card.save_png_action.trigger()
    qtbot.waitUntil(lambda: png.with_suffix(".png").exists(), timeout=10000)
    assert png.with_suffix(".png").read_bytes().startswith(b"\x89PNG")


def test_export_insights_from_the_file_menu(
    make_window, insights_db, qtbot, tmp_path, monkeypatch
) -> None:
    window = make_window(insights_db)
    target = tmp_path / "quarterly.md"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(target), ""))
    assert window.insights_ui.export_action in window.file_menu.actions()
    window.insights_ui.export_action.trigger()
    qtbot.waitUntil(target.exists, timeout=20000)
    text = target.read_text()
    assert text.startswith("# Insights across incidents") and "all incidents: 5 incidents" in text


def test_the_export_holds_the_scope_on_screen(
    make_window, insights_db, qtbot, tmp_path, monkeypatch
) -> None:
    window = make_window(insights_db)
    view = open_view(window, qtbot)
    view.scope_bar.severities._actions["SEV3"].trigger()
    qtbot.waitUntil(lambda: view.insights.incidents == 2 and not window.ops.busy, timeout=10000)
    target = tmp_path / "sev3.json"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(target), ""))
    view.export_action.trigger()
    qtbot.waitUntil(target.exists, timeout=20000)
    assert json.loads(target.read_text())["charts"] == json.loads(
        json.dumps(view.insights.to_mapping()["charts"])
    )


def test_starting_the_app_does_not_import_matplotlib(insights_db, tmp_path) -> None:
    script = (
        "import sys\n"
        "from hindsight.ui.app import application, app_settings\n"
        "from hindsight.ui.main_window import MainWindow\n"
        "from hindsight.services.workspace import Workspace\n"
        "application()\n"
        f"window = MainWindow(Workspace.open({str(insights_db)!r}), app_settings())\n"
        "window.show()\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib was imported at start-up'\n"
        "window.insights_ui.open_view()\n"
        "assert 'matplotlib' in sys.modules\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HINDSIGHT_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_a_narrow_view_puts_one_chart_a_row_and_never_scrolls_sideways(
    make_window, insights_db, qtbot
) -> None:
    # At 2x scale on a 1366x768 screen two charts a row made the page wider than the window:
    # it scrolled sideways and each chart's "⋯" button was out of sight (found by QA).
    window = make_window(insights_db)
    view = open_view(window, qtbot, (560, 480))
    area = view.charts_area
    qtbot.waitUntil(lambda: area.horizontalScrollBar().maximum() == 0, timeout=5000)
    detect, mitigate = view.cards["time_to_detect"], view.cards["time_to_mitigate"]
    qtbot.waitUntil(lambda: detect.y() < mitigate.y(), timeout=5000)  # one a row
    assert area.horizontalScrollBar().maximum() == 0
    button = detect.menu_button
    right = button.mapTo(area.viewport(), button.rect().topRight()).x()
    assert right <= area.viewport().width()
    view.resize(1300, 700)  # roomy again: two a row
    qtbot.waitUntil(lambda: detect.y() == mitigate.y(), timeout=5000)
    assert area.horizontalScrollBar().maximum() == 0


def test_the_wheel_over_a_chart_is_left_to_the_page(make_window, insights_db, qtbot) -> None:
    # matplotlib's canvas took every wheel turn: over a chart (most of the page) the page
    # did not scroll (found by QA). A turn the canvas leaves goes on to the scrolling page
    # (Qt passes an ignored wheel event to the parents; here, as an event the app sent, it
    # stops at the canvas, so the page's own handler is given it as Qt would).
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent

    window = make_window(insights_db)
    view = open_view(window, qtbot, (900, 500))
    area = view.charts_area
    bar = area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    canvas = on_screen(view, "incidents_over_time", qtbot).canvas
    bar.setValue(0)

    def turn() -> QWheelEvent:
        at = QPointF(canvas.width() / 2, canvas.height() / 2)
        return QWheelEvent(
            at,
            QPointF(canvas.mapToGlobal(at.toPoint())),
            QPoint(0, 0),
            QPoint(0, -120),  # one notch towards the user: down the page
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )

    event = turn()
    canvas.wheelEvent(event)
    assert not event.isAccepted()
    area.wheelEvent(turn())
    assert bar.value() > 0


def test_saving_a_chart_again_starts_in_the_folder_chosen_last(
    make_window, insights_db, qtbot, tmp_path, monkeypatch
) -> None:
    # Each Save as PNG/SVG and Export Report started in the data folder again (found by QA).
    window = make_window(insights_db)
    view = open_view(window, qtbot)
    card = view.cards["trigger_kinds"]
    offered: list[str] = []
    chosen = tmp_path / "charts" / "mine.svg"
    chosen.parent.mkdir()

    def ask(_parent, _caption, directory, _filter):
        offered.append(directory)
        return str(chosen), ""

    monkeypatch.setattr(file_dialogs, "get_save_file_name", ask)
    card.save_svg_action.trigger()
    qtbot.waitUntil(chosen.exists, timeout=10000)
    card.save_png_action.trigger()
    qtbot.waitUntil(lambda: len(offered) == 2, timeout=5000)
    assert Path(offered[1]).parent == chosen.parent
    assert Path(offered[1]).name == "trigger_kinds.png"
