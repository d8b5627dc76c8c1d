"""Follow-up rules and filters compiled to SQL, so that counts and lists of many items are
queries instead of loops over every item.

Each predicate here is the SQL form of one comparison in core: the attention rules of
`core.followup_attention.Cutoffs` (with the same cut-off days), the regions of the grid
(`core.followup_regions`, cell bounds from the same data file) and the criteria of
`core.followup_filters.FollowUpFilter`. The tests run both forms on random data and require
the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, bindparam, false, func, or_, select, true
from sqlalchemy.orm import Session

from hindsight.core.followup_attention import Attention, Cutoffs
from hindsight.core.followup_filters import CLOSED_STATUSES, FollowUpFilter
from hindsight.core.followup_regions import Region, RegionMap
from hindsight.core.followups import FollowUpKind, Priority
from hindsight.core.review import ReviewStatus
from hindsight.store.models import IncidentRow, ReviewTransitionRow
from hindsight.store.models.followups import FollowUpRow, FollowUpStatusRow

Predicate = ColumnElement[bool]


@dataclass(frozen=True, slots=True)
class AttentionQuery:
    """What the attention rules need to run in SQL.

    `published_before` is the first moment (UTC) of the day after `cutoffs.published_by` in
    the user's time zone: a review last published before it was published on or before that
    day, as the rule reads it.
    """

    cutoffs: Cutoffs
    regions: RegionMap
    published_before: datetime


def is_open() -> Predicate:
    """Open, in progress or blocked (the rules never flag closed items)."""
    return FollowUpRow.status.not_in([status.value for status in CLOSED_STATUSES])


def opened_on() -> ColumnElement[date]:
    """The day an item was opened: its first status step (else the day it was created)."""
    first_step = (
        select(func.min(FollowUpStatusRow.reached_on))
        .where(FollowUpStatusRow.followup_id == FollowUpRow.id)
        .scalar_subquery()
    )
    return func.coalesce(
        first_step, func.date(FollowUpRow.created_at), type_=FollowUpRow.due_on.type
    )


def in_regions(regions: Iterable[Region]) -> Predicate:
    """The item's cell lies in one of `regions`."""
    cells = [
        and_(
            FollowUpRow.value.between(region.value_low, region.value_high),
            FollowUpRow.feasibility.between(region.feasibility_low, region.feasibility_high),
        )
        for region in regions
    ]
    return or_(*cells) if cells else false()


def published_long_ago(query: AttentionQuery) -> Predicate:
    """The item's incident has a review published now, last published by the cut-off day."""
    incidents = (
        select(ReviewTransitionRow.incident_id)
        .join(IncidentRow, IncidentRow.id == ReviewTransitionRow.incident_id)
        .where(
            ReviewTransitionRow.to_status == ReviewStatus.PUBLISHED.value,
            IncidentRow.review_status == ReviewStatus.PUBLISHED.value,
        )
        .group_by(ReviewTransitionRow.incident_id)
        .having(func.max(ReviewTransitionRow.at) < query.published_before)
    )
    return FollowUpRow.incident_id.in_(incidents)


def rule(kind: Attention, query: AttentionQuery) -> Predicate:
    """One attention rule for an open item (see Cutoffs for the Python form)."""
    cutoffs = query.cutoffs
    if kind is Attention.OVERDUE:
        return and_(FollowUpRow.due_on.is_not(None), FollowUpRow.due_on < cutoffs.overdue_before)
    if kind is Attention.LANGUISHING:
        return and_(
            FollowUpRow.kind == FollowUpKind.MONITORING.value,
            opened_on() < cutoffs.opened_before,
        )
    if kind is Attention.SENIOR_REVIEW:
        return and_(
            in_regions(r for r in query.regions.regions if r.strategic),
            FollowUpRow.next_senior_review.is_not(None),
            FollowUpRow.next_senior_review < cutoffs.today,
        )
    return and_(FollowUpRow.priority == Priority.HIGHEST.value, published_long_ago(query))


def needs_attention(query: AttentionQuery) -> Predicate:
    """An open item for which any attention rule holds."""
    return and_(is_open(), or_(*(rule(kind, query) for kind in Attention)))


def in_scope(incident_id: int | None) -> Predicate:
    """The items of one incident, or of all (None)."""
    return true() if incident_id is None else FollowUpRow.incident_id == incident_id


def matching_filter(
    session: Session, chosen: FollowUpFilter, regions: RegionMap, query: AttentionQuery
) -> Predicate:
    """The items `chosen` keeps (FollowUpFilter.accepts, as SQL)."""
    clauses: list[Predicate] = []
    if chosen.incident_id is not None:
        clauses.append(FollowUpRow.incident_id == chosen.incident_id)
    if chosen.incidents is not None:
        # Inline integers: a saved search may find more incidents than SQL takes parameters.
        ids = sorted(chosen.incidents)
        clauses.append(
            FollowUpRow.incident_id.in_(
                bindparam("incidents", ids, expanding=True, literal_execute=True)
            )
        )
    if chosen.owner is not None:
        clauses.append(FollowUpRow.owner.in_(_owners_matching(session, chosen.owner)))
    if chosen.statuses is not None:
        clauses.append(FollowUpRow.status.in_([status.value for status in chosen.statuses]))
    if chosen.kind is not None:
        clauses.append(FollowUpRow.kind == chosen.kind.value)
    if chosen.priority is not None:
        clauses.append(FollowUpRow.priority == chosen.priority.value)
    if chosen.region is not None:
        clauses.append(in_regions([regions.by_key(chosen.region)]))
    if chosen.attention_only:
        clauses.append(needs_attention(query))
    return and_(true(), *clauses)


def _owners_matching(session: Session, owner: str) -> Sequence[str]:
    # Owners are compared as FollowUpFilter does (stripped, without case, Unicode-aware),
    # which SQLite's lower() cannot do: pick the stored spellings that match. There are few.
    wanted = owner.casefold()
    stored = session.scalars(select(FollowUpRow.owner).distinct())
    return [name for name in stored if name.strip().casefold() == wanted]
