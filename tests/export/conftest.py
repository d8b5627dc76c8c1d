"""Fixtures for export tests: the demo workspace, a fixed clock, and hostile text."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hindsight.core.enums import Phase
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, TimelineEvent
from hindsight.core.review import Answer, Attribution
from hindsight.services.demo import write_demo_database
from hindsight.services.export import ExportService
from hindsight.services.workspace import Workspace
from hindsight.store.models import Base, UTCDateTime

FIXED_NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)

HOSTILE = (
    "Before <script>alert('x')</script> after.\n\n"
    '<img src=x onerror="alert(1)"> and <a href="javascript:alert(2)">click</a>\n\n'
    "[md link](javascript:alert(3)) [entity](&#106;avascript:alert(4)) "
    "[escaped](javascript\\:alert(5)) <javascript:alert(6)>\n\n"
    "<iframe src='https://evil.example'></iframe> `<b>code stays</b>`"
)


BASE = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _qt_application(qapp: object) -> object:
    """The test run's QApplication, made before export code draws a picture.

    Outside tests the export makes its own offscreen QGuiApplication when none exists (the
    command line); in one test process that would stop pytest-qt making its QApplication.
    """
    return qapp


def _freeze_times(path: Path, since: datetime) -> None:
    """Move every time written at build time (>= `since`) to just after BASE, keeping order.

    The demo stamps records with the real clock as it builds them; documents show those times,
    so the golden files need them fixed.
    """
    shift = since - BASE
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, UTCDateTime):
                    continue
                rows = connection.execute(
                    f'SELECT rowid, "{column.name}" FROM "{table.name}" '
                    f'WHERE "{column.name}" IS NOT NULL'
                ).fetchall()
                for rowid, text in rows:
                    moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
                    if moment >= since:
                        fixed = (moment - shift).replace(tzinfo=None).isoformat(sep=" ")
                        connection.execute(
                            f'UPDATE "{table.name}" SET "{column.name}" = ? WHERE rowid = ?',
                            (fixed, rowid),
                        )


@pytest.fixture
def frozen_demo_db(tmp_path: Path) -> Path:
    """The demo database, with the times stamped while building it moved to fixed ones."""
    since = datetime.now(UTC) - timedelta(seconds=1)
    path = write_demo_database(tmp_path / "frozen" / "demo.sqlite", history=False)
    _freeze_times(path, since)
    return path


@pytest.fixture
def demo_workspace(frozen_demo_db: Path) -> Iterator[Workspace]:
    """The demo database (times fixed), open."""
    workspace = Workspace.open(frozen_demo_db)
    try:
        yield workspace
    finally:
        workspace.close()


@pytest.fixture
def exporter(demo_workspace: Workspace) -> ExportService:
    """An export service on the demo data with a fixed clock, in UTC."""
    return ExportService(demo_workspace, clock=lambda: FIXED_NOW, zone=UTC)


def hostile_incident() -> Incident:
    """An incident whose every text field tries to smuggle in script."""
    when = FuzzyTime.exact(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    return Incident(
        title="<script>alert('title')</script> Broken ranking",
        summary=HOSTILE,
        milestones={Phase.DETECTION: when.with_note("<img src=x onerror=alert(7)>")},
        events=[TimelineEvent(when, Phase.DETECTION, HOSTILE)],
        answers={"trigger.what": Answer("trigger.what", value=HOSTILE)},
        attributions={"binaries": Attribution("binaries", "implicated", HOSTILE)},
    )


def key_of(workspace: Workspace, key: str) -> int:
    """The id of the incident with `key`."""
    incident_id = workspace.incidents.get_by_key(key).id
    assert incident_id is not None
    return incident_id
