"""Searching from the incident list: ranked hits, snippets, going to a hit's field, the language.

Driven through the real main window on a small database whose every searchable field holds a
word found nowhere else (tests/search_world.py).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTableWidget

from hindsight.core.enums import Phase, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, TimelineEvent
from hindsight.core.listing import ListColumn, ListQuery
from hindsight.core.search_query import SYNTAX
from hindsight.services.search import SearchService
from hindsight.services.workspace import Workspace
from hindsight.store.listing import IncidentListing
from hindsight.ui.incident_list_model import COUNT_DELAY_MS, SEARCH_PAGE_SIZE, IncidentListModel
from hindsight.ui.operations import Operations
from hindsight.ui.search.results import SearchReader
from hindsight.ui.search.search_bar import SEARCHING
from hindsight.ui.search.snippets import SNIPPETS_ROLE, snippet_line
from search_world import W, build

from .conftest import made_off_the_gui_thread, settle


@pytest.fixture
def world_db(db_path: Path) -> tuple[Path, dict[str, int]]:
    workspace = Workspace.open(db_path)
    try:
        ids = build(workspace)
    finally:
        workspace.close()
    return db_path, ids


def search_for(qtbot, window, text: str) -> list[str]:
    """Type `text` into the cleared search box as a user does; the keys listed then."""
    pane = window.list_pane
    pane.search.clear()
    settle(qtbot, window)
    qtbot.keyClicks(pane.search, text)
    settle(qtbot, window)
    return pane.visible_keys()


def key_of(window, incident_id: int) -> str:
    return window.workspace.incidents.get(incident_id).key


def snippet_point(window, row: int, line: int) -> QPoint:
    """The middle of snippet line `line` (1 = first snippet) of `row`, in the viewport."""
    pane = window.list_pane
    cell = pane.table.visualRect(pane.model.index(row, ListColumn.TITLE))
    delegate = pane.delegate
    y = cell.top() + delegate.first_line_height() + (line - 1) * delegate.line_height()
    return QPoint(cell.left() + 40, y + delegate.line_height() // 2)


def test_typing_a_query_lists_ranked_hits_with_highlighted_snippets(make_window, world_db, qtbot):
    path, ids = world_db
    window = make_window(path)
    pane = window.list_pane

    keys = search_for(qtbot, window, "zebrafish")
    # A title match ranks above a timeline entry and a follow-up's description.
    assert keys[0] == key_of(window, ids["title"])
    assert set(keys) == {key_of(window, ids[n]) for n in ("title", "note", "phrase")}
    assert pane.model.searching and pane.model.by_relevance
    assert pane.search_bar.status.text() == "3 incidents match, best first"
    assert pane.table.verticalHeader().defaultSectionSize() > pane.fontMetrics().height() * 2

    lines = [snippet_line(s) for s in pane.model.snippets(0)]
    assert lines[0] == "Overview > Title: [Zebrafish] ranker went stale"
    note_row = keys.index(key_of(window, ids["note"]))
    assert any(
        line.startswith("Follow-ups > Check the ranker weekly: ") and "[zebrafish] patterns" in line
        for line in (snippet_line(s) for s in pane.model.snippets(note_row))
    )
    # What the delegate paints is what the model holds, and the tooltip lists every snippet.
    index = pane.model.index(0, ListColumn.TITLE)
    assert pane.model.data(index, SNIPPETS_ROLE) == pane.model.snippets(0)
    tooltip = pane.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "<b style='background:#fde68a'>Zebrafish</b>" in tooltip

    # Each field group is found by its own word, with its place named.
    every = key_of(window, ids["every"])
    assert search_for(qtbot, window, W["answer_reason"]) == [every]
    assert snippet_line(pane.model.snippets(0)[0]).startswith(
        "Review > Detection > Reason: Nobody knows; [reasonnovember]"
    )
    assert search_for(qtbot, window, W["access_justification"]) == [every]
    assert snippet_line(pane.model.snippets(0)[0]).startswith(
        "Privacy > Data access 1 > Justification:"
    )


def test_the_list_is_whole_again_when_the_search_is_cleared(make_window, world_db, qtbot):
    path, _ids = world_db
    window = make_window(path)
    pane = window.list_pane
    everything = pane.visible_keys()
    search_for(qtbot, window, "zebrafish")
    qtbot.keyClick(pane.search, Qt.Key.Key_Escape)
    settle(qtbot, window)
    assert pane.visible_keys() == everything
    assert not pane.model.searching
    assert not pane.search_bar.status_bar.isVisible()
    assert pane.table.verticalHeader().defaultSectionSize() == pane.delegate.row_height(False)
    assert pane.table.horizontalHeader().isSortIndicatorShown()


# Where each word lives, and what the editor must show once its snippet is double-clicked.
FIELDS = {
    "title": ("overview", lambda e: e.overview.title),
    "summary": ("overview", lambda e: e.overview.summary),
    "system": ("overview", lambda e: e.overview.systems),
    "milestone_note": ("milestones", None),
    "event_text": ("timeline", None),
    "role_person": ("roles", None),
    "team_part": ("teams", None),
    "answer": ("review", None),
    "answer_reason": ("review", None),
    "evidence": ("review", None),
    "followup_title": ("followups", None),
    "access_notes": ("privacy", None),
    "ethics_note": ("privacy", None),
}


def selected_text(widget) -> str:
    if isinstance(widget, QLineEdit):
        return widget.selectedText()
    if isinstance(widget, QPlainTextEdit):
        return widget.textCursor().selectedText()
    return ""


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_double_clicking_a_snippet_opens_the_incident_on_its_field(
    make_window, world_db, qtbot, name
):
    path, ids = world_db
    window = make_window(path)
    pane = window.list_pane
    word = W[name]
    assert search_for(qtbot, window, word) == [key_of(window, ids["every"])]
    assert word in pane.model.snippets(0)[0].text
    tab, field = FIELDS[name]

    qtbot.mouseDClick(
        pane.table.viewport(), Qt.MouseButton.LeftButton, pos=snippet_point(window, 0, 1)
    )
    editor = window.editor
    qtbot.waitUntil(lambda: editor.incident is not None and editor.incident.id == ids["every"])
    qtbot.waitUntil(lambda: editor.current_tab() == tab)
    settle(qtbot, window)
    # The window's focus (the offscreen platform may take activation away from the window).
    focus = window.focusWidget()
    if field is not None:
        assert focus is field(editor)
    if tab in ("overview", "milestones", "review"):
        qtbot.waitUntil(lambda: selected_text(window.focusWidget()) == word)
    elif tab in ("timeline", "roles", "teams"):
        table = focus
        assert isinstance(table, QTableWidget)
        row = table.currentRow()
        shown = " ".join(table.item(row, c).text() for c in range(table.columnCount()))
        assert word in shown or W["team_name"] in shown
    elif tab == "followups":
        board = editor.followups.board
        qtbot.waitUntil(lambda: board.selected_id() is not None)
        assert word in board.item(board.selected_id()).title
    elif name == "access_notes":
        log = editor.privacy.log
        qtbot.waitUntil(lambda: editor.privacy.pages.currentWidget() is log)
        qtbot.waitUntil(lambda: log.selected() is not None)
        assert word in log.selected().details.notes
    else:
        qtbot.waitUntil(lambda: isinstance(window.focusWidget(), QLineEdit | QPlainTextEdit))
        focused = window.focusWidget()
        text = focused.text() if isinstance(focused, QLineEdit) else focused.toPlainText()
        assert word in text


def test_enter_on_a_hit_goes_to_its_best_snippet(make_window, world_db, qtbot):
    path, _ids = world_db
    window = make_window(path)
    pane = window.list_pane
    search_for(qtbot, window, W["summary"])
    pane.table.selectRow(0)
    settle(qtbot, window)
    qtbot.keyClick(pane.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.editor.current_tab() == "overview")
    qtbot.waitUntil(lambda: window.focusWidget() is window.editor.overview.summary)
    assert selected_text(window.editor.overview.summary) == W["summary"]


def test_a_malformed_query_is_explained_in_one_line_and_the_list_keeps_its_result(
    make_window, world_db, qtbot, errors
):
    path, ids = world_db
    window = make_window(path)
    pane = window.list_pane
    bar = pane.search_bar
    found = search_for(qtbot, window, "zebrafish")

    qtbot.keyClicks(pane.search, ' "never closed')
    settle(qtbot, window)
    assert bar.message.isVisible()
    assert "is never closed" in bar.message.text()
    assert bar.message.text().endswith("The list shows the search “zebrafish”.")
    assert "\n" not in bar.message.text()
    assert pane.visible_keys() == found
    assert not bar.save_button.isEnabled()

    # Pasted over the box's text (typed key by key, the words on the way would be searched).
    pane.search.setText("severity:SEV9")
    settle(qtbot, window)
    assert pane.visible_keys() == found
    assert bar.message.text().startswith("severity:SEV9 is not one of: SEV1")

    # The question bank's options are checked off the GUI thread: same behaviour.
    pane.search.setText("trigger:nosuchkind")
    settle(qtbot, window)
    assert pane.visible_keys() == found
    assert bar.message.text().startswith("trigger:nosuchkind names none of:")
    assert errors == []  # never a message box, never a traceback

    search_for(qtbot, window, "zebrafish severity:SEV2")
    assert not bar.message.isVisible()
    assert pane.visible_keys() == [key_of(window, ids["title"])]


def test_column_headers_sort_the_hits_until_best_first_is_clicked(make_window, world_db, qtbot):
    path, _ids = world_db
    window = make_window(path)
    pane = window.list_pane
    ranked = search_for(qtbot, window, "zebrafish")
    header = pane.table.horizontalHeader()
    assert not header.isSortIndicatorShown()

    pane.table.sortByColumn(ListColumn.SEVERITY, Qt.SortOrder.DescendingOrder)
    settle(qtbot, window)
    by_severity = pane.visible_keys()
    severities = [pane.model.row(r).severity.value for r in range(len(by_severity))]
    assert severities == sorted(severities, reverse=True)
    assert not pane.model.by_relevance
    assert header.isSortIndicatorShown()
    assert pane.search_bar.status.text() == "3 incidents match, by severity"
    assert pane.search_bar.best_first.isVisible()

    qtbot.mouseClick(pane.search_bar.best_first, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert pane.visible_keys() == ranked
    assert pane.model.by_relevance
    assert not pane.search_bar.best_first.isVisible()


def test_the_phase_and_severity_boxes_narrow_a_search(make_window, world_db, qtbot):
    path, ids = world_db
    window = make_window(path)
    pane = window.list_pane
    search_for(qtbot, window, "zebrafish")
    pane.severity.setCurrentIndex(pane.severity.findData(Severity.SEV2))
    settle(qtbot, window)
    assert pane.visible_keys() == [key_of(window, ids["title"])]
    # A chart's set of incidents narrows it too.
    pane.severity.setCurrentIndex(0)
    pane.show_only({ids["note"]}, "one incident")
    settle(qtbot, window)
    assert pane.visible_keys() == [key_of(window, ids["note"])]


def test_the_help_popup_documents_the_language_and_adds_an_example(make_window, world_db, qtbot):
    path, _ids = world_db
    window = make_window(path)
    bar = window.list_pane.search_bar
    qtbot.keyClicks(bar.box, "zebrafish")
    qtbot.mouseClick(bar.help_button, Qt.MouseButton.LeftButton)
    help_popup = bar.help
    assert help_popup is not None and help_popup.isVisible()
    assert help_popup.example_texts() == [example for example, _ in SYNTAX]
    row = [example for example, _ in SYNTAX].index("severity:SEV1")
    help_popup.examples.setCurrentItem(help_popup.examples.topLevelItem(row))
    qtbot.keyClick(help_popup.examples, Qt.Key.Key_Return)
    assert not help_popup.isVisible()
    assert bar.box.text() == "zebrafish severity:SEV1"


def _cut_text(popup) -> list[str]:
    """What the help popup does not show whole: labels cut short, examples or meanings
    wider than their column on one line and not given the height to wrap."""
    cut = []
    for label in popup.labels:
        if label.wordWrap():
            if label.heightForWidth(label.width()) > label.height():
                cut.append(label.text())
        elif label.sizeHint().width() > label.width():
            cut.append(label.text())
    tree = popup.examples
    room = tree.viewport().width()
    if tree.columnWidth(0) + tree.columnWidth(1) > room:
        cut.append(f"columns wider than the list ({room})")
    for row in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(row)
        example = QFontMetrics(item.font(0)).horizontalAdvance(item.text(0))
        if example + 8 > tree.columnWidth(0):
            cut.append(item.text(0))
        metrics = QFontMetrics(tree.font())
        meaning = item.text(1)
        width = tree.columnWidth(1) - 8
        needed = metrics.boundingRect(
            QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, meaning
        ).height()
        if (
            metrics.horizontalAdvance(meaning) > width
            and tree.visualItemRect(item).height() < needed
        ):
            cut.append(meaning)
    return cut


def test_the_help_popup_shows_every_text_whole_on_the_screen_and_in_less_room(
    make_window, world_db, qtbot
):
    path, _ids = world_db
    window = make_window(path)
    bar = window.list_pane.search_bar
    qtbot.mouseClick(bar.help_button, Qt.MouseButton.LeftButton)
    popup = bar.help
    qtbot.waitUntil(popup.isVisible)
    screen = bar.box.screen().availableGeometry()
    assert screen.contains(popup.frameGeometry())
    assert _cut_text(popup) == []
    one_line = max(
        popup.examples.visualItemRect(popup.examples.topLevelItem(r)).height()
        for r in range(popup.examples.topLevelItemCount())
    )
    # A small screen, or a scale of 2, leaves less room: meanings wrap onto taller rows.
    width, height = popup._fit(360, 0)
    popup.resize(width, height)
    qtbot.waitUntil(lambda: popup.width() == width)
    assert width <= 360
    assert _cut_text(popup) == []
    tree = popup.examples
    rows = [
        tree.visualItemRect(tree.topLevelItem(r)).height() for r in range(tree.topLevelItemCount())
    ]
    assert max(rows) > one_line  # some meaning now takes two lines


def test_typing_never_waits_for_a_search_and_only_the_latest_answer_is_shown(
    make_window, world_db, qtbot, monkeypatch
):
    path, ids = world_db
    window = make_window(path)
    pane = window.list_pane
    asked: list[str] = []
    gate = threading.Event()
    original = SearchReader.first

    def slow(self, query, relevance, rows, *more):
        asked.append(query.text)
        gate.wait(10)  # the database is slow: the first search holds the reader lane
        return original(self, query, relevance, rows, *more)

    monkeypatch.setattr(SearchReader, "first", slow)
    qtbot.keyClicks(pane.search, "zebrafish")
    # Every key was taken while the first search was still running.
    assert pane.search.text() == "zebrafish"
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert asked == ["z"]
    # The line under the box appeared with the first key: the list does not shift (and
    # paint again) when the answer comes.
    bar = pane.search_bar
    assert bar.status_bar.isVisible() and bar.status.text() == SEARCHING
    gate.set()
    settle(qtbot, window)
    assert asked == ["z", "zebrafish"]  # the keys between were never searched
    assert "match" in bar.status.text()
    assert pane.visible_keys()[0] == key_of(window, ids["title"])
    pane.search.setText('"unclosed')  # not searched: nothing is said to be running
    assert bar.message.isVisible() and "match" in bar.status.text()
    pane.search.clear()
    settle(qtbot, window)
    pane.search.setText('"unclosed')
    assert not bar.status_bar.isVisible()


def test_search_results_are_read_a_page_at_a_time(qtbot, qtmodeltester, db_path, monkeypatch):
    workspace = Workspace.open(db_path)
    try:
        for n in range(75):
            workspace.incidents.create(f"Kestrel outage {n}")
        ops = Operations(workspace)
        model = IncidentListModel(ops)
        model.set_listing(IncidentListing.for_sqlite(db_path))
        qtbot.waitUntil(lambda: model.loaded and not ops.busy)
        everything: list[list[int]] = []  # each read of every ranked id
        original = SearchService.ranked_ids

        def counted(self, text):
            everything.append(original(self, text))
            return everything[-1]

        monkeypatch.setattr(SearchService, "ranked_ids", counted)
        model.set_query(ListQuery(text="kestrel"))
        qtbot.waitUntil(lambda: model.loaded and not ops.busy)
        assert model.searching and model.rowCount() == 75
        assert len(model.loaded_rows()) == SEARCH_PAGE_SIZE  # the first page only
        assert everything == []  # page one and the count came from a LIMITed query
        first_page = [row.id for row in model.loaded_rows()]
        assert model.row(45) is None  # asked for: read on the reader lane
        qtbot.waitUntil(lambda: model.row(45) is not None and not ops.busy)
        assert len(everything) == 1  # further down, every id is read, once
        assert everything[0][:SEARCH_PAGE_SIZE] == first_page
        assert len(model.loaded_rows()) == 2 * SEARCH_PAGE_SIZE
        assert model.snippets(45)[0].location.column == "title"

        # Finding the row of a match that is not on a page read yet needs every id too.
        model.set_query(ListQuery(text="outage"))
        qtbot.waitUntil(lambda: model.loaded and not ops.busy)
        everything.clear()
        last = model.loaded_rows()[-1].id - SEARCH_PAGE_SIZE  # newest first: further down
        found: list[int | None] = []
        model.locate(last, found.append)
        qtbot.waitUntil(lambda: bool(found) and not ops.busy)
        assert len(everything) == 1 and found == [everything[0].index(last)]
        assert found[0] >= SEARCH_PAGE_SIZE
        model.locate(last, found.append)  # known now: no second read
        assert len(everything) == 1 and found[1] == found[0]
        qtmodeltester.check(model)
        model.sort(ListColumn.TITLE, Qt.SortOrder.AscendingOrder)
        qtbot.waitUntil(lambda: model.loaded and not ops.busy)
        assert not model.by_relevance
        qtmodeltester.check(model)
    finally:
        ops.wait_for_lane()
        workspace.close()


def test_a_search_just_after_start_makes_the_search_service_off_the_gui_thread(
    make_window, world_db, qtbot, monkeypatch
):
    # A window on a file makes the search service on first use (it loads the ORM); a query
    # typed before it exists must not make it on the GUI thread, and is searched once it is.
    path, ids = world_db
    window = make_window(path)
    settle(qtbot, window)
    made_on = made_off_the_gui_thread(monkeypatch, window, "search", SearchService)
    assert search_for(qtbot, window, "zebrafish")[0] == key_of(window, ids["title"])
    assert made_on == [False]
    assert window.workspace.made("search")


def _kestrel_world(workspace: Workspace) -> None:
    """`kestrel` in 30 titles and 2 timelines of other incidents, among 100 without it: its
    title matches outrank the rest, so a first page is ranked among them without counting
    the 2 (the list counts them after)."""
    for n in range(100):
        workspace.incidents.create(f"Outage {n}")
    for n in range(2):
        moment = FuzzyTime.exact(datetime(2026, 1, 1, n, tzinfo=UTC))
        event = TimelineEvent(moment, Phase.DETECTION, "a kestrel on the roof")
        workspace.incidents.add(Incident(title=f"Roof alarm {n}", events=[event]))
    for n in range(30):
        workspace.incidents.create(f"Kestrel outage {n}")


def _held_count(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Hold the list's count of a search's matches until the event is set."""
    release = threading.Event()
    original = SearchReader.count

    def held(self, query):  # type: ignore[no-untyped-def]
        assert release.wait(10), "the count was never released"
        return original(self, query)

    monkeypatch.setattr(SearchReader, "count", held)
    return release


def test_a_search_shows_its_first_rows_before_every_match_is_counted(
    qtbot, qtmodeltester, db_path, monkeypatch
):
    workspace = Workspace.open(db_path)
    ops = Operations(workspace)
    release = _held_count(monkeypatch)
    try:
        _kestrel_world(workspace)
        model = IncidentListModel(ops)
        model.set_listing(IncidentListing.for_sqlite(db_path))
        qtbot.waitUntil(lambda: model.loaded and not ops.busy)
        model.set_query(ListQuery(text="kestrel"))
        qtbot.waitUntil(lambda: model.loaded and bool(model.loaded_rows()))
        # Shown first: the best rows, and a count that is a lower bound (the title matches).
        assert not model.count_exact and model.rowCount() == 30
        assert [row.title for row in model.loaded_rows()][:1] == ["Kestrel outage 29"]
        with qtbot.waitSignal(model.counted):
            release.set()
        assert model.count_exact and model.rowCount() == 32
        qtmodeltester.check(model)
        # A count that arrives after another query was asked for is not shown.
        release.clear()
        model.set_query(ListQuery(text="kestrel OR roof"))
        qtbot.waitUntil(lambda: model.loaded and model.rowCount() == 32)
        model.set_query(ListQuery(text="kestrel"))
        qtbot.waitUntil(lambda: model.loaded and not model.count_exact)
        model.set_query(ListQuery(text="outage"))  # in titles only: counted exactly at once
        release.set()
        qtbot.waitUntil(lambda: model.loaded and not ops.busy)
        assert model.count_exact and model.rowCount() == 130
        qtmodeltester.check(model)
    finally:
        release.set()
        ops.wait_for_lane()
        workspace.close()


def test_the_line_under_the_box_says_at_least_until_the_matches_are_counted(
    make_window, db_path, qtbot, monkeypatch
):
    workspace = Workspace.open(db_path)
    try:
        _kestrel_world(workspace)
    finally:
        workspace.close()
    window = make_window(db_path)
    pane = window.list_pane
    settle(qtbot, window)
    release = _held_count(monkeypatch)
    try:
        qtbot.keyClicks(pane.search, "kestrel")
        status = pane.search_bar.status
        qtbot.waitUntil(lambda: status.text().startswith("At least"))
        assert status.text() == "At least 30 incidents match, best first"
        assert pane.visible_keys()[:1] == [key_of_title(window, "Kestrel outage 29")]
        release.set()
        qtbot.waitUntil(lambda: status.text() == "32 incidents match, best first")
    finally:
        release.set()
    settle(qtbot, window)


def key_of_title(window, title: str) -> str:
    return next(row.key for row in window.list_pane.model.loaded_rows() if row.title == title)


def test_a_search_replaced_before_its_count_is_not_counted(qtbot, db_path, monkeypatch):
    # The count waits a moment after the first rows: a query typed meanwhile replaces the
    # answer, and only answers still shown are counted (the lane stays free for typing).
    workspace = Workspace.open(db_path)
    ops = Operations(workspace)
    counted: list[str] = []
    original = SearchReader.count

    def recorded(self, query):  # type: ignore[no-untyped-def]
        counted.append(query.text)
        return original(self, query)

    monkeypatch.setattr(SearchReader, "count", recorded)
    try:
        _kestrel_world(workspace)
        model = IncidentListModel(ops)
        model.set_listing(IncidentListing.for_sqlite(db_path))
        qtbot.waitUntil(lambda: model.loaded and not ops.busy)
        model.set_query(ListQuery(text="kestrel"))
        qtbot.waitUntil(lambda: model.loaded and not model.count_exact)
        assert model.counting
        model.set_query(ListQuery(text="kestrel outage"))  # typed on: in titles only
        qtbot.waitUntil(lambda: model.loaded and not model.counting and not ops.busy)
        assert model.count_exact and model.rowCount() == 30
        qtbot.wait(2 * COUNT_DELAY_MS)
        assert counted == []
        model.set_query(ListQuery(text="kestrel"))
        qtbot.waitUntil(lambda: model.loaded and not model.counting and not ops.busy)
        assert counted == ["kestrel"] and model.rowCount() == 32
    finally:
        ops.wait_for_lane()
        workspace.close()


def test_a_searchs_first_rows_have_their_snippets_read_with_them(qtbot, db_path, monkeypatch):
    # The first answer's search reads its hits' snippets (it has counted the words in every
    # place): the same snippets as asked for apart, without asking apart.
    workspace = Workspace.open(db_path)
    ops = Operations(workspace)
    apart: list[list[int]] = []
    original = SearchService.snippets

    def recorded(self, text, ids, per_hit=3):  # type: ignore[no-untyped-def]
        apart.append(list(ids))
        return original(self, text, ids, per_hit)

    monkeypatch.setattr(SearchService, "snippets", recorded)
    try:
        _kestrel_world(workspace)
        model = IncidentListModel(ops)
        model.set_listing(IncidentListing.for_sqlite(db_path))
        qtbot.waitUntil(lambda: model.loaded and not ops.busy)
        model.set_query(ListQuery(text="kestrel"))
        qtbot.waitUntil(lambda: model.loaded and not model.counting and not ops.busy)
        shown = {row.id: model.snippets(n) for n, row in enumerate(model.loaded_rows())}
        assert apart == [] and len(shown) == SEARCH_PAGE_SIZE
        assert shown == original(workspace.search, "kestrel", list(shown))
        assert model.row(SEARCH_PAGE_SIZE + 5) is None  # further down: asked for apart
        qtbot.waitUntil(lambda: model.row(SEARCH_PAGE_SIZE + 5) is not None and not ops.busy)
        assert len(apart) == 1 and len(apart[0]) == SEARCH_PAGE_SIZE
    finally:
        ops.wait_for_lane()
        workspace.close()
