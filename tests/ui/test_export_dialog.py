"""The export dialog and File ▸ Import, driven through the main window."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from hindsight.core.review import ReviewStatus
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.ui import export_dialog, file_dialogs, import_dialog
from hindsight.ui.export_dialog import ExportDialog

from .conftest import open_incident

EMAIL = "jane.doe@knitmail.net"


def open_dialog(window, qtbot, key: str = "HS-2") -> ExportDialog:
    open_incident(qtbot, window, window.workspace.incidents.get_by_key(key).id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    window.export_action.trigger()

    def shown() -> list[ExportDialog]:
        return [d for d in window.findChildren(ExportDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1)
    dialog = shown()[0]
    settle(dialog, qtbot)
    return dialog


def settle(dialog: ExportDialog, qtbot) -> None:
    """Wait until the work the dialog asked of the runner is done and shown."""
    qtbot.waitUntil(lambda: not dialog.ops.busy, timeout=60_000)


def choose(dialog: ExportDialog, qtbot, fmt: str, template: str | None = None) -> None:
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    if template is not None:
        dialog.template.setCurrentIndex(dialog.template.findData(template))
    dialog.refresh_preview()
    settle(dialog, qtbot)


def test_file_menu_offers_export_and_import(make_window, demo_db) -> None:
    window = make_window(demo_db)
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "&Export…" in texts and "&Import…" in texts
    assert window.export_action.shortcut().toString() == "Ctrl+E"


def test_preview_then_write_the_same_bytes_as_the_service(
    make_window, demo_db, qtbot, tmp_path
) -> None:
    window = make_window(demo_db)
    dialog = open_dialog(window, qtbot)
    assert dialog.scope.currentData() == "incident" and "HS-2" in dialog.scope.currentText()

    choose(dialog, qtbot, "html", "executive-summary")
    assert "Partner" in dialog.preview.toPlainText()
    assert dialog.preview.document().resource(1, dialog.rendered.pictures[0].data_uri) is not None
    assert not dialog.page_size.isEnabled()

    choose(dialog, qtbot, "md", "full-review")
    assert dialog.preview.toPlainText().startswith("# HS-2:")
    assert dialog.path.text().endswith("HS-2-full-review.md")

    target = tmp_path / "review.md"
    dialog.path.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    settle(dialog, qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    # Where the file went is said, with a way to open it and its folder.
    box = dialog.finished_box
    assert box is not None and str(target) in box.text()
    assert {b.text() for b in box.buttons()} >= {"Open", "Show in Folder"}
    box.close()
    written = target.read_text(encoding="utf-8")
    assert written.startswith("# HS-2:")
    expected = ExportService(window.workspace, clock=dialog.service.clock).render(
        window.workspace.incidents.get_by_key("HS-2").id, ExportRequest(Format.MARKDOWN)
    )

    def without_export_time(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if "exported by" not in line)

    # Same service, same request: the same document (the export time aside).
    assert without_export_time(written) == without_export_time(expected.text)


def test_pdf_page_size_and_template_choice(make_window, demo_db, qtbot, tmp_path) -> None:
    window = make_window(demo_db)
    dialog = open_dialog(window, qtbot, "HS-1")
    choose(dialog, qtbot, "pdf", "executive-summary")
    assert dialog.page_size.isEnabled()
    dialog.page_size.setCurrentIndex(dialog.page_size.findData("Letter"))
    assert "Search ranking" in dialog.preview.toPlainText()
    target = tmp_path / "summary.pdf"
    dialog.path.setText(str(target))
    dialog.export()
    settle(dialog, qtbot)
    from tests.export.test_documents import pdf_text, squashed

    text, reader = pdf_text(target.read_bytes())
    assert round(float(reader.pages[0].mediabox.width)) == 612
    assert "Where it stands" in squashed(text)


def add_email(window) -> None:
    workspace = window.workspace
    incident = workspace.incidents.get_by_key("HS-2")
    if incident.review_status is ReviewStatus.PUBLISHED:
        incident = workspace.review.move(incident, ReviewStatus.DRAFT, "edit")
    incident.summary += f"\n\nFirst reported by {EMAIL}."
    workspace.incidents.save(incident)


@pytest.mark.parametrize(
    ("choice", "written"), [("redact", True), ("export", True), ("cancel", False)]
)
def test_personal_data_is_flagged_and_the_choice_is_honoured(
    make_window, demo_db, qtbot, tmp_path, monkeypatch, choice: str, written: bool
) -> None:
    window = make_window(demo_db)
    add_email(window)
    asked: list[int] = []
    monkeypatch.setattr(
        export_dialog, "ask_pii", lambda parent, findings: asked.append(len(findings)) or choice
    )
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "md")
    assert dialog.pii_label.isVisible() and "E-mail address" in dialog.pii_label.text()
    target = tmp_path / "out.md"
    dialog.path.setText(str(target))
    dialog.export()
    settle(dialog, qtbot)
    assert asked == [1]
    assert target.exists() is written
    if choice == "redact":
        assert EMAIL not in target.read_text() and "[email redacted]" in target.read_text()
    elif choice == "export":
        assert EMAIL in target.read_text()
    assert EMAIL in window.workspace.incidents.get_by_key("HS-2").summary  # the record stays


def test_redact_box_skips_the_question(make_window, demo_db, qtbot, tmp_path, monkeypatch) -> None:
    window = make_window(demo_db)
    add_email(window)
    monkeypatch.setattr(
        export_dialog, "ask_pii", lambda *a: pytest.fail("asked although redacting")
    )
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "json")
    dialog.redact.setChecked(True)
    dialog.refresh_preview()
    settle(dialog, qtbot)
    assert "will be redacted" in dialog.pii_label.text()
    dialog.path.setText(str(tmp_path / "x.json"))
    dialog.export()
    settle(dialog, qtbot)
    assert EMAIL not in (tmp_path / "x.json").read_text()


def test_errors_name_the_file_and_write_nothing(
    make_window, demo_db, qtbot, tmp_path, errors
) -> None:
    window = make_window(demo_db)
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "md")
    target = tmp_path / "missing-folder" / "x.md"
    dialog.path.setText(str(target))
    dialog.export()
    settle(dialog, qtbot)
    assert errors and errors[-1][0] == "Export failed" and str(target) in errors[-1][1]
    assert dialog.isVisible() and not target.exists()


def test_all_incidents_export_on_a_worker_thread(make_window, demo_db, qtbot, tmp_path) -> None:
    window = make_window(demo_db)
    dialog = open_dialog(window, qtbot)
    dialog.scope.setCurrentIndex(dialog.scope.findData("all"))
    choose(dialog, qtbot, "json")
    assert dialog.to_folder() and "3 incidents" in dialog.preview.toPlainText()
    folder = tmp_path / "exports"
    dialog.path.setText(str(folder))
    dialog.export()
    assert dialog.busy() or dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=20000)
    assert sorted(p.name for p in folder.iterdir()) == ["HS-1.json", "HS-2.json", "HS-3.json"]
    assert dialog.progress.value() == 3
    assert json.loads((folder / "HS-3.json").read_text())["incidents"][0]["key"] == "HS-3"


def test_all_incidents_export_can_be_cancelled(make_window, demo_db, qtbot, tmp_path) -> None:
    window = make_window(demo_db)
    dialog = open_dialog(window, qtbot)
    dialog.scope.setCurrentIndex(dialog.scope.findData("all"))
    choose(dialog, qtbot, "pdf", "full-review")
    folder = tmp_path / "pdfs"
    dialog.path.setText(str(folder))
    dialog.export()
    dialog.cancel()  # asks the worker to stop after the file it is writing
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=60000)
    assert len(list(folder.iterdir())) < 3
    assert "Cancelled" in dialog.status.text() and dialog.isVisible()


def test_follow_up_report_of_all_incidents_is_one_document(
    make_window, demo_db, qtbot, tmp_path
) -> None:
    window = make_window(demo_db)
    dialog = open_dialog(window, qtbot)
    dialog.scope.setCurrentIndex(dialog.scope.findData("all"))
    choose(dialog, qtbot, "html", "followup-report")
    assert not dialog.to_folder()
    assert "across all incidents" in dialog.preview.toPlainText()


def test_import_from_the_file_menu(
    make_window, demo_db, db_path, qtbot, tmp_path, monkeypatch
) -> None:
    window = make_window(demo_db)
    service = ExportService(window.workspace)
    file = tmp_path / "HS-1.json"
    file.write_bytes(
        service.render(
            window.workspace.incidents.get_by_key("HS-1").id, ExportRequest(Format.JSON)
        ).data
    )
    shown: list[str] = []
    monkeypatch.setattr(
        import_dialog, "show_result", lambda parent, result: shown.append(result.summary())
    )
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(file), ""))
    monkeypatch.setattr(import_dialog, "ask_conflict", lambda parent, keys, db: "rename")
    window.import_action.trigger()
    qtbot.waitUntil(lambda: bool(shown) and not window.ops.busy, timeout=30_000)
    assert shown == ["Imported 1 incident: HS-1 as HS-4."]
    qtbot.waitUntil(lambda: window.list_pane.visible_keys()[0] == "HS-4")


def test_a_bad_import_file_is_explained(
    make_window, demo_db, tmp_path, errors, monkeypatch, qtbot
) -> None:
    window = make_window(demo_db)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "hindsight-incident", "version": 1, "incidents": [{"key": "X-1"}]}')
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(bad), ""))
    window.import_action.trigger()
    qtbot.waitUntil(lambda: bool(errors) and not window.ops.busy, timeout=30_000)
    assert errors[-1][0] == "Cannot import"
    assert "incidents[0] (X-1).title: is missing" in errors[-1][1] and str(bad) in errors[-1][1]
    assert window.workspace.incidents.count() == 3


def test_screenshot_of_the_dialog(make_window, demo_db, qtbot, tmp_path) -> None:
    window = make_window(demo_db)
    add_email(window)
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "pdf", "executive-summary")
    QApplication.processEvents()
    image = dialog.grab()
    assert not image.isNull() and image.width() > 600
    image.save(str(tmp_path / "dialog.png"))
    assert (tmp_path / "dialog.png").stat().st_size > 10000


def test_the_window_stays_responsive_and_the_last_choices_are_remembered(
    make_window, demo_db, qtbot, tmp_path
) -> None:
    window = make_window(demo_db)
    dialog = open_dialog(window, qtbot, "HS-1")
    choose(dialog, qtbot, "pdf", "executive-summary")
    target = tmp_path / "kept" / "summary.pdf"
    target.parent.mkdir()
    dialog.path.setText(str(target))
    dialog.export()
    # The PDF is made on a worker: the dialog answers while it is being made.
    assert dialog.busy() and not dialog.export_button.isEnabled()
    assert dialog.progress.isVisible()
    settle(dialog, qtbot)
    assert target.is_file() and dialog.finished_box is not None
    dialog.finished_box.close()
    again = open_dialog(window, qtbot, "HS-2")
    assert again.chosen_format() is Format.PDF
    assert again.template.currentData() == "executive-summary"
    assert again.path.text() == str(target.parent / "HS-2-executive-summary.pdf")


def test_cancelling_one_document_writes_nothing(make_window, demo_db, qtbot, tmp_path) -> None:
    window = make_window(demo_db)
    dialog = open_dialog(window, qtbot, "HS-1")
    choose(dialog, qtbot, "pdf", "full-review")
    target = tmp_path / "review.pdf"
    dialog.path.setText(str(target))
    dialog.export()
    dialog.cancel()
    settle(dialog, qtbot)
    assert not target.exists() and dialog.isVisible()
    assert "nothing was written" in dialog.status.text().lower()


def test_an_import_can_be_cancelled_while_the_file_is_read(
    make_window, demo_db, qtbot, tmp_path, monkeypatch
) -> None:
    import threading

    from PySide6.QtWidgets import QProgressDialog

    from hindsight.services.importer import ImportService

    window = make_window(demo_db)
    file = tmp_path / "HS-1.json"
    file.write_bytes(
        ExportService(window.workspace)
        .render(window.workspace.incidents.get_by_key("HS-1").id, ExportRequest(Format.JSON))
        .data
    )
    release = threading.Event()

    class Held(ImportService):
        def read(self, path):  # the file is "large": reading waits until released
            release.wait(30)
            return super().read(path)

    shown: list[str] = []
    monkeypatch.setattr(import_dialog, "ImportService", Held)
    monkeypatch.setattr(import_dialog, "show_result", lambda p, r: shown.append(r.summary()))
    monkeypatch.setattr(import_dialog, "ask_conflict", lambda *a: "rename")
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(file), ""))
    window.import_action.trigger()
    assert window.ops.busy  # the read runs on a worker: the window goes on
    progress = window.findChild(QProgressDialog, "importProgress")
    assert progress is not None
    progress.canceled.emit()  # what its Cancel button sends
    release.set()
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=30_000)
    assert shown == [] and window.workspace.incidents.count() == 3


def test_the_open_database_is_never_written_over_and_a_file_is_replaced_only_when_agreed(
    make_window, demo_db, qtbot, tmp_path, errors, monkeypatch
) -> None:
    # A tester typed the open database's own path in Save to: the export replaced it whole.
    window = make_window(demo_db)
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "md")
    before = demo_db.read_bytes()[:100]
    dialog.path.setText(str(demo_db))
    dialog.export()
    settle(dialog, qtbot)
    assert errors[-1][0] == "Export failed"
    assert "it is a database file" in errors[-1][1] and str(demo_db) in errors[-1][1]
    assert demo_db.read_bytes()[:100] == before
    assert window.workspace.incidents.get_by_key("HS-2").title  # still a database

    # Another file of that name: asked first; Cancel writes nothing, Replace writes.
    old = tmp_path / "old.md"
    old.write_text("my notes", "utf-8")
    asked: list[str] = []
    answer = [False]

    def confirm(_parent, title: str, question: str, action: str) -> bool:
        asked.append(question)
        return answer[0]

    monkeypatch.setattr(export_dialog.messages, "confirm", confirm)
    dialog.path.setText(str(old))
    dialog.export()
    settle(dialog, qtbot)
    assert asked and asked[0].startswith(f"{old} exists already")
    assert old.read_text("utf-8") == "my notes"
    assert dialog.status.text() == "Nothing was written."
    answer[0] = True
    dialog.export()
    settle(dialog, qtbot)
    qtbot.waitUntil(lambda: old.read_text("utf-8") != "my notes", timeout=10_000)
    assert len(asked) == 2

    # Chosen in the file dialog (which asked already): not asked again.
    chosen = tmp_path / "chosen.md"
    chosen.write_text("older", "utf-8")
    monkeypatch.setattr(
        file_dialogs, "get_save_file_name", lambda *args, **kwargs: (str(chosen), "")
    )
    dialog.browse()
    dialog.export()
    settle(dialog, qtbot)
    qtbot.waitUntil(lambda: chosen.read_text("utf-8") != "older", timeout=10_000)
    assert len(asked) == 2
