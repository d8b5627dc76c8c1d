"""Alt+letter never types a letter into a text field.

On Linux, Qt hands an Alt+letter that no shortcut takes to the focused widget as plain text:
Alt+U pressed for the Summary label while another tab is shown (so the label's mnemonic is not
live) typed "u" into whatever field had the cursor. Author text must change only by typing,
so such a key is dropped instead. AltGr (which types @, €, [ on many layouts) is not Alt to Qt
and is untouched; on macOS, Option+letter is how accented letters are typed, so nothing is
dropped there.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

TEXT_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QComboBox)
OTHER_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.MetaModifier
    | Qt.KeyboardModifier.GroupSwitchModifier
)


def is_stray_alt_letter(event: QKeyEvent) -> bool:
    """True for an Alt+printable key (no Ctrl, Meta or AltGr) that would be typed as text."""
    modifiers = event.modifiers()
    if not modifiers & Qt.KeyboardModifier.AltModifier or modifiers & OTHER_MODIFIERS:
        return False
    text = event.text()
    return len(text) == 1 and text.isprintable() and not text.isspace()


class AltLetterGuard(QObject):
    """An application event filter that drops stray Alt+letter keys aimed at text fields.

    Shortcuts and mnemonics see a key before the focused widget does, so a key that reaches a
    text field as a key press was taken by none of them.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return (
            event.type() == QEvent.Type.KeyPress
            and isinstance(watched, TEXT_INPUTS)
            and isinstance(event, QKeyEvent)
            and is_stray_alt_letter(event)
        )


def install_alt_letter_guard(app: QApplication) -> None:
    """Drop stray Alt+letter keys in every text field of `app` (not on macOS)."""
    if sys.platform == "darwin" or app.property("altLetterGuard") is not None:
        return
    guard = AltLetterGuard(app)
    app.installEventFilter(guard)
    app.setProperty("altLetterGuard", True)
