"""A team database on a PostgreSQL server: the same Database interface as a SQLite file.

What differs from a file, and why:
- Opening never changes the schema. A database whose schema is missing, behind or ahead is
  refused with a message saying so; `upgrade_server` (the `hindsight db upgrade` command, or
  the app after the user confirms) is the one way to migrate it, in one transaction.
- Writes are serialised across every client by a transaction-level advisory lock, taken as
  the first statement of each write transaction: the same guarantee SQLite's BEGIN IMMEDIATE
  gives the repositories, so none of them needs to know which kind of database it writes to,
  and no deadlock or serialisation failure can reach a user. Reads never wait for it.
- psycopg 3 connects through libpq, so the password comes from PGPASSWORD, ~/.pgpass or a
  service file, and sslmode and the other libpq options in the address are honoured.
- Each connection's server process id is remembered, so change notifications this client
  caused (store/postgres_notify.py) are not announced to it a second time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.orm import Session

from hindsight.store.database import Database
from hindsight.store.postgres_errors import (
    NotHindsightServerError,
    SchemaBehindError,
    SchemaMissingError,
    ServerError,
    ServerSchemaTooNewError,
    server_errors,
)
from hindsight.store.postgres_url import ServerAddress
from hindsight.store.schema import HEAD_REVISION, KNOWN_REVISIONS, upgrade_to_head

log = logging.getLogger(__name__)

# Advisory lock keys ("Hind" and "Schm" as 32-bit numbers): one for every write, one for
# schema upgrades.
WRITE_LOCK = 0x48696E64
UPGRADE_LOCK = 0x5363686D
WRITE_WAIT = "30s"  # longer than any save; an import of thousands of incidents fits in it
CONNECT_TIMEOUT_S = 5
APPLICATION_NAME = "hindsight"
OWN_PID_MEMORY_S = 60.0


class BackupOnServerError(ServerError):
    what = "A team database is backed up on its server, not by Hindsight."
    advice = (
        "Ask its administrator (pg_dump), or copy it into a file with: "
        "hindsight copy --from ADDRESS --to FILE"
    )


def sqlalchemy_url(address: ServerAddress) -> URL:
    """The SQLAlchemy URL of `address`, with psycopg 3 as the driver."""
    query: dict[str, str] = dict(address.options)
    host: str | None = address.host or None
    if host is not None and host.startswith("/"):
        query["host"] = host  # a socket folder goes to libpq as a parameter
        host = None
    if host is None and address.port is not None:
        query["port"] = str(address.port)
    return URL.create(
        "postgresql+psycopg",
        username=address.user or None,
        password=address.password or None,
        host=host,
        port=address.port if host is not None else None,
        database=address.database or None,
        query=query,
    )


def make_server_engine(address: ServerAddress, *, pool_size: int = 4) -> Engine:
    """An engine for `address` (nothing is connected until it is used)."""
    connect_args: dict[str, Any] = {"application_name": APPLICATION_NAME}
    if "connect_timeout" not in dict(address.options):
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    return create_engine(
        sqlalchemy_url(address),
        connect_args=connect_args,
        pool_size=pool_size,
        max_overflow=4,
        # A connection the server dropped (a restart) is found out before it is used.
        pool_pre_ping=True,
    )


def read_revision(connection: Connection, location: str) -> str:
    """The schema revision of the database behind `connection`, or a ServerError."""
    present = connection.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar()
    if present is None:
        tables = connection.exec_driver_sql(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        ).scalar()
        if tables:
            raise NotHindsightServerError(location, f"{tables} tables, none of them Hindsight's")
        raise SchemaMissingError(location)
    revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    if revision is None:
        raise SchemaMissingError(location, "its schema version is not recorded")
    return str(revision)


def check_revision(revision: str, location: str) -> None:
    """Refuse a schema this build cannot use as it is."""
    if revision == HEAD_REVISION:
        return
    if revision not in KNOWN_REVISIONS:
        raise ServerSchemaTooNewError(
            location, f"schema {revision}; this Hindsight knows up to {HEAD_REVISION}"
        )
    raise SchemaBehindError(
        location, f"schema {revision}; this Hindsight needs {HEAD_REVISION}", revision=revision
    )


class ServerDatabase(Database):
    """An open team database on a PostgreSQL server."""

    dialect = "postgresql"

    def __init__(self, address: ServerAddress, engine: Engine) -> None:
        self.address = address
        # `path` stays for code that only names the database in a message.
        super().__init__(Path(address.display), engine)
        self._pids: set[int] = set()
        self._gone: dict[int, float] = {}  # closed connections' pids, and when they closed
        self._pids_lock = threading.Lock()
        event.listen(engine, "connect", self._connected)
        event.listen(engine, "close", self._closed)

    @classmethod
    def open(  # type: ignore[override]
        cls, address: ServerAddress, **_ignored: Any
    ) -> ServerDatabase:
        """Connect to `address` and check its schema; a ServerError says what is wrong."""
        engine = make_server_engine(address)
        database = cls(address, engine)
        try:
            with server_errors(address.display), engine.connect() as connection:
                check_revision(read_revision(connection, address.display), address.display)
        except BaseException:
            engine.dispose()
            raise
        return database

    # Who we are on the server

    def _connected(self, dbapi_connection: Any, record: Any) -> None:
        pid = dbapi_connection.info.backend_pid
        record.info["backend_pid"] = pid
        with self._pids_lock:
            self._pids.add(pid)

    def _closed(self, _dbapi_connection: Any, record: Any) -> None:
        pid = record.info.get("backend_pid")
        with self._pids_lock:
            if pid in self._pids:
                self._pids.discard(pid)
                # Its last commit's notifications may still be on their way to the listener.
                self._gone[pid] = time.monotonic()

    @property
    def own_connections(self) -> frozenset[int]:
        """Server process ids of this client's connections (and of those closed lately)."""
        now = time.monotonic()
        with self._pids_lock:
            for pid, closed in list(self._gone.items()):
                if now - closed > OWN_PID_MEMORY_S:
                    del self._gone[pid]
            return frozenset(self._pids | self._gone.keys())

    @property
    def location(self) -> str:
        """The address, without a password."""
        return self.address.display

    @property
    def name(self) -> str:
        """The database's name on the server."""
        return self.address.name

    # Sessions

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; server problems come out as ServerError."""
        with server_errors(self.location), Session(self.engine, expire_on_commit=False) as s:
            yield s

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction holds the team-wide write lock from its start."""
        with (
            server_errors(self.location),
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            session.execute(text(f"SET LOCAL lock_timeout = '{WRITE_WAIT}'"))
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
            yield session

    # What a file has and a server does differently

    def backup(self, destination: Path) -> Path:
        """Refused: the server's own tools back it up."""
        raise BackupOnServerError(self.location)

    def integrity_problems(self) -> list[str]:
        """The schema's version and the server-side rules that keep the privacy log honest."""
        problems: list[str] = []
        with server_errors(self.location), self.engine.connect() as connection:
            revision = read_revision(connection, self.location)
            if revision != HEAD_REVISION:
                problems.append(f"schema {revision}, expected {HEAD_REVISION}")
            found = {
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
                )
            }
        for trigger in ("data_access_revisions_append_only", "data_accesses_append_only"):
            if not any(name.startswith(trigger) for name in found):
                problems.append(f"the trigger {trigger} is missing")
        return problems

    def quick_problems(self) -> list[str]:
        """Nothing: the server checks its own storage."""
        return []

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at."""
        with server_errors(self.location), self.engine.connect() as connection:
            return read_revision(connection, self.location)

    def checkpoint(self) -> None:
        """Nothing to do: the server keeps its own write-ahead log."""


def upgrade_server(address: ServerAddress) -> tuple[str | None, str]:
    """Bring the schema of `address` to this build's, in one transaction.

    Returns the revision before (None for an empty database) and after. A newer schema is
    refused untouched; a database holding other tables is refused too.
    """
    engine = make_server_engine(address, pool_size=1)
    location = address.display
    try:
        with server_errors(location), engine.connect() as connection, connection.begin():
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
            try:
                before: str | None = read_revision(connection, location)
            except SchemaMissingError:
                before = None
            if before is not None and before not in KNOWN_REVISIONS:
                raise ServerSchemaTooNewError(location, f"schema {before}")
            if before != HEAD_REVISION:
                log.info("upgrading %s from %s to %s", location, before, HEAD_REVISION)
                upgrade_to_head(connection)
    finally:
        engine.dispose()
    return before, HEAD_REVISION
