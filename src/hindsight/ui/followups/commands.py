"""Undo for follow-up items: one command per operation (move, edit, add, delete).

Each command says what its step changes and asks the board to do it through the service,
off the GUI thread. A step only replays onto the item as it left it: the save is refused
(ConflictError) when the item says something else now, because it was changed elsewhere,
and the step is then dropped, never forced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from hindsight.core.followups import FollowUp


@dataclass
class ItemRef:
    """Which stored item the steps of one item are about.

    Undoing a deletion stores the item again under a new id: the job that does it sets `id`
    (and `item`, the item as stored last by a step) on the worker, so that steps queued after
    it find the item under its new id.
    """

    id: int | None
    item: FollowUp | None = None


class Board(Protocol):
    """What carries out the steps (the board); False when a step cannot be taken now."""

    def change_item(
        self, step: FollowUpStep, ref: ItemRef, expected: FollowUp, target: FollowUp, how: str
    ) -> bool: ...

    def create_item(self, step: FollowUpStep, ref: ItemRef, item: FollowUp) -> bool: ...

    def remove_item(self, step: FollowUpStep, ref: ItemRef, expected: FollowUp | None) -> bool: ...


def short(title: str, limit: int = 40) -> str:
    """A title short enough for a menu entry."""
    return title if len(title) <= limit else title[: limit - 1] + "…"


class FollowUpStep(QUndoCommand):
    """A step on one item; `first` is True while it is taken for the first time."""

    def __init__(self, board: Board, ref: ItemRef, label: str) -> None:
        super().__init__(label)
        self.board = board
        self.ref = ref
        self.first = True
        self.undoing = False  # which way the step is being replayed

    def redo(self) -> None:
        self.undoing = False
        if not self.forward():
            self.setObsolete(True)
        self.first = False

    def undo(self) -> None:
        self.undoing = True
        if not self.backward():
            self.setObsolete(True)

    def forward(self) -> bool:
        raise NotImplementedError

    def backward(self) -> bool:
        raise NotImplementedError


class MoveStep(FollowUpStep):
    """An item placed in another cell of the grid."""

    def __init__(self, board: Board, ref: ItemRef, before: FollowUp, after: FollowUp) -> None:
        super().__init__(board, ref, f"Move “{short(before.title)}”")
        self.before, self.after = before, after

    def forward(self) -> bool:
        return self.board.change_item(self, self.ref, self.before, self.after, "move")

    def backward(self) -> bool:
        return self.board.change_item(self, self.ref, self.after, self.before, "move")


class EditStep(FollowUpStep):
    """An item's fields changed in the details dialog."""

    def __init__(self, board: Board, ref: ItemRef, before: FollowUp, after: FollowUp) -> None:
        super().__init__(board, ref, f"Edit “{short(after.title)}”")
        self.before, self.after = before, after

    def forward(self) -> bool:
        return self.board.change_item(self, self.ref, self.before, self.after, "save")

    def backward(self) -> bool:
        return self.board.change_item(self, self.ref, self.after, self.before, "save")


class AddStep(FollowUpStep):
    """A new item stored (undo removes it again, if nobody changed it since)."""

    def __init__(self, board: Board, ref: ItemRef, item: FollowUp) -> None:
        super().__init__(board, ref, f"Add “{short(item.title)}”")
        self.item = item

    def forward(self) -> bool:
        return self.board.create_item(self, self.ref, self.item)

    def backward(self) -> bool:
        return self.board.remove_item(self, self.ref, None)


class DeleteStep(FollowUpStep):
    """An item removed (undo stores it again, under a new id)."""

    def __init__(self, board: Board, ref: ItemRef, item: FollowUp) -> None:
        super().__init__(board, ref, f"Delete “{short(item.title)}”")
        self.item = item

    def forward(self) -> bool:
        return self.board.remove_item(self, self.ref, self.item)

    def backward(self) -> bool:
        return self.board.create_item(self, self.ref, self.item)
