"""Going from a PII finding to the text it was found in, anywhere in the incident editor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QScrollArea

from hindsight.core.enums import Phase
from hindsight.core.incident import Incident
from hindsight.core.pii import Finding
from hindsight.services.pii_scan import split_path

if TYPE_CHECKING:
    from hindsight.ui.editor.incident_editor import IncidentEditor


def select_in_line(field: QLineEdit, start: int, end: int) -> None:
    """Put the cursor in `field` with characters start..end selected."""
    field.setFocus()
    field.setSelection(start, end - start)


def select_in_text(field: QPlainTextEdit, start: int, end: int) -> None:
    """Put the cursor in `field` with characters start..end selected, scrolled into view."""
    length = len(field.toPlainText())
    cursor = field.textCursor()
    cursor.setPosition(min(start, length))
    cursor.setPosition(min(end, length), QTextCursor.MoveMode.KeepAnchor)
    field.setTextCursor(cursor)
    field.ensureCursorVisible()
    field.setFocus()


def jump_in_record(editor: IncidentEditor, incident: Incident, finding: Finding) -> bool:
    """Show where `finding` is in the incident record itself; False if it is not there now."""
    try:
        return _jump(editor, incident, split_path(finding.field), finding)
    except (KeyError, IndexError, ValueError):
        return False  # the text is gone since the scan


def _jump(editor: IncidentEditor, incident: Incident, parts: list[str], finding: Finding) -> bool:
    head = parts[0]
    start, end = finding.start, finding.end
    if head == "title":
        editor.tabs.setCurrentWidget(editor.overview)
        select_in_line(editor.overview.title, start, end)
        return True
    if head == "summary":
        editor.tabs.setCurrentWidget(editor.overview)
        select_in_text(editor.overview.summary, start, end)
        return True
    if head in ("systems", "models", "tags"):
        editor.tabs.setCurrentWidget(editor.overview)
        values = getattr(incident, head)
        index = int(parts[1])
        offset = sum(len(value) + 2 for value in values[:index])
        select_in_line(getattr(editor.overview, head), offset + start, offset + end)
        return True
    if head == "milestones":
        editor.tabs.setCurrentWidget(editor.milestones)
        note = editor.milestones.editors[Phase(parts[1])].note
        scroll = editor.milestones.findChild(QScrollArea)
        if scroll is not None:
            scroll.ensureWidgetVisible(note)
        select_in_line(note, start, end)
        return True
    if head in ("events", "roles", "teams"):
        tab = {"events": editor.timeline, "roles": editor.roles, "teams": editor.teams}[head]
        editor.tabs.setCurrentWidget(tab)
        row = tab.order(incident).index(int(parts[1]))
        tab.table.selectRow(row)
        tab.table.scrollTo(tab.table.model().index(row, 0))
        tab.table.setFocus()
        return True
    if head in ("answers", "attributions"):
        return _jump_to_review(editor, parts)
    return False


def _jump_to_review(editor: IncidentEditor, parts: list[str]) -> bool:
    review = editor.review
    editor.tabs.setCurrentWidget(review)
    target = parts[1] if parts[0] == "answers" else "change_attribution"
    review.go_to_question(target)
    return True


def jump_to_followup(editor: IncidentEditor, item_id: int) -> bool:
    """Show a follow-up item on the editor's Follow-ups tab."""
    page = getattr(editor, "followups", None)
    if page is None:
        return False
    editor.tabs.setCurrentWidget(page)
    # The follow-ups tab selects an item on its board (grid and list).
    select = getattr(getattr(page, "board", None), "select", None)
    if callable(select):
        select(item_id)
    return True
