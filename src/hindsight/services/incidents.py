"""Incident use cases: list, open, create, save, delete."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from hindsight.core.enums import Phase, Severity
from hindsight.core.incident import Incident, IncidentSummary
from hindsight.core.keys import key_problem
from hindsight.core.record_rules import record_problems
from hindsight.core.review import ReviewStatus
from hindsight.services.changes import ChangeFeed, Changes
from hindsight.services.errors import ValidationError
from hindsight.store.record_reader import RecordReader

if TYPE_CHECKING:
    from hindsight.store.database import Database
    from hindsight.store.incidents import IncidentRepository

MAX_TITLE = 500


class IncidentService:
    """What the UI and CLI may do with incidents."""

    def __init__(
        self,
        repository: IncidentRepository | Callable[[], IncidentRepository],
        progress: Callable[[Incident], int] = lambda incident: 0,
        feed: ChangeFeed | None = None,
        *,
        database: Database | None = None,
    ) -> None:
        """`repository` may be a function that makes it: then it is made (with the ORM) on
        first use, and `database` names the database the plain reader reads."""
        self._progress = progress
        self.feed = feed or ChangeFeed()
        self._repository: IncidentRepository | None = None
        self._make_repository: Callable[[], IncidentRepository] | None = None
        self._lock = threading.Lock()
        if callable(repository):
            if database is None:
                raise TypeError("a repository made on first use needs its database")
            self._make_repository = repository
        else:
            self._repository = repository
            database = repository.database
        # Opening an incident reads it with plain SQL on a SQLite file (a tenth of the ORM's
        # time, and no ORM to load); writes, and other databases, go through the repository.
        self._reader = RecordReader(database.path) if database.dialect == "sqlite" else None

    @property
    def repository(self) -> IncidentRepository:
        """The incident repository (made on first use when it was given as a function)."""
        repository = self._repository
        if repository is None:
            with self._lock:
                if self._repository is None:
                    assert self._make_repository is not None
                    self._repository = self._make_repository()
                repository = self._repository
        return repository

    def summaries(self) -> list[IncidentSummary]:
        """The rows of the incident list."""
        return self.repository.list_summaries()

    def count(self) -> int:
        """How many incidents the database holds."""
        return self.repository.count()

    def get(self, incident_id: int) -> Incident:
        """One incident's full record."""
        if self._reader is not None:
            return self._reader.get(incident_id)
        return self.repository.get(incident_id)

    def team_names(self) -> list[str]:
        """Every team name used in any incident, sorted."""
        if self._reader is not None:
            return self._reader.team_names()
        from hindsight.store.incidents import team_names_in_use

        return team_names_in_use(self.repository.database)

    def get_by_key(self, key: str) -> Incident:
        """One incident's full record, by its human key."""
        return self.repository.get_by_key(key)

    def create(
        self,
        title: str,
        *,
        severity: Severity = Severity.SEV3,
        phase: Phase = Phase.DETECTION,
    ) -> Incident:
        """A new incident with a title; everything else is filled in later."""
        return self._created(
            self.repository.create(
                self._checked(Incident(title=title, severity=severity, phase=phase))
            )
        )

    def add(self, incident: Incident) -> Incident:
        """Store a complete new incident (demo data, imports)."""
        return self._created(self.repository.create(self._checked(incident)))

    def _created(self, stored: Incident) -> Incident:
        self.feed.record(Changes.of(incidents=[stored.id]))
        return stored

    def save(self, incident: Incident, *, overwrite: bool = False) -> Incident:
        """Save an edited incident; ConflictError when it changed elsewhere meanwhile.

        A published review is read-only: reopen it (ReviewService.move) before editing.
        """
        if incident.id is not None:
            stored_status = self.repository.stored_review_status(incident.id)
            if stored_status is ReviewStatus.PUBLISHED:
                raise ValidationError(
                    f"{incident.key} is published and read-only; reopen its review to edit it."
                )
        stored = self.repository.save(self._checked(incident), overwrite=overwrite)
        self.feed.record(Changes.of(incidents=[stored.id]))
        return stored

    def delete(self, incident_id: int) -> None:
        """Remove an incident for good."""
        self.repository.delete(incident_id)
        self.feed.record(Changes.of(removed=[incident_id]))

    def _checked(self, incident: Incident) -> Incident:
        if len(incident.title) > MAX_TITLE:
            raise ValidationError(f"The title is longer than {MAX_TITLE} characters; shorten it.")
        if not incident.title.strip():
            # An import refuses a record without a title: none is stored (an export of it
            # could not be brought back).
            raise ValidationError("The incident needs a title; write one on the Overview tab.")
        problem = key_problem(incident.key) if incident.key else None
        if problem:
            raise ValidationError(f"The key {problem}.")
        found = record_problems(incident)
        if found:
            raise ValidationError(" ".join(found))
        incident.review_progress = self._progress(incident)
        return incident

    def close(self) -> None:
        """Release the plain reader's connection (the workspace closes the database)."""
        if self._reader is not None:
            self._reader.close()
