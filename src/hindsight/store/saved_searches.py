"""Saved searches: a name and a query, kept in the database so every window sees them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hindsight.core.links import SavedSearch
from hindsight.store.database import Database
from hindsight.store.errors import NotFoundError
from hindsight.store.models.search import SavedSearchRow

Clock = Callable[[], datetime]


class DuplicateNameError(ValueError):
    """Another saved search has this name (compared without case)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _to_saved(row: SavedSearchRow) -> SavedSearch:
    return SavedSearch(row.id, row.name, row.query, row.created_at, row.updated_at)


def _name_taken(session: Session, name: str, other_than: int | None = None) -> bool:
    query = select(SavedSearchRow.id).where(func.lower(SavedSearchRow.name) == name.lower())
    if other_than is not None:
        query = query.where(SavedSearchRow.id != other_than)
    return session.scalar(query) is not None


class SavedSearchRepository:
    """Reads and writes saved searches in one database."""

    def __init__(self, database: Database, clock: Clock = _utc_now) -> None:
        self.database = database
        self.clock = clock

    def all(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        with self.database.read() as session:
            rows = session.scalars(
                select(SavedSearchRow).order_by(func.lower(SavedSearchRow.name))
            ).all()
            return [_to_saved(row) for row in rows]

    def add(self, name: str, query: str) -> SavedSearch:
        """Keep `query` under `name`; DuplicateNameError when the name is taken."""
        now = self.clock()
        with self.database.write() as session:
            if _name_taken(session, name):
                raise DuplicateNameError(name)
            row = SavedSearchRow(name=name, query=query, created_at=now, updated_at=now)
            session.add(row)
            try:
                session.flush()
            except IntegrityError as error:
                raise DuplicateNameError(name) from error
            return _to_saved(row)

    def update(
        self, search_id: int, *, name: str | None = None, query: str | None = None
    ) -> SavedSearch:
        """Rename a saved search or change its query; NotFoundError when it is gone."""
        with self.database.write() as session:
            row = session.get(SavedSearchRow, search_id)
            if row is None:
                raise NotFoundError("That saved search no longer exists.")
            if name is not None:
                if _name_taken(session, name, other_than=search_id):
                    raise DuplicateNameError(name)
                row.name = name
            if query is not None:
                row.query = query
            row.updated_at = max(self.clock(), row.updated_at)
            try:
                session.flush()
            except IntegrityError as error:
                raise DuplicateNameError(row.name) from error
            return _to_saved(row)

    def remove(self, search_id: int) -> None:
        """Delete a saved search; NotFoundError when it is gone already."""
        with self.database.write() as session:
            row = session.get(SavedSearchRow, search_id)
            if row is None:
                raise NotFoundError("That saved search no longer exists.")
            session.delete(row)

    def by_name(self, name: str) -> SavedSearch:
        """The saved search called `name` (without regard to case)."""
        with self.database.read() as session:
            row = session.scalar(
                select(SavedSearchRow).where(func.lower(SavedSearchRow.name) == name.lower())
            )
            if row is None:
                raise NotFoundError(f"There is no saved search called “{name}”.")
            return _to_saved(row)
