"""One undo history: Ctrl+Z in a text field does what Edit > Undo says it will."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .conftest import new_incident


def test_ctrl_z_in_a_field_undoes_what_the_menu_names(make_window, db_path, qtbot) -> None:
    window = make_window(db_path)
    new_incident(qtbot, window, "Undo order")
    overview = window.editor.overview
    overview.summary.setFocus()
    qtbot.keyClicks(overview.summary, "First the summary.")
    overview.title.setFocus()
    overview.title.end(False)
    qtbot.keyClicks(overview.title, " and a title")
    assert window.undo_action.text() == "&Undo Edit title"

    # Back in the summary, Ctrl+Z takes back the newest step (the title), as the menu says,
    # not the summary field's own last keystrokes.
    overview.summary.setFocus()
    qtbot.keyClick(overview.summary, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.incident.title == "Undo order"
    assert overview.summary.toPlainText() == "First the summary."
    assert window.undo_action.text() == "&Undo Edit summary"

    qtbot.keyClick(
        overview.summary,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.editor.incident.title == "Undo order and a title"


def test_fields_outside_the_editor_keep_their_own_undo(make_window, db_path, qtbot) -> None:
    window = make_window(db_path)
    new_incident(qtbot, window, "Something to undo")
    search = window.list_pane.search
    search.setFocus()
    qtbot.keyClicks(search, "abc")
    qtbot.keyClick(search, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert search.text() == ""  # the filter box's own undo
    assert window.editor.incident.title == "Something to undo"


def test_undoing_an_edit_made_on_another_tab_brings_that_tab_back(
    make_window, db_path, qtbot
) -> None:
    # Edit > Undo named "Edit summary" while the Timeline was on screen, and the summary
    # changed on the hidden Overview with nothing to see (found by trying the app).
    window = make_window(db_path)
    new_incident(qtbot, window, "Undo where")
    editor = window.editor
    editor.show_tab("overview")
    editor.overview.summary.setFocus()
    qtbot.keyClicks(editor.overview.summary, "Stale embeddings.")
    editor.show_tab("timeline")
    window.undo_action.trigger()
    assert editor.incident.summary == ""
    assert editor.current_tab() == "overview"
    editor.show_tab("roles")
    window.redo_action.trigger()
    assert editor.incident.summary == "Stale embeddings."
    assert editor.current_tab() == "overview"
