"""Links between incidents ("same root cause", "recurrence", "part of"): the repository.

A link is stored once, from its source to its target; both incidents list it. A same-cause
link reads the same both ways, so it is stored with the lower incident id as its source and
a second one the other way round is refused as a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from hindsight.core.links import IncidentLink, LinkedIncident, LinkKind
from hindsight.store.database import Database
from hindsight.store.errors import NotFoundError
from hindsight.store.models import IncidentRow
from hindsight.store.models.search import IncidentLinkRow

Clock = Callable[[], datetime]


class DuplicateLinkError(ValueError):
    """The same link exists already."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _to_link(row: IncidentLinkRow) -> IncidentLink:
    return IncidentLink(
        row.id, LinkKind(row.kind), row.source_id, row.target_id, row.note, row.created_at
    )


class LinkRepository:
    """Reads and writes links between incidents in one database."""

    def __init__(self, database: Database, clock: Clock = _utc_now) -> None:
        self.database = database
        self.clock = clock

    def add(self, source_id: int, target_id: int, kind: LinkKind, note: str = "") -> IncidentLink:
        """Store `source_id` <kind> `target_id`; DuplicateLinkError if it exists already."""
        if kind.symmetric and source_id > target_id:
            source_id, target_id = target_id, source_id
        with self.database.write() as session:
            for incident_id in (source_id, target_id):
                if session.get(IncidentRow, incident_id) is None:
                    raise NotFoundError(f"Incident {incident_id} no longer exists.")
            existing = session.scalar(
                select(IncidentLinkRow.id).where(
                    IncidentLinkRow.kind == kind.value,
                    or_(
                        (IncidentLinkRow.source_id == source_id)
                        & (IncidentLinkRow.target_id == target_id),
                        (IncidentLinkRow.source_id == target_id)
                        & (IncidentLinkRow.target_id == source_id),
                    ),
                )
            )
            if existing is not None:
                raise DuplicateLinkError(kind.value)
            row = IncidentLinkRow(
                source_id=source_id,
                target_id=target_id,
                kind=kind.value,
                note=note,
                created_at=self.clock(),
            )
            session.add(row)
            try:
                session.flush()
            except IntegrityError as error:  # a writer elsewhere got in between
                raise DuplicateLinkError(kind.value) from error
            return _to_link(row)

    def get(self, link_id: int) -> IncidentLink:
        """One link; NotFoundError when it is gone."""
        with self.database.read() as session:
            row = session.get(IncidentLinkRow, link_id)
            if row is None:
                raise NotFoundError("That link between incidents no longer exists.")
            return _to_link(row)

    def remove(self, link_id: int) -> IncidentLink:
        """Delete a link; returns what it was. NotFoundError when it is gone already."""
        with self.database.write() as session:
            row = session.get(IncidentLinkRow, link_id)
            if row is None:
                raise NotFoundError("That link between incidents no longer exists.")
            link = _to_link(row)
            session.delete(row)
        return link

    def of(self, incident_id: int) -> list[LinkedIncident]:
        """The links of one incident, as seen from it, oldest first."""
        with self.database.read() as session:
            rows = session.execute(
                select(IncidentLinkRow, IncidentRow.id, IncidentRow.key, IncidentRow.title)
                .join(
                    IncidentRow,
                    IncidentRow.id
                    == (
                        # The other end of each link.
                        IncidentLinkRow.source_id + IncidentLinkRow.target_id - incident_id
                    ),
                )
                .where(
                    or_(
                        IncidentLinkRow.source_id == incident_id,
                        IncidentLinkRow.target_id == incident_id,
                    )
                )
                .order_by(IncidentLinkRow.created_at, IncidentLinkRow.id)
            ).all()
        return [
            LinkedIncident(
                link_id=link.id,
                kind=LinkKind(link.kind),
                outgoing=link.source_id == incident_id,
                incident_id=other_id,
                key=key,
                title=title,
                note=link.note,
            )
            for link, other_id, key, title in rows
        ]
