"""Every tab shows the selected incident, or nothing: never what another incident left behind.

The walk opens each tab (and each page inside the Review and Privacy tabs) and reads every
text a widget shows, hidden ones included; then it compares what is visible with what a fresh
window shows for the same incident. Both must hold after switching from a full incident to a
sparse one, and from there to a new, empty incident.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from tests.ui.incident_data import fill_incident, sparse_incident
from tests.ui.seen import seen_texts, visible_state

from hindsight.core.enums import MILESTONE_KINDS
from hindsight.services.workspace import Workspace
from hindsight.ui.main_window import MainWindow

from .conftest import new_incident, open_incident, settle

TABS = ("overview", "milestones", "timeline", "roles", "teams", "review", "privacy")
Walk = dict[str, tuple[list[str], list[tuple[str, tuple[object, ...]]]]]


def select(qtbot, window: MainWindow, incident_id: int) -> None:
    open_incident(qtbot, window, incident_id)
    qtbot.waitUntil(
        lambda: window.editor.incident is not None and window.editor.incident.id == incident_id
    )
    settle(qtbot, window)


def walk(qtbot, window: MainWindow) -> Walk:
    """What every tab and sub-page shows: all texts, and the state of what is visible."""
    editor = window.editor
    seen: Walk = {}
    for name in TABS:
        page = getattr(editor, name)
        editor.tabs.setCurrentWidget(page)
        settle(qtbot, window)
        if name == "review":
            for row in range(page.sections.count()):
                if page.sections.item(row).isHidden():
                    continue
                page.go_to(row)
                seen[f"review/{row}"] = (seen_texts(page), visible_state(page))
        elif name == "privacy":
            for index in range(page.pages.count()):
                page.pages.setCurrentIndex(index)
                settle(qtbot, window)
                seen[f"privacy/{index}"] = (seen_texts(page), visible_state(page))
        else:
            seen[name] = (seen_texts(page), visible_state(page))
    editor.tabs.setCurrentIndex(0)
    return seen


def leftovers(seen: Walk, *marks: str) -> list[str]:
    """'tab: text' for every text that shows one of `marks`."""
    return [
        f"{tab}: {text!r}"
        for tab, (texts, _state) in seen.items()
        for text in texts
        if any(mark in text for mark in marks)
    ]


def differences(ours: Walk, fresh: Walk) -> list[str]:
    """Where a tab differs from the same tab in a window that never showed anything else."""
    found = []
    for tab, (_texts, state) in fresh.items():
        mine = ours[tab][1]
        if len(mine) != len(state):
            ours_paths = [path for path, _ in mine]
            fresh_paths = [path for path, _ in state]
            delta = difflib.unified_diff(fresh_paths, ours_paths, "fresh", "switched", n=1)
            found.append(f"{tab}: visible widgets differ:\n" + "\n".join(delta))
            continue
        for (path, before), (_path, after) in zip(mine, state, strict=True):
            if before != after:
                found.append(f"{tab}: {path}: {before} != fresh {after}")
    return found


def build(path: Path) -> tuple[int, int]:
    workspace = Workspace.open(path)
    try:
        full = fill_incident(workspace, lambda field: f"ALPHA {field}", year=2019)
        sparse = sparse_incident(workspace, lambda field: f"BRAVO {field}", year=2023)
    finally:
        workspace.close()
    assert full.id is not None and sparse.id is not None
    return full.id, sparse.id


def test_every_tab_shows_the_selected_incident_after_switching(make_window, db_path, qtbot):
    full, sparse = build(db_path)
    window = make_window(db_path)
    select(qtbot, window, full)
    window.editor.show_tab("privacy")  # built on first use; it reads its record off the GUI thread
    settle(qtbot, window)
    # Leave selections behind, as a user would: a timeline row, an access log entry.
    window.editor.timeline.table.selectRow(1)
    window.editor.privacy.log.select_access(window.editor.privacy.log.accesses[0].id)
    shown = walk(qtbot, window)
    for tab in ("overview", "milestones", "timeline", "roles", "teams", "review/0", "privacy/0"):
        assert leftovers({tab: shown[tab]}, "ALPHA"), f"{tab} does not show the full incident"

    select(qtbot, window, sparse)
    after_switch = walk(qtbot, window)
    stale = leftovers(after_switch, "ALPHA", "2019-")
    assert not stale, "\n".join(stale)
    fresh = make_window(db_path)
    select(qtbot, fresh, sparse)
    changed = differences(after_switch, walk(qtbot, fresh))
    assert not changed, "\n".join(changed)

    created = new_incident(qtbot, window, "CHARLIE new")
    after_new = walk(qtbot, window)
    stale = leftovers(after_new, "ALPHA", "BRAVO", "2019-", "2023-")
    assert not stale, "\n".join(stale)
    fresh_new = make_window(db_path)
    select(qtbot, fresh_new, created)
    changed = differences(after_new, walk(qtbot, fresh_new))
    assert not changed, "\n".join(changed)


def test_unknown_milestones_show_no_time_at_all(make_window, db_path, qtbot):
    full, sparse = build(db_path)
    window = make_window(db_path)
    select(qtbot, window, full)
    select(qtbot, window, sparse)
    tab = window.editor.milestones
    window.editor.tabs.setCurrentWidget(tab)
    for phase in MILESTONE_KINDS:
        box, editor = tab.boxes[phase], tab.editors[phase]
        known = window.editor.incident.milestones.get(phase)
        assert box.isChecked() is (known is not None)
        # An unknown milestone is a ticked-off box: no greyed-out time from anywhere.
        assert editor.isVisibleTo(tab) is (known is not None), phase
        if known is None:
            assert editor.note.text() == ""
