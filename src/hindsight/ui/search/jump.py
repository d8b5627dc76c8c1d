"""Going from a search snippet to its field in the incident editor, with the words selected.

A snippet's Location names the area, the field and the record (timeline entry, role, review
question, follow-up ...). The editor shows that tab and puts the cursor in that field with the
first matched word selected, found again in the text as it is now with the index's own word
rules (the text may have changed since the search). Pages that read their records off the GUI
thread (privacy) are waited for, without blocking, before the field is focused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QScrollArea, QWidget

from hindsight.core.enums import Phase
from hindsight.core.search_results import Area, Location
from hindsight.core.search_text import Pattern, find
from hindsight.ui.privacy.jumps import jump_to_followup, select_in_line, select_in_text

if TYPE_CHECKING:
    from hindsight.ui.editor.incident_editor import IncidentEditor

WAIT_STEP_MS = 25
WAIT_STEPS = 200  # about five seconds for a tab to read its records

_RECORD_COLUMNS = {
    # tab name -> {location column: table column}
    "timeline": {"text": 3, "time_note": 0},
    "roles": {"person": 1, "note": 4},
    "teams": {"team": 0, "part": 1},
}


def select_words(field: QWidget, patterns: Sequence[Pattern]) -> bool:
    """Focus `field` (a line or text box) with the first of `patterns` in it selected.

    False when the words are not in it (it is focused all the same)."""
    if isinstance(field, QLineEdit):
        spans = find(field.text(), patterns) if patterns else []
        if spans:
            select_in_line(field, *spans[0])
            return True
        field.setFocus()
        return False
    if isinstance(field, QPlainTextEdit):
        spans = find(field.toPlainText(), patterns) if patterns else []
        if spans:
            select_in_text(field, *spans[0])
            return True
        field.setFocus()
        return False
    field.setFocus()
    return False


def select_words_inside(container: QWidget, patterns: Sequence[Pattern]) -> bool:
    """Select the first of `patterns` in whichever text box inside `container` holds it."""
    for field in container.findChildren(QWidget):
        if isinstance(field, QLineEdit | QPlainTextEdit) and field.isVisible():
            text = field.text() if isinstance(field, QLineEdit) else field.toPlainText()
            if patterns and find(text, patterns):
                return select_words(field, patterns)
    return False


def go_to(editor: IncidentEditor, location: Location, patterns: Sequence[Pattern]) -> bool:
    """Show the field `location` names in the open incident, its matched words selected.

    False when the record is not there any more (the tab is shown all the same)."""
    incident = editor.incident
    if incident is None:
        return False
    area = location.area
    if area is Area.OVERVIEW:
        editor.show_tab("overview")
        overview = editor.overview
        field = getattr(overview, location.column, None)
        return select_words(field if isinstance(field, QWidget) else overview.title, patterns)
    if area is Area.MILESTONES:
        editor.show_tab("milestones")
        try:
            note = editor.milestones.editors[Phase(location.detail)].note
        except (KeyError, ValueError):
            return False
        scroll = editor.milestones.findChild(QScrollArea)
        if scroll is not None:
            scroll.ensureWidgetVisible(note)
        return select_words(note, patterns)
    if area in (Area.TIMELINE, Area.ROLES, Area.TEAMS):
        return _go_to_record(editor, location)
    if area is Area.REVIEW:
        review = editor.review
        editor.show_tab("review")
        if not review.go_to_question(location.detail):
            return False
        view: Any = review.views[review.sections.currentRow()]
        card = getattr(view, "cards", {}).get(location.detail)
        if card is None:
            return False
        if location.column == "reason":
            return select_words(card.reason, patterns)
        return select_words_inside(card.answer, patterns) or True
    if area is Area.ATTRIBUTION:
        review = editor.review
        editor.show_tab("review")
        review.go_to_question("change_attribution")
        section: Any = review.views[review.sections.currentRow()]
        attribution = getattr(section, "attribution", None)
        try:
            # Kinds of change are data: their codes are the keys.
            evidence = attribution.evidence[location.detail]  # type: ignore[union-attr]
        except (AttributeError, KeyError, ValueError):
            return False
        section.ensureWidgetVisible(evidence)
        return select_words(evidence, patterns) or True
    if area is Area.FOLLOWUPS:
        return location.record_id is not None and jump_to_followup(editor, location.record_id)
    if area is Area.ACCESS_LOG:
        return _go_to_privacy(editor, lambda tab: _access_target(tab, location.detail))
    if area is Area.ETHICS:
        return _go_to_privacy(editor, lambda _tab: f"ethics:{location.detail}")
    return False


def _go_to_record(editor: IncidentEditor, location: Location) -> bool:
    name = {Area.TIMELINE: "timeline", Area.ROLES: "roles", Area.TEAMS: "teams"}[location.area]
    editor.show_tab(name)
    tab: Any = editor._page(name)  # the tab as built; show_tab built it
    incident = editor.incident
    assert incident is not None
    records = tab.items(incident)
    index = next((n for n, item in enumerate(records) if item.id == location.record_id), None)
    if index is None:
        tab.table.setFocus()
        return False
    row = tab.order(incident).index(index)
    column = _RECORD_COLUMNS[name].get(location.column, 0)
    tab.table.setCurrentCell(row, column)
    tab.table.selectRow(row)
    tab.table.scrollToItem(tab.table.item(row, column))
    tab.table.setFocus()
    return True


def _access_target(privacy: Any, number: str) -> str | None:
    for access in privacy.log.accesses:
        if str(access.number) == number:
            return f"access:{access.id}"
    return None


def _go_to_privacy(editor: IncidentEditor, target: Callable[[Any], str | None]) -> bool:
    """Show the privacy tab, and once it has read its record, the entry `target` names."""
    privacy = editor.privacy
    editor.show_tab("privacy")
    incident_id = editor.incident.id if editor.incident is not None else None

    def attempt(steps: int = 0) -> None:
        if editor.incident is None or editor.incident.id != incident_id:
            return  # another incident opened meanwhile
        if privacy.record is None and steps < WAIT_STEPS:
            QTimer.singleShot(WAIT_STEP_MS, lambda: attempt(steps + 1))
            return
        found = target(privacy)
        if found is not None:
            privacy.focus_target(found)

    attempt()
    return True
