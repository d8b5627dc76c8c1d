"""The insights service's reads and figures: what they make is collected in one young pass.

Left to Python, the objects a long pause made (a first read of the snapshot, the figures of
a scope) are walked by the young pass after the pause and again by the next pass of the
middle generation; the service walks them once, on its own thread, right away.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from hindsight.services import insights
from hindsight.services.insights import YOUNG_BATCH, _paused_then_collected


@pytest.fixture
def passes() -> Iterator[list[int]]:
    """The generation of every collector pass while the test runs (the collector on)."""
    was = gc.isenabled()
    gc.enable()
    gc.collect()
    seen: list[int] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)
        if not was:
            gc.disable()


def _oldest(objects: list[Any]) -> bool:
    """True when every one of `objects` is in the collector's oldest generation."""
    ids = {id(o) for o in gc.get_objects(generation=2)}
    return all(id(o) in ids for o in objects)


def test_many_new_objects_are_walked_once_and_reach_the_oldest_generation(
    passes: list[int],
) -> None:
    with _paused_then_collected():
        assert not gc.isenabled()
        kept = [[n] for n in range(YOUNG_BATCH + 1000)]  # tracked: lists
        assert passes == []
    assert gc.isenabled()
    assert passes[:1] == [1]  # one pass of the middle generation, no young pass before it
    assert gc.get_count()[0] < 1000
    assert _oldest(kept[:: YOUNG_BATCH // 10])


def test_few_new_objects_are_left_to_python(passes: list[int]) -> None:
    with _paused_then_collected():
        kept = [[n] for n in range(500)]
    assert passes == []
    assert kept


def test_nothing_is_collected_inside_another_pause(passes: list[int]) -> None:
    gc.disable()  # as another thread's pause, or a caller that switched it off
    try:
        with _paused_then_collected():
            kept = [[n] for n in range(YOUNG_BATCH + 1000)]
        assert not gc.isenabled()
        assert passes == []
    finally:
        gc.enable()
    assert kept


def test_an_error_in_the_block_collects_nothing_and_resumes(passes: list[int]) -> None:
    with pytest.raises(ValueError), _paused_then_collected():
        kept = [[n] for n in range(YOUNG_BATCH + 1000)]
        raise ValueError("read failed")
    assert gc.isenabled()
    assert 1 not in passes
    assert kept


def test_the_snapshot_read_and_the_figures_use_it() -> None:
    """Both the read of the snapshot and the working out of figures are inside one."""
    source = insights.InsightsService.refresh.__code__.co_names
    assert "_paused_then_collected" in source
    assert "_paused_then_collected" in insights.InsightsService.figures.__code__.co_names
