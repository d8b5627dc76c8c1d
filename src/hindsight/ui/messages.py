"""Message boxes for errors and confirmations, in one place so tests can stand in for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

# QMessageBox is imported where a box is shown: its class (and its enums) cost the first paint
# about 1.5 ms, and start-up shows no box.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox, QWidget

LINES_SHOWN = 5  # a longer message shows these and keeps the whole under Show Details


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """Tell the user something went wrong and what to do about it."""
    error_box(parent, title, message).exec()


def error_box(parent: QWidget | None, title: str, message: str) -> QMessageBox:
    """The box `show_error` shows; a message of many lines (a file's problems, say) shows its
    first lines and the whole under Show Details, which scrolls: a box of every line was
    taller than a small screen at 2x."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, title, message, parent=parent)
    lines = message.splitlines()
    if len(lines) > LINES_SHOWN + 1:
        hidden = len(lines) - LINES_SHOWN
        box.setText("\n".join(lines[:LINES_SHOWN]) + f"\n…{hidden} more lines under Show Details.")
        box.setDetailedText(message)
    return box


def inform(parent: QWidget | None, title: str, message: str) -> None:
    """Tell the user something they should know before they go on (nothing went wrong)."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(parent, title, message)


def confirm(parent: QWidget | None, title: str, question: str, action: str) -> bool:
    """Ask before doing something that cannot be undone; True when the user agrees."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is yes
