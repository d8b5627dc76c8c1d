"""Set-based reads for insights: the few facts per incident and per follow-up the figures need.

Nothing here loads a full record. Each read is a handful of queries over whole tables (or
over a chunk of ids), returning plain core objects: `IncidentFacts`, and `FollowUp` items
without their description or full history (their first day and current status are kept,
which is all the figures and the attention rules read).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hindsight.core.enums import Confidence, Phase, Severity
from hindsight.core.followups import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Priority,
    StatusStep,
)
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.impact import ImpactMeasure
from hindsight.core.insights_model import DETECTION_QUESTION, TRIGGER_QUESTION, IncidentFacts
from hindsight.core.review import AnswerStatus, ChangeKind, ReviewStatus, Verdict
from hindsight.store.database import Database
from hindsight.store.models import (
    ChangeAttributionRow,
    IncidentRow,
    MilestoneRow,
    ReviewAnswerRow,
    ReviewTransitionRow,
    TeamInvolvementRow,
)
from hindsight.store.models.followups import FollowUpRow, FollowUpStatusRow
from hindsight.store.models.postmortem import ImpactMeasureRow

Q = TypeVar("Q", bound=Select)  # type: ignore[type-arg]  # any select, whatever it returns
CHUNK = 500  # ids per IN (...) list, well under every database's limit on parameters
MILESTONES = (Phase.OUTAGE_BEGINS, Phase.DETECTION, Phase.MITIGATION, Phase.RESOLUTION)
CHOICE_QUESTIONS = (TRIGGER_QUESTION, DETECTION_QUESTION)
_LEFT_OPEN = (AnswerStatus.UNKNOWN.value, AnswerStatus.NOT_APPLICABLE.value)
# Stored codes to members by dictionary: calling an enum per row cost a tenth of a first read.
# A code no member has still fails loudly (KeyError), as the call would (ValueError).
_PHASES = {m.value: m for m in Phase}
_CONFIDENCES = {m.value: m for m in Confidence}
_VERDICTS = {m.value: m for m in Verdict}
_SEVERITIES = {m.value: m for m in Severity}
_REVIEW_STATUSES = {m.value: m for m in ReviewStatus}
_ANSWER_STATUSES = {m.value: m for m in AnswerStatus}
_ITEM_STATUSES = {m.value: m for m in FollowUpStatus}
_PRIORITIES = {m.value: m for m in Priority}
_ITEM_KINDS = {m.value: m for m in FollowUpKind}


def _chunks(ids: Collection[int] | None) -> Iterator[list[int] | None]:
    if ids is None:
        yield None
        return
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _where(query: Q, column: Any, chunk: list[int] | None) -> Q:
    return query if chunk is None else query.where(column.in_(chunk))


def _aware(moment: Any) -> datetime:
    if isinstance(moment, str):  # an aggregate can lose the column type on SQLite
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class InsightsRepository:
    """Reads what insights need from one database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # What changed

    def incident_versions(self) -> dict[int, int]:
        """Every incident's id and version: comparing two of these finds what changed."""
        with self.database.read() as session:
            rows = session.execute(select(IncidentRow.id, IncidentRow.version))
            return {incident_id: version for incident_id, version in rows}

    def followup_versions(self) -> dict[int, int]:
        """Every follow-up item's id and version."""
        with self.database.read() as session:
            rows = session.execute(select(FollowUpRow.id, FollowUpRow.version))
            return {item_id: version for item_id, version in rows}

    # Incidents

    def incident_facts(self, ids: Collection[int] | None = None) -> list[IncidentFacts]:
        """The facts of every incident (or of those in `ids`), in id order."""
        found: list[IncidentFacts] = []
        with self.database.read() as session:
            for chunk in _chunks(ids):
                found.extend(self._facts(session, chunk))
        found.sort(key=lambda f: f.id)
        return found

    def _facts(self, session: Session, chunk: list[int] | None) -> list[IncidentFacts]:
        rows = session.execute(
            _where(
                select(
                    IncidentRow.id,
                    IncidentRow.key,
                    IncidentRow.severity,
                    IncidentRow.created_at,
                    IncidentRow.tags,
                    IncidentRow.systems,
                    IncidentRow.review_status,
                ),
                IncidentRow.id,
                chunk,
            )
        ).all()
        if not rows:
            return []
        milestones: dict[int, dict[Phase, FuzzyTime]] = {}
        for incident_id, kind, earliest, latest, best, confidence in session.execute(
            _where(
                select(
                    MilestoneRow.incident_id,
                    MilestoneRow.kind,
                    MilestoneRow.earliest,
                    MilestoneRow.latest,
                    MilestoneRow.best,
                    MilestoneRow.confidence,
                ).where(MilestoneRow.kind.in_([p.value for p in MILESTONES])),
                MilestoneRow.incident_id,
                chunk,
            )
        ):
            milestones.setdefault(incident_id, {})[_PHASES[kind]] = FuzzyTime(
                earliest, latest, best, _CONFIDENCES[confidence]
            )
        teams: dict[int, list[str]] = {}
        for incident_id, team in session.execute(
            _where(
                select(TeamInvolvementRow.incident_id, TeamInvolvementRow.team).order_by(
                    TeamInvolvementRow.id
                ),
                TeamInvolvementRow.incident_id,
                chunk,
            )
        ):
            if team.strip():
                teams.setdefault(incident_id, []).append(team.strip())
        choices, left_open, recorded = self._answers(session, chunk)
        verdicts: dict[int, dict[ChangeKind, Verdict]] = {}
        for incident_id, category, verdict in session.execute(
            _where(
                select(
                    ChangeAttributionRow.incident_id,
                    ChangeAttributionRow.category,
                    ChangeAttributionRow.verdict,
                ),
                ChangeAttributionRow.incident_id,
                chunk,
            )
        ):
            verdicts.setdefault(incident_id, {})[category] = _VERDICTS[verdict]
        published = self._published(session, chunk)
        impacts: dict[int, list[ImpactMeasure]] = {}
        for incident_id, measure, low, high, central, unit in session.execute(
            _where(
                select(
                    ImpactMeasureRow.incident_id,
                    ImpactMeasureRow.measure,
                    ImpactMeasureRow.low,
                    ImpactMeasureRow.high,
                    ImpactMeasureRow.best,
                    ImpactMeasureRow.unit,
                ).order_by(ImpactMeasureRow.id),
                ImpactMeasureRow.incident_id,
                chunk,
            )
        ):
            impacts.setdefault(incident_id, []).append(
                ImpactMeasure(measure, low, high, central, unit)
            )
        return [
            IncidentFacts(
                id=row.id,
                key=row.key,
                severity=_SEVERITIES[row.severity],
                created_at=row.created_at,
                tags=tuple(row.tags or ()),
                systems=tuple(row.systems or ()),
                teams=tuple(dict.fromkeys(teams.get(row.id, ()))),
                milestones=milestones.get(row.id, {}),
                review_status=_REVIEW_STATUSES[row.review_status],
                published_at=published.get(row.id),
                trigger_kind=choices.get((row.id, TRIGGER_QUESTION)),
                detection_source=choices.get((row.id, DETECTION_QUESTION)),
                verdicts=verdicts.get(row.id, {}),
                answers_recorded=recorded.get(row.id, 0),
                left_open=left_open.get(row.id, {}),
                impacts=tuple(impacts.get(row.id, ())),
            )
            for row in rows
        ]

    @staticmethod
    def _answers(
        session: Session, chunk: list[int] | None
    ) -> tuple[dict[tuple[int, str], str], dict[int, dict[str, AnswerStatus]], dict[int, int]]:
        choices: dict[tuple[int, str], str] = {}
        left_open: dict[int, dict[str, AnswerStatus]] = {}
        # Only two questions' values and the answers left open are read, never the text.
        query = select(
            ReviewAnswerRow.incident_id,
            ReviewAnswerRow.question_id,
            ReviewAnswerRow.status,
            ReviewAnswerRow.value,
        ).where(
            ReviewAnswerRow.question_id.in_(CHOICE_QUESTIONS)
            | ReviewAnswerRow.status.in_(_LEFT_OPEN)
        )
        for incident_id, question, status, value in session.execute(
            _where(query, ReviewAnswerRow.incident_id, chunk)
        ):
            if status in _LEFT_OPEN:
                left_open.setdefault(incident_id, {})[question] = _ANSWER_STATUSES[status]
            elif isinstance(value, str) and value:
                choices[(incident_id, question)] = value
        counted = _where(
            select(ReviewAnswerRow.incident_id, func.count(ReviewAnswerRow.id)).group_by(
                ReviewAnswerRow.incident_id
            ),
            ReviewAnswerRow.incident_id,
            chunk,
        )
        recorded: dict[int, int] = {i: n for i, n in session.execute(counted)}
        return choices, left_open, recorded

    @staticmethod
    def _published(session: Session, chunk: list[int] | None) -> dict[int, datetime]:
        query = (
            select(ReviewTransitionRow.incident_id, func.max(ReviewTransitionRow.at))
            .join(IncidentRow, IncidentRow.id == ReviewTransitionRow.incident_id)
            .where(
                ReviewTransitionRow.to_status == ReviewStatus.PUBLISHED.value,
                IncidentRow.review_status == ReviewStatus.PUBLISHED.value,
            )
            .group_by(ReviewTransitionRow.incident_id)
        )
        found = session.execute(_where(query, ReviewTransitionRow.incident_id, chunk)).all()
        return {incident_id: _aware(at) for incident_id, at in found if at is not None}

    # Follow-ups

    def followups(self, ids: Collection[int] | None = None) -> list[FollowUp]:
        """Every follow-up item (or those in `ids`) as light FollowUp objects, in id order.

        Each carries no description, and a history cut to its first day and its current
        status: all that the figures and the attention rules read.
        """
        found: list[FollowUp] = []
        with self.database.read() as session:
            for chunk in _chunks(ids):
                found.extend(self._followups(session, chunk))
        found.sort(key=lambda item: item.id or 0)
        return found

    @staticmethod
    def _followups(session: Session, chunk: list[int] | None) -> list[FollowUp]:
        rows = session.execute(
            _where(
                select(
                    FollowUpRow.id,
                    FollowUpRow.incident_id,
                    IncidentRow.key,
                    FollowUpRow.status,
                    FollowUpRow.priority,
                    FollowUpRow.kind,
                    FollowUpRow.value,
                    FollowUpRow.feasibility,
                    FollowUpRow.due_on,
                    FollowUpRow.next_senior_review,
                    FollowUpRow.created_at,
                ).join(IncidentRow, IncidentRow.id == FollowUpRow.incident_id),
                FollowUpRow.id,
                chunk,
            )
        ).all()
        # The first known day, and the day of the last step (the current status), which
        # may be unknown for an item brought in from a postmortem written elsewhere.
        last_steps = _where(
            select(func.max(FollowUpStatusRow.id)).group_by(FollowUpStatusRow.followup_id),
            FollowUpStatusRow.followup_id,
            chunk,
        )
        latest = dict(
            session.execute(
                select(FollowUpStatusRow.followup_id, FollowUpStatusRow.reached_on).where(
                    FollowUpStatusRow.id.in_(last_steps)
                )
            ).all()
        )
        spans: dict[int, tuple[date | None, date | None]] = {
            followup_id: (first, latest.get(followup_id))
            for followup_id, first in session.execute(
                _where(
                    select(
                        FollowUpStatusRow.followup_id,
                        func.min(FollowUpStatusRow.reached_on),
                    ).group_by(FollowUpStatusRow.followup_id),
                    FollowUpStatusRow.followup_id,
                    chunk,
                )
            )
        }
        return [_light_item(row, spans.get(row.id)) for row in rows]


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _light_item(row: Any, span: tuple[Any, Any] | None) -> FollowUp:
    status = _ITEM_STATUSES[row.status]
    history: list[StatusStep] = []
    if span is not None:
        first, last = _day(span[0]), _day(span[1])
        if first != last or status is not FollowUpStatus.OPEN:
            # The first step's own status is not read by anything: only its day is.
            history.append(StatusStep(FollowUpStatus.OPEN, first))
        history.append(StatusStep(status, last))
    return FollowUp(
        id=row.id,
        title="",
        incident_id=row.incident_id,
        incident_key=row.key,
        due=row.due_on,
        history=history,
        priority=_PRIORITIES[row.priority],
        kind=_ITEM_KINDS[row.kind],
        value=row.value,
        feasibility=row.feasibility,
        next_senior_review=row.next_senior_review,
        created_at=row.created_at,
    )
