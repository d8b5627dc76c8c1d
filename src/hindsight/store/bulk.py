"""Reading many incidents at once, with everything recorded about them, in a few queries.

An export of every incident needs each record, its review transitions, follow-ups and privacy
record. Read one incident at a time that is about ten queries per incident; here each kind of
row is read for a whole batch of incidents with one query (IN over the batch's ids), and the
rows are turned into the same plain objects the repositories return.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hindsight.core.attachments import Attachment
from hindsight.core.enums import EventSource, Phase, Role, Severity
from hindsight.core.followups import FollowUp, FollowUpStatus, StatusStep
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.privacy import DataAccess, EthicsAnswer
from hindsight.core.review import (
    Answer,
    AnswerStatus,
    Attribution,
    ReviewStatus,
    ReviewTransition,
    Verdict,
)
from hindsight.store.attachments import AttachmentRepository
from hindsight.store.database import Database
from hindsight.store.followups import _COLUMNS as FOLLOWUP_COLUMNS
from hindsight.store.followups import _from_columns
from hindsight.store.incidents import (
    _fuzzy_from,
    factor_from,
    impact_from,
    reference_from,
    split_milestones,
)
from hindsight.store.models import (
    ChangeAttributionRow,
    IncidentRow,
    MilestoneRow,
    ReviewAnswerRow,
    ReviewTransitionRow,
    RoleAssignmentRow,
    TeamInvolvementRow,
    TimelineEventRow,
)
from hindsight.store.models.followups import FollowUpRow, FollowUpStatusRow
from hindsight.store.models.postmortem import ContributingFactorRow, ImpactMeasureRow, ReferenceRow
from hindsight.store.models.privacy import DataAccessRow, EthicsAnswerRow
from hindsight.store.privacy import _to_access, _to_answer

BATCH = 200  # incidents per round of queries: bounded memory, few round trips


@dataclass
class IncidentRecord:
    """One incident and everything kept beside it, as the repositories would return them."""

    incident: Incident
    transitions: list[ReviewTransition] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    accesses: list[DataAccess] = field(default_factory=list)
    ethics: dict[str, EthicsAnswer] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)


def _by_incident(session: Session, model: Any, ids: Sequence[int]) -> dict[int, list[Any]]:
    """The rows of `model` belonging to `ids`, as plain column tuples, by incident, in id order."""
    table = model.__table__
    found: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(
        select(table).where(table.c.incident_id.in_(ids)).order_by(table.c.id)
    ):
        found[row.incident_id].append(row)
    return found


# The same mapping as store.incidents._to_incident, over plain column tuples instead of ORM
# objects (building tens of thousands of ORM objects is what makes one-at-a-time reads slow).
# The round-trip tests compare both paths.
def _incidents(session: Session, ids: Sequence[int]) -> dict[int, Incident]:
    milestones = _by_incident(session, MilestoneRow, ids)
    events = _by_incident(session, TimelineEventRow, ids)
    roles = _by_incident(session, RoleAssignmentRow, ids)
    teams = _by_incident(session, TeamInvolvementRow, ids)
    answers = _by_incident(session, ReviewAnswerRow, ids)
    attributions = _by_incident(session, ChangeAttributionRow, ids)
    impacts = _by_incident(session, ImpactMeasureRow, ids)
    factors = _by_incident(session, ContributingFactorRow, ids)
    references = _by_incident(session, ReferenceRow, ids)
    table = IncidentRow.__table__
    found: dict[int, Incident] = {}
    for row in session.execute(select(table).where(table.c.id.in_(ids))):
        milestone_times, markers = split_milestones(milestones[row.id])
        found[row.id] = Incident(
            id=row.id,
            key=row.key,
            title=row.title,
            summary=row.summary,
            severity=Severity(row.severity),
            phase=Phase(row.phase),
            systems=list(row.systems),
            models=list(row.models),
            tags=list(row.tags),
            milestones=milestone_times,
            markers=markers,
            events=[
                TimelineEvent(
                    id=e.id,
                    when=_fuzzy_from(e),
                    phase=Phase(e.phase),
                    text=e.text,
                    source=EventSource(e.source),
                )
                for e in events[row.id]
            ],
            roles=[
                RoleAssignment(
                    id=r.id,
                    role=Role(r.role),
                    person=r.person,
                    start=r.start,
                    end=r.end,
                    note=r.note,
                )
                for r in roles[row.id]
            ],
            teams=[TeamInvolvement(id=t.id, team=t.team, part=t.part) for t in teams[row.id]],
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
                for a in answers[row.id]
            },
            attributions={
                c.category: Attribution(c.category, Verdict(c.verdict), c.evidence)
                for c in attributions[row.id]
            },
            impacts=[impact_from(m) for m in impacts[row.id]],
            factors=[factor_from(f) for f in factors[row.id]],
            references=[reference_from(r) for r in references[row.id]],
            authors=list(row.authors or []),
            reviewers=list(row.reviewers or []),
            external_id=row.external_id or "",
            historical=bool(row.historical),
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
        )
    return found


def read_records(database: Database, incident_ids: Sequence[int]) -> Iterator[IncidentRecord]:
    """The full records of `incident_ids`, in that order, read a batch at a time.

    An id that no longer exists is left out.
    """
    for start in range(0, len(incident_ids), BATCH):
        batch = list(incident_ids[start : start + BATCH])
        with database.read() as session:
            incidents = _incidents(session, batch)
            transitions: dict[int, list[ReviewTransition]] = defaultdict(list)
            for row in session.scalars(
                select(ReviewTransitionRow)
                .where(ReviewTransitionRow.incident_id.in_(batch))
                .order_by(ReviewTransitionRow.at, ReviewTransitionRow.id)
            ):
                transitions[row.incident_id].append(
                    ReviewTransition(
                        at=row.at,
                        from_status=ReviewStatus(row.from_status),
                        to_status=ReviewStatus(row.to_status),
                        reason=row.reason,
                    )
                )
            steps: dict[int, list[StatusStep]] = defaultdict(list)
            for followup_id, status, reached_on in session.execute(
                select(
                    FollowUpStatusRow.followup_id,
                    FollowUpStatusRow.status,
                    FollowUpStatusRow.reached_on,
                )
                .join(FollowUpRow, FollowUpRow.id == FollowUpStatusRow.followup_id)
                .where(FollowUpRow.incident_id.in_(batch))
                .order_by(FollowUpStatusRow.followup_id, FollowUpStatusRow.id)
            ):
                steps[followup_id].append(StatusStep(FollowUpStatus(status), reached_on))
            followups: dict[int, list[FollowUp]] = defaultdict(list)
            for item in session.execute(
                select(*FOLLOWUP_COLUMNS)
                .join(IncidentRow, IncidentRow.id == FollowUpRow.incident_id)
                .where(FollowUpRow.incident_id.in_(batch))
                .order_by(FollowUpRow.id)
            ):
                followups[item.incident_id].append(
                    _from_columns(item, item.key, steps.get(item.id, []))
                )
            accesses: dict[int, list[DataAccess]] = defaultdict(list)
            for access in session.scalars(
                select(DataAccessRow)
                .where(DataAccessRow.incident_id.in_(batch))
                .options(selectinload(DataAccessRow.revisions))
                .order_by(DataAccessRow.incident_id, DataAccessRow.number)
            ):
                accesses[access.incident_id].append(_to_access(access))
            ethics: dict[int, dict[str, EthicsAnswer]] = defaultdict(dict)
            for answer in session.scalars(
                select(EthicsAnswerRow).where(EthicsAnswerRow.incident_id.in_(batch))
            ):
                ethics[answer.incident_id][answer.item_id] = _to_answer(answer)
        pictures = AttachmentRepository(database).of_incidents(batch)
        for incident_id in batch:
            if incident_id in incidents:
                yield IncidentRecord(
                    incidents[incident_id],
                    transitions[incident_id],
                    followups[incident_id],
                    accesses[incident_id],
                    ethics[incident_id],
                    pictures.get(incident_id, []),
                )
