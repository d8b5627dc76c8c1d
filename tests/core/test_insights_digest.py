"""The follow-up figures read each item once (core/insights_work.py `digest`): the day it was
opened and the day it was closed must be what FollowUp's own properties say, on any history."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from hindsight.core.followups import FollowUp, FollowUpStatus, Priority, StatusStep
from hindsight.core.insights_work import Work, digest


def _item(rng: random.Random, number: int) -> FollowUp:
    history = []
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
    for _ in range(rng.choice((0, 1, 1, 2, 3, 4))):
        on = None if rng.random() < 0.25 else day
        history.append(StatusStep(rng.choice(list(FollowUpStatus)), on))
        day += timedelta(days=rng.randrange(0, 90))
    created = None
    if rng.random() < 0.7:
        created = datetime(2023, 6, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(10**6))
    return FollowUp(
        title=f"item {number}",
        incident_id=rng.randrange(1, 50),
        history=history,
        priority=rng.choice(list(Priority)),
        created_at=created,
        id=number,
    )


@pytest.mark.parametrize("seed", range(4))
def test_digest_reads_each_item_as_its_properties_do(seed: int) -> None:
    rng = random.Random(seed)
    items = [_item(rng, n) for n in range(1, 2001)]
    expected = [
        Work(
            item,
            item.incident_id,
            item.priority,
            item.opened_on,
            item.status_since if item.is_closed else None,
        )
        for item in items
    ]
    found = digest(items)
    assert found == expected
    assert all(a.item is b.item for a, b in zip(found, expected, strict=True))
    # Every case was met: closed on a known day and on an unknown one, open, never dated.
    assert any(w.closed is not None for w in found)
    assert any(w.item.is_closed and w.closed is None for w in found)
    assert any(w.opened is None for w in found)
    assert any(not w.item.history and w.opened is not None for w in found)
