"""Starting the app on a file it cannot use: the message names the file; nothing is touched."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from hindsight.ui.app import open_or_ask


def test_unusable_file_is_explained_and_left_alone(qapp, tmp_path, when_modal):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("not a database\n")
    before = bogus.read_bytes()
    seen: list[str] = []

    def quit_(box: QMessageBox) -> None:
        seen.append(box.text())
        quit_button = next(b for b in box.buttons() if b.text() == "Quit")
        quit_button.click()

    when_modal(quit_)
    assert open_or_ask(bogus) is None
    assert seen and str(bogus) in seen[0] and "not a Hindsight database" in seen[0]
    assert bogus.read_bytes() == before


def test_choosing_another_file_opens_it(qapp, tmp_path, demo_db, when_modal, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("not a database\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(demo_db), ""))

    def open_another(box: QMessageBox) -> None:
        next(b for b in box.buttons() if b.text() == "Open Another…").click()

    when_modal(open_another)
    workspace = open_or_ask(bogus)
    assert workspace is not None
    try:
        assert workspace.path == demo_db
        assert workspace.incidents.count() == 3
    finally:
        workspace.close()
