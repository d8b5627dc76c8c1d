"""The incident repository: plain `Incident` objects in, plain objects out.

An incident and its milestones, timeline events, roles, teams, review, impact measures,
contributing factors and references are edited and saved as one unit; the incident row's
version covers all of them, so a stale save of any part is caught.

Besides what the author set, a save stores the milestones the contributing factors date (rows
marked `derived`), so that queries over many incidents (insights, search) read an incident's
milestones from one table. Reading a record skips them: they are worked out from the factors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from hindsight.core.enums import Confidence, EventSource, Marker, Phase, Role, Severity
from hindsight.core.factors import ContributingFactor, FactorDate
from hindsight.core.fuzzy_time import FuzzyTime, Precision, fuzzy_from_data, fuzzy_to_data
from hindsight.core.impact import ImpactMeasure, headline
from hindsight.core.incident import (
    Incident,
    IncidentSummary,
    RoleAssignment,
    TeamInvolvement,
    TimelineEvent,
    incident_key,
)
from hindsight.core.references import Reference, ReferenceKind
from hindsight.core.review import (
    Answer,
    AnswerStatus,
    Attribution,
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
from hindsight.store.models.postmortem import ContributingFactorRow, ImpactMeasureRow, ReferenceRow

Clock = Callable[[], datetime]
Row = TypeVar(
    "Row",
    TimelineEventRow,
    RoleAssignmentRow,
    TeamInvolvementRow,
    ImpactMeasureRow,
    ContributingFactorRow,
    ReferenceRow,
)
PHASE_KINDS = frozenset(p.value for p in Phase)
MARKER_KINDS = frozenset(m.value for m in Marker)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _fuzzy_from(row: Any) -> FuzzyTime:
    """A fuzzy time from a row (or column tuple) with the fuzzy-time columns."""
    return FuzzyTime(
        row.earliest,
        row.latest,
        row.best,
        Confidence(row.confidence),
        row.time_note,
        Precision(row.time_precision or Precision.MINUTE.value),
    )


def _fuzzy_into(row: MilestoneRow | TimelineEventRow, when: FuzzyTime) -> None:
    row.earliest, row.latest, row.best = when.earliest, when.latest, when.best
    row.confidence, row.time_note = when.confidence.value, when.note
    row.time_precision = when.precision.value


def fuzzy_columns(when: FuzzyTime) -> dict[str, Any]:
    """The fuzzy-time columns of a milestone or timeline row, as INSERT parameters."""
    return {
        "earliest": when.earliest,
        "latest": when.latest,
        "best": when.best,
        "confidence": when.confidence.value,
        "time_note": when.note,
        "time_precision": when.precision.value,
    }


def milestone_values(incident: Incident) -> list[tuple[str, FuzzyTime, bool]]:
    """(kind, time, derived) of every milestone row the incident has: the author's
    milestones and response moments, then the milestones only its factors date.

    Derived rows carry no note: a note is the author's, and the derived time says where it
    came from wherever it is shown.
    """
    rows: list[tuple[str, FuzzyTime, bool]] = [
        (phase.value, when, False) for phase, when in incident.milestones.items()
    ]
    rows.extend((marker.value, when, False) for marker, when in incident.markers.items())
    for phase, when in incident.derived_milestones().items():
        if phase not in incident.milestones:
            rows.append((phase.value, when.with_note(""), True))
    return rows


def impact_from(row: Any) -> ImpactMeasure:
    """An impact measure from its row (or column tuple)."""
    return ImpactMeasure(
        id=row.id,
        measure=row.measure,
        low=row.low,
        high=row.high,
        best=row.best,
        unit=row.unit,
        slice=row.slice,
        source=row.source,
        note=row.note,
    )


def impact_columns(measure: ImpactMeasure) -> dict[str, Any]:
    """The columns of an impact measure's row."""
    return {
        "measure": measure.measure,
        "low": measure.low,
        "high": measure.high,
        "best": measure.best,
        "unit": measure.unit,
        "slice": measure.slice,
        "source": measure.source,
        "note": measure.note,
    }


def factor_from(row: Any) -> ContributingFactor:
    """A contributing factor from its row (or column tuple)."""
    return ContributingFactor(
        id=row.id,
        title=row.title,
        description=row.description,
        trigger_kind=row.trigger_kind,
        implicated=list(row.implicated or []),
        scope=row.scope,
        dates={FactorDate(k): fuzzy_from_data(v) for k, v in (row.dates or {}).items()},
    )


def factor_columns(factor: ContributingFactor) -> dict[str, Any]:
    """The columns of a contributing factor's row."""
    return {
        "title": factor.title,
        "description": factor.description,
        "trigger_kind": factor.trigger_kind,
        "implicated": list(factor.implicated),
        "scope": factor.scope,
        "dates": {
            moment.value: fuzzy_to_data(factor.dates[moment])
            for moment in FactorDate
            if moment in factor.dates
        },
    }


def reference_from(row: Any) -> Reference:
    """A reference from its row (or column tuple)."""
    return Reference(
        id=row.id, kind=ReferenceKind(row.kind), target=row.target, label=row.label, note=row.note
    )


def reference_columns(reference: Reference) -> dict[str, Any]:
    """The columns of a reference's row."""
    return {
        "kind": reference.kind.value,
        "target": reference.target,
        "label": reference.label,
        "note": reference.note,
    }


def split_milestones(
    rows: Iterable[Any],
) -> tuple[dict[Phase, FuzzyTime], dict[Marker, FuzzyTime]]:
    """The author's milestones and response moments among milestone rows (derived ones
    and kinds this Hindsight does not know are left out)."""
    milestones: dict[Phase, FuzzyTime] = {}
    markers: dict[Marker, FuzzyTime] = {}
    for m in rows:
        if m.derived:
            continue
        if m.kind in PHASE_KINDS:
            milestones[Phase(m.kind)] = _fuzzy_from(m)
        elif m.kind in MARKER_KINDS:
            markers[Marker(m.kind)] = _fuzzy_from(m)
    return milestones, markers


def _to_incident(row: IncidentRow) -> Incident:
    milestones, markers = split_milestones(row.milestones)
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
        milestones=milestones,
        markers=markers,
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
            c.category: Attribution(c.category, Verdict(c.verdict), c.evidence)
            for c in row.attributions
        },
        impacts=[impact_from(m) for m in sorted(row.impacts, key=lambda m: m.id)],
        factors=[factor_from(f) for f in sorted(row.factors, key=lambda f: f.id)],
        references=[reference_from(r) for r in sorted(row.references, key=lambda r: r.id)],
        authors=list(row.authors or []),
        reviewers=list(row.reviewers or []),
        external_id=row.external_id or "",
        historical=bool(row.historical),
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
    row.category, row.verdict = attribution.category, attribution.verdict.value
    row.evidence = attribution.evidence


def _setter(columns: Callable[[Any], dict[str, Any]]) -> Callable[[Any, Any], None]:
    def write(row: Any, item: Any) -> None:
        for name, value in columns(item).items():
            setattr(row, name, value)

    return write


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
    row.authors, row.reviewers = list(incident.authors), list(incident.reviewers)
    row.external_id, row.historical = incident.external_id, incident.historical
    row.impact_headline = headline(incident.impacts)
    existing = {m.kind: m for m in row.milestones}
    for kind, when, derived in milestone_values(incident):
        milestone = existing.pop(kind, None)
        if milestone is None:
            milestone = MilestoneRow(kind=kind)
            row.milestones.append(milestone)
        _fuzzy_into(milestone, when)
        milestone.derived = derived
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
        dict(incident.attributions),
        lambda c: c.category,
        lambda: ChangeAttributionRow(),
        _write_attribution,
    )
    return [
        _sync(row.events, incident.events, TimelineEventRow, _write_event),
        _sync(row.roles, incident.roles, RoleAssignmentRow, _write_role),
        _sync(row.teams, incident.teams, TeamInvolvementRow, _write_team),
        _sync(row.impacts, incident.impacts, ImpactMeasureRow, _setter(impact_columns)),
        _sync(row.factors, incident.factors, ContributingFactorRow, _setter(factor_columns)),
        _sync(row.references, incident.references, ReferenceRow, _setter(reference_columns)),
    ]


def _assign_ids(incident: Incident, kept: list[list[Any]]) -> None:
    groups: tuple[list[Any], ...] = (incident.events, incident.roles, incident.teams)
    for items, rows in zip(groups, kept[:3], strict=True):
        for item, row in zip(items, rows, strict=True):
            item.id = row.id
    # Measures and references are frozen values: each gets a copy carrying its id.
    for name, rows in (("impacts", kept[3]), ("references", kept[5])):
        items = getattr(incident, name)
        items[:] = [replace(item, id=row.id) for item, row in zip(items, rows, strict=True)]
    for factor, row in zip(incident.factors, kept[4], strict=True):
        factor.id = row.id


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
                selectinload(IncidentRow.impacts),
                selectinload(IncidentRow.factors),
                selectinload(IncidentRow.references),
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
