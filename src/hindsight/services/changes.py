"""What a use case changed, and where that news goes.

Every service that writes records what it changed on the workspace's ChangeFeed. The GUI's
operation runner gathers what one operation recorded and announces it once, after the
operation, so each view decides for itself whether what it shows is touched (the shape of
Anki's OpChanges). Changes made outside an operation (a command-line tool, another client of
a shared database) reach the feed's listeners at once.

Qt-free: the command line writes through the same services and nobody listens.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

Listener = Callable[["Changes"], None]


def _ids(values: Iterable[int | None]) -> frozenset[int]:
    return frozenset(value for value in values if value is not None)


@dataclass(frozen=True, slots=True)
class Changes:
    """Which records a write touched, by incident id."""

    incidents: frozenset[int] = field(default_factory=frozenset)  # saved or created records
    removed: frozenset[int] = field(default_factory=frozenset)  # deleted incidents
    followups: frozenset[int] = field(default_factory=frozenset)  # their follow-ups changed
    privacy: frozenset[int] = field(default_factory=frozenset)  # their privacy record changed
    everything: bool = False  # too much to say (an import): every view reloads
    links: frozenset[int] = field(default_factory=frozenset)  # their links to others changed
    saved_searches: bool = False  # a saved search was added, renamed or removed
    attachments: frozenset[int] = field(default_factory=frozenset)  # their pictures changed

    @classmethod
    def of(
        cls,
        *,
        incidents: Iterable[int | None] = (),
        removed: Iterable[int | None] = (),
        followups: Iterable[int | None] = (),
        privacy: Iterable[int | None] = (),
        everything: bool = False,
        links: Iterable[int | None] = (),
        saved_searches: bool = False,
        attachments: Iterable[int | None] = (),
    ) -> Changes:
        """Changes from any iterables of ids (None ids are left out)."""
        return cls(
            _ids(incidents),
            _ids(removed),
            _ids(followups),
            _ids(privacy),
            everything=everything,
            links=_ids(links),
            saved_searches=saved_searches,
            attachments=_ids(attachments),
        )

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.incidents | other.incidents,
            self.removed | other.removed,
            self.followups | other.followups,
            self.privacy | other.privacy,
            everything=self.everything or other.everything,
            links=self.links | other.links,
            saved_searches=self.saved_searches or other.saved_searches,
            attachments=self.attachments | other.attachments,
        )

    def __bool__(self) -> bool:
        return bool(
            self.everything
            or self.incidents
            or self.removed
            or self.followups
            or self.privacy
            or self.links
            or self.saved_searches
            or self.attachments
        )

    @property
    def incident_list(self) -> bool:
        """True when the incident list may show something else now."""
        return bool(self.everything or self.incidents or self.removed)

    @property
    def any_followups(self) -> bool:
        """True when follow-ups, or what their attention rules read, may have changed."""
        # Deleting an incident deletes its items; saving one may publish its review.
        return bool(self.everything or self.followups or self.removed or self.incidents)

    def touches(self, incident_id: int | None) -> bool:
        """True when anything recorded of `incident_id` may have changed."""
        if incident_id is None:
            return False
        return self.everything or any(
            incident_id in ids
            for ids in (
                self.incidents,
                self.removed,
                self.followups,
                self.privacy,
                self.links,
                self.attachments,
            )
        )


class ChangeFeed:
    """Collects what services changed and hands it to listeners."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._local = threading.local()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(changes)` for changes made outside a gathering; returns unsubscribe."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def record(self, changes: Changes) -> None:
        """A service changed `changes` (after its transaction committed)."""
        if not changes:
            return
        gathering: list[Changes] | None = getattr(self._local, "gathering", None)
        if gathering is not None:
            gathering.append(changes)
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(changes)

    @contextmanager
    def gather(self) -> Iterator[list[Changes]]:
        """Keep what this thread records inside the block, instead of announcing it."""
        outer = getattr(self._local, "gathering", None)
        gathered: list[Changes] = []
        self._local.gathering = gathered
        try:
            yield gathered
        finally:
            self._local.gathering = outer
            if outer is not None:
                outer.extend(gathered)


def merged(changes: Iterable[Changes]) -> Changes:
    """Everything in `changes` as one."""
    total = Changes()
    for change in changes:
        total = total | change
    return total
