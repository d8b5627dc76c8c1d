"""Undo for follow-up items: each step remembers the item before and after it.

A step is applied through the service when it happens; undo and redo apply the other state
through the service again. A step only replays onto the item as it left it: if the item was
changed since (from another window, say), the step is refused and dropped, never forced.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from hindsight.core.followups import FollowUp


@dataclass
class ItemRef:
    """Which stored item a step is about; undoing a deletion stores it under a new id."""

    id: int | None


class Applier(Protocol):
    """What replays a step (the board)."""

    def apply_state(
        self, ref: ItemRef, expected: FollowUp | None, target: FollowUp | None
    ) -> bool: ...


def same_content(a: FollowUp | None, b: FollowUp | None) -> bool:
    """True when two items say the same, whatever their identity, times and version."""
    if a is None or b is None:
        return a is b

    def bare(item: FollowUp) -> FollowUp:
        return replace(item, id=None, incident_key="", version=0, created_at=None, updated_at=None)

    return bare(a) == bare(b)


class FollowUpCommand(QUndoCommand):
    """One change of one item: created (before None), deleted (after None) or edited."""

    def __init__(
        self,
        applier: Applier,
        ref: ItemRef,
        before: FollowUp | None,
        after: FollowUp | None,
        label: str,
    ) -> None:
        super().__init__(label)
        self._applier = applier
        self.ref = ref
        self.before = before
        self.after = after
        self._applied = True  # pushed after the change was saved

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        if not self._applier.apply_state(self.ref, self.before, self.after):
            self.setObsolete(True)

    def undo(self) -> None:
        if not self._applier.apply_state(self.ref, self.after, self.before):
            self.setObsolete(True)
