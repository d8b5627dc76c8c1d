"""The editor's Related tab: earlier incidents like the open one, and links on both sides."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QToolButton

from hindsight.services.workspace import Workspace
from hindsight.ui.search.link_dialog import LinkDialog

from .conftest import open_incident, settle


@pytest.fixture
def alike_db(db_path: Path) -> tuple[Path, dict[str, int]]:
    """Two stale-embedding incidents on the same system, and one that shares nothing."""
    workspace = Workspace.open(db_path)
    try:
        ids = {}
        for name, title, systems in (
            ("first", "Kestrel feature store served stale embeddings", ["kestrel feature store"]),
            ("other", "Billing dashboard blank after font upgrade", ["billing ui"]),
            ("again", "Stale kestrel embeddings again after a backfill", ["kestrel feature store"]),
        ):
            incident = workspace.incidents.create(title)
            workspace.incidents.save(replace(incident, systems=systems))
            ids[name] = incident.id
    finally:
        workspace.close()
    return db_path, ids


def show_related(qtbot, window):
    editor = window.editor
    editor.show_tab("related")
    tab = editor.related
    qtbot.waitUntil(lambda: tab.loaded and tab.incident_id == editor.incident.id)
    settle(qtbot, window)
    return tab


def button(qtbot, tab, text: str, cls=QPushButton):
    """The visible button saying `text` (a row added just now is shown by the event loop)."""

    def visible():
        return [b for b in tab.findChildren(cls) if b.text() == text and b.isVisible()]

    qtbot.waitUntil(lambda: bool(visible()))
    return visible()[0]


def test_related_incidents_show_why_and_open_with_one_click(make_window, alike_db, qtbot):
    path, ids = alike_db
    window = make_window(path)
    open_incident(qtbot, window, ids["again"])
    tab = show_related(qtbot, window)
    first = window.workspace.incidents.get(ids["first"])
    lines = tab.related_lines()
    assert lines and lines[0].startswith(f"{first.key} {first.title} ")
    assert "Same systems: kestrel feature store" in lines[0]
    assert not any("Billing" in line for line in lines)
    assert not tab.related_empty.isVisible()

    qtbot.mouseClick(button(qtbot, tab, first.key), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.editor.incident.id == ids["first"])
    # The first incident has nothing earlier like it: the tab says so.
    tab = show_related(qtbot, window)
    assert tab.related_lines() == []
    assert tab.related_empty.isVisible()
    assert "No earlier incident" in tab.related_empty.text()


def test_a_link_shows_on_both_incidents_and_goes_from_both(
    make_window, alike_db, qtbot, when_modal
):
    path, ids = alike_db
    window = make_window(path)
    first = window.workspace.incidents.get(ids["first"])
    again = window.workspace.incidents.get(ids["again"])
    open_incident(qtbot, window, ids["again"])
    tab = show_related(qtbot, window)
    assert tab.link_lines() == [] and tab.links_empty.isVisible()

    def recurrence(dialog) -> None:
        assert isinstance(dialog, LinkDialog)
        assert dialog.other.incident_id == ids["first"]  # picked from the related row
        dialog.kind.setCurrentIndex(dialog.kind.findText("is a recurrence of"))
        dialog.note.setText("Same backfill job")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    when_modal(recurrence)
    qtbot.mouseClick(button(qtbot, tab, "Link…", QToolButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.link_lines() == [f"Recurrence of {first.key} {first.title}"])
    assert not tab.links_empty.isVisible()

    # The other side reads it the other way round.
    open_incident(qtbot, window, ids["first"])
    tab = show_related(qtbot, window)
    assert tab.link_lines() == [f"Recurred as {again.key} {again.title}"]

    # Removed from one side, gone from both.
    qtbot.mouseClick(button(qtbot, tab, "Remove", QToolButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.link_lines() == [])
    assert window.workspace.links.links(ids["again"]) == []


def test_linking_by_typing_the_other_incidents_key(make_window, alike_db, qtbot, when_modal):
    path, ids = alike_db
    window = make_window(path)
    other = window.workspace.incidents.get(ids["other"])
    open_incident(qtbot, window, ids["first"])
    tab = show_related(qtbot, window)

    def part_of(dialog) -> None:
        assert not dialog.ok.isEnabled()  # nothing picked yet
        qtbot.keyClicks(dialog.other, other.key)
        qtbot.waitUntil(lambda: dialog.other.incident_id == ids["other"])
        dialog.kind.setCurrentIndex(dialog.kind.findText("is part of"))
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    when_modal(part_of)
    qtbot.mouseClick(tab.link_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.link_lines() == [f"Part of {other.key} {other.title}"])
    links = window.workspace.links.links(ids["other"])
    assert [(link.phrase, link.incident_id) for link in links] == [("Includes", ids["first"])]


def test_enter_links_once_an_incident_is_picked(make_window, alike_db, qtbot, when_modal):
    # Enter in the picker after picking did nothing: the keyboard user had to Tab to Link
    # (found by trying the app without a mouse). Before a pick it still links nothing.
    path, ids = alike_db
    window = make_window(path)
    other = window.workspace.incidents.get(ids["other"])
    open_incident(qtbot, window, ids["first"])
    tab = show_related(qtbot, window)

    def by_keyboard(dialog) -> None:
        dialog.other.setFocus()
        qtbot.keyClick(dialog.other, Qt.Key.Key_Return)  # nothing picked: nothing happens
        assert dialog.isVisible() and dialog.other.incident_id is None
        qtbot.keyClicks(dialog.other, other.key)
        qtbot.waitUntil(lambda: dialog.other.incident_id == ids["other"])
        dialog.other.completer_.popup().hide()
        qtbot.keyClick(dialog.other, Qt.Key.Key_Return)

    when_modal(by_keyboard)
    qtbot.mouseClick(tab.link_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(tab.link_lines()) == 1, timeout=5000)
    assert other.key in tab.link_lines()[0]


def test_a_picked_incident_shows_its_key_however_long_its_title(
    make_window, alike_db, qtbot, when_modal
):
    # The field showed the end of "HS-3 — <long title>", its key scrolled out of sight.
    path, ids = alike_db
    window = make_window(path)
    first = window.workspace.incidents.get(ids["first"])
    window.workspace.incidents.save(replace(first, title=first.title + " " + "and more " * 30))
    open_incident(qtbot, window, ids["again"])
    tab = show_related(qtbot, window)
    seen = {}

    def look(dialog) -> None:
        qtbot.waitUntil(lambda: dialog.other.cursorPosition() == 0)
        seen["shown"] = dialog.other.text()[: dialog.other.cursorPosition() + 4]
        seen["tip"] = dialog.other.toolTip()
        seen["text"] = dialog.other.text()
        dialog.reject()

    when_modal(look)
    qtbot.mouseClick(button(qtbot, tab, "Link…", QToolButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "tip" in seen)
    assert seen["shown"] == first.key
    assert seen["tip"] == seen["text"] and seen["text"].startswith(first.key + " — Kestrel")
