"""The incident repository: plain `Incident` objects in, plain objects out.

An incident and its milestones, timeline events, roles and teams are edited and saved as one
unit; the incident row's version covers all of them, so a stale save of any part is caught.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from hindsight.core.enums import Confidence, EventSource, Phase, Role, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import (
    Incident,
    IncidentSummary,
    RoleAssignment,
    TeamInvolvement,
    TimelineEvent,
    incident_key,
)
from hindsight.core.review import (
    Answer,
    AnswerStatus,
    Attribution,
    ChangeCategory,
    ReviewStatus,
    ReviewTransition,
    Verdict,
)
from hindsight.store.database import Database
from hindsight.store.errors import ConflictError, NotFoundError
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

Clock = Callable[[], datetime]
Row = TypeVar("Row", TimelineEventRow, RoleAssignmentRow, TeamInvolvementRow)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _fuzzy_from(row: MilestoneRow | TimelineEventRow) -> FuzzyTime:
    return FuzzyTime(row.earliest, row.latest, row.best, Confidence(row.confidence), row.time_note)


def _fuzzy_into(row: MilestoneRow | TimelineEventRow, when: FuzzyTime) -> None:
    row.earliest, row.latest, row.best = when.earliest, when.latest, when.best
    row.confidence, row.time_note = when.confidence.value, when.note


def _to_incident(row: IncidentRow) -> Incident:
    return Incident(
        id=row.id,
        key=row.key,
        title=row.title,
        summary=row.summary,
        severity=Severity(row.severity),
        phase=Phase(row.phase),
        systems=list(row.systems),
        models=list(row.models),
        tags=list(row.tags),
        milestones={Phase(m.kind): _fuzzy_from(m) for m in row.milestones},
        events=[
            TimelineEvent(
                id=e.id,
                when=_fuzzy_from(e),
                phase=Phase(e.phase),
                text=e.text,
                source=EventSource(e.source),
            )
            for e in sorted(row.events, key=lambda e: e.id)
        ],
        roles=[
            RoleAssignment(
                id=r.id, role=Role(r.role), person=r.person, start=r.start, end=r.end, note=r.note
            )
            for r in sorted(row.roles, key=lambda r: r.id)
        ],
        teams=[
            TeamInvolvement(id=t.id, team=t.team, part=t.part)
            for t in sorted(row.teams, key=lambda t: t.id)
        ],
        review_status=ReviewStatus(row.review_status),
        review_progress=row.review_progress,
        answers={
            a.question_id: Answer(
                question_id=a.question_id,
                status=AnswerStatus(a.status),
                value=a.value,
                reason=a.reason,
                bank_version=a.bank_version,
            )
            for a in row.answers
        },
        attributions={
            ChangeCategory(c.category): Attribution(
                ChangeCategory(c.category), Verdict(c.verdict), c.evidence
            )
            for c in row.attributions
        },
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _write_event(row: TimelineEventRow, event: TimelineEvent) -> None:
    _fuzzy_into(row, event.when)
    row.phase, row.source, row.text = event.phase.value, event.source.value, event.text


def _write_role(row: RoleAssignmentRow, role: RoleAssignment) -> None:
    row.role, row.person, row.note = role.role.value, role.person, role.note
    row.start, row.end = role.start, role.end


def _write_team(row: TeamInvolvementRow, team: TeamInvolvement) -> None:
    row.team, row.part = team.team, team.part


def _write_answer(row: ReviewAnswerRow, answer: Answer) -> None:
    row.question_id, row.bank_version = answer.question_id, answer.bank_version
    row.status, row.value, row.reason = answer.status.value, answer.value, answer.reason


def _write_attribution(row: ChangeAttributionRow, attribution: Attribution) -> None:
    row.category, row.verdict = attribution.category.value, attribution.verdict.value
    row.evidence = attribution.evidence


def _write_keyed(
    rows: list[Any],
    items: dict[str, Any],
    key_of: Callable[[Any], str],
    make: Callable[[], Any],
    write: Callable[[Any, Any], None],
) -> None:
    """Make `rows` match `items`, matching rows to items by a natural key."""
    existing = {key_of(row): row for row in rows}
    for key, item in items.items():
        row = existing.pop(key, None)
        if row is None:
            row = make()
            rows.append(row)
        write(row, item)
    for orphan in existing.values():
        rows.remove(orphan)


def _sync(
    rows: list[Row],
    items: Sequence[Any],
    make: Callable[[], Row],
    write: Callable[[Row, Any], None],
) -> list[Row]:
    """Make `rows` match `items`: update by id, add the new ones, drop the missing ones.

    Returns the row standing for each item, in the items' order.
    """
    by_id = {row.id: row for row in rows}
    kept: list[Row] = []
    for item in items:
        row = by_id.pop(item.id, None) if item.id is not None else None
        if row is None:
            row = make()
            rows.append(row)
        write(row, item)
        kept.append(row)
    for orphan in by_id.values():
        rows.remove(orphan)
    return kept


def _write_record(row: IncidentRow, incident: Incident) -> list[list[Any]]:
    row.title, row.summary = incident.title, incident.summary
    row.severity, row.phase = incident.severity.value, incident.phase.value
    row.systems, row.models, row.tags = (
        list(incident.systems),
        list(incident.models),
        list(incident.tags),
    )
    existing = {m.kind: m for m in row.milestones}
    for phase, when in incident.milestones.items():
        milestone = existing.pop(phase.value, None)
        if milestone is None:
            milestone = MilestoneRow(kind=phase.value)
            row.milestones.append(milestone)
        _fuzzy_into(milestone, when)
    for gone in existing.values():
        row.milestones.remove(gone)
    row.review_status = incident.review_status.value
    row.review_progress = incident.review_progress
    _write_keyed(
        row.answers,
        {a.question_id: a for a in incident.answers.values()},
        lambda a: a.question_id,
        lambda: ReviewAnswerRow(),
        _write_answer,
    )
    _write_keyed(
        row.attributions,
        {c.value: a for c, a in incident.attributions.items()},
        lambda c: c.category,
        lambda: ChangeAttributionRow(),
        _write_attribution,
    )
    return [
        _sync(row.events, incident.events, TimelineEventRow, _write_event),
        _sync(row.roles, incident.roles, RoleAssignmentRow, _write_role),
        _sync(row.teams, incident.teams, TeamInvolvementRow, _write_team),
    ]


def _assign_ids(incident: Incident, kept: list[list[Any]]) -> None:
    groups: tuple[list[Any], ...] = (incident.events, incident.roles, incident.teams)
    for items, rows in zip(groups, kept, strict=True):
        for item, row in zip(items, rows, strict=True):
            item.id = row.id


def _next_number(session: Session) -> int:
    """The next incident number; numbers of deleted incidents are never reused."""
    # The counter never goes down; a database written by another tool may have left it
    # behind its incidents, so it never hands out a number already there either.
    highest = session.scalar(select(func.max(IncidentRow.number))) or 0
    counter = session.get(SequenceRow, "incident")
    if counter is None:
        counter = SequenceRow(name="incident", value=highest)
        session.add(counter)
    counter.value = max(counter.value, highest) + 1
    return counter.value


# Called inside each write's transaction: (session, "created"|"saved"|"review", before, after).
WriteHook = Callable[[Session, str, Incident | None, Incident], None]


class IncidentRepository:
    """Reads and writes incidents in one database."""

    def __init__(self, database: Database, clock: Clock = _utc_now) -> None:
        self.database = database
        self.clock = clock
        # Writers of what goes with a change in the same transaction (services/history.py).
        self.write_hooks: list[WriteHook] = []

    def _hooks(
        self, session: Session, action: str, before: Incident | None, after: Incident
    ) -> None:
        for hook in self.write_hooks:
            hook(session, action, before, after)

    def list_summaries(self) -> list[IncidentSummary]:
        """The incident list's columns for every incident, newest number first."""
        columns = (
            IncidentRow.id,
            IncidentRow.key,
            IncidentRow.title,
            IncidentRow.phase,
            IncidentRow.severity,
            IncidentRow.updated_at,
            IncidentRow.tags,
            IncidentRow.systems,
            IncidentRow.review_status,
            IncidentRow.review_progress,
        )
        with self.database.read() as session:
            rows = session.execute(select(*columns).order_by(IncidentRow.number.desc())).all()
        return [
            IncidentSummary(
                id=r.id,
                key=r.key,
                title=r.title,
                phase=Phase(r.phase),
                severity=Severity(r.severity),
                updated_at=r.updated_at,
                tags=tuple(r.tags),
                systems=tuple(r.systems),
                review_status=ReviewStatus(r.review_status),
                review_progress=r.review_progress,
            )
            for r in rows
        ]

    def count(self) -> int:
        """How many incidents there are."""
        with self.database.read() as session:
            return session.scalar(select(func.count(IncidentRow.id))) or 0

    def get(self, incident_id: int) -> Incident:
        """The full record of one incident."""
        with self.database.read() as session:
            return _to_incident(self._load(session, incident_id))

    def get_by_key(self, key: str) -> Incident:
        """The full record of the incident with the human key `key` (case-insensitive)."""
        with self.database.read() as session:
            found = session.scalar(
                select(IncidentRow.id).where(func.upper(IncidentRow.key) == key.strip().upper())
            )
            if found is None:
                raise NotFoundError(f"There is no incident {key}.")
            return _to_incident(self._load(session, found))

    def create(self, incident: Incident) -> Incident:
        """Store a new incident; returns it with its id, key, times and version."""
        now = self.clock()
        with self.database.write() as session:
            number = _next_number(session)
            row = IncidentRow(
                # The id is the number, which is never given twice: SQLite would otherwise
                # give a deleted incident's id to the next one, and a view holding the old id
                # would show the new incident as if it were the one it had open.
                id=number,
                number=number,
                key=incident_key(number),
                created_at=now,
                updated_at=now,
            )
            kept = _write_record(row, incident)
            session.add(row)
            session.flush()
            _assign_ids(incident, kept)
            stored = _to_incident(row)
            self._hooks(session, "created", None, stored)
        return stored

    def save(self, incident: Incident, *, overwrite: bool = False) -> Incident:
        """Write the edited `incident`; raises ConflictError if someone saved it meanwhile.

        With `overwrite`, the caller has seen the conflict and chosen to replace the newer
        version with theirs.
        """
        if incident.id is None:
            raise ValueError("save() needs a stored incident; use create()")
        with self.database.write() as session:
            row = self._load(session, incident.id)
            if row.version != incident.version and not overwrite:
                raise ConflictError(row.key, incident.version, row.version)
            before = _to_incident(row) if self.write_hooks else None
            # Strictly later than before, so the row always changes and its version always
            # goes up, even when only children changed and the clock repeated a reading.
            row.updated_at = max(self.clock(), row.updated_at + timedelta(microseconds=1))
            kept = _write_record(row, incident)
            try:
                session.flush()
            except StaleDataError as error:  # another writer got in between (not on SQLite)
                raise ConflictError(row.key, incident.version, -1) from error
            _assign_ids(incident, kept)
            stored = _to_incident(row)
            self._hooks(session, "saved", before, stored)
        return stored

    def stored_review_status(self, incident_id: int) -> ReviewStatus:
        """The review status saved now (to refuse edits of a published review)."""
        with self.database.read() as session:
            status = session.scalar(
                select(IncidentRow.review_status).where(IncidentRow.id == incident_id)
            )
        if status is None:
            raise NotFoundError(f"Incident {incident_id} no longer exists.")
        return ReviewStatus(status)

    def change_review_status(self, incident: Incident, transition: ReviewTransition) -> Incident:
        """Move the review to `transition.to_status` and record the transition, at once."""
        if incident.id is None:
            raise ValueError("change_review_status() needs a stored incident")
        with self.database.write() as session:
            row = self._load(session, incident.id)
            if row.version != incident.version:
                raise ConflictError(row.key, incident.version, row.version)
            before = _to_incident(row) if self.write_hooks else None
            row.review_status = transition.to_status.value
            # Backdated transitions (the demo) still make the record newer than it was.
            row.updated_at = max(self.clock(), row.updated_at + timedelta(microseconds=1))
            session.add(
                ReviewTransitionRow(
                    incident_id=row.id,
                    at=transition.at,
                    from_status=transition.from_status.value,
                    to_status=transition.to_status.value,
                    reason=transition.reason,
                )
            )
            session.flush()
            stored = _to_incident(row)
            self._hooks(session, "review", before, stored)
        return stored

    def review_transitions(self, incident_id: int) -> list[ReviewTransition]:
        """Every recorded change of the review's status, oldest first."""
        with self.database.read() as session:
            rows = session.scalars(
                select(ReviewTransitionRow)
                .where(ReviewTransitionRow.incident_id == incident_id)
                .order_by(ReviewTransitionRow.at, ReviewTransitionRow.id)
            ).all()
            return [
                ReviewTransition(
                    at=r.at,
                    from_status=ReviewStatus(r.from_status),
                    to_status=ReviewStatus(r.to_status),
                    reason=r.reason,
                )
                for r in rows
            ]

    def delete(self, incident_id: int) -> None:
        """Remove an incident and everything it owns."""
        with self.database.write() as session:
            session.delete(self._load(session, incident_id))

    def current_version(self, incident_id: int) -> int:
        """The version stored now, to tell whether a loaded copy went stale."""
        with self.database.read() as session:
            version = session.scalar(
                select(IncidentRow.version).where(IncidentRow.id == incident_id)
            )
        if version is None:
            raise NotFoundError(f"Incident {incident_id} no longer exists.")
        return version

    @staticmethod
    def _load(session: Session, incident_id: int) -> IncidentRow:
        row = session.scalar(
            select(IncidentRow)
            .where(IncidentRow.id == incident_id)
            .options(
                selectinload(IncidentRow.milestones),
                selectinload(IncidentRow.events),
                selectinload(IncidentRow.roles),
                selectinload(IncidentRow.teams),
                selectinload(IncidentRow.answers),
                selectinload(IncidentRow.attributions),
            )
        )
        if row is None:
            raise NotFoundError(f"Incident {incident_id} no longer exists.")
        return row


def team_names_in_use(database: Database) -> list[str]:
    """Every team name used in any incident, for offering alongside the bundled list."""
    with database.read() as session:
        names: Iterable[str] = session.scalars(select(TeamInvolvementRow.team).distinct())
        return sorted(set(names))
