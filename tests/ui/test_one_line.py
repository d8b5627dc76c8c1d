"""One-line fields stay on one line, keep to their limit and say so; a new title is not lost."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from hindsight.services.incidents import MAX_TITLE
from hindsight.services.workspace import Workspace
from hindsight.ui.one_line import one_line

from .conftest import open_incident, save_and_wait, settle


def test_a_pasted_line_break_or_tab_becomes_a_space(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    one_line(edit, "The title")
    seen: list[str] = []
    edit.textEdited.connect(seen.append)
    QGuiApplication.clipboard().setText("Feature store lag\nsecond line\ttab\r\n\u2028end")
    edit.paste()
    assert edit.text() == "Feature store lag second line tab end"
    assert seen[-1] == edit.text()  # what the edit handlers are given, too


def test_the_title_pasted_with_line_breaks_reaches_the_record_on_one_line(
    make_window, demo_db, qtbot
):
    window = make_window(demo_db)
    open_incident(qtbot, window, 3)  # a draft: editable
    title = window.editor.overview.title
    title.selectAll()
    QGuiApplication.clipboard().setText("Stale embeddings\n\tafter the backfill")
    title.paste()
    save_and_wait(qtbot, window)
    workspace = Workspace.open(demo_db)
    try:
        assert workspace.incidents.get(3).title == "Stale embeddings after the backfill"
    finally:
        workspace.close()


def test_a_new_incidents_long_title_is_kept_to_the_limit_not_thrown_away(
    make_window, demo_db, qtbot
):
    window = make_window(demo_db)
    settle(qtbot, window)
    before = window.workspace.incidents.count()
    seen: dict[str, object] = {}

    def paste_and_accept() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        field = dialog.findChild(QLineEdit)
        QGuiApplication.clipboard().setText("Ranker served stale embeddings\n" + "x" * 10_000)
        field.paste()
        seen["text"] = field.text()
        dialog.accept()

    QTimer.singleShot(200, paste_and_accept)
    window.new_incident()
    text = seen["text"]
    assert isinstance(text, str) and len(text) == MAX_TITLE and "\n" not in text
    qtbot.waitUntil(lambda: window.workspace.incidents.count() == before + 1, timeout=10000)
    qtbot.waitUntil(
        lambda: (
            window.has_editor
            and window.editor.incident is not None
            and window.editor.incident.title == text
        ),
        timeout=10000,
    )
