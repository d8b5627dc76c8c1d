"""What a reader sees: long one-line texts from their start, a published review in readable text."""

from __future__ import annotations

from collections import Counter

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLineEdit, QWidget
from tests.ui.incident_data import fill_incident

from hindsight.core.enums import Phase, Role
from hindsight.core.incident import RoleAssignment
from hindsight.services.workspace import Workspace
from hindsight.ui.editor.dialogs import RoleDialog

from .conftest import new_incident, open_incident

TABS = ("overview", "milestones", "review", "privacy")
LONG = " and then it went on for a while, well past the width of any field on this screen" * 2


def luminance(colour: QColor) -> float:
    """Relative luminance (WCAG 2)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def text_contrast(widget: QWidget) -> float:
    """Contrast between the darkest pixel inside `widget` (its text) and its background (the
    commonest colour there)."""
    image: QImage = widget.grab().toImage()
    inset = 5  # leave the frame out
    colours = Counter(
        image.pixel(x, y)
        for x in range(inset, image.width() - inset)
        for y in range(inset, image.height() - inset)
    )
    background = luminance(QColor.fromRgb(colours.most_common(1)[0][0]))
    darkest = min(luminance(QColor.fromRgb(pixel)) for pixel in colours)
    return (background + 0.05) / (darkest + 0.05)


def test_a_published_review_is_readable(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    open_incident(qtbot, window, 1)  # published in the demo
    editor = window.editor
    qtbot.waitUntil(lambda: not window.ops.busy)
    assert editor.overview.title.isReadOnly()
    editor.tabs.setCurrentWidget(editor.overview)
    fields: list[QWidget] = [editor.overview.title, editor.overview.summary.viewport()]
    editor.tabs.setCurrentWidget(editor.milestones)
    fields.append(next(iter(editor.milestones.editors.values())).note)
    editor.tabs.setCurrentWidget(editor.timeline)
    fields.append(editor.timeline.table.viewport())
    for field in fields:
        # WCAG asks 4.5:1 of body text; Qt's disabled grey gives about 1.4:1.
        assert text_contrast(field) >= 4.5, field


def test_long_one_line_texts_show_their_start(make_window, db_path, qtbot):
    workspace = Workspace.open(db_path)
    try:
        incident = fill_incident(workspace, lambda field: f"Start of {field}{LONG}", year=2025)
    finally:
        workspace.close()
    window = make_window(db_path)
    open_incident(qtbot, window, incident.id)
    qtbot.waitUntil(lambda: not window.ops.busy)
    editor = window.editor
    checked = 0
    for name in TABS:
        page = getattr(editor, name)
        editor.tabs.setCurrentWidget(page)
        qtbot.waitUntil(lambda: not window.ops.busy)
        for field in page.findChildren(QLineEdit):
            too_long = field.fontMetrics().horizontalAdvance(field.text()) > field.width()
            if field.text().startswith("Start of") and too_long and not field.hasFocus():
                assert field.cursorPosition() == 0, field.text()[:40]
                checked += 1
    assert checked >= 8  # milestone notes, systems, evidence, reason, ethics note ...

    person = RoleAssignment(Role.INCIDENT_COMMANDER, f"Start of person{LONG}", note=f"Note{LONG}")
    dialog = RoleDialog(person, editor)
    assert dialog.note.cursorPosition() == 0
    assert dialog.person.cursorPosition() == 0
    dialog.close()


def test_the_milestones_tab_keeps_a_range_being_typed(make_window, db_path, qtbot):
    window = make_window(db_path)
    new_incident(qtbot, window, "x")
    editor = window.editor
    tab = editor.milestones
    tab.boxes[Phase.DETECTION].setChecked(True)
    fuzzy = tab.editors[Phase.DETECTION]
    # Half-way through typing a range: not valid yet, so not saved.
    fuzzy.latest.setDateTime(fuzzy.earliest.dateTime().addDays(-1))
    typed = fuzzy.latest.dateTime()
    editor.edit("Retitle", lambda incident: setattr(incident, "title", "y"))
    assert fuzzy.latest.dateTime() == typed  # another edit did not overwrite it
