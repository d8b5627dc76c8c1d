"""Operations: service calls run off the GUI thread, their results delivered back on it.

The GUI thread paints and reacts; it never waits on the database or a file. Every view asks
the window's `Operations` to run a call:

    ops.run(lambda ws: ws.incidents.get(incident_id), self.show, owner=self, what="open")

- Calls on the database run one at a time, in the order they were asked, on one worker
  thread (the "database lane"): a save asked before a read is done before it, and two
  writes never run at once.
- Long work that may take seconds (exports, imports, scans) runs on a pool with a `Task`
  that reports progress and can be cancelled.
- The result (or the error) comes back on the GUI thread, to the `done` (or `failed`)
  callback, unless the `owner` widget was destroyed meanwhile.
- What the call changed (the services record it on the workspace's ChangeFeed) is announced
  once, after `done`, on `changed(changes, initiator)`; each view decides whether it shows
  anything that changed, and the initiator can skip its own change.

Errors a user can meet (HindsightError) go to `failed`, or are shown in a message box naming
what could not be done. Anything else is a bug: logged with its traceback, then shown.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid

from hindsight.core.errors import HindsightError
from hindsight.ui import messages

if TYPE_CHECKING:
    from hindsight.services.changes import Changes
    from hindsight.services.workspace import Workspace

log = logging.getLogger(__name__)
T = TypeVar("T")


class Cancelled(Exception):
    """Raised inside long work when the user cancelled it."""


class Task(QObject):
    """A long piece of work: it reports progress and can be asked to stop."""

    progressed = Signal(int, int, str)  # done, total, what it is doing

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check (it raises Cancelled; nothing is kept)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled if the user asked to stop (call between steps of the work)."""
        if self._cancel.is_set():
            raise Cancelled

    def report(self, done: int, total: int, text: str = "") -> None:
        """Say how far the work is (from the worker thread; delivered on the GUI thread)."""
        self.check()
        self.progressed.emit(done, total, text)


@dataclass
class _Ticket:
    done: Callable[[Any], None] | None
    failed: Callable[[Exception], None] | None
    owner: QObject | None
    initiator: object
    what: str
    task: Task | None = None
    changes: list[Changes] = field(default_factory=list)


class _Relay(QObject):
    # Emitted on a worker thread; delivered to the GUI thread, where the relay lives.
    finished = Signal(int, bool, object)  # ticket, succeeded, result or error
    recorded = Signal(object)  # changes made outside any operation


class _Job(QRunnable):
    def __init__(
        self,
        number: int,
        work: Callable[[], Any],
        relay: _Relay,
        gather: Callable[[], Any] | None,
        ticket: _Ticket,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._number = number
        self._work = work
        self._relay = relay
        self._gather = gather
        self._ticket = ticket

    def run(self) -> None:
        try:
            if self._gather is None:
                result = self._work()
            else:
                with self._gather() as gathered:
                    result = self._work()
                self._ticket.changes.extend(gathered)
        except BaseException as error:  # handed to the GUI thread, never lost
            self._deliver(False, error)
        else:
            self._deliver(True, result)

    def _deliver(self, succeeded: bool, payload: object) -> None:
        # The window that asked may have closed while this ran (its runner, and the relay,
        # deleted): there is no one left to hand the result to, which is not an error.
        if not isValid(self._relay):
            log.info("finished after its window closed; result dropped")
            return
        try:
            self._relay.finished.emit(self._number, succeeded, payload)
        except RuntimeError:  # deleted between the check and the emit
            log.info("finished as its window closed; result dropped")


class Operations(QObject):
    """Runs the window's service calls off the GUI thread."""

    changed = Signal(object, object)  # Changes, the initiator (or None)
    busyChanged = Signal(bool)  # True while any call is queued or running

    def __init__(self, workspace: Workspace | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace: Workspace | None = None
        self._unsubscribe: Callable[[], None] | None = None
        # One thread for the database: calls run one at a time, in the order asked.
        self._lane = QThreadPool(self)
        self._lane.setMaxThreadCount(1)
        self._lane.setExpiryTimeout(-1)
        # Reads of the incident list run beside it, on their own connection: scrolling and
        # filtering never wait behind a save. (Its changes are announced after they commit.)
        self._reader = QThreadPool(self)
        self._reader.setMaxThreadCount(1)
        self._reader.setExpiryTimeout(-1)
        # Long work (exports, imports, scans) runs beside them.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finished)
        self._relay.recorded.connect(lambda changes: self.changed.emit(changes, None))
        self._tickets: dict[int, _Ticket] = {}
        self._shut = False  # after shutdown(): nothing new runs, and nothing is shown
        self._numbers = itertools.count(1)
        if workspace is not None:
            self.set_workspace(workspace)

    # The workspace

    @property
    def workspace(self) -> Workspace:
        """The open workspace (calls asked from now on run against it)."""
        if self._workspace is None:
            raise RuntimeError("no workspace is open")
        return self._workspace

    @property
    def has_workspace(self) -> bool:
        """True once a workspace is open."""
        return self._workspace is not None

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Run calls against `workspace` from now on (calls already asked keep theirs)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._workspace = workspace
        if workspace is not None:
            # Changes recorded outside an operation (another client of a shared database)
            # may arrive on any thread: the relay carries them to the GUI thread.
            self._unsubscribe = workspace.changes.subscribe(self._relay.recorded.emit)

    # Asking for work

    def run(
        self,
        work: Callable[[Workspace], T],
        done: Callable[[T], None] | None = None,
        *,
        owner: QObject | None = None,
        failed: Callable[[Exception], None] | None = None,
        initiator: object = None,
        what: str = "",
    ) -> None:
        """Call `work(workspace)` on the database lane; then `done(result)` on this thread."""
        workspace = self.workspace
        self.submit(
            lambda: work(workspace),
            done,
            owner=owner,
            failed=failed,
            initiator=initiator,
            what=what,
            gather=workspace.changes.gather,
        )

    def run_long(
        self,
        work: Callable[[Workspace, Task], T],
        done: Callable[[T], None] | None = None,
        *,
        owner: QObject | None = None,
        failed: Callable[[Exception], None] | None = None,
        initiator: object = None,
        what: str = "",
        on_database_lane: bool = False,
    ) -> Task:
        """Call `work(workspace, task)` on the pool (or the lane, for long writes)."""
        workspace = self.workspace
        task = Task(self)
        self.submit(
            lambda: work(workspace, task),
            done,
            owner=owner,
            failed=failed,
            initiator=initiator,
            what=what,
            gather=workspace.changes.gather,
            task=task,
            pool=self._lane if on_database_lane else self._pool,
        )
        return task

    def read(
        self,
        work: Callable[[], T],
        done: Callable[[T], None] | None = None,
        *,
        owner: QObject | None = None,
        failed: Callable[[Exception], None] | None = None,
        what: str = "",
    ) -> None:
        """Call `work()` on the reader lane (the incident list's own connection)."""
        self.submit(work, done, owner=owner, failed=failed, what=what, pool=self._reader)

    def submit(
        self,
        work: Callable[[], T],
        done: Callable[[T], None] | None = None,
        *,
        owner: QObject | None = None,
        failed: Callable[[Exception], None] | None = None,
        initiator: object = None,
        what: str = "",
        gather: Callable[[], Any] | None = None,
        task: Task | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        """Call `work()` on the database lane (or `pool`); the base of run() and run_long()."""
        if self._shut:
            # The window is closing: whatever asks now (a view refreshing on the last save)
            # has no one to answer, and its database is about to close.
            log.debug("not run after shutdown: %s", what or work)
            return
        number = next(self._numbers)
        ticket = _Ticket(done, failed, owner, initiator, what, task)
        was_idle = not self._tickets
        self._tickets[number] = ticket
        if was_idle:
            self.busyChanged.emit(True)
        (pool or self._lane).start(_Job(number, work, self._relay, gather, ticket))

    # State

    @property
    def busy(self) -> bool:
        """True while any call is queued, running, or not yet delivered."""
        return bool(self._tickets)

    def wait_for_lane(self, msecs: int = 30000) -> bool:
        """Block until the database lanes are empty (only at exit, when nothing may be lost)."""
        return self._lane.waitForDone(msecs) and self._reader.waitForDone(msecs)

    def shutdown(self, msecs: int = 30000) -> bool:
        """Finish queued calls and end every worker thread (the owner is closing).

        The lanes keep their threads for the life of the runner; a thread still parked in a
        pool when the interpreter exits would be torn down after Python is gone, which can
        crash the process. Long work is cancelled (it keeps nothing half done); database
        calls are finished.
        """
        self._shut = True
        self._pool.clear()
        for ticket in self._tickets.values():
            if ticket.task is not None:
                ticket.task.cancel()  # long work is all or nothing: stopping it keeps no half
        done = True
        for pool in (self._lane, self._reader, self._pool):
            done = pool.waitForDone(msecs) and done
        return done

    # Delivering

    def _finished(self, number: int, succeeded: bool, payload: object) -> None:
        ticket = self._tickets.pop(number, None)
        if ticket is None:
            return
        try:
            self._deliver(ticket, succeeded, payload)
        finally:
            if ticket.changes:
                from hindsight.services.changes import merged

                changes = merged(ticket.changes)
                if changes:
                    self.changed.emit(changes, ticket.initiator)
            if not self._tickets:
                self.busyChanged.emit(False)

    def _deliver(self, ticket: _Ticket, succeeded: bool, payload: object) -> None:
        alive = ticket.owner is None or isValid(ticket.owner)
        if succeeded:
            if ticket.done is not None and alive:
                ticket.done(payload)
            return
        error = payload if isinstance(payload, Exception) else RuntimeError(str(payload))
        if isinstance(error, Cancelled):
            return
        if self._shut:
            # Finished while the window closed: logged, never a box over a closed window.
            log.warning("after closing, could not %s: %s", ticket.what or "finish", error)
            return
        if ticket.failed is not None and alive:
            if isinstance(error, HindsightError):
                ticket.failed(error)
                return
            report_bug(error, ticket.what)
            ticket.failed(error)
            return
        if isinstance(error, HindsightError):
            title = f"Cannot {ticket.what}" if ticket.what else "Cannot do that"
            parent = ticket.owner if alive and _is_widget(ticket.owner) else None
            messages.show_error(parent, title, str(error))  # type: ignore[arg-type]
        else:
            report_bug(error, ticket.what)
            messages.show_error(None, "Unexpected error", bug_message(error))


def _is_widget(owner: QObject | None) -> bool:
    from PySide6.QtWidgets import QWidget

    return isinstance(owner, QWidget)


def report_bug(error: BaseException, what: str = "") -> None:
    """Keep a bug's traceback in the log."""
    log.error("unexpected error%s", f" while trying to {what}" if what else "", exc_info=error)


def error_message(error: BaseException) -> str:
    """What the user is told of a failure: a HindsightError in its own words, else a bug."""
    return str(error) if isinstance(error, HindsightError) else bug_message(error)


def bug_message(error: BaseException) -> str:
    """What the user is told of a bug: it happened, their saved work is safe, where to look."""
    from hindsight.paths import log_path

    try:
        where = f"The details are in {log_path()}."
    except HindsightError:  # the data folder itself is the problem
        where = "The data folder cannot be used, so the details could not be logged."
    return f"Hindsight hit an internal error: {error}.\nYour saved work is safe. {where}"
