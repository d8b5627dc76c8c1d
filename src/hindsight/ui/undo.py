"""Undo for the incident editor: each edit records the record before and after it.

Incidents are small, so a snapshot per edit is cheap and makes every kind of edit undoable
the same way. Consecutive edits of one field (typing a title) merge into one step.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from PySide6.QtGui import QUndoCommand

from hindsight.core.incident import Incident

_merge_ids: dict[str, int] = {}
_next_id = count(1000)


def _merge_id(key: str) -> int:
    if key not in _merge_ids:
        _merge_ids[key] = next(_next_id)
    return _merge_ids[key]


class SnapshotCommand(QUndoCommand):
    """Replaces the editor's record with `after` (redo) or `before` (undo)."""

    def __init__(
        self,
        restore: Callable[[Incident], None],
        before: Incident,
        after: Incident,
        label: str,
        merge_key: str | None = None,
    ) -> None:
        super().__init__(label)
        self._restore = restore
        self.before = before
        self.after = after
        self.merge_key = merge_key
        self._applied = True  # the editor already shows `after` when this is pushed

    def id(self) -> int:
        return _merge_id(self.merge_key) if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SnapshotCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._restore(self.after)

    def undo(self) -> None:
        self._restore(self.before)
