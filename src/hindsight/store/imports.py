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
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, func, insert, inspect, select
from sqlalchemy.orm import Session

from hindsight.core.followups import FollowUp
from hindsight.core.impact import headline
from hindsight.core.incident import KEY_PREFIX, Incident, incident_key
from hindsight.core.links import LinkedIncident
from hindsight.core.privacy import DataAccess, EthicsAnswer
from hindsight.core.review import ReviewTransition
from hindsight.store.database import Database
from hindsight.store.incidents import (
    factor_columns,
    fuzzy_columns,
    impact_columns,
    milestone_values,
    reference_columns,
)
from hindsight.store.links import add_imported_links
from hindsight.store.models import (
    ChangeAttributionRow,
    IncidentRow,
    MilestoneRow,
    ReviewAnswerRow,
    ReviewTransitionRow,
    RoleAssignmentRow,
    SequenceRow,
    TeamInvolvementRow,
    TimelineEventRow,
)
from hindsight.store.models.followups import FollowUpRow, FollowUpStatusRow
from hindsight.store.models.postmortem import ContributingFactorRow, ImpactMeasureRow, ReferenceRow
from hindsight.store.models.privacy import DataAccessRevisionRow, DataAccessRow, EthicsAnswerRow
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
    links: Sequence[LinkedIncident] = ()  # to other incidents, by key (store/links.py)


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


def _columns(row: Any) -> dict[str, Any]:
    """The column values set on a transient row, as an INSERT's parameters."""
    state = inspect(row)
    names = {attr.key for attr in state.mapper.column_attrs}
    return {name: value for name, value in state.dict.items() if name in names and name != "id"}


def _children(rows: Sequence[Any], parent: str, parent_id: int) -> list[dict[str, Any]]:
    return [{**_columns(row), parent: parent_id} for row in rows]


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def _insert_returning_ids(session: Session, model: Any, params: list[dict[str, Any]]) -> list[int]:
    if not params:
        return []
    table = _table(model)
    # One statement per batch of rows, ids back in the order the rows were given.
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, params).scalars())


def _insert(session: Session, model: Any, params: list[dict[str, Any]]) -> None:
    if params:
        session.execute(insert(_table(model)), params)


def import_incidents(
    database: Database,
    items: Sequence[ImportItem],
    on_conflict: OnConflict = OnConflict.FAIL,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[ImportOutcome]:
    """Store `items` in one transaction; KeyConflictError (nothing written) under FAIL.

    Rows are built with the repositories' own mapping helpers, then inserted table by table
    with executemany (a handful of statements per table, whatever the number of incidents).
    """
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
        highest = issued
        kept: list[tuple[ImportItem, dict[str, Any]]] = []
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
            highest = max(highest, number)
            keys.add(key.upper())
            kept.append((item, _incident_values(incident, number, key, now)))
            outcomes.append(ImportOutcome(incident.key, key, None))
        counter = session.get(SequenceRow, "incident")
        if counter is None:
            session.add(SequenceRow(name="incident", value=highest))
        else:
            counter.value = max(counter.value, highest)
        session.flush()
        ids = _insert_returning_ids(session, IncidentRow, [values for _, values in kept])
        _write_parts(
            session, [(item, new_id) for (item, _), new_id in zip(kept, ids, strict=True)], now
        )
        file_ids = {item.incident.key.upper(): i for (item, _), i in zip(kept, ids, strict=True)}
        linked = [(i, item.links) for (item, _), i in zip(kept, ids, strict=True) if item.links]
        add_imported_links(session, linked, file_ids, now)
        numbered_ids = iter(ids)
        outcomes = [
            o if o.skipped else replace(o, incident_id=next(numbered_ids)) for o in outcomes
        ]
    # Leaving the `with` commits; anything raised above rolls the whole import back.
    return outcomes


# The same columns as store.incidents._write_record and store.followups._write write; the
# import test compares a bulk import with the repositories' path row by row.
def _incident_values(incident: Incident, number: int, key: str, now: datetime) -> dict[str, Any]:
    return {
        "id": number,  # never given twice, as in IncidentRepository.create
        "number": number,
        "key": key,
        "title": incident.title,
        "summary": incident.summary,
        "severity": incident.severity.value,
        "phase": incident.phase.value,
        "systems": list(incident.systems),
        "models": list(incident.models),
        "tags": list(incident.tags),
        "created_at": incident.created_at or now,
        "updated_at": incident.updated_at or incident.created_at or now,
        "version": 1,
        "review_status": incident.review_status.value,
        "review_progress": incident.review_progress,
        "authors": list(incident.authors),
        "reviewers": list(incident.reviewers),
        "external_id": incident.external_id,
        "historical": incident.historical,
        "impact_headline": headline(incident.impacts),
    }


def _record_parts(incident: Incident, incident_id: int) -> dict[Any, list[dict[str, Any]]]:
    owner = {"incident_id": incident_id}
    return {
        MilestoneRow: [
            {**owner, "kind": kind, **fuzzy_columns(when), "derived": derived}
            for kind, when, derived in milestone_values(incident)
        ],
        TimelineEventRow: [
            {
                **owner,
                **fuzzy_columns(e.when),
                "phase": e.phase.value,
                "source": e.source.value,
                "text": e.text,
            }
            for e in incident.events
        ],
        RoleAssignmentRow: [
            {
                **owner,
                "role": r.role.value,
                "person": r.person,
                "start": r.start,
                "end": r.end,
                "note": r.note,
            }
            for r in incident.roles
        ],
        TeamInvolvementRow: [{**owner, "team": t.team, "part": t.part} for t in incident.teams],
        ReviewAnswerRow: [
            {
                **owner,
                "question_id": a.question_id,
                "bank_version": a.bank_version,
                "status": a.status.value,
                "value": a.value,
                "reason": a.reason,
            }
            for a in incident.answers.values()
        ],
        ChangeAttributionRow: [
            {
                **owner,
                "category": a.category,
                "verdict": a.verdict.value,
                "evidence": a.evidence,
            }
            for a in incident.attributions.values()
        ],
        ImpactMeasureRow: [{**owner, **impact_columns(m)} for m in incident.impacts],
        ContributingFactorRow: [{**owner, **factor_columns(f)} for f in incident.factors],
        ReferenceRow: [{**owner, **reference_columns(r)} for r in incident.references],
    }


def _followup_values(item: FollowUp, incident_id: int, now: datetime) -> dict[str, Any]:
    return {
        "incident_id": incident_id,
        "title": item.title,
        "description": item.description,
        "owner": item.owner,
        "due_on": item.due,
        "status": item.status.value,
        "priority": item.priority.value,
        "kind": item.kind.value,
        "action_type": item.action_type.value if item.action_type else None,
        "value": item.value,
        "feasibility": item.feasibility,
        "tracker_url": item.tracker,
        "speeds_troubleshooting": item.speeds_troubleshooting,
        "next_senior_review": item.next_senior_review,
        "created_at": item.created_at or now,
        "updated_at": item.updated_at or item.created_at or now,
        "version": 1,
    }


def _write_parts(session: Session, stored: Sequence[tuple[ImportItem, int]], now: datetime) -> None:
    """Insert everything the incidents own, table by table."""
    parts: dict[Any, list[dict[str, Any]]] = {
        model: []
        for model in (
            MilestoneRow,
            TimelineEventRow,
            RoleAssignmentRow,
            TeamInvolvementRow,
            ReviewAnswerRow,
            ChangeAttributionRow,
            ImpactMeasureRow,
            ContributingFactorRow,
            ReferenceRow,
            ReviewTransitionRow,
            EthicsAnswerRow,
        )
    }
    followups: list[tuple[FollowUp, int]] = []
    accesses: list[tuple[DataAccessRow, int]] = []
    for item, incident_id in stored:
        for model, rows in _record_parts(item.incident, incident_id).items():
            parts[model].extend(rows)
        parts[ReviewTransitionRow].extend(
            {
                "incident_id": incident_id,
                "at": t.at,
                "from_status": t.from_status.value,
                "to_status": t.to_status.value,
                "reason": t.reason,
            }
            for t in item.transitions
        )
        parts[EthicsAnswerRow].extend(
            {
                "incident_id": incident_id,
                "item_id": answer.item_id,
                "choice": answer.choice.value if answer.choice else None,
                "note": answer.note,
                "answered_by": answer.answered_by,
                "checklist_version": answer.checklist_version,
                "updated_at": answer.updated_at or now,
                "version": 1,
            }
            for answer in item.ethics
        )
        followups.extend((followup, incident_id) for followup in item.followups)
        for access in item.accesses:
            access_row = DataAccessRow(
                number=access.number, created_at=access.revisions[0].recorded_at
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
            accesses.append((access_row, incident_id))
    # Transient rows are never added to the session: their values go in as plain parameters.
    for model, params in parts.items():
        _insert(session, model, params)
    followup_ids = _insert_returning_ids(
        session,
        FollowUpRow,
        [_followup_values(f, incident_id, now) for f, incident_id in followups],
    )
    _insert(
        session,
        FollowUpStatusRow,
        [
            {"followup_id": new_id, "status": step.status.value, "reached_on": step.on}
            for (f, _), new_id in zip(followups, followup_ids, strict=True)
            for step in f.history
        ],
    )
    access_ids = _insert_returning_ids(
        session,
        DataAccessRow,
        [{**_columns(r), "incident_id": incident_id} for r, incident_id in accesses],
    )
    _insert(
        session,
        DataAccessRevisionRow,
        [
            revision
            for (r, _), new_id in zip(accesses, access_ids, strict=True)
            for revision in _children(r.revisions, "access_id", new_id)
        ],
    )
