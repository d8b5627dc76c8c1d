"""Writing imported incidents: everything of every incident in one transaction, or nothing.

An import brings whole incidents from another Hindsight: the record, its review transitions,
its follow-up items and its privacy record (the data-access log with every revision, and the
ethics answers). They are written in a single write transaction, so a failure half
way (a full disk, a locked database, a bug) leaves the database exactly as it was.

Keys: an incident keeps its key when the key is free here. When it is taken, the caller's
policy decides: skip the incident, or give it the next free key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select

from hindsight.core.followups import FollowUp
from hindsight.core.incident import KEY_PREFIX, Incident, incident_key
from hindsight.core.privacy import DataAccess, EthicsAnswer
from hindsight.core.review import ReviewTransition
from hindsight.store.database import Database
from hindsight.store.followups import _write as _write_followup
from hindsight.store.incidents import _write_record
from hindsight.store.models import IncidentRow, ReviewTransitionRow
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


def existing_keys(database: Database) -> set[str]:
    """Every key in the database, upper-cased (keys compare without case)."""
    with database.read() as session:
        return {k.upper() for k in session.scalars(select(IncidentRow.key))}


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
        numbers = set(session.scalars(select(IncidentRow.number)))
        taken = [i.incident.key for i in items if i.incident.key.upper() in keys]
        if taken and on_conflict is OnConflict.FAIL:
            raise KeyConflictError(taken)
        highest = max(numbers, default=0)
        for item in items:
            incident = item.incident
            key = incident.key
            if key.upper() in keys:
                if on_conflict is OnConflict.SKIP:
                    outcomes.append(ImportOutcome(key, None))
                    continue
                key = ""
            number = 0
            numbered = _NUMBERED.match(key) if key else None
            if numbered and int(numbered.group(1)) not in numbers:
                number = int(numbered.group(1))
            if not number:
                number = highest + 1
                while number in numbers:
                    number += 1
            if not key:
                key = incident_key(number)
                while key.upper() in keys:
                    number += 1
                    key = incident_key(number)
            numbers.add(number)
            keys.add(key.upper())
            highest = max(highest, number)
            row = IncidentRow(
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
