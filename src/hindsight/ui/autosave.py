"""Autosave timing: save a moment after typing stops, and never wait too long."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

DEBOUNCE_MS = 1200
MAX_WAIT_MS = 8000


class Autosaver(QObject):
    """Calls `save` once edits pause, or at the latest `max_wait_ms` after the first one."""

    dirtyChanged = Signal(bool)

    def __init__(
        self,
        save: Callable[[], bool],
        debounce_ms: int = DEBOUNCE_MS,
        max_wait_ms: int = MAX_WAIT_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._dirty = False
        self._debounce = QTimer(self, singleShot=True, interval=debounce_ms)
        self._deadline = QTimer(self, singleShot=True, interval=max_wait_ms)
        self._debounce.timeout.connect(self.flush)
        self._deadline.timeout.connect(self.flush)

    @property
    def dirty(self) -> bool:
        """True while there are edits not yet saved."""
        return self._dirty

    def touch(self) -> None:
        """Note an edit: restart the pause timer, start the deadline if it is not running."""
        self._debounce.start()
        if not self._deadline.isActive():
            self._deadline.start()
        if not self._dirty:
            self._dirty = True
            self.dirtyChanged.emit(True)

    def flush(self) -> bool:
        """Save now if anything is unsaved; False when the save failed (edits stay dirty)."""
        self._debounce.stop()
        self._deadline.stop()
        if not self._dirty:
            return True
        if not self._save():
            return False
        self._dirty = False
        self.dirtyChanged.emit(False)
        return True

    def discard(self) -> None:
        """Forget unsaved edits (after the user chose to reload)."""
        self._debounce.stop()
        self._deadline.stop()
        if self._dirty:
            self._dirty = False
            self.dirtyChanged.emit(False)
