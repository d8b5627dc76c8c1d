"""Hearing other clients' changes to a team database: LISTEN on the channel the triggers of
migration 0008 notify, on a connection of its own, in a thread of its own.

Notifications arrive when the writer's transaction commits. They are gathered for a moment
(a save of one incident sends one, an import thousands) and handed on in one batch, leaving
out those sent by this client's own connections: its own changes are announced by the
services that made them. When the connection breaks (a server restart, a network loss) the
listener says so, reconnects with growing pauses, and once back reports that anything may
have changed meanwhile, since notifications sent while it was away are lost.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hindsight.store.postgres import APPLICATION_NAME, CONNECT_TIMEOUT_S
from hindsight.store.postgres_errors import classify_server_error
from hindsight.store.postgres_url import ServerAddress

log = logging.getLogger(__name__)

CHANNEL = "hindsight_changes"
GATHER_S = 0.05  # notifications arriving this close together are handed on as one batch
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)  # pauses between tries to reconnect
MANY = 5000  # past this many in one batch, say "everything" instead of listing them


@dataclass
class Heard:
    """One batch of other clients' changes: incident ids by kind of change."""

    kinds: dict[str, set[int]] = field(default_factory=dict)
    saved_searches: bool = False
    everything: bool = False  # the listener was away, or too much changed to list

    def add(self, payload: str) -> None:
        """Take one notification's payload ("i:12", "s" ...)."""
        kind, _, value = payload.partition(":")
        if kind == "s":
            self.saved_searches = True
        elif value.isdigit():
            self.kinds.setdefault(kind, set()).add(int(value))

    def __bool__(self) -> bool:
        return bool(self.kinds or self.saved_searches or self.everything)


class ChangeListener:
    """Listens for change notifications of one team database until stopped."""

    def __init__(
        self,
        address: ServerAddress,
        heard: Callable[[Heard], None],
        own: Callable[[], frozenset[int]] = frozenset,
        state: Callable[[bool, str], None] | None = None,
    ) -> None:
        self.address = address
        self._heard = heard
        self._own = own
        self._state = state or (lambda _up, _message: None)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()  # set while LISTEN is in force

    def start(self) -> None:
        """Begin listening in a background thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="hindsight-listen", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening and wait (a moment at most) for the thread to end."""
        self._stop.set()
        # Whoever was told must not be told any more, even by a thread still connecting
        # (its owner, a window, may be gone once this returns).
        self._state = lambda _up, _message: None
        self._heard = lambda _batch: None
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _tell(self, callback: Callable[..., None], *args: object) -> None:
        """Pass news on; a receiver that is gone (a Qt signal of a window deleted without
        closing its workspace raises RuntimeError) ends the listening instead of the thread
        dying with an unhandled error."""
        try:
            callback(*args)
        except RuntimeError:
            log.warning("nobody hears the changes of %s any more", self.address, exc_info=True)
            self._stop.set()

    def _connect(self):  # -> psycopg.Connection
        import psycopg

        connection = psycopg.connect(
            self.address.url(),
            autocommit=True,
            application_name=f"{APPLICATION_NAME}-listen",
            connect_timeout=CONNECT_TIMEOUT_S,
        )
        connection.execute(f"LISTEN {CHANNEL}")
        return connection

    def _run(self) -> None:
        failures = 0
        was_up: bool | None = None
        while not self._stop.is_set():
            try:
                connection = self._connect()
            except Exception as error:
                if was_up is not False:
                    self._tell(self._state, False, _describe(error, self.address))
                was_up = False
                pause = BACKOFF_S[min(failures, len(BACKOFF_S) - 1)]
                failures += 1
                self._stop.wait(pause)
                continue
            failures = 0
            self.listening.set()
            if was_up is False:
                # Whatever was sent while we were away is lost: every view reads again.
                self._tell(self._state, True, "")
                self._tell(self._heard, Heard(everything=True))
            was_up = True
            try:
                self._listen(connection)
            except Exception as error:
                self.listening.clear()
                if self._stop.is_set():
                    break
                log.info("lost the change notifications of %s: %s", self.address, error)
                self._tell(self._state, False, _describe(error, self.address))
                was_up = False
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):  # already broken
                    connection.close()

    def _listen(self, connection) -> None:  # type: ignore[no-untyped-def]
        while not self._stop.is_set():
            batch = Heard()
            count = 0
            deadline: float | None = None
            while not self._stop.is_set():
                wait = 0.5 if deadline is None else max(0.0, deadline - time.monotonic())
                got = False
                for notify in connection.notifies(timeout=wait, stop_after=1):
                    got = True
                    if notify.pid in self._own():
                        continue
                    count += 1
                    batch.add(notify.payload)
                    if deadline is None:
                        deadline = time.monotonic() + GATHER_S
                if deadline is not None and (not got or time.monotonic() >= deadline):
                    break
                if not got and deadline is None:
                    # A quiet moment: check the connection still stands (a restart closes it).
                    connection.execute("SELECT 1")
            if count > MANY:
                batch = Heard(everything=True)
            if batch:
                self._tell(self._heard, batch)


def _describe(error: BaseException, address: ServerAddress) -> str:
    translated = classify_server_error(error, address.display)
    return str(translated) if translated is not None else f"{address.display}: {error}"
