"""Team databases on a PostgreSQL server: addresses, schema upgrades, copies, change
notifications, history and the command line (tests/team_server.py says where the server is).

The tests about addresses need no server and always run.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.team_server import TestServer

from hindsight import cli
from hindsight.services.changes import Changes
from hindsight.services.copy import copy_database
from hindsight.services.errors import ConflictError, StoreError
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.workspace import Workspace
from hindsight.store.database import Database
from hindsight.store.postgres import ServerDatabase, make_server_engine
from hindsight.store.postgres_errors import (
    SchemaBehindError,
    SchemaMissingError,
    ServerSchemaTooNewError,
    ServerUnreachableError,
)
from hindsight.store.postgres_url import BadServerAddress, ServerAddress
from hindsight.store.schema import HEAD_REVISION, KNOWN_REVISIONS, MIGRATIONS_DIR

# A server address nothing listens on: connecting fails at once.
NOWHERE = "postgresql://hindsight@127.0.0.1:1/nothing_here?connect_timeout=2"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- addresses (no server needed) --------------------------------------------------------------


def test_an_address_is_never_taken_for_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Path("postgresql://...") folds "//": opening it as a file made folders named after it.
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    for argv in (["list", "--db", NOWHERE], ["--db", NOWHERE, "check"], ["init", "--db", NOWHERE]):
        code, _, err = run(capsys, *argv)
        assert code == 1, argv
        assert "127.0.0.1" in err and "Traceback" not in err
    with pytest.raises(ServerUnreachableError):
        Database.open(NOWHERE)
    with pytest.raises(ServerUnreachableError):
        Workspace.open(NOWHERE)
    assert list(here.iterdir()) == []


def test_addresses_keep_passwords_out_of_sight() -> None:
    address = ServerAddress.parse("postgresql://ana:s3cret@db.example:6543/team?sslmode=require")
    assert (address.host, address.port, address.database, address.user) == (
        "db.example",
        6543,
        "team",
        "ana",
    )
    assert address.sslmode == "require"
    assert "s3cret" not in address.display and "s3cret" not in repr(address)
    assert "s3cret" in address.url()
    socket = ServerAddress.parse("postgresql:///team?host=/run/postgresql&port=5433")
    assert (socket.host, socket.port) == ("/run/postgresql", 5433)
    assert ServerAddress.parse(socket.display) == socket


def test_a_listener_without_a_server_says_so_and_stops_when_told() -> None:
    from hindsight.store.postgres_notify import ChangeListener

    states: list[bool] = []
    told = threading.Event()

    def state(up: bool, _message: str) -> None:
        states.append(up)
        told.set()

    listener = ChangeListener(ServerAddress.parse(NOWHERE), lambda _heard: None, state=state)
    listener.start()
    assert told.wait(10)
    thread = listener._thread
    listener.stop()
    assert thread is not None and not thread.is_alive()  # joined, not left running
    assert states == [False]


def test_a_listener_whose_receiver_is_gone_stops_without_an_unhandled_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A window deleted without closing its workspace leaves a Qt signal that raises
    # RuntimeError when emitted: the listening ends, the thread does not die of it.
    from hindsight.store.postgres_notify import ChangeListener

    unhandled: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: unhandled.append(args.exc_value))
    called = threading.Event()

    def gone(_up: bool, _message: str) -> None:
        called.set()
        raise RuntimeError("Signal source has been deleted")

    listener = ChangeListener(ServerAddress.parse(NOWHERE), lambda _heard: None, state=gone)
    listener.start()
    assert called.wait(10)
    thread = listener._thread
    assert thread is not None
    thread.join(10)
    assert not thread.is_alive()  # stopped by itself, nobody called stop()
    assert unhandled == []


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("postgresql://host", "names no database"),
        ("postgresql://host/db?sslmode=maybe", "sslmode must be one of"),
        ("postgresql://host:port/db", "port"),
    ],
)
def test_bad_addresses_are_refused_on_the_command_line(
    typed: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(BadServerAddress, match=says):
        ServerAddress.parse(typed)
    with pytest.raises(SystemExit) as exited:
        cli.main(["list", "--db", typed])
    assert exited.value.code == 2
    assert says in capsys.readouterr().err


# -- schema ------------------------------------------------------------------------------------


@pytest.fixture
def server(team_server_or_skip: TestServer) -> TestServer:
    return team_server_or_skip


@pytest.fixture
def empty(server: TestServer) -> Iterator[ServerAddress]:
    address = server.empty_database()
    try:
        yield address
    finally:
        server.drop(address)


def upgrade_to(address: ServerAddress, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = make_server_engine(address, pool_size=1)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def test_db_upgrade_creates_the_schema_and_opening_never_does(
    empty: ServerAddress, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SchemaMissingError, match="hindsight db upgrade"):
        Workspace.open(empty)
    code, _, err = run(capsys, "list", "--db", empty.display)
    assert code == 1 and "no Hindsight tables" in err
    code, out, _ = run(capsys, "db", "upgrade", "--db", empty.display)
    assert code == 0 and f"Created the schema {HEAD_REVISION}" in out
    code, out, _ = run(capsys, "db", "upgrade", "--db", empty.display)
    assert code == 0 and "nothing changed" in out
    code, out, _ = run(capsys, "db", "status", "--db", empty.display)
    assert code == 0 and f"schema {HEAD_REVISION}" in out
    workspace = Workspace.open(empty)
    try:
        assert workspace.is_team and workspace.incidents.create("first").key == "HS-1"
    finally:
        workspace.close()


@pytest.mark.parametrize("revision", KNOWN_REVISIONS[:-1])
def test_each_released_schema_upgrades_to_head(
    empty: ServerAddress, revision: str, capsys: pytest.CaptureFixture[str]
) -> None:
    upgrade_to(empty, revision)
    with pytest.raises(SchemaBehindError, match=f"schema {revision}"):
        Workspace.open(empty)
    code, out, _ = run(capsys, "db", "upgrade", "--db", empty.display)
    assert code == 0 and f"from schema {revision} to {HEAD_REVISION}" in out
    workspace = Workspace.open(empty)
    try:
        stored = workspace.incidents.create("after the upgrade")
        stored.summary = "edited"
        workspace.incidents.save(stored)
        assert workspace.database.integrity_problems() == []
    finally:
        workspace.close()


def test_a_newer_schema_is_refused_untouched(
    empty: ServerAddress, capsys: pytest.CaptureFixture[str]
) -> None:
    upgrade_to(empty, HEAD_REVISION)
    engine = make_server_engine(empty, pool_size=1)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(ServerSchemaTooNewError):
            Workspace.open(empty)
        code, _, err = run(capsys, "db", "upgrade", "--db", empty.display)
        assert code == 1 and "newer version" in err
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                "9999"
            )
    finally:
        engine.dispose()


def test_a_team_database_is_not_backed_up_by_the_app(
    server: TestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    address = server.new_database()
    try:
        code, _, err = run(capsys, "backup", "--db", address.display)
        assert code == 1 and "hindsight copy" in err
        code, out, _ = run(capsys, "check", "--db", address.display)
        assert code == 0 and f"schema {HEAD_REVISION}" in out
    finally:
        server.drop(address)


# -- copy --------------------------------------------------------------------------------------


def exported(target: Path | ServerAddress) -> list[bytes]:
    workspace = Workspace.open(target, create=False)
    try:
        service = ExportService(workspace, clock=lambda: _FIXED)
        return [
            service.render(s.id, ExportRequest(Format.JSON)).data
            for s in sorted(workspace.incidents.summaries(), key=lambda s: s.key)
        ]
    finally:
        workspace.close()


_FIXED = __import__("datetime").datetime(2026, 1, 1, tzinfo=__import__("datetime").UTC)


def test_copy_sqlite_to_server_and_back_gives_the_same_export(
    server: TestServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hindsight.services.demo import write_demo_database

    source = write_demo_database(tmp_path / "demo.sqlite")
    address = server.new_database()
    try:
        code, out, _ = run(capsys, "copy", "--from", source, "--to", address.display)
        assert code == 0 and "incidents" in out and address.database in out
        back = tmp_path / "back.sqlite"
        code, out, _ = run(capsys, "copy", "--from", address.display, "--to", back)
        assert code == 0
        assert exported(back) == exported(address) == exported(source)
        # A second copy into the same database is refused, and changes nothing.
        code, _, err = run(capsys, "copy", "--from", source, "--to", address.display)
        assert code == 1 and "already holds" in err
        code, _, err = run(capsys, "copy", "--from", source, "--to", back)
        assert code == 1 and "already exists" in err
        # Rows made after the copy get ids after the copied ones.
        workspace = Workspace.open(address)
        try:
            made = workspace.incidents.create("after the copy")
            assert made.id is not None and made.key not in {"HS-1", "HS-2", "HS-3"}
        finally:
            workspace.close()
    finally:
        server.drop(address)


def test_a_failed_copy_leaves_the_server_database_empty(
    server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hindsight.services import copy as copy_module
    from hindsight.services.demo import write_demo_database

    source = write_demo_database(tmp_path / "demo.sqlite", history=False)
    address = server.new_database()
    calls = []

    def failing(table: str, rows: int) -> None:
        calls.append(table)
        if table == "followups":
            raise RuntimeError("stopped half way")

    try:
        with pytest.raises(RuntimeError):
            copy_module.copy_database(source, address, progress=failing)
        assert "incidents" in calls
        workspace = Workspace.open(address)
        try:
            assert workspace.incidents.count() == 0
        finally:
            workspace.close()
    finally:
        server.drop(address)


# -- several clients ---------------------------------------------------------------------------


@pytest.fixture
def team(server: TestServer) -> Iterator[tuple[Workspace, Workspace]]:
    address = server.new_database()
    ours = Workspace.open(address, author="ana")
    theirs = Workspace.open(address, author="ben")
    try:
        yield ours, theirs
    finally:
        ours.close()
        theirs.close()
        server.drop(address)


def test_another_clients_save_reaches_the_change_feed_within_two_seconds(
    team: tuple[Workspace, Workspace],
) -> None:
    ours, theirs = team
    heard: list[Changes] = []
    arrived = threading.Event()

    def listener(changes: Changes) -> None:
        heard.append(changes)
        arrived.set()

    ours.changes.subscribe(listener)
    ours.listen()
    assert ours._team is not None and ours._team.listener.listening.wait(5)
    mine = ours.incidents.create("ours")
    time.sleep(0.3)  # our own notification must not come back as someone else's
    assert sum(mine.id in c.incidents for c in heard) == 1  # the service's own announcement
    arrived.clear()
    started = time.monotonic()
    made = theirs.incidents.create("theirs")
    assert arrived.wait(2.0)
    assert time.monotonic() - started < 2.0
    assert any(made.id in c.incidents for c in heard)
    thread = ours._team.listener._thread
    ours.close()
    assert thread is not None and not thread.is_alive()  # stopped and joined on close


def test_a_conflict_says_who_saved_and_history_keeps_each_author(
    team: tuple[Workspace, Workspace],
) -> None:
    ours, theirs = team
    made = ours.incidents.create("Shared incident")
    mine = ours.incidents.get(made.id or 0)
    other = theirs.incidents.get(made.id or 0)
    other.summary = "their words"
    theirs.incidents.save(other)
    mine.summary = "my words"
    with pytest.raises(ConflictError) as caught:
        ours.incidents.save(mine)
    assert caught.value.changed_by == "ben"
    assert caught.value.changed_at is not None
    entries = ours.history.entries(made.id or 0)
    assert [(e.author, e.action) for e in entries] == [("ben", "saved"), ("ana", "created")]
    change = entries[0].changes[0]
    assert (change.field, change.before, change.after) == ("summary", "", "their words")


def test_history_is_written_on_sqlite_too(workspace: Workspace) -> None:
    workspace.author = "cleo"
    made = workspace.incidents.create("Audited")
    made.title = "Audited twice"
    workspace.incidents.save(made)
    entries = workspace.history.entries(made.id or 0)
    assert [e.author for e in entries] == ["cleo", "cleo"]
    assert [(c.field, c.before, c.after) for c in entries[0].changes] == [
        ("title", "Audited", "Audited twice")
    ]


def _edit_many(address_url: str, worker: int, edits: int, incident_ids: list[int]) -> int:
    # Runs in a child process: conflicting edits through the services, retried on conflict.
    workspace = Workspace.open(address_url, author=f"client-{worker}")
    done = 0
    try:
        for n in range(edits):
            incident_id = incident_ids[n % len(incident_ids)]
            while True:
                incident = workspace.incidents.get(incident_id)
                incident.tags = [*incident.tags, f"w{worker}-{n}"]
                try:
                    workspace.incidents.save(incident)
                    break
                except ConflictError:
                    continue
            done += 1
    finally:
        workspace.close()
    return done


def test_concurrent_clients_lose_no_update(server: TestServer) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    clients = 8
    edits = int(os.environ.get("HINDSIGHT_TEAM_EDITS", "60"))  # the 500: bench/team.py
    address = server.new_database()
    try:
        setup = Workspace.open(address)
        ids = [setup.incidents.create(f"Contended {n}").id or 0 for n in range(3)]
        setup.close()
        with ProcessPoolExecutor(clients, mp_context=get_context("spawn")) as pool:
            futures = [
                pool.submit(_edit_many, address.url(), worker, edits, ids)
                for worker in range(clients)
            ]
            assert [f.result(timeout=600) for f in futures] == [edits] * clients
        check = Workspace.open(address)
        try:
            tags = [t for i in ids for t in check.incidents.get(i).tags]
            assert sorted(tags) == sorted(f"w{w}-{n}" for w in range(clients) for n in range(edits))
            authors = {e.author for i in ids for e in check.history.entries(i)}
            assert {f"client-{w}" for w in range(clients)} <= authors
            saved = sum(1 for i in ids for e in check.history.entries(i) if e.action == "saved")
            assert saved == clients * edits
        finally:
            check.close()
    finally:
        server.drop(address)


def test_a_server_restart_is_survived(server: TestServer) -> None:
    # Every connection is cut (as by a restart): the next save reconnects, saves once.
    address = server.new_database()
    workspace = Workspace.open(address)
    try:
        made = workspace.incidents.create("Before the restart")
        with server.admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": address.database},
            )
        made.summary = "typed while the server was away"
        stored = workspace.incidents.save(made)
        assert stored.version == made.version + 1
        assert workspace.incidents.get(made.id or 0).summary == made.summary
    finally:
        workspace.close()
        server.drop(address)


def test_server_errors_name_the_database_and_say_what_to_do(server: TestServer) -> None:
    missing = server.address("no_such_database_here")
    with pytest.raises(StoreError) as caught:
        ServerDatabase.open(missing)
    assert "no_such_database_here" in str(caught.value)
    assert "hindsight db upgrade" in str(caught.value)
    assert json.dumps(str(caught.value))  # one plain line of text


GRANTS = """
GRANT CONNECT ON DATABASE "{database}" TO {role};
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
"""


def test_the_documented_grants_are_enough_and_the_privacy_log_stays_append_only(
    server: TestServer, tmp_path: Path
) -> None:
    # The README's least-privilege role: everything the app does, and no schema change.
    import uuid
    from dataclasses import replace

    from hindsight.services.demo import write_demo_database

    role = f"hindsight_app_{uuid.uuid4().hex[:8]}"
    address = server.new_database()
    copy_database(write_demo_database(tmp_path / "demo.sqlite"), address)
    owner = make_server_engine(address, pool_size=1)
    try:
        with server.admin.connect() as connection:
            connection.execute(text(f"CREATE ROLE {role} LOGIN"))
        with owner.begin() as connection:
            for statement in GRANTS.format(database=address.database, role=role).split(";"):
                if statement.strip():
                    connection.execute(text(statement))
        app = Workspace.open(replace(address, user=role), author="least")
        try:
            made = app.incidents.create("With few rights")
            made.summary = "saved"
            app.incidents.save(made)
            item = app.followups.create(app.followups.new_item(made.id or 0, "Add an alert"))
            app.followups.save(replace(item, title="Add a freshness alert"))
            with_log = next(s.id for s in app.incidents.summaries() if app.privacy.accesses(s.id))
            for statement in (
                "CREATE TABLE sneaky (id int)",  # no schema change through the app's role
                "UPDATE data_accesses SET id = id",  # the log is append-only
                "DELETE FROM data_access_revisions",
            ):
                with (
                    pytest.raises(Exception, match=r"permission denied|append-only"),
                    app.database.write() as session,
                ):
                    session.execute(text(statement))
            app.incidents.delete(with_log)  # its log goes with the incident, as on SQLite
            assert app.privacy.accesses(with_log) == []
        finally:
            app.close()
    finally:
        owner.dispose()
        server.drop(address)
        with server.admin.connect() as connection:
            connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
