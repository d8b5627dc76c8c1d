"""The main window: list and filters, opening databases, conflicts, window state."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from hindsight.core.enums import Phase, Severity
from hindsight.services.demo_history import COUNT as HISTORY_COUNT
from hindsight.services.workspace import Workspace
from hindsight.ui.editor.incident_editor import ConflictChoice
from hindsight.ui.incident_list import IncidentListModel


def test_list_filters_by_text_phase_and_severity(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    pane = window.list_pane
    assert pane.visible_keys() == ["HS-3", "HS-2", "HS-1"]
    assert window.stack.currentWidget() is window.pick

    qtbot.keyClicks(pane.search, "partner")
    assert pane.visible_keys() == ["HS-2"]
    pane.search.clear()
    qtbot.keyClicks(pane.search, "staleness")  # a tag
    assert pane.visible_keys() == ["HS-1"]
    pane.search.clear()

    pane.phase.setCurrentIndex(pane.phase.findData(Phase.RESOLUTION))
    assert pane.visible_keys() == ["HS-3"]
    pane.phase.setCurrentIndex(0)
    pane.severity.setCurrentIndex(pane.severity.findData(Severity.SEV1))
    assert pane.visible_keys() == ["HS-2"]


def test_list_sorts_keys_by_number(make_window, db_path, qtbot):
    window = make_window(db_path)
    for n in range(11):
        window.create_incident(f"incident {n}")
    window.list_pane.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    keys = window.list_pane.visible_keys()
    assert keys[:3] == ["HS-1", "HS-2", "HS-3"]
    assert keys[-1] == "HS-11"


def test_list_model_passes_qt_model_tester(qtmodeltester, demo_db):
    workspace = Workspace.open(demo_db)
    try:
        model = IncidentListModel()
        model.set_summaries(workspace.incidents.summaries())
        qtmodeltester.check(model)
    finally:
        workspace.close()


def test_selecting_an_incident_opens_it(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    window.list_pane.select_id(2)
    assert window.stack.currentWidget() is window.editor
    assert window.editor.key_label.text() == "HS-2"
    assert window.editor.phase_bar.buttons[Phase.FOLLOW_UP].isChecked()
    assert window.delete_action.isEnabled()


def retitle(qtbot, window, title: str) -> None:
    """Replace the open incident's title by typing, as a user would."""
    window.editor.overview.title.selectAll()
    qtbot.keyClicks(window.editor.overview.title, title)


def second_window_behind(make_window, db_path, qtbot, theirs: str):
    """Two windows on one incident; the first saves `theirs`, leaving the second stale."""
    first = make_window(db_path)
    first.create_incident("Shared incident")
    second = make_window(db_path)
    second.list_pane.select_id(1)
    retitle(qtbot, first, theirs)
    assert first.editor.flush()
    return second


def test_second_window_is_told_of_conflict_and_overwrites(make_window, db_path, qtbot):
    second = second_window_behind(make_window, db_path, qtbot, "Title from window one")
    asked = []
    second.editor.resolve_conflict = lambda error: asked.append(error) or ConflictChoice.OVERWRITE
    retitle(qtbot, second, "Title from window two")
    assert second.editor.flush()

    assert len(asked) == 1 and asked[0].key == "HS-1"
    workspace = Workspace.open(db_path)
    assert workspace.incidents.get(1).title == "Title from window two"
    workspace.close()


def test_conflict_reload_shows_the_other_version(make_window, db_path, qtbot):
    second = second_window_behind(make_window, db_path, qtbot, "Theirs")
    second.editor.resolve_conflict = lambda error: ConflictChoice.RELOAD
    retitle(qtbot, second, "Mine")
    assert second.editor.flush()
    assert second.editor.overview.title.text() == "Theirs"
    assert second.list_pane.model.summary(0).title == "Theirs"


def test_conflict_keep_editing_saves_nothing_and_keeps_edits(make_window, db_path, qtbot):
    second = second_window_behind(make_window, db_path, qtbot, "Theirs")
    second.editor.resolve_conflict = lambda error: ConflictChoice.KEEP_EDITING
    retitle(qtbot, second, "Mine")
    assert not second.editor.flush()
    assert second.editor.dirty
    assert second.editor.overview.title.text() == "Mine"
    assert "changed elsewhere" in second.save_label.text()


def test_opening_a_bad_file_explains_and_keeps_current_database(
    make_window, demo_db, tmp_path, errors
):
    window = make_window(demo_db)
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("these are my notes, not a database\n")
    before = bogus.read_bytes()

    assert not window.open_database(bogus)
    assert errors and str(bogus) in errors[-1][1]
    assert "not a Hindsight database" in errors[-1][1]
    assert bogus.read_bytes() == before
    assert window.workspace.path == demo_db
    assert window.list_pane.visible_keys() == ["HS-3", "HS-2", "HS-1"]


def test_open_another_database_and_recent_list(make_window, demo_db, db_path, settings):
    window = make_window(db_path)
    assert window.open_database(demo_db)
    assert window.list_pane.visible_keys() == ["HS-3", "HS-2", "HS-1"]
    assert window.recent_paths()[:2] == [str(demo_db), str(db_path)]
    actions = window.recent_menu.actions()
    assert str(db_path) in actions[1].text()
    actions[1].trigger()
    assert window.workspace.path == db_path
    assert window.stack.currentWidget() is window.welcome


def test_welcome_page_opens_the_demo(make_window, db_path, data_dir, qtbot):
    window = make_window(db_path)
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    assert window.workspace.path == data_dir / "demo.sqlite"
    # The three reference incidents and the generated history the Insights view draws.
    assert len(window.list_pane.visible_keys()) == 3 + HISTORY_COUNT


def test_backup_now_writes_a_copy(make_window, demo_db, data_dir, qtbot):
    window = make_window(demo_db)
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: "Backed up to" in window.statusBar().currentMessage(), timeout=5000)
    assert window.backup_action.isEnabled()
    copies = list((data_dir / "backups").glob("*.sqlite"))
    assert len(copies) == 1
    assert str(copies[0]) in window.statusBar().currentMessage()
    copy = Workspace.open(copies[0], create=False)
    assert copy.incidents.count() == 3
    copy.close()


def test_delete_incident_after_confirmation(make_window, demo_db, monkeypatch):
    from hindsight.ui import messages

    window = make_window(demo_db)
    window.list_pane.select_id(2)
    monkeypatch.setattr(messages, "confirm", lambda *args: False)
    window.delete_action.trigger()
    assert "HS-2" in window.list_pane.visible_keys()
    monkeypatch.setattr(messages, "confirm", lambda *args: True)
    window.delete_action.trigger()
    assert window.list_pane.visible_keys() == ["HS-3", "HS-1"]
    workspace = Workspace.open(demo_db)
    assert workspace.incidents.count() == 2
    workspace.close()


def test_window_and_splitter_state_are_restored(make_window, demo_db, settings):
    window = make_window(demo_db)
    window.splitter.setSizes([300, 980])
    sizes = window.splitter.sizes()
    window.close()
    again = make_window(demo_db)
    assert again.splitter.sizes() == sizes


def test_a_failed_backup_is_explained(make_window, demo_db, errors, qtbot, monkeypatch):
    from hindsight.store.errors import DiskFullError

    window = make_window(demo_db)

    def full(*args, **kwargs):
        raise DiskFullError(demo_db)

    monkeypatch.setattr(window.workspace, "backup", full)
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert errors[-1][0] == "Backup failed" and "disk" in errors[-1][1].lower()
    assert window.backup_action.isEnabled()


def test_status_bar_shows_database_path(make_window, demo_db):
    window = make_window(demo_db)
    assert str(demo_db) in window.path_label.text()
    assert window.save_label.text() == "Saved"


def test_demo_mode_is_marked_and_not_remembered(make_window, demo_db, settings):
    window = make_window(demo_db, demo=True)
    assert "demo" in window.windowTitle()
    assert str(demo_db) not in window.recent_paths()


def test_failed_save_keeps_edits_and_close_asks(make_window, db_path, monkeypatch, qtbot):
    from hindsight.store.errors import DiskFullError
    from hindsight.ui import messages

    window = make_window(db_path)
    window.create_incident("Will not save")
    reported = []
    window.editor.report_error = reported.append

    def full(*args, **kwargs):
        raise DiskFullError(Path(db_path))

    monkeypatch.setattr(window.workspace.incidents, "save", full)
    qtbot.keyClicks(window.editor.overview.title, "!")
    assert not window.editor.flush()
    assert reported and "disk" in reported[0].lower()
    assert window.save_label.text() == "Not saved"

    monkeypatch.setattr(messages, "confirm", lambda *args: False)
    window.close()
    assert window.isVisible()  # the user chose not to lose the edits
    monkeypatch.setattr(messages, "confirm", lambda *args: True)
    window.close()
    assert not window.isVisible()


def test_sorting_by_a_column_keeps_the_selection(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    pane = window.list_pane
    pane.select_id(2)
    pane.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # severity: SEV1 first
    assert pane.visible_keys()[0] == "HS-2"
    pane.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # title
    titles = [pane.proxy.index(r, 1).data() for r in range(pane.proxy.rowCount())]
    assert titles == sorted(titles, key=str.lower)
    assert pane.selected_id() == 2
    assert window.editor.key_label.text() == "HS-2"
