"""The follow-up repository: plain `FollowUp` objects in, plain objects out.

Each item is saved on its own and carries its own version: a save or a move based on an older
version raises ConflictError instead of overwriting what another window saved.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import String, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from hindsight.core.followup_attention import Attention, AttentionCounts
from hindsight.core.followup_filters import FollowUpFilter
from hindsight.core.followups import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    FollowUpType,
    Priority,
    StatusStep,
    same_content,
)
from hindsight.core.review import ReviewStatus
from hindsight.store.database import Database
from hindsight.store.errors import ConflictError, NotFoundError
from hindsight.store.followup_queries import (
    AttentionQuery,
    in_scope,
    is_open,
    matching_filter,
    needs_attention,
    opened_on,
    published_long_ago,
    rule,
)
from hindsight.store.models import IncidentRow, ReviewTransitionRow
from hindsight.store.models.followups import FollowUpRow, FollowUpStatusRow

# SQL reads whole items in groups of this many ids (SQLite allows some 32,000 parameters).
_IDS_PER_QUERY = 900

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
    FollowUpRow.action_type,
    FollowUpRow.value,
    FollowUpRow.feasibility,
    FollowUpRow.tracker,
    FollowUpRow.speeds_troubleshooting,
    FollowUpRow.next_senior_review,
    FollowUpRow.created_at,
    FollowUpRow.updated_at,
    FollowUpRow.version,
)


# What ranking an item and placing it on the grid read, without the whole item:
# (id, value, feasibility, status, priority, the day it was opened).
RankFields = tuple[int, int, int, FollowUpStatus, Priority, date | None]


@dataclass(frozen=True, slots=True)
class IncidentChoice:
    """An incident offered in a follow-up filter."""

    id: int
    key: str
    title: str


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
        action_type=FollowUpType(row.action_type) if row.action_type else None,
        value=row.value,
        feasibility=row.feasibility,
        tracker=row.tracker,
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
    row.action_type = item.action_type.value if item.action_type else None
    row.tracker = item.tracker
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

    def items(
        self, incident_id: int | None = None, *, ids: Collection[int] | None = None
    ) -> list[FollowUp]:
        """Every item (of one incident, or with one of `ids`, when given), oldest first."""
        if ids is not None:
            chosen = sorted(set(ids))
            found: list[FollowUp] = []
            for start in range(0, len(chosen), _IDS_PER_QUERY):
                found.extend(self._items(ids=chosen[start : start + _IDS_PER_QUERY]))
            return sorted(found, key=lambda item: item.id or 0)
        return self._items(incident_id=incident_id)

    def _items(
        self, *, incident_id: int | None = None, ids: Sequence[int] | None = None
    ) -> list[FollowUp]:
        query = select(*_COLUMNS).join(IncidentRow, IncidentRow.id == FollowUpRow.incident_id)
        steps = select(
            FollowUpStatusRow.followup_id, FollowUpStatusRow.status, FollowUpStatusRow.reached_on
        )
        if incident_id is not None:
            query = query.where(FollowUpRow.incident_id == incident_id)
            steps = steps.join(FollowUpRow, FollowUpRow.id == FollowUpStatusRow.followup_id).where(
                FollowUpRow.incident_id == incident_id
            )
        if ids is not None:
            query = query.where(FollowUpRow.id.in_(ids))
            steps = steps.where(FollowUpStatusRow.followup_id.in_(ids))
        steps = steps.order_by(FollowUpStatusRow.followup_id, FollowUpStatusRow.id)
        with self.database.read() as session:
            rows = session.execute(query.order_by(FollowUpRow.id)).all()
            histories: dict[int, list[StatusStep]] = {}
            for followup_id, status, reached_on in session.execute(steps):
                histories.setdefault(followup_id, []).append(
                    StatusStep(FollowUpStatus(status), reached_on)
                )
        return [_from_columns(row, row.key, histories.get(row.id, [])) for row in rows]

    def rank_fields(
        self, chosen: FollowUpFilter, incident_id: int | None, attention: AttentionQuery
    ) -> list[RankFields]:
        """What ranking needs of every item `chosen` keeps (of one incident, when given)."""
        # Read as text and converted here: thousands of rows, and the day is all that is kept.
        query = select(
            FollowUpRow.id,
            FollowUpRow.value,
            FollowUpRow.feasibility,
            FollowUpRow.status,
            FollowUpRow.priority,
            type_coerce(opened_on(), String),
        )
        with self.database.read() as session:
            where = matching_filter(session, chosen, attention.regions, attention)
            query = query.where(in_scope(incident_id), where)
            # Plain rows through the connection: many of them, and no objects to load.
            rows = session.connection().execute(query).all()
        statuses = {status.value: status for status in FollowUpStatus}
        priorities = {priority.value: priority for priority in Priority}

        def day(value: Any) -> date:
            # SQLite hands back text; PostgreSQL a date.
            return value if isinstance(value, date) else date.fromisoformat(value)

        return [
            (item_id, value, feasibility, statuses[status], priorities[priority], day(opened))
            if opened
            else (item_id, value, feasibility, statuses[status], priorities[priority], None)
            for item_id, value, feasibility, status, priority, opened in rows
        ]

    def count(self, incident_id: int | None = None) -> int:
        """How many items there are (of one incident, when given)."""
        with self.database.read() as session:
            found = session.scalar(select(func.count(FollowUpRow.id)).where(in_scope(incident_id)))
        return int(found or 0)

    def attention_counts(
        self, attention: AttentionQuery, incident_id: int | None = None
    ) -> AttentionCounts:
        """How many items need attention, and for each reason (one query)."""
        kinds = list(Attention)
        query = select(
            func.count(FollowUpRow.id),
            *(
                func.coalesce(func.sum(case((rule(kind, attention), 1), else_=0)), 0)
                for kind in kinds
            ),
        ).where(in_scope(incident_id), needs_attention(attention))
        with self.database.read() as session:
            row = session.execute(query).one()
        by_reason = {kind: int(found or 0) for kind, found in zip(kinds, row[1:], strict=True)}
        return AttentionCounts(int(row[0]), by_reason)

    def attention_count(self, attention: AttentionQuery) -> int:
        """How many items need attention (one query)."""
        with self.database.read() as session:
            found = session.scalar(
                select(func.count(FollowUpRow.id)).where(needs_attention(attention))
            )
        return int(found or 0)

    def waiting_for_review(
        self, attention: AttentionQuery, incident_id: int | None = None
    ) -> list[tuple[int, str, int]]:
        """(incident id, key, item id) of the open Highest items due a review of blockers."""
        query = (
            select(FollowUpRow.incident_id, IncidentRow.key, FollowUpRow.id)
            .join(IncidentRow, IncidentRow.id == FollowUpRow.incident_id)
            .where(
                in_scope(incident_id),
                is_open(),
                FollowUpRow.priority == Priority.HIGHEST.value,
                published_long_ago(attention),
            )
            .order_by(FollowUpRow.incident_id, FollowUpRow.id)
        )
        with self.database.read() as session:
            return [(row[0], row[1], row[2]) for row in session.execute(query)]

    def incident_choices(self, text: str, limit: int = 30) -> list[IncidentChoice]:
        """Incidents that have follow-ups, whose key or title contains `text` (key first)."""
        has_items = select(FollowUpRow.id).where(FollowUpRow.incident_id == IncidentRow.id).exists()
        query = select(IncidentRow.id, IncidentRow.key, IncidentRow.title).where(has_items)
        text = text.strip()
        if text:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(
                or_(
                    IncidentRow.key.ilike(pattern, escape="\\"),
                    IncidentRow.title.ilike(pattern, escape="\\"),
                )
            )
        exact = case((func.lower(IncidentRow.key) == text.lower(), 0), else_=1)
        query = query.order_by(exact, IncidentRow.id.desc()).limit(limit)
        with self.database.read() as session:
            return [IncidentChoice(*row) for row in session.execute(query)]

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
        # As text: func.max loses the column type on some dialects, and this runs on every
        # refresh of a follow-up view, so the conversion is done here, once per incident.
        latest = type_coerce(func.max(ReviewTransitionRow.at), String)
        query = (
            select(ReviewTransitionRow.incident_id, latest)
            .join(IncidentRow, IncidentRow.id == ReviewTransitionRow.incident_id)
            .where(
                ReviewTransitionRow.to_status == ReviewStatus.PUBLISHED.value,
                IncidentRow.review_status == ReviewStatus.PUBLISHED.value,
            )
            .group_by(ReviewTransitionRow.incident_id)
        )
        with self.database.read() as session:
            found = session.execute(query).all()
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

    def save(
        self, item: FollowUp, *, overwrite: bool = False, expected: FollowUp | None = None
    ) -> FollowUp:
        """Write the edited `item`; ConflictError if it was saved elsewhere meanwhile.

        The stored item must still be at `item.version`, or, when `expected` is given, still
        say what `expected` says. With `overwrite`, the caller has seen the conflict and
        chosen to replace the newer version with theirs.
        """
        if item.id is None:
            raise ValueError("save() needs a stored follow-up; use create()")
        with self.database.write() as session:
            row, key = self._load(session, item.id)
            if not overwrite:
                self._check(row, key, item.version, expected)
            _write(row, item)
            return self._finish(session, row, key, item.version)

    def move(
        self,
        item_id: int,
        value: int,
        feasibility: int,
        *,
        version: int | None = None,
        expected: FollowUp | None = None,
    ) -> FollowUp:
        """Place an item in another cell; ConflictError unless it is still at `version` (or
        still says what `expected` says)."""
        with self.database.write() as session:
            row, key = self._load(session, item_id)
            self._check(row, key, version, expected)
            row.value, row.feasibility = value, feasibility
            return self._finish(session, row, key, row.version)

    def delete(
        self, item_id: int, *, version: int | None = None, expected: FollowUp | None = None
    ) -> int:
        """Remove an item and its history (only if still at `version`, or still saying what
        `expected` says, when given). Returns the id of the incident it belonged to."""
        with self.database.write() as session:
            row, key = self._load(session, item_id)
            self._check(row, key, version, expected)
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
    def _check(row: FollowUpRow, key: str, version: int | None, expected: FollowUp | None) -> None:
        if expected is not None:
            if not same_content(_to_followup(row, key), expected):
                raise ConflictError(_label(key, row.title), expected.version, row.version)
        elif version is not None and row.version != version:
            raise ConflictError(_label(key, row.title), version, row.version)

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


def _aware(moment: datetime | str) -> datetime:
    if isinstance(moment, str):  # SQLite hands back text when the type is lost
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
