"""The Privacy & ethics tab through the real widgets: the access log, the checklist, the scan."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from hindsight.core.privacy import DataCategory, EthicsChoice
from hindsight.services.pii_scan import pattern_specs
from hindsight.services.workspace import Workspace
from hindsight.ui.privacy.access_dialog import AccessDialog, ConfirmDeletionDialog
from hindsight.ui.privacy.patterns_dialog import PatternsDialog
from hindsight.ui.qt_helpers import to_qdatetime

from .conftest import made_off_the_gui_thread, new_incident, open_incident


def stored_accesses(path, incident_id=1):
    workspace = Workspace.open(path)
    try:
        return workspace.privacy.accesses(incident_id)
    finally:
        workspace.close()


def settle(window) -> None:
    """Wait until the window's reads, saves and scans are done."""
    for _ in range(500):
        if not window.ops.busy:
            return
        QTest.qWait(10)
    raise AssertionError("the window's operations did not finish in 5 s")


def open_privacy(window, incident_id=None):
    if incident_id is not None:
        open_incident(None, window, incident_id)
    editor = window.editor
    editor.tabs.setCurrentWidget(editor.privacy)
    settle(window)
    return editor, editor.privacy


def id_of(window, key: str) -> int:
    model = window.list_pane.model
    return next(row.id for row in model.loaded_rows() if row.key == key)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# -- the data-access log ----------------------------------------------------------------------


def test_record_amend_and_read_the_history(make_window, db_path, qtbot, when_modal):
    window = make_window(db_path)
    new_incident(qtbot, window, "Recommendations dried up")
    _, tab = open_privacy(window)
    tab.pages.setCurrentWidget(tab.log)
    seen_problems: list[str] = []

    def record(dialog: AccessDialog) -> None:
        dialog.accessor.setText("Ravi Menon")
        dialog.accessed_at.setDateTime(to_qdatetime(datetime(2026, 9, 3, 11, 15, tzinfo=UTC)))
        dialog.dataset.setText("Production search query logs")
        dialog.categories[DataCategory.SEARCH_QUERIES].setChecked(True)
        dialog.categories[DataCategory.IP_ADDRESSES].setChecked(True)
        dialog.volume.setValue(100_000)
        assert "second person's approval" in dialog.approver_hint.text()
        dialog.recorded_by.setText("Hannah Kowalczyk")
        click(qtbot, dialog.copies.add_button)
        dialog.copies.cell(0, 0).setText("gs://recs-analysis/replay-0903/")
        dialog.copies.cell(0, 1).set_date(date(2026, 9, 10))
        dialog.accept()  # no justification yet: refused, the dialog stays open
        seen_problems.append(dialog.problem.text())
        assert dialog.isVisible()
        dialog.justification.setPlainText("Replay real traffic against the July models.")
        dialog.accept()

    when_modal(record)
    click(qtbot, tab.log.record_button)
    settle(window)
    assert "justification" in seen_problems[0]
    assert tab.log.table.rowCount() == 1
    assert "No approver" in tab.log.table.item(0, 5).text()
    assert "personal data, no approver" in tab.banner.text()
    [access] = stored_accesses(db_path)
    assert access.details.approver == ""
    assert access.details.copies[0].location == "gs://recs-analysis/replay-0903/"
    assert access.current.recorded_by == "Hannah Kowalczyk"

    def amend(dialog: AccessDialog) -> None:
        assert dialog.accessor.text() == "Ravi Menon"
        dialog.approver.setText("Gabriela Souza")
        dialog.accept()  # an amendment needs a reason
        assert "why the entry is being amended" in dialog.problem.text()
        dialog.reason.setText("The data owner reviewed the access afterwards")
        dialog.accept()

    tab.log.table.selectRow(0)
    when_modal(amend)
    click(qtbot, tab.log.amend_button)
    settle(window)

    history = tab.log.history.toPlainText()
    assert "Revision 2 — amended by Hannah Kowalczyk" in history
    assert "Reason: The data owner reviewed the access afterwards" in history
    assert "Approver: (empty) → Gabriela Souza" in history
    assert "Revision 1 — recorded by Hannah Kowalczyk" in history
    assert "No approver" not in tab.log.table.item(0, 5).text()
    [access] = stored_accesses(db_path)
    assert [r.details.approver for r in access.revisions] == ["", "Gabriela Souza"]


def test_self_approval_is_refused_in_the_dialog(make_window, db_path, qtbot, when_modal):
    window = make_window(db_path)
    new_incident(qtbot, window, "x")
    _, tab = open_privacy(window)

    def self_approve(dialog: AccessDialog) -> None:
        dialog.accessor.setText("Ravi Menon")
        dialog.dataset.setText("logs")
        dialog.categories[DataCategory.LOCATION].setChecked(True)
        dialog.justification.setPlainText("why")
        dialog.approver.setText("ravi menon")
        assert "someone other than" in dialog.approver_hint.text()
        dialog.accept()
        assert "second person" in dialog.problem.text()
        dialog.reject()

    when_modal(self_approve)
    click(qtbot, tab.log.record_button)
    assert tab.log.table.rowCount() == 0
    assert stored_accesses(db_path) == []


def test_demo_third_incident_shows_why_it_is_blocked(make_window, demo_db, qtbot, when_modal):
    window = make_window(demo_db)
    _, tab = open_privacy(window, id_of(window, "HS-3"))
    banner = tab.banner.text()
    assert "Publishing is blocked" in banner
    assert "personal data, no approver" in banner
    assert "copy past its delete-by date (2026-09-30)" in banner
    assert "required checklist items" in banner

    replay = next(a for a in tab.log.accesses if a.details.volume == 100_000)
    assert tab.focus_target(f"access:{replay.id}")
    assert tab.pages.currentWidget() is tab.log and tab.log.selected_id() == replay.id
    assert "Privacy's access review found a second copy" in tab.log.history.toPlainText()

    def confirm(dialog: ConfirmDeletionDialog) -> None:
        assert dialog.copy.count() == 1  # the bucket copy is already confirmed
        dialog.deleted_at.setDateTime(to_qdatetime(datetime(2026, 10, 1, 9, 0, tzinfo=UTC)))
        dialog.deleted_by.setText("ML platform on-call")
        dialog.accept()

    when_modal(confirm)
    click(qtbot, tab.log.confirm_button)
    settle(window)
    assert "delete-by" not in tab.banner.text()
    assert "personal data, no approver" in tab.banner.text()
    assert "Deletion of the copy at Replay harness cache" in tab.log.history.toPlainText()
    assert len(stored_accesses(demo_db, id_of(window, "HS-3"))[1].revisions) == 3


# -- the ethics checklist ---------------------------------------------------------------------


def test_answering_the_checklist_saves_and_unblocks(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "x")
    _, tab = open_privacy(window)
    assert "required checklist items" in tab.banner.text()
    assert tab.focus_target("ethics:call_to_action.disclosure")
    assert tab.pages.currentWidget() is tab.ethics

    for row in tab.ethics.rows.values():
        click(qtbot, row.buttons[EthicsChoice.NOT_APPLICABLE])
    settle(window)
    # N/A counts only with a note: still blocked, and the rows say so.
    row = tab.ethics.rows["impact.uneven_harm"]
    assert row.marker.text() == "N/A needs a note"
    assert "required checklist items" in tab.banner.text()
    for row in tab.ethics.rows.values():
        row.note.setFocus()
        qtbot.keyClicks(row.note, "Only synthetic data was used.")
    tab.ethics.flush()
    settle(window)
    assert "Nothing in the privacy record blocks publishing" in tab.banner.text()
    assert tab.pages.tabText(1) == "Ethics checklist (13/13)"

    workspace = Workspace.open(db_path)
    try:
        answers = workspace.privacy.ethics_answers(1)
        assert answers["impact.uneven_harm"].choice is EthicsChoice.NOT_APPLICABLE
        assert answers["impact.uneven_harm"].note == "Only synthetic data was used."
        assert workspace.privacy.open_required(1) == []
    finally:
        workspace.close()


# -- the PII scan -----------------------------------------------------------------------------


def test_scan_jump_redact_and_undo(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "Recommendations dried up")
    editor = window.editor
    editor.tabs.setCurrentWidget(editor.overview)
    editor.overview.summary.setFocus()
    qtbot.keyClicks(editor.overview.summary, "Customer jo@example.com complained.")
    _, tab = open_privacy(window)
    tab.pages.setCurrentWidget(tab.scan)
    click(qtbot, tab.scan.scan_button)
    settle(window)
    assert tab.scan.table.rowCount() == 1
    assert tab.scan.table.item(0, 0).text() == "E-mail address"
    assert tab.scan.table.item(0, 1).text() == "Overview · Summary"
    assert tab.pages.tabText(2) == "PII scan (1)"

    cell = tab.scan.table.visualItemRect(tab.scan.table.item(0, 1)).center()
    qtbot.mouseClick(tab.scan.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(tab.scan.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert editor.tabs.currentWidget() is editor.overview
    assert editor.overview.summary.textCursor().selectedText() == "jo@example.com"

    editor.tabs.setCurrentWidget(tab)
    tab.scan.table.selectRow(0)
    click(qtbot, tab.scan.redact_button)
    settle(window)
    assert editor.incident.summary == "Customer [email redacted] complained."
    assert editor.overview.summary.toPlainText() == "Customer [email redacted] complained."
    assert tab.scan.table.rowCount() == 0
    assert window.undo_action.text() == "&Undo Redact e-mail address"

    window.undo_action.trigger()
    assert editor.incident.summary == "Customer jo@example.com complained."
    qtbot.waitUntil(lambda: len(tab.scan.findings) == 1, timeout=3000)
    window.redo_action.trigger()
    window.save_action.trigger()
    qtbot.waitUntil(lambda: not editor.dirty)
    workspace = Workspace.open(db_path)
    try:
        assert workspace.incidents.get(1).summary == "Customer [email redacted] complained."
    finally:
        workspace.close()


def test_jump_to_a_timeline_event(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    editor, tab = open_privacy(window, id_of(window, "HS-3"))
    index = next(i for i, event in enumerate(editor.incident.events) if "100,000" in event.text)
    editor.edit(
        "Add a number",
        lambda incident: setattr(
            incident.events[index], "text", incident.events[index].text + " Call +44 20 7946 0999."
        ),
    )
    tab.pages.setCurrentWidget(tab.scan)
    tab.scan.rescan()
    settle(window)
    row = next(r for r, f in enumerate(tab.scan.findings) if f.field == f"events/{index}/text")
    tab.scan.go_to_row(row)
    timeline = editor.timeline
    assert editor.tabs.currentWidget() is timeline
    selected = timeline.table.selectionModel().selectedRows()[0].row()
    assert "100,000 real user queries" in timeline.table.item(selected, 3).text()


def test_redacting_access_notes_is_an_amendment(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    incident_id = id_of(window, "HS-3")
    _, tab = open_privacy(window, incident_id)
    tab.pages.setCurrentWidget(tab.scan)
    tab.scan.rescan()
    settle(window)
    assert {f.where for f in tab.scan.findings} == {"Access 1 · notes", "Access 2 · notes"}
    click(qtbot, tab.scan.redact_all_button)  # the confirmation is answered yes in tests
    settle(window)
    assert tab.scan.findings == []
    accesses = stored_accesses(demo_db, incident_id)
    replay = accesses[1]
    assert "[email redacted]" in replay.details.notes
    assert "[IP address redacted]" in replay.details.notes
    assert "ravi.menon@loomly.example" in replay.revisions[0].details.notes  # history kept
    assert replay.current.reason.startswith("Redacted 2 piece(s)")


# -- the patterns setting ---------------------------------------------------------------------


def test_patterns_setting_refuses_a_bad_regex_by_name(make_window, db_path, qtbot, when_modal):
    window = make_window(db_path)
    new_incident(qtbot, window, "Customer CUST-00421337 saw weird recs")
    seen: list[str] = []

    def edit(dialog: PatternsDialog) -> None:
        dialog.add_row("Customer id", r"CUST-(\d{8}")
        seen.append(dialog.problem.text())
        dialog.accept()
        assert dialog.isVisible()
        dialog.table.item(0, 1).setText(r"CUST-\d{8}")
        assert "Customer id" in dialog.sample_result.text()
        dialog.accept()

    when_modal(edit)
    window.pii_patterns_action.trigger()
    assert "“Customer id” is not a valid regular expression" in seen[0]
    assert pattern_specs() == [("Customer id", r"CUST-\d{8}")]
    tab = window.editor.privacy
    tab.scan.rescan()
    settle(window)
    assert [(f.label, f.text) for f in tab.scan.findings] == [("Customer id", "CUST-00421337")]
    assert isinstance(window.editor.overview.title, QLineEdit)


def test_a_problem_quoting_a_patterns_name_shows_it_as_written(qtbot):
    # A pattern named "<b>Customer</b> id" was shown in bold in the problem (found by QA).
    from PySide6.QtCore import Qt

    dialog = PatternsDialog()
    qtbot.addWidget(dialog)
    dialog.add_row("<b>Customer</b> id", r"CUST-(\d{8}")
    assert dialog.problem.textFormat() is Qt.TextFormat.PlainText
    assert "“<b>Customer</b> id” is not a valid regular expression" in dialog.problem.text()


def test_jump_to_a_follow_up_selects_it(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "x")
    workspace = window.workspace
    item = workspace.followups.new_item(1, "Call back +44 20 7946 0000")
    created = workspace.followups.create(item)
    editor, tab = open_privacy(window)
    editor.followups.open_incident(editor.incident)
    tab.pages.setCurrentWidget(tab.scan)
    tab.scan.rescan()
    settle(window)
    [finding] = tab.scan.findings
    assert finding.where == "Follow-up · Call back +44 20 7946 0000"
    tab.scan.go_to_row(0)
    assert editor.tabs.currentWidget() is editor.followups
    qtbot.waitUntil(lambda: editor.followups.board.selected_id() == created.id)


# -- what the tab shows agrees with itself ------------------------------------------------------


def required_open_in(text: str) -> int:
    import re

    from tests.ui.seen import as_read

    found = re.search(r"(\d+) required (?:checklist )?(?:items? )?open", as_read(text))
    assert found, text
    return int(found.group(1))


def test_the_banner_the_page_title_and_the_checklist_count_alike(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    _, tab = open_privacy(window, id_of(window, "HS-3"))
    banner = required_open_in(tab.banner.text())
    title = required_open_in(tab.pages.tabText(1))
    summary = required_open_in(tab.ethics.summary.text())
    assert banner == title == summary > 0
    # The banner's total is its parts: checklist items plus the flagged accesses it links.
    total = int(tab.banner.text().split(" privacy problem")[0].rsplit(" ", 1)[1])
    assert total == banner + tab.banner.text().count("href='access:")

    # A fresh incident: nothing answered, and all three say the same number again.
    new_incident(qtbot, window, "New")
    settle(window)
    open_privacy(window)
    counts = {
        required_open_in(tab.banner.text()),
        required_open_in(tab.pages.tabText(1)),
        required_open_in(tab.ethics.summary.text()),
    }
    assert len(counts) == 1


def test_copy_dates_show_whole_in_the_access_dialog(qtbot):
    dialog = AccessDialog("Tester")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    click(qtbot, dialog.copies.add_button)
    dialog.copies.cell(0, 1).set_date(date(2026, 9, 10))
    for column in (1, 2):
        field = dialog.copies.cell(0, column)
        # The date field gets the room it asks for, so "2026-09-10" is not cut to "202".
        assert field.edit.width() >= field.edit.sizeHint().width(), column
        assert dialog.copies.table.columnWidth(column) >= field.sizeHint().width(), column


def test_typing_goes_on_while_the_scan_runs(make_window, db_path, qtbot, monkeypatch):
    import threading

    from hindsight.ui.privacy import privacy_tab

    real_scan = privacy_tab.scan_incident
    started, release = threading.Event(), threading.Event()

    def slow_scan(*args):
        started.set()
        release.wait(10)
        return real_scan(*args)

    monkeypatch.setattr(privacy_tab, "scan_incident", slow_scan)
    window = make_window(db_path)
    new_incident(qtbot, window, "x")
    editor = window.editor
    tab = editor.privacy
    tab.pages.setCurrentWidget(tab.scan)
    editor.tabs.setCurrentWidget(tab)  # showing the tab starts a scan
    qtbot.waitUntil(started.is_set, timeout=3000)

    editor.tabs.setCurrentWidget(editor.overview)
    editor.overview.summary.setFocus()
    qtbot.keyClicks(editor.overview.summary, "Mail jo@example.com")
    # Typed and recorded while the scan is still running.
    assert editor.incident.summary == "Mail jo@example.com"
    assert tab.scan.scanning and not release.is_set()

    release.set()
    editor.tabs.setCurrentWidget(tab)  # the text changed meanwhile: shown again, it rescans
    qtbot.waitUntil(lambda: len(tab.scan.findings) == 1, timeout=5000)
    assert tab.pages.tabText(2) == "PII scan (1)"


def test_a_note_typed_just_before_closing_is_saved(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "x")
    _, tab = open_privacy(window)
    tab.pages.setCurrentWidget(tab.ethics)
    row = next(iter(tab.ethics.rows.values()))
    click(qtbot, row.buttons[EthicsChoice.YES])
    row.note.setFocus()
    qtbot.keyClicks(row.note, "Checked by the privacy team")
    window.close()  # within the note's save delay
    workspace = Workspace.open(db_path)
    try:
        answer = workspace.privacy.ethics_answers(1)[row.item.id]
        assert answer.note == "Checked by the privacy team"
    finally:
        workspace.close()


def test_an_unrecorded_privacy_consultation_stays_unrecorded(qtbot):
    from datetime import UTC, datetime

    from hindsight.core.privacy import AccessDetails, DataAccess

    dialog = AccessDialog("Tester")
    qtbot.addWidget(dialog)
    # A new entry says nothing until the user says something.
    assert dialog.privacy_consulted.currentText() == "Not recorded"
    assert not dialog.privacy_contact.isEnabled()
    assert dialog.consulted() is None
    dialog.privacy_consulted.setCurrentIndex(dialog.privacy_consulted.findText("Consulted"))
    assert dialog.consulted() is True and dialog.privacy_contact.isEnabled()
    dialog.privacy_consulted.setCurrentIndex(dialog.privacy_consulted.findText("Not consulted"))
    assert dialog.consulted() is False

    # An imported entry that never said keeps saying nothing when it is amended.
    details = AccessDetails("Ana", datetime(2026, 3, 1, 9, 0, tzinfo=UTC), "logs")
    revision = type("Revision", (), {"details": details})()
    access = DataAccess(1, 1, 1, (revision,))  # type: ignore[arg-type]
    amend = AccessDialog("Tester", access)
    qtbot.addWidget(amend)
    assert amend.privacy_consulted.currentText() == "Not recorded"
    assert amend.consulted() is None


def test_the_privacy_tab_just_after_start_is_built_once_its_service_is_made_off_the_gui_thread(
    make_window, demo_db, qtbot, monkeypatch
):
    from hindsight.services.privacy import PrivacyService

    window = make_window(demo_db)
    open_incident(qtbot, window, id_of(window, "HS-3"))
    editor = window.editor
    made_on = made_off_the_gui_thread(monkeypatch, window, "privacy", PrivacyService)
    bar = editor.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == "&Privacy")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    qtbot.waitUntil(lambda: editor.current_tab() == "privacy" and "privacy" in editor._pages)
    assert made_on == [False]
    assert editor.privacy.isVisible()


def test_a_right_to_left_override_in_a_name_leaves_the_date_under_it_as_it_is(
    make_window, db_path, qtbot
):
    # A tester's "alice <RLO>RTL" showed its date as "35:70 92-11-6202" in the log's table.
    from PySide6.QtGui import QColor, QImage, QPainter

    from hindsight.core.privacy import AccessDetails

    window = make_window(db_path)
    new_incident(qtbot, window, "Stale ranking")
    workspace = Workspace.open(db_path)
    try:
        details = AccessDetails(
            "alice \u202eRTL",
            datetime(2026, 11, 29, 7, 53, tzinfo=UTC),
            "ranking logs \u202ereversed",
            categories=(DataCategory.AGGREGATES_ONLY,),
            justification="Counting",
        )
        workspace.privacy.record_access(1, details, "Tester")
    finally:
        workspace.close()
    _, tab = open_privacy(window, 1)
    tab.pages.setCurrentWidget(tab.log)
    qtbot.waitUntil(lambda: tab.log.table.rowCount() == 1, timeout=5000)
    text = tab.log.table.item(0, 1).text()
    name, when = text.split("\n")
    assert name == "\u2068alice \u202eRTL\u202c\u2069"  # closed and isolated in its line

    def second_line(shown: str) -> QImage:
        image = QImage(400, 60, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setFont(tab.log.table.font())
        painter.setPen(QColor("black"))
        painter.drawText(
            image.rect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), shown
        )
        painter.end()
        spacing = tab.log.table.fontMetrics().lineSpacing()
        return image.copy(0, spacing, 400, 60 - spacing)

    # The date line is drawn exactly as the date alone under a plain name.
    assert second_line(text) == second_line(f"alice\n{when}")
    assert second_line("alice \u202eRTL\n" + when) != second_line(f"alice\n{when}")  # as before
