"""Filtering follow-up items, as the Triage view does: every chosen criterion must hold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hindsight.core.followup_attention import AttentionReport
from hindsight.core.followup_regions import RegionMap
from hindsight.core.followups import FollowUp, FollowUpKind, FollowUpStatus, Priority

OPEN_STATUSES = frozenset(s for s in FollowUpStatus if not s.is_closed)
CLOSED_STATUSES = frozenset(s for s in FollowUpStatus if s.is_closed)


@dataclass(frozen=True, slots=True)
class FollowUpFilter:
    """What to keep; None (or False) leaves a criterion out."""

    incident_id: int | None = None
    owner: str | None = None  # compared without case; "" keeps items that have no owner
    statuses: frozenset[FollowUpStatus] | None = None
    kind: FollowUpKind | None = None
    priority: Priority | None = None
    region: str | None = None  # a region key
    attention_only: bool = False
    incidents: frozenset[int] | None = None  # a saved search's incidents (Triage)

    def __post_init__(self) -> None:
        # Values coming back from widgets may be plain strings.
        if self.kind is not None:
            object.__setattr__(self, "kind", FollowUpKind(self.kind))
        if self.priority is not None:
            object.__setattr__(self, "priority", Priority(self.priority))
        if self.statuses is not None:
            object.__setattr__(self, "statuses", frozenset(map(FollowUpStatus, self.statuses)))
        if self.incidents is not None:
            object.__setattr__(self, "incidents", frozenset(self.incidents))

    def accepts(self, item: FollowUp, region_key: str, needs_attention: bool) -> bool:
        """True when `item` (in region `region_key`) passes every chosen criterion."""
        if self.incident_id is not None and item.incident_id != self.incident_id:
            return False
        if self.incidents is not None and item.incident_id not in self.incidents:
            return False
        if self.owner is not None and item.owner.strip().casefold() != self.owner.casefold():
            return False
        if self.statuses is not None and item.status not in self.statuses:
            return False
        if self.kind is not None and item.kind is not self.kind:
            return False
        if self.priority is not None and item.priority is not self.priority:
            return False
        if self.region is not None and region_key != self.region:
            return False
        return not (self.attention_only and not needs_attention)


def apply_filter(
    items: Iterable[FollowUp],
    chosen: FollowUpFilter,
    regions: RegionMap,
    report: AttentionReport,
) -> list[FollowUp]:
    """The items `chosen` keeps, in their original order."""
    return [
        item
        for item in items
        if chosen.accepts(
            item, regions.at(item.value, item.feasibility).key, bool(report.of(item.id))
        )
    ]
