"""Shared fixtures: every test gets its own data directory and, on request, its own database.

The database fixtures run each test twice, once on a SQLite file and once on a PostgreSQL
database of its own (tests/team_server.py says where the server comes from). Without a
server the PostgreSQL half is skipped with the reason, except where HINDSIGHT_REQUIRE_POSTGRES
is set (CI), where it fails. Tests about what only a file has (its bytes, backups, SQLite's
own checks and full-text index) run on SQLite alone: see SQLITE_ONLY.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import team_server

from hindsight.paths import DATA_DIR_ENV
from hindsight.services.workspace import Workspace
from hindsight.store.postgres_url import ServerAddress

DatabaseTarget = Path | ServerAddress

# Test modules about a SQLite file itself: they run on SQLite only.
SQLITE_ONLY = {
    "tests/store/test_database.py",  # the file, its inspection, backups and creation
    "tests/store/test_migrations.py",  # stored SQLite files of each schema
    "tests/test_cli_environment.py",  # files and folders the command line meets
}


# Where the PostgreSQL half runs: the layers below the GUI, the command line, and the GUI's
# editing, reading, undo and review (tests/ui/test_team_ui.py adds the team-only behaviour).
# Elsewhere (core, export, the other GUI tests, many about files) the database fixtures give
# a SQLite file alone.
SERVER_TESTED = (
    "tests/store/",
    "tests/services/",
    "tests/test_cli.py",
    "tests/test_cli_search.py",
    "tests/test_team.py",
    "tests/ui/test_editing.py",
    "tests/ui/test_undo.py",
    "tests/ui/test_reading.py",
    "tests/ui/test_postmortem_tabs.py",
    "tests/ui/test_review_page.py",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the test is about SQLite files; no PostgreSQL run"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the PostgreSQL runs of tests about SQLite files."""
    root = Path(str(config.rootpath))
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_server = callspec is not None and callspec.params.get("db_kind") == "postgresql"
        module = Path(str(item.path)).relative_to(root).as_posix() if item.path else ""
        elsewhere = not module.startswith(SERVER_TESTED)
        if on_server and (
            elsewhere or module in SQLITE_ONLY or item.get_closest_marker("sqlite_only")
        ):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HINDSIGHT_DATA_DIR, so no test reads or writes the real user directory."""
    path = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(path))
    return path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[team_server.TestServer | None]:
    """The test server, or None when none is configured."""
    url = team_server.configured()
    if not url:
        yield None
        return
    server = team_server.TestServer(url)
    try:
        yield server
    finally:
        server.close()


def require_server(server: team_server.TestServer | None) -> team_server.TestServer:
    """The server, or skip (fail where the PostgreSQL half is required) without one."""
    if server is None:
        if team_server.required():
            pytest.fail(f"{team_server.URL_ENV} is not set, but CI requires the PostgreSQL half")
        pytest.skip(team_server.SKIP_REASON)
    return server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_kind(request: pytest.FixtureRequest) -> str:
    """Which kind of database the test runs on."""
    return str(request.param)


@pytest.fixture
def team_server_or_skip(
    postgres_server: team_server.TestServer | None,
) -> team_server.TestServer:
    """The test server (the test is skipped, or fails in CI, without one)."""
    return require_server(postgres_server)


@pytest.fixture
def db_path(
    tmp_path: Path,
    db_kind: str,
    request: pytest.FixtureRequest,
) -> Iterator[DatabaseTarget]:
    """Where a test's database goes: a file path (not created yet), or a new team database.

    The team database is at the head schema and holds nothing, as a new file would.
    """
    if db_kind == "sqlite":
        yield tmp_path / "db" / "hindsight.sqlite"
        return
    server = require_server(request.getfixturevalue("postgres_server"))
    address = server.new_database()
    try:
        yield address
    finally:
        server.drop(address)


@pytest.fixture
def workspace(db_path: DatabaseTarget) -> Iterator[Workspace]:
    """A new, empty workspace on `db_path`, closed after the test."""
    opened = Workspace.open(db_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def demo_db(
    tmp_path: Path, db_kind: str, request: pytest.FixtureRequest
) -> Iterator[DatabaseTarget]:
    """A closed database holding the three demo incidents (a file, or a team database)."""
    from hindsight.services.demo import write_demo_database

    # Without the generated history: these tests are about the three reference incidents.
    written = write_demo_database(tmp_path / "demo" / "demo.sqlite", history=False)
    if db_kind == "sqlite":
        yield written
        return
    from hindsight.services.copy import copy_database

    server = require_server(request.getfixturevalue("postgres_server"))
    address = server.new_database()
    try:
        copy_database(written, address)
        yield address
    finally:
        server.drop(address)
