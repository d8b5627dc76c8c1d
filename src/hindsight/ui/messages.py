"""Message boxes for errors and confirmations, in one place so tests can stand in for them."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """Tell the user something went wrong and what to do about it."""
    QMessageBox.critical(parent, title, message)


def confirm(parent: QWidget | None, title: str, question: str, action: str) -> bool:
    """Ask before doing something that cannot be undone; True when the user agrees."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is yes
