"""The Follow-ups tab of the incident editor: the incident's items on the grid and ranked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout

from hindsight.core.incident import Incident
from hindsight.ui.editor.attached_page import AttachedPage
from hindsight.ui.flow_layout import flowing
from hindsight.ui.followups.board import FollowUpBoard
from hindsight.ui.look import styled
from hindsight.ui.operations import Operations
from hindsight.ui.qt_helpers import problem_label


def attention_summary(board: FollowUpBoard) -> str:
    """'4 items need attention, for 6 reasons: 3 overdue, …' for the board's scope."""
    summary = board.summary
    if not summary.total:
        return ""
    return summary.counts.sentence()


class FollowUpsTab(AttachedPage):
    """An incident's follow-up items; saved on their own, undone with the editor's history."""

    def __init__(self, ops: Operations, undo_stack: QUndoStack, parent=None) -> None:
        super().__init__(parent)
        self.board = FollowUpBoard(
            ops, undo_stack, orientation=Qt.Orientation.Vertical, incident_column=False
        )
        self.add_button = QPushButton("&Add follow-up…")
        self.details_button = QPushButton("Det&ails…")
        self.delete_button = QPushButton("Delete")
        self.zoom_out_button = QToolButton()
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setToolTip("Zoom out (Ctrl+-)")
        self.zoom_in_button = QToolButton()
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setToolTip("Zoom in (Ctrl+=)")
        self.fit_button = QToolButton()
        self.fit_button.setText("Fit")
        self.fit_button.setToolTip("Fit the grid to the width (Ctrl+0)")
        self.summary = QLabel()
        styled(self.summary, "hint")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.notice = problem_label()
        self.notice.setTextFormat(Qt.TextFormat.PlainText)

        # The buttons wrap onto a second row before any is cut short, and the summary has a
        # line of its own (at 2x on 1366x768 they were squeezed to "follow-" and "etails.",
        # the summary broken mid-word).
        bar = QHBoxLayout()
        bar.addWidget(flowing((self.add_button, self.details_button, self.delete_button)), 1)
        for tool in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            bar.addWidget(tool, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.notice)
        layout.addWidget(self.board, 1)
        self.board.setSizes([520, 180])

        self.add_button.clicked.connect(self.board.add_item)
        self.details_button.clicked.connect(
            lambda: self.board.open_details(self.board.selected_id())
        )
        self.delete_button.clicked.connect(self.board.delete_selected)
        self.zoom_in_button.clicked.connect(self.board.view.zoom_in)
        self.zoom_out_button.clicked.connect(self.board.view.zoom_out)
        self.fit_button.clicked.connect(self.board.view.fit_width)
        self.board.refreshed.connect(self._update_labels)
        self.board.selectionChanged.connect(lambda _: self._update_buttons())
        self._update_buttons()

    def open_incident(self, incident: Incident) -> None:
        """Show the follow-ups of `incident`."""
        self.board.set_scope(incident.id, incident.key)

    def reload(self) -> None:
        """Read the items again (the attention rules changed)."""
        if self.board.incident_id is not None:
            self.board.reload()

    def _update_labels(self) -> None:
        self.summary.setText(attention_summary(self.board))
        reviews = [r.message for r in self.board.summary.reviews]
        self.notice.setText("\n".join(reviews))
        self.notice.setVisible(bool(reviews))
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.board.selected_id() is not None
        self.details_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)
        self.add_button.setEnabled(self.board.incident_id is not None)
