"""The attention rules, filters and ranking run in SQL agree with the Python rules.

Random databases (seeded): items with random cells, statuses, histories, due dates, kinds
and senior reviews; incidents published (some reopened since, some published twice) at random
moments, near midnight on purpose; random thresholds and "today"; three time zones, since a
review counts as published on a day of the user's calendar.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from hindsight.core.followup_attention import AttentionSettings
from hindsight.core.followup_filters import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    FollowUpFilter,
    apply_filter,
)
from hindsight.core.followup_ranking import rank, rank_key
from hindsight.core.followups import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Priority,
    StatusStep,
)
from hindsight.services.errors import ConflictError
from hindsight.services.workspace import Workspace
from hindsight.store.models import IncidentRow, ReviewTransitionRow

OWNERS = ("Wei Chen", "wei chen ", "Lucía Fernández", "LUCÍA FERNÁNDEZ", "", "Sven")


@pytest.fixture(params=["UTC", "Pacific/Auckland", "America/Los_Angeles"])
def zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The user's time zone for one test."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def random_history(rng: random.Random, today: date) -> list[StatusStep]:
    opened = today - timedelta(days=rng.randint(0, 400))
    steps = [StatusStep(FollowUpStatus.OPEN, opened)]
    day = opened
    for _ in range(rng.randint(0, 3)):
        status = rng.choice([s for s in FollowUpStatus if s is not steps[-1].status])
        day = min(day + timedelta(days=rng.randint(0, 60)), today)
        steps.append(StatusStep(status, day))
    return steps


def fill(workspace: Workspace, rng: random.Random, today: date) -> list[int]:
    """Random incidents, follow-ups and publications; returns the incident ids."""
    incidents = [workspace.incidents.create(f"Incident {n}").id for n in range(8)]
    items = []
    for _ in range(160):
        value, feasibility = rng.randint(1, 5), rng.randint(1, 5)
        items.append(
            FollowUp(
                title=f"item {len(items)}",
                incident_id=rng.choice(incidents),
                owner=rng.choice(OWNERS),
                due=today + timedelta(days=rng.randint(-40, 20)) if rng.random() < 0.7 else None,
                history=random_history(rng, today),
                priority=rng.choice(list(Priority)),
                kind=rng.choice(list(FollowUpKind)),
                value=value,
                feasibility=feasibility,
                next_senior_review=(
                    today + timedelta(days=rng.randint(-5, 5)) if rng.random() < 0.5 else None
                ),
            )
        )
    workspace.followups.create_many(items)
    with workspace.database.write() as session:
        for incident_id in incidents:
            roll = rng.random()
            if roll < 0.3:
                continue
            # Near a midnight somewhere: the calendar day depends on the time zone.
            for _ in range(rng.randint(1, 2)):
                at = datetime.combine(
                    today - timedelta(days=rng.randint(0, 60)), datetime.min.time(), UTC
                ) + timedelta(hours=rng.choice((0, 1, 11, 12, 13, 23)), minutes=rng.randint(0, 59))
                session.add(
                    ReviewTransitionRow(
                        incident_id=incident_id,
                        at=at,
                        from_status="in_review",
                        to_status="published",
                        reason="",
                    )
                )
            row = session.get(IncidentRow, incident_id)
            assert row is not None
            # Some were reopened since: their old publication no longer counts.
            row.review_status = "published" if roll < 0.85 else "in_review"
    return incidents


def random_settings(rng: random.Random) -> AttentionSettings:
    return AttentionSettings(
        highest_review_days=rng.randint(1, 45),
        languishing_days=rng.randint(1, 300),
        overdue_grace_days=rng.randint(0, 10),
    )


def random_filter(rng: random.Random, incidents: list[int], regions) -> FollowUpFilter:
    owners = ["wei chen", "lucía fernández", "", "Nobody"]
    statuses = [None, OPEN_STATUSES, CLOSED_STATUSES, frozenset({FollowUpStatus.BLOCKED})]
    return FollowUpFilter(
        incident_id=rng.choice(incidents) if rng.random() < 0.3 else None,
        owner=rng.choice(owners) if rng.random() < 0.3 else None,
        statuses=rng.choice(statuses),
        kind=rng.choice([None, FollowUpKind.MONITORING, FollowUpKind.FIX]),
        priority=rng.choice([None, None, Priority.HIGHEST]),
        region=rng.choice([None, None, *(r.key for r in regions.regions)]),
        attention_only=rng.random() < 0.3,
    )


@pytest.mark.parametrize("seed", range(4))
def test_sql_attention_filters_and_ranking_agree_with_the_rules(
    workspace: Workspace, zone: str, seed: int
) -> None:
    rng = random.Random(seed)
    now = datetime(2026, 11, 26, rng.randint(0, 23), 30, tzinfo=UTC)
    service = workspace.followups
    service.clock = lambda: now
    today = service.today()
    incidents = fill(workspace, rng, today)
    regions = service.regions
    for _ in range(5):
        service.save_settings(random_settings(rng))
        items = service.items()
        rules = service.rules()
        report = rules.assess(items)

        assert service.attention_count() == report.count
        assert service.attention_counts() == report.counts()
        assert service.blocker_reviews() == report.reviews
        for incident_id in incidents:
            mine = [item for item in items if item.incident_id == incident_id]
            assert service.attention_counts(incident_id) == rules.assess(mine).counts()

        for _ in range(6):
            chosen = random_filter(rng, incidents, regions)
            kept = apply_filter(items, chosen, regions, report)
            expected = [entry.item.id for entry in rank(kept, regions)]
            board = service.board(None, chosen)
            assert list(board.index) == expected, chosen
            # A card placed later from its whole item must land where the SQL keys put it.
            for item in kept:
                assert item.id is not None
                assert board.index.key_of(item.id) == rank_key(item, regions.at(*item.cell))
            assert board.summary.total == len(items)
            scoped = service.board(incidents[0], chosen)
            assert list(scoped.index) == [
                i for i in expected if service.get(i).incident_id == incidents[0]
            ]


def test_the_board_reads_whole_items_only_for_what_is_shown_first(workspace: Workspace) -> None:
    service = workspace.followups
    rng = random.Random(7)
    fill(workspace, rng, service.today())
    board = service.board(None, FollowUpFilter(), first_rows=10, per_cell=2)
    shown = {board.index.id_at(row) for row in range(10)}
    for ids in board.index.cells().values():
        shown.update(ids[:2])
    assert set(board.details) == shown
    assert all(board.details[i] == service.get(i) for i in shown)
    assert service.details([]) == []


def test_moves_saves_and_deletes_check_the_content_they_are_based_on(
    workspace: Workspace,
) -> None:
    service = workspace.followups
    incident_id = workspace.incidents.create("X").id
    item = service.create(FollowUp(title="Alert on model age", incident_id=incident_id))
    assert item.id is not None
    moved = service.move(item.id, 5, 5, expected=item)
    assert moved.cell == (5, 5)
    with pytest.raises(ConflictError):
        service.move(item.id, 1, 1, expected=item)  # it is no longer where the step left it
    # A newer version that says the same is fine: nothing would be overwritten.
    edited = service.save(replace(moved, title="Alert on serving model age"), expected=moved)
    with pytest.raises(ConflictError):
        service.save(replace(edited, owner="Wei"), expected=moved)
    with pytest.raises(ConflictError):
        service.delete(item.id, expected=moved)
    service.delete(item.id, expected=replace(edited, version=0))
    assert service.items(incident_id) == []


def test_incident_choices_offer_incidents_with_followups(workspace: Workspace) -> None:
    service = workspace.followups
    first = workspace.incidents.create("Search ranking went stale")
    second = workspace.incidents.create("Partner models useless (100% off)")
    workspace.incidents.create("Nothing to follow up")
    for incident in (first, second):
        service.create(FollowUp(title="x", incident_id=incident.id))
    assert [c.key for c in service.incident_choices("")] == [second.key, first.key]
    assert [c.id for c in service.incident_choices("ranking")] == [first.id]
    assert [c.id for c in service.incident_choices("100%")] == [second.id]
    assert service.incident_choices("_") == []
    assert service.incident_choices(first.key.lower())[0].id == first.id
    assert service.incident_choices("nothing") == []


def test_a_database_of_many_items_is_counted_in_sql(tmp_path: Path) -> None:
    # The count must not read whole items: with them out of reach it still works.
    workspace = Workspace.open(tmp_path / "x.sqlite")
    try:
        service = workspace.followups
        incident_id = workspace.incidents.create("X").id
        late = replace(service.new_item(incident_id, "late"), due=date(2020, 1, 1))
        service.create_many([replace(late, title=f"late {n}") for n in range(50)])

        def refuse(*args, **kwargs):
            raise AssertionError("whole items were read to count")

        service.repository.items = refuse  # type: ignore[method-assign]
        assert service.attention_count() == 50
        assert service.attention_counts().items == 50
    finally:
        workspace.close()
