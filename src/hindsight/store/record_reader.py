"""One incident's full record, read with plain SQL over sqlite3.

Opening an incident is the most frequent read there is, and the first one at start-up comes
while SQLAlchemy and the ORM models are still loading or not needed at all. This reader builds
the same core Incident as IncidentRepository.get (tests/store/test_record_reader.py holds the
two equal over random records, the demo and an older schema), with ten small queries in one
read transaction and no ORM objects. Writes keep going through the repository.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hindsight.core.enums import Confidence, EventSource, Marker, Phase, Role, Severity
from hindsight.core.factors import ContributingFactor, FactorDate
from hindsight.core.fuzzy_time import FuzzyTime, Precision, fuzzy_from_data
from hindsight.core.impact import ImpactMeasure
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.references import Reference, ReferenceKind
from hindsight.core.review import Answer, AnswerStatus, Attribution, ReviewStatus, Verdict
from hindsight.store.backup import read_only_uri
from hindsight.store.errors import NotFoundError, environment_errors

_FUZZY = "earliest, latest, best, confidence, time_note, time_precision"
_PHASES = frozenset(p.value for p in Phase)
_MARKERS = frozenset(m.value for m in Marker)
_INCIDENT = (
    'SELECT id, "key", title, summary, severity, phase, systems, models, tags, review_status, '
    "review_progress, authors, reviewers, external_id, historical, created_at, updated_at, "
    "version FROM incidents WHERE id = ?"
)
# Each child table in id order, as the repository sorts them (and as SQLite hands the rows of
# an incident through its incident_id index to the ORM's unordered loads).
_CHILDREN = {
    "milestones": f"SELECT kind, derived, {_FUZZY} FROM milestones",
    "events": f"SELECT id, phase, text, source, {_FUZZY} FROM timeline_events",
    "roles": 'SELECT id, role, person, start, "end", note FROM role_assignments',
    "teams": "SELECT id, team, part FROM team_involvements",
    "answers": "SELECT question_id, status, value, reason, bank_version FROM review_answers",
    "attributions": "SELECT category, verdict, evidence FROM change_attributions",
    "impacts": (
        "SELECT id, measure, low, high, best, unit, slice, source, note FROM impact_measures"
    ),
    "factors": (
        "SELECT id, title, description, trigger_kind, implicated, scope, dates "
        "FROM contributing_factors"
    ),
    "references": "SELECT id, kind, target, label, note FROM incident_references",
}


def _moment(value: Any) -> datetime:
    # SQLAlchemy stores UTC moments as naive text ("2026-01-02 03:04:05.000006").
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC)


def _maybe_moment(value: Any) -> datetime | None:
    return None if value is None else _moment(value)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _fuzzy(row: Sequence[Any], at: int) -> FuzzyTime:
    earliest, latest, best, confidence, note, precision = row[at : at + 6]
    return FuzzyTime(
        _moment(earliest),
        _moment(latest),
        _moment(best),
        Confidence(confidence),
        note,
        Precision(precision or Precision.MINUTE.value),
    )


def build_incident(head: Sequence[Any], children: dict[str, list[Sequence[Any]]]) -> Incident:
    """The core Incident from its incidents row and its child rows (in id order)."""
    milestones: dict[Phase, FuzzyTime] = {}
    markers: dict[Marker, FuzzyTime] = {}
    for row in children["milestones"]:
        kind, derived = row[0], row[1]
        if derived:
            continue  # dated by the factors, not set by the author
        if kind in _PHASES:
            milestones[Phase(kind)] = _fuzzy(row, 2)
        elif kind in _MARKERS:
            markers[Marker(kind)] = _fuzzy(row, 2)
    (
        incident_id,
        key,
        title,
        summary,
        severity,
        phase,
        systems,
        models,
        tags,
        review_status,
        review_progress,
        authors,
        reviewers,
        external_id,
        historical,
        created_at,
        updated_at,
        version,
    ) = head
    return Incident(
        id=incident_id,
        key=key,
        title=title,
        summary=summary,
        severity=Severity(severity),
        phase=Phase(phase),
        systems=list(_json(systems)),
        models=list(_json(models)),
        tags=list(_json(tags)),
        milestones=milestones,
        markers=markers,
        events=[
            TimelineEvent(
                id=r[0], when=_fuzzy(r, 4), phase=Phase(r[1]), text=r[2], source=EventSource(r[3])
            )
            for r in children["events"]
        ],
        roles=[
            RoleAssignment(
                id=r[0],
                role=Role(r[1]),
                person=r[2],
                start=_maybe_moment(r[3]),
                end=_maybe_moment(r[4]),
                note=r[5],
            )
            for r in children["roles"]
        ],
        teams=[TeamInvolvement(id=r[0], team=r[1], part=r[2]) for r in children["teams"]],
        review_status=ReviewStatus(review_status),
        review_progress=review_progress,
        answers={
            r[0]: Answer(
                question_id=r[0],
                status=AnswerStatus(r[1]),
                value=_json(r[2]),
                reason=r[3],
                bank_version=r[4],
            )
            for r in children["answers"]
        },
        attributions={
            r[0]: Attribution(r[0], Verdict(r[1]), r[2]) for r in children["attributions"]
        },
        impacts=[
            ImpactMeasure(
                id=r[0],
                measure=r[1],
                low=r[2],
                high=r[3],
                best=r[4],
                unit=r[5],
                slice=r[6],
                source=r[7],
                note=r[8],
            )
            for r in children["impacts"]
        ],
        factors=[
            ContributingFactor(
                id=r[0],
                title=r[1],
                description=r[2],
                trigger_kind=r[3],
                implicated=list(_json(r[4]) or []),
                scope=r[5],
                dates={FactorDate(k): fuzzy_from_data(v) for k, v in (_json(r[6]) or {}).items()},
            )
            for r in children["factors"]
        ],
        references=[
            Reference(id=r[0], kind=ReferenceKind(r[1]), target=r[2], label=r[3], note=r[4])
            for r in children["references"]
        ],
        authors=list(_json(authors) or []),
        reviewers=list(_json(reviewers) or []),
        external_id=external_id or "",
        historical=bool(historical),
        created_at=_moment(created_at),
        updated_at=_moment(updated_at),
        version=version,
    )


class RecordReader:
    """Reads whole incident records from one SQLite file, from any thread, one at a time."""

    def __init__(self, path: Path, connect: Callable[[], sqlite3.Connection] | None = None) -> None:
        self.path = Path(path)
        self._connect = connect or self._read_only
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _read_only(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            read_only_uri(self.path), uri=True, check_same_thread=False, isolation_level=None
        )
        connection.execute("PRAGMA busy_timeout=5000")
        # A page cache for the records read again (about 80 KB each), not SQLite's 2 MB.
        connection.execute("PRAGMA cache_size=-16384")
        return connection

    def _connected(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = self._connect()
        return self._connection

    def team_names(self) -> list[str]:
        """Every team name used in any incident, sorted (as store.incidents' team_names_in_use)."""
        with self._lock, environment_errors(self.path):
            rows = self._connected().execute("SELECT DISTINCT team FROM team_involvements")
            return sorted({row[0] for row in rows})

    def get(self, incident_id: int) -> Incident:
        """The full record of one incident (NotFoundError when there is none)."""
        with self._lock, environment_errors(self.path):
            connection = self._connected()
            # One read transaction: the record and its children come from one snapshot.
            connection.execute("BEGIN")
            try:
                head = connection.execute(_INCIDENT, (incident_id,)).fetchone()
                if head is None:
                    raise NotFoundError(f"Incident {incident_id} no longer exists.")
                children = {
                    name: connection.execute(
                        f"{sql} WHERE incident_id = ? ORDER BY id", (incident_id,)
                    ).fetchall()
                    for name, sql in _CHILDREN.items()
                }
            finally:
                connection.execute("COMMIT")
        return build_incident(head, children)

    def close(self) -> None:
        """Release the connection."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
