"""The follow-up repository: plain `FollowUp` objects in, plain objects out.

Each item is saved on its own and carries its own version: a save or a move based on an older
version raises ConflictError instead of overwriting what another window saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from hindsight.core.followups import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Priority,
    StatusStep,
)
from hindsight.core.review import ReviewStatus
from hindsight.store.database import Database
from hindsight.store.errors import ConflictError, NotFoundError
from hindsight.store.models import IncidentRow, ReviewTransitionRow
from hindsight.store.models.followups import FollowUpRow, FollowUpStatusRow

Clock = Callable[[], datetime]

_COLUMNS = (
    FollowUpRow.id,
    FollowUpRow.incident_id,
    IncidentRow.key,
    FollowUpRow.title,
    FollowUpRow.description,
    FollowUpRow.owner,
    FollowUpRow.due_on,
    FollowUpRow.priority,
    FollowUpRow.kind,
    FollowUpRow.value,
    FollowUpRow.feasibility,
    FollowUpRow.tracker_url,
    FollowUpRow.speeds_troubleshooting,
    FollowUpRow.next_senior_review,
    FollowUpRow.created_at,
    FollowUpRow.updated_at,
    FollowUpRow.version,
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _label(key: str, title: str) -> str:
    return f"{key} follow-up “{title}”"


def _from_columns(row: Any, key: str, history: list[StatusStep]) -> FollowUp:
    return FollowUp(
        id=row.id,
        incident_id=row.incident_id,
        incident_key=key,
        title=row.title,
        description=row.description,
        owner=row.owner,
        due=row.due_on,
        history=history,
        priority=Priority(row.priority),
        kind=FollowUpKind(row.kind),
        value=row.value,
        feasibility=row.feasibility,
        tracker_url=row.tracker_url,
        speeds_troubleshooting=bool(row.speeds_troubleshooting),
        next_senior_review=row.next_senior_review,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _to_followup(row: FollowUpRow, key: str) -> FollowUp:
    history = [StatusStep(FollowUpStatus(h.status), h.reached_on) for h in row.history]
    return _from_columns(row, key, history)


def _write(row: FollowUpRow, item: FollowUp) -> None:
    row.title, row.description, row.owner = item.title, item.description, item.owner
    row.due_on, row.next_senior_review = item.due, item.next_senior_review
    row.priority, row.kind = item.priority.value, item.kind.value
    row.value, row.feasibility = item.value, item.feasibility
    row.tracker_url = item.tracker_url
    row.speeds_troubleshooting = item.speeds_troubleshooting
    row.status = item.status.value
    stored = [(FollowUpStatus(h.status), h.reached_on) for h in row.history]
    wanted = [(step.status, step.on) for step in item.history]
    if stored != wanted:
        # Histories are a handful of rows: replace them rather than match them up.
        row.history.clear()
        for status, on in wanted:
            row.history.append(FollowUpStatusRow(status=status.value, reached_on=on))


class FollowUpRepository:
    """Reads and writes follow-up items in one database."""

    def __init__(self, database: Database, clock: Clock = _utc_now) -> None:
        self.database = database
        self.clock = clock

    # Reading

    def items(self, incident_id: int | None = None) -> list[FollowUp]:
        """Every item (of one incident, when given), oldest first."""
        query = select(*_COLUMNS).join(IncidentRow, IncidentRow.id == FollowUpRow.incident_id)
        steps = select(
            FollowUpStatusRow.followup_id, FollowUpStatusRow.status, FollowUpStatusRow.reached_on
        )
        if incident_id is not None:
            query = query.where(FollowUpRow.incident_id == incident_id)
            steps = steps.join(FollowUpRow, FollowUpRow.id == FollowUpStatusRow.followup_id).where(
                FollowUpRow.incident_id == incident_id
            )
        steps = steps.order_by(
            FollowUpStatusRow.followup_id, FollowUpStatusRow.reached_on, FollowUpStatusRow.id
        )
        with self.database.read() as session:
            rows = session.execute(query.order_by(FollowUpRow.id)).all()
            histories: dict[int, list[StatusStep]] = {}
            for followup_id, status, reached_on in session.execute(steps):
                histories.setdefault(followup_id, []).append(
                    StatusStep(FollowUpStatus(status), reached_on)
                )
        return [_from_columns(row, row.key, histories.get(row.id, [])) for row in rows]

    def get(self, item_id: int) -> FollowUp:
        """One item."""
        with self.database.read() as session:
            row, key = self._load(session, item_id)
            return _to_followup(row, key)

    def current_version(self, item_id: int) -> int:
        """The version stored now, to tell whether a loaded copy went stale."""
        with self.database.read() as session:
            version = session.scalar(select(FollowUpRow.version).where(FollowUpRow.id == item_id))
        if version is None:
            raise NotFoundError(f"Follow-up {item_id} no longer exists.")
        return version

    def owners(self) -> list[str]:
        """Every owner named on some item, sorted without case."""
        with self.database.read() as session:
            names: Iterable[str] = session.scalars(select(FollowUpRow.owner).distinct())
            return sorted({n.strip() for n in names if n.strip()}, key=str.casefold)

    def published_on(self) -> dict[int, datetime]:
        """When each incident whose review is published now was last published."""
        query = (
            select(ReviewTransitionRow.incident_id, func.max(ReviewTransitionRow.at))
            .join(IncidentRow, IncidentRow.id == ReviewTransitionRow.incident_id)
            .where(
                ReviewTransitionRow.to_status == ReviewStatus.PUBLISHED.value,
                IncidentRow.review_status == ReviewStatus.PUBLISHED.value,
            )
            .group_by(ReviewTransitionRow.incident_id)
        )
        with self.database.read() as session:
            found = session.execute(query).all()
        # func.max bypasses the column type on some dialects: make sure the result is aware UTC.
        return {incident_id: _aware(at) for incident_id, at in found if at is not None}

    # Writing

    def create(self, item: FollowUp) -> FollowUp:
        """Store a new item; returns it with its id, incident key, times and version."""
        return self.create_many([item])[0]

    def create_many(self, items: Sequence[FollowUp]) -> list[FollowUp]:
        """Store new items in one transaction (demo data, imports)."""
        now = self.clock()
        stored: list[FollowUp] = []
        with self.database.write() as session:
            keys = dict(session.execute(select(IncidentRow.id, IncidentRow.key)).all())
            rows: list[FollowUpRow] = []
            for item in items:
                if item.incident_id not in keys:
                    raise NotFoundError(f"Incident {item.incident_id} no longer exists.")
                row = FollowUpRow(
                    incident_id=item.incident_id,
                    created_at=item.created_at or now,
                    updated_at=item.updated_at or item.created_at or now,
                )
                _write(row, item)
                session.add(row)
                rows.append(row)
            session.flush()
            stored = [_to_followup(row, keys[row.incident_id]) for row in rows]
        return stored

    def save(self, item: FollowUp, *, overwrite: bool = False) -> FollowUp:
        """Write the edited `item`; ConflictError if it was saved elsewhere meanwhile.

        With `overwrite`, the caller has seen the conflict and chosen to replace the newer
        version with theirs.
        """
        if item.id is None:
            raise ValueError("save() needs a stored follow-up; use create()")
        with self.database.write() as session:
            row, key = self._load(session, item.id)
            self._check_version(row, key, item.version, overwrite)
            _write(row, item)
            return self._finish(session, row, key, item.version)

    def move(self, item_id: int, value: int, feasibility: int, *, version: int) -> FollowUp:
        """Place an item in another cell; ConflictError unless `version` is the stored one."""
        with self.database.write() as session:
            row, key = self._load(session, item_id)
            self._check_version(row, key, version, overwrite=False)
            row.value, row.feasibility = value, feasibility
            return self._finish(session, row, key, version)

    def delete(self, item_id: int, *, version: int | None = None) -> int:
        """Remove an item and its history (only if still at `version`, when given).

        Returns the id of the incident it belonged to.
        """
        with self.database.write() as session:
            row, key = self._load(session, item_id)
            if version is not None:
                self._check_version(row, key, version, overwrite=False)
            incident_id = row.incident_id
            session.delete(row)
        return incident_id

    # Helpers

    def _finish(self, session: Session, row: FollowUpRow, key: str, based_on: int) -> FollowUp:
        # Strictly later than before, so the row always changes and its version goes up.
        row.updated_at = max(self.clock(), row.updated_at + timedelta(microseconds=1))
        try:
            session.flush()
        except StaleDataError as error:  # another writer got in between (not on SQLite)
            raise ConflictError(_label(key, row.title), based_on, -1) from error
        return _to_followup(row, key)

    @staticmethod
    def _check_version(row: FollowUpRow, key: str, seen: int, overwrite: bool) -> None:
        if row.version != seen and not overwrite:
            raise ConflictError(_label(key, row.title), seen, row.version)

    @staticmethod
    def _load(session: Session, item_id: int) -> tuple[FollowUpRow, str]:
        found = session.execute(
            select(FollowUpRow, IncidentRow.key)
            .join(IncidentRow, IncidentRow.id == FollowUpRow.incident_id)
            .where(FollowUpRow.id == item_id)
            .options(selectinload(FollowUpRow.history))
        ).first()
        if found is None:
            raise NotFoundError(f"Follow-up {item_id} no longer exists.")
        return found[0], found[1]


def _aware(moment: datetime) -> datetime:
    if isinstance(moment, str):  # SQLite hands back text when the type is lost
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
