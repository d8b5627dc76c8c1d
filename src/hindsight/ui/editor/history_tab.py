"""The editor's History tab: who changed which part of the incident when, with the before and
after of each field (services/history.py), newest first, read off the GUI thread."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from hindsight.core.incident import Incident
from hindsight.ui.editor.attached_page import AttachedPage

if TYPE_CHECKING:
    from hindsight.services.changes import Changes
    from hindsight.store.history import HistoryEntry
    from hindsight.ui.operations import Operations

ACTIONS = {"created": "created it", "saved": "saved", "review": "moved its review"}
SHOWN_CHARS = 160  # a long text's before and after are cut here; the tooltip has it whole


def shown(value: Any) -> str:
    """A field's value as one line of text."""
    if value is None or value == "" or value == []:
        return "(empty)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


class HistoryTab(AttachedPage):
    """Lists the incident's stored changes; refreshed when it changes."""

    def __init__(self, ops: Operations) -> None:
        super().__init__()
        self.ops = ops
        self.incident_id: int | None = None
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Change", "Before", "After"])
        self.tree.setColumnWidth(0, 300)
        self.tree.setColumnWidth(1, 300)
        self.tree.setUniformRowHeights(True)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.tree, 1)
        ops.changed.connect(self._changed)

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
            f"{len(entries)} recorded change(s), newest first."
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
                before, after = shown(change.before), shown(change.after)
                child = QTreeWidgetItem([change.field, before, after])
                child.setToolTip(1, str(change.before))
                child.setToolTip(2, str(change.after))
                row.addChild(child)
            self.tree.addTopLevelItem(row)
        if entries:
            self.tree.topLevelItem(0).setExpanded(True)
