"""Reading and writing the history of incidents (table incident_history, migration 0008)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hindsight.store.database import Database
from hindsight.store.models.history import IncidentHistoryRow


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field's value before and after a change (plain JSON values; None when absent)."""

    part: str  # the record's top-level field: title, events, answers ...
    field: str  # where in it: "title", "events[12].text", "answers.q_detect"
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One stored change of an incident: who, when, what kind, and each field changed."""

    id: int
    incident_id: int
    at: datetime
    author: str
    action: str  # created, saved, review
    version: int
    changes: tuple[FieldChange, ...]


def _entry(row: IncidentHistoryRow) -> HistoryEntry:
    changes = tuple(
        FieldChange(str(c["part"]), str(c["field"]), c.get("before"), c.get("after"))
        for c in row.changes or ()
        if isinstance(c, dict)
    )
    return HistoryEntry(
        row.id, row.incident_id, row.at, row.author, row.action, row.version, changes
    )


class HistoryRepository:
    """The history table of one database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @staticmethod
    def add(
        session: Session,
        incident_id: int,
        *,
        at: datetime,
        author: str,
        action: str,
        version: int,
        changes: Sequence[FieldChange],
    ) -> None:
        """Add an entry inside the caller's transaction (the change's own)."""
        session.add(
            IncidentHistoryRow(
                incident_id=incident_id,
                at=at,
                author=author,
                action=action,
                version=version,
                changes=[
                    {"part": c.part, "field": c.field, "before": c.before, "after": c.after}
                    for c in changes
                ],
            )
        )

    def entries(self, incident_id: int, limit: int | None = None) -> list[HistoryEntry]:
        """The incident's history, newest first (at most `limit` entries)."""
        statement = (
            select(IncidentHistoryRow)
            .where(IncidentHistoryRow.incident_id == incident_id)
            .order_by(IncidentHistoryRow.id.desc())
        )
        if limit is not None:
            statement = statement.limit(limit)
        with self.database.read() as session:
            return [_entry(row) for row in session.scalars(statement)]

    def authors(self, incident_id: int) -> list[str]:
        """Everyone who changed the incident, in the order they first did."""
        with self.database.read() as session:
            names = session.scalars(
                select(IncidentHistoryRow.author)
                .where(IncidentHistoryRow.incident_id == incident_id)
                .order_by(IncidentHistoryRow.id)
            )
            return list(dict.fromkeys(names))
