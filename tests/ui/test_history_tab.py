"""The editor's History tab: who changed which field when, with before and after."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import new_incident, save_and_wait, settle


def test_the_history_tab_shows_each_save_with_its_author_and_fields(
    make_window, qtbot, tmp_path: Path, errors
) -> None:
    window = make_window(tmp_path / "history.sqlite")
    window.workspace.author = "Dana"
    new_incident(qtbot, window, "Feature store lagging")
    editor = window.editor
    editor.overview.title.clear()
    qtbot.keyClicks(editor.overview.title, "Feature store lagging by a day")
    assert save_and_wait(qtbot, window)
    page = editor._page("history")
    editor.tabs.setCurrentWidget(page)
    tree = page.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2, timeout=5000)
    newest = tree.topLevelItem(0)
    assert "Dana saved" in newest.text(0) and "Dana created it" in tree.topLevelItem(1).text(0)
    fields = {newest.child(n).text(0): newest.child(n) for n in range(newest.childCount())}
    title = fields["Title"]
    assert (title.text(1), title.text(2)) == (
        "Feature store lagging",
        "Feature store lagging by a day",
    )
    # Another save while the tab is on screen shows up without reopening it.
    qtbot.keyClicks(editor.overview.summary, "Late joins.")
    assert save_and_wait(qtbot, window)
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 3, timeout=5000)
    settle(qtbot, window)
    assert errors == []


def test_a_new_link_is_recorded_once_not_again_at_every_save(
    make_window, qtbot, tmp_path: Path, when_modal
) -> None:
    # The editor keeps its own copy of the record: a link added in it had no id after the
    # save, so every later save stored it again under a new id, and the history said it was
    # removed and added each time.
    from PySide6.QtCore import Qt

    from hindsight.core.references import ReferenceKind
    from hindsight.ui.qt_helpers import select_data

    window = make_window(tmp_path / "links.sqlite")
    new_incident(qtbot, window, "Feature store lagging")
    editor = window.editor

    def fill_link(dialog) -> None:
        select_data(dialog.kind, ReferenceKind.TICKET)
        dialog.target.setText("PROJ-42")
        dialog.accept()

    editor.tabs.setCurrentWidget(editor.links)
    when_modal(fill_link)
    qtbot.mouseClick(editor.links.add_button, Qt.MouseButton.LeftButton)
    assert save_and_wait(qtbot, window)
    [link] = editor.incident.references
    assert link.id is not None  # the editor's copy knows the stored link
    for words in ("Late joins.", " Again."):
        qtbot.keyClicks(editor.overview.summary, words)
        assert save_and_wait(qtbot, window)
    entries = window.workspace.history.entries(editor.incident.id)
    fields = [[change.field for change in entry.changes] for entry in entries]
    assert fields[:3] == [["summary"], ["summary"], [f"references[{link.id}]"]]
    assert [r.id for r in window.workspace.incidents.get(editor.incident.id).references] == [
        link.id
    ]


def test_settings_your_name_changes_who_the_history_names(
    make_window, qtbot, tmp_path: Path, errors, when_modal
) -> None:
    from hindsight.services.history import display_name
    from hindsight.ui.identity_dialog import DisplayNameDialog

    window = make_window(tmp_path / "name.sqlite")
    new_incident(qtbot, window, "Embeddings drifted")

    def type_name(dialog) -> None:
        assert isinstance(dialog, DisplayNameDialog)
        dialog.field.setText("  Priya   Raman ")
        dialog.accept()

    when_modal(type_name)
    window.name_action.trigger()
    qtbot.waitUntil(lambda: window.workspace.author == "Priya Raman", timeout=5000)
    assert display_name() == "Priya Raman"  # kept for the next start
    assert "Priya Raman" in window.statusBar().currentMessage()
    qtbot.keyClicks(window.editor.overview.summary, "Retrained on stale features.")
    assert save_and_wait(qtbot, window)
    history = window.workspace.history.entries(window.editor.incident.id)
    assert history[0].author == "Priya Raman"
    assert errors == []


def test_a_display_name_with_control_characters_is_refused_and_explained(
    make_window, qtbot, tmp_path: Path, errors, when_modal
) -> None:
    window = make_window(tmp_path / "name.sqlite")
    before = window.workspace.author

    def type_name(dialog) -> None:
        dialog.field.setText("Eve\u202eevil")
        dialog.accept()

    when_modal(type_name)
    window.name_action.trigger()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    _title, text = errors[0]
    assert "Display name" in text and "control characters" in text
    assert window.workspace.author == before


def test_history_values_read_as_the_editor_words_them() -> None:
    from hindsight.ui.editor.history_tab import change_start, field_label, shown

    assert field_label("review_status") == "Review status"
    assert field_label("answers.impact.users_affected") == "Review answer: impact.users affected"
    assert shown("in_review") == "in review"
    assert shown("Retrained on data_v2 features") == "Retrained on data_v2 features"
    answer = {"question_id": "impact.users", "status": "unknown", "value": None}
    assert shown(answer) == "unknown"
    verdict = {"category": "training_data", "verdict": "ruled_out", "evidence": "Fresh\nlabels."}
    assert shown(verdict) == "ruled out · Fresh labels."
    assert shown({"a": 1}) == '{"a": 1}'
    # A link's change reads as the link, not as its stored form (found by QA).
    assert field_label("references[4]") == "External link 5"
    link = {"kind": "dashboard", "target": "https://grafana.example.com/d/7", "label": ""}
    assert shown(link) == "https://grafana.example.com/d/7"
    assert shown({**link, "label": "Error-rate dashboard"}) == "Error-rate dashboard"
    assert shown(None) == "(empty)"
    before, after = "x" * 100 + " the old ending", "x" * 100 + " a new ending"
    start = change_start(before, after)
    assert start == 101
    assert shown(before, start).startswith("…") and shown(after, start).endswith("a new ending")
