"""Settings ▸ Question Bank: which bank the reviews use."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from hindsight.review.bank import BankError, default_bank_path
from hindsight.services.review import ReviewService
from hindsight.ui import file_dialogs, messages
from hindsight.ui.look import styled


class BankDialog(QDialog):
    """Shows the bank in use; choose another file or go back to the default."""

    def __init__(self, review: ReviewService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Question bank")
        self.setMinimumWidth(560)
        self.review = review
        self.name = QLabel()
        self.path = QLabel()
        self.path.setWordWrap(True)
        self.counts = QLabel()
        hint = QLabel(
            "A bank is a TOML file of sections and questions. Start from a copy of the default "
            "bank. Answers are kept under question ids, so renaming a question never loses them."
        )
        styled(hint, "hint")
        hint.setWordWrap(True)
        self.choose_button = QPushButton("Choose file…")
        self.default_button = QPushButton("Use the default bank")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("In use", self.name)
        form.addRow("File", self.path)
        form.addRow("Questions", self.counts)
        form.addRow(hint)
        form.addRow(self.choose_button)
        form.addRow(self.default_button)
        form.addRow(buttons)
        self.choose_button.clicked.connect(self._choose)
        self.default_button.clicked.connect(self.use_default)
        self._show()

    def _show(self) -> None:
        bank = self.review.bank
        self.name.setText(f"{bank.name} (version {bank.version})")
        self.path.setText(str(bank.path or default_bank_path()))
        required = sum(q.required for q in bank.questions)
        self.counts.setText(
            f"{len(bank.questions)} in {len(bank.sections)} sections, {required} required"
        )
        self.default_button.setEnabled(bank.path != default_bank_path())

    def _choose(self) -> None:
        name, _ = file_dialogs.get_open_file_name(
            self, "Choose a question bank", str(default_bank_path().parent), "TOML (*.toml)"
        )
        if name:
            self.choose(Path(name))

    def choose(self, path: Path) -> bool:
        """Use the bank at `path`; an invalid bank is explained and the current one kept."""
        try:
            self.review.choose_bank(path)
        except BankError as error:
            messages.show_error(
                self, "Question bank not used", f"{error}\n\nThe bank in use is unchanged."
            )
            return False
        self._show()
        return True

    def use_default(self) -> None:
        """Go back to the bank shipped with Hindsight."""
        self.review.use_default_bank()
        self._show()
