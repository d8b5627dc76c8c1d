"""Steps on follow-up items, for the board: each shown at once, saved on the database lane.

Every move, edit, addition and deletion is one undo command (commands.py) whose redo and undo
call the board's `change_item`, `create_item` or `remove_item` here. The board shows the step
at once; the save runs on the operations runner's database lane and is checked there against
what the item said when the step was taken. A refused save puts the item back, says why,
drops the step from the undo history and shows what is stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QWidget
from shiboken6 import isValid

from hindsight.core.errors import HindsightError
from hindsight.core.followup_index import RankedIndex
from hindsight.core.followup_regions import RegionMap
from hindsight.core.followups import FollowUp, same_content
from hindsight.services.errors import ConflictError, NotFoundError
from hindsight.services.followups import Board
from hindsight.services.recovery import Draft, FieldValue
from hindsight.services.workspace import Workspace
from hindsight.ui import messages
from hindsight.ui.followups.commands import (
    AddStep,
    DeleteStep,
    EditStep,
    FollowUpStep,
    ItemRef,
    MoveStep,
)
from hindsight.ui.followups.details_dialog import FollowUpDialog
from hindsight.ui.operations import Operations
from hindsight.ui.recovery import keep_drafts

Fields = Mapping[str, FieldValue]


class BoardSteps:
    """The steps half of FollowUpBoard (which holds the state named below)."""

    ops: Operations
    undo_stack: QUndoStack
    regions: RegionMap
    _data: Board | None
    _cache: dict[int, FollowUp]
    _pending: Counter[int]
    _refs: dict[int, ItemRef]
    _scope: int | None
    _scope_key: str

    if TYPE_CHECKING:

        @property
        def workspace(self) -> Workspace: ...

        @property
        def index(self) -> RankedIndex: ...

        @property
        def owners(self) -> list[str]: ...

        def _place(self, item: FollowUp, *, refresh: bool = True) -> None: ...

        def _unplace(self, item_id: int) -> None: ...

        def select(self, item_id: int | None) -> None: ...

        def selected_id(self) -> int | None: ...

        def reload(self, *, count: bool = True) -> None: ...

        def refreshed_emit(self) -> None: ...

    def _ref(self, item_id: int) -> ItemRef:
        if item_id not in self._refs:
            self._refs[item_id] = ItemRef(item_id, self._cache.get(item_id))
        return self._refs[item_id]

    def report_error(self, title: str, message: str) -> None:
        """Tell the user (tests capture messages.show_error)."""
        messages.show_error(self._widget(), title, message)

    def request_move(self, item_id: int, value: int, feasibility: int) -> bool:
        """Place an item in another cell at once; it is saved on the worker, undoable."""
        item = self._cache.get(item_id)
        if item is None or item.cell == (value, feasibility):
            return False
        self.undo_stack.push(
            MoveStep(self, self._ref(item_id), item, item.moved(value, feasibility))
        )
        return True

    def change_item(
        self, step: FollowUpStep, ref: ItemRef, expected: FollowUp, target: FollowUp, how: str
    ) -> bool:
        """Make the item `target` if it still says what `expected` says (a move or an edit)."""
        item_id = ref.id
        current = self._cache.get(item_id) if item_id is not None else None
        if current is not None and not same_content(current, expected):
            self._step_refused(step)
            return False
        if current is not None and item_id is not None:
            shown = replace(
                target,
                id=item_id,
                incident_key=current.incident_key,
                version=current.version,
                created_at=current.created_at,
                updated_at=current.updated_at,
            )
            self._pending[item_id] += 1
            self._place(shown)
            if step.first or how == "move":
                self.select(item_id if item_id in self.index else None)
            self.refreshed_emit()

        def work(ws: Workspace) -> FollowUp:
            if ref.id is None:
                raise NotFoundError("This follow-up no longer exists.")
            if how == "move":
                stored = ws.followups.move(
                    ref.id, target.value, target.feasibility, expected=expected
                )
            else:
                stored = ws.followups.save(replace(target, id=ref.id), expected=expected)
            ref.item = stored
            return stored

        def revert() -> None:
            # The save did not happen: what was stored before is still stored.
            if current is not None:
                self._place(current)

        what = "move the follow-up" if how == "move" else "save the follow-up"
        self._run_step(step, work, ref, what, counted=current is not None, revert=revert)
        return True

    def create_item(self, step: FollowUpStep, ref: ItemRef, item: FollowUp) -> bool:
        """Store `item` (new, or again after a deletion was undone)."""

        def work(ws: Workspace) -> FollowUp:
            stored = ws.followups.create(replace(item, id=None, version=0))
            ref.id, ref.item = stored.id, stored
            return stored

        self._run_step(step, work, ref, "add the follow-up", counted=False, select=True)
        return True

    def remove_item(self, step: FollowUpStep, ref: ItemRef, expected: FollowUp | None) -> bool:
        """Delete the item, if it still says what `expected` (or its last step) says."""
        item_id = ref.id
        current = self._cache.get(item_id) if item_id is not None else None
        wanted = expected if expected is not None else ref.item
        if current is not None and wanted is not None and not same_content(current, wanted):
            self._step_refused(step)
            return False
        if current is not None and item_id is not None:
            self._pending[item_id] += 1
            self._unplace(item_id)
            self.refreshed_emit()

        def work(ws: Workspace) -> FollowUp | None:
            if ref.id is None:
                raise NotFoundError("This follow-up no longer exists.")
            ws.followups.delete(ref.id, expected=expected if expected is not None else ref.item)
            return None

        def revert() -> None:
            if current is not None:
                self._place(current)

        self._run_step(
            step, work, ref, "delete the follow-up", counted=current is not None, revert=revert
        )
        return True

    def _step_refused(self, step: FollowUpStep) -> None:
        self.report_error(
            "Cannot undo" if step.undoing else "Cannot redo",
            "This follow-up was changed or removed since that step; the step was dropped "
            "so that the newer change is kept.",
        )

    def _run_step(
        self,
        step: FollowUpStep,
        work: Callable[[Workspace], FollowUp | None],
        ref: ItemRef,
        what: str,
        *,
        counted: bool,
        select: bool = False,
        revert: Callable[[], None] | None = None,
    ) -> None:
        item_id = ref.id
        first = step.first

        def settle() -> None:
            if counted and item_id is not None:
                self._pending[item_id] -= 1
                if not self._pending[item_id]:
                    del self._pending[item_id]

        def done(stored: FollowUp | None) -> None:
            settle()
            if stored is None or stored.id is None:
                gone = ref.id  # set on the worker if the item was stored after this was asked
                if gone is not None and not self._pending[gone]:
                    self._unplace(gone)
                    self.refreshed_emit()
                return
            self._refs[stored.id] = ref
            if self._pending[stored.id]:
                return  # a later step on it is under way; it shows what the user did last
            shown = self._cache.get(stored.id)
            if shown is None or not same_content(shown, stored):
                self._place(stored)
            else:
                self._cache[stored.id] = stored  # the same, with its new version
            if select and stored.id in self.index:
                self.select(stored.id)
            self.refreshed_emit()

        def failed(error: Exception) -> None:
            settle()
            if first and isinstance(error, ConflictError) and isinstance(step, EditStep):
                self._offer_overwrite(step, error)
                return
            self._drop(step)
            if revert is not None and not (item_id is not None and self._pending[item_id]):
                revert()  # put it back at once; the reload below confirms what is stored
            if isinstance(error, (ConflictError, NotFoundError)):
                self.report_error(
                    "Changed elsewhere",
                    f"{error} Nothing was overwritten; the follow-ups now show what is saved.",
                )
            else:
                message = (
                    str(error)
                    if isinstance(error, HindsightError)
                    else (f"An internal error stopped it ({error}); the details are in the log.")
                )
                self.report_error(f"Cannot {what}", f"{message} The follow-ups show what is saved.")
            self.reload()

        self.ops.run(work, done, owner=self._widget(), failed=failed, initiator=self, what=what)

    def _offer_overwrite(self, step: EditStep, error: ConflictError) -> None:
        if not messages.confirm(
            self._widget(),
            "Changed elsewhere",
            f"{error} Overwrite it with your version?",
            "Overwrite",
        ):
            self._drop(step)
            self.reload()
            return
        ref, target = step.ref, step.after

        def work(ws: Workspace) -> FollowUp:
            if ref.id is None:
                raise NotFoundError("This follow-up no longer exists.")
            current = ws.followups.get(ref.id)
            stored = ws.followups.save(replace(target, id=ref.id, version=current.version),
                                       overwrite=True)  # fmt: skip
            ref.item = stored
            return stored

        def done(stored: FollowUp) -> None:
            self._place(stored)
            self.refreshed_emit()

        def failed(error: Exception) -> None:
            self._drop(step)
            self.report_error("Cannot save the follow-up", str(error))
            self.reload()

        self.ops.run(work, done, owner=self._widget(), failed=failed, initiator=self, what="save")

    def _drop(self, step: FollowUpStep) -> None:
        """Take a step that could not be saved off the undo history."""
        if not isValid(step):
            return  # the history was cleared meanwhile
        step.setObsolete(True)
        stack = self.undo_stack
        position = stack.index()
        # Qt deletes an obsolete command when it is undone or redone, without running it.
        if position > 0 and stack.command(position - 1) is step:
            stack.undo()
        elif position < stack.count() and stack.command(position) is step:
            stack.redo()

    # Dialogs

    def open_details(self, item_id: object, *, fill: Fields | None = None) -> bool:
        """Show an item's details for editing; the edit is saved as one undoable step.

        With `fill`, the fields start as a draft left them."""
        item = self._cache.get(item_id) if isinstance(item_id, int) else None
        if item is None:
            return False
        dialog = FollowUpDialog(
            item,
            self.regions,
            owners=self.owners,
            today=self._today(),
            parent=self._widget(),
        )
        if not self._exec_details(dialog, item, fill):
            return False
        edited = dialog.result_item()
        if same_content(edited, item):
            return False
        assert item.id is not None
        self.undo_stack.push(EditStep(self, self._ref(item.id), item, edited))
        return True

    def add_item(self, *, fill: Fields | None = None) -> bool:
        """Ask for a new item of the shown incident, then store it.

        With `fill`, the fields start as a draft left them."""
        if self._scope is None:
            return False
        draft = self.workspace.followups.new_item(self._scope)
        draft.incident_key = self._scope_key
        dialog = FollowUpDialog(
            draft, self.regions, owners=self.owners, today=self._today(), parent=self._widget()
        )
        if not self._exec_details(dialog, draft, fill):
            return False
        created = dialog.result_item()
        self.undo_stack.push(AddStep(self, ItemRef(None), created))
        return True

    def _exec_details(self, dialog: FollowUpDialog, item: FollowUp, fill: Fields | None) -> bool:
        """Run the details dialog, its fields kept as a draft while it is open; True on OK."""
        keep_drafts(
            dialog,
            dialog.draft_fields(),
            kind="followup",
            incident_id=item.incident_id,
            incident_key=item.incident_key,
            item_id=item.id,
            fill=fill,
        )
        return dialog.exec() == QDialog.DialogCode.Accepted

    def restore_draft(self, draft: Draft, then: Callable[[], object] | None = None) -> None:
        """Reopen the details dialog a draft was left in, filled as it was, then call `then`.

        The item it edited is read first if the board has not; when that item is gone, or
        none was named, the dialog adds a new one to the shown incident.
        """

        def run(item: FollowUp | None) -> None:
            if item is not None and item.id is not None:
                self._cache.setdefault(item.id, item)
                self.open_details(item.id, fill=draft.fields)
            else:
                if draft.item_id is not None:
                    messages.deleted_since(self._widget(), "follow-up")
                self.add_item(fill=draft.fields)
            if then is not None:
                then()

        wanted = draft.item_id
        if wanted is None or wanted in self._cache:
            run(self._cache.get(wanted) if wanted is not None else None)
            return

        scope = self._scope

        def read(ws: Workspace) -> FollowUp | None:
            found = [i for i in ws.followups.details([wanted]) if i.incident_id == scope]
            return found[0] if found else None

        def failed(_error: Exception) -> None:
            run(None)

        self.ops.run(read, run, owner=self._widget(), failed=failed, what="read the follow-up")

    def delete_selected(self) -> bool:
        """Delete the selected item after confirmation (undo brings it back)."""
        item_id = self.selected_id()
        item = self._cache.get(item_id) if item_id is not None else None
        if item is None or item.id is None:
            return False
        if not messages.confirm(
            self._widget(),
            "Delete follow-up",
            f"Delete “{item.title}”? Undo (Ctrl+Z) brings it back.",
            "Delete",
        ):
            return False
        self.undo_stack.push(DeleteStep(self, self._ref(item.id), item))
        return True

    def _today(self) -> date:
        return self._data.rules.today if self._data else self.workspace.followups.today()

    def _widget(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self
