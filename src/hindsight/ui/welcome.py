"""Pages shown when no incident is open: the welcome page and the 'pick one' page."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hindsight.ui.look import styled

WELCOME_TEXT = (
    "Hindsight helps you write the review of an incident in a machine-learning system: when "
    "impact really began, how it was found and by whom, what changed in the model, the data, "
    "the code or the world, and what the team will do about it.<br><br>"
    "This database is empty. Start a review of your own, or explore three worked examples."
)


class WelcomePage(QWidget):
    """First run on an empty database."""

    createRequested = Signal()
    demoRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel("Welcome to Hindsight")
        styled(heading, "welcomeHeading")
        text = QLabel(WELCOME_TEXT)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setMaximumWidth(560)
        self.create_button = QPushButton("Create an incident")
        self.create_button.setDefault(True)
        self.demo_button = QPushButton("Open the demo database")
        self.create_button.clicked.connect(self.createRequested)
        self.demo_button.clicked.connect(self.demoRequested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.addWidget(heading)
        column.addWidget(text)
        column.addSpacing(12)
        column.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(column)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)


class PickPage(QWidget):
    """Incidents exist, none is open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        label = QLabel(
            "Select an incident on the left to open it, or press Ctrl+N to start a new one."
        )
        styled(label, "hint")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        QVBoxLayout(self).addWidget(label)
