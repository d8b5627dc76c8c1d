"""A time typed that cannot be saved (the earliest after the latest) is never dropped unasked.

Found by trying the app: with such a range on Milestones the status bar said "Saved", Ctrl+Q
quit without a word and the note typed beside it was gone.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from hindsight.core.enums import Phase

from .conftest import new_incident, open_incident, settle
from .test_editing import stored


def hold_a_reversed_range(qtbot, window):
    """Detection ticked, saved, then made a range whose latest is before its earliest."""
    editor = window.editor
    editor.tabs.setCurrentWidget(editor.milestones)
    editor.milestones.boxes[Phase.DETECTION].setChecked(True)
    settle(qtbot, window)
    editor.save_now()
    qtbot.waitUntil(lambda: window.save_label.text() == "Saved")
    saved = editor.incident.milestones[Phase.DETECTION]
    field = editor.milestones.editors[Phase.DETECTION]
    field.exact.setChecked(False)
    field.latest.setDateTime(field.best.dateTime().addDays(-2))
    qtbot.keyClicks(field.note, "from the pager log")
    return field, saved


def answer(editor, text: str):
    asked = []

    def ask(box):
        asked.append(box.text())
        return next(b for b in box.buttons() if b.text() == text)

    editor.ask_about_held = ask
    return asked


def test_the_status_never_says_saved_over_a_time_that_cannot_be_saved(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "Stale ranking")
    field, _saved = hold_a_reversed_range(qtbot, window)
    label = window.save_label
    assert label.text().startswith("Not saved: Detected:")
    assert "earliest" in label.text()
    assert window.editor.dirty
    window.editor.save_now()  # Ctrl+S saves the rest and says it is not saved, unasked
    qtbot.wait(1500)
    assert label.text().startswith("Not saved: Detected:")
    # Corrected, it saves and the status says so.
    field.latest.setDateTime(field.best.dateTime().addDays(2))
    qtbot.waitUntil(lambda: label.text() == "Saved", timeout=5000)
    assert stored(db_path).milestones[Phase.DETECTION].note == "from the pager log"


def test_closing_asks_and_keeping_shows_the_field(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "Stale ranking")
    field, saved = hold_a_reversed_range(qtbot, window)
    editor = window.editor
    editor.tabs.setCurrentWidget(editor.overview)
    asked = answer(editor, "Keep Editing")
    window.close()
    qtbot.waitUntil(lambda: bool(asked))
    assert "Detected cannot be saved as typed" in asked[0]
    assert window.isVisible()
    assert editor.tabs.currentWidget() is editor.milestones
    assert field.note.text() == "from the pager log"  # nothing typed was dropped

    asked = answer(editor, "Discard Typed Time")
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert asked
    assert stored(db_path).milestones[Phase.DETECTION] == saved


def test_another_incident_is_opened_only_once_the_typed_time_is_dealt_with(
    make_window, db_path, qtbot
):
    window = make_window(db_path)
    other = new_incident(qtbot, window, "Other")
    first = new_incident(qtbot, window, "Stale ranking")
    hold_a_reversed_range(qtbot, window)
    asked = answer(window.editor, "Keep Editing")
    window.list_pane.select_id(other)
    qtbot.waitUntil(lambda: bool(asked))
    QApplication.processEvents()
    assert window.editor.incident.id == first
    answer(window.editor, "Discard Typed Time")
    open_incident(qtbot, window, other)
    assert window.editor.incident.id == other
    assert window.save_label.text() == "Saved"


def test_a_title_stops_at_the_longest_a_record_keeps(make_window, db_path, qtbot):
    # Typed past 500 characters, every autosave was refused with a message box.
    window = make_window(db_path)
    new_incident(qtbot, window, "Stale ranking")
    editor = window.editor
    refused = []
    editor.report_error = refused.append
    editor.show_tab("overview")
    title = editor.overview.title
    title.setFocus()
    title.end(False)
    qtbot.keyClicks(title, " and more" * 70)
    editor.save_now()
    qtbot.waitUntil(lambda: window.save_label.text() == "Saved", timeout=5000)
    assert len(title.text()) == 500
    assert refused == []
    assert stored(db_path).title == title.text()


def test_a_time_held_for_a_deleted_incident_is_not_asked_about(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "Stale ranking")
    hold_a_reversed_range(qtbot, window)
    window.editor.clear()  # as when the incident is deleted
    assert window.editor.held_input() == []
    assert not window.editor.dirty
