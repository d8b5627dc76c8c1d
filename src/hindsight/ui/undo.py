"""Undo for the incident editor: each step keeps the record as it was before and after it.

Incidents are small, so a copy per step makes every kind of edit undoable the same way. Typing
in one field is one step: the editor changes the record in place while the step is open, and
the step copies the record once, when it closes (another field is edited, or undo is asked),
not at every key.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from hindsight.core.incident import Incident


class SnapshotCommand(QUndoCommand):
    """Replaces the editor's record with `after` (redo) or `before` (undo)."""

    def __init__(
        self,
        restore: Callable[[Incident], None],
        before: Incident,
        snapshot: Callable[[], Incident],
        label: str,
        merge_key: str | None = None,
    ) -> None:
        super().__init__(label)
        self._restore = restore
        self._snapshot = snapshot
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

    def undo(self) -> None:
        self.close()
        self._restore(self.before)
