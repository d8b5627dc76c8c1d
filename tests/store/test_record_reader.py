"""The plain-SQL record reader gives exactly the Incident the ORM repository gives."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.export.test_json_format import fuzzy_times, incidents, names, texts

from hindsight.core.enums import Marker
from hindsight.core.factors import ContributingFactor, FactorDate
from hindsight.core.impact import ImpactMeasure
from hindsight.core.incident import Incident
from hindsight.core.record_rules import record_problems
from hindsight.core.references import Reference, ReferenceKind
from hindsight.core.review import ReviewStatus
from hindsight.services.demo import write_demo_database
from hindsight.services.errors import NotFoundError
from hindsight.services.workspace import Workspace
from hindsight.store.record_reader import RecordReader
from hindsight.vocabulary import vocabulary

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "schemas"
amounts = st.none() | st.floats(-1e6, 1e6, allow_nan=False) | st.integers(-1000, 1000)


@st.composite
def full_records(draw: st.DrawFn) -> Incident:
    """A record with every part the reader reads, the postmortem parts included."""
    incident = draw(incidents())
    kinds = [k.id for k in vocabulary().change_kinds]
    return replace(
        incident,
        markers={
            m: draw(fuzzy_times()) for m in draw(st.lists(st.sampled_from(Marker), unique=True))
        },
        impacts=[
            ImpactMeasure(
                draw(names),
                low=draw(amounts),
                high=draw(amounts),
                best=draw(amounts),
                unit=draw(st.sampled_from(["", "%", "queries"])),
                slice=draw(texts),
                source=draw(texts),
                note=draw(texts),
            )
            for _ in range(draw(st.integers(0, 2)))
        ],
        factors=[
            ContributingFactor(
                draw(names),
                description=draw(texts),
                implicated=draw(st.lists(st.sampled_from(kinds), unique=True, max_size=2)),
                scope=draw(texts),
                # Factor dates the author's milestones leave out are stored as derived rows,
                # which the reader must skip as the repository does.
                dates={FactorDate.BEGAN: draw(fuzzy_times())} if draw(st.booleans()) else {},
            )
            for _ in range(draw(st.integers(0, 2)))
        ],
        references=[
            Reference(
                draw(st.sampled_from(ReferenceKind)),
                draw(st.sampled_from(["https://example.org/a", "PROJ-42", "https://x.test/?q=1"])),
                label=draw(names),
                note=draw(texts),
            )
            for _ in range(draw(st.integers(0, 2)))
        ],
        authors=draw(st.lists(names.filter(str.strip), max_size=2)),
        reviewers=draw(st.lists(names.filter(str.strip), max_size=2)),
        external_id=draw(st.sampled_from(["", "INC-1234"])),
    )


def _same_through_both(workspace: Workspace, incident_id: int) -> Incident:
    through_orm = workspace.incidents.repository.get(incident_id)
    reader = RecordReader(workspace.path)
    try:
        through_sql = reader.get(incident_id)
    finally:
        reader.close()
    assert through_sql == through_orm
    # Equal dataclasses can still differ in what equality forgives (1 == 1.0 == True, dict
    # order): the printed forms must match too.
    assert repr(through_sql) == repr(through_orm)
    return through_orm


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=full_records(), second=full_records())
def test_reader_equals_the_orm_for_random_records(first: Incident, second: Incident) -> None:
    assume(not record_problems(first) and not record_problems(second))
    if first.review_status is ReviewStatus.PUBLISHED:
        first = replace(first, review_status=ReviewStatus.IN_REVIEW)  # published is read-only
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace.open(Path(folder) / "a.sqlite")
        try:
            stored = workspace.incidents.add(first)
            assert stored.id is not None
            _same_through_both(workspace, stored.id)
            # Saved again with other children: updated and deleted rows read back as well.
            edited = replace(second, id=stored.id, key=stored.key, version=stored.version)
            workspace.incidents.save(edited)
            _same_through_both(workspace, stored.id)
        finally:
            workspace.close()


def test_reader_equals_the_orm_for_every_demo_incident(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    write_demo_database(path)
    workspace = Workspace.open(path)
    try:
        ids = [summary.id for summary in workspace.incidents.summaries()]
        assert len(ids) >= 5
        read = [_same_through_both(workspace, incident_id) for incident_id in ids]
        # The demo's hand-written records are full ones: every part was compared somewhere.
        for part in ("events", "roles", "answers", "impacts", "factors", "references", "markers"):
            assert any(getattr(incident, part) for incident in read), part
    finally:
        workspace.close()


@pytest.mark.parametrize("revision", ["0007", "0008"])
def test_reader_reads_a_stored_schema_database_as_the_orm_does_after_opening(
    tmp_path: Path, revision: str
) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(SCHEMAS / f"hindsight-{revision}.sqlite", path)
    connection = sqlite3.connect(path)
    ids = [row[0] for row in connection.execute("SELECT id FROM incidents ORDER BY id")]
    connection.close()
    assert ids
    reader = RecordReader(path)
    try:
        before_opening = [reader.get(incident_id) for incident_id in ids]
    finally:
        reader.close()
    workspace = Workspace.open(path)  # brings the schema up to date, if it is behind
    try:
        assert [workspace.incidents.repository.get(i) for i in ids] == before_opening
        for incident_id in ids:
            _same_through_both(workspace, incident_id)
    finally:
        workspace.close()


def test_opening_an_incident_uses_the_reader_and_sees_each_save(workspace: Workspace) -> None:
    stored = workspace.incidents.create("Stale embeddings served")
    assert stored.id is not None
    assert workspace.incidents.get(stored.id) == stored
    stored.summary = "The nightly index build skipped a shard."
    saved = workspace.incidents.save(stored)
    assert workspace.incidents.get(stored.id) == saved
    # On a SQLite file the plain reader answers; a team database is read through the ORM.
    assert (workspace.incidents._reader is not None) == (workspace.database.dialect == "sqlite")


def test_a_missing_incident_is_not_found(workspace: Workspace) -> None:
    with pytest.raises(NotFoundError, match="no longer exists"):
        workspace.incidents.get(4242)
