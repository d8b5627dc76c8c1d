"""The insights snapshot skips its version check when SQLite says nothing was committed.

On SQLite a refresh first asks its connection for a change mark (the data version, which moves
with every other connection's commit, and the connection's own count of changed rows); when
the mark is the one it saw when the snapshot last matched, nothing is read. Every change, made
by this workspace or by another program, must still be found.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hindsight.core.enums import Severity
from hindsight.core.followups import FollowUp, FollowUpStatus, StatusStep
from hindsight.core.incident import Incident
from hindsight.services.insights import InsightsService
from hindsight.services.workspace import Workspace

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def service(workspace: Workspace) -> InsightsService:
    return InsightsService(workspace, clock=lambda: NOW, zone=UTC)


class CountingReads:
    """Counts the version reads of a service's repository."""

    def __init__(self, service: InsightsService) -> None:
        self.reads = 0
        repository = service.repository
        incident_versions = repository.incident_versions

        def counted() -> dict[int, int]:
            self.reads += 1
            return incident_versions()

        repository.incident_versions = counted  # type: ignore[method-assign]


def other_program(workspace: Workspace) -> sqlite3.Connection:
    """A connection of another program on the same file."""
    assert isinstance(workspace.database.path, Path)
    return sqlite3.connect(workspace.database.path, isolation_level=None)


@pytest.mark.sqlite_only("SQLite's data version; a server's snapshot reads every version")
def test_an_unchanged_database_is_not_read_again(workspace: Workspace, service) -> None:
    workspace.incidents.add(Incident(title="one"))
    counting = CountingReads(service)
    assert service.refresh().incidents == 1
    assert counting.reads == 1
    for _ in range(3):
        assert not service.refresh().anything
        service.figures()
        service.choices()
    assert counting.reads == 1  # no version read while nothing was committed
    assert [f.key for f in service.facts()[0]] == [service.facts()[0][0].key]


def test_a_save_of_this_workspace_is_found(workspace: Workspace, service) -> None:
    incident = workspace.incidents.add(Incident(title="one"))
    service.refresh()
    for severity in (Severity.SEV1, Severity.SEV2, Severity.SEV1):
        incident.severity = severity
        incident = workspace.incidents.save(incident)
        assert service.refresh().incidents == 1
        assert [f.severity for f in service.facts()[0]] == [severity]
        assert not service.refresh().anything
    assert incident.id is not None
    workspace.followups.create_many(
        [
            FollowUp(
                title="t",
                incident_id=incident.id,
                history=[StatusStep(FollowUpStatus.OPEN, date(2025, 1, 1))],
            )
        ]
    )
    assert service.refresh().followups == 1


@pytest.mark.sqlite_only("SQLite's data version; a server's snapshot reads every version")
def test_a_commit_of_another_program_is_found(workspace: Workspace, service) -> None:
    incident = workspace.incidents.add(Incident(title="one", severity=Severity.SEV3))
    service.refresh()
    counting = CountingReads(service)
    assert not service.refresh().anything
    assert counting.reads == 0
    other = other_program(workspace)
    try:
        other.execute(
            "UPDATE incidents SET severity = 'SEV1', version = version + 1 WHERE id = ?",
            (incident.id,),
        )
        assert service.refresh().incidents == 1
        assert counting.reads == 1
        assert [f.severity for f in service.facts()[0]] == [Severity.SEV1]
        other.execute("DELETE FROM incidents WHERE id = ?", (incident.id,))
        assert service.refresh().removed == 1
        assert service.facts()[0] == []
    finally:
        other.close()
    assert not service.refresh().anything


@pytest.mark.sqlite_only("SQLite's data version; a server's snapshot reads every version")
def test_every_connection_of_the_pool_keeps_its_own_mark(workspace: Workspace, service) -> None:
    """A change seen through one connection is not missed through another that looked
    before it."""
    incident = workspace.incidents.add(Incident(title="one", severity=Severity.SEV3))
    database = workspace.database
    # Two connections held at once: the pool makes a second one.
    with database.read() as first_session, database.read() as second_session:
        first = first_session.connection().connection.driver_connection
        second = second_session.connection().connection.driver_connection
    assert first is not second
    service.refresh()
    service.refresh()  # marks taken, perhaps through either connection
    other = other_program(workspace)
    try:
        other.execute(
            "UPDATE incidents SET severity = 'SEV2', version = version + 1 WHERE id = ?",
            (incident.id,),
        )
    finally:
        other.close()
    # Whichever connection the pool hands out next, and the one after, the change is found
    # once and the snapshot stays right.
    found = [service.refresh().incidents for _ in range(4)]
    assert found.count(1) == 1 and set(found) <= {0, 1}
    assert [f.severity for f in service.facts()[0]] == [Severity.SEV2]
