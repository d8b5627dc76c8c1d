"""Pausing the cycle collector around big reads: nesting, threads, and the Triage read."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from hindsight.core.followup_filters import FollowUpFilter
from hindsight.core.followups import FollowUp
from hindsight.services.collector import collector_paused
from hindsight.services.workspace import Workspace


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_a_pause_holds_the_collector_and_resumes_it(collector_on: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: the inner end does not resume it
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off(collector_on: None) -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_an_error_in_the_block_still_resumes(collector_on: None) -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("read failed")
    assert gc.isenabled()


def test_pauses_from_two_threads_resume_when_the_last_ends(collector_on: None) -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(10)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the other thread's pause still runs
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_the_triage_read_ranks_every_item_with_the_collector_paused(
    workspace: Workspace, collector_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = workspace.followups
    incident = workspace.incidents.create("Stale ranking")
    for title in ("Alert on model age", "Canary the ranker", "Runbook for rollback"):
        service.create(FollowUp(title=title, incident_id=incident.id))
    seen: list[bool] = []
    read = service.repository.rank_fields

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = list(read(*args, **kwargs))
        seen.append(gc.isenabled())
        return rows

    monkeypatch.setattr(service.repository, "rank_fields", watched)
    board = service.board(None, FollowUpFilter(), first_rows=3)
    assert len(board.index) == 3
    assert seen == [False]
    assert gc.isenabled()


def test_the_insights_snapshot_is_read_with_the_collector_paused(
    workspace: Workspace, collector_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hindsight.services.insights import insights_for

    workspace.incidents.create("Stale ranking")
    service = insights_for(workspace)
    seen: list[bool] = []
    read = service.repository.incident_facts

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        facts = read(*args, **kwargs)
        seen.append(gc.isenabled())
        return facts

    monkeypatch.setattr(service.repository, "incident_facts", watched)
    service.refresh()
    assert seen == [False]
    assert gc.isenabled()
