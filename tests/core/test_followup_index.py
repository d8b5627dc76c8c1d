"""The ranked index: the order of the ranking rule, kept one change at a time."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from hindsight.core.followup_index import RankedIndex
from hindsight.core.followup_ranking import rank, rank_key
from hindsight.core.followup_regions import load_regions
from hindsight.core.followups import FollowUp, FollowUpStatus, Priority, StatusStep
from hindsight.paths import resources_dir

REGIONS = load_regions(resources_dir() / "followup_regions.toml")


def random_item(rng: random.Random, item_id: int) -> FollowUp:
    opened = date(2026, 1, 1) + timedelta(days=rng.randint(0, 40))  # many ties on purpose
    history = [StatusStep(FollowUpStatus.OPEN, opened)]
    status = rng.choice(list(FollowUpStatus))
    if status is not FollowUpStatus.OPEN:
        history.append(StatusStep(status, opened))
    return FollowUp(
        title=f"item {item_id}",
        incident_id=1,
        id=item_id,
        value=rng.randint(1, 5),
        feasibility=rng.randint(1, 5),
        priority=rng.choice(list(Priority)),
        history=history,
    )


def entry(item: FollowUp):
    return rank_key(item, REGIONS.at(*item.cell)), item.cell


def check(index: RankedIndex, items: dict[int, FollowUp]) -> None:
    """The index says what a full ranking of the items says, row by row and cell by cell."""
    ranked = rank(items.values(), REGIONS)
    assert list(index) == [e.item.id for e in ranked]
    assert [index.label_at(row) for row in range(len(index))] == [e.label for e in ranked]
    for row, e in enumerate(ranked):
        assert index.row_of(e.item.id) == row
        assert index.cell_of(e.item.id) == e.item.cell
    cells: dict[tuple[int, int], list[int]] = {}
    for e in ranked:
        cells.setdefault(e.item.cell, []).append(e.item.id)
    assert index.cells() == cells


@pytest.mark.parametrize("seed", range(8))
def test_random_moves_additions_and_removals_keep_the_ranking_rule(seed: int) -> None:
    rng = random.Random(seed)
    items = {n: random_item(rng, n) for n in range(1, 120)}
    index = RankedIndex(entry(item) for item in items.values())
    check(index, items)
    next_id = 1000
    for _ in range(150):
        roll = rng.random()
        if roll < 0.6 and items:
            chosen = rng.choice(list(items))
            moved = items[chosen].moved(rng.randint(1, 5), rng.randint(1, 5))
            if rng.random() < 0.3:
                moved = moved.with_status(rng.choice(list(FollowUpStatus)), date(2026, 3, 1))
            items[chosen] = moved
            old, new = index.put(*entry(moved))
            assert old is not None and new == index.row_of(chosen)
        elif roll < 0.8:
            next_id += 1
            items[next_id] = random_item(rng, next_id)
            assert index.put(*entry(items[next_id]))[0] is None
        elif items:
            chosen = rng.choice(list(items))
            del items[chosen]
            assert index.remove(chosen) is not None
            assert index.remove(chosen) is None
    check(index, items)


def test_an_empty_index() -> None:
    index = RankedIndex()
    assert len(index) == 0 and index.cells() == {} and index.row_of(1) is None
    assert index.cell_ids((3, 3)) == []
