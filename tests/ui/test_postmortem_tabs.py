"""The editor holds what real postmortems state: impact numbers, causes, links, days (issue 14)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt

from hindsight.core.enums import Phase
from hindsight.core.factors import FactorDate
from hindsight.core.fuzzy_time import Precision
from hindsight.core.references import ReferenceKind
from hindsight.ui.editor.postmortem_tabs import FactorDialog, ImpactDialog, LinkDialog
from hindsight.ui.qt_helpers import select_data, to_qdatetime

from .conftest import new_incident, open_incident


def test_impact_causes_links_and_a_day_are_entered_saved_and_shown_again(
    make_window, db_path, qtbot, when_modal
) -> None:
    window = make_window(db_path)
    new_incident(qtbot, window, "Feature file doubled")
    editor = window.editor

    # An impact measure given as a range of percentages, for one slice of traffic.
    def fill_measure(dialog: ImpactDialog) -> None:
        dialog.measure.setText("Requests answered with errors")
        qtbot.keyClicks(dialog.low, "0.8")
        qtbot.keyClicks(dialog.high, "16%")
        dialog.unit.setText("%")
        dialog.slice.setText("all proxied traffic, worst hour")
        dialog.accept()

    editor.tabs.setCurrentWidget(editor.impact)
    when_modal(fill_measure)
    qtbot.mouseClick(editor.impact.add_button, Qt.MouseButton.LeftButton)
    assert editor.impact.table.item(0, 1).text() == "0.8–16%"

    # A cause with a day-precise start and one kind of change implicated.
    def fill_factor(dialog: FactorDialog) -> None:
        dialog.title.setText("Size limit in the proxy")
        dialog.scope.setText("Proxies on the newer engine")
        for row in range(dialog.implicated.count()):
            entry = dialog.implicated.item(row)
            if entry.text() == "Feature pipeline":
                entry.setCheckState(Qt.CheckState.Checked)
        began = dialog.dates[FactorDate.BEGAN]
        began.known.setChecked(True)
        began.editor.by_day.setChecked(True)
        began.editor.best.setDate(date(2025, 8, 5))
        dialog.accept()

    editor.tabs.setCurrentWidget(editor.factors)
    when_modal(fill_factor)
    qtbot.mouseClick(editor.factors.add_button, Qt.MouseButton.LeftButton)
    assert editor.factors.table.item(0, 0).text() == "Size limit in the proxy"

    # A ticket given as a reference, not an address.
    def fill_link(dialog: LinkDialog) -> None:
        select_data(dialog.kind, ReferenceKind.TICKET)
        dialog.target.setText("PROJ-42")
        dialog.label.setText("Limit the file's size")
        dialog.accept()

    editor.tabs.setCurrentWidget(editor.links)
    when_modal(fill_link)
    qtbot.mouseClick(editor.links.add_button, Qt.MouseButton.LeftButton)
    assert editor.links.table.item(0, 2).text() == "PROJ-42"

    # A milestone known only to the day.
    editor.tabs.setCurrentWidget(editor.milestones)
    editor.milestones.boxes[Phase.RESOLUTION].setChecked(True)
    resolved = editor.milestones.editors[Phase.RESOLUTION]
    resolved.by_day.setChecked(True)
    resolved.exact.setChecked(True)  # "One day" once only the day is known
    assert resolved.exact.text() == "One day"
    resolved.best.setDateTime(to_qdatetime(datetime(2025, 8, 6, 9, 0, tzinfo=UTC)))

    window.close()  # closing saves

    reopened = make_window(db_path)
    open_incident(qtbot, reopened, 1)
    incident = reopened.editor.incident
    assert incident is not None
    [measure] = incident.impacts
    assert (measure.low, measure.best, measure.high, measure.unit) == (0.8, None, 16.0, "%")
    assert measure.slice == "all proxied traffic, worst hour"
    [factor] = incident.factors
    assert factor.implicated == ["feature_pipeline"]
    began = factor.dates[FactorDate.BEGAN]
    assert began.precision is Precision.DAY and began.first_day == began.last_day == date(
        2025, 8, 5
    )
    [link] = incident.references
    assert (link.kind, link.target, link.label) == (
        ReferenceKind.TICKET,
        "PROJ-42",
        "Limit the file's size",
    )
    day = incident.milestones[Phase.RESOLUTION]
    assert day.by_day and day.first_day == date(2025, 8, 6)
    # What the user sees after reopening: the day, without an hour.
    reopened.editor.tabs.setCurrentWidget(reopened.editor.milestones)
    shown = reopened.editor.milestones.editors[Phase.RESOLUTION]
    assert shown.by_day.isChecked()
    assert shown.best.text() == "2025-08-06"
    assert reopened.editor.impact.table.rowCount() == 1
    assert reopened.editor.links.table.item(0, 0).text() == "Ticket"


def test_dialogs_refuse_what_the_record_would_refuse(qtbot) -> None:
    measure = ImpactDialog(None)
    qtbot.addWidget(measure)
    measure.measure.setText("Queries lost")
    measure.low.setText("lots")
    measure.accept()
    assert "not a number" in measure.problem.text()
    measure.low.setText("20")
    measure.high.setText("10")
    measure.accept()
    assert "swap them" in measure.problem.text()
    assert measure.result() == 0  # still open

    link = LinkDialog(None)
    qtbot.addWidget(link)
    link.target.setText("javascript:alert(1)")
    link.accept()
    assert "http://" in link.problem.text()
    link.target.setText("https://example.org/dash")
    link.label.setText("L" * 301)  # a save refuses it: the dialog says so, and stays open
    link.accept()
    assert "longer than 300" in link.problem.text()
    assert link.result() == 0

    from hindsight.ui.editor.dialogs import RoleDialog, TeamDialog

    role = RoleDialog(None)
    qtbot.addWidget(role)
    role.person.setText("P" * 201)
    role.accept()
    assert "longer than 200" in role.problem.text()
    assert role.result() == 0
    team = TeamDialog(None, ["SRE"])
    qtbot.addWidget(team)
    team.team.setCurrentText("T" * 201)
    team.accept()
    assert "longer than 200" in team.problem.text()
    assert team.result() == 0

    factor = FactorDialog(None)
    qtbot.addWidget(factor)
    factor.accept()
    assert "short title" in factor.problem.text()


def test_an_empty_table_says_what_belongs_in_it_until_a_row_is_added(
    make_window, db_path, qtbot, when_modal
) -> None:
    window = make_window(db_path)
    new_incident(qtbot, window, "Nothing recorded yet")
    editor = window.editor
    for name in ("timeline", "roles", "teams", "impact", "factors", "links"):
        editor.show_tab(name)
        tab = getattr(editor, name)
        assert tab.table.rowCount() == 0, name
        assert not tab.empty_hint.isHidden(), name
        assert tab.empty_hint.text().startswith("No ") and tab.empty_hint.text() == tab.empty

    def fill_factor(dialog: FactorDialog) -> None:
        dialog.title.setText("Size limit in the proxy")
        dialog.accept()

    editor.show_tab("factors")
    when_modal(fill_factor)
    qtbot.mouseClick(editor.factors.add_button, Qt.MouseButton.LeftButton)
    assert editor.factors.table.rowCount() == 1
    assert editor.factors.empty_hint.isHidden()
    editor.undo_stack.undo()
    assert editor.factors.table.rowCount() == 0
    assert not editor.factors.empty_hint.isHidden()


def test_a_long_title_or_trigger_wraps_in_its_column_and_leaves_the_scope_its_room(
    make_window, db_path, qtbot, when_modal
) -> None:
    window = make_window(db_path)
    new_incident(qtbot, window, "Wide causes")
    editor = window.editor
    editor.show_tab("factors")

    def fill_factor(dialog: FactorDialog) -> None:
        dialog.title.setText("A very long title of a contributing factor that needs a few lines")
        dialog.trigger.setCurrentIndex(1)  # the first real kind, a label of several words
        dialog.scope.setText("Every product page")
        dialog.accept()

    when_modal(fill_factor)
    qtbot.mouseClick(editor.factors.add_button, Qt.MouseButton.LeftButton)
    table = editor.factors.table
    assert table.item(0, 1).text() not in ("", "—")
    assert [table.columnWidth(column) for column in (0, 1)] == [220, 120]
    editor.show_tab("impact")
    assert [editor.impact.table.columnWidth(column) for column in (0, 3)] == [240, 170]


def test_the_factor_dialog_names_its_dates_as_the_exports_do(qtbot) -> None:
    from PySide6.QtWidgets import QFormLayout, QLabel

    dialog = FactorDialog(None)
    qtbot.addWidget(dialog)
    labels = []
    for row in range(dialog.form.rowCount()):
        item = dialog.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        if item is not None and isinstance(item.widget(), QLabel):
            labels.append(item.widget().text().replace("&", ""))
    assert {"Began", "Detected", "Mitigated", "Resolved"} <= set(labels)
    assert not {"Found", "Fixed"} & set(labels)
