"""The incident list as SQL: the same incidents in the same order as a plain reading would give."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight.core.enums import Phase, Severity
from hindsight.core.impact import ImpactMeasure, headline
from hindsight.core.incident import Incident
from hindsight.core.listing import ListColumn, ListQuery
from hindsight.core.review import ReviewStatus
from hindsight.services.workspace import Workspace
from hindsight.store.listing import SORT_EXPRESSIONS, IncidentListing
from hindsight.store.models import IncidentRow

WORDS = ["drift", "Ranking", "SEARCH", "feed", "é", "École", "100%", "a_b", '",', "[x]", "straße"]
text = st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join)


def _ascii_fold(value: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in value)


def reference_ids(incidents: list[Incident], query: ListQuery) -> list[int]:
    """What the list should show, worked out in Python from full records."""

    def matches(incident: Incident) -> bool:
        if query.phase is not None and incident.phase is not query.phase:
            return False
        if query.severity is not None and incident.severity is not query.severity:
            return False
        if query.only is not None and incident.id not in query.only:
            return False
        fields = [incident.key, incident.title, *incident.tags, *incident.systems]
        for word in query.words:
            if word.isascii():
                found = any(_ascii_fold(word) in _ascii_fold(field) for field in fields)
            else:
                found = any(word.casefold() in field.casefold() for field in fields)
            if not found:
                return False
        return True

    def key(incident: Incident) -> tuple[object, int]:
        number = int(incident.key.rpartition("-")[2])
        review = list(ReviewStatus).index(incident.review_status) * 1000
        column = {
            ListColumn.KEY: number,
            ListColumn.TITLE: _ascii_fold(incident.title),
            ListColumn.PHASE: incident.phase.position,
            ListColumn.SEVERITY: incident.severity.value,
            ListColumn.REVIEW: review + incident.review_progress,
            ListColumn.UPDATED: incident.updated_at,
            ListColumn.IMPACT: _ascii_fold(headline(incident.impacts)),
        }[query.sort]
        return column, number

    kept = sorted(filter(matches, incidents), key=key, reverse=query.descending)
    return [incident.id for incident in kept if incident.id is not None]


incident_data = st.fixed_dictionaries(
    {
        "title": text,
        "tags": st.lists(st.sampled_from(WORDS), max_size=3),
        "systems": st.lists(st.sampled_from(WORDS), max_size=2),
        "phase": st.sampled_from(Phase),
        "severity": st.sampled_from(Severity),
        "status": st.sampled_from(ReviewStatus),
        "progress": st.integers(0, 100),
        "minutes": st.integers(0, 5),
        "impact": st.none()
        | st.sampled_from(
            [("Queries lost", 1.21e9, "queries"), ("requests failing", 16.0, "%"), ("Users", 3, "")]
        ),
    }
)
queries = st.builds(
    ListQuery,
    text=text,
    phase=st.none() | st.sampled_from(Phase),
    severity=st.none() | st.sampled_from(Severity),
    only=st.none() | st.frozensets(st.integers(1, 12), max_size=6),
    sort=st.sampled_from(ListColumn),
    descending=st.booleans(),
)


def _store(workspace: Workspace, rows: list[dict[str, object]]) -> list[Incident]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    stored = []
    for row in rows:
        incident = workspace.incidents.add(
            Incident(
                title=str(row["title"]) or "untitled",
                tags=list(row["tags"]),  # type: ignore[call-overload]
                systems=list(row["systems"]),  # type: ignore[call-overload]
                phase=row["phase"],  # type: ignore[arg-type]
                severity=row["severity"],  # type: ignore[arg-type]
                impacts=[ImpactMeasure(measure=m, best=v, unit=u) for m, v, u in [row["impact"]]]
                if row["impact"]
                else [],
            )
        )
        stored.append(incident)
    # Status, progress and times as generated, written straight into the rows.
    with workspace.database.write() as session:
        for incident, row in zip(stored, rows, strict=True):
            record = session.get(IncidentRow, incident.id)
            assert record is not None
            record.review_status = row["status"].value  # type: ignore[attr-defined]
            record.review_progress = row["progress"]  # type: ignore[assignment]
            record.updated_at = start + timedelta(minutes=row["minutes"])  # type: ignore[operator]
    return [workspace.incidents.get(incident.id or 0) for incident in stored]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(incident_data, min_size=0, max_size=12), query=queries)
def test_ids_match_a_plain_reading(tmp_path_factory, rows, query) -> None:
    path = tmp_path_factory.mktemp("listing") / "list.sqlite"
    workspace = Workspace.open(path)
    try:
        incidents = _store(workspace, rows)
        listing = IncidentListing.for_sqlite(path)
        try:
            expected = reference_ids(incidents, query)
            assert listing.ids(query) == expected
            assert listing.count(query) == len(expected)
            paged = [row.id for start in range(0, 14, 4) for row in listing.page(query, start, 4)]
            assert paged == expected
            for incident in incidents:
                position = listing.position(query, incident.id or 0)
                wanted = expected.index(incident.id) if incident.id in expected else None
                assert position == wanted
        finally:
            listing.close()
    finally:
        workspace.close()


def test_rows_carry_the_columns_of_the_ids_asked(workspace: Workspace, db_path: Path) -> None:
    first = workspace.incidents.create("Stale ranking model")
    second = workspace.incidents.create("Partner key renamed", severity=Severity.SEV1)
    workspace.incidents.delete(first.id or 0)
    listing = IncidentListing.for_target(db_path)
    rows = listing.rows([first.id or 0, second.id or 0])
    assert list(rows) == [second.id]
    row = rows[second.id or 0]
    assert (row.key, row.title, row.severity, row.phase) == (
        second.key,
        "Partner key renamed",
        Severity.SEV1,
        Phase.DETECTION,
    )
    assert row.updated_at == second.updated_at
    assert listing.count() == 1
    listing.close()


@pytest.mark.sqlite_only("SQLite's query plan")
@pytest.mark.parametrize("column", list(ListColumn))
@pytest.mark.parametrize("descending", [True, False])
def test_every_sort_reads_an_index_in_order(
    workspace: Workspace, db_path: Path, column: ListColumn, descending: bool
) -> None:
    # The planner uses the list's indexes only while their expressions match the queries.
    direction = "DESC" if descending else "ASC"
    order = f"{SORT_EXPRESSIONS[column]} {direction}"
    if column is not ListColumn.KEY:
        order += f", number {direction}"
    connection = sqlite3.connect(db_path)
    try:
        plan = connection.execute(
            f"EXPLAIN QUERY PLAN SELECT id FROM incidents ORDER BY {order}"
        ).fetchall()
    finally:
        connection.close()
    details = " ".join(row[-1] for row in plan)
    assert "TEMP B-TREE" not in details
    assert "INDEX" in details


@pytest.mark.parametrize(
    "hostile",
    ["%", "_", "\\", "' OR 1=1 --", '"; DROP TABLE incidents; --', "\\%", "[", "NEAR(x y)"],
)
def test_filter_words_are_text_not_syntax(
    workspace: Workspace, db_path: Path, hostile: str
) -> None:
    plain = workspace.incidents.create("Plain title")
    odd = workspace.incidents.create(f"Title with {hostile} inside")
    listing = IncidentListing.for_target(db_path)
    found = listing.ids(ListQuery(text=hostile))
    listing.close()
    assert odd.id in found
    assert plain.id not in found
    assert workspace.incidents.count() == 2
