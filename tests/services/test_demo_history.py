"""The demo's generated history: marked, stable, honest to the publish gate, and telling a story."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import UTC, date
from pathlib import Path

import pytest

from hindsight.core.insights_scope import Scope
from hindsight.core.review import ReviewStatus
from hindsight.paths import DATA_DIR_ENV
from hindsight.review.bank import default_bank_path, load_bank
from hindsight.services.demo import load_demo_incidents, write_demo_database
from hindsight.services.demo_history import (
    COUNT,
    HISTORY_TAG,
    TITLE_PREFIX,
    generate_history,
)
from hindsight.services.insights import InsightsService
from hindsight.services.workspace import Workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The full demo database (reference incidents and history), built once, open."""
    folder = tmp_path_factory.mktemp("history")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_DIR_ENV, str(folder / "data"))
        workspace = Workspace.open(write_demo_database(folder / "demo.sqlite"))
        try:
            yield workspace
        finally:
            workspace.close()


def test_the_history_is_the_same_every_time() -> None:
    bank = load_bank(default_bank_path())
    first, second = generate_history(bank), generate_history(bank)
    assert len(first) == COUNT
    assert [s.incident.title for s in first] == [s.incident.title for s in second]
    assert [s.incident.milestones for s in first] == [s.incident.milestones for s in second]


def test_every_generated_record_is_marked(demo: Workspace) -> None:
    generated = [s for s in demo.incidents.summaries() if HISTORY_TAG in s.tags]
    assert len(generated) == COUNT
    for summary in generated:
        assert summary.title.startswith(TITLE_PREFIX)
        assert "Generated history" in demo.incidents.get(summary.id).summary
    ids = {s.id for s in generated}
    items = [i for i in demo.followups.items() if i.incident_id in ids]
    assert items and all(i.title.startswith(TITLE_PREFIX) for i in items)


def test_the_reference_incidents_are_untouched(demo: Workspace) -> None:
    reference = load_demo_incidents()
    for number, expected in enumerate(reference, start=1):
        stored = demo.incidents.get_by_key(f"HS-{number}")
        assert stored.title == expected.title
        assert HISTORY_TAG not in stored.tags
    ids = {demo.incidents.get_by_key(f"HS-{n}").id for n in (1, 2, 3)}
    assert len([i for i in demo.followups.items() if i.incident_id in ids]) == 23


def test_published_history_passed_the_publish_gate(demo: Workspace) -> None:
    published = [
        s
        for s in demo.incidents.summaries()
        if HISTORY_TAG in s.tags and s.review_status is ReviewStatus.PUBLISHED
    ]
    assert len(published) > COUNT // 2
    for summary in published:
        incident = demo.incidents.get(summary.id)
        assert demo.review.blockers(incident) == []
        moves = demo.review.history(summary.id)
        assert [m.to_status for m in moves] == [ReviewStatus.IN_REVIEW, ReviewStatus.PUBLISHED]
        # Backdated: published in the history's own past, after the incident was resolved.
        assert moves[-1].at.date() < date(2026, 3, 1)
        assert incident.created_at is not None and incident.created_at < moves[-1].at


def test_the_history_tells_a_story(demo: Workspace) -> None:
    insights = InsightsService(demo, zone=UTC)
    tagged = Scope(tags=frozenset({HISTORY_TAG}))
    early = insights.figures(Scope(tags=tagged.tags, end=date(2024, 12, 31)))
    late = insights.figures(Scope(tags=tagged.tags, start=date(2025, 1, 1)))

    def public_share(found) -> float:
        chart = found.chart("found_first")
        answered = sum(
            sum(v or 0 for v in s.values)
            for s in chart.series
            if s.role.value == "bar" and not s.unknown
        )
        public = sum(
            sum(v or 0 for v in chart.series_of(key).values)
            for key in ("end_users", "customers_partners", "support")
            if key in {s.key for s in chart.series}
        )
        return public / answered

    assert public_share(early) > public_share(late)
    detect_early = statistics.median(r.best for r in early.chart("time_to_detect").ranges)
    detect_late = statistics.median(r.best for r in late.chart("time_to_detect").ranges)
    assert detect_early > 3 * detect_late
    everything = insights.figures(tagged)
    assert everything.incidents == COUNT
    assert everything.chart("attention").value("items", "languishing") > 0
    for chart in everything.charts:
        assert not chart.empty, chart.key
    # Every generated incident states its cost in measures shared across the history, so the
    # Impact section adds them up (and compares the shares) on first open.
    totals = everything.chart("impact_totals")
    requests = "requests served degraded answers\u241frequests"
    assert totals.value("incidents", requests) == COUNT
    assert totals.value("low", requests) < totals.value("best", requests)
    assert totals.value("best", requests) < totals.value("high", requests)
    shares = everything.chart("impact_shares")
    assert shares.value("incidents", "users who saw worse results\u241f%") == COUNT
    assert everything.chart("impact_not_combined").value("measures", "no_number") > 0


def test_a_database_without_history_has_only_the_reference_incidents(tmp_path: Path) -> None:
    path = write_demo_database(tmp_path / "plain.sqlite", history=False)
    workspace = Workspace.open(path)
    try:
        assert workspace.incidents.count() == 3
    finally:
        workspace.close()
