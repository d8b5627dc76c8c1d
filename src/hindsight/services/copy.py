"""Copying a whole database between a file and a team database, all or nothing.

`hindsight copy --from PATH_OR_URL --to PATH_OR_URL` and the tests use it. Every table of the
schema is copied row by row as stored (ids, versions and times kept), parents before
children, in one transaction on the destination: a failure leaves a new file absent and a
team database as empty as it was. The destination must be new or empty, at the same schema
as the source (a file is created; a team database is made with `hindsight db upgrade`).
The JSON exchange format stays the way between versions of Hindsight.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from hindsight.services.errors import ValidationError
from hindsight.store.database import Database
from hindsight.store.models import Base
from hindsight.store.postgres_url import ServerAddress, Target, target_from

CHUNK = 2000  # rows read and written at a time

# What the counts are called for people (tables not listed are counted under their name).
LABELS = {
    "incidents": "incidents",
    "timeline_events": "timeline events",
    "milestones": "milestones",
    "role_assignments": "role assignments",
    "team_involvements": "teams involved",
    "review_answers": "review answers",
    "change_attributions": "change attributions",
    "review_transitions": "review status changes",
    "followups": "follow-ups",
    "followup_status_changes": "follow-up status changes",
    "data_accesses": "data accesses",
    "data_access_revisions": "data access revisions",
    "ethics_answers": "ethics answers",
    "incident_links": "links",
    "saved_searches": "saved searches",
    "incident_history": "history entries",
    "sequences": "counters",
}


@dataclass(frozen=True)
class CopyReport:
    """How many rows of each table were copied, and between which databases."""

    source: str
    destination: str
    counts: dict[str, int]

    @property
    def incidents(self) -> int:
        """How many incidents were copied."""
        return self.counts.get("incidents", 0)

    def summary(self) -> str:
        """One line: what was copied where."""
        parts = [f"{n:,} {LABELS.get(table, table)}" for table, n in self.counts.items() if n]
        what = ", ".join(parts) if parts else "nothing (the source is empty)"
        return f"Copied {what} from {self.source} to {self.destination}."


def _open_source(target: Target) -> Database:
    if isinstance(target, Path) and not target.exists():
        raise ValidationError(f"There is no database at {target}; check the path.")
    return Database.open(target, create=False)


def _incident_count(connection: Connection) -> int:
    return int(connection.execute(text("SELECT count(*) FROM incidents")).scalar_one())


def copy_database(
    source: Target | str,
    destination: Target | str,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy everything in `source` into the new or empty `destination` (StoreError,
    ValidationError); `progress(table, rows so far)` is told as it goes."""
    source = target_from(source)
    destination = target_from(destination)
    if source == destination:
        raise ValidationError("The source and the destination are the same database.")
    created: Path | None = None
    reader = _open_source(source)
    try:
        if isinstance(destination, Path):
            destination = destination.expanduser().absolute()
            if destination.exists():
                writer = Database.open(destination, create=False)
            else:
                from hindsight.store.database import create_database_file

                create_database_file(destination)
                created = destination
                writer = Database.open(destination, create=False)
        else:
            writer = Database.open(destination)
        try:
            counts = _copy(reader, writer, progress)
        finally:
            writer.close()
    except BaseException:
        if created is not None:
            for leftover in (created, *(Path(f"{created}{s}") for s in ("-wal", "-shm"))):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        raise
    finally:
        reader.close()
    return CopyReport(reader.location, writer.location, counts)


def _copy(
    reader: Database, writer: Database, progress: Callable[[str, int], None] | None
) -> dict[str, int]:
    source_revision, target_revision = reader.schema_revision(), writer.schema_revision()
    if source_revision != target_revision:
        raise ValidationError(
            f"{reader.location} is at schema {source_revision} and {writer.location} at "
            f"{target_revision}; copy between databases of the same version (upgrade the "
            "older one first), or move incidents with export and import."
        )
    counts: dict[str, int] = {}
    with reader.read() as read_session, writer.write() as write_session:
        source = read_session.connection()
        target = write_session.connection()
        held = _incident_count(target)
        if held:
            raise ValidationError(
                f"{writer.location} already holds {held} incidents; copy only into a new or "
                "empty database. Nothing was copied."
            )
        for table in Base.metadata.sorted_tables:
            if table.name == "sequences":
                # An empty database may hold a counter of its own: the source's replaces it.
                target.execute(table.delete())
            copied = 0
            order = list(table.primary_key.columns) or list(table.columns)
            rows = source.execution_options(yield_per=CHUNK).execute(select(table).order_by(*order))
            for chunk in rows.partitions(CHUNK):
                target.execute(table.insert(), [dict(row._mapping) for row in chunk])
                copied += len(chunk)
                if progress is not None:
                    progress(table.name, copied)
            counts[table.name] = copied
        if writer.dialect == "postgresql":
            _advance_sequences(target)
    return counts


def _advance_sequences(connection: Connection) -> None:
    # Rows came with their ids: each table's id sequence must continue after the highest.
    for table in Base.metadata.sorted_tables:
        column = table.columns.get("id")
        if column is None or not column.primary_key:
            continue
        highest = connection.execute(select(func.max(column))).scalar()
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar()
        if sequence is not None:
            connection.execute(
                text("SELECT setval(:sequence, :value, :called)"),
                {"sequence": sequence, "value": highest or 1, "called": highest is not None},
            )


def describe(target: Target) -> str:
    """How a database is named in messages (an address never shows its password)."""
    return target.display if isinstance(target, ServerAddress) else str(target)
