"""Every stored fact of a real postmortem is editable; pictures attach; tabs fit (issue 14)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage

from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident
from hindsight.ui.editor.incident_editor import TABS
from hindsight.ui.editor.postmortem_tabs import FactorDialog, factor_time_text

from .conftest import new_incident, open_incident, save_and_wait, settle


def stored(window, incident_id: int) -> Incident:
    return window.workspace.incidents.get(incident_id)


def test_authors_reviewers_number_and_historical_flag_are_edited_undone_and_saved(
    make_window, db_path, qtbot
) -> None:
    window = make_window(db_path)
    incident_id = new_incident(qtbot, window, "Search overwhelmed by a traffic surge")
    overview = window.editor.overview
    qtbot.keyClicks(overview.authors, "Ana Ruiz, Li Wei")
    qtbot.keyClicks(overview.reviewers, "Sam Okafor")
    qtbot.keyClicks(overview.external_id, "INC-2291")
    qtbot.mouseClick(overview.historical, Qt.MouseButton.LeftButton)
    assert save_and_wait(qtbot, window)
    incident = stored(window, incident_id)
    assert incident.authors == ["Ana Ruiz", "Li Wei"]
    assert incident.reviewers == ["Sam Okafor"]
    assert incident.external_id == "INC-2291"
    assert incident.historical

    window.editor.undo_stack.undo()  # the flag
    assert not overview.historical.isChecked()
    window.editor.undo_stack.undo()  # the number, typed as one step
    assert overview.external_id.text() == ""
    assert save_and_wait(qtbot, window)
    incident = stored(window, incident_id)
    assert (incident.external_id, incident.historical) == ("", False)
    assert incident.authors == ["Ana Ruiz", "Li Wei"]


def test_a_factors_trigger_is_chosen_shown_and_saved(
    make_window, db_path, qtbot, when_modal
) -> None:
    window = make_window(db_path)
    incident_id = new_incident(qtbot, window, "Three bugs over weeks")
    editor = window.editor
    triggers = dict(editor._trigger_kinds())
    assert triggers, "the bundled bank offers trigger kinds"
    code, label = next(iter(triggers.items()))

    def fill(dialog: FactorDialog) -> None:
        dialog.title.setText("Context window routing error")
        dialog.trigger.setCurrentIndex(dialog.trigger.findData(code))
        dialog.accept()

    editor.show_tab("factors")
    when_modal(fill)
    qtbot.mouseClick(editor.factors.add_button, Qt.MouseButton.LeftButton)
    assert editor.factors.table.item(0, 1).text() == label
    assert save_and_wait(qtbot, window)
    assert stored(window, incident_id).factors[0].trigger_kind == code

    # Editing keeps the trigger unless the user changes it; "Not said" clears it.
    dialog = FactorDialog(editor.incident.factors[0], window, triggers=list(triggers.items()))
    assert dialog.trigger.currentData() == code
    dialog.trigger.setCurrentIndex(0)
    assert dialog.result_factor().trigger_kind == ""
    # A trigger the bank no longer offers is kept as it was.
    gone = FactorDialog(editor.incident.factors[0], window, triggers=[])
    assert gone.result_factor().trigger_kind == code


def test_factor_dates_share_one_format_and_days_stay_days() -> None:
    assert factor_time_text(FuzzyTime.days(date(2025, 8, 5))) == "5 Aug 2025"
    moment = datetime(2025, 8, 7, 14, 30, tzinfo=UTC)
    text = factor_time_text(FuzzyTime.exact(moment))
    local = moment.astimezone()
    assert text == f"{local.day} Aug 2025 {local:%H:%M}"
    assert "-" not in text  # never the ISO form the other column used to show
    assert factor_time_text(None) == "—"
    # A range within the best guess's day gives the hours only, in the same style.
    noon = datetime(2023, 3, 20, 12, 0, tzinfo=UTC)
    span = FuzzyTime(noon.replace(hour=11), noon.replace(hour=13), noon)
    first, last, best = (t.astimezone() for t in (span.earliest, span.latest, span.best))
    if first.date() == last.date() == best.date():
        assert factor_time_text(span) == (
            f"{best.day} Mar 2023 {best:%H:%M}\n≈ {first:%H:%M} – {last:%H:%M}"
        )


def _picture(path: Path, color: str = "steelblue") -> Path:
    image = QImage(320, 160, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    assert image.save(str(path))
    return path


def test_pictures_are_attached_captioned_refused_and_removed(
    make_window, db_path, qtbot, tmp_path, errors
) -> None:
    window = make_window(db_path)
    incident_id = new_incident(qtbot, window, "Graphs of the outage")
    editor = window.editor
    editor.show_tab("pictures")
    tab = editor.pictures
    assert window.editor.tabs.currentWidget() is tab
    graph = _picture(tmp_path / "error-rate.png")
    tab.choose_files = lambda: [str(graph)]
    tab.ask_caption = lambda _name, _caption: "Error rate by region"
    qtbot.mouseClick(tab.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.list.count() == 1 and tab.loaded)
    assert tab.list.item(0).text() == "Error rate by region"
    assert not tab.list.item(0).icon().isNull()  # a thumbnail
    [saved] = window.workspace.attachments.of_incident(incident_id)
    assert (saved.name, saved.caption, saved.width) == (
        "error-rate.png",
        "Error rate by region",
        320,
    )

    # Unreadable and wrong files are refused by name; nothing is attached for them.
    (tmp_path / "notes.png").write_bytes(b"just text")
    tab.attach_files([tmp_path / "notes.png", tmp_path / "gone.png"])
    qtbot.waitUntil(lambda: bool(errors))
    title, message = errors[-1]
    assert title == "Cannot attach"
    assert "notes.png is not a PNG or JPEG" in message and "gone.png" in message
    settle(qtbot, window)
    assert len(window.workspace.attachments.of_incident(incident_id)) == 1

    # A file that is no picture is refused before its caption is asked (a caption typed
    # first was lost with the refusal); the good file chosen with it is still attached.
    asked: list[str] = []
    tab.ask_caption = lambda name, _caption: asked.append(name) or "typed for nothing"
    tab.choose_files = lambda: [str(tmp_path / "notes.png"), str(graph)]
    qtbot.mouseClick(tab.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(errors) == 2 and len(asked) == 1)
    assert "notes.png is not a PNG or JPEG" in errors[-1][1]
    assert asked == ["error-rate.png"]
    qtbot.waitUntil(lambda: tab.list.count() == 2 and tab.loaded)
    removed = window.workspace.attachments.of_incident(incident_id)[-1]
    window.workspace.attachments.remove(removed)
    tab.reload()
    qtbot.waitUntil(lambda: tab.list.count() == 1 and tab.loaded)
    tab.ask_caption = lambda _name, _caption: "Error rate by region"

    # A dropped file is attached too.
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(_picture(tmp_path / "latency.png", "orange")))])
    drop = QDropEvent(
        QPoint(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    tab.dropEvent(drop)
    qtbot.waitUntil(lambda: tab.list.count() == 2 and tab.loaded)

    # Caption, then remove (after the confirmation the errors fixture answers yes to).
    tab.list.item(1).setSelected(True)
    tab.ask_caption = lambda _name, _caption: "p99 latency"
    qtbot.mouseClick(tab.caption_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.list.count() == 2 and tab.list.item(1).text() == "p99 latency")
    tab.list.item(0).setSelected(True)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.list.count() == 1 and tab.loaded)
    [left] = window.workspace.attachments.of_incident(incident_id)
    assert (left.name, left.caption) == ("latency.png", "p99 latency")

    # Another incident shows its own (no) pictures.
    other = new_incident(qtbot, window, "No graphs")
    open_incident(qtbot, window, other)
    editor.show_tab("pictures")
    qtbot.waitUntil(lambda: tab.loaded)
    assert tab.list.count() == 0 and tab.empty.isVisible()


def test_every_tab_shows_without_scrolling_at_1366_by_768(make_window, db_path, qtbot) -> None:
    window = make_window(db_path)
    new_incident(qtbot, window, "Fits")
    window.resize(1366, 768)
    settle(qtbot, window)
    tabs = window.editor.tabs
    bar = tabs.tabBar()
    needed = sum(bar.tabSizeHint(i).width() for i in range(bar.count()))
    assert needed <= bar.width(), (needed, bar.width())
    for name, _title in TABS:  # every page is reachable and comes to the front
        window.editor.show_tab(name)
        assert window.editor.current_tab() == name
        assert getattr(window.editor, name).isVisible()


def test_the_impact_column_is_added_from_the_header_menu_value_first(
    make_window, db_path, qtbot
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMenu

    from hindsight.core.impact import ImpactMeasure
    from hindsight.core.listing import ListColumn

    window = make_window(db_path)
    for title, measure in (
        ("Search surge", ImpactMeasure(measure="Queries lost", best=1.21e9, unit="queries")),
        ("Quiet one", None),
        ("Feature file", ImpactMeasure(measure="Requests failing", low=0.8, high=16, unit="%")),
    ):
        new_incident(qtbot, window, title)
        if measure is not None:
            window.editor.edit("Add measure", lambda i, m=measure: i.impacts.append(m))
        assert save_and_wait(qtbot, window)
    pane = window.list_pane
    assert pane.table.isColumnHidden(ListColumn.IMPACT)  # hidden until asked for

    # Right-click on the header, tick "Impact" in the menu.
    def tick() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        [action] = [a for a in menu.actions() if a.text() == "Impact"]
        action.trigger()
        menu.close()

    QTimer.singleShot(0, tick)
    pane._column_menu(QPoint(5, 5))
    assert not pane.table.isColumnHidden(ListColumn.IMPACT)

    settle(qtbot, window)
    shown = {
        pane.model.row(r).title: pane.model.index(r, ListColumn.IMPACT).data()
        for r in range(pane.model.rowCount())
    }
    # The value leads, so a narrow column still shows the number.
    assert shown["Feature file"].startswith("0.8–16% · Requests failing")
    assert shown["Search surge"].startswith("1.21 billion queries")
    assert shown["Quiet one"] == ""

    # Headlines in different units have no order: the list keeps its order and its arrow.
    before = [pane.model.row(r).title for r in range(pane.model.rowCount())]
    header = pane.table.horizontalHeader()
    pane.table.sortByColumn(ListColumn.IMPACT, Qt.SortOrder.AscendingOrder)
    settle(qtbot, window)
    assert [pane.model.row(r).title for r in range(pane.model.rowCount())] == before
    assert header.sortIndicatorSection() == ListColumn.KEY
