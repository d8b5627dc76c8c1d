"""kill -9 while typing: at most the last half second of typing is lost, and it is offered back.

A child process opens the app on a database, types into an incident's summary (or into a new
timeline event's dialog) through the real widgets and says after each key what it has typed
and when. The test kills it with SIGKILL at
some moment, then opens the app again as a user would and checks what it gets back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from hindsight.paths import DATA_DIR_ENV
from hindsight.services.workspace import Workspace

from .conftest import settle

ALPHABET = "abcdefghijklmnopqrstuvwxyz"
ALLOWED_LOSS_S = 0.5

TYPIST = """
import os, sys, time
from pathlib import Path
from PySide6.QtTest import QTest
from hindsight.ui.app import app_settings, application
from hindsight.ui.main_window import MainWindow

app = application()
window = MainWindow(None, app_settings())
window.show()
window.open_path(Path(sys.argv[1]))

def settle(condition):
    while not condition():
        app.processEvents()
        time.sleep(0.002)

settle(lambda: window.workspace is not None and window.has_editor and not window.busy)
window.show_incident(1)
settle(lambda: window.editor.incident is not None and not window.busy)
field = window.editor.overview.summary
field.setFocus()
field.moveCursor(field.textCursor().MoveOperation.End)
alphabet = sys.argv[2]
print("ready", flush=True)
n = 0
while True:
    QTest.keyClick(field, alphabet[n % len(alphabet)])
    n += 1
    print(f"typed {n} {time.monotonic():.6f}", flush=True)
    end = time.monotonic() + 0.03  # about thirty keys a second: a fast typist
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.002)
"""


# The same typist, in the dialog of a new timeline event (its exec() runs the typing loop).
DIALOG_TYPIST = (
    TYPIST.split("field = window.editor.overview.summary")[0]
    + """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

window.editor.show_tab("timeline")
alphabet = sys.argv[2]

def type_in_dialog():
    dialog = QApplication.activeModalWidget()
    if dialog is None:
        QTimer.singleShot(10, type_in_dialog)
        return
    field = dialog.text
    field.setFocus()
    print("ready", flush=True)
    n = 0
    while True:
        QTest.keyClick(field, alphabet[n % len(alphabet)])
        n += 1
        print(f"typed {n} {time.monotonic():.6f}", flush=True)
        end = time.monotonic() + 0.03
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.002)

QTimer.singleShot(0, type_in_dialog)
window.editor.timeline.add_record()
"""
)


def typed(count: int) -> str:
    """The text the typist had typed after `count` keys."""
    return "".join(ALPHABET[n % len(ALPHABET)] for n in range(count))


def type_then_kill(db: Path, data: Path, typing_s: float, typist: str = TYPIST) -> tuple[int, int]:
    """Type for `typing_s` seconds, kill -9; return (keys typed, keys typed 0.5 s before)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env[DATA_DIR_ENV] = str(data)
    child = subprocess.Popen(
        [sys.executable, "-c", typist, str(db), ALPHABET],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    moments: list[tuple[int, float]] = []
    started: float | None = None
    try:
        for line in child.stdout:
            if line.startswith("ready"):
                started = time.monotonic()
            elif line.startswith("typed"):
                _, count, at = line.split()
                moments.append((int(count), float(at)))
                assert started is not None
                if time.monotonic() - started >= typing_s:
                    break
        killed_at = time.monotonic()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(10)
        assert child.stderr is not None
        errors = child.stderr.read()
    assert child.returncode == -signal.SIGKILL, errors
    assert moments, errors
    safe = max((n for n, at in moments if at <= killed_at - ALLOWED_LOSS_S), default=0)
    return moments[-1][0], safe


@pytest.mark.parametrize("typing_s", [0.4, 1.3, 2.9])
def test_a_kill_loses_at_most_half_a_second_of_typing(
    make_window, db_path: Path, data_dir: Path, qtbot, when_modal, typing_s: float
) -> None:
    workspace = Workspace.open(db_path)
    workspace.incidents.create("Typed into, then killed")
    workspace.close()

    last, safe = type_then_kill(db_path, data_dir, typing_s)
    assert last > safe > 0 or typing_s < ALLOWED_LOSS_S + 0.2

    told: list[str] = []

    def open_it(box: QMessageBox) -> None:
        told.append(box.text())
        next(b for b in box.buttons() if b.text().startswith("Open")).click()

    when_modal(open_it)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(told), timeout=15000)
    assert "HS-1" in told[0]  # the user is told what was recovered
    qtbot.waitUntil(
        lambda: window.editor.incident is not None and window.editor.incident.id == 1,
        timeout=10000,
    )
    settle(qtbot, window)
    recovered = window.editor.incident.summary
    # Everything typed more than half a second before the kill is back, in order.
    assert recovered.startswith(typed(safe)), (safe, last, recovered)
    assert typed(last).startswith(recovered)
    assert window.editor.overview.summary.toPlainText() == recovered
    # Put back as an edit: saved like any other, and Ctrl+Z takes it back.
    assert window.editor.undo_stack.canUndo()


def test_a_kill_while_typing_in_a_dialog_loses_at_most_half_a_second(
    make_window, db_path: Path, data_dir: Path, qtbot, when_modal
) -> None:
    from hindsight.ui.editor.dialogs import EventDialog

    workspace = Workspace.open(db_path)
    workspace.incidents.create("Typed into a dialog, then killed")
    workspace.close()

    last, safe = type_then_kill(db_path, data_dir, 1.3, DIALOG_TYPIST)
    assert last > safe > 0

    told: list[str] = []
    recovered: list[str] = []

    def restore(box: QMessageBox) -> None:
        told.append(box.text())
        when_modal(lambda dialog: fill_check(dialog))
        next(b for b in box.buttons() if b.text() == "Restore").click()

    def fill_check(dialog) -> None:
        if not isinstance(dialog, EventDialog):  # the box, not closed yet
            when_modal(fill_check)
            return
        recovered.append(dialog.text.toPlainText())
        dialog.reject()

    when_modal(restore)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(recovered), timeout=15000)
    assert told[0].startswith("While you were adding a timeline event to HS-1, Hindsight stopped")
    # Everything typed more than half a second before the kill is back, in order.
    assert recovered[0].startswith(typed(safe)), (safe, last, recovered)
    assert typed(last).startswith(recovered[0])
    settle(qtbot, window)


def test_a_journal_that_cannot_write_is_said_in_the_window_not_only_the_log(
    make_window, db_path, data_dir, qtbot
) -> None:
    from .conftest import new_incident

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "recovery").write_text("a file where the journal's folder should be")
    window = make_window(db_path)
    new_incident(qtbot, window, "Journal blocked")
    assert window.journal_label.isHidden()
    qtbot.keyClicks(window.editor.overview.summary, "Typed while the journal cannot write.")
    qtbot.waitUntil(lambda: not window.journal_label.isHidden(), timeout=5000)
    assert "not kept for crash recovery" in window.journal_label.toolTip()
    assert "recovery" in window.journal_label.toolTip()  # which path, and why

    (data_dir / "recovery").unlink()  # the folder can be made again: the warning goes
    qtbot.keyClicks(window.editor.overview.summary, " More.")
    qtbot.waitUntil(lambda: window.journal_label.isHidden(), timeout=5000)


def test_recovered_edits_older_than_a_save_made_since_are_neither_put_back_nor_lost_by_default(
    make_window, db_path: Path, data_dir: Path, qtbot, when_modal
) -> None:
    # QA: a bare Yes/No whose default, Yes, overwrote the newer saved version.
    workspace = Workspace.open(db_path)
    workspace.incidents.create("Typed into, then killed")
    workspace.close()
    last, _ = type_then_kill(db_path, data_dir, 0.9)
    assert last > 0
    workspace = Workspace.open(db_path)  # saved elsewhere since the edits were made
    try:
        incident = workspace.incidents.get(1)
        incident.summary = "Saved by someone else since."
        workspace.incidents.save(incident)
    finally:
        workspace.close()

    asked: list[tuple[list[str], str]] = []
    choices = ["Decide Later", "Put Back Mine"]

    def handle(box: QMessageBox) -> None:
        # Every box the start and the opening of the incident show, in the order they come.
        if box.windowTitle() == "Recovered edits are older":
            asked.append(([b.text() for b in box.buttons()], box.defaultButton().text()))
            choice = choices.pop(0)
            next(b for b in box.buttons() if b.text() == choice).click()
        else:
            next(b for b in box.buttons() if b.text().startswith("Open")).click()
        if choices:
            when_modal(handle)

    when_modal(handle)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(asked), timeout=15000)
    buttons, default = asked[0]
    assert sorted(buttons) == ["Decide Later", "Discard Mine", "Put Back Mine"]
    assert default == "Decide Later"
    qtbot.waitUntil(
        lambda: window.editor.incident is not None and window.editor.incident.id == 1,
        timeout=10000,
    )
    settle(qtbot, window)
    assert window.editor.incident.summary == "Saved by someone else since."
    # Kept: asked again when the incident opens again; Put Back Mine brings the typing back.
    window.show_incident(None)
    window.show_incident(1)
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=15000)
    qtbot.waitUntil(
        lambda: (
            window.editor.incident is not None
            and window.editor.incident.summary.startswith(typed(1))
        ),
        timeout=10000,
    )
