"""A published review is read-only, not disabled: it scrolls, its text selects, its records open."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.review import ReviewStatus
from hindsight.services.workspace import Workspace
from hindsight.ui.read_only import set_read_only, view_only

from .conftest import open_incident, settle

PUBLISHED = 1  # HS-1, published in the demo


def test_a_published_incidents_pages_scroll_and_their_text_can_be_selected(
    make_window, demo_db, qtbot
):
    window = make_window(demo_db)
    window.resize(1366, 740)
    open_incident(qtbot, window, PUBLISHED)
    qtbot.waitUntil(lambda: not window.ops.busy)
    editor = window.editor
    editor.show_tab("milestones")
    page = editor.milestones
    assert page.isEnabled()
    area = page.findChild(QScrollArea)
    bar = area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # at 1366x740 the milestones run below the fold
    assert bar.isEnabled()
    bar.setValue(bar.maximum())
    assert bar.value() == bar.maximum() > 0
    note = next(iter(page.editors.values())).note
    assert note.isEnabled() and note.isReadOnly()
    note.selectAll()
    assert note.selectedText() == note.text() != ""
    # Typing changes nothing, on screen or in the record.
    before = note.text()
    note.setFocus()
    qtbot.keyClicks(note, "typed")
    assert note.text() == before
    # The choices are switched off; a milestone's own tick cannot be taken away.
    assert all(not box.isEnabled() for box in page.findChildren(QCheckBox))
    assert all(not box.isEnabled() for box in page.findChildren(QComboBox))
    group = next(box for box in page.findChildren(QGroupBox) if box.isCheckable())
    assert group.isChecked()
    qtbot.mouseClick(group, Qt.MouseButton.LeftButton, pos=QPoint(8, 8))
    qtbot.keyClick(group, Qt.Key.Key_Space)
    assert group.isChecked()
    # The overview's long summary scrolls; its fields read as fields that cannot be typed in.
    editor.show_tab("overview")
    assert editor.overview.title.isReadOnly()
    assert editor.overview.summary.isReadOnly()
    assert editor.overview.summary.verticalScrollBar().isEnabled()


def test_a_published_incidents_records_open_whole_and_change_nothing(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    open_incident(qtbot, window, PUBLISHED)
    qtbot.waitUntil(lambda: not window.ops.busy)
    editor = window.editor
    editor.show_tab("factors")
    tab = editor.factors
    assert tab.table.isEnabled() and tab.table.rowCount() > 0
    assert not tab.add_button.isEnabled()
    tab.table.selectRow(0)
    assert tab.edit_button.isEnabled() and tab.edit_button.text() == "View…"
    assert not tab.remove_button.isEnabled()
    before = list(editor.incident.factors)

    seen: dict[str, object] = {}

    def look_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        seen["title"] = dialog.windowTitle()
        seen["buttons"] = [b.text() for b in dialog.findChildren(QPushButton) if b.isVisible()]
        fields = [f for f in dialog.findChildren(QLineEdit) if f.isVisible()]
        seen["read only"] = all(f.isReadOnly() for f in fields)
        seen["first"] = fields[0].text()
        kinds = dialog.findChild(QListWidget)
        seen["tickable"] = any(
            kinds.item(row).flags() & Qt.ItemFlag.ItemIsUserCheckable
            for row in range(kinds.count())
        )
        dialog.reject()

    QTimer.singleShot(300, look_and_close)
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "buttons" in seen)
    assert seen["title"].endswith("(read-only)")
    assert seen["buttons"] == ["Close"]
    assert seen["read only"] is True
    assert seen["first"] == before[tab.selected_index()].title
    assert seen["tickable"] == 0
    # Delete on the table removes nothing.
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert editor.incident.factors == before
    assert not editor.dirty


def test_reopening_makes_every_field_editable_again(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    open_incident(qtbot, window, PUBLISHED)
    qtbot.waitUntil(lambda: not window.ops.busy)
    editor = window.editor
    editor.show_tab("milestones")
    editor.show_tab("factors")
    assert editor.overview.title.isReadOnly()
    page = editor.review
    page.ask_reason = lambda title: "Impact estimate revised"
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert editor.incident.review_status is not ReviewStatus.PUBLISHED
    assert not editor.overview.title.isReadOnly()
    assert editor.overview.severity.isEnabled()
    assert editor.factors.add_button.isEnabled()
    assert editor.factors.edit_button.text() == "E&dit…"
    milestones = editor.milestones
    assert not any(f.isReadOnly() for f in milestones.findChildren(QLineEdit) if f.isVisible())
    group = next(box for box in milestones.findChildren(QGroupBox) if box.isCheckable())
    group.setFocus()
    qtbot.keyClick(group, Qt.Key.Key_Space)
    assert not group.isChecked()  # ticks again once reopened
    # And the edit reaches the database as any other.
    editor.overview.title.selectAll()
    qtbot.keyClicks(editor.overview.title, "Retitled after reopening")
    saved: list[bool] = []
    editor.save_then(saved.append)
    qtbot.waitUntil(lambda: saved == [True])
    workspace = Workspace.open(demo_db)
    try:
        assert workspace.incidents.get(PUBLISHED).title == "Retitled after reopening"
    finally:
        workspace.close()


def test_only_what_was_made_read_only_is_changed_back(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    free, fixed = QLineEdit("free"), QLineEdit("always read-only")
    fixed.setReadOnly(True)
    on, off = QPushButton("on"), QPushButton("off by its own rule")
    off.setEnabled(False)
    text = QPlainTextEdit("notes")
    ticks = QListWidget()
    tickable, plain = QListWidgetItem("tickable"), QListWidgetItem("plain")
    tickable.setFlags(tickable.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    tickable.setCheckState(Qt.CheckState.Checked)
    plain.setFlags(plain.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)  # never tickable
    ticks.addItem(tickable)
    ticks.addItem(plain)
    for widget in (free, fixed, on, off, text, ticks):
        layout.addWidget(widget)

    set_read_only(root, True)
    assert free.isReadOnly() and fixed.isReadOnly() and text.isReadOnly()
    assert not on.isEnabled() and not off.isEnabled()
    assert not tickable.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert tickable.checkState() is Qt.CheckState.Checked  # the tick still shows
    set_read_only(root, True)  # twice is once
    set_read_only(root, False)
    assert not free.isReadOnly() and not text.isReadOnly()
    assert fixed.isReadOnly()  # read-only by its own rule, as before
    assert on.isEnabled()
    assert not off.isEnabled()  # disabled by its own rule, as before
    assert tickable.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert not plain.flags() & Qt.ItemFlag.ItemIsUserCheckable


def test_a_view_only_dialog_offers_only_close(qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    field = QLineEdit("a value")
    now = QPushButton("Now")
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    for widget in (field, now, box):
        layout.addWidget(widget)
    view_only(dialog)
    dialog.show()
    assert field.isReadOnly() and not now.isEnabled()
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert not ok.isVisible()
    assert cancel.isVisible() and cancel.isEnabled() and cancel.text() == "Close"
