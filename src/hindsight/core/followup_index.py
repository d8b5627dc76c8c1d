"""A ranked list of many follow-up items, kept in order one change at a time.

The Triage view may show tens of thousands of items. It holds, for each, only its sort key
under the ranking rule (followup_ranking.rank_key_of, whose last part is the item's id) and
its grid cell. Moving, adding or removing one item costs a binary search and a list insert,
not a new sort; the row of an item, its rank label and the items of a cell are found the same
way. The order is exactly that of `followup_ranking.rank` (the tests check it).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator

from hindsight.core.followup_ranking import RankGroup, RankKey

Cell = tuple[int, int]  # (value, feasibility)


class RankedIndex:
    """Item ids in ranked order, each with its sort key and its cell."""

    def __init__(self, entries: Iterable[tuple[RankKey, Cell]] = ()) -> None:
        self._keys: list[RankKey] = []
        self._key_of: dict[int, RankKey] = {}
        self._cell_of: dict[int, Cell] = {}
        self._cell_keys: dict[Cell, list[RankKey]] = {}
        self._cell_ids: dict[Cell, list[int]] = {}
        for key, cell in entries:
            self._key_of[key[-1]] = key
            self._cell_of[key[-1]] = cell
            self._cell_keys.setdefault(cell, []).append(key)
        # One sort for the whole list at first; each change after that is a single insert.
        self._keys = sorted(self._key_of.values())
        for cell, keys in self._cell_keys.items():
            keys.sort()
            self._cell_ids[cell] = [key[-1] for key in keys]

    # Reading

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._key_of

    def __iter__(self) -> Iterator[int]:
        return (key[-1] for key in self._keys)

    def id_at(self, row: int) -> int:
        """The item shown in `row`."""
        return self._keys[row][-1]

    def key_of(self, item_id: int) -> RankKey | None:
        """The sort key of an item, if it is listed."""
        return self._key_of.get(item_id)

    def cell_of(self, item_id: int) -> Cell | None:
        """The grid cell of an item, if it is listed."""
        return self._cell_of.get(item_id)

    def row_of(self, item_id: int) -> int | None:
        """The row of an item, if it is listed."""
        key = self._key_of.get(item_id)
        return None if key is None else bisect_left(self._keys, key)

    def row_for(self, key: RankKey) -> int:
        """The row an item with `key` would take if it were listed now."""
        return bisect_left(self._keys, key)

    def group_at(self, row: int) -> RankGroup:
        """Which part of the ranked list `row` is in."""
        return RankGroup(self._keys[row][0])

    def label_at(self, row: int) -> str:
        """'4' for tactical work, 'S2' for strategic work, '' for closed items."""
        group = self.group_at(row)
        if group is RankGroup.CLOSED:
            return ""
        position = row - bisect_left(self._keys, (group,)) + 1
        return str(position) if group is RankGroup.TACTICAL else f"S{position}"

    def cell_ids(self, cell: Cell) -> list[int]:
        """The items of one cell, in ranked order (do not change the list)."""
        return self._cell_ids.get(cell, [])

    def cells(self) -> dict[Cell, list[int]]:
        """Every non-empty cell with its items in ranked order (do not change the lists)."""
        return {cell: ids for cell, ids in self._cell_ids.items() if ids}

    # Changing

    def put(self, key: RankKey, cell: Cell) -> tuple[int | None, int]:
        """List an item (its id is the key's last part) or move it; returns (old, new) rows."""
        item_id = key[-1]
        old_row = self.remove(item_id)
        insort(self._keys, key)
        self._key_of[item_id] = key
        self._cell_of[item_id] = cell
        keys = self._cell_keys.setdefault(cell, [])
        slot = bisect_left(keys, key)
        keys.insert(slot, key)
        self._cell_ids.setdefault(cell, []).insert(slot, item_id)
        return old_row, bisect_left(self._keys, key)

    def remove(self, item_id: int) -> int | None:
        """Take an item off the list; returns the row it had (None if it was not listed)."""
        key = self._key_of.pop(item_id, None)
        if key is None:
            return None
        row = bisect_left(self._keys, key)
        del self._keys[row]
        cell = self._cell_of.pop(item_id)
        keys = self._cell_keys[cell]
        slot = bisect_left(keys, key)
        del keys[slot]
        del self._cell_ids[cell][slot]
        return row
