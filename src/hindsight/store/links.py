"""Links between incidents ("same root cause", "recurrence", "part of"): the repository.

A link is stored once, from its source to its target; both incidents list it. A same-cause
link reads the same both ways, so it is stored with the lower incident id as its source and
a second one the other way round is refused as a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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


def existing_keys(database: Database, keys: Iterable[str]) -> set[str]:
    """Which of `keys` (compared without case) name an incident here, upper-cased."""
    wanted = {key.upper() for key in keys}
    if not wanted:
        return set()
    with database.read() as session:
        found = session.scalars(
            select(IncidentRow.key).where(func.upper(IncidentRow.key).in_(wanted))
        )
        return {key.upper() for key in found}


def add_imported_links(
    session: Session,
    imported: Sequence[tuple[int, Sequence[LinkedIncident]]],
    file_ids: dict[str, int],
    now: datetime,
) -> int:
    """Store the links of incidents being imported, inside the import's transaction.

    `imported` holds each new incident's id with its links as the file gives them (the other
    end by key); `file_ids` maps the file's keys (upper-cased) to the new ids. The other end
    is the file's incident of that key, else the database's; a link to neither is left out
    (the importer says so before writing). A link that both its ends carry, or that is
    stored already, is stored once. Returns how many links were added.
    """
    wanted = {link.key.upper() for _, links in imported for link in links}
    here = {
        key.upper(): incident_id
        for incident_id, key in session.execute(
            select(IncidentRow.id, IncidentRow.key).where(func.upper(IncidentRow.key).in_(wanted))
        )
    }
    rows: dict[tuple[str, int, int], str] = {}
    for incident_id, links in imported:
        for link in links:
            other = file_ids.get(link.key.upper(), here.get(link.key.upper()))
            if other is None or other == incident_id:
                continue
            source, target = (incident_id, other) if link.outgoing else (other, incident_id)
            if link.kind.symmetric and source > target:
                source, target = target, source
            rows.setdefault((link.kind.value, source, target), link.note)
    if not rows:
        return 0
    ids = {i for _, source, target in rows for i in (source, target)}
    stored = {
        (
            kind,
            min(source, target) if LinkKind(kind).symmetric else source,
            max(source, target) if LinkKind(kind).symmetric else target,
        )
        for kind, source, target in session.execute(
            select(
                IncidentLinkRow.kind, IncidentLinkRow.source_id, IncidentLinkRow.target_id
            ).where(IncidentLinkRow.source_id.in_(ids) | IncidentLinkRow.target_id.in_(ids))
        )
    }
    new = [
        {"kind": kind, "source_id": source, "target_id": target, "note": note, "created_at": now}
        for (kind, source, target), note in rows.items()
        if (kind, source, target) not in stored
    ]
    if new:
        session.execute(insert(IncidentLinkRow), new)
    return len(new)
