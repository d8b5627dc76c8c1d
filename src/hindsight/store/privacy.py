"""The privacy repository: the append-only data-access log and the ethics checklist answers.

Data-access entries are never updated or deleted. Recording an access writes its identity row
and revision 1; an amendment writes the next revision. The caller says which revision its
change was based on, so an amendment made from a stale copy raises ConflictError instead of
hiding someone else's amendment; the unique (access, number) pair catches a race between two
writers as well.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from hindsight.core.privacy import (
    AccessDetails,
    AccessRevision,
    DataAccess,
    DataCategory,
    DataCopy,
    EthicsAnswer,
    EthicsChoice,
    VolumeUnit,
)
from hindsight.core.review import ReviewStatus
from hindsight.store.database import Database
from hindsight.store.errors import ConflictError, NotFoundError
from hindsight.store.models import IncidentRow
from hindsight.store.models.privacy import DataAccessRevisionRow, DataAccessRow, EthicsAnswerRow

Clock = Callable[[], datetime]
_CATEGORY_CODES = frozenset(c.value for c in DataCategory)
_CHOICE_CODES = frozenset(c.value for c in EthicsChoice)


def _utc_now() -> datetime:
    return datetime.now(UTC)


# -- rows <-> values --------------------------------------------------------------------------


def _copy_to_json(copy: DataCopy) -> dict[str, Any]:
    return {
        "location": copy.location,
        "delete_by": copy.delete_by.isoformat() if copy.delete_by else None,
        "deleted_at": copy.deleted_at.isoformat() if copy.deleted_at else None,
        "deleted_by": copy.deleted_by,
    }


def _copy_from_json(data: dict[str, Any]) -> DataCopy:
    delete_by, deleted_at = data.get("delete_by"), data.get("deleted_at")
    return DataCopy(
        location=str(data.get("location", "")),
        delete_by=date.fromisoformat(delete_by) if delete_by else None,
        deleted_at=datetime.fromisoformat(deleted_at) if deleted_at else None,
        deleted_by=str(data.get("deleted_by", "")),
    )


def _details_from(row: DataAccessRevisionRow) -> AccessDetails:
    return AccessDetails(
        accessor=row.accessor,
        accessed_at=row.accessed_at,
        dataset=row.dataset,
        # Unknown codes (from a newer Hindsight) are dropped rather than crash the log.
        categories=tuple(DataCategory(c) for c in row.categories if c in _CATEGORY_CODES),
        volume=row.volume,
        volume_unit=VolumeUnit(row.volume_unit),
        justification=row.justification,
        approver=row.approver,
        privacy_consulted=row.privacy_consulted if row.privacy_consultation_recorded else None,
        privacy_contact=row.privacy_contact,
        copies=tuple(_copy_from_json(c) for c in row.copies),
        notes=row.notes,
    )


def _revision_row(
    number: int, details: AccessDetails, recorded_at: datetime, recorded_by: str, reason: str
) -> DataAccessRevisionRow:
    return DataAccessRevisionRow(
        number=number,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        reason=reason,
        accessor=details.accessor,
        accessed_at=details.accessed_at,
        dataset=details.dataset,
        categories=[c.value for c in details.categories],
        volume=details.volume,
        volume_unit=details.volume_unit.value,
        justification=details.justification,
        approver=details.approver,
        privacy_consulted=bool(details.privacy_consulted),
        privacy_consultation_recorded=details.privacy_consulted is not None,
        privacy_contact=details.privacy_contact,
        copies=[_copy_to_json(c) for c in details.copies],
        notes=details.notes,
    )


def _to_access(row: DataAccessRow) -> DataAccess:
    return DataAccess(
        id=row.id,
        incident_id=row.incident_id,
        number=row.number,
        revisions=tuple(
            AccessRevision(
                number=r.number,
                recorded_at=r.recorded_at,
                recorded_by=r.recorded_by,
                details=_details_from(r),
                reason=r.reason,
            )
            for r in sorted(row.revisions, key=lambda r: r.number)
        ),
    )


def _to_answer(row: EthicsAnswerRow) -> EthicsAnswer:
    return EthicsAnswer(
        item_id=row.item_id,
        choice=EthicsChoice(row.choice) if row.choice in _CHOICE_CODES else None,
        note=row.note,
        answered_by=row.answered_by,
        updated_at=row.updated_at,
        checklist_version=row.checklist_version,
        version=row.version,
    )


# -- the repository ---------------------------------------------------------------------------


class PrivacyRepository:
    """Reads and appends the privacy record of incidents in one database."""

    def __init__(self, database: Database, clock: Clock = _utc_now) -> None:
        self.database = database
        self.clock = clock

    # The data-access log

    def accesses(self, incident_id: int) -> list[DataAccess]:
        """Every log entry of an incident with its history, in the order they were recorded."""
        with self.database.read() as session:
            rows = session.scalars(
                select(DataAccessRow)
                .where(DataAccessRow.incident_id == incident_id)
                .options(selectinload(DataAccessRow.revisions))
                .order_by(DataAccessRow.number)
            ).all()
            return [_to_access(row) for row in rows]

    def access(self, access_id: int) -> DataAccess:
        """One log entry with its history; NotFoundError if there is none."""
        with self.database.read() as session:
            return _to_access(self._load(session, access_id))

    def record(
        self,
        incident_id: int,
        details: AccessDetails,
        recorded_by: str,
        recorded_at: datetime | None = None,
    ) -> DataAccess:
        """Add a new entry (its revision 1) to an incident's log."""
        at = recorded_at or self.clock()
        with self.database.write() as session:
            if session.get(IncidentRow, incident_id) is None:
                raise NotFoundError(f"Incident {incident_id} no longer exists.")
            number = (
                session.scalar(
                    select(func.max(DataAccessRow.number)).where(
                        DataAccessRow.incident_id == incident_id
                    )
                )
                or 0
            ) + 1
            row = DataAccessRow(incident_id=incident_id, number=number, created_at=at)
            row.revisions.append(_revision_row(1, details, at, recorded_by, ""))
            session.add(row)
            session.flush()
            return _to_access(row)

    def amend(
        self,
        access_id: int,
        details: AccessDetails,
        recorded_by: str,
        reason: str,
        based_on: int,
        recorded_at: datetime | None = None,
    ) -> DataAccess:
        """Append a revision to an entry; ConflictError if `based_on` is not its latest."""
        at = recorded_at or self.clock()
        with self.database.write() as session:
            row = self._load(session, access_id)
            latest = max(r.number for r in row.revisions)
            if latest != based_on:
                raise ConflictError(f"Access {row.number}", based_on, latest)
            row.revisions.append(_revision_row(latest + 1, details, at, recorded_by, reason))
            try:
                session.flush()
            except IntegrityError as error:  # another writer appended the same number first
                raise ConflictError(f"Access {row.number}", based_on, -1) from error
            return _to_access(row)

    @staticmethod
    def _load(session: Session, access_id: int) -> DataAccessRow:
        row = session.scalar(
            select(DataAccessRow)
            .where(DataAccessRow.id == access_id)
            .options(selectinload(DataAccessRow.revisions))
        )
        if row is None:
            raise NotFoundError(f"Data access {access_id} does not exist.")
        return row

    # Ethics answers

    def ethics_answers(self, incident_id: int) -> dict[str, EthicsAnswer]:
        """The saved checklist answers of an incident, by item id."""
        with self.database.read() as session:
            rows = session.scalars(
                select(EthicsAnswerRow).where(EthicsAnswerRow.incident_id == incident_id)
            ).all()
            return {row.item_id: _to_answer(row) for row in rows}

    def save_ethics_answer(
        self, incident_id: int, answer: EthicsAnswer, updated_at: datetime | None = None
    ) -> EthicsAnswer:
        """Save one answer; ConflictError if it was saved elsewhere since `answer.version`."""
        at = updated_at or self.clock()
        key = f"The ethics answer to {answer.item_id}"
        with self.database.write() as session:
            if session.get(IncidentRow, incident_id) is None:
                raise NotFoundError(f"Incident {incident_id} no longer exists.")
            row = session.scalar(
                select(EthicsAnswerRow).where(
                    EthicsAnswerRow.incident_id == incident_id,
                    EthicsAnswerRow.item_id == answer.item_id,
                )
            )
            current = row.version if row is not None else 0
            if current != answer.version:
                raise ConflictError(key, answer.version, current)
            if row is None:
                row = EthicsAnswerRow(incident_id=incident_id, item_id=answer.item_id)
                session.add(row)
            row.choice = answer.choice.value if answer.choice else None
            row.note = answer.note
            row.answered_by = answer.answered_by
            row.checklist_version = answer.checklist_version
            row.updated_at = at
            try:
                session.flush()
            except (StaleDataError, IntegrityError) as error:  # a racing writer got in first
                raise ConflictError(key, answer.version, -1) from error
            return _to_answer(row)

    # About incidents

    def review_status(self, incident_id: int) -> ReviewStatus:
        """The stored review status of an incident (published reviews are read-only)."""
        with self.database.read() as session:
            status = session.scalar(
                select(IncidentRow.review_status).where(IncidentRow.id == incident_id)
            )
        if status is None:
            raise NotFoundError(f"Incident {incident_id} no longer exists.")
        return ReviewStatus(status)
