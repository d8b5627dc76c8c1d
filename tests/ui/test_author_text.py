"""Author text is shown literally: markup typed or imported into any field is never rendered.

Every free-text field of an incident (tests/ui/incident_data.py lists them) gets its own
payload of HTML: a picture with a script, bold, a link, a style sheet and a table. Each tab is
walked, and every text a widget shows (labels, fields, cells, list items, tooltips, headers) is
read the way Qt renders it. Wherever a field's tag shows, its markup must show with it; a
rendered payload would read "Q07Z Q07Z-a Q07Z-td", without a single "<".
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from tests.ui.incident_data import FREE_TEXT_FIELDS, fill_incident
from tests.ui.seen import as_read, seen_texts, tooltip_read

from hindsight.core.review import ReviewStatus
from hindsight.services.workspace import Workspace
from hindsight.ui.main_window import MainWindow

from .conftest import open_incident

TAGS = {name: f"Q{number:02d}Z" for number, name in enumerate(FREE_TEXT_FIELDS)}
# What must follow each tag where the payload is shown literally.
LITERAL_AFTER_TAG = ("</b>", "-a</a>", "-td</td>")


def payload(field: str) -> str:
    """Markup that changes what a reader sees when rendered, around the field's tag."""
    tag = TAGS[field]
    text = (
        f"<b>{tag}</b><img src=x onerror=alert(1)> <a href='https://evil.example/'>{tag}-a</a>"
        f"<style>*{{color:red}}</style><table><tr><td>{tag}-td</td></tr></table>"
    )
    if field == "summary":
        text += " Mail jo@example.com"  # so the PII scan lists a snippet of it
    return text


def rendered_tags(text: str) -> list[str]:
    """The tags in `text` that are not followed by their markup: rendered, not literal."""
    found = []
    for match in re.finditer(r"Q\d\dZ", text):
        rest = text[match.end() :]
        if not rest.startswith(LITERAL_AFTER_TAG):
            found.append(match.group())
    return found


def walk_texts(qtbot, window: MainWindow) -> dict[str, list[str]]:
    """Every text shown on each tab of the editor (each page of Review and Privacy)."""
    editor = window.editor
    shown: dict[str, list[str]] = {}
    for name in set(FREE_TEXT_FIELDS.values()):
        page = getattr(editor, name)
        editor.tabs.setCurrentWidget(page)
        qtbot.waitUntil(lambda: not window.ops.busy, timeout=5000)
        texts = []
        if name == "privacy":
            for index in range(page.pages.count()):
                page.pages.setCurrentIndex(index)
                qtbot.waitUntil(lambda: not window.ops.busy, timeout=5000)
                if index == 0:
                    for access in page.log.accesses:  # each entry's details and history
                        page.log.select_access(access.id)
                        texts += seen_texts(page)
                texts += seen_texts(page)
        else:
            texts += seen_texts(page)
        shown[name] = texts
    return shown


def test_markup_in_every_free_text_field_is_shown_literally(make_window, db_path, qtbot):
    workspace = Workspace.open(db_path)
    try:
        incident = fill_incident(workspace, payload, year=2026)
    finally:
        workspace.close()
    window = make_window(db_path)
    assert incident.id is not None
    open_incident(qtbot, window, incident.id)
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=5000)
    editor = window.editor
    # Refused publishing lists blockers naming the accessor; the list must show it literally.
    editor.tabs.setCurrentWidget(editor.review)
    editor.review.move_to(ReviewStatus.PUBLISHED)
    qtbot.waitUntil(lambda: not editor.review.publish_panel.isHidden(), timeout=5000)

    shown = walk_texts(qtbot, window)
    header = [
        as_read(editor.title_label.text(), editor.title_label.textFormat()),
        tooltip_read(editor.title_label.toolTip()),
    ]
    shown["overview"] += header

    problems = [
        f"{tab}: {tag} rendered as rich text in {text[:120]!r}"
        for tab, texts in shown.items()
        for text in texts
        for tag in rendered_tags(text)
    ]
    assert not problems, "\n".join(problems)
    missing = [
        f"{field} ({TAGS[field]}) is not shown on the {tab} tab"
        for field, tab in FREE_TEXT_FIELDS.items()
        if not any(TAGS[field] in text for text in shown[tab])
    ]
    assert not missing, "\n".join(missing)
    # The places issue 10 named, one by one.
    assert f"<b>{TAGS['title']}</b>" in header[0]
    assert any(
        f"Detected by: <b>{TAGS['answer.detection.source']}</b>" in text for text in shown["review"]
    )
    panel = " ".join(editor.review.publish_panel.messages())
    assert f"<b>{TAGS['access.accessor']}</b>" in panel
    banner_tip = tooltip_read(editor.privacy.banner.toolTip())
    assert f"<b>{TAGS['access.accessor']}</b>" in banner_tip
    ethics_note = editor.privacy.ethics.rows[workspace_first_item(editor)].note.toolTip()
    assert f"<b>{TAGS['ethics.note']}</b>" in tooltip_read(ethics_note)
    cell = editor.timeline.table.item(0, 3)
    assert f"<b>{TAGS['event.0.text']}</b>" in tooltip_read(cell.toolTip())
    assert editor.title_label.textFormat() is Qt.TextFormat.PlainText


def workspace_first_item(editor) -> str:
    """The checklist item fill_incident answers (the first one)."""
    return editor.privacy.ethics.checklist.items()[0].id
