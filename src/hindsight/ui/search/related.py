"""The editor's Related tab: earlier incidents like this one, and its links to others.

Related incidents are the five most alike earlier incidents, each with why it was found
(shared distinctive words, the same kind of trigger, changes both implicated, the same
systems); one click on its key opens it. Links ("same root cause", "recurrence", "part of")
are recorded by hand and shown on both incidents, each read from its own side.

The tab reads only while it is on screen: an incident opened with the tab hidden is read when
the tab is shown, and changes elsewhere are read again after a pause.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.incident import Incident
from hindsight.core.links import LinkedIncident, LinkKind
from hindsight.core.search_results import RelatedIncident
from hindsight.services.changes import Changes
from hindsight.services.workspace import Workspace
from hindsight.ui import messages
from hindsight.ui.author_text import plain_label
from hindsight.ui.editor.attached_page import AttachedPage
from hindsight.ui.look import styled
from hindsight.ui.operations import Operations
from hindsight.ui.qt_helpers import local_text

if TYPE_CHECKING:
    from hindsight.services.recovery import Draft

INCIDENT_LINK = "incident_link"  # the kind of draft of the link dialog (ui/recovery.py)

REREAD_DELAY_MS = 400  # after a change elsewhere, read again once things settle
RELATED_COUNT = 5
RELATED_HINT = (
    "Earlier incidents most like this one: by the rarest words of its title, summary and "
    "trigger, the same kind of trigger, the changes both implicated and the same systems."
)
LINKS_HINT = "Links you record show on both incidents."

Read = tuple[list[RelatedIncident], list[LinkedIncident]]


def read_related(workspace: Workspace, incident_id: int) -> Read:
    """The incident's related incidents and its links."""
    return (
        workspace.search.related(incident_id, RELATED_COUNT),
        workspace.links.links(incident_id),
    )


def _key_button(key: str) -> QPushButton:
    button = QPushButton(key)
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setToolTip(f"Open {key}")
    button.setAccessibleName(f"Open {key}")
    button.setStyleSheet("QPushButton { color: #2b6cb0; font-weight: bold; text-align: left; }")
    # As narrow as its key, not a push button's usual 80 pixels, when the pane is narrow.
    button.ensurePolished()
    button.setMinimumWidth(button.fontMetrics().horizontalAdvance(key) + 12)
    return button


class RelatedTab(AttachedPage):
    """Related incidents and links of the open incident."""

    openRequested = Signal(int)  # the user clicked another incident's key

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.incident_id: int | None = None
        self.key = ""
        self.related: list[RelatedIncident] = []
        self.links: list[LinkedIncident] = []
        self._stale = False
        self._reads = 0
        self._reading = False

        self.related_box = QVBoxLayout()
        self.related_empty = plain_label("", wrap=True)
        styled(self.related_empty, "hint")
        self.links_box = QVBoxLayout()
        self.links_empty = plain_label("No links yet.", wrap=True)
        styled(self.links_empty, "hint")
        self.link_button = QPushButton("Link to &Another Incident…")
        self.link_button.clicked.connect(lambda: self.link())

        page = QWidget()
        column = QVBoxLayout(page)
        for title, hint, box, empty in (
            ("Related incidents", RELATED_HINT, self.related_box, self.related_empty),
            ("Links", LINKS_HINT, self.links_box, self.links_empty),
        ):
            heading = QLabel(title)
            styled(heading, "sectionTitle")
            explanation = plain_label(hint, wrap=True)
            styled(explanation, "hint")
            column.addWidget(heading)
            column.addWidget(explanation)
            column.addWidget(empty)
            column.addLayout(box)
            if box is self.links_box:
                row = QHBoxLayout()
                row.addWidget(self.link_button)
                row.addStretch(1)
                column.addLayout(row)
            column.addSpacing(12)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self._reread = QTimer(self, singleShot=True, interval=REREAD_DELAY_MS)
        self._reread.timeout.connect(self.reload)
        self.openRequested.connect(self._open)
        ops.changed.connect(self._on_changed)

    # The incident shown

    def open_incident(self, incident: Incident) -> None:
        """Show what is related to `incident` (read now if the tab is on screen)."""
        changed = incident.id != self.incident_id
        self.incident_id, self.key = incident.id, incident.key
        if changed:
            self._show([], [], reading=True)
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    @property
    def loaded(self) -> bool:
        """True when what is shown is the latest read for the open incident."""
        return not self._reading and not self._stale and not self._reread.isActive()

    def reload(self) -> None:
        """Read the related incidents and links again; only the latest read is shown."""
        incident_id = self.incident_id
        if incident_id is None:
            return
        self._stale = False
        self._reads += 1
        number = self._reads
        self._reading = True

        def shown(found: Read) -> None:
            if number == self._reads:
                self._reading = False
                if incident_id == self.incident_id:
                    self._show(*found)

        def failed(error: Exception) -> None:
            if number == self._reads:
                self._reading = False
                self.related_empty.setText(f"Cannot read related incidents: {error}")
                self.related_empty.show()

        self.ops.run(
            lambda ws: read_related(ws, incident_id),
            shown,
            owner=self,
            failed=failed,
            what="read related incidents",
        )

    def _on_changed(self, changes: Changes, _initiator: object) -> None:
        incident_id = self.incident_id
        if incident_id is None:
            return
        # Another incident's words, or this one's, may change what is alike; links show both.
        if changes.links or changes.incident_list:
            if self.isVisible():
                self._reread.start()
            else:
                self._stale = True

    # Showing

    def _show(self, related: list[RelatedIncident], links: list[LinkedIncident], *,
              reading: bool = False) -> None:  # fmt: skip
        self.related, self.links = related, links
        for box in (self.related_box, self.links_box):
            while box.count():
                item = box.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
        for found in related:
            self.related_box.addWidget(self._related_row(found))
        for link in links:
            self.links_box.addWidget(self._link_row(link))
        if reading:
            self.related_empty.setText("Reading…")
        else:
            self.related_empty.setText(
                "No earlier incident shares enough with this one."
                if self.incident_id is not None
                else ""
            )
        self.related_empty.setVisible(not related)
        self.links_empty.setVisible(not links and not reading)

    def _related_row(self, found: RelatedIncident) -> QWidget:
        row = QFrame()
        row.setObjectName("relatedRow")
        grid = QGridLayout(row)
        grid.setContentsMargins(0, 2, 0, 2)
        key = _key_button(found.key)
        key.clicked.connect(lambda: self.openRequested.emit(found.incident_id))
        title = plain_label(found.title or "(untitled)", wrap=True)
        date = plain_label(local_text(found.date)[:10])
        styled(date, "hint")
        link = QToolButton()
        link.setText("Link…")
        link.setToolTip(f"Record how this incident and {found.key} are linked")
        link.clicked.connect(lambda: self.link(found.incident_id, found.key, found.title))
        why = plain_label(" · ".join(found.reasons), wrap=True)
        styled(why, "hint")
        grid.addWidget(key, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(title, 0, 1)
        grid.addWidget(date, 0, 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(link, 0, 3, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(why, 1, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        return row

    def _link_row(self, link: LinkedIncident) -> QWidget:
        row = QFrame()
        row.setObjectName("linkRow")
        grid = QGridLayout(row)
        grid.setContentsMargins(0, 2, 0, 2)
        # The title has a line of its own, so a row fits the editor's narrowest pane at 2x.
        phrase = plain_label(link.phrase)
        key = _key_button(link.key)
        key.clicked.connect(lambda: self.openRequested.emit(link.incident_id))
        title = plain_label(link.title or "(untitled)", wrap=True)
        remove = QToolButton()
        remove.setText("Remove")
        remove.setToolTip(f"Remove this link (from both {self.key} and {link.key})")
        remove.clicked.connect(lambda: self.unlink(link))
        grid.addWidget(phrase, 0, 0)
        grid.addWidget(key, 0, 1)
        grid.addWidget(remove, 0, 3)
        grid.addWidget(title, 1, 0, 1, 4)
        if link.note:
            note = plain_label(link.note, wrap=True)
            styled(note, "hint")
            grid.addWidget(note, 2, 0, 1, 4)
        grid.setColumnStretch(2, 1)
        return row

    def related_lines(self) -> list[str]:
        """What each related row says (key, title, date and why), top to bottom."""
        return [
            f"{r.key} {r.title} {local_text(r.date)[:10]} — {' · '.join(r.reasons)}"
            for r in self.related
        ]

    def link_lines(self) -> list[str]:
        """What each link row says, e.g. 'Recurred as HS-9 Title'."""
        return [f"{link.phrase} {link.key} {link.title}" for link in self.links]

    # Doing things

    def _open(self, incident_id: int) -> None:
        opener = getattr(self.window(), "open_incident", None)
        if callable(opener):
            opener(incident_id)

    def link(
        self,
        other_id: int | None = None,
        key: str = "",
        title: str = "",
        *,
        fill: Mapping[str, Any] | None = None,
    ) -> None:
        """Ask how the open incident relates to another one and record it (with `fill`, the
        fields a draft left)."""
        from hindsight.ui.recovery import keep_drafts
        from hindsight.ui.search.link_dialog import LinkDialog, hit_label

        if self.incident_id is None:
            return
        dialog = LinkDialog(self.ops, self.incident_id, self.key, self)
        if other_id is not None:
            dialog.other.choose(other_id, hit_label(key, title), from_start=True)
            dialog.choose_kind(LinkKind.SAME_CAUSE)
        keep_drafts(
            dialog,
            dialog.draft_fields(),
            kind=INCIDENT_LINK,
            incident_id=self.incident_id,
            incident_key=self.key,
            fill=fill,
        )
        dialog.exec()
        dialog.deleteLater()

    def restore_draft(self, draft: Draft) -> None:
        """Reopen the link dialog a draft was left in, filled as it was."""
        self.link(fill=draft.fields)

    def unlink(self, link: LinkedIncident) -> None:
        """Remove `link` from both incidents, after asking."""
        if not messages.confirm(
            self,
            "Remove link",
            f"Remove “{link.phrase} {link.key}” from {self.key} and {link.key}?",
            "Remove",
        ):
            return
        self.ops.run(
            lambda ws: ws.links.unlink(link.link_id),
            None,
            owner=self,
            what="remove the link",
        )
