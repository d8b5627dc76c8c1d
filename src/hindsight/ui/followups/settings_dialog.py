"""The thresholds of the follow-up attention rules."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.followup_attention import AttentionSettings
from hindsight.ui.look import styled


def _days(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(" days")
    return box


class AttentionSettingsDialog(QDialog):
    """Edits the attention thresholds; `result_settings()` gives the chosen ones."""

    def __init__(self, settings: AttentionSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Follow-up attention rules")
        self.setMinimumWidth(520)
        limits = AttentionSettings.LIMITS
        self.highest = _days(*limits["highest_review_days"], settings.highest_review_days)
        self.languishing = _days(*limits["languishing_days"], settings.languishing_days)
        self.grace = _days(*limits["overdue_grace_days"], settings.overdue_grace_days)
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
        layout.addWidget(buttons)

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
