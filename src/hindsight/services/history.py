"""Who did what: every stored change of an incident, with its author and each field's before
and after, written in the same transaction as the change itself.

The record's repository calls `HistoryService.record` from inside its write (a write hook),
so a change and its history entry are stored together or not at all. The diff works on the
record's plain form (core/plain.py), so fields added to the incident later are followed
without changes here. The author is the workspace's display name (set once by the user, the
OS user name by default; see `display_name`).
"""

from __future__ import annotations

import getpass
import os
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hindsight.core.incident import Incident
from hindsight.core.plain import to_plain
from hindsight.preferences import load_section, save_section
from hindsight.services.changes import Changes
from hindsight.services.errors import ConflictError, ValidationError
from hindsight.services.incidents import IncidentService

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hindsight.store.history import FieldChange, HistoryEntry, HistoryRepository
    from hindsight.store.incidents import IncidentRepository

MAX_AUTHOR = 200
IDENTITY = "identity"  # the preferences section of the display name
# Bookkeeping of the record, not what a person changed.
_NOT_CHANGES = frozenset({"id", "key", "version", "created_at", "updated_at", "review_progress"})


def default_author() -> str:
    """The display name before the user sets one: the operating system's user name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, no USER variable
        name = os.environ.get("USERNAME", "")
    return name.strip()[:MAX_AUTHOR] or "unknown"


def display_name() -> str:
    """The name saves are recorded under: the one the user set, else the OS user name."""
    stored = load_section(IDENTITY).get("display_name")
    if isinstance(stored, str) and stored.strip():
        return stored.strip()[:MAX_AUTHOR]
    return default_author()


def set_display_name(name: str) -> str:
    """Keep `name` as the user's display name (empty: back to the OS user name); returns it.

    ValidationError, naming the field, for a name that could not be shown in a history line.
    """
    name = " ".join(name.split())
    if len(name) > MAX_AUTHOR:
        raise ValidationError(
            f"Display name: {len(name)} characters is too long; use at most {MAX_AUTHOR}."
        )
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") for char in name):
        raise ValidationError(
            "Display name: it contains invisible or control characters; type it again without them."
        )
    values = load_section(IDENTITY)
    if name:
        values["display_name"] = name
    else:
        values.pop("display_name", None)
    save_section(IDENTITY, values)  # WriteProblem (naming the file) if it cannot be written
    return display_name()


def _as_map(value: Any) -> dict[str, Any] | None:
    """A plain value that is a collection of named parts, by name; None for anything else.

    Dicts come out of to_plain as [[key, value], ...] (milestones, answers, attributions);
    lists of records with ids (timeline events, roles, teams) are taken by id. Other lists
    (tags, systems) compare whole.
    """
    if not isinstance(value, list):
        return None
    if not value:
        return {}
    if all(isinstance(p, list) and len(p) == 2 for p in value):
        return {str(k): v for k, v in value}
    if all(isinstance(i, dict) and i.get("id") is not None for i in value):
        return {str(item["id"]): item for item in value}
    return None


def diff(before: Incident | None, after: Incident) -> list[FieldChange]:
    """What a person changed from `before` to `after`, field by field (nothing for a new one)."""
    if before is None:
        return []
    old, new = to_plain(before), to_plain(after)
    from hindsight.store.history import FieldChange  # with the ORM: only writes diff

    changes: list[FieldChange] = []
    for part, b in new.items():
        a = old.get(part)
        if part in _NOT_CHANGES or a == b:
            continue
        left, right = _as_map(a), _as_map(b)
        if left is None or right is None or not (left or right):
            changes.append(FieldChange(part, part, a, b))
            continue
        for key in [*left, *(k for k in right if k not in left)]:
            if left.get(key) != right.get(key):
                field = f"{part}[{key}]" if key.isdigit() else f"{part}.{key}"
                changes.append(FieldChange(part, field, left.get(key), right.get(key)))
    return changes


class HistoryService:
    """Writes an entry for every stored change of an incident; reads them back."""

    def __init__(
        self,
        repository: HistoryRepository,
        author: Callable[[], str],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repository = repository
        self._author = author
        self._clock = clock

    def install(self, incidents: IncidentRepository) -> None:
        """Record every change `incidents` writes, in the same transaction."""
        incidents.write_hooks.append(self.record)

    def record(
        self, session: Session, action: str, before: Incident | None, after: Incident
    ) -> None:
        """Add the history entry of one change (a write hook of the incident repository)."""
        if after.id is None:
            return
        from hindsight.store.history import HistoryRepository

        HistoryRepository.add(
            session,
            after.id,
            at=self._clock(),
            author=self._author()[:MAX_AUTHOR] or "unknown",
            action=action,
            version=after.version,
            changes=diff(before, after),
        )

    def entries(self, incident_id: int, limit: int | None = None) -> list[HistoryEntry]:
        """The incident's history, newest first."""
        return self.repository.entries(incident_id, limit)

    def latest(self, incident_id: int) -> HistoryEntry | None:
        """The newest change of the incident, if any was recorded."""
        found = self.repository.entries(incident_id, limit=1)
        return found[0] if found else None


class AttributedIncidentService(IncidentService):
    """Incident saves that say who saved the other version when they conflict.

    A save refused as a conflict whose content is already what is stored is not a conflict:
    it is our own save that reached the database before the connection dropped (a retry
    after reconnecting), so it is taken as saved, not saved a second time.
    """

    # The workspace's history service, asked for only when a conflict needs its author.
    history_source: Callable[[], HistoryService]

    @property
    def history(self) -> HistoryService:
        """Who changed what (made on first use by the workspace)."""
        return self.history_source()

    @history.setter
    def history(self, service: HistoryService) -> None:
        self.history_source = lambda: service

    def save(self, incident: Incident, *, overwrite: bool = False) -> Incident:
        """Save an edited incident; a ConflictError says who saved the other version, when."""
        from hindsight.services.recovery import same_content

        try:
            return super().save(incident, overwrite=overwrite)
        except ConflictError as error:
            if incident.id is None:
                raise
            stored = self.repository.get(incident.id)
            if same_content(stored, incident):
                self.feed.record(Changes.of(incidents=[stored.id]))
                return stored
            last = self.history.latest(incident.id)
            if last is not None:
                error.changed_by, error.changed_at = last.author, last.at
            raise
