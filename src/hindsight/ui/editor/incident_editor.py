"""The incident editor: the record being edited, its undo stack and its autosave."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.enums import Phase
from hindsight.core.incident import Incident
from hindsight.core.review import ReviewStatus
from hindsight.services.errors import ConflictError, NotFoundError, StoreError, ValidationError
from hindsight.services.workspace import Workspace
from hindsight.ui.autosave import Autosaver
from hindsight.ui.editor import Mutation
from hindsight.ui.editor.attached_page import AttachedPage
from hindsight.ui.editor.milestones_tab import MilestonesTab
from hindsight.ui.editor.overview_tab import OverviewTab
from hindsight.ui.editor.phase_bar import PhaseBar
from hindsight.ui.editor.record_tabs import RolesTab, TeamsTab, TimelineTab
from hindsight.ui.followups.incident_tab import FollowUpsTab
from hindsight.ui.operations import Operations
from hindsight.ui.privacy.privacy_tab import PrivacyTab
from hindsight.ui.review.review_page import ReviewPage
from hindsight.ui.undo import SnapshotCommand
from hindsight.vocabulary import vocabulary

log = logging.getLogger(__name__)


class ConflictChoice(Enum):
    """What the user decided when someone else saved the incident first."""

    RELOAD = "reload"
    OVERWRITE = "overwrite"
    KEEP_EDITING = "keep"


def ask_conflict(parent: QWidget, error: ConflictError) -> ConflictChoice:
    """Ask whether to reload the other version or overwrite it with ours."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Changed elsewhere")
    box.setText(
        f"{error.key} was saved from another window or another Hindsight since you opened it."
    )
    box.setInformativeText(
        "Reload shows their version and drops your unsaved edits. Overwrite saves your version "
        "over theirs. Keep editing saves nothing for now."
    )
    reload = box.addButton("Reload theirs", QMessageBox.ButtonRole.DestructiveRole)
    overwrite = box.addButton("Overwrite with mine", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    if clicked is reload:
        return ConflictChoice.RELOAD
    if clicked is overwrite:
        return ConflictChoice.OVERWRITE
    return ConflictChoice.KEEP_EDITING


class IncidentEditor(QWidget):
    """Edits one incident; every change is undoable and saved without asking."""

    saveStateChanged = Signal(str)
    incidentSaved = Signal(object)  # the stored Incident

    def __init__(
        self, workspace: Workspace, ops: Operations, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.ops = ops  # runs this editor's service calls off the GUI thread
        self.incident: Incident | None = None
        self.undo_stack = QUndoStack(self)
        self.autosaver = Autosaver(self._save, parent=self)
        self.autosaver.dirtyChanged.connect(
            lambda dirty: self.saveStateChanged.emit("Unsaved changes" if dirty else "Saved")
        )
        # Replaced in tests; asks the user by default.
        self.resolve_conflict: Callable[[ConflictError], ConflictChoice] = lambda error: (
            ask_conflict(self, error)
        )
        self.report_error: Callable[[str], None] = lambda message: QMessageBox.warning(
            self, "Not saved", message
        )

        self.key_label = QLabel()
        self.key_label.setObjectName("incidentKey")
        self.title_label = QLabel()
        self.title_label.setObjectName("incidentTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)  # author text, never markup
        self.severity_label = QLabel()
        self.severity_label.setObjectName("severityBadge")
        self.severity_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.severity_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.phase_bar = PhaseBar()
        self.phase_bar.phaseChosen.connect(self._phase_chosen)

        self.overview = OverviewTab(self.edit)
        self.milestones = MilestonesTab(self.edit)
        self.timeline = TimelineTab(self.edit)
        self.roles = RolesTab(self.edit)
        self.teams = TeamsTab(self.edit, lambda: workspace.team_names(vocabulary().team_names))
        self.review = ReviewPage(self.edit, lambda: self.workspace.review)
        self.review.set_ops(ops)
        self.review.before_move = self.flush
        self.review.current = lambda: self.incident
        self.review.statusChanged.connect(self._status_moved)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for page, name in (
            (self.overview, "&Overview"),
            (self.milestones, "&Milestones"),
            (self.timeline, "Timeli&ne"),
            (self.roles, "Ro&les"),
            (self.teams, "&Teams"),
            (self.review, "&Review"),
        ):
            self.tabs.addTab(page, name)

        # Pages over records kept apart from the incident (follow-ups, data accesses ...): they
        # save through their own services and are told only when another incident opens.
        self.attached_pages: list[AttachedPage] = []
        self.followups = FollowUpsTab(workspace, self.undo_stack)
        self.add_attached_page(self.followups, "Follo&w-ups")

        self.privacy = PrivacyTab(self)
        self.add_attached_page(self.privacy, "&Privacy && ethics")
        self.review.targetActivated.connect(self.privacy.focus_target)

        heading = QHBoxLayout()
        heading.addWidget(self.key_label)
        heading.addWidget(self.title_label, 1)
        heading.addWidget(self.severity_label, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.phase_bar)
        layout.addWidget(self.tabs, 1)

    def add_attached_page(self, page: AttachedPage, title: str) -> None:
        """Add a tab over records saved by their own service, not with the incident."""
        self.attached_pages.append(page)
        self.tabs.addTab(page, title)

    # Loading and editing

    def load(self, incident: Incident) -> None:
        """Show `incident` for editing; the undo history starts afresh."""
        self.autosaver.discard()
        self.undo_stack.clear()
        self.incident = incident
        self._refresh()
        for page in self.attached_pages:
            page.open_incident(incident)
        self.saveStateChanged.emit("Saved")

    def edit(self, label: str, mutate: Mutation, merge_key: str | None = None) -> None:
        """Apply `mutate` to a copy of the record, and record it as one undoable step."""
        if self.incident is None:
            return
        if self.incident.review_status is ReviewStatus.PUBLISHED:
            self.saveStateChanged.emit("Published: reopen the review to edit")
            return
        before = self.incident
        after = copy.deepcopy(before)
        mutate(after)
        if after == before:
            return
        self.incident = after
        self.undo_stack.push(
            SnapshotCommand(self._restore, before, copy.deepcopy(after), label, merge_key)
        )
        self._refresh()
        self.autosaver.touch()

    def _restore(self, snapshot: Incident) -> None:
        # Identity and version belong to the stored record, not to the undo history.
        current = self.incident
        restored = copy.deepcopy(snapshot)
        if current is not None:
            restored.id, restored.key, restored.version = current.id, current.key, current.version
            restored.created_at, restored.updated_at = current.created_at, current.updated_at
        self.incident = restored
        self._refresh()
        self.autosaver.touch()

    def _status_moved(self, stored: Incident) -> None:
        self.load(stored)
        self.incidentSaved.emit(stored)

    def _phase_chosen(self, phase: Phase) -> None:
        self.edit("Change phase", lambda i: setattr(i, "phase", phase))

    def refresh(self) -> None:
        """Show the record again (after a setting such as the question bank changed)."""
        self._refresh()

    def _refresh(self) -> None:
        incident = self.incident
        if incident is None:
            return
        self.key_label.setText(incident.key)
        self.title_label.setText(incident.title or "(untitled)")
        self.severity_label.setText(incident.severity.value)
        self.severity_label.setProperty("severity", incident.severity.value)
        self.severity_label.setToolTip(vocabulary().severity_definitions[incident.severity])
        self.severity_label.style().unpolish(self.severity_label)
        self.severity_label.style().polish(self.severity_label)
        self.phase_bar.set_phase(incident.phase)
        # A published review is read-only until someone reopens it.
        editable = incident.review_status is not ReviewStatus.PUBLISHED
        self.phase_bar.setEnabled(editable)
        for page in (self.overview, self.milestones, self.timeline, self.roles, self.teams):
            page.setEnabled(editable)
            page.show_incident(incident)
        self.review.show_incident(incident)

    # Saving

    def flush(self) -> bool:
        """Save any unsaved edits now; False if they could not be saved."""
        for page in self.attached_pages:
            page.flush()  # queued on the operations lane, so done before the window closes
        return self.autosaver.flush()

    @property
    def dirty(self) -> bool:
        """True while edits are waiting to be saved."""
        return self.autosaver.dirty

    def _save(self, overwrite: bool = False) -> bool:
        incident = self.incident
        if incident is None:
            return True
        try:
            stored = self.workspace.incidents.save(incident, overwrite=overwrite)
        except ConflictError as error:
            return self._on_conflict(error)
        except (StoreError, ValidationError, NotFoundError) as error:
            self.saveStateChanged.emit("Not saved")
            self.report_error(str(error))
            return False
        # Keep the object the user is editing; take the stored identity and version.
        incident.version, incident.updated_at = stored.version, stored.updated_at
        self.incidentSaved.emit(stored)
        return True

    def _on_conflict(self, error: ConflictError) -> bool:
        choice = self.resolve_conflict(error)
        if choice is ConflictChoice.OVERWRITE:
            return self._save(overwrite=True)
        if choice is ConflictChoice.RELOAD and self.incident is not None:
            fresh = self.workspace.incidents.get(self.incident.id or 0)
            self.load(fresh)
            self.incidentSaved.emit(fresh)
            return True
        self.saveStateChanged.emit("Not saved: changed elsewhere")
        return False
