"""The main window: list and filters, opening databases, conflicts, window state."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHeaderView

from hindsight.core.enums import Phase, Severity
from hindsight.services.demo_history import COUNT as HISTORY_COUNT
from hindsight.services.workspace import Workspace
from hindsight.store.listing import IncidentListing
from hindsight.ui.editor.incident_editor import ConflictChoice
from hindsight.ui.incident_list import IncidentListModel
from hindsight.ui.operations import Operations

from .conftest import open_incident, save_and_wait, settle


def keys_after(qtbot, window, action) -> list[str]:
    """Do `action`, wait for the list to be read again, and return its keys."""
    action()
    settle(qtbot, window)
    return window.list_pane.visible_keys()


def test_list_filters_by_text_phase_and_severity(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    pane = window.list_pane
    assert pane.visible_keys() == ["HS-3", "HS-2", "HS-1"]
    assert window.stack.currentWidget() is window.pick

    assert keys_after(qtbot, window, lambda: qtbot.keyClicks(pane.search, "partner")) == ["HS-2"]
    pane.search.clear()
    found = keys_after(qtbot, window, lambda: qtbot.keyClicks(pane.search, "staleness"))
    assert found == ["HS-1"]  # a tag
    pane.search.clear()

    phase = pane.phase.findData(Phase.RESOLUTION)
    assert keys_after(qtbot, window, lambda: pane.phase.setCurrentIndex(phase)) == ["HS-3"]
    pane.phase.setCurrentIndex(0)
    severity = pane.severity.findData(Severity.SEV1)
    assert keys_after(qtbot, window, lambda: pane.severity.setCurrentIndex(severity)) == ["HS-2"]


def test_filtering_never_changes_the_open_incident_and_says_when_nothing_matches(
    make_window, demo_db, qtbot
):
    window = make_window(demo_db)
    pane = window.list_pane
    open_incident(qtbot, window, 2)
    keys_after(qtbot, window, lambda: qtbot.keyClicks(pane.search, "weird recommendations"))
    assert window.editor.incident.key == "HS-2"  # still open, though filtered out
    assert window.stack.currentWidget() is window.editor
    assert pane.selected_id() is None

    keys_after(qtbot, window, lambda: qtbot.keyClicks(pane.search, " zzzz-nothing"))
    assert pane.body.currentWidget() is pane.empty
    assert "No incidents match" in pane.empty.text()
    assert window.editor.incident.key == "HS-2"

    qtbot.keyClick(pane.search, Qt.Key.Key_Escape)  # clears the filter
    settle(qtbot, window)
    assert pane.visible_keys() == ["HS-3", "HS-2", "HS-1"]
    assert pane.body.currentWidget() is pane.table
    assert pane.selected_id() == 2  # the open incident is highlighted again


def test_list_sorts_keys_by_number(make_window, db_path, qtbot):
    window = make_window(db_path)
    workspace = window.workspace
    for n in range(11):
        workspace.incidents.create(f"incident {n}")
    window.list_pane.reload()
    settle(qtbot, window)
    pane = window.list_pane
    keys = keys_after(
        qtbot, window, lambda: pane.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    )
    assert keys[:3] == ["HS-1", "HS-2", "HS-3"]
    assert keys[-1] == "HS-11"


def test_list_model_passes_qt_model_tester(qtmodeltester, qtbot, demo_db):
    ops = Operations()
    model = IncidentListModel(ops)
    model.set_listing(IncidentListing.for_sqlite(demo_db))
    qtbot.waitUntil(lambda: model.loaded and not ops.busy)
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_list_reads_only_the_pages_on_screen(qtbot, tmp_path):
    path = tmp_path / "many.sqlite"
    workspace = Workspace.open(path)
    try:
        for n in range(450):
            workspace.incidents.create(f"incident {n}")
    finally:
        workspace.close()
    ops = Operations()
    model = IncidentListModel(ops)
    model.set_listing(IncidentListing.for_sqlite(path))
    qtbot.waitUntil(lambda: model.loaded and not ops.busy)
    assert model.rowCount() == 450
    assert len(model.loaded_rows()) == 100  # the first page only
    assert model.row(300) is None  # asked for: read on the reader lane
    qtbot.waitUntil(lambda: model.row(300) is not None and not ops.busy)
    assert model.row(300).key == "HS-150"
    assert len(model.loaded_rows()) == 200


def test_selecting_an_incident_opens_it(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    assert not window.history_action.isEnabled()  # no incident open: no history to show
    open_incident(qtbot, window, 2)
    assert window.history_action.isEnabled()
    assert window.stack.currentWidget() is window.editor
    assert window.editor.key_label.text() == "HS-2"
    assert window.editor.phase_bar.buttons[Phase.FOLLOW_UP].isChecked()
    assert window.delete_action.isEnabled()


def test_selecting_another_incident_keeps_the_tab(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    open_incident(qtbot, window, 2)
    window.editor.show_tab("roles")
    open_incident(qtbot, window, 3)
    assert window.editor.current_tab() == "roles"
    assert window.editor.roles.isVisible()


def test_title_column_takes_the_room_and_shows_the_full_title(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    table = window.list_pane.table
    header = table.horizontalHeader()
    assert header.sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch
    widths = [table.columnWidth(c) for c in range(6)]
    assert widths[1] == max(widths)
    assert widths[1] >= 0.3 * table.viewport().width()
    tip = window.list_pane.model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert window.list_pane.model.row(0).title in tip.replace("&amp;", "&")


def retitle(qtbot, window, title: str) -> None:
    """Replace the open incident's title by typing, as a user would."""
    window.editor.overview.title.selectAll()
    qtbot.keyClicks(window.editor.overview.title, title)


def second_window_behind(make_window, db_path, qtbot, theirs: str):
    """Two windows on one incident; the first saves `theirs`, leaving the second stale."""
    first = make_window(db_path)
    first.create_incident("Shared incident")
    qtbot.waitUntil(lambda: first.editor.incident is not None)
    second = make_window(db_path)
    open_incident(qtbot, second, 1)
    retitle(qtbot, first, theirs)
    assert save_and_wait(qtbot, first)
    return second


def test_second_window_is_told_of_conflict_and_overwrites(make_window, db_path, qtbot):
    second = second_window_behind(make_window, db_path, qtbot, "Title from window one")
    asked = []
    second.editor.resolve_conflict = lambda error: asked.append(error) or ConflictChoice.OVERWRITE
    retitle(qtbot, second, "Title from window two")
    assert save_and_wait(qtbot, second)

    assert len(asked) == 1 and asked[0].key == "HS-1"
    workspace = Workspace.open(db_path)
    assert workspace.incidents.get(1).title == "Title from window two"
    workspace.close()


def test_conflict_reload_shows_the_other_version(make_window, db_path, qtbot):
    second = second_window_behind(make_window, db_path, qtbot, "Theirs")
    second.editor.resolve_conflict = lambda error: ConflictChoice.RELOAD
    retitle(qtbot, second, "Mine")
    assert save_and_wait(qtbot, second)
    assert second.editor.overview.title.text() == "Theirs"
    settle(qtbot, second)
    assert second.list_pane.model.row(0).title == "Theirs"


def test_conflict_keep_editing_saves_nothing_and_keeps_edits(make_window, db_path, qtbot):
    second = second_window_behind(make_window, db_path, qtbot, "Theirs")
    second.editor.resolve_conflict = lambda error: ConflictChoice.KEEP_EDITING
    retitle(qtbot, second, "Mine")
    assert not save_and_wait(qtbot, second)
    assert second.editor.dirty
    assert second.editor.overview.title.text() == "Mine"
    assert "changed elsewhere" in second.save_label.text()


def test_opening_a_bad_file_explains_and_keeps_current_database(
    make_window, demo_db, tmp_path, errors, qtbot
):
    window = make_window(demo_db)
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("these are my notes, not a database\n")
    before = bogus.read_bytes()

    window.open_path(bogus)
    qtbot.waitUntil(lambda: bool(errors))
    assert str(bogus) in errors[-1][1]
    assert "not a Hindsight database" in errors[-1][1]
    assert bogus.read_bytes() == before
    assert window.workspace.path == demo_db
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-3", "HS-2", "HS-1"]


def test_open_another_database_and_recent_list(make_window, demo_db, db_path, settings, qtbot):
    window = make_window(db_path)
    window.open_path(demo_db)
    qtbot.waitUntil(lambda: window.workspace.path == demo_db)
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-3", "HS-2", "HS-1"]
    assert str(demo_db) in window.windowTitle() or demo_db.name in window.windowTitle()
    assert window.recent_paths()[:2] == [str(demo_db), str(db_path)]
    actions = window.recent_menu.actions()
    assert str(db_path) in actions[1].text()
    actions[1].trigger()
    qtbot.waitUntil(lambda: window.workspace.path == db_path)
    settle(qtbot, window)
    assert window.stack.currentWidget() is window.welcome


def test_welcome_page_opens_the_demo(make_window, db_path, data_dir, qtbot):
    window = make_window(db_path)
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace.path == data_dir / "demo.sqlite", timeout=20000)
    settle(qtbot, window)
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


def test_delete_incident_after_confirmation(make_window, demo_db, monkeypatch, qtbot):
    from hindsight.ui import messages

    window = make_window(demo_db)
    open_incident(qtbot, window, 2)
    monkeypatch.setattr(messages, "confirm", lambda *args: False)
    window.delete_action.trigger()
    settle(qtbot, window)
    assert "HS-2" in window.list_pane.visible_keys()
    monkeypatch.setattr(messages, "confirm", lambda *args: True)
    window.delete_action.trigger()
    qtbot.waitUntil(lambda: window.list_pane.visible_keys() == ["HS-3", "HS-1"])
    assert window.stack.currentWidget() is window.pick
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
    assert demo_db.name in window.windowTitle()
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
    qtbot.waitUntil(lambda: window.editor.incident is not None)
    reported = []
    window.editor.report_error = reported.append

    def full(*args, **kwargs):
        raise DiskFullError(Path(db_path))

    monkeypatch.setattr(window.workspace.incidents, "save", full)
    qtbot.keyClicks(window.editor.overview.title, "!")
    assert not save_and_wait(qtbot, window)
    assert reported and "disk" in reported[0].lower()
    assert window.save_label.text() == "Not saved: the disk is full"

    asked: list[str] = []
    monkeypatch.setattr(messages, "confirm", lambda *args: asked.append(args[2]) or False)
    window.close()
    qtbot.waitUntil(lambda: bool(asked))
    assert window.isVisible()  # the user chose not to lose the edits
    assert "recovery" in asked[0]
    monkeypatch.setattr(messages, "confirm", lambda *args: True)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())


def incident_with_reports(window, qtbot, title: str) -> list[str]:
    """Create and open an incident titled `title`; the messages a save would box, kept."""
    window.create_incident(title)
    qtbot.waitUntil(lambda: window.editor.incident is not None)
    reported: list[str] = []
    window.editor.report_error = reported.append
    return reported


def autosave(qtbot, window) -> bool:
    """What a pause in typing does: save now, without being asked; whether it stored."""
    answers: list[bool] = []
    window.editor.autosaver.flush(answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    return answers[0]


def test_a_refused_save_is_said_in_a_box_once_and_in_the_status_each_time(
    make_window, db_path, qtbot
):
    # A record its own import would refuse is not stored (here: no title); autosave, which
    # runs at every pause in typing, said so in a message box each time, taking the keyboard
    # from the field being fixed.
    window = make_window(db_path)
    reported = incident_with_reports(window, qtbot, "Titled")
    title = window.editor.overview.title
    title.selectAll()
    qtbot.keyClick(title, Qt.Key.Key_Delete)
    qtbot.keyClicks(title, "  ")
    autosave(qtbot, window)
    assert len(reported) == 1 and "needs a title" in reported[0]
    assert window.save_label.text().startswith("Not saved: The incident needs a title")
    qtbot.keyClicks(title, " ")
    autosave(qtbot, window)
    assert len(reported) == 1  # the same refusal again: the status bar says it
    assert window.save_label.text().startswith("Not saved: The incident needs a title")
    assert not save_and_wait(qtbot, window)  # asked for (Ctrl+S): the box again
    assert len(reported) == 2
    qtbot.keyClicks(title, "Back again")
    assert save_and_wait(qtbot, window)
    assert window.save_label.text() == "Saved"
    workspace = Workspace.open(db_path)
    try:
        assert workspace.incidents.get(1).title == "   Back again"
    finally:
        workspace.close()


def test_a_database_deleted_under_the_window_is_said_and_the_edits_kept(
    make_window, db_path, qtbot
):
    # The file deleted while open: SQLite wrote on into the deleted file and the window said
    # "Saved"; the edits were lost at exit (found by trying the app).
    window = make_window(db_path)
    reported = incident_with_reports(window, qtbot, "Kept")
    db_path.unlink()
    window.editor.overview.title.end(False)
    qtbot.keyClicks(window.editor.overview.title, " and more")
    assert not save_and_wait(qtbot, window)
    assert len(reported) == 1 and "deleted, moved or replaced" in reported[0]
    assert window.save_label.text() == "Not saved: the database file was deleted, moved or replaced"
    qtbot.keyClicks(window.editor.overview.title, "!")
    assert autosave(qtbot, window) is False
    assert len(reported) == 1  # said in a box once, not at every pause in typing
    assert window.editor.dirty  # the edits stay in the window (and the recovery journal)
    assert window.editor.overview.title.text() == "Kept and more!"


def test_closing_saves_pending_edits_first(make_window, db_path, qtbot):
    window = make_window(db_path)
    window.create_incident("Closing soon")
    qtbot.waitUntil(lambda: window.editor.incident is not None)
    window.editor.overview.title.end(False)
    qtbot.keyClicks(window.editor.overview.title, " and saved")
    assert window.editor.dirty
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    workspace = Workspace.open(db_path)
    assert workspace.incidents.get(1).title == "Closing soon and saved"
    workspace.close()


def test_sorting_by_a_column_keeps_the_selection(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    pane = window.list_pane
    open_incident(qtbot, window, 2)
    keys = keys_after(
        qtbot, window, lambda: pane.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    )
    assert keys[0] == "HS-2"  # severity: SEV1 first
    keys_after(qtbot, window, lambda: pane.table.sortByColumn(1, Qt.SortOrder.AscendingOrder))
    titles = [row.title for row in pane.model.loaded_rows()]
    assert titles == sorted(titles, key=str.lower)
    assert pane.selected_id() == 2
    assert window.editor.key_label.text() == "HS-2"


def test_compact_columns_show_their_whole_heading_with_the_sort_arrow(make_window, demo_db):
    from PySide6.QtWidgets import QStyle

    from hindsight.core.listing import ListColumn

    window = make_window(demo_db)
    header = window.list_pane.table.horizontalHeader()
    style = header.style()
    arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    model = window.list_pane.table.model()
    for column in range(model.columnCount()):
        if header.isSectionHidden(column) or column == ListColumn.TITLE:  # it stretches
            continue
        heading = model.headerData(column, Qt.Orientation.Horizontal)
        needed = header.fontMetrics().horizontalAdvance(heading) + arrow + 2 * margin
        assert header.sectionSize(column) >= needed, heading


def test_hidden_columns_are_remembered_and_a_newer_column_keeps_its_default(
    make_window, demo_db, qtbot, settings
):
    from hindsight.core.listing import ListColumn

    # Saved by a version without the Impact column: only Updated was hidden then.
    settings.setValue("list/hiddenColumns", ["UPDATED", "SEVERITY"])
    settings.remove("list/seenColumns")
    window = make_window(demo_db)
    hidden = set(window.list_pane.hidden_columns())
    assert hidden == {ListColumn.UPDATED, ListColumn.SEVERITY, ListColumn.IMPACT}
    # The user shows Impact; the choice survives the next start.
    window.list_pane.set_hidden_columns([ListColumn.UPDATED])
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    again = make_window(demo_db)
    assert set(again.list_pane.hidden_columns()) == {ListColumn.UPDATED}


def test_enter_in_the_conflict_question_keeps_editing(qtbot, when_modal):
    # "Overwrite with mine" was the default button: Enter pressed by habit overwrote the
    # other copy's save (found by trying the app with two windows on one database).
    from PySide6.QtWidgets import QMessageBox, QWidget

    from hindsight.store.errors import ConflictError
    from hindsight.ui.editor.incident_editor import ask_conflict

    parent = QWidget()
    qtbot.addWidget(parent)
    defaults: list[str] = []

    def press_enter(box: QMessageBox) -> None:
        defaults.append(box.defaultButton().text())
        qtbot.keyClick(box, Qt.Key.Key_Return)

    when_modal(press_enter)
    assert ask_conflict(parent, ConflictError("HS-1", 1, 2)) is ConflictChoice.KEEP_EDITING
    assert defaults == ["Keep Editing"]


def test_the_list_is_reached_and_used_from_the_keyboard(make_window, demo_db, qtbot):
    # Down in the search box did nothing, and Enter on a row reached with Tab (focused, not
    # chosen) did nothing either (found by trying the app without a mouse).
    from PySide6.QtCore import QItemSelectionModel

    window = make_window(demo_db)
    pane = window.list_pane
    qtbot.waitUntil(lambda: pane.model.rowCount() > 0)
    window.activateWindow()
    pane.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pane.search)
    qtbot.keyClick(pane.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is pane.table
    first = pane.model.row(0).id
    qtbot.waitUntil(lambda: window.showing(first), timeout=5000)
    pane.table.clearSelection()
    index = pane.model.index(2, 0)
    pane.table.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
    assert not pane.table.selectionModel().selectedRows()
    qtbot.keyClick(pane.table, Qt.Key.Key_Return)
    third = pane.model.row(2).id
    qtbot.waitUntil(lambda: window.showing(third), timeout=5000)


def test_incidents_written_by_another_program_appear_in_the_list(make_window, db_path, qtbot):
    # After `hindsight import` with the app open, the new incident appeared only after a
    # search (found by QA); the list now looks for other programs' writes every few seconds.
    window = make_window(db_path)
    window.create_incident("Mine")
    pane = window.list_pane
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=5000)
    pane._outside.setInterval(50)  # instead of every three seconds
    qtbot.waitUntil(lambda: pane._seen_version is not None)  # the list's mark is taken
    other = Workspace.open(db_path)  # another program's connection
    try:
        other.incidents.create("Written elsewhere")
    finally:
        other.close()
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=5000)
    titles = {pane.model.row(r).title for r in range(2)}
    assert titles == {"Mine", "Written elsewhere"}


def test_a_backup_is_restored_as_a_new_database_and_opened(
    make_window, db_path, qtbot, monkeypatch
):
    # There was Back Up Now but no way back (found by QA): File ▸ Restore from Backup… copies
    # the backup beside the other databases and opens it; nothing is overwritten.
    from hindsight.ui import file_dialogs

    window = make_window(db_path)
    window.create_incident("As backed up")
    qtbot.waitUntil(lambda: window.editor.incident is not None)
    backup = window.workspace.backup()
    title = window.editor.overview.title
    title.end(False)
    qtbot.keyClicks(title, ", then changed")
    assert save_and_wait(qtbot, window)
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(backup), ""))
    window.restore_action.trigger()
    qtbot.waitUntil(
        lambda: window.workspace is not None and window.workspace.path != db_path, timeout=10000
    )
    restored = window.workspace.path
    assert restored.name == f"{backup.stem}-restored.sqlite"
    qtbot.waitUntil(lambda: window.list_pane.model.rowCount() == 1, timeout=5000)
    assert window.list_pane.model.row(0).title == "As backed up"
    assert "Restored" in window.statusBar().currentMessage()
    before = Workspace.open(db_path)
    try:
        assert before.incidents.get(1).title == "As backed up, then changed"  # unchanged
    finally:
        before.close()
    assert backup.exists()


def test_restoring_a_file_that_is_no_database_says_so(
    make_window, db_path, qtbot, monkeypatch, tmp_path
):
    from hindsight.ui import file_dialogs, messages

    window = make_window(db_path)
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("not a database\n")
    shown: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(bogus), ""))
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert "not a Hindsight database or backup" in shown[0] and "Back Up Now" in shown[0]
    assert "New Database" not in shown[0]  # advice for opening, not for restoring
    assert window.workspace.path == db_path
