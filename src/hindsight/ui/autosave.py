"""Autosave: save a moment after typing stops, never wait too long, never on the GUI thread.

The save itself runs on the database lane; the autosaver only decides when to ask for one and
keeps track of edits made while a save is on its way, so none is ever marked saved by mistake.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

DEBOUNCE_MS = 1200
MAX_WAIT_MS = 5000

Done = Callable[[bool], None]
Save = Callable[[Done], None]


class Autosaver(QObject):
    """Asks `save(done)` once edits pause, or at the latest `max_wait_ms` after the first one.

    `save` starts the save and calls `done(True)` when it is stored, `done(False)` when it
    was not; the autosaver never calls it again before `done` came back.
    """

    dirtyChanged = Signal(bool)  # True while any edit is not stored yet
    stateChanged = Signal(str)  # "Saved", "Unsaved changes", "Saving…"

    def __init__(
        self,
        save: Save,
        debounce_ms: int = DEBOUNCE_MS,
        max_wait_ms: int = MAX_WAIT_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._pending = False  # edits not yet handed to a save
        self._saving = False  # a save is on its way
        self._waiting: list[Done] = []  # callers of flush() to tell when all is stored
        self._generation = 0  # which save an answer is about
        self._debounce = QTimer(self, singleShot=True, interval=debounce_ms)
        self._deadline = QTimer(self, singleShot=True, interval=max_wait_ms)
        self._debounce.timeout.connect(lambda: self.flush())
        self._deadline.timeout.connect(lambda: self.flush())

    @property
    def dirty(self) -> bool:
        """True while there are edits not yet stored."""
        return self._pending or self._saving

    def touch(self) -> None:
        """Note an edit: restart the pause timer, start the deadline if it is not running."""
        was_dirty = self.dirty
        self._pending = True
        self._debounce.start()
        if not self._deadline.isActive():
            self._deadline.start()
        if not was_dirty:
            self.dirtyChanged.emit(True)
            self.stateChanged.emit("Unsaved changes")

    def flush(self, then: Done | None = None) -> None:
        """Save now if anything is unsaved; then `then(stored)`."""
        self._debounce.stop()
        self._deadline.stop()
        if then is not None:
            self._waiting.append(then)
        if self._saving:
            return  # the save on its way comes back here, and saves again if need be
        if not self._pending:
            self._tell(True)
            return
        self._start()

    def _start(self) -> None:
        self._pending = False
        self._saving = True
        self._generation += 1
        generation = self._generation
        self.stateChanged.emit("Saving…")
        self._save(lambda stored: self._saved(generation, stored))

    def _saved(self, generation: int, stored: bool) -> None:
        if generation != self._generation:
            return  # about a record that was discarded meanwhile
        self._saving = False
        if not stored:
            self._pending = True  # the edits are still only here
            self._tell(False)
            return
        if self._pending:
            # Edits came in while saving: save them too if someone waits, else at the pause.
            if self._waiting:
                self._start()
            else:
                self.stateChanged.emit("Unsaved changes")
                self._debounce.start()
                if not self._deadline.isActive():
                    self._deadline.start()
            return
        self.dirtyChanged.emit(False)
        self.stateChanged.emit("Saved")
        self._tell(True)

    def _tell(self, stored: bool) -> None:
        waiting, self._waiting = self._waiting, []
        for then in waiting:
            then(stored)

    def announce(self) -> None:
        """Say the current state again (a record was just loaded)."""
        self.stateChanged.emit("Unsaved changes" if self.dirty else "Saved")

    def discard(self) -> None:
        """Forget unsaved edits (after the user chose to reload, or a record was loaded).

        A save already on its way still completes; its answer is then ignored.
        """
        self._debounce.stop()
        self._deadline.stop()
        was_dirty = self.dirty
        self._pending = False
        self._saving = False
        self._generation += 1  # an answer still on its way is about the record left behind
        self._tell(False)
        if was_dirty:
            self.dirtyChanged.emit(False)
