"""Alt+letter never types a letter into a text field.

On Linux, Qt hands an Alt+letter that no shortcut takes to the focused widget as plain text:
Alt+U pressed for the Summary label while another tab is shown (so the label's mnemonic is not
live) typed "u" into whatever field had the cursor. Author text must change only by typing,
so such a key is dropped instead. AltGr (which types @, €, [ on many layouts) is not Alt to Qt
and is untouched; on macOS, Option+letter is how accented letters are typed, so nothing is
dropped there.

The same guard gives the app its own Ctrl+E (Export) back from single-line fields: on Linux a
line edit takes Ctrl+E for "end of line" (End does that too), so the menu's shortcut did
nothing while the cursor was in a title or a name. And Tab leaves a multi-line field for the
next control, as in every other field of a form, instead of typing a tab character (Shift+Tab
already went back; a keyboard user was caught in Record access's Justification).
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
    QWidget,
)
from shiboken6 import isValid

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


def is_app_key(event: QKeyEvent) -> bool:
    """True for a key the app's menus own that a text field would take for editing (Ctrl+E)."""
    return event.key() == Qt.Key.Key_E and event.modifiers() == Qt.KeyboardModifier.ControlModifier


class AltLetterGuard(QObject):
    """An event filter that drops stray Alt+letter keys aimed at the focused text field.

    Shortcuts and mnemonics see a key before the focused widget does, so a key that reaches a
    text field as a key press was taken by none of them. The filter sits on the focused text
    field only (it moves with the focus): an application-wide filter would send every event
    of the app through Python.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._watched: QWidget | None = None
        # On macOS, Option+letter is how accented letters are typed: nothing is dropped there.
        self._drop_alt_letters = sys.platform != "darwin"
        app.focusChanged.connect(self._focus_moved)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._watched is not None and isValid(self._watched):
            self._watched.removeEventFilter(self)
        self._watched = None
        if isinstance(new, QPlainTextEdit | QTextEdit) and not new.tabChangesFocus():
            new.setTabChangesFocus(True)
        if isinstance(new, TEXT_INPUTS) and self._drop_alt_letters:
            new.installEventFilter(self)
            self._watched = new

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            # Kept from the field (not accepted by it): the shortcut of the app's menu runs.
            return is_app_key(event)
        return event.type() == QEvent.Type.KeyPress and is_stray_alt_letter(event)


def install_alt_letter_guard(app: QApplication) -> None:
    """Drop stray Alt+letter keys in every text field of `app` (not on macOS); Tab leaves
    multi-line fields."""
    if app.property("altLetterGuard") is not None:
        return
    AltLetterGuard(app)
    app.setProperty("altLetterGuard", True)
