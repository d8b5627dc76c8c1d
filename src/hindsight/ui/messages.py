"""Message boxes for errors and confirmations, in one place so tests can stand in for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

# QMessageBox is imported where a box is shown: its class (and its enums) cost the first paint
# about 1.5 ms, and start-up shows no box.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox, QWidget

LINES_SHOWN = 5  # a longer message shows these and keeps the whole under Show Details
SHORT_SCREEN = 500  # pixels of available height below which it shows two (a 768 screen at 2x)


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """Tell the user something went wrong and what to do about it."""
    error_box(parent, title, message).exec()


def error_box(
    parent: QWidget | None, title: str, message: str, room: int | None = None
) -> QMessageBox:
    """The box `show_error` shows; a message of many lines (a file's problems, say) shows its
    first lines and the whole under Show Details, which scrolls: a box of every line was
    taller than a small screen at 2x. `room` is the screen's height (the parent's screen's
    available height by default): on a short screen fewer lines are shown, and the details
    area is kept short enough that the box with its details open fits."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMessageBox, QTextEdit

    box = QMessageBox(QMessageBox.Icon.Critical, title, message, parent=parent)
    plain(box)
    if room is None:
        screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
        room = screen.availableGeometry().height() if screen is not None else 768
    lines = message.splitlines()
    shown = LINES_SHOWN if room >= SHORT_SCREEN else 2
    if len(lines) > shown + 1:
        hidden = len(lines) - shown
        box.setText("\n".join(lines[:shown]) + f"\n…{hidden} more lines under Show Details.")
        box.setDetailedText(message)
        line = box.fontMetrics().lineSpacing()
        for details in box.findChildren(QTextEdit):  # made by setDetailedText
            details.setMaximumHeight(max(3 * line, min(12 * line, room // 3)))
    return box


def inform(parent: QWidget | None, title: str, message: str) -> None:
    """Tell the user something they should know before they go on (nothing went wrong)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Information, title, message, parent=parent)
    plain(box)
    box.exec()


def plain(box: QMessageBox) -> None:
    """Show `box`'s text as written: messages quote what users typed, and Qt would take text
    that looks like HTML as HTML (an `<img src=x>` in a title drew a broken picture)."""
    from PySide6.QtCore import Qt

    box.setTextFormat(Qt.TextFormat.PlainText)


def deleted_since(
    parent: QWidget | None, noun: str, *, doing: str = "editing", adds: str = "adds"
) -> None:
    """Before a draft's dialog opens as a new `noun`: the one it edited was deleted since."""
    inform(
        parent,
        "Restoring what you typed",
        f"The {noun} you were {doing} was deleted since. What you typed opens as a new "
        f"{noun}: OK {adds} it, Cancel drops it.",
    )


def confirm(parent: QWidget | None, title: str, question: str, action: str) -> bool:
    """Ask before doing something that cannot be undone; True when the user agrees."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    plain(box)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is yes
