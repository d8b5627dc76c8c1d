"""A question on the Review page: prompt, answer, 'not applicable / unknown' and guidance."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from hindsight.core.incident import Incident
from hindsight.core.review import Answer, AnswerStatus, AnswerType
from hindsight.review.answers import is_settled
from hindsight.review.bank import Question
from hindsight.ui.author_text import set_line_text
from hindsight.ui.editor import EditFn
from hindsight.ui.look import styled
from hindsight.ui.review.answer_widgets import answer_widget

STATUS_LABELS = {
    AnswerStatus.ANSWERED: "Answered",
    AnswerStatus.NOT_APPLICABLE: "Not applicable",
    AnswerStatus.UNKNOWN: "Unknown",
}


class QuestionCard(QFrame):
    """Edits the answer to one question through the editor's undoable `edit`."""

    def __init__(
        self, question: Question, bank_version: str, edit: EditFn, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        styled(self, "questionCard")
        self.question = question
        self._bank_version = bank_version
        self._edit = edit
        self.prompt = QLabel(question.prompt + ("  *" if question.required else ""))
        styled(self.prompt, "questionPrompt")
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)  # a team's bank is text, not HTML
        self.prompt.setWordWrap(True)
        if question.required:
            self.prompt.setToolTip("Required before the review can be published")
        self.mark = QLabel()
        styled(self.mark, "questionMark")
        self.answer = answer_widget(question)
        self.status = QComboBox()
        for status, label in STATUS_LABELS.items():
            if status is AnswerStatus.NOT_APPLICABLE and not question.allow_na:
                continue
            self.status.addItem(label, status.value)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why? (required when not answered)")
        self.guidance = QLabel(question.guidance)
        styled(self.guidance, "guidance")
        self.guidance.setTextFormat(Qt.TextFormat.PlainText)
        self.guidance.setWordWrap(True)

        status_row = QHBoxLayout()
        status_row.addWidget(self.status)
        status_row.addWidget(self.reason, 1)
        status_row.addStretch(0)
        heading = QHBoxLayout()
        heading.addWidget(self.mark)
        heading.addWidget(self.prompt, 1)
        self.grid = QGridLayout(self)
        self.grid.addLayout(heading, 0, 0)
        self.grid.addWidget(self.answer, 2, 0)
        self.grid.addLayout(status_row, 3, 0)
        self.grid.setColumnStretch(0, 1)
        self._guidance_beside: bool | None = None
        self._place_guidance(beside=False)

        self.answer.edited.connect(self._answered)
        self.status.activated.connect(self._status_chosen)
        self.reason.textEdited.connect(self._reason_edited)

    def place_guidance(self, beside: bool) -> None:
        """Guidance beside the answer when there is room, under the prompt when narrow."""
        self._place_guidance(beside)

    def _place_guidance(self, beside: bool) -> None:
        if beside == self._guidance_beside:
            return
        self._guidance_beside = beside
        self.grid.removeWidget(self.guidance)
        if beside:
            self.guidance.setFixedWidth(230)
            self.grid.addWidget(self.guidance, 0, 1, 4, 1, Qt.AlignmentFlag.AlignTop)
        else:
            self.guidance.setMinimumWidth(0)
            self.guidance.setMaximumWidth(16777215)
            self.grid.addWidget(self.guidance, 1, 0)

    # Edits

    def _current(self, incident: Incident) -> Answer:
        found = incident.answers.get(self.question.id)
        return found or Answer(self.question.id, bank_version=self._bank_version)

    def _answered(self, value: Any) -> None:
        qid, milestone = self.question.id, self.question.milestone
        if self.question.type is AnswerType.FUZZY_TIME and milestone is not None:

            def set_milestone(incident: Incident) -> None:
                if value is None:
                    incident.milestones.pop(milestone, None)
                else:
                    incident.milestones[milestone] = value

            self._edit(f"Answer: {self.question.prompt}", set_milestone, f"answer:{qid}")
            return

        def set_value(incident: Incident) -> None:
            answer = self._current(incident)
            answer.value, answer.status = value, AnswerStatus.ANSWERED
            answer.bank_version = self._bank_version
            incident.answers[qid] = answer

        self._edit(f"Answer: {self.question.prompt}", set_value, f"answer:{qid}")

    def _status_chosen(self) -> None:
        status = AnswerStatus(self.status.currentData())
        reason = self.reason.text()

        def set_status(incident: Incident) -> None:
            answer = self._current(incident)
            answer.status, answer.reason = status, reason
            answer.bank_version = self._bank_version
            incident.answers[self.question.id] = answer

        self._edit(f"Mark {STATUS_LABELS[status].lower()}: {self.question.prompt}", set_status)

    def _reason_edited(self, text: str) -> None:
        def set_reason(incident: Incident) -> None:
            answer = self._current(incident)
            answer.reason = text
            incident.answers[self.question.id] = answer

        self._edit("Edit reason", set_reason, f"reason:{self.question.id}")

    # Display

    def show_incident(self, incident: Incident) -> None:
        """Show this question's answer in `incident` without recording edits."""
        answer = incident.answers.get(self.question.id)
        status = answer.status if answer else AnswerStatus.ANSWERED
        self.answer.show_value(answer.value if answer else None, incident)
        self.status.blockSignals(True)
        self.status.setCurrentIndex(max(self.status.findData(status.value), 0))
        self.status.blockSignals(False)
        set_line_text(self.reason, answer.reason if answer else "")
        answered = status is AnswerStatus.ANSWERED
        self.answer.setEnabled(answered)
        self.reason.setVisible(not answered)
        settled = is_settled(self.question, answer, incident)
        self.mark.setText("✓" if settled else ("!" if self.question.required else "○"))
        self.mark.setProperty("settled", settled)
        self.mark.setToolTip("Settled" if settled else "Not answered yet")
        self.mark.style().unpolish(self.mark)
        self.mark.style().polish(self.mark)
