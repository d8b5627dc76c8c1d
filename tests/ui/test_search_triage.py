"""A saved search as a filter of the Triage view: the follow-ups of the incidents it finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from hindsight.core.followup_filters import FollowUpFilter
from hindsight.core.followups import FollowUp
from hindsight.services.workspace import Workspace
from search_world import W, build

from .followup_helpers import settle as settle_board
from .followup_helpers import titles


@pytest.fixture
def world_db(db_path: Path) -> tuple[Path, dict[str, int]]:
    workspace = Workspace.open(db_path)
    try:
        ids = build(workspace)
        workspace.search.save("Zebrafish", "zebrafish")
        # Kept before the question bank lost this trigger kind, say: stored without the check.
        workspace.search.saved_repository.add("Broken", "trigger:nosuchkind")
    finally:
        workspace.close()
    return db_path, ids


def open_triage(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    triage = window.followups_ui.triage
    qtbot.waitExposed(triage)
    return triage


def settle(qtbot, window, triage) -> None:
    """Wait until the saved search is run, and the board reads what it keeps."""
    for _ in range(2):  # running the search asks the board again
        settle_board(qtbot, window.ops, triage.board)
        qtbot.waitUntil(lambda: not triage.saved_search.busy)
    settle_board(qtbot, window.ops, triage.board)


def test_a_saved_search_keeps_the_follow_ups_of_the_incidents_it_finds(
    make_window, world_db, qtbot
):
    path, ids = world_db
    window = make_window(path)
    triage = open_triage(qtbot, window)
    box = triage.saved_search
    triage.status.setCurrentIndex(triage.status.findText("Any status"))
    settle(qtbot, window, triage)
    assert [box.itemText(i) for i in range(box.count())] == ["Any incident", "Broken", "Zebrafish"]
    everything = titles(triage.board)
    assert len(everything) == 2

    box.choose("Zebrafish")
    settle(qtbot, window, triage)
    assert titles(triage.board) == ["Check the ranker weekly"]  # of "note", found by its words
    assert triage.current_filter().incidents == {ids["title"], ids["note"], ids["phrase"]}
    assert "1 of 2 follow-ups" in triage.count_label.text()

    chosen = box.chosen()
    assert chosen is not None
    window.ops.run(
        lambda ws: ws.search.rename(chosen.id, "Kept name"),
        None,
        what="rename",
    )
    settle(qtbot, window, triage)
    assert box.currentText() == "Kept name"  # renamed elsewhere: still chosen
    assert titles(triage.board) == ["Check the ranker weekly"]

    # A saved search that no longer parses keeps nothing, and says why.
    box.choose("Broken")
    settle(qtbot, window, triage)
    assert titles(triage.board) == []
    assert "trigger:nosuchkind names none of" in box.toolTip()

    box.choose(None)
    settle(qtbot, window, triage)
    assert titles(triage.board) == everything

    box.choose("Zebrafish")
    qtbot.mouseClick(triage.clear_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window, triage)
    assert box.currentText() == "Any incident"
    assert triage.current_filter() == FollowUpFilter(statuses=triage.status.currentData())


def test_a_new_incident_the_search_finds_brings_its_follow_ups(make_window, world_db, qtbot):
    path, _ids = world_db
    window = make_window(path)
    triage = open_triage(qtbot, window)
    box = triage.saved_search
    triage.status.setCurrentIndex(triage.status.findText("Any status"))
    settle(qtbot, window, triage)
    box.choose("Zebrafish")
    settle(qtbot, window, triage)
    assert titles(triage.board) == ["Check the ranker weekly"]

    def add(ws: Workspace) -> None:
        incident = ws.incidents.create("Zebrafish feature drift")
        ws.followups.create(FollowUp(title="Pin the feature schema", incident_id=incident.id))

    window.ops.run(add, None, what="add an incident")
    settle(qtbot, window, triage)
    assert sorted(titles(triage.board)) == ["Check the ranker weekly", "Pin the feature schema"]
    assert W["followup_title"] not in " ".join(titles(triage.board))


def test_the_filter_keeps_only_those_incidents_items_in_the_database(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path / "f.sqlite")
    try:
        kept, left = (workspace.incidents.create(t).id for t in ("kept", "left"))
        for incident in (kept, left):
            workspace.followups.create(FollowUp(title=f"item {incident}", incident_id=incident))
        board = workspace.followups.board(None, FollowUpFilter(incidents=frozenset({kept})))
        assert [item.incident_id for item in workspace.followups.details(list(board.index))] == [
            kept
        ]
        # More incidents than SQLite takes parameters: the ids are written into the SQL.
        many = frozenset(range(1, 40_000))
        assert len(workspace.followups.board(None, FollowUpFilter(incidents=many)).index) == 2
        assert (
            len(workspace.followups.board(None, FollowUpFilter(incidents=frozenset())).index) == 0
        )
    finally:
        workspace.close()
