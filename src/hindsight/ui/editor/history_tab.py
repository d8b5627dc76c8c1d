"""The editor's History tab: who changed which part of the incident when, with the before and
after of each field (services/history.py), newest first, read off the GUI thread."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from hindsight.core.incident import Incident
from hindsight.ui.editor.attached_page import AttachedPage
from hindsight.ui.qt_helpers import eliding_header

if TYPE_CHECKING:
    from hindsight.services.changes import Changes
    from hindsight.store.history import HistoryEntry
    from hindsight.ui.operations import Operations

ACTIONS = {"created": "created it", "saved": "saved", "review": "moved its review"}
SHOWN_CHARS = 160  # a long text's before and after are cut here; the tooltip has it whole
CONTEXT_CHARS = 30  # shown before the first difference of a long text


# The record's parts, as the editor names them (the stored field is "part.key").
PARTS = {
    "answers": "Review answer",
    "attributions": "Change attribution",
    "milestones": "Milestone",
    "markers": "Response moment",
    "events": "Timeline event",
    "roles": "Role",
    "teams": "Team",
    "factors": "Contributing factor",
    "impacts": "Impact",
    "links": "External link",
    "references": "External link",
}
# What a part's value is mostly about, in the order looked for; its state words go before it.
BODY_KEYS = (
    "value",
    "text",
    "evidence",
    "title",
    "name",
    "description",
    "label",
    "url",
    "target",
    "best",
)
STATE_KEYS = ("verdict", "status", "confidence")
TOKEN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")  # a stored code such as "in_review"


INDEXED = re.compile(r"([a-z_]+)\[(\d+)\]")  # "references[4]": the fifth of a list


def field_label(field: str) -> str:
    """A stored field name ("answers.impact.users", "references[4]") as the editor's words."""
    head, _, rest = field.partition(".")
    indexed = INDEXED.fullmatch(head)
    number = ""
    if indexed is not None:
        head, number = indexed.group(1), f" {int(indexed.group(2)) + 1}"
    name = PARTS.get(head, head.replace("_", " ").capitalize()) + number
    return f"{name}: {rest.replace('_', ' ')}" if rest else name


def _readable(value: Any) -> str:
    if isinstance(value, dict):
        states = [
            str(value[key]).replace("_", " ")
            for key in STATE_KEYS
            if value.get(key) not in (None, "", "answered")
        ]
        body = next((value[key] for key in BODY_KEYS if value.get(key) not in (None, "")), None)
        if body is not None or states:
            text = _readable(body) if body is not None else ""
            return " · ".join([*states, text] if text else states)
    if isinstance(value, str):
        return value.replace("_", " ") if TOKEN.fullmatch(value) else value
    return json.dumps(value, ensure_ascii=False)


def shown(value: Any, start: int = 0) -> str:
    """A field's value as one line of text (from about `start`, where a change begins)."""
    if value is None or value == "" or value == []:
        return "(empty)"
    text = " ".join(_readable(value).split())
    if start > CONTEXT_CHARS:
        text = "…" + text[start - CONTEXT_CHARS :]
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def change_start(before: Any, after: Any) -> int:
    """Where two texts first differ (0 for anything else), so a long text shows its change."""
    if not (isinstance(before, str) and isinstance(after, str)):
        return 0
    old, new = " ".join(before.split()), " ".join(after.split())
    return next((n for n, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), 0)


class HistoryTab(AttachedPage):
    """Lists the incident's stored changes; refreshed when it changes."""

    def __init__(self, ops: Operations) -> None:
        super().__init__()
        self.ops = ops
        self.incident_id: int | None = None
        self.tree = QTreeWidget(self)
        eliding_header(self.tree)
        self.tree.setHeaderLabels(["Change", "Before", "After"])
        self.tree.setUniformRowHeights(True)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.tree, 1)
        ops.changed.connect(self._changed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Share the width: a third for the change, the rest for before and after."""
        super().resizeEvent(event)
        width = self.tree.viewport().width()
        self.tree.setColumnWidth(0, max(width // 3, 200))
        self.tree.setColumnWidth(1, max(width // 3, 150))

    def open_incident(self, incident: Incident) -> None:
        """Show the history of `incident`."""
        self.incident_id = incident.id
        self._read()

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if self.incident_id is not None and (
            changes.everything or self.incident_id in changes.incidents
        ):
            self._read()

    def _read(self) -> None:
        incident_id = self.incident_id
        if incident_id is None:
            return
        self.ops.run(
            lambda ws: ws.history.entries(incident_id),
            lambda entries: self._show(incident_id, entries),
            owner=self,
            what="read the incident's history",
        )

    def _show(self, incident_id: int, entries: list[HistoryEntry]) -> None:
        if incident_id != self.incident_id:
            return  # another incident was opened meanwhile
        self.tree.clear()
        self.note.setText(
            f"{len(entries)} recorded change{'' if len(entries) == 1 else 's'}, newest first."
            if entries
            else "No change of this incident was recorded yet (history starts with this "
            "version of Hindsight)."
        )
        for entry in entries:
            when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M")
            action = ACTIONS.get(entry.action, entry.action)
            row = QTreeWidgetItem([f"{when}  {entry.author} {action}"])
            row.setToolTip(0, f"{entry.at.astimezone():%Y-%m-%d %H:%M:%S}, version {entry.version}")
            for change in entry.changes:
                start = change_start(change.before, change.after)
                before, after = shown(change.before, start), shown(change.after, start)
                child = QTreeWidgetItem([field_label(change.field), before, after])
                child.setToolTip(0, change.field)
                child.setToolTip(1, _readable(change.before))
                child.setToolTip(2, _readable(change.after))
                row.addChild(child)
            self.tree.addTopLevelItem(row)
            row.setFirstColumnSpanned(True)  # who and when read across the whole width
        newest = self.tree.topLevelItem(0)
        if newest is not None:
            newest.setExpanded(True)
