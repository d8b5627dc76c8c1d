"""A custom pattern with nested repeats cannot freeze the window: the settings refuse it, and
one stored anyway is stopped in the scan while the window keeps answering."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog

from hindsight.preferences import save_section
from hindsight.services.pii_scan import pattern_specs
from hindsight.ui.privacy.patterns_dialog import PatternsDialog

from .conftest import new_incident

EVIL = r"(x+x+)+y"


@pytest.mark.timeout(60)
def test_the_patterns_dialog_refuses_a_runaway_pattern_by_name(qtbot):
    dialog = PatternsDialog()
    qtbot.addWidget(dialog)
    dialog.add_row("Evil", EVIL)
    problem = dialog.problem.text()
    assert "The pattern “Evil” took more than" in problem
    assert "nested repeats like (x+)+ can take forever" in problem
    assert not dialog.problem.isHidden()
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert pattern_specs() == []

    dialog.table.item(0, 1).setText(r"CUST-\d{8}")
    assert dialog.problem.isHidden()
    assert "Evil" in dialog.sample_result.text()  # found CUST-00421337 in the sample
    dialog.accept()
    assert pattern_specs() == [("Evil", r"CUST-\d{8}")]


# On a scanner that holds the interpreter lock while a pattern runs away, the GUI thread never
# runs again and this hangs until the marker's timeout ends it.
@pytest.mark.timeout(120)
def test_the_window_answers_while_a_runaway_pattern_is_stopped(make_window, db_path, qtbot):
    # As a pattern saved before patterns were probed, or written into the file by hand.
    save_section(
        "privacy",
        {"patterns": [{"name": "Evil", "regex": EVIL}, {"name": "Id", "regex": r"CUST-\d{8}"}]},
    )
    window = make_window(db_path)
    new_incident(qtbot, window, "Replay stalled")
    editor = window.editor
    summary = "Mail jo@example.com about CUST-00421337 " + "x" * 10_000
    editor.overview.summary.setPlainText(summary)
    qtbot.waitUntil(lambda: editor.incident.summary == summary, timeout=5000)

    tab = editor.privacy
    beats: list[bool] = []
    heartbeat = QTimer()
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(lambda: beats.append(tab.scan.scanning))
    heartbeat.start()
    tab.pages.setCurrentWidget(tab.scan)
    editor.tabs.setCurrentWidget(tab)  # showing the tab starts a scan on a worker
    qtbot.waitUntil(lambda: not tab.scan.scanning and bool(tab.scan.stopped), timeout=60_000)
    heartbeat.stop()

    assert beats.count(True) >= 3  # the GUI thread ran its timer while the scan went on
    assert [(f.label, f.text) for f in tab.scan.findings] == [
        ("E-mail address", "jo@example.com"),
        ("Id", "CUST-00421337"),
    ]
    assert [(s.name, s.where) for s in tab.scan.stopped] == [("Evil", "Overview · Summary")]
    shown = tab.scan.stopped_label.text()
    assert "“Evil” was stopped" in shown and "in Overview · Summary" in shown
    assert "simplify it: nested repeats like (x+)+ can take forever" in shown
    assert tab.scan.stopped_label.isVisibleTo(tab.scan)
    assert tab.scan.summary.text() == "2 findings, 1 pattern stopped"

    # A scan with nothing stopped takes the warning away again.
    tab.patterns = [p for p in tab.patterns if p.name != "Evil"]
    tab.scan.rescan()
    qtbot.waitUntil(lambda: not tab.scan.scanning, timeout=10_000)
    assert tab.scan.stopped == []
    assert not tab.scan.stopped_label.isVisibleTo(tab.scan)
    assert tab.scan.summary.text() == "2 findings"
