"""Undo for the incident editor: each step keeps the record as it was before and after it.

Incidents are small, so a copy per step makes every kind of edit undoable the same way. Typing
in one field is one step: the editor changes the record in place while the step is open, and
the step copies the record once, when it closes (another field is edited, or undo is asked),
not at every key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from shiboken6 import isValid

if TYPE_CHECKING:  # the record's module loads with the editor, after the first paint
    from hindsight.core.incident import Incident

TEXT_FIELDS = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)


class SnapshotCommand(QUndoCommand):
    """Replaces the editor's record with `after` (redo) or `before` (undo)."""

    def __init__(
        self,
        restore: Callable[[Incident], None],
        before: Incident,
        snapshot: Callable[[], Incident],
        label: str,
        merge_key: str | None = None,
        reveal: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(label)
        self._restore = restore
        self._snapshot = snapshot
        # Brings the place the edit was made back on screen when it is undone or redone, so
        # an undo never changes a hidden tab unseen.
        self._reveal = reveal
        self.before = before
        self.after: Incident | None = None  # None while the step is open: the live record
        self.merge_key = merge_key
        self._applied = True  # the editor already shows the result when this is pushed

    def close(self) -> None:
        """Keep the record as it is now as this step's result."""
        if self.after is None:
            self.after = self._snapshot()

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        assert self.after is not None  # closed when it was undone
        self._restore(self.after)
        if self._reveal is not None:
            self._reveal()

    def undo(self) -> None:
        self.close()
        self._restore(self.before)
        if self._reveal is not None:
            self._reveal()


class UndoRouter(QObject):
    """Sends Ctrl+Z and Ctrl+Shift+Z typed in the editor's text fields to the editor's history.

    A text field has an undo history of its own, and Qt lets the focused field take the keys
    first: Ctrl+Z in a field and Edit > Undo would then undo different things. The editor's
    history already records typing (one step per field), so the keys go to Edit > Undo and
    its label always says what they will do. The filter follows the focus, on one field at a
    time; fields outside `scope` (dialogs, the filter box) keep their own undo.
    """

    def __init__(self, owner: QObject, scope: Callable[[QWidget], bool]) -> None:
        super().__init__(owner)  # goes with its window, and its connection with it
        self._scope = scope
        self._watched: QWidget | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._watched is not None and isValid(self._watched):
            self._watched.removeEventFilter(self)
        self._watched = None
        if new is not None and isinstance(new, TEXT_FIELDS) and self._scope(new):
            new.installEventFilter(self)
            self._watched = new

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        # Swallowed here, the field never claims the keys, so the window's action gets them.
        return event.matches(QKeySequence.StandardKey.Undo) or event.matches(
            QKeySequence.StandardKey.Redo
        )
