"""The workspace makes its ORM services on first use: what that must not change.

A window on a file opens its workspace with `defer=True` and shows incidents before the ORM
loads (services/workspace.py); everything a user can do must behave as with the services made
at once: writes, their history, the change feed, conflicts, the search index's checks.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from hindsight.core.followups import FollowUp
from hindsight.core.incident import Incident, TeamInvolvement
from hindsight.services.changes import Changes
from hindsight.services.errors import ConflictError
from hindsight.services.workspace import Workspace
from hindsight.store.database import Database
from hindsight.store.postgres_url import ServerAddress

ORM_SERVICES = ("history", "followups", "privacy", "search", "links", "attachments")


@pytest.fixture
def file_db(tmp_path: Path) -> Path:
    """A database file holding one incident with a team."""
    path = tmp_path / "lazy.sqlite"
    workspace = Workspace.open(path)
    try:
        incident = workspace.incidents.create("Feature store lag")
        incident.teams = [TeamInvolvement(team="Feature platform")]
        workspace.incidents.save(incident)
    finally:
        workspace.close()
    return path


def _made(workspace: Workspace) -> set[str]:
    return {name for name in ORM_SERVICES if name in workspace.__dict__}


def test_a_deferred_workspace_reads_incidents_without_the_orm(file_db: Path) -> None:
    workspace = Workspace.open(file_db, create=False, defer=True)
    try:
        assert not workspace.database.engine_made
        assert _made(workspace) == set()
        incident = workspace.incidents.get(1)
        assert incident.title == "Feature store lag"
        assert workspace.team_names(("Data science",)) == ["Data science", "Feature platform"]
        assert workspace.review.bank.question("trigger.kind") is not None
        # Reading the record, the team names and the bank made no engine and no service.
        assert not workspace.database.engine_made
        assert _made(workspace) == set()
        assert not workspace.prepared
    finally:
        workspace.close()


def test_a_save_makes_the_repository_and_still_records_history(file_db: Path) -> None:
    workspace = Workspace.open(file_db, create=False, defer=True, author="ada")
    try:
        heard: list[Changes] = []
        workspace.changes.subscribe(heard.append)
        incident = workspace.incidents.get(1)
        incident.title = "Feature store lag, again"
        saved = workspace.incidents.save(incident)
        assert saved.version == incident.version + 1
        assert workspace.database.engine_made
        assert [c.incidents for c in heard] == [frozenset({1})]
        latest = workspace.history.latest(1)
        assert latest is not None and latest.author == "ada"
        assert any(change.field == "title" for change in latest.changes)
    finally:
        workspace.close()


def test_a_conflict_still_names_who_saved_the_other_version(file_db: Path) -> None:
    mine = Workspace.open(file_db, create=False, defer=True, author="ada")
    theirs = Workspace.open(file_db, create=False, author="ben")
    try:
        stale = mine.incidents.get(1)
        fresh = theirs.incidents.get(1)
        fresh.summary = "Ben's words"
        theirs.incidents.save(fresh)
        stale.summary = "Ada's words"
        with pytest.raises(ConflictError) as caught:
            mine.incidents.save(stale)
        assert caught.value.changed_by == "ben"
    finally:
        mine.close()
        theirs.close()


def test_a_service_made_on_first_use_records_on_the_feed(
    db_path: Path | ServerAddress,
) -> None:
    workspace = Workspace.open(db_path)
    try:
        incident_id = workspace.incidents.create("Label drift").id
        assert incident_id is not None
        assert "followups" not in workspace.__dict__
        heard: list[Changes] = []
        workspace.changes.subscribe(heard.append)
        item = workspace.followups.create(FollowUp(title="Alert on drift", incident_id=incident_id))
        assert item.id is not None
        assert heard and heard[-1].any_followups and heard[-1].touches(incident_id)
        assert workspace.followups is workspace.followups  # made once, then kept
    finally:
        workspace.close()


def test_prepare_makes_every_service_once(file_db: Path) -> None:
    workspace = Workspace.open(file_db, create=False, defer=True)
    try:
        made: list[object] = []
        errors: list[BaseException] = []

        def prepare() -> None:
            try:
                workspace.prepare()
                made.append(workspace.followups)
            except BaseException as error:  # pragma: no cover - shown by the assert
                errors.append(error)

        threads = [threading.Thread(target=prepare) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert workspace.prepared and _made(workspace) == set(ORM_SERVICES)
        assert all(service is made[0] for service in made)  # never made twice
        assert workspace.search.search("feature").total == 1
    finally:
        workspace.close()


def test_a_deferred_open_still_builds_a_missing_search_index(file_db: Path) -> None:
    from hindsight.store import search_schema

    database = Database.open(file_db, create=False)
    with database.write() as session:
        search_schema.drop_index(session.connection())  # as a Python without FTS5 leaves it
    database.close()
    workspace = Workspace.open(file_db, create=False, defer=True)
    try:
        # The plain probe saw no index: opening built it, as an open without `defer` does.
        assert "search" in workspace.__dict__
        assert workspace.search.index_problems() == []
        assert workspace.search.search("feature").total == 1
    finally:
        workspace.close()


def test_the_database_makes_its_engine_on_first_use(file_db: Path) -> None:
    database = Database.open(file_db, create=False)
    try:
        assert not database.engine_made
        assert database.quick_problems() == []
        assert not database.engine_made  # plain sqlite3
        with database.read() as session:
            assert session.connection().exec_driver_sql("SELECT count(*) FROM incidents").scalar()
        assert database.engine_made
        assert database.engine is database.engine
    finally:
        database.close()
    Database.open(file_db, create=False).close()  # closing what never made an engine


def test_incident_service_needs_the_database_of_a_repository_made_later() -> None:
    from hindsight.services.incidents import IncidentService

    with pytest.raises(TypeError, match="database"):
        IncidentService(lambda: None)  # type: ignore[arg-type, return-value]


def test_an_eager_workspace_is_what_the_cli_gets(file_db: Path) -> None:
    workspace = Workspace.open(file_db, create=False)
    try:
        # Without `defer` the search index is made (and checked) at open, as it always was.
        assert "search" in workspace.__dict__
        assert isinstance(workspace.incidents.get(1), Incident)
    finally:
        workspace.close()
