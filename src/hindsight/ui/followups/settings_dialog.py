"""The thresholds of the follow-up attention rules."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.followup_attention import AttentionSettings
from hindsight.ui.look import styled
from hindsight.ui.qt_helpers import problem_label, say_problem


class DaysBox(QSpinBox):
    """A number of days within limits, which says so when a digit typed would pass them.

    Qt drops such a digit without a word: 1000 typed where 365 is the most kept 100, and the
    dialog stored 100. The field refuses it visibly instead, as the date fields do: a tooltip
    shown at once, a beep, and `refused` carries the sentence to the dialog's problem line.
    """

    refused = Signal(str)

    def __init__(self, low: int, high: int, value: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(low, high)
        self.setValue(value)
        self.setSuffix(" days")
        self.limits = f"from {low:,} to {high:,} days"
        self.setToolTip(self.limits.capitalize())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        line = self.lineEdit()
        before = line.text()
        if not (len(text) == 1 and text.isdigit()):
            super().keyPressEvent(event)
            return
        if line.hasSelectedText():
            start = line.selectionStart()
            end = start + len(line.selectedText())
        else:
            start = end = line.cursorPosition()
        typed = (before[:start] + text + before[end:]).removesuffix(self.suffix()).strip()
        super().keyPressEvent(event)
        if line.text() == before:  # Qt dropped the digit
            self._refuse(typed)

    def _refuse(self, typed: str) -> None:
        sentence = (
            f"“{typed}” is not a number of days this field takes: {self.limits}. "
            f"It keeps {self.value():,}."
        )
        self.setToolTip(sentence)
        QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), sentence, self)
        QApplication.beep()
        self.refused.emit(sentence)


class AttentionSettingsDialog(QDialog):
    """Edits the attention thresholds; `result_settings()` gives the chosen ones."""

    def __init__(self, settings: AttentionSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Follow-up attention rules")
        self.setMinimumWidth(520)
        limits = AttentionSettings.LIMITS
        self.highest = DaysBox(*limits["highest_review_days"], settings.highest_review_days)
        self.languishing = DaysBox(*limits["languishing_days"], settings.languishing_days)
        self.grace = DaysBox(*limits["overdue_grace_days"], settings.overdue_grace_days)
        self.problem = problem_label()
        for box in (self.highest, self.languishing, self.grace):
            box.refused.connect(lambda sentence: say_problem(self.problem, sentence))
            box.valueChanged.connect(lambda _: self._typed_again())
        intro = QLabel(
            "Hindsight counts the follow-ups that need attention and shows them in the Triage "
            "view. Closed items (done, won't do) never need attention."
        )
        intro.setWordWrap(True)
        styled(intro, "hint")
        form = QFormLayout()
        form.addRow(
            "Hold a review of what blocks Highest-priority items that are not all done this "
            "long after the review was published:",
            self.highest,
        )
        form.addRow(
            "Monitoring and alerting items count as languishing when open longer than:",
            self.languishing,
        )
        form.addRow("Items count as overdue this long after their due date:", self.grace)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            widget = label.widget() if label is not None else None
            if isinstance(widget, QLabel):
                widget.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_defaults
        )
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def _typed_again(self) -> None:
        self.problem.hide()
        for box in (self.highest, self.languishing, self.grace):
            box.setToolTip(box.limits.capitalize())

    def restore_defaults(self) -> None:
        """Put the bundled thresholds back in the fields."""
        defaults = AttentionSettings()
        self.highest.setValue(defaults.highest_review_days)
        self.languishing.setValue(defaults.languishing_days)
        self.grace.setValue(defaults.overdue_grace_days)

    def result_settings(self) -> AttentionSettings:
        """The thresholds as chosen."""
        return AttentionSettings(
            highest_review_days=self.highest.value(),
            languishing_days=self.languishing.value(),
            overdue_grace_days=self.grace.value(),
        )
