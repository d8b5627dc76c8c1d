"""Creating and editing incidents through the real widgets, and finding them after a reopen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QInputDialog

from hindsight.core.enums import Confidence, EventSource, Phase, Role, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.services.workspace import Workspace
from hindsight.ui.editor.dialogs import EventDialog, RoleDialog, TeamDialog
from hindsight.ui.qt_helpers import select_data, to_qdatetime

from .conftest import new_incident, open_incident, settle


def stored(path, key="HS-1"):
    workspace = Workspace.open(path)
    try:
        return workspace.incidents.get_by_key(key)
    finally:
        workspace.close()


def test_first_run_shows_welcome_and_creates_incident(make_window, db_path, qtbot, when_modal):
    window = make_window(db_path)
    assert window.stack.currentWidget() is window.welcome

    def type_title(dialog: QInputDialog) -> None:
        dialog.setTextValue("Fraud model blocked good payments")
        dialog.accept()

    when_modal(type_title)
    qtbot.mouseClick(window.welcome.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-1"]
    assert window.editor.title_label.text() == "Fraud model blocked good payments"
    assert stored(db_path).title == "Fraud model blocked good payments"


def test_overview_edits_autosave_without_pressing_save(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "Stale ranking")
    editor = window.editor
    editor.autosaver._debounce.setInterval(20)

    editor.overview.title.clear()
    qtbot.keyClicks(editor.overview.title, "Stale search ranking")
    editor.overview.tags.setFocus()
    qtbot.keyClicks(editor.overview.tags, "staleness, capacity")
    qtbot.keyClicks(editor.overview.summary, "Training stopped finishing.")
    editor.overview.severity.setCurrentIndex(editor.overview.severity.findData(Severity.SEV1))
    editor.overview.severity.activated.emit(editor.overview.severity.currentIndex())

    assert editor.title_label.text() == "Stale search ranking"
    assert editor.severity_label.text() == "SEV1"
    assert window.save_label.text() == "Unsaved changes"
    qtbot.waitUntil(lambda: not editor.dirty, timeout=3000)
    assert window.save_label.text() == "Saved"

    incident = stored(db_path)
    assert incident.title == "Stale search ranking"
    assert incident.tags == ["staleness", "capacity"]
    assert incident.summary == "Training stopped finishing."
    assert incident.severity is Severity.SEV1
    # The list shows the saved title too.
    settle(qtbot, window)
    assert window.list_pane.model.row(0).title == "Stale search ranking"


def test_phase_bar_changes_phase(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "x")
    bar = window.editor.phase_bar
    qtbot.mouseClick(bar.buttons[Phase.MITIGATION], Qt.MouseButton.LeftButton)
    assert bar.buttons[Phase.MITIGATION].isChecked()
    assert bar.buttons[Phase.DETECTION].property("passed") is True
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.editor.dirty)
    assert stored(db_path).phase is Phase.MITIGATION


def test_timeline_event_and_fuzzy_milestone_then_reopen(make_window, db_path, qtbot, when_modal):
    window = make_window(db_path)
    new_incident(qtbot, window, "Partner models useless")
    editor = window.editor

    # A timeline event, entered in its dialog.
    def fill_event(dialog: EventDialog) -> None:
        dialog.when.best.setDateTime(to_qdatetime(datetime(2026, 6, 9, 14, 30, tzinfo=UTC)))
        select_data(dialog.phase, Phase.DETECTION)
        select_data(dialog.source, EventSource.USER_REPORT)
        dialog.text.setPlainText("Partner manager reports a 40% drop in sales.")
        dialog.accept()

    editor.tabs.setCurrentWidget(editor.timeline)
    when_modal(fill_event)
    qtbot.mouseClick(editor.timeline.add_button, Qt.MouseButton.LeftButton)
    assert editor.timeline.table.rowCount() == 1
    assert "40% drop" in editor.timeline.table.item(0, 3).text()
    assert editor.timeline.table.item(0, 2).text() == "User report"

    # A fuzzy impact start: tick the milestone, untick "exact", widen the range.
    editor.tabs.setCurrentWidget(editor.milestones)
    box = editor.milestones.boxes[Phase.OUTAGE_BEGINS]
    box.setChecked(True)
    fuzzy = editor.milestones.editors[Phase.OUTAGE_BEGINS]
    fuzzy.best.setDateTime(to_qdatetime(datetime(2026, 5, 28, tzinfo=UTC)))
    fuzzy.exact.setChecked(False)
    fuzzy.earliest.setDateTime(to_qdatetime(datetime(2026, 5, 25, tzinfo=UTC)))
    fuzzy.latest.setDateTime(to_qdatetime(datetime(2026, 6, 1, tzinfo=UTC)))
    fuzzy.note.setFocus()
    qtbot.keyClicks(fuzzy.note, "first day with zero merged conversions")

    # A role holder and a team.
    def fill_role(dialog: RoleDialog) -> None:
        select_data(dialog.role, Role.COMMUNICATIONS_LEAD)
        dialog.person.setText("Ines Duarte")
        dialog.accept()

    def fill_team(dialog: TeamDialog) -> None:
        dialog.team.setCurrentText("Partners")
        dialog.part.setPlainText("Kept the partner informed daily.")
        dialog.accept()

    when_modal(fill_role)
    qtbot.mouseClick(editor.roles.add_button, Qt.MouseButton.LeftButton)
    when_modal(fill_team)
    qtbot.mouseClick(editor.teams.add_button, Qt.MouseButton.LeftButton)
    assert editor.roles.table.item(0, 1).text() == "Ines Duarte"
    assert editor.teams.table.item(0, 0).text() == "Partners"

    window.close()  # closing saves

    reopened = make_window(db_path)
    open_incident(qtbot, reopened, 1)
    incident = reopened.editor.incident
    assert incident is not None
    assert incident.events[0].text == "Partner manager reports a 40% drop in sales."
    assert incident.events[0].source is EventSource.USER_REPORT
    impact = incident.milestones[Phase.OUTAGE_BEGINS]
    assert (impact.earliest, impact.best, impact.latest) == (
        datetime(2026, 5, 25, tzinfo=UTC),
        datetime(2026, 5, 28, tzinfo=UTC),
        datetime(2026, 6, 1, tzinfo=UTC),
    )
    assert impact.note == "first day with zero merged conversions"
    assert [(r.role, r.person) for r in incident.roles] == [
        (Role.COMMUNICATIONS_LEAD, "Ines Duarte")
    ]
    assert [t.team for t in incident.teams] == ["Partners"]
    # What the user sees after reopening.
    reopened_box = reopened.editor.milestones.boxes[Phase.OUTAGE_BEGINS]
    assert reopened_box.isChecked()
    assert not reopened.editor.milestones.editors[Phase.OUTAGE_BEGINS].exact.isChecked()
    assert reopened.editor.timeline.table.rowCount() == 1


def test_invalid_fuzzy_range_is_shown_and_not_saved(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "x")
    editor = window.editor
    editor.milestones.boxes[Phase.DETECTION].setChecked(True)
    fuzzy = editor.milestones.editors[Phase.DETECTION]
    fuzzy.exact.setChecked(False)
    before = editor.incident.milestones[Phase.DETECTION]
    fuzzy.latest.setDateTime(fuzzy.best.dateTime().addDays(-2))
    assert not fuzzy.problem.isHidden()
    assert "earliest" in fuzzy.problem.text()
    assert editor.incident.milestones[Phase.DETECTION] == before


def test_out_of_order_milestones_are_flagged(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "x")
    tab = window.editor.milestones
    tab.boxes[Phase.OUTAGE_BEGINS].setChecked(True)
    tab.editors[Phase.OUTAGE_BEGINS].exact.setChecked(True)
    tab.editors[Phase.OUTAGE_BEGINS].best.setDateTime(
        to_qdatetime(datetime(2026, 3, 10, tzinfo=UTC))
    )
    tab.boxes[Phase.DETECTION].setChecked(True)
    tab.editors[Phase.DETECTION].exact.setChecked(True)
    tab.editors[Phase.DETECTION].best.setDateTime(to_qdatetime(datetime(2026, 3, 1, tzinfo=UTC)))
    assert not tab.issues.isHidden()
    assert "Detected is dated entirely before Impact start" in tab.issues.text()
    assert "impossible" in tab.durations.text()


def test_undo_and_redo_an_edit(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "Original")
    editor = window.editor
    editor.overview.title.selectAll()
    qtbot.keyClicks(editor.overview.title, "Changed")
    assert editor.title_label.text() == "Changed"
    assert window.undo_action.isEnabled()

    window.undo_action.trigger()
    assert editor.overview.title.text() == "Original"
    assert editor.title_label.text() == "Original"
    window.redo_action.trigger()
    assert editor.overview.title.text() == "Changed"
    window.undo_action.trigger()
    window.save_action.trigger()
    qtbot.waitUntil(lambda: not editor.dirty)
    assert stored(db_path).title == "Original"


def test_undo_removal_of_timeline_event(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    open_incident(qtbot, window, 3)  # the draft; HS-1 is published and read-only
    window.editor.show_tab("timeline")
    timeline = window.editor.timeline
    count = timeline.table.rowCount()
    timeline.table.selectRow(0)
    qtbot.mouseClick(timeline.remove_button, Qt.MouseButton.LeftButton)
    assert timeline.table.rowCount() == count - 1
    window.undo_action.trigger()
    assert timeline.table.rowCount() == count
    window.save_action.trigger()
    qtbot.waitUntil(lambda: not window.editor.dirty)
    assert len(stored(demo_db, "HS-3").events) == count


def test_date_field_round_trip():
    moment = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    assert to_qdatetime(moment) == QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def test_a_milestone_just_marked_known_is_a_low_confidence_range(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "x")
    editor = window.editor
    tab = editor.milestones
    before = datetime.now(UTC).replace(second=0, microsecond=0)
    tab.boxes[Phase.TRIGGER].setChecked(True)
    first = editor.incident.milestones[Phase.TRIGGER]
    # Not "exactly now, high confidence": a range nobody vouched for, for the author to narrow.
    assert not first.is_exact
    assert first.confidence is Confidence.LOW
    assert first.latest - first.earliest == timedelta(days=1)
    assert before - timedelta(days=1) <= first.earliest <= first.best <= first.latest
    assert not tab.editors[Phase.TRIGGER].exact.isChecked()
    assert tab.editors[Phase.TRIGGER].confidence.currentText() == "Low"

    impact = FuzzyTime.exact(datetime(2026, 3, 1, 8, tzinfo=UTC))
    editor.edit("Impact", lambda i: i.milestones.__setitem__(Phase.OUTAGE_BEGINS, impact))
    tab.boxes[Phase.DETECTION].setChecked(True)
    detected = editor.incident.milestones[Phase.DETECTION]
    assert detected.earliest == impact.best  # between impact start and now
    assert detected.latest >= before and detected.confidence is Confidence.LOW

    # The Review page's "Known" box starts the same way.
    review = editor.review
    editor.tabs.setCurrentWidget(review)
    for view in review.views:
        card = getattr(view, "cards", {}).get("mitigation.when")
        if card is not None:
            card.answer.known.setChecked(True)
    mitigated = editor.incident.milestones[Phase.MITIGATION]
    assert not mitigated.is_exact and mitigated.confidence is Confidence.LOW
    assert mitigated.earliest == detected.best


def test_a_new_timeline_event_starts_in_the_incidents_phase(make_window, db_path, when_modal):
    window = make_window(db_path)
    new_incident(None, window, "x")
    editor = window.editor
    editor.edit("Phase", lambda i: setattr(i, "phase", Phase.MITIGATION))
    offered: list[object] = []

    def look(dialog: EventDialog) -> None:
        offered.append(dialog.phase.currentData())
        dialog.reject()

    editor.tabs.setCurrentWidget(editor.timeline)
    when_modal(look)
    editor.timeline.add_record()
    assert offered == [Phase.MITIGATION]
