"""Full passes of the cycle collector wait until the window's work pauses."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from hindsight.services.collector import collector_paused
from hindsight.ui.idle_collector import DEFERRED, IdleCollector
from hindsight.ui.operations import Operations


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def schedule() -> Iterator[None]:
    """Python's own schedule, put back however the test ends."""
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    gc.enable()
    yield
    gc.set_threshold(*thresholds)
    if not enabled:
        gc.disable()


@pytest.fixture
def full_passes() -> Iterator[list[int]]:
    """Counts the full collections run from now on."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            seen.append(1)

    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)


def make_due(collector_due: int = 10) -> None:
    """Run passes of the middle generation until Python would want a full one."""
    for _ in range(collector_due + 1):
        gc.collect(1)


def test_full_passes_leave_pythons_schedule_and_come_back(qtbot, schedule) -> None:
    ops = Operations()
    young, middle, full = gc.get_threshold()
    collector = IdleCollector(ops)
    assert gc.get_threshold() == (young, middle, DEFERRED)
    collector.stop()
    assert gc.get_threshold() == (young, middle, full)


def test_a_due_pass_waits_for_a_quiet_window(qtbot, schedule, full_passes) -> None:
    ops, clock = Operations(), Clock()
    collector = IdleCollector(ops, quiet_ms=2000, force_after_s=60, clock=clock)
    try:
        ops.busyChanged.emit(True)  # a card moved: its save is on its way
        make_due()
        clock.now += 5
        assert not collector.check()  # busy
        ops.busyChanged.emit(False)
        clock.now += 1
        assert not collector.check()  # quiet for 1 s only
        clock.now += 1.5
        assert full_passes == []
        assert collector.check()
        assert full_passes == [1] and collector.passes == 1
        assert gc.get_count()[2] == 0
        assert not collector.check()  # nothing due any more
    finally:
        collector.stop()


def test_nothing_runs_before_python_would_have_run_one(qtbot, schedule, full_passes) -> None:
    ops, clock = Operations(), Clock()
    collector = IdleCollector(ops, clock=clock)
    try:
        gc.collect()  # counters at zero
        full_passes.clear()
        clock.now += 100
        assert not collector.check()
        assert full_passes == []
    finally:
        collector.stop()


def test_a_window_that_never_pauses_still_gets_a_pass(qtbot, schedule, full_passes) -> None:
    ops, clock = Operations(), Clock()
    collector = IdleCollector(ops, quiet_ms=2000, force_after_s=60, clock=clock)
    try:
        ops.busyChanged.emit(True)
        make_due()
        clock.now += 30
        assert not collector.check()
        clock.now += 31
        assert collector.check()
        assert full_passes == [1]
    finally:
        collector.stop()


def test_a_read_that_holds_the_collector_back_is_not_interrupted(
    qtbot, schedule, full_passes
) -> None:
    ops, clock = Operations(), Clock()
    collector = IdleCollector(ops, clock=clock)
    try:
        make_due()
        clock.now += 100
        with collector_paused():
            assert not collector.check()
        assert full_passes == []
        assert collector.check()
    finally:
        collector.stop()


def test_python_no_longer_runs_full_passes_by_itself(qtbot, schedule, full_passes) -> None:
    ops = Operations()
    collector = IdleCollector(ops)
    try:
        gc.collect()
        full_passes.clear()
        # Far more young garbage than Python's own schedule needs for a full pass.
        for _ in range(200_000):
            a: list[object] = []
            a.append(a)
        assert full_passes == []
    finally:
        collector.stop()
