"""Starting the app: the window first, the database after; an unusable file is explained."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from hindsight.paths import DATA_DIR_ENV
from hindsight.ui.app import app_settings, application, start_path
from hindsight.ui.main_window import MainWindow

from .conftest import settle


def _start(qtbot, path: Path) -> MainWindow:
    """What run_app does before the event loop: show the window, then open `path`."""
    application()
    window = MainWindow(None, app_settings())
    qtbot.addWidget(window)
    window.show()
    window.open_path(path)
    return window


def test_window_shows_before_the_database_opens_then_lists_it(qtbot, demo_db):
    window = _start(qtbot, demo_db)
    assert window.isVisible()
    assert window.workspace is None  # opening goes on off the GUI thread
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10000)
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-3", "HS-2", "HS-1"]
    qtbot.waitUntil(lambda: window.has_editor, timeout=5000)
    window.close()


def test_unusable_file_is_explained_and_left_alone(qtbot, tmp_path, when_modal):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("not a database\n")
    before = bogus.read_bytes()
    seen: list[str] = []

    def quit_(box: QMessageBox) -> None:
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == "Quit").click()

    when_modal(quit_)
    window = _start(qtbot, bogus)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert str(bogus) in seen[0] and "not a Hindsight database" in seen[0]
    qtbot.waitUntil(lambda: not window.isVisible())
    assert bogus.read_bytes() == before


def test_choosing_another_file_opens_it(qtbot, tmp_path, demo_db, when_modal, monkeypatch):
    from hindsight.ui import file_dialogs

    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("not a database\n")
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(demo_db), ""))

    def open_another(box: QMessageBox) -> None:
        next(b for b in box.buttons() if b.text() == "Open Another…").click()

    when_modal(open_another)
    window = _start(qtbot, bogus)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10000)
    assert window.workspace.path == demo_db
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-3", "HS-2", "HS-1"]
    window.close()


def test_the_last_database_is_reopened(qtbot, demo_db, data_dir):
    settings = app_settings()
    assert start_path(None, settings)[0] == data_dir / "hindsight.sqlite"
    settings.setValue("lastDatabase", str(demo_db))
    assert start_path(None, settings) == (demo_db, "")
    explicit = data_dir / "other.sqlite"
    assert start_path(explicit, settings) == (explicit, "")


def test_a_missing_last_database_falls_back_with_a_note(tmp_path, data_dir, qapp):
    settings = app_settings()
    gone = tmp_path / "gone.sqlite"
    settings.setValue("lastDatabase", str(gone))
    path, note = start_path(None, settings)
    assert path == data_dir / "hindsight.sqlite"
    assert str(gone) in note and "no longer there" in note


def test_opening_a_database_remembers_it_for_next_time(qtbot, demo_db):
    window = _start(qtbot, demo_db)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10000)
    assert app_settings().value("lastDatabase") == str(demo_db)
    assert start_path(None, app_settings())[0] == demo_db
    window.close()


def test_startup_timing_prints_the_phases_and_exits(demo_db, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env[DATA_DIR_ENV] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "hindsight", "--db", str(demo_db), "--startup-timing"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any("first paint with real rows" in line for line in lines)
    assert any("QApplication" in line for line in lines)
    assert all(" ms " in line for line in lines)


_COPY_THEN_QUIT = """
from PySide6.QtCore import QByteArray, QMimeData, QTimer
from PySide6.QtGui import QImage, QColor
from PySide6.QtWidgets import QApplication
from hindsight.ui.app import application

app = application()
def copy():
    image = QImage(20, 10, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    data = QMimeData()  # made in Python, as the chart cards make theirs
    data.setImageData(image)
    data.setData("image/svg+xml", QByteArray(b"<svg/>"))
    QApplication.clipboard().setMimeData(data)
    QTimer.singleShot(0, app.quit)
QTimer.singleShot(0, copy)
raise SystemExit(app.exec())
"""


def test_quitting_after_copying_a_picture_exits_cleanly(tmp_path: Path) -> None:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{DATA_DIR_ENV: str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-c", _COPY_THEN_QUIT],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-500:])


def test_an_older_file_is_upgraded_and_listed_without_logging_a_bug(
    qtbot, tmp_path, caplog, errors
):
    import logging
    import shutil

    stored = Path(__file__).resolve().parents[1] / "data" / "schemas" / "hindsight-0006.sqlite"
    path = tmp_path / "old.sqlite"
    shutil.copy(stored, path)
    caplog.set_level(logging.ERROR)
    window = _start(qtbot, path)  # the list cannot read it until it is upgraded
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=20000)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.list_pane.model.rowCount() == 3, timeout=10000)
    assert [r.getMessage() for r in caplog.records if "unexpected" in r.getMessage()] == []
    assert errors == []
    window.close()


def test_the_heap_built_by_start_up_is_kept_out_of_full_collections():
    import gc

    from hindsight.ui.app import freeze_startup_heap

    before = gc.get_freeze_count()
    kept = [object() for _ in range(10)]  # noqa: F841 (alive while frozen)
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()  # the test process must stay collectable


def test_the_first_database_is_listed_once(qtbot, demo_db):
    # Its first page is read (and painted) before it opens; opening it must not read and
    # repaint the same rows again.
    application()
    window = MainWindow(None, app_settings())
    qtbot.addWidget(window)
    answers: list[int] = []
    window.list_pane.model.reloaded.connect(lambda: answers.append(1))
    window.show()
    window.open_path(demo_db)
    qtbot.waitUntil(lambda: window.workspace is not None and window.has_editor, timeout=10000)
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-3", "HS-2", "HS-1"]
    assert len(answers) == 1
    window.close()


def test_ctrl_c_in_the_terminal_closes_the_app_as_quit_does(demo_db: Path, tmp_path: Path) -> None:
    # A tester's SIGINT showed "Hindsight hit an internal error: ." (an empty message) and the
    # app went on running.
    import signal
    import time

    data = tmp_path / "data"
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{DATA_DIR_ENV: str(data)})
    child = subprocess.Popen(
        [sys.executable, "-m", "hindsight", "--db", str(demo_db)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The window is up once it has remembered the database it opened.
        settings = data / "settings.ini"

        def opened() -> bool:
            return settings.exists() and demo_db.name in settings.read_text("utf-8")

        deadline = time.monotonic() + 60
        while not opened() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened(), "the app did not open the database"
        time.sleep(1.0)
        child.send_signal(signal.SIGINT)
        _out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err[-800:]
    assert "internal error" not in err
    log = (data / "hindsight.log").read_text("utf-8") if (data / "hindsight.log").exists() else ""
    assert "KeyboardInterrupt" not in log and "Traceback" not in log
    assert not list(data.glob("recovery/*/*")), "closed as Quit does: its session is gone"


def test_a_keyboard_interrupt_reaching_python_code_quits_instead_of_reporting_a_bug(
    qtbot, demo_db, monkeypatch
) -> None:
    from hindsight.ui import app as app_module

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    window = _start(qtbot, demo_db)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10000)
    app_module._report_bug(KeyboardInterrupt, KeyboardInterrupt(), None)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    assert shown == []
