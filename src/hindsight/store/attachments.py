"""Pictures attached to incidents: each its own row, written when attached, never with a save
of the incident record (which is copied for undo at every edit)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import select, update

from hindsight.core.attachments import Attachment
from hindsight.store.database import Database
from hindsight.store.errors import NotFoundError
from hindsight.store.models import IncidentRow
from hindsight.store.models.postmortem import AttachmentRow

Clock = Callable[[], datetime]


def _from(row: AttachmentRow) -> Attachment:
    return Attachment(
        id=row.id,
        incident_id=row.incident_id,
        name=row.name,
        media_type=row.media_type,
        data=row.data,
        caption=row.caption,
        width=row.width,
        height=row.height,
        created_at=row.created_at,
    )


def attachment_values(item: Attachment, incident_id: int, now: datetime) -> dict[str, object]:
    """The columns of a new attachment row (the import writes them in bulk)."""
    return {
        "incident_id": incident_id,
        "name": item.name,
        "media_type": item.media_type,
        "data": item.data,
        "caption": item.caption,
        "width": item.width,
        "height": item.height,
        "created_at": item.created_at or now,
    }


class AttachmentRepository:
    """Reads and writes attached pictures in one database."""

    def __init__(self, database: Database, clock: Clock = lambda: datetime.now(UTC)) -> None:
        self.database = database
        self.clock = clock

    def of_incident(self, incident_id: int) -> list[Attachment]:
        """The incident's pictures, in the order they were attached."""
        with self.database.read() as session:
            rows = session.scalars(
                select(AttachmentRow)
                .where(AttachmentRow.incident_id == incident_id)
                .order_by(AttachmentRow.id)
            ).all()
            return [_from(row) for row in rows]

    def of_incidents(self, incident_ids: Sequence[int]) -> dict[int, list[Attachment]]:
        """The pictures of several incidents, by incident (for an export of many)."""
        found: dict[int, list[Attachment]] = {}
        with self.database.read() as session:
            for row in session.scalars(
                select(AttachmentRow)
                .where(AttachmentRow.incident_id.in_(list(incident_ids)))
                .order_by(AttachmentRow.id)
            ):
                found.setdefault(row.incident_id, []).append(_from(row))
        return found

    def add(self, item: Attachment) -> Attachment:
        """Store a new picture; returns it with its id and time."""
        with self.database.write() as session:
            if session.get(IncidentRow, item.incident_id) is None:
                raise NotFoundError(f"Incident {item.incident_id} no longer exists.")
            row = AttachmentRow(**attachment_values(item, item.incident_id, self.clock()))
            session.add(row)
            session.flush()
            return _from(row)

    def set_caption(self, attachment_id: int, caption: str) -> None:
        """Change what a picture's caption says."""
        with self.database.write() as session:
            done = session.execute(
                update(AttachmentRow)
                .where(AttachmentRow.id == attachment_id)
                .values(caption=caption)
            )
            if not done.rowcount:  # type: ignore[attr-defined]
                raise NotFoundError("That picture was removed meanwhile.")

    def remove(self, attachment_id: int) -> int | None:
        """Delete a picture; returns its incident's id (None when it was already gone)."""
        with self.database.write() as session:
            row = session.get(AttachmentRow, attachment_id)
            if row is None:
                return None
            incident_id = row.incident_id
            session.delete(row)
            return incident_id
