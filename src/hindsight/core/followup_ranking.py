"""The ranking rule of follow-up items: one documented order, used by every ranked list.

Items are first split into three groups, shown in this order:

1. tactical work: open items (open, in progress, blocked) outside strategic regions, numbered
   1, 2, 3 ...;
2. strategic work: open items in a strategic region, numbered S1, S2 ... They are reviewed
   with senior leads on their own schedule and are never ranked against tactical work, so they
   come after it as a list of their own;
3. closed items (done, won't do), unnumbered, for reference.

Within a group the order is:

- region, by the region's `order` in resources/followup_regions.toml (Do first, Fill-ins,
  Reconsider);
- then priority, Highest first;
- then value, highest first;
- then feasibility, easiest first;
- then age, oldest first (the day the item was opened);
- then the item's id, so that the order is total and stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from hindsight.core.followup_regions import Region, RegionMap
from hindsight.core.followups import FollowUp, Priority


class RankGroup(IntEnum):
    """The three parts of a ranked list, in display order."""

    TACTICAL = 0
    STRATEGIC = 1
    CLOSED = 2


@dataclass(frozen=True, slots=True)
class RankedItem:
    """An item with its place in the ranked list."""

    item: FollowUp
    region: Region
    group: RankGroup
    position: int  # 1-based within its group

    @property
    def label(self) -> str:
        """'4' for tactical work, 'S2' for strategic work, '' for closed items."""
        if self.group is RankGroup.TACTICAL:
            return str(self.position)
        if self.group is RankGroup.STRATEGIC:
            return f"S{self.position}"
        return ""


RankKey = tuple[int, int, int, int, int, date, int]


def group_for(closed: bool, region: Region) -> RankGroup:
    """The part of the ranked list of an item that is closed or not, in `region`."""
    if closed:
        return RankGroup.CLOSED
    return RankGroup.STRATEGIC if region.strategic else RankGroup.TACTICAL


def rank_key(item: FollowUp, region: Region) -> RankKey:
    """The sort key of the ranking rule (see the module docstring)."""
    return rank_key_of(
        item.is_closed,
        region,
        item.priority,
        item.value,
        item.feasibility,
        item.opened_on,
        item.id if item.id is not None else 0,
    )


def rank_key_of(
    closed: bool,
    region: Region,
    priority: Priority,
    value: int,
    feasibility: int,
    opened: date | None,
    item_id: int,
    /,
) -> RankKey:
    """The sort key of the ranking rule from the fields it reads (lists of many items are
    ranked from these few fields, without reading whole items)."""
    if closed:
        group = RankGroup.CLOSED
    else:
        group = RankGroup.STRATEGIC if region.strategic else RankGroup.TACTICAL
    return (
        group,
        region.order,
        _PRIORITY_RANK[priority],
        -value,
        -feasibility,
        opened or date.max,
        item_id,
    )


_PRIORITY_RANK = {priority: priority.rank for priority in Priority}


def rank(items: Iterable[FollowUp], regions: RegionMap) -> list[RankedItem]:
    """`items` in ranked order, each with its group and position."""
    keyed = []
    for item in items:
        region = regions.at(item.value, item.feasibility)
        keyed.append((rank_key(item, region), item, region))
    keyed.sort(key=lambda entry: entry[0])
    ranked: list[RankedItem] = []
    counts = dict.fromkeys(RankGroup, 0)
    for key, item, region in keyed:
        group = RankGroup(key[0])
        counts[group] += 1
        ranked.append(RankedItem(item, region, group, counts[group]))
    return ranked
