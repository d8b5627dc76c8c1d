"""Settings ▸ Your Name…: the display name every save is recorded under."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from hindsight.services.history import MAX_AUTHOR


class DisplayNameDialog(QDialog):
    """Asks for the name the history shows beside the user's saves."""

    def __init__(self, current: str, default: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Your Name")
        self.field = QLineEdit(current)
        self.field.setObjectName("displayName")
        self.field.setMaxLength(MAX_AUTHOR)
        self.field.setPlaceholderText(default)
        self.field.setClearButtonEnabled(True)
        label = QLabel("&Display name:")
        label.setBuddy(self.field)
        hint = QLabel(
            "Each incident's history records your saves under this name, on files and team "
            f"databases alike. Leave it empty to use your user name on this computer ({default})."
        )
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(label, self.field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def name(self) -> str:
        """What was typed (the service trims and checks it)."""
        return self.field.text()
