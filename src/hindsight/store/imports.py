"""Writing imported incidents: everything of every incident in one transaction, or nothing.

An import brings whole incidents from another Hindsight: the record, its review transitions,
its follow-up items and its privacy record (the data-access log with every revision, and the
ethics answers). They are written in a single write transaction, so a failure half
way (a full disk, a locked database, a bug) leaves the database exactly as it was.

Keys: an incident keeps its key when no incident here has it (so an export brings a deleted
incident back under its own key). When it is taken, the caller's policy decides: skip the
incident, or give it the next free key. The incident counter moves past every number used,
so incidents created afterwards never get an old number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hindsight.core.followups import FollowUp
from hindsight.core.incident import KEY_PREFIX, Incident, incident_key
from hindsight.core.privacy import DataAccess, EthicsAnswer
from hindsight.core.review import ReviewTransition
from hindsight.store.database import Database
from hindsight.store.followups import _write as _write_followup
from hindsight.store.incidents import _write_record
from hindsight.store.models import IncidentRow, ReviewTransitionRow, SequenceRow
from hindsight.store.models.followups import FollowUpRow
from hindsight.store.models.privacy import DataAccessRow, EthicsAnswerRow
from hindsight.store.privacy import _revision_row

_NUMBERED = re.compile(rf"^{re.escape(KEY_PREFIX)}-([1-9][0-9]{{0,8}})$", re.IGNORECASE)


class OnConflict(StrEnum):
    """What to do with an incident whose key is already used in this database."""

    FAIL = "fail"
    SKIP = "skip"
    RENAME = "rename"


class KeyConflictError(Exception):
    """Keys of the file are already used here, and no policy for that was chosen."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        super().__init__(f"{', '.join(keys)} already exist{'s' if len(keys) == 1 else ''}")


@dataclass(frozen=True, slots=True)
class ImportItem:
    """One incident to import, with what came along with it."""

    incident: Incident
    transitions: Sequence[ReviewTransition] = ()
    followups: Sequence[FollowUp] = ()
    accesses: Sequence[DataAccess] = ()
    ethics: Sequence[EthicsAnswer] = ()


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What became of one incident of the file."""

    original_key: str
    key: str | None  # None: skipped
    incident_id: int | None = None

    @property
    def skipped(self) -> bool:
        """True when the incident was not imported."""
        return self.key is None

    @property
    def renamed(self) -> bool:
        """True when the incident was imported under another key."""
        return self.key is not None and self.key != self.original_key


def _taken(key: str, keys: set[str], issued: int) -> bool:
    # Only a key in use now is taken: importing an incident's export after deleting it
    # restores it under its own key. New incidents still never get an old number, since the
    # counter only moves up.
    del issued
    return key.upper() in keys


def _issued(session: Session) -> int:
    counter = session.get(SequenceRow, "incident")
    highest = session.scalar(select(func.max(IncidentRow.number))) or 0
    return max(counter.value if counter else 0, highest)


def taken_keys(database: Database, keys: Sequence[str]) -> list[str]:
    """Those of `keys` that are in use here."""
    with database.read() as session:
        existing = {k.upper() for k in session.scalars(select(IncidentRow.key))}
        issued = _issued(session)
    return [key for key in keys if _taken(key, existing, issued)]


def import_incidents(
    database: Database,
    items: Sequence[ImportItem],
    on_conflict: OnConflict = OnConflict.FAIL,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[ImportOutcome]:
    """Store `items` in one transaction; KeyConflictError (nothing written) under FAIL."""
    now = clock()
    outcomes: list[ImportOutcome] = []
    with database.write() as session:
        keys = {k.upper() for k in session.scalars(select(IncidentRow.key))}
        issued = _issued(session)
        taken = [i.incident.key for i in items if _taken(i.incident.key, keys, issued)]
        if taken and on_conflict is OnConflict.FAIL:
            raise KeyConflictError(taken)
        # New numbers go above every number issued here and every number the file asks for.
        wanted = [int(m.group(1)) for i in items if (m := _NUMBERED.match(i.incident.key))]
        next_free = max([issued, *wanted])
        counter = session.get(SequenceRow, "incident")
        if counter is None:
            counter = SequenceRow(name="incident", value=issued)
            session.add(counter)
        counter.value = issued
        for item in items:
            incident = item.incident
            key = incident.key
            if _taken(key, keys, issued):
                if on_conflict is OnConflict.SKIP:
                    outcomes.append(ImportOutcome(key, None))
                    continue
                key = ""
            numbered = _NUMBERED.match(key) if key else None
            if numbered:
                number = int(numbered.group(1))
            else:
                next_free += 1
                number = next_free
                key = key or incident_key(number)
            counter.value = max(counter.value, number)
            keys.add(key.upper())
            row = IncidentRow(
                id=number,  # never given twice, as in IncidentRepository.create
                number=number,
                key=key,
                created_at=incident.created_at or now,
                updated_at=incident.updated_at or incident.created_at or now,
            )
            _write_record(row, incident)
            session.add(row)
            session.flush()
            for transition in item.transitions:
                session.add(
                    ReviewTransitionRow(
                        incident_id=row.id,
                        at=transition.at,
                        from_status=transition.from_status.value,
                        to_status=transition.to_status.value,
                        reason=transition.reason,
                    )
                )
            for followup in item.followups:
                followup_row = FollowUpRow(
                    incident_id=row.id,
                    created_at=followup.created_at or now,
                    updated_at=followup.updated_at or followup.created_at or now,
                )
                _write_followup(followup_row, followup)
                session.add(followup_row)
            for access in item.accesses:
                access_row = DataAccessRow(
                    incident_id=row.id,
                    number=access.number,
                    created_at=access.revisions[0].recorded_at,
                )
                for revision in access.revisions:
                    access_row.revisions.append(
                        _revision_row(
                            revision.number,
                            revision.details,
                            revision.recorded_at,
                            revision.recorded_by,
                            revision.reason,
                        )
                    )
                session.add(access_row)
            for answer in item.ethics:
                session.add(
                    EthicsAnswerRow(
                        incident_id=row.id,
                        item_id=answer.item_id,
                        choice=answer.choice.value if answer.choice else None,
                        note=answer.note,
                        answered_by=answer.answered_by,
                        checklist_version=answer.checklist_version,
                        updated_at=answer.updated_at or now,
                    )
                )
            session.flush()
            outcomes.append(ImportOutcome(incident.key, key, row.id))
    # Leaving the `with` commits; anything raised above rolls the whole import back.
    return outcomes
