"""A file dialog listing the open database's folder must not cost the database its saves.

Qt's dialog read each listed file's first bytes to find its icon and kind; opening and closing
the database's files from the app's process dropped the POSIX locks SQLite holds on them, so
the next program to close the database deleted its -wal and -shm under the app, and the app's
later saves went nowhere while it said "Saved" (found by trying the app: Ctrl+O, Esc, then
`hindsight list`).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import QFileInfo
from PySide6.QtWidgets import QApplication, QFileDialog, QTreeView

from hindsight.ui import file_dialogs


def open_like_the_app(path):
    """A connection that keeps the database open in WAL mode, as the app's do."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE IF NOT EXISTS notes(text TEXT)")
    connection.execute("INSERT INTO notes VALUES ('A')")
    return connection


def list_folder_in_a_dialog(qtbot, folder) -> None:
    dialog = QFileDialog(None, "Open database", str(folder), "All files (*)")
    file_dialogs.configure(dialog)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)  # icons and kinds of every file
    dialog.resize(700, 500)
    dialog.show()
    qtbot.waitExposed(dialog)
    view = dialog.findChild(QTreeView)
    assert view is not None
    qtbot.waitUntil(lambda: view.model().rowCount(view.rootIndex()) >= 3, timeout=5000)
    until = time.monotonic() + 1.5  # the icon gatherer works in its own thread
    while time.monotonic() < until:
        QApplication.processEvents()
        view.viewport().repaint()
    dialog.reject()
    dialog.deleteLater()


def another_program_opens_and_closes(path) -> None:
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " c.execute('SELECT count(*) FROM sqlite_master').fetchall(); c.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks")
def test_listing_the_database_folder_keeps_later_saves(qtbot, tmp_path):
    db = tmp_path / "hindsight.sqlite"
    app_connection = open_like_the_app(db)
    try:
        list_folder_in_a_dialog(qtbot, tmp_path)
        another_program_opens_and_closes(db)
        assert (tmp_path / "hindsight.sqlite-wal").exists()
        app_connection.execute("INSERT INTO notes VALUES ('B')")  # a save after the dialog
        reader = sqlite3.connect(db)
        try:
            assert [r[0] for r in reader.execute("SELECT text FROM notes")] == ["A", "B"]
        finally:
            reader.close()
    finally:
        app_connection.close()


def test_the_kinds_come_from_names_alone(qapp, tmp_path):
    provider = file_dialogs.NameOnlyIcons()
    data = tmp_path / "data.sqlite"
    data.write_bytes(b"SQLite format 3\x00")
    assert provider.type(QFileInfo(str(data))) == "SQLITE file"
    assert provider.type(QFileInfo(str(tmp_path))) == "Folder"
    assert provider.type(QFileInfo(str(tmp_path / "notes"))) == "File"
