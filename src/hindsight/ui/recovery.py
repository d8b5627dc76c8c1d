"""Writing the recovery journal a moment after each edit, off the GUI thread.

At most every JOURNAL_DELAY_MS the editor's record is pickled (on the GUI thread: a few
milliseconds) and written by a worker, so a crash loses at most the last fraction of a second
of typing. Writes of one database run one at a time, in order, so an older copy never lands
after a newer one.
"""

from __future__ import annotations

import logging
import pickle

from PySide6.QtCore import QObject, QThreadPool, QTimer

from hindsight.core.incident import Incident
from hindsight.services.recovery import RecoverySession, RecoveryStore
from hindsight.ui.operations import Operations

log = logging.getLogger(__name__)
JOURNAL_DELAY_MS = 200


class RecoveryJournal(QObject):
    """Keeps the edited record of one database on disk until it is stored."""

    def __init__(self, store: RecoveryStore, ops: Operations, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self._ops = ops
        self._pending: Incident | None = None
        self._timer = QTimer(self, singleShot=True, interval=JOURNAL_DELAY_MS)
        self._timer.timeout.connect(self._write)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._session: RecoverySession | None = None  # made by the writer, on first use
        self.failed = False  # the last write failed (a full disk, say)

    def _session_now(self) -> RecoverySession:
        # Runs on the writer thread: the session folder and its lock are made there.
        if self._session is None:
            self._session = self.store.open_session()
        return self._session

    def keep(self, incident: Incident) -> None:
        """The editor's record changed: write it soon (not later than the delay)."""
        if incident.id is None:
            return
        self._pending = incident
        if not self._timer.isActive():
            self._timer.start()

    def _write(self) -> None:
        incident, self._pending = self._pending, None
        if incident is None:
            return
        # Only the pickling half of a copy runs here (3 ms for 200 events): the writer
        # unpickles its own copy, so the GUI thread pays half of a clone() per write.
        frozen = pickle.dumps(incident, protocol=pickle.HIGHEST_PROTOCOL)
        self._ops.submit(
            lambda: self._session_now().write(pickle.loads(frozen)),
            done=self._written,
            failed=self._not_written,
            owner=self,
            pool=self._writer,
        )

    def _written(self, _path: object) -> None:
        self.failed = False

    def _not_written(self, error: Exception) -> None:
        # The edits are still in the editor and autosave goes on; only the safety net is gone.
        self.failed = True
        log.warning("recovery journal not written: %s", error)

    def forget(self, incident: Incident) -> None:
        """Every edit of `incident` is stored: drop its journal (after pending writes)."""
        if incident.id is None:
            return
        incident_id = incident.id
        if self._pending is not None and self._pending.id == incident_id:
            self._pending = None
            self._timer.stop()
        self._ops.submit(
            lambda: self._session_now().remove(incident_id),
            owner=self,
            failed=self._not_written,
            pool=self._writer,
        )

    def flush_now(self) -> None:
        """Write what is pending at once (the window is closing)."""
        if self._timer.isActive():
            self._timer.stop()
            self._write()

    def close(self, msecs: int = 5000) -> None:
        """Write what is pending, wait for it, and end the session (the window is closing).

        Files of edits still unsaved stay, for the next start to offer back.
        """
        self.flush_now()
        self._writer.waitForDone(msecs)
        if self._session is not None:
            self._session.close()
            self._session = None
